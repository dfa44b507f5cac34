"""Pygments highlighting for fenced code, and the light/dark stylesheet for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import escape
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LIGHT_STYLE = "friendly"
DARK_STYLE = "github-dark"
PLAIN_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "none"})
_ATTR_RE = re.compile(r"""([A-Za-z_][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?""")


@dataclass
class FenceInfo:
    """The info string of a fence: ```python title="app.py" hl_lines="2 3" linenums="1" runnable"""

    language: str = ""
    title: str | None = None
    hl_lines: list[int] = field(default_factory=list)
    linenums: int | None = None
    flags: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)


def parse_fence_info(info: str) -> FenceInfo:
    """Split a fence info string into the language and its options.

    Accepts MkDocs-style `{.python title="x"}` braces as well as the plain form.
    """
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip()
    language, _, rest = info.partition(" ")
    language = language.lstrip(".").lower()
    result = FenceInfo(language=language)
    for match in _ATTR_RE.finditer(rest):
        key = match.group(1)
        value = next((g for g in match.groups()[1:] if g is not None), None)
        if value is None:
            result.flags.add(key)
            if key == "linenums":
                result.linenums = 1
            continue
        result.attrs[key] = value
        if key == "title":
            result.title = value
        elif key == "hl_lines":
            result.hl_lines = _parse_lines(value)
        elif key == "linenums":
            result.linenums = int(value) if value.isdigit() else 1
    return result


def _parse_lines(spec: str) -> list[int]:
    """'2 3 5-7' -> [2, 3, 5, 6, 7] (ranges bounded, junk ignored)."""
    lines: list[int] = []
    for part in spec.replace(",", " ").split():
        start, _, end = part.partition("-")
        if start.isdigit() and (not end or end.isdigit()):
            low, high = int(start), int(end or start)
            lines.extend(range(low, min(high, low + 10_000) + 1))
    return lines


@lru_cache(maxsize=128)
def find_lexer(language: str) -> Lexer | None:
    """The Pygments lexer for a fence language, or None when Pygments does not know it."""
    if language in PLAIN_LANGUAGES:
        return None
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def is_known_language(language: str) -> bool:
    return language in PLAIN_LANGUAGES or find_lexer(language) is not None


def highlight_code(code: str, fence: FenceInfo) -> str:
    """Highlighted <pre> HTML for a code block; plain escaped text when there is no lexer."""
    return _highlight(code, fence.language, tuple(fence.hl_lines), fence.linenums)


@lru_cache(maxsize=4096)
def _highlight(code: str, language: str, hl_lines: tuple[int, ...], linenums: int | None) -> str:
    # Memoized: a translated page repeats every code block of its original.
    lexer = find_lexer(language)
    if lexer is None:
        return f'<pre class="highlight"><code>{escape(code)}</code></pre>'
    formatter = HtmlFormatter(
        cssclass="highlight",
        wrapcode=True,
        hl_lines=list(hl_lines),
        linenos="inline" if linenums else False,
        linenostart=linenums or 1,
        nowrap=False,
    )
    html = pygments_highlight(code, lexer, formatter)
    # Pygments wraps in <div class="highlight"><pre>; the theme styles pre.highlight.
    return html.replace('<div class="highlight"><pre>', '<pre class="highlight">', 1).replace(
        "</pre></div>", "</pre>", 1
    )


@lru_cache(maxsize=1)
def pygments_css() -> str:
    """CSS for code: the light style, and the dark style for the system setting or the toggle."""
    light = HtmlFormatter(style=LIGHT_STYLE).get_style_defs(".highlight")
    dark_formatter = HtmlFormatter(style=DARK_STYLE)
    dark_auto = dark_formatter.get_style_defs(':root:not([data-theme="light"]) .highlight')
    dark_forced = dark_formatter.get_style_defs(':root[data-theme="dark"] .highlight')
    return (
        f"/* Pygments {LIGHT_STYLE} */\n{light}\n"
        f"@media (prefers-color-scheme: dark) {{\n{dark_auto}\n}}\n"
        f"/* Pygments {DARK_STYLE} (toggle) */\n{dark_forced}\n"
    )
