"""A page's cost is bounded: checking and rendering do work in proportion to its size.

No timing is asserted. The work is counted instead: file system lookups and parses with spies,
and the lines of docsite's own code that run, for a page and for the same page twice as long.
"""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import docsite
from docsite.check import check_site

DOCSITE = str(Path(docsite.__file__).parent)
INLINE = "*a **b [c](d) `e` <f> "  # ordinary inline markup: a file link, code, raw HTML


def our_lines(work: Callable[[], object]) -> int:
    """How many lines of docsite's code run while doing the work (a measure of its work)."""
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(DOCSITE) else None

    sys.settrace(calls)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_checking_an_800_kb_page_looks_each_link_target_up_once_and_parses_it_once(
    make_site, monkeypatch
):
    body = "# Big\n\n" + INLINE * (800_000 // len(INLINE)) + "\n"
    site = make_site({"en/index.md": "# Home\n", "en/big.md": body})
    parses: list[int] = []
    parse = site.renderer.md.parse
    monkeypatch.setattr(
        site.renderer.md,
        "parse",
        lambda text, env=None: parses.append(len(text)) or parse(text, env),
    )
    resolves = 0
    resolve = pathlib.Path.resolve

    def counting_resolve(self: Path, strict: bool = False) -> Path:
        nonlocal resolves
        resolves += 1
        return resolve(self, strict)

    monkeypatch.setattr(pathlib.Path, "resolve", counting_resolve)
    report = check_site(site)
    assert [n for n in parses if n > 1000] == [len(body)]  # for /en/big/ and /zh/big/ (fallback)
    assert resolves < 20  # per target, not per link: the page has 36,363 links to 'd'
    assert [(d.line, d.message) for d in report.diagnostics] == [(3, "link to missing file 'd'")]


UNITS = {
    "inline markup": INLINE,
    "the same heading": "## Part\n\nText.\n\n",
    "the same heading id": "## Part {#part}\n\n",
    "links to pages": "[a](index.md#top) [b](nowhere.md) [c](big.md#part) ",
    "links to files": "![i](img.png) [f](file.zip) ",
    "admonitions": "!!! note\n    Text.\n\n",
    "blocks": "/// warning | Careful\nText.\n///\n\n",
    "footnotes": "Text[^n].\n\n[^n]: A note.\n\n",
    "list items": "- item `code`\n",
    "code": "```python\nx = 1\n```\n\n",
}


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_checking_a_page_twice_as_long_is_about_twice_the_work(make_site, unit):
    def work(repeats: int) -> int:
        body = "# Big\n\n" + unit * repeats + "\n"
        site = make_site({"en/index.md": "# Home\n", "en/big.md": body})
        return our_lines(lambda: check_site(site))

    once, twice = work(300), work(600)
    assert twice / once < 2.3, (once, twice)  # work that grows with the square gives ~4
