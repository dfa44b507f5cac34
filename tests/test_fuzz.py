"""Property tests (Hypothesis): front matter, rendering and the search query path take any input.

    .venv/bin/python -m pytest tests/test_fuzz.py                             # CI: a few thousand
    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py    # 20 times as many

Every example runs under a hang guard (SIGALRM), so an input that makes the parser loop or
blow up fails as "took longer than N s" instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsite.app import create_app
from docsite.config import load_config
from docsite.errors import ContentError
from docsite.pages import KNOWN_FIELDS, Page, load_page
from docsite.render import Rendered, Renderer
from docsite.search import MAX_LIMIT, MAX_QUERY_CHARS
from tests.conftest import write_tree

settings.register_profile(
    "ci",
    max_examples=500,  # a test asks for a share of it: examples(3) is 1,500 in CI
    deadline=None,  # the hang guard below bounds every example instead
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
GUARD_SECONDS = 10


def examples(share: float) -> settings:
    return settings(max_examples=int(share * settings.default.max_examples))


class Hang(Exception):
    pass


@contextmanager
def hang_guard(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail an example that takes longer than `seconds` (interrupting it, unlike a deadline)."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def line_count(data: bytes) -> int:
    """Lines of a file as an editor counts them: CRLF, LF and lone CR each end one."""
    return len(re.split(rb"\r\n|\r|\n", data))


# --- sources that look like pages ------------------------------------------------------------

KEYS = [*sorted(KNOWN_FIELDS), "category", "Title", "x-y", "a:b", "? x", "- item", "<<", "~"]
VALUES = [
    "Blueprints",
    "",
    "  ",
    "3",
    "-7",
    "0404",
    "9" * 30,
    "1.5",
    ".inf",
    "true",
    "False",
    "yes",
    "maybe",
    "null",
    "~",
    "2025-05-01",
    "2025-02-30",
    "2025-13-01 10:00",
    "2016-06-15 12:20",
    "[a, b",
    "[a, [b, [c]]]",
    "{a: 1}",
    "{",
    "&anchor x",
    "*anchor",
    "!!binary aGk=",
    "!!python/object:os.system x",
    "!tag x",
    "'quoted'",
    '"dq \\u00e9 \\x00"',
    "|",
    ">-",
    "a: b: c",
    "- x",
    "a, b, c",
    "蓝图",
    "\t",
    "#",
]
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
VALUE = st.one_of(
    *[st.sampled_from(VALUES)] * 4,
    TEXT,
    st.integers(1, 2000).map(lambda n: "[" * n),  # nesting
    st.integers(1, 5000).map(lambda n: "9" * n),  # a number Python will not convert
)
KEY_VALUE = st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(KEYS), VALUE)
YAML_LINE = st.one_of(
    *[KEY_VALUE] * 6,
    st.sampled_from(["---", "...", "", "  - a", "    nested: 1", "[[[[", "]]", "- - - x"]),
    TEXT,
)
BODY_LINE = st.one_of(
    st.sampled_from(["# Title", "## Section {#s}", "Text.", "", "---", "```", "> quote"]),
    TEXT,
)


@st.composite
def page_sources(draw: st.DrawFn) -> bytes:
    """Front matter of either form (often broken), a body, then the bytes as an editor wrote
    them: some line end, maybe a BOM, UTF-16 or stray bytes."""
    form = draw(st.sampled_from(["yaml", "yaml", "plain", "none"]))
    head = draw(st.lists(YAML_LINE, max_size=8))
    body = draw(st.lists(BODY_LINE, max_size=8))
    if form == "yaml":
        closed = draw(st.booleans())
        lines = ["---", *head, *(["---"] if closed else []), *body]
    elif form == "plain":
        lines = [*head, *([""] if draw(st.booleans()) else []), *body]
    else:
        lines = body
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "bom", "utf16", "bytes", "nul"]))
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "utf16":
        data = newline.join(lines).encode("utf-16", "surrogatepass")
    elif damage in ("bytes", "nul"):
        at = draw(st.integers(0, len(data)))
        junk = b"\x00" if damage == "nul" else draw(st.binary(min_size=1, max_size=3))
        data = data[:at] + junk + data[at:]
    return data


def load(tmp_path: Path, data: bytes) -> Page:
    return load_page(tmp_path, "en", "guide/page.md", data)


def assert_error_in_file(error: ContentError, data: bytes) -> None:
    assert error.message and "\n" not in error.message
    assert 1 <= error.line <= line_count(data), (error.line, error)
    assert str(error).startswith(f"{os.path.relpath(error.path)}:{error.line}: ")


@examples(3)
@given(data=page_sources())
def test_any_source_is_a_page_or_an_error_at_a_line_of_the_file(tmp_path, data):
    try:
        with hang_guard():
            page = load(tmp_path, data)
    except ContentError as error:
        assert_error_in_file(error, data)
        return
    assert isinstance(page.title, str) and page.title.strip()
    assert 1 <= page.body_line <= line_count(data) + 1
    assert page.url == "" or page.url.endswith("/")
    assert isinstance(page.meta.get("sortorder", 0), int)
    assert isinstance(page.meta.get("toc", True), bool)
    for warning in page.warnings:
        assert 1 <= warning.line <= line_count(data)


@examples(1)
@given(data=st.binary(max_size=600))
def test_any_bytes_are_a_page_or_an_error_at_a_line_of_the_file(tmp_path, data):
    try:
        with hang_guard():
            load(tmp_path, data)
    except ContentError as error:
        assert_error_in_file(error, data)


# --- rendering -------------------------------------------------------------------------------

BLOCKS = [
    "# Heading",
    "## Section {#intro}",
    "## Section {#intro .wide}",
    "### Sub { #sub }",
    "## 中文标题",
    "Text with *emphasis*, **strong**, `code`, ~~gone~~ and a [link](other.md#target).",
    "[up](../outside.md) [img](img.png) ![alt](logo.png) <https://example.com>",
    "Footnote[^1].\n\n[^1]: The note.",
    "- item\n    - nested\n        - deeper",
    "1. one\n2. two",
    "- [ ] task\n- [x] done",
    "> quote\n> > nested",
    "```python\nprint('hi')\n```",
    '```pycon title="x" hl_lines="1"\n>>> 1\n1\n```',
    "```nosuchlang\ncode\n```",
    "```\nunclosed fence",
    "    indented code",
    "!!! note\n    Body.",
    '!!! warning "Title"\n    Body.',
    "/// details | More\nHidden.\n///",
    "/// tab | One\nA.\n///",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Term\n: Definition",
    '<div class="x">raw</div>',
    "<div>unclosed",
    "<!-- comment -->",
    "<!-- unclosed",
    "<script>var x = 1;</script>",
    "Prose with a <script> tag.",
    "<style>p {}</style>",
    "{* include *} {% tag %} {{ var }}",
    "::: docsite.thing",
    "蓝图把视图分组。\n应用上下文。",
    "&amp; &#x0; &#xD800; &nosuch;",
    "\\* escaped \\",
    "***",
    "Setext\n===",
]
MARKS = ["*", "_", "`", "[", "]", "(", ")", "<", ">", "!", "#", "|", "-", "~", "\\", "{", "}"]


@st.composite
def markdown_bodies(draw: st.DrawFn) -> str:
    """A Markdown body: known constructs, runs of markup characters, nesting and noise."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(BLOCKS),
                st.builds(lambda m, n: m * n, st.sampled_from(MARKS), st.integers(1, 400)),
                st.builds(
                    lambda m, n, t: m * n + t,
                    st.sampled_from(["> ", "- ", "1. ", "    ", "  - ", "!!! note\n    "]),
                    st.integers(1, 60),
                    TEXT,
                ),
                st.text(st.sampled_from([*MARKS, " ", "\n", "a", "蓝", "\t"]), max_size=200),
                TEXT,
            ),
            max_size=12,
        )
    )
    return "\n\n".join(parts)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    return Renderer("fuzz", tmp_path_factory.mktemp("render-cache"))


def resolve(path: str) -> str | None:
    return {"guide/other.md": "guide/other/", "guide/index.md": "guide/"}.get(path)


@examples(1.6)
@given(body=markdown_bodies())
def test_any_markdown_renders_within_the_time_bound(tmp_path, renderer, body):
    data = ("---\ntitle: Fuzz\n---\n" + body).encode("utf-8", "surrogatepass")
    try:
        with hang_guard():
            page = load(tmp_path, data)
            rendered = renderer.render(page, "en", resolve, lambda message: message)
    except ContentError as error:
        assert_error_in_file(error, data)
        return
    assert isinstance(rendered.html, str)
    lines = line_count(data)
    for diagnostic in rendered.warnings:
        assert 1 <= diagnostic.line <= lines, (diagnostic, lines)
    assert {entry.id for entry in rendered.toc} <= rendered.ids
    assert rendered.sections[0].id == "" and rendered.sections[0].heading == "Fuzz"
    again = Rendered.from_json(json.loads(json.dumps(rendered.to_json())))
    assert again == rendered  # what the disk cache keeps is what was rendered


# --- the search query path -------------------------------------------------------------------

SEARCH_SITE = {
    "en/index.md": "---\ntitle: Home\n---\nWelcome to the blueprint docs.\n",
    "en/guide.md": (
        "---\ntitle: Blueprints\n---\nBlueprints group views.\n\n## Registering {#reg}\n\n"
        "Call `app.register_blueprint(bp)` with <b>care</b> &amp; patience.\n"
    ),
    "zh/index.md": "---\ntitle: 首页\n---\n欢迎阅读蓝图文档。\n",
    "zh/guide.md": "---\ntitle: 蓝图\n---\n蓝图把视图分组，处理请求上下文。\n",
}
QUERY_WORDS = [
    "blueprint",
    "Blueprints",
    "register_blueprint",
    "app.register_blueprint",
    "@app.route",
    "蓝图",
    "请求上下文",
    "care",
    "views",
    "bluprint",
    "AND",
    "OR",
    "NOT",
    "title:",
    "*",
    "?",
    '"',
    "'",
    "(",
    ")",
    "<b>",
    "<script>",
    "&amp;",
    "%00",
    "\x00",
    "\u202e",
    "\ufeff",
    "🙂",
    "a" * 300,
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    root = tmp_path_factory.mktemp("fuzz-search")
    content = write_tree(root / "content", SEARCH_SITE)
    app = create_app(load_config(content_dir=content, cache_dir=root / "cache"))
    state = app.extensions["docsite"]
    assert state.search_ready.wait(timeout=120)
    return app.test_client()


@examples(1.2)
@given(
    q=st.one_of(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
        st.lists(st.sampled_from(QUERY_WORDS), max_size=10).map(" ".join),
    ),
    lang=st.sampled_from(["en", "zh", "all", "fr", "", "<x>"]),
    limit=st.one_of(st.integers(-5, 100).map(str), st.sampled_from(["", "x", "1e9", "9" * 40])),
)
def test_any_query_gets_the_documented_json(client, q, lang, limit):
    with hang_guard():
        response = client.get("/api/search", query_string={"q": q, "lang": lang, "limit": limit})
    assert response.mimetype == "application/json"
    data = response.get_json()
    if lang not in ("en", "zh", "all", ""):  # "": the default language
        assert response.status_code == 400
        assert data == {"error": f"lang must be one of en, zh, all, not {lang!r}"}
        return
    assert response.status_code == 200
    assert set(data) == {"query", "total", "results", "suggestion"}
    assert isinstance(data["query"], str) and len(data["query"]) <= MAX_QUERY_CHARS
    assert isinstance(data["total"], int) and data["total"] >= len(data["results"])
    assert len(data["results"]) <= MAX_LIMIT
    assert data["suggestion"] is None or isinstance(data["suggestion"], str)
    for hit in data["results"]:
        assert set(hit) == {"url", "title", "section", "snippet", "lang"}
        assert hit["url"].startswith(("/en/", "/zh/")) and hit["lang"] in ("en", "zh")
        assert "<" not in re.sub(r"</?mark>", "", hit["snippet"])


@examples(0.3)
@given(q=st.text(st.characters(exclude_categories=["Cs"]), max_size=100))
def test_any_query_gets_a_search_page(client, q):
    with hang_guard():
        response = client.get("/en/search/", query_string={"q": q})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
