"""Snippets: the excerpt of a section shown under a search result, with its matches marked.

One definition for the server and the frozen site (static-search.js `snippet` repeats it):

- the marks are the reader's words (lower-cased, without "@") and the index terms the query
  matched (stems, sub-words, corrections); a Latin mark matches at the start of a word and runs
  to the end of it (blueprint -> Blueprints), a CJK mark matches where it stands; case is
  ignored;
- the excerpt starts SNIPPET_CHARS // 3 characters before the first match, moved back to just
  after a space when there is one in the 15 characters before (else at the start of the text),
  and is at most SNIPPET_CHARS characters long; when text is left after it, it ends on a word
  boundary (never inside a Latin word: back to the last space or to a place between two
  characters that are not both word characters, if there is one in the last 40 characters),
  trailing spaces go, and "…" follows; "…" also starts an excerpt that does not start the text.
"""

from __future__ import annotations

import html
import re

from docsite.search.analysis import CJK, CJK_RUN_RE

SNIPPET_CHARS = 180
LEAD = SNIPPET_CHARS // 3
BACK_TO_SPACE = 15
BACK_TO_BOUNDARY = 40
_LATIN_WORD_CHAR = re.compile(rf"[^\W{CJK}]")


def highlighter(terms: set[str], words: list[str]) -> re.Pattern[str] | None:
    """One pattern for a query's matches: the reader's words and the index terms (see the
    module's docstring), longest first."""
    probes = {w.lower().lstrip("@") for w in words} | terms
    latin = sorted((p for p in probes if p and not CJK_RUN_RE.match(p)), key=len, reverse=True)
    cjk = sorted((p for p in probes if p and CJK_RUN_RE.match(p)), key=len, reverse=True)
    parts = [rf"(?<![\w]){re.escape(p)}\w*" for p in latin] + [re.escape(p) for p in cjk]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def excerpt_bounds(text: str, first: int | None) -> tuple[int, int]:
    """Where the excerpt of a text starts and ends, around the first match (None: none)."""
    start = max(0, first - LEAD) if first is not None else 0
    if start:
        space = text.rfind(" ", max(0, start - BACK_TO_SPACE), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = _word_boundary(text, start, end)
    return start, end


def _word_boundary(text: str, start: int, end: int) -> int:
    """The last place at or before `end`, not more than BACK_TO_BOUNDARY back, that does not cut
    a Latin word, with the spaces before it left out; `end` itself when there is none."""
    for cut in range(end, max(start + 1, end - BACK_TO_BOUNDARY) - 1, -1):
        if not (_LATIN_WORD_CHAR.match(text[cut - 1]) and _LATIN_WORD_CHAR.match(text[cut])):
            while cut > start + 1 and text[cut - 1].isspace():
                cut -= 1
            return cut
    return end


def make_snippet(text: str, pattern: re.Pattern[str] | None) -> str:
    """An escaped excerpt around the first match, with <mark> around every match in it."""
    if not text:
        return ""
    first = pattern.search(text) if pattern else None
    start, end = excerpt_bounds(text, first.start() if first else None)
    out: list[str] = ["…" if start else ""]
    cursor = start
    for match in pattern.finditer(text, start, end) if pattern else ():
        out.append(html.escape(text[cursor : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        cursor = match.end()
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out).replace("\n", " ")
