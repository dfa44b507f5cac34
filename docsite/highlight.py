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
from pygments.style import Style
from pygments.styles import get_style_by_name
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
    html = pygments_highlight(code, lexer, _formatter(hl_lines, linenums))
    # Pygments wraps in <div class="highlight"><pre>; the theme styles pre.highlight.
    return html.replace('<div class="highlight"><pre>', '<pre class="highlight">', 1).replace(
        "</pre></div>", "</pre>", 1
    )


@lru_cache(maxsize=64)
def _formatter(hl_lines: tuple[int, ...], linenums: int | None) -> HtmlFormatter:
    """One formatter per set of options, made once: making one works out a class for every
    token type of the style, and formatting changes nothing in it."""
    return HtmlFormatter(
        cssclass="highlight",
        wrapcode=True,
        hl_lines=list(hl_lines),
        linenos="inline" if linenums else False,
        linenostart=linenums or 1,
        nowrap=False,
    )


# Code must stay readable (WCAG AA, 4.5:1) on every background a theme may give it: token
# colours of the Pygments styles are darkened (light) or lightened (dark) until they are.
# Themes keep code backgrounds between these and the page's own background.
LIGHT_BACKGROUNDS = ("#eeeeee", "#fdf2c4")  # the darkest code background, highlighted lines
DARK_BACKGROUNDS = ("#2d333b", "#3b3220")  # the lightest code background, highlighted lines
MIN_CONTRAST = 4.6
_HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _rgb(color: str) -> tuple[float, float, float]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def _luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in _rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rgb/#rrggbb colours."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(color: str, backgrounds: tuple[str, ...], dark: bool) -> str:
    """The colour, mixed toward white (dark) or black (light) until it reads on every background."""
    target = 1.0 if dark else 0.0
    red, green, blue = _rgb(color)
    for step in range(101):
        mix = step / 100
        mixed = "#" + "".join(
            f"{round((c + (target - c) * mix) * 255):02x}" for c in (red, green, blue)
        )
        if all(contrast(mixed, bg) >= MIN_CONTRAST for bg in backgrounds):
            return mixed
    return "#ffffff" if dark else "#000000"


@lru_cache(maxsize=4)
def readable_style(name: str, dark: bool) -> type[Style]:
    """A Pygments style whose token colours all meet MIN_CONTRAST on the code backgrounds."""
    base = get_style_by_name(name)
    backgrounds = DARK_BACKGROUNDS if dark else LIGHT_BACKGROUNDS
    styles = {}
    for token, spec in base.styles.items():
        words = spec.split()
        own_bg = tuple(w[3:] for w in words if w.startswith("bg:") and _HEX_RE.match(w[3:]))
        styles[token] = " ".join(
            readable(w, own_bg or backgrounds, dark) if _HEX_RE.match(w) else w for w in words
        )
    attrs = {"styles": styles, "highlight_color": backgrounds[1], "background_color": "transparent"}
    return type(f"Readable{base.__name__}", (base,), attrs)


@lru_cache(maxsize=1)
def pygments_css() -> str:
    """CSS for code: the light style, and the dark style for the system setting or the toggle.

    The dark style applies on screens only: printed pages are always light.
    """
    light = HtmlFormatter(style=readable_style(LIGHT_STYLE, False)).get_style_defs(".highlight")
    dark_formatter = HtmlFormatter(style=readable_style(DARK_STYLE, True))
    dark_auto = dark_formatter.get_style_defs(':root:not([data-theme="light"]) .highlight')
    dark_forced = dark_formatter.get_style_defs(':root[data-theme="dark"] .highlight')
    return (
        f"/* Pygments {LIGHT_STYLE}, colours raised to {MIN_CONTRAST}:1 */\n{light}\n"
        f"@media screen and (prefers-color-scheme: dark) {{\n{dark_auto}\n}}\n"
        f"/* Pygments {DARK_STYLE} (toggle) */\n@media screen {{\n{dark_forced}\n}}\n"
    )
