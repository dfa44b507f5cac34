"""The guide to writing extensions shows the files of examples/flask-greeting, unchanged.

Every code block of notes/extensiondev.md (in both languages) whose title names a file below
`examples/` must stand in that file: its lines, in order, with `# ...` lines marking what was
left out. The extension's module is shown whole at least once. The package's own tests run in
CI (`.ci/run`), so the code on the page is code that works.
"""

from __future__ import annotations

import pytest

from docsite.highlight import parse_fence_info
from docsite.mdscan import CodeBlock, code_blocks
from docsite.pages import load_page
from tests.conftest import CONTENT, ROOT
from tests.test_content import _matches_file

PAGE = "notes/extensiondev.md"
PACKAGE = "examples/flask-greeting"
MODULE = f"{PACKAGE}/src/flask_greeting/__init__.py"
SHOWN_FILES = {
    MODULE,
    f"{PACKAGE}/tests/greeting_app.py",
    f"{PACKAGE}/tests/conftest.py",
    f"{PACKAGE}/tests/test_greeting.py",
    f"{PACKAGE}/pyproject.toml",
}


def _title(block: CodeBlock) -> str | None:
    return parse_fence_info(block.info).title


def file_blocks(lang: str) -> list[tuple[str, CodeBlock]]:
    """(title, block) for each block of the page in lang whose title is a path below examples/."""
    if not (CONTENT / lang / PAGE).is_file():
        return []  # reported by test_guide_shows_every_file_of_the_package
    page = load_page(CONTENT, lang, PAGE)
    return [
        (title, block)
        for block in code_blocks(page.body)
        if (title := _title(block)) is not None and title.startswith("examples/")
    ]


ITEMS = [(lang, title, block) for lang in ("en", "zh") for title, block in file_blocks(lang)]


def _item_id(item: tuple[str, str, CodeBlock]) -> str:
    lang, title, block = item
    return f"{lang}:{block.line}:{title.removeprefix(PACKAGE + '/')}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_guide_shows_every_file_of_the_package(lang: str) -> None:
    titles = [title for title, _ in file_blocks(lang)]
    assert set(titles) >= SHOWN_FILES, f"not shown: {sorted(SHOWN_FILES - set(titles))}"


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_guide_code_matches_the_package(item: tuple[str, str, CodeBlock]) -> None:
    _lang, title, block = item
    file = ROOT / title
    assert file.is_file(), f"{title} is not a file of the repository"
    problem = _matches_file(block.code, file.read_text("utf-8"))
    assert problem is None, f"{title}: {problem}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_guide_shows_the_whole_module(lang: str) -> None:
    text = (ROOT / MODULE).read_text("utf-8")
    whole = [block for title, block in file_blocks(lang) if title == MODULE]
    assert any(block.code == text for block in whole), "the module is never shown whole"


def test_a_changed_line_on_the_page_is_caught() -> None:
    text = (ROOT / MODULE).read_text("utf-8")
    assert _matches_file(text, text) is None
    drifted = text.replace('"Hello, {name}!"', '"Hi, {name}!"')
    assert drifted != text
    assert _matches_file(drifted, text) is not None
    reordered = text.replace("import os\nimport sqlite3\n", "import sqlite3\nimport os\n")
    assert _matches_file(reordered, text) is not None
