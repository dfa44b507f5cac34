"""The mkdocs-autorefs syntax in Markdown pages: links to API objects.

`` [`url_for`][flask.url_for] `` and `[flask.Flask.route][]` are reference-style links whose
label is an object path. The inline rule turns them into links; a core rule resolves them
against the inventory in the page's language (docsite.apiref.xref; before docsite's link
rewriting, so they are checked like any link to a page and anchor); one that does not resolve
is a `missing-reference` diagnostic at its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

_PATH_RE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
Warn = Callable[[Token, str], None]  # (the token where it is, message)


def autoref_inline(state: StateInline, silent: bool) -> bool:
    """`[text][path]` or `[path][]` whose label is not a defined reference."""
    if state.src[state.pos] != "[":
        return False
    label_end = state.md.helpers.parseLinkLabel(state, state.pos, True)
    if label_end < 0:
        return False
    pos = label_end + 1
    if pos >= state.posMax or state.src[pos] != "[":
        return False
    close = state.src.find("]", pos + 1, state.posMax)
    if close < 0:
        return False
    text = state.src[state.pos + 1 : label_end]
    ref = state.src[pos + 1 : close].strip()
    identifier = ref or text.strip().strip("`").strip()
    if not _PATH_RE.fullmatch(identifier) or "." not in identifier:
        return False
    if normalizeReference(ref or text) in state.env.get("references", {}):
        return False  # a reference defined in the page: an ordinary link
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": ""}
        token.meta["autoref"] = identifier
        saved_max = state.posMax
        state.pos += 1
        state.posMax = label_end
        state.md.inline.tokenize(state)
        state.posMax = saved_max
        state.push("link_close", "a", -1)
    state.pos = close + 1
    return True


def resolve_autorefs(state: StateCore, find: Callable[[str], str | None], warn: Warn) -> None:
    """Give each autoref its href (`find`: object path -> href), or make it plain text and
    report it."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        for i, token in enumerate(children):
            identifier = token.meta.get("autoref") if token.type == "link_open" else None
            if not identifier:
                continue
            href = find(identifier)
            if href is not None:
                token.attrSet("href", href)
                token.attrSet("class", "xref")
                continue
            warn(block, f"reference '{identifier}' does not resolve to a documented object")
            token.tag, token.attrs = "span", {"class": "xref xref-missing"}
            for other in children[i + 1 :]:
                if other.type == "link_close":
                    other.tag = "span"
                    break
