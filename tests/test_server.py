"""The doc server as a real process: pages, fallback, errors, 404, traversal, caching headers."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import CONTENT, Server, start_server, stop_server, write_tree

SMALL_SITE = {
    "en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nWelcome. [Guide](guide/index.md)\n",
    "en/guide/index.md": "---\ntitle: Guide\nsortorder: 1\n---\nThe guide.\n",
    "en/guide/routing.md": "---\ntitle: Routing\n---\n## Rules {#rules}\n\n![logo](logo.png)\n",
    "en/guide/only-english.md": (
        "---\ntitle: Only English\n---\n## Part {#part}\n\n[Routing](routing.md#rules)\n"
    ),
    "en/guide/logo.png": b"\x89PNG\r\n\x1a\nfake",
    "en/guide/broken.md": "---\ntitle: [never closed\n---\n",
    "zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n欢迎。\n",
    "zh/guide/index.md": "---\ntitle: 指南\nsortorder: 1\n---\n指南。\n",
    "zh/guide/routing.md": "---\ntitle: 路由\n---\n## 规则 {#rules}\n",
}


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("server")
    content = write_tree(root / "content", SMALL_SITE)
    outside = write_tree(root / "outside", {"secret.txt": "TOP SECRET"})
    (content / "en" / "guide" / "leak.txt").symlink_to(outside / "secret.txt")
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
    ],
)
def test_nothing_outside_content_and_theme_static_is_reachable(small_server, path):
    response = small_server.get(path)
    assert response.status in (400, 404)
    assert b"TOP SECRET" not in response.body
    assert b"[tool.docsite]" not in response.body
    assert b"def create_app" not in response.body


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
    response = small_server.get(urljoin("/en/", css.group(1)))
    assert response.status == 200
    assert "immutable" in response.headers["cache-control"]
    assert "max-age=31536000" in response.headers["cache-control"]
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
