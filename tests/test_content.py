"""The Flask documentation itself: complete, consistent across languages, and its code runs.

- every page of the content plan's scope exists in en and zh, with the required front matter;
- `check --strict` finds nothing (links, anchors, front matter, code languages);
- zh pages have the same heading ids and the same code as their en original;
- every code block the tutorial attributes to a file matches examples/flaskr;
- every `runnable` example runs, and its app answers every plain GET route below 500;
- every `pycon` block passes doctest.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docsite.check import check_site
from docsite.config import load_config
from docsite.highlight import parse_fence_info
from docsite.mdscan import CodeBlock, code_blocks
from docsite.pages import Page, load_page
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import CONTENT, ROOT

FLASKR = ROOT / "examples" / "flaskr"
SCOPE = {
    "": ["index"],
    "user-guide": [
        "index", "installation", "quickstart", "templating", "testing", "errorhandling",
        "debugging", "logging", "config", "signals", "views", "lifecycle", "appcontext",
        "reqcontext", "blueprints", "extensions", "cli", "server", "shell", "async-await",
        "security",
    ],
    "user-guide/deploying": [
        "index", "gunicorn", "waitress", "mod_wsgi", "uwsgi", "asgi", "proxy-fix", "nginx",
    ],
    "tutorial": [
        "index", "layout", "factory", "database", "views", "templates", "static", "blog",
        "install", "tests", "deploy", "next",
    ],
    "patterns": [
        "index", "packages", "appfactories", "appdispatch", "urlprocessors", "sqlite3",
        "sqlalchemy", "fileuploads", "caching", "viewdecorators", "wtforms",
        "templateinheritance", "flashing", "javascript", "lazyloading", "favicon", "streaming",
        "deferredcallbacks", "methodoverrides", "requestchecksum", "celery", "subclassing",
        "singlepageapplications", "apierrors", "errorpages",
    ],
    "api": [
        "index", "app", "globals", "blueprints", "request", "response", "sessions", "testing",
        "helpers", "json", "templating", "config", "signals", "views", "url-routing", "cli",
        "internals",
    ],
    "notes": ["index", "design", "extensiondev", "contributing", "themes"],
}  # fmt: skip
PART_ONE = ("", "user-guide", "user-guide/deploying", "tutorial")
ELISION_RE = re.compile(r"^\s*(#\s*\.\.\.|\{#\s*\.\.\.\s*#\}|/\*\s*\.\.\.\s*\*/|--\s*\.\.\.)\s*$")


def scope_paths(sections: tuple[str, ...] | None = None) -> list[str]:
    return [
        f"{section}/{slug}.md" if section else f"{slug}.md"
        for section, slugs in SCOPE.items()
        if sections is None or section in sections
        for slug in slugs
    ]


def all_pages() -> list[Page]:
    pages = []
    for lang in ("en", "zh"):
        root = CONTENT / lang
        for file in sorted(root.rglob("*.md")):
            pages.append(load_page(CONTENT, lang, file.relative_to(root).as_posix()))
    return pages


PAGES = all_pages()
BLOCKS = [(page, block) for page in PAGES for block in code_blocks(page.body)]


def block_id(item: tuple[Page, CodeBlock]) -> str:
    page, block = item
    return f"{page.lang}/{page.path}:{page.body_line + block.line - 1}"


@pytest.fixture(scope="module")
def site() -> Site:
    config = load_config()
    return Site(config, Theme(config).gettext)


@pytest.mark.parametrize("path", scope_paths())
def test_page_exists_in_both_languages_with_front_matter(path):
    for lang in ("en", "zh"):
        file = CONTENT / lang / path
        assert file.is_file(), f"missing {lang}/{path}"
        page = load_page(CONTENT, lang, path)
        for key in ("title", "sortorder", "meta"):
            assert key in page.meta, f"{lang}/{path} has no '{key}' in its front matter"


def test_check_strict_finds_nothing(site):
    report = check_site(site)
    assert [str(d) for d in report.diagnostics] == []


def test_every_zh_page_has_an_en_original():
    en = {p.path for p in PAGES if p.lang == "en"}
    zh = {p.path for p in PAGES if p.lang == "zh"}
    assert zh <= en, f"zh pages with no English original: {sorted(zh - en)}"


def _heading_ids(site: Site, lang: str, path: str) -> list[str]:
    return [t.id for t in site.render(site.entries[lang][path]).toc]


def test_zh_pages_have_the_same_headings_and_code_as_en(site):
    problems = []
    for path, entry in site.entries["zh"].items():
        if entry.fallback:
            continue
        if _heading_ids(site, "zh", path) != _heading_ids(site, "en", path):
            problems.append(f"{path}: heading ids differ from the English page")
        en_code = [b.code for b in code_blocks(site.entries["en"][path].page.body)]
        zh_code = [b.code for b in code_blocks(entry.page.body)]
        if en_code != zh_code:
            problems.append(f"{path}: code blocks differ from the English page")
    assert problems == []


def test_every_h2_and_h3_carries_an_explicit_id():
    missing = []
    for page in PAGES:
        fence = False
        for number, line in enumerate(page.body.split("\n"), start=page.body_line):
            if line.lstrip().startswith(("```", "~~~")):
                fence = not fence
            heading = not fence and re.match(r"^#{2,3} ", line)
            if heading and not re.search(r"\{\s*#[\w-]+\s*\}\s*$", line):
                missing.append(f"{page.lang}/{page.path}:{number}")
    assert missing == []


def _words(page: Page) -> int:
    return len(page.body.split())


def test_english_pages_of_part_one_are_substantial():
    pages = [p for p in PAGES if p.lang == "en" and p.path in scope_paths(PART_ONE)]
    short = [f"{p.path} ({_words(p)} words)" for p in pages if not p.is_index and _words(p) < 400]
    assert short == []
    total = sum(_words(p) for p in pages)
    assert total >= 40_000, f"part one has {total} English words"


SMALL_TOPICS = {"patterns/favicon.md"}  # a topic that really is small


def _prose_words(page: Page) -> int:
    """English words outside code blocks."""
    return len(re.sub(r"^(```|~~~).*?^\1", "", page.body, flags=re.M | re.S).split())


def test_no_pattern_or_note_is_thin():
    pages = [p for p in PAGES if p.lang == "en" and p.path in scope_paths(("patterns", "notes"))]
    thin = [
        f"{p.path} ({_prose_words(p)} words of prose)"
        for p in pages
        if not p.is_index and p.path not in SMALL_TOPICS and _prose_words(p) < 600
    ]
    assert len(pages) >= 29 and thin == []


# --- the tutorial and its application -------------------------------------------------------


def _matches_file(code: str, text: str) -> str | None:
    """None when the block's lines stand in the file (pieces between elisions, in order)."""
    file_lines = [line.rstrip() for line in text.split("\n")]
    pieces: list[list[str]] = [[]]
    for line in code.rstrip("\n").split("\n"):
        if ELISION_RE.match(line):
            pieces.append([])
        else:
            pieces[-1].append(line.rstrip())
    start = 0
    for piece in (p for p in pieces if p):
        for i in range(start, len(file_lines) - len(piece) + 1):
            if file_lines[i : i + len(piece)] == piece:
                start = i + len(piece)
                break
        else:
            return f"these lines are not in the file (in this order): {piece[0]!r} …"
    return None


TUTORIAL_BLOCKS = [
    item
    for item in BLOCKS
    if item[0].path.startswith("tutorial/") and parse_fence_info(item[1].info).title
]


def test_tutorial_shows_files_of_the_application():
    assert len(TUTORIAL_BLOCKS) >= 30


@pytest.mark.parametrize("item", TUTORIAL_BLOCKS, ids=block_id)
def test_tutorial_code_matches_examples_flaskr(item):
    _page, block = item
    title = parse_fence_info(block.info).title
    assert title is not None
    file = FLASKR / title
    assert file.is_file(), f"{title} is not a file of examples/flaskr"
    problem = _matches_file(block.code, file.read_text("utf-8"))
    assert problem is None, f"{title}: {problem}"


def test_tutorial_matcher_rejects_drift():
    text = "a = 1\nb = 2\nc = 3\n"
    assert _matches_file("a = 1\nb = 2\n", text) is None
    assert _matches_file("a = 1\n# ...\nc = 3\n", text) is None
    assert _matches_file("a = 1\nc = 3\n", text) is not None
    assert _matches_file("c = 3\n# ...\na = 1\n", text) is not None
    assert _matches_file("b = 22\n", text) is not None


# --- runnable examples and doctests -----------------------------------------------------------

RUNNER = r"""
import json, sys
code = sys.stdin.read()
namespace = {"__name__": "docsite_example"}
exec(compile(code, "<example>", "exec"), namespace)
from flask import Flask
app = namespace.get("app")
if not isinstance(app, Flask) and callable(namespace.get("create_app")):
    app = namespace["create_app"]()
results = {}
if isinstance(app, Flask):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            results[rule.rule] = client.get(rule.rule).status_code
print(json.dumps({"app": isinstance(app, Flask), "routes": results}))
"""

RUNNABLE = [item for item in BLOCKS if "runnable" in parse_fence_info(item[1].info).flags]


def test_there_are_runnable_examples_in_both_languages():
    langs = {page.lang for page, _ in RUNNABLE}
    assert langs == {"en", "zh"} and len(RUNNABLE) >= 20


@pytest.mark.parametrize("item", RUNNABLE, ids=block_id)
def test_runnable_example_runs(item, tmp_path):
    _page, block = item
    assert parse_fence_info(block.info).language == "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    result = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=block.code,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    failing = {rule: status for rule, status in outcome["routes"].items() if status >= 500}
    assert failing == {}


PYCON = [item for item in BLOCKS if parse_fence_info(item[1].info).language == "pycon"]


def test_there_are_doctested_sessions():
    assert len(PYCON) >= 10


@pytest.mark.parametrize("item", PYCON, ids=block_id)
def test_pycon_block_passes_doctest(item, tmp_path, monkeypatch):
    page, block = item
    monkeypatch.chdir(tmp_path)
    name = block_id(item)
    test = doctest.DocTestParser().get_doctest(
        block.code, {"__name__": "docsite_doctest"}, name, str(page.source_file), block.line
    )
    assert test.examples, f"{name}: a pycon block with no >>> example"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    output: list[str] = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)


def test_glossary_terms_are_used_for_key_concepts():
    """The translator glossary's terms appear on the zh pages about them."""
    expectations = {
        "user-guide/blueprints.md": "蓝图",
        "user-guide/appcontext.md": "应用上下文",
        "user-guide/reqcontext.md": "请求上下文",
        "user-guide/views.md": "视图",
    }
    for path, term in expectations.items():
        text = (CONTENT / "zh" / path).read_text("utf-8")
        assert term in text, f"zh/{path} does not use {term}"
    assert Path(ROOT / "GLOSSARY.md").is_file()
