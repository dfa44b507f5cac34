"""The prose links the API objects it names to the reference, in both languages alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docsite.mdscan import body_lines
from docsite.pages import load_page
from tests.conftest import ROOT

CONTENT = ROOT / "content"
PROSE = sorted(
    p.relative_to(CONTENT / "en").as_posix()
    for p in (CONTENT / "en").rglob("*.md")
    if not p.relative_to(CONTENT / "en").as_posix().startswith(("api/", "notes/"))
)
# Functions of `flask` whose bare name means one object: a page that names one in prose
# (`url_for` or `url_for()`) links it at least once.
FUNCTIONS = (
    "url_for",
    "jsonify",
    "render_template",
    "render_template_string",
    "redirect",
    "flash",
    "get_flashed_messages",
    "send_file",
    "send_from_directory",
    "stream_with_context",
)
_TARGET_RE = re.compile(r"\]\[((?:flask|werkzeug|jinja2|click)\.[\w.]+)\]")


def prose(lang: str, path: str) -> str:
    """A page's body without its code blocks."""
    page = load_page(CONTENT, lang, path)
    code = body_lines(page.body).code
    return "\n".join(line for n, line in enumerate(page.body.splitlines()) if n not in code)


@pytest.mark.parametrize("path", PROSE)
def test_a_page_that_names_a_flask_function_links_it(path: str) -> None:
    text = prose("en", path)
    named = {f for f in FUNCTIONS if re.search(rf"`{f}(?:\(\))?`", text)}
    linked = set(_TARGET_RE.findall(text))
    assert {f for f in named if f"flask.{f}" not in linked} == set(), path


@pytest.mark.parametrize("path", PROSE)
def test_a_translation_links_the_objects_its_original_links(path: str) -> None:
    if not (CONTENT / "zh" / path).is_file():
        pytest.skip(f"zh/{path} is not translated (it falls back to English)")
    en = sorted(_TARGET_RE.findall(prose("en", path)))
    zh = sorted(_TARGET_RE.findall(prose("zh", path)))
    assert zh == en, path


def test_the_prose_links_the_reference_at_all() -> None:
    total = sum(len(_TARGET_RE.findall(prose("en", path))) for path in PROSE)
    assert total > 500, total  # the pages were written with links to the reference
    assert Path(CONTENT / "en" / "api").is_dir()
