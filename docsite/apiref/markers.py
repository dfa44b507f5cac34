"""What the API reference acts on in a page's Markdown, as text: a directive starts with
`:::` and an autoref is a reference-style link (`[text][flask.Flask]`). A body with neither
is none of its business, which a test of its text says without loading the engine."""

from __future__ import annotations

DIRECTIVE = ":::"  # no page without it places an object
AUTOREF = "]["


def concerns(body: str) -> bool:
    """Whether a page body may have directives or autorefs."""
    return DIRECTIVE in body or AUTOREF in body
