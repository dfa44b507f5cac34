"""Hostile content, through the real CLI, a real build and a real server process.

Two trees, each written once: one where every page is broken in its own way (check and build
name file, line and cause; the good pages around them still serve), and one of pages that are
odd but valid (they all build and serve). Every CLI run and request has a hang guard.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape

from tests.conftest import (
    ROOT,
    Server,
    http_get,
    run_cli,
    start_server,
    static_http_server,
    stop_server,
    write_tree,
)

HANG_GUARD = 120  # seconds for one CLI run; each request has its own 30 s timeout
SECRET = "TOP SECRET 7f3a"
GOOD = {
    "en/index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "en/guide.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "zh/index.md": "---\ntitle: 首页\n---\n欢迎。\n",
    "zh/guide.md": "---\ntitle: 指南\n---\n指南。\n",
}
LAUGHS = (
    "---\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}' if prev else 'lol'] * 10)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
    )
    + "title: *h\n---\n"
)


@dataclass
class Bad:
    """A broken page: what it holds, and the line and message a contributor must see."""

    data: str | bytes
    line: int
    message: str
    url: str | None  # where the server shows its error (None: not a page at all)


HUGE = b"# Huge\n\n" + b"Some words in a paragraph.\n\n" * 750_000
HUGE_MB = f"{len(HUGE) / 2**20:.1f} MB"  # 20.0 MB
NESTED = "blocks (quotes, lists, admonitions) are nested more than 20 levels deep; "
NESTED += "what is inside is left out"
BAD = {
    "en/yaml-invalid.md": Bad(
        "---\ntitle: Fine\nsortorder: [1, 2\n---\n",
        3,
        "invalid YAML in front matter: expected ',' or ']', but got '<stream end>'",
        "yaml-invalid/",
    ),
    "en/yaml-list.md": Bad(
        "---\n- a\n- b\n---\n",
        2,
        "front matter must be a mapping of keys to values, not a list",
        "yaml-list/",
    ),
    "en/yaml-scalar.md": Bad(
        "---\njust a sentence\n---\nText.\n",
        2,
        "front matter must be a mapping of keys to values, not a str",
        "yaml-scalar/",
    ),
    "en/yaml-deep.md": Bad(
        "---\ntitle: " + "[" * 50_000 + "\n---\n",
        2,
        "front matter is nested too deeply",
        "yaml-deep/",
    ),
    "en/yaml-bad-date.md": Bad(
        "---\ntitle: T\nupdated: 2025-02-30\n---\n",
        3,
        "invalid YAML in front matter: day is out of range for month",
        "yaml-bad-date/",
    ),
    "en/header-unended.md": Bad(
        "title: T\nsortorder: 3\nThe text starts without a blank line.\n",
        3,
        "expected 'key: value' in the front matter header "
        "(end the header with a blank line before the text)",
        "header-unended/",
    ),
    "en/wrong-toc.md": Bad(
        "---\ntitle: T\ntoc: maybe\n---\n",
        3,
        "'toc' must be true or false, not 'maybe'",
        "wrong-toc/",
    ),
    "en/wrong-title.md": Bad(
        "---\nsortorder: 2\ntitle: [1, 2]\n---\n",
        3,
        "'title' must be a non-empty string, not [1, 2]",
        "wrong-title/",
    ),
    "en/crlf-wrong-sortorder.md": Bad(
        b"---\r\ntitle: T\r\nsortorder: first\r\n---\r\n",
        3,
        "'sortorder' must be an integer, not 'first'",
        "crlf-wrong-sortorder/",
    ),
    "en/bom-wrong-draft.md": Bad(
        b"\xef\xbb\xbf---\ntitle: T\ndraft: perhaps\n---\n",
        3,
        "'draft' must be true or false, not 'perhaps'",
        "bom-wrong-draft/",
    ),
    "en/invalid-utf8.md": Bad(
        b"---\ntitle: T\n---\nok\nbad \xff byte\n",
        5,
        "invalid UTF-8 byte 0xff (save the file as UTF-8)",
        "invalid-utf8/",
    ),
    "en/invalid-utf8-cr.md": Bad(
        b"---\rtitle: T\r---\rok\rbad \xff byte\r",
        5,
        "invalid UTF-8 byte 0xff (save the file as UTF-8)",
        "invalid-utf8-cr/",
    ),
    "en/utf16.md": Bad(
        "---\ntitle: T\n---\nText\n".encode("utf-16"),
        1,
        "file is UTF-16 encoded; save it as UTF-8",
        "utf16/",
    ),
    "en/utf16-no-bom.md": Bad(
        "---\ntitle: T\n---\nText\n".encode("utf-16-le"),
        1,
        "file is UTF-16 encoded; save it as UTF-8",
        "utf16-no-bom/",
    ),
    "en/nul.md": Bad(
        b"---\ntitle: T\n---\n\nfine\nnot\x00fine\n", 6, "NUL byte in the text", "nul/"
    ),
    "en/nul-cr.md": Bad(
        b"---\rtitle: T\r---\r\rfine\rnot\x00fine\r", 6, "NUL byte in the text", "nul-cr/"
    ),
    "en/huge.md": Bad(HUGE, 0, f"file is {HUGE_MB}; a page may be at most 4 MB: split it", "huge/"),
    "en/deep-quotes.md": Bad(
        "# Quotes\n\n" + "> " * 10_000 + "lost\n\nAfter.\n", 3, NESTED, "deep-quotes/"
    ),
    "en/deep-quotes-tight.md": Bad(
        "# Quotes\n\n" + ">" * 10_000 + " lost\n", 3, NESTED, "deep-quotes-tight/"
    ),
    "en/deep-list.md": Bad(
        "# List\n\n" + "- " * 10_000 + "lost\n\nAfter.\n", 3, NESTED, "deep-list/"
    ),
    "en/unclosed-comment.md": Bad(
        "# Comment\n\nText.\n\n<!-- a note to self\n\nMore text.\n",
        5,
        "'<!--' is never closed: the rest of the page would not show",
        "unclosed-comment/",
    ),
    "en/unclosed-script.md": Bad(
        "# Script\n\nText.\n\nPut it in a <script> tag.\n",
        5,
        "'<script>' is never closed: the rest of the page would not show",
        "unclosed-script/",
    ),
    "en/dup/index.md": Bad("# Dup folder\n", 1, "maps to the same URL /en/dup/ as en/dup.md", None),
    "en/slug-b.md": Bad("# B\n", 1, "maps to the same URL /en/slug-b/ as en/slug-a.md", None),
    "en/c#sharp.md": Bad(
        "# C#\n", 0, "the name has '#', which a URL cannot hold: rename it", "c#sharp/"
    ),
    "en/what?.md": Bad(
        "# What\n", 0, "the name has '?', which a URL cannot hold: rename it", "what?/"
    ),
    "en/100%.md": Bad(
        "# All\n", 0, "the name has '%', which a URL cannot hold: rename it", "100%/"
    ),
    "en/caf\u00e9.md": Bad(
        "# Composed\n",
        1,
        "maps to the same URL /en/caf\u00e9/ as en/caf\u00e9.md "
        "(the names differ only in how their accents are encoded)",
        None,
    ),
    "en/leak.md": Bad(b"", 0, "symbolic link points outside the content folder", "leak/"),
    "en/passwd.png": Bad(b"", 0, "symbolic link points outside the content folder", None),
    "en/self.md": Bad(b"", 0, "symbolic link cannot be followed (it loops)", "self/"),
}
LINKS = {  # symbolic links of the bad tree, to paths below its root
    "en/leak.md": "secret.md",
    "en/passwd.png": "secret.md",
    "en/self.md": "content/en/self.md",
}
# fine themselves: a page of the bad tree clashes with each
FINE_BESIDE_BAD = {
    "en/dup.md": "# Dup page\n",
    "en/slug-a.md": "---\ntitle: A\nslug: slug-b\n---\n",
    "en/cafe\u0301.md": "# Decomposed\n",  # the same name as en/café.md, its é in two parts
}


ESCAPES = "# Escapes\n\n[A tab](a%09b.png), [a line break](x%0Ay.md).\n"  # warnings only


def where(content: Path, rel: str, line: int) -> str:
    """A file and line as the CLI prints them (relative to the directory it runs in)."""
    path = os.path.relpath(content / rel, ROOT)
    return f"{path}:{line}" if line else path


@dataclass
class Tree:
    content: Path
    out: Path
    build: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str] | None = None


def built_tree(root: Path, files: dict[str, str | bytes], links: dict[str, str]) -> Tree:
    """Write the tree (with a secret beside content/ and symbolic links), then build it."""
    content = write_tree(root / "content", files)
    (root / "secret.md").write_text(f"# Secret\n\n{SECRET}\n", "utf-8")
    for link, target in links.items():
        (content / link).symlink_to(root / target)
    out = root / "site"
    build = run_cli("build", "--content", str(content), "--out", str(out), timeout=HANG_GUARD)
    return Tree(content, out, build)


def check_output(tree: Tree) -> str:
    assert tree.check is not None
    return tree.check.stdout


@pytest.fixture(scope="module")
def bad_tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    files: dict[str, str | bytes] = {**GOOD, **FINE_BESIDE_BAD, "en/laughs.md": LAUGHS}
    files["en/escapes.md"] = ESCAPES
    files.update({rel: bad.data for rel, bad in BAD.items() if rel not in LINKS})
    root = tmp_path_factory.mktemp("hostile-bad")
    tree = built_tree(root, files, LINKS)
    tree.check = run_cli("check", "--content", str(tree.content), timeout=HANG_GUARD)
    return tree


@pytest.fixture(scope="module")
def bad_server(bad_tree: Tree) -> Iterator[Server]:
    server = start_server(["serve", "--content", str(bad_tree.content)])
    yield server
    stop_server(server)


@pytest.mark.parametrize("rel", sorted(BAD))
def test_check_and_build_name_file_line_and_cause(bad_tree, rel):
    bad = BAD[rel]
    expected = f"{where(bad_tree.content, rel, bad.line)}: error: {bad.message}"
    assert expected in check_output(bad_tree).splitlines()
    assert expected in bad_tree.build.stderr.splitlines()


def test_check_and_build_fail_and_write_nothing(bad_tree):
    output = check_output(bad_tree) + bad_tree.build.stderr
    assert bad_tree.check.returncode == 1
    assert bad_tree.build.returncode == 1
    assert "Traceback" not in output
    assert not bad_tree.out.exists()
    errors = [line for line in check_output(bad_tree).splitlines() if ": error: " in line]
    assert len(errors) == len(BAD) + 1, errors  # one each (and the laughs), not one per language
    assert bad_tree.build.stderr.strip().splitlines()[-1] == (
        f"Error: {len(errors)} error(s) in {len(errors)} file(s); "
        f"nothing was written ({os.path.relpath(bad_tree.out, ROOT)} was not created)"
    )
    assert SECRET not in output


def test_the_good_pages_still_serve_beside_the_bad(bad_server):
    for url in ("/en/", "/en/guide/", "/zh/", "/zh/guide/", "/en/dup/", "/en/slug-b/"):
        assert bad_server.get(url).status == 200, url
    assert "Dup page" in bad_server.get("/en/dup/").text
    assert bad_server.get("/api/search?q=guide").status == 200


def test_every_line_check_and_build_print_is_one_line_of_printable_text(bad_tree):
    for output in (check_output(bad_tree), bad_tree.build.stderr):
        for line in output.splitlines():
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]|\t", line), repr(line)
        at = where(bad_tree.content, "en/escapes.md", 3)
        assert f"{at}: warning: link to missing file 'a\\tb.png'" in output.splitlines()
        assert f"{at}: warning: link to missing page 'x\\ny.md'" in output.splitlines()


def test_a_value_too_big_to_quote_is_quoted_short(bad_tree):
    """Eight levels of YAML aliases are 10^8 items: the message shows a few of them."""
    prefix = f"{where(bad_tree.content, 'en/laughs.md', 10)}: error: "
    [line] = [line for line in check_output(bad_tree).splitlines() if line.startswith(prefix)]
    assert line.startswith(prefix + "'title' must be a non-empty string, not [[[")
    assert len(line) < len(prefix) + 400


@pytest.mark.parametrize("rel", sorted(r for r, bad in BAD.items() if bad.url))
def test_server_shows_the_error_in_place_of_the_page(bad_tree, bad_server, rel):
    bad = BAD[rel]
    assert bad.url is not None
    response = bad_server.get("/en/" + quote(bad.url))
    assert response.status == 500
    assert where(bad_tree.content, rel, bad.line) in response.text
    assert str(escape(bad.message)) in response.text
    assert SECRET not in response.text


def test_a_page_that_would_lose_text_shows_its_error_in_both_languages(bad_tree, bad_server):
    """Found while rendering, not loading: the Chinese fallback names the English file."""
    for url in ("/en/unclosed-script/", "/zh/unclosed-script/", "/zh/deep-list/"):
        response = bad_server.get(url)
        assert response.status == 500, url
        assert 'class="doc content-error"' in response.text
    assert where(bad_tree.content, "en/deep-list.md", 3) in bad_server.get("/zh/deep-list/").text


def test_no_source_or_secret_is_served(bad_server):
    for url in ("/en/leak.md", "/en/guide.md", "/en/c%23sharp.md", "/en/passwd.png", "/en/self.md"):
        response = bad_server.get(url)
        assert response.status == 404, url
        assert SECRET not in response.text


# --- odd but valid pages ---------------------------------------------------------------------

ONE_LINE = " ".join(f"word{i % 997}" for i in range(120_000))  # about 1 MB, one line
assert 900_000 < len(ONE_LINE) < 1_100_000
TABLE = (
    "| " + " | ".join(f"c{i}" for i in range(5000)) + " |\n"
    "|" + "---|" * 5000 + "\n"
    "| " + " | ".join(f"v{i}" for i in range(5000)) + " |\n"
)
SCRIPT_PAGE = """\
---
title: Scripted
---
Quetzal pages may carry a script, as their authors are trusted.

<script>window.pwned = "by-the-page";</script>

<img src="x" onerror="window.pwned = 'by-an-image'">

Quetzal text after the script, and an <b>inline</b> tag.
"""
ODD = {
    **GOOD,
    "en/empty.md": b"",
    "en/bom.md": b"\xef\xbb\xbf---\ntitle: Line ends\n---\nFirst line\nsecond line.\n",
    "en/crlf.md": b"---\r\ntitle: Line ends\r\n---\r\nFirst line\r\nsecond line.\r\n",
    "en/cr.md": b"---\rtitle: Line ends\r---\rFirst line\rsecond line.\r",
    "en/header-only.md": "title: Header only\nsortorder: 3\nauthors: a, b\n",
    "en/one-line.md": "# One line\n\n" + ONE_LINE + "\n",
    "en/wide-table.md": "# Wide table\n\n" + TABLE,
    "en/unclosed-div.md": '# Unclosed\n\n<div class="box"><span>open\n\ntext <b>bold\n',
    "en/scripted.md": SCRIPT_PAGE,
    "en/ids.md": (
        "# Ids\n\n## Intro\n\n## Other {#intro}\n\n## Again {#again}\n\n## Even {#again}\n"
    ),
    "en/my page.md": "# Spaces\n",
    "en/中文 页面.md": "# Unicode name\n",
    "en/a..b.md": "# Dots\n",
    "en/x..y/index.md": "# Dotted folder\n",
    "en/guide/logo.png": b"\x89PNG\r\n\x1a\nfake",
    "en/pictured.md": "# Pictured\n\n![logo](guide/logo.png)\n",  # so guide/ is not empty
    # macOS saves names decomposed: e and U+0301; the page is at the composed URL (NFC)
    "en/cafe\u0301.md": "# Caf\u00e9\n",
    "en/accents.md": "# Accents\n\n[One](cafe\u0301.md) and [the same](caf\u00e9.md).\n",
}
CAFE = "caf\u00e9"  # composed
DECOMPOSED = "cafe\u0301"
ODD_URLS = [
    "en/empty/",
    "en/bom/",
    "en/crlf/",
    "en/cr/",
    "en/header-only/",
    "en/one-line/",
    "en/wide-table/",
    "en/unclosed-div/",
    "en/scripted/",
    "en/ids/",
    "en/my page/",
    "en/中文 页面/",
    "en/a..b/",
    "en/x..y/",
    "zh/one-line/",
    "zh/中文 页面/",
    f"en/{CAFE}/",
    f"zh/{CAFE}/",
]


@pytest.fixture(scope="module")
def odd_tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    root = tmp_path_factory.mktemp("hostile-odd")
    # a folder link that loops (a link out of the content is an error: see the bad tree)
    return built_tree(root, ODD, {"en/loop": "content/en"})


@pytest.fixture(scope="module")
def odd_server(odd_tree: Tree) -> Iterator[Server]:
    server = start_server(["serve", "--content", str(odd_tree.content)])
    yield server
    stop_server(server)


def test_odd_pages_build_with_only_their_warnings(odd_tree):
    assert odd_tree.build.returncode == 0, odd_tree.build.stderr
    warnings = [line for line in odd_tree.build.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        f"{where(odd_tree.content, 'en/empty.md', 1)}: warning: page has no title: "
        "add 'title:' to the front matter or a '# ' heading",
        f"{where(odd_tree.content, 'en/ids.md', 9)}: warning: duplicate heading id 'again'",
    ]
    for url in ODD_URLS:
        assert (odd_tree.out / url / "index.html").is_file(), url


def test_line_ends_and_bom_read_alike(odd_tree):
    articles = set()
    for name in ("bom", "crlf", "cr"):
        html = (odd_tree.out / "en" / name / "index.html").read_text("utf-8")
        assert "\r" not in html and "\ufeff" not in html
        articles.add(html[html.index("<article") : html.index("</article>")])
    assert len(articles) == 1
    assert "<p>First line\nsecond line.</p>" in articles.pop()


def test_odd_pages_keep_their_content(odd_tree):
    def page(url: str) -> str:
        return (odd_tree.out / url / "index.html").read_text("utf-8")

    assert "Header only" in page("en/header-only/")
    assert ONE_LINE in page("en/one-line/")
    assert page("en/wide-table/").count("<th>") == 5000
    unclosed = page("en/unclosed-div/")
    assert unclosed.index('<div class="box">') < unclosed.index('<footer class="site-footer">')
    scripted = page("en/scripted/")
    assert '<script>window.pwned = "by-the-page";</script>' in scripted
    ids = page("en/ids/")
    assert 'id="intro-1"' in ids and 'id="intro"' in ids  # the slug gives way to the explicit id


def test_script_in_a_page_never_reaches_the_static_index(odd_tree):
    index = "".join(
        file.read_text("utf-8") for file in (odd_tree.out / "_search" / "en").glob("*.json")
    )
    assert "quetzal" in index.lower()
    for needle in ("<script", "pwned", "onerror", "<img", "<b>"):
        assert needle not in index, needle


def test_script_in_a_page_never_reaches_server_snippets(odd_server):
    data = json.loads(odd_server.get("/api/search?q=quetzal").text)
    assert data["total"] >= 1
    text = json.dumps(data["results"])
    assert "Quetzal" in text
    for needle in ("<script", "pwned", "onerror", "<img", "<b>"):
        assert needle not in text, needle
    page = odd_server.get("/en/search/?q=quetzal").text
    results = page[page.index('id="search-results"') :]
    assert "<mark>Quetzal</mark>" in results
    assert "pwned" not in results and "onerror" not in results


def test_odd_pages_serve(odd_server):
    for url in ODD_URLS:
        assert odd_server.get("/" + quote(url)).status == 200, url


@pytest.mark.parametrize(
    "path",
    [
        "/en/leak.txt",
        "/en/loop/leak.txt",
        "/en/../secret.txt",
        "/en/%2e%2e/secret.txt",
        "/en/..%2fsecret.txt",
        "/en/loop/%2e%2e/%2e%2e/secret.txt",
        "/en/%00/../secret.txt",
    ],
)
def test_no_file_outside_the_content_is_served_or_built(odd_tree, odd_server, path):
    response = odd_server.get(path)
    assert 400 <= response.status < 500
    assert SECRET not in response.text
    with static_http_server(odd_tree.out) as base:
        frozen = http_get(base + path)
    assert frozen.status == 404 and SECRET not in frozen.text


def test_the_built_site_holds_no_secret(odd_tree):
    for file in odd_tree.out.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    assert (odd_tree.out / "en" / "guide" / "logo.png").is_file()


def test_a_decomposed_file_name_is_one_composed_url_everywhere(odd_tree, odd_server):
    built = odd_tree.out
    assert (built / "en" / CAFE / "index.html").is_file()
    assert not (built / "en" / DECOMPOSED).exists()
    outputs = [
        built / "sitemap.xml",
        built / "en" / "index.html",
        built / "en" / "accents" / "index.html",
    ]
    outputs += [built / "zh" / "accents" / "index.html"]
    for file in outputs:
        text = file.read_text("utf-8")
        assert f"{CAFE}/" in text, file
        assert DECOMPOSED not in text, file
    accents = (built / "en" / "accents" / "index.html").read_text("utf-8")
    assert accents.count(f'<a href="../{CAFE}/">') == 2
    assert odd_server.get("/en/" + quote(CAFE) + "/").status == 200
    for lang in ("en", "zh"):
        for tail in ("/", ""):
            moved = odd_server.get(f"/{lang}/" + quote(DECOMPOSED) + tail)
            assert moved.status == 308
            assert moved.headers["location"] == f"/{lang}/" + quote(CAFE) + "/"
