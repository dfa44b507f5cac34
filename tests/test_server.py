"""The doc server as a real process: pages, fallback, errors, 404, traversal, caching headers."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest

from docsite.app import create_app
from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import (
    CONTENT,
    Server,
    free_port,
    run_cli,
    start_server,
    stop_server,
    write_tree,
)

SMALL_SITE = {
    "en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nWelcome. [Guide](guide/index.md)\n",
    "en/guide/index.md": "---\ntitle: Guide\nsortorder: 1\n---\nThe guide.\n",
    "en/guide/routing.md": "---\ntitle: Routing\n---\n## Rules {#rules}\n\n![logo](logo.png)\n",
    "en/guide/only-english.md": (
        "---\ntitle: Only English\n---\n## Part {#part}\n\n[Routing](routing.md#rules)\n"
    ),
    "en/guide/logo.png": b"\x89PNG\r\n\x1a\nfake",
    "en/guide/broken.md": "---\ntitle: [never closed\n---\n",
    "en/guide/broken-quote.md": '---\ntitle: "never closed\nsortorder: 1\n---\nText.\n',
    "zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n欢迎。\n",
    "zh/guide/index.md": "---\ntitle: 指南\nsortorder: 1\n---\n指南。\n",
    "zh/guide/routing.md": "---\ntitle: 路由\n---\n## 规则 {#rules}\n",
}


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("server")
    content = write_tree(root / "content", SMALL_SITE)
    outside = write_tree(root / "outside", {"secret.txt": "TOP SECRET"})
    write_tree(root, {"secret.txt": "TOP SECRET", "secret.md": "# TOP SECRET\n"})  # beside content/
    (content / "en" / "guide" / "leak.txt").symlink_to(outside / "secret.txt")
    (content / "en" / "guide" / "self").symlink_to("self")  # a link to itself: ELOOP
    (content / "en" / "guide" / "ping").symlink_to("pong")
    (content / "en" / "guide" / "pong").symlink_to("ping")
    server = start_server(["serve", "--content", str(content)])
    yield server
    stop_server(server)


def test_every_project_page_is_200_in_both_languages(project_server):
    config = load_config()
    site = Site(config, Theme(config).gettext)
    urls = [f"/{entry.site_path}" for entry in site.all_entries()]
    assert len(urls) >= 2 * len(site.entries["en"]) > 0
    bad = [(url, status) for url in urls if (status := project_server.get(url).status) != 200]
    assert bad == []


def test_root_redirects_by_accept_language(small_server):
    zh = small_server.get("/", {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert zh.status == 302 and zh.headers["location"].endswith("/zh/")
    assert "Accept-Language" in zh.headers["vary"]
    en = small_server.get("/", {"Accept-Language": "fr-FR, en;q=0.7"})
    assert en.headers["location"].endswith("/en/")
    default = small_server.get("/")
    assert default.headers["location"].endswith("/en/")


def test_page_has_language_alternates_and_lang_attribute(small_server):
    page = small_server.get("/zh/guide/routing/")
    assert page.status == 200
    assert '<html lang="zh-Hans"' in page.text
    assert '<link rel="alternate" hreflang="en" href="../../../en/guide/routing/">' in page.text
    assert '<link rel="alternate" hreflang="zh-Hans" href="./">' in page.text
    assert re.search(r'<a href="../../../en/guide/routing/" hreflang="en"', page.text)


def test_untranslated_page_is_served_in_zh_with_notice_and_zh_links(small_server):
    page = small_server.get("/zh/guide/only-english/")
    assert page.status == 200
    assert "本页尚未翻译" in page.text
    assert 'class="notice notice-untranslated"' in page.text
    # its links stay in /zh/: relative links resolve below /zh/guide/
    assert 'href="../routing/#rules"' in page.text
    assert '<html lang="zh-Hans"' in page.text
    assert '<article class="doc" lang="en">' in page.text


def test_broken_page_shows_its_error_and_others_still_serve(small_server):
    broken = small_server.get("/en/guide/broken/")
    assert broken.status == 500
    assert "broken.md:2" in broken.text
    assert "invalid YAML in front matter" in broken.text
    assert small_server.get("/en/guide/routing/").status == 200


def test_the_error_page_marks_the_line_that_opened_an_unclosed_quote(small_server):
    page = small_server.get("/en/guide/broken-quote/")
    assert page.status == 500
    assert "broken-quote.md:2</code>" in page.text
    assert "the quote opened on this line is not closed" in page.text
    source = re.search(r'<pre class="error-source">(.*?)</pre>', page.text, re.S)
    assert source, page.text
    marked = re.findall(r'class="error-line"><span class="lineno">(\d+)<', source.group(1))
    assert marked == ["2"]


def test_the_error_page_lists_the_lines_plainly_and_says_it_reloads(small_server):
    page = small_server.get("/en/guide/broken/").text
    assert "Fix the file and save: this page reloads by itself." in page
    assert "reload;" not in page
    assert 'class=""' not in page
    source = re.search(r'<pre class="error-source">(.*?)</pre>', page, re.S)
    assert source, page
    # each line is a block of its own: a newline between them would show as a blank line
    assert "\n" not in source.group(1)
    lines = re.findall(r'<span( class="error-line")?><span class="lineno">(\d+)<', source.group(1))
    assert lines == [("", "1"), (' class="error-line"', "2"), ("", "3")]


def test_the_error_page_of_a_server_without_live_reload_says_to_reload(tmp_path):
    content = write_tree(tmp_path / "content", {"en/bad.md": "---\ntitle: [oops\n---\n"})
    config = load_config(content_dir=content, cache_dir=tmp_path / "cache")
    page = create_app(config, server_search=False).test_client().get("/en/bad/")
    assert page.status_code == 500
    assert "Fix the file and reload; the other pages are still served." in page.text
    assert "reloads by itself" not in page.text


def test_missing_page_gets_the_themed_404_in_the_right_language(small_server):
    en = small_server.get("/en/no/such/page/")
    assert en.status == 404
    assert "Page not found" in en.text and 'class="site-header"' in en.text
    zh = small_server.get("/zh/nothing-here/")
    assert zh.status == 404 and "页面不存在" in zh.text
    assert small_server.get("/fr/").status == 404


def test_missing_trailing_slash_redirects(small_server):
    response = small_server.get("/en/guide/routing")
    assert response.status == 308
    assert response.headers["location"].endswith("/en/guide/routing/")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/en", "/en/"),
        ("/zh/guide", "/zh/guide/"),
        ("/en//guide/", "/en/guide/"),
        ("/nope", "/nope/"),
        ("//evil.example", "/evil.example/"),  # a path, never "//host"
        ("/en?a=1", "/en/?a=1"),
        ("/en/guide/routing", "/en/guide/routing/"),
    ],
)
def test_redirects_stay_on_the_site_whatever_the_host_header(small_server, path, location):
    response = small_server.get(path, {"Host": "evil.example"})
    assert response.status in (301, 302, 307, 308)
    assert response.headers["location"] == location


def test_a_trusted_host_list_refuses_other_hosts(tmp_path):
    content = write_tree(
        tmp_path / "content", {"en/index.md": "# Home\n", "zh/index.md": "# 首页\n"}
    )
    args = ["serve", "--content", str(content), "--trusted-host", "127.0.0.1"]
    server = start_server([*args, "--trusted-host", "docs.example.org"])
    try:
        assert server.get("/en/").status == 200
        assert server.get("/en/", {"Host": "docs.example.org"}).status == 200
        assert server.get("/en/", {"Host": "evil.example"}).status == 400
        assert server.get("/en", {"Host": "evil.example"}).status == 400
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    "path",
    [
        "/en/../pyproject.toml",
        "/en/%2e%2e/%2e%2e/pyproject.toml",
        "/en/guide/..%2f..%2f..%2fpyproject.toml",
        "/_static/../../../pyproject.toml",
        "/_static/%2e%2e/%2e%2e/docsite/web.py",
        "/en/guide/routing.md",
        "/en/guide/leak.txt",
        "/en/.hidden",
        "/_static/..%2ftheme.toml",
        "/en/../secret.txt",
        "/en/%2e%2e/secret.txt",
        "/en/%2e%2e%2fsecret.txt",
        "/en/guide/%2e%2e/%2e%2e/secret.txt",
        "/en/..%5csecret.txt",
        "/en/%00",
        "/en/guide/logo.png%00.txt",
        "/en/%00/../../secret.txt",
        "/en/secret/",
        "/_static/%00",
        "/_static/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/_docsite/live.js/../../secret.txt",
        "/en/guide%2frouting/",  # the page, at a URL its relative links do not work from
        "/en/guide/routing%2f",
        "/zh/guide%2Frouting/",
        "/en/guide%2flogo.png",
    ],
)
def test_nothing_outside_content_and_theme_static_is_reachable(small_server, path):
    response = small_server.get(path)
    assert response.status in (400, 404)
    assert b"TOP SECRET" not in response.body
    assert b"[tool.docsite]" not in response.body
    assert b"def create_app" not in response.body


LONG = "a" * 256  # one segment longer than a file name may be (ENAMETOOLONG)
CHINESE = "%E4%B8%AD" * 86  # 258 bytes once decoded


@pytest.mark.parametrize(
    "path",
    [
        "/en/" + LONG,
        "/zh/" + LONG,
        "/en/" + LONG + ".png",
        "/en/guide/" + LONG + "/x.png",
        "/en/" + CHINESE,
        "/zh/guide/" + CHINESE,
        "/_static/" + LONG,
        "/_static/css/" + LONG + ".css",
        "/_static/css/docsite.0123456789" + LONG + ".css",
        "/en/guide/self",
        "/en/guide/self/logo.png",
        "/zh/guide/ping",
        "/en/guide/pong/x",
    ],
)
def test_a_path_the_file_system_refuses_is_a_404(small_server, path):
    response = small_server.get(path)
    assert response.status == 404, response.text[:300]
    assert 'class="doc not-found"' in response.text  # the themed 404 page


def raw_request(server: Server, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (no client fixes them up); the status and the whole answer."""
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    # A request line the server cannot parse gets an HTTP/0.9 answer: no status line
    status = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer) or re.search(rb"code: (\d{3})", answer)
    return (int(status.group(1)) if status else 0), answer


@pytest.mark.parametrize(
    ("request_line", "statuses"),
    [
        (b"GET /en/%00 HTTP/1.1", {404}),
        (b"GET /en/\x00 HTTP/1.1", {400, 404}),
        (b"GET /en/../../../etc/passwd HTTP/1.1", {404}),
        (b"GET /en/%2e%2e%2f%2e%2e%2fsecret.txt HTTP/1.1", {404}),
        (b"GET /en/\xff\xfe/ HTTP/1.1", {400, 404}),
        (b"GET en/ HTTP/1.1", {200, 400, 404}),
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1", {414}),
        (b"GET /api/search?q=" + b"%3C" * 33_000 + b" HTTP/1.1", {414}),
        (b"GET /api/search?q=" + b"x" * 60_000 + b" HTTP/1.1", {200}),
        (b"GET /api/search?" + b"q=a&" * 15_000 + b" HTTP/1.1", {200}),
        (b"GET /en/search/?q=" + b"%E8%93%9D" * 5_000 + b" HTTP/1.1", {200}),
        (b"GET /en/" + b"a/" * 30_000 + b" HTTP/1.1", {404}),
        (b"GET /en/ HTTP/1.1 junk", {400}),
        (b"GET /en/ XTTP/1.1", {400}),
    ],
)
def test_malformed_and_huge_requests_get_a_clean_answer(small_server, request_line, statuses):
    status, answer = raw_request(
        small_server, request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status in statuses, answer[:300]
    assert b"TOP SECRET" not in answer
    assert small_server.get("/en/guide/routing/").status == 200  # and it still serves


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "BREW"])
@pytest.mark.parametrize("path", ["/en/", "/en/guide/routing/", "/api/search", "/_static/x.css"])
def test_methods_other_than_get_are_refused(small_server, method, path):
    connection = http.client.HTTPConnection(small_server.base.removeprefix("http://"), timeout=30)
    connection.request(method, path, body=b"x=1", headers={"Content-Type": "text/plain"})
    response = connection.getresponse()
    assert response.status == 405
    assert "GET" in response.headers["Allow"]
    assert b"x=1" not in response.read()  # TRACE must not echo the request back
    connection.close()


def test_options_and_head_answer_without_a_body(small_server):
    options = small_server.get("/en/guide/routing/", method="OPTIONS")
    assert options.status == 200 and options.body == b""
    assert set(options.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    head = small_server.get("/en/guide/routing/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) > 1000


THEME_OWN = {("img", "site-logo"), ("img", "hero-logo"), ("svg", "icon")}  # the logo, icons


class ElementParser(HTMLParser):
    """The elements, attributes, URLs and inline scripts a browser would find in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if (tag, dict(attrs).get("class")) not in THEME_OWN:
            self.tags.add(tag)
        self._in_script = tag == "script"
        for name, value in attrs:
            self.attributes.add(name)
            if name in ("href", "src", "action", "formaction") and value is not None:
                self.urls.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "routing <script>alert(1)</script>",
    'rules"><iframe src=javascript:alert(1)>',
]


@pytest.mark.parametrize("payload", XSS)
def test_what_a_request_carries_is_escaped_where_it_is_shown(small_server, payload):
    q = quote(payload)
    for path in (
        f"/en/search/?q={q}",
        f"/zh/search/?q={q}&lang=all",
        f"/en/search/?lang={q}",
        f"/en/{q}",
        f"/en/guide/{q}/",
        f"/{q}/",
    ):
        response = small_server.get(path)
        assert response.status in (200, 404), path
        assert response.headers["content-type"].startswith("text/html")
        assert payload not in response.text, path
        parsed = ElementParser()
        parsed.feed(response.text)
        assert not {"img", "svg", "iframe"} & parsed.tags, path
        assert not [name for name in parsed.attributes if name.startswith("on")], path
        assert not [s for s in parsed.scripts if "alert" in s], path
        assert not [v for v in parsed.urls if v.strip().lower().startswith("javascript:")]


@pytest.mark.parametrize("payload", XSS)
def test_search_api_answers_json_and_escapes_snippets(small_server, payload):
    response = small_server.get("/api/search?lang=all&q=" + quote(payload))
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    data = json.loads(response.body)
    for hit in data["results"]:
        assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0, hit
        assert "<" not in hit["title"] + hit["section"] + hit["url"]


@pytest.mark.parametrize("lang", ["fr", "EN", " ", "<b>zh</b>"])
def test_search_api_refuses_a_language_it_does_not_have(small_server, lang):
    response = small_server.get(f"/api/search?q=routing&lang={quote(lang)}")
    assert response.status == 400
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.body) == {"error": f"lang must be one of en, zh, all, not {lang!r}"}


def test_content_assets_are_served_with_fallback(small_server):
    en = small_server.get("/en/guide/logo.png")
    assert en.status == 200 and en.body.startswith(b"\x89PNG")
    zh = small_server.get("/zh/guide/logo.png")
    assert zh.status == 200 and zh.body == en.body


def test_etag_and_conditional_get(small_server):
    first = small_server.get("/en/guide/routing/")
    etag = first.headers["etag"]
    assert "no-cache" in first.headers["cache-control"]
    again = small_server.get("/en/guide/routing/", {"If-None-Match": etag})
    assert again.status == 304 and again.body == b""


def test_theme_assets_are_fingerprinted_and_cached_forever(small_server):
    page = small_server.get("/en/").text
    css = re.search(r'href="((?:\.\./)*_static/css/docsite\.[0-9a-f]{10}\.css)"', page)
    assert css, page[:2000]
    for url in re.findall(r'(?:href|src)="((?:\.\./)*_static/[^"]+)"', page):
        response = small_server.get(urljoin("/en/", url))
        assert response.status == 200, url
        directives = {d.strip() for d in response.headers["cache-control"].split(",")}
        assert directives == {"public", "max-age=31536000", "immutable"}, url
    stale = small_server.get("/_static/css/docsite.0000000000.css")
    assert stale.status == 200 and "no-cache" in stale.headers["cache-control"]


def test_security_headers_and_no_debugger(small_server):
    response = small_server.get("/en/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" in response.headers
    assert b"Werkzeug Debugger" not in small_server.get("/en/guide/broken/").body


def _csp_sources(policy: str, directive: str) -> list[str]:
    for part in policy.split(";"):
        name, *sources = part.split()
        if name == directive:
            return sources
    raise AssertionError(f"no {directive} in {policy!r}")


@pytest.mark.parametrize(
    "path", ["/en/", "/zh/guide/routing/", "/en/search/?q=x", "/en/nope/", "/"]
)
def test_content_security_policy_allows_exactly_the_theme_inline_scripts(small_server, path):
    response = small_server.get(path, headers={"Accept-Language": "en"})
    policy = response.headers["content-security-policy"]
    scripts = _csp_sources(policy, "script-src")
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert _csp_sources(policy, "object-src") == ["'none'"]
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    if path != "/":
        assert len(inline) == 1  # the theme-init script, which must run before the first paint
    # The same policy travels with the page as a <meta> for static hosts (minus header-only parts).
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', response.text)
    if meta:
        assert _csp_sources(meta.group(1).replace("&#39;", "'"), "script-src") == scripts
    else:
        assert path == "/"


def test_sitemap_and_robots(small_server):
    sitemap = small_server.get("/sitemap.xml")
    assert sitemap.status == 200
    assert "<loc>/en/guide/routing/</loc>" in sitemap.text
    assert 'hreflang="zh-Hans" href="/zh/guide/routing/"' in sitemap.text
    assert small_server.get("/robots.txt").text.startswith("User-agent: *")


def test_binds_loopback_by_default(small_server):
    assert small_server.base.startswith("http://127.0.0.1:")
    assert "warning" not in small_server.output()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "docs.example.org"])
def test_the_debugger_is_refused_on_a_host_other_machines_reach(tmp_path, host):
    content = write_tree(tmp_path / "content", {"en/index.md": "# Home\n"})
    args = ["--content", str(content), "--debug", "--host", host, "--port", str(free_port())]
    result = run_cli("serve", *args, timeout=30)
    assert result.returncode == 2
    assert f"--debug on --host {host} would let anyone" in result.stderr
    assert "--unsafe-debug-on-public-host" in result.stderr
    assert "Serving" not in result.stderr


def test_a_port_that_is_taken_is_refused_before_anything_is_served(tmp_path):
    content = write_tree(tmp_path / "content", {"en/index.md": "# Home\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--content", str(content), "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert "Serving" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: port {port} on 127.0.0.1 is taken by another program: stop it, "
        "or serve on another port with --port N"
    )


def test_serving_on_a_public_interface_warns(tmp_path):
    content = write_tree(tmp_path / "content", {"en/index.md": "# Home\n"})
    server = start_server(["serve", "--content", str(content), "--host", "0.0.0.0"])
    try:
        assert server.get("/en/").status == 200
        warning = "warning: the development server on 0.0.0.0 can be reached from other machines"
        assert warning in server.output()
    finally:
        stop_server(server)


def test_create_app_works_under_flask_cli(tmp_path: Path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "docsite", "routes"],
        cwd=CONTENT.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "/_static/<path:name>" in result.stdout
