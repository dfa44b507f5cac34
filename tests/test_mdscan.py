"""The lines of a body found by the block-only parse are those the whole parse finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsite import mdscan
from docsite.mdcontext import walk_tokens
from docsite.mdscan import _block_lines, _parse_alone, body_lines, lines_of
from tests.conftest import ROOT

BODIES = sorted((ROOT / "content").rglob("*.md"))
TRICKY = """\
!!! note "Admonition"
    Indented text in an admonition is not code:

        but this is

- a list item
  ```python
  fenced = "in a list"
  ```

<div>
raw *HTML*
</div>

Setext heading
--------------
"""


def whole_parse_lines(body: str) -> tuple[set[int], set[int], set[int], bool]:
    tokens = _parse_alone(body)
    kinds: dict[str, set[int]] = {"fence": set(), "heading_open": set(), "html_block": set()}
    for token in walk_tokens(tokens):
        kind = "fence" if token.type == "code_block" else token.type
        if kind in kinds and token.map:
            kinds[kind].update(range(*token.map))
    has_h1 = bool(tokens) and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    return kinds["fence"], kinds["heading_open"], kinds["html_block"], has_h1


@pytest.mark.parametrize("body", [TRICKY, *BODIES], ids=lambda b: getattr(b, "name", "tricky"))
def test_block_lines_are_those_of_the_whole_parse(body: str | Path) -> None:
    text = body.read_text("utf-8") if isinstance(body, Path) else body
    found = body_lines(text)
    code, headings, html, has_h1 = whole_parse_lines(text)
    assert (set(found.code), set(found.headings), set(found.html)) == (code, headings, html)
    assert found.has_h1 == has_h1
    # what the renderer notes from its whole parse (note_parse) is what the block parse finds
    assert lines_of(_parse_alone(text)) == _block_lines(text)


def test_the_tricky_body_has_every_kind_of_line() -> None:
    found = body_lines(TRICKY)
    assert 3 in found.code and 1 not in found.code  # admonition text is not code
    assert {6, 7, 8} <= found.code and {10, 11, 12} <= found.html and {14, 15} <= found.headings


def test_a_rendered_page_lends_its_lines_to_the_markdown_copy(make_site) -> None:
    body = "# Title\n\n```python\nx = 1\n```\n\n<div>\nraw\n</div>\n"
    marked = "# Other\n\nThe apiref marker ::: in running text.\n"
    site = make_site({"en/index.md": f"---\ntitle: Home\n---\n{body}", "en/other.md": marked})
    by_path = {e.page.path: e for e in site.all_entries() if e.page.lang == "en"}
    entry, other = by_path["index.md"], by_path["other.md"]
    mdscan._noted.clear()
    site.render(entry)
    site.render(other)
    assert other.page.body not in mdscan._noted  # an extension's marker: its blocks may differ
    assert entry.page.body in mdscan._noted  # the renderer noted the lines it parsed
    noted = body_lines(entry.page.body)
    assert noted == _block_lines(entry.page.body)
    assert {2, 3, 4} <= noted.code and {6, 7, 8} <= noted.html and noted.has_h1
