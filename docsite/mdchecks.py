"""Checks the parser runs on every page: syntax we show as text, content that would be lost."""

from __future__ import annotations

import re
from itertools import pairwise

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from docsite.mdcontext import context_of as _ctx

_UNSUPPORTED = (
    (re.compile(r"\{\*.*?\*\}"), "code include '{* … *}' is not supported; it is shown as text"),
    (
        re.compile(r"\{%.*?%\}"),
        "Jinja syntax '{% … %}' is not supported in pages; it is shown as text",
    ),
    (
        re.compile(r"\{\{.*?\}\}"),
        "Jinja syntax '{{ … }}' is not supported in pages; it is shown as text",
    ),
)


def unsupported_syntax(state: StateCore) -> None:
    """Syntax from other tools that we do not support stays visible, with a warning."""
    ctx = _ctx(state.env)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        text = "".join(c.content for c in block.children if c.type == "text")
        for pattern, message in _UNSUPPORTED:
            if pattern.search(text):
                ctx.warn(block, message, "unsupported-syntax")
                break


def nesting_limit(state: StateCore) -> None:
    """markdown-it leaves out what is nested deeper than maxNesting, and the rest of the block
    with it: an error at the innermost block, not text that silently goes missing."""
    limit = state.md.options["maxNesting"]
    for token, after in pairwise(state.tokens):
        if token.nesting == 1 and after.nesting == -1 and token.level >= limit - 1:
            _ctx(state.env).warn(
                token,
                f"blocks (quotes, lists, admonitions) are nested more than {limit} levels deep; "
                "what is inside is left out",
                "nesting-too-deep",
                level="error",
            )
            return


_RAW_TEXT_RE = re.compile(r"<(/?)(script|style|textarea)\b[^>]*>|<!--|-->", re.I)


def unclosed_html(state: StateCore) -> None:
    """An HTML comment, <script>, <style> or <textarea> left open hides the rest of the page,
    the theme's own HTML after it included."""
    ctx = _ctx(state.env)
    open_at: dict[str, Token] = {}  # what is open -> the block it was opened in
    for block in state.tokens:
        parts = [block] if block.type == "html_block" else []
        if block.type == "inline":
            parts = [c for c in block.children or [] if c.type == "html_inline"]
        for part in parts:
            for match in _RAW_TEXT_RE.finditer(part.content):
                text = match.group().lower()
                if text == "<!--":
                    open_at.setdefault("<!--", block)
                elif text == "-->":
                    open_at.pop("<!--", None)
                elif match.group(1):
                    open_at.pop(f"<{match.group(2).lower()}>", None)
                else:
                    open_at.setdefault(f"<{match.group(2).lower()}>", block)
    for what, block in open_at.items():
        message = f"'{what}' is never closed: the rest of the page would not show"
        ctx.warn(block, message, "unclosed-html", level="error")
