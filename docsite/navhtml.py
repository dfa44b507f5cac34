"""The nav's HTML, rendered once per folder and language instead of once per page.

Every page shows the whole nav, so rendering `partials/nav.html` for each page costs time in
proportion to pages × nav entries. But the nav of two pages differs only in which entry is the
current one and which sections are open, and (its links being relative) in the folder the page
sits in. So the template is rendered once per folder in *marker mode*: `when_current(node,
text)` and `when_open(node, text)` leave a marker instead of deciding. Filling the markers in for
one page is a list copy and a join, with the few kept markers set by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from docsite.nav import NavNode

if TYPE_CHECKING:
    from jinja2.runtime import Context

# \x00 never survives into a page (the loader rejects NUL), so it cannot be forged by content.
MARK = re.compile(r"\x00([co])([^\x00\x01]*)\x01(.*?)\x00", re.S)


def when_current(context: Context, node: NavNode, text: str) -> Markup:
    """`text` when the node is the current page (the direct form, for any template)."""
    current = context.get("current")
    return Markup(text) if current is not None and node.entry is current else Markup("")


def when_open(context: Context, node: NavNode, text: str) -> Markup:
    """`text` when the node is the current page or a section holding it."""
    current = context.get("current")
    return Markup(text) if current is not None and node.contains(current) else Markup("")


@lru_cache(maxsize=1)
def direct_forms() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """`when_current` and `when_open` as templates call them: Jinja passes them the
    template's context (Jinja imported only when a page is templated)."""
    from jinja2 import pass_context

    return pass_context(when_current), pass_context(when_open)


def marker(kind: str) -> Callable[[NavNode, str], Markup]:
    """The marker-mode form: decided later, per page, by `NavFragment.fill`."""

    def mark(node: NavNode, text: str) -> Markup:
        return Markup(f"\x00{kind}{node.key}\x01{text}\x00")

    return mark


def decided(kind: str, kept: set[str]) -> Callable[[NavNode, str], Markup]:
    """The per-page form for a page whose markers to keep are known (see `marker_keys`)."""

    def test(node: NavNode, text: str) -> Markup:
        return Markup(text) if f"{kind}{node.key}" in kept else Markup("")

    return test


@dataclass
class NavFragment:
    """One rendering of the nav with its markers: static parts and fillable slots."""

    parts: list[str]
    slots: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, html: str) -> NavFragment:
        pieces = MARK.split(html)  # text, kind, node id, marked text, text, …
        parts: list[str] = []
        slots: dict[str, list[tuple[int, str]]] = {}
        for i in range(0, len(pieces) - 1, 4):
            parts.append(pieces[i])
            key = pieces[i + 1] + pieces[i + 2]
            slots.setdefault(key, []).append((len(parts), pieces[i + 3]))
            parts.append("")
        parts.append(pieces[-1])
        return cls(parts, slots)

    def fill(self, keys: Iterable[str]) -> Markup:
        parts = self.parts.copy()
        for key in keys:
            for index, text in self.slots.get(key, ()):
                parts[index] = text
        return Markup("".join(parts))


def marker_keys(root: NavNode) -> dict[str, list[str]]:
    """For each page in the nav (by path): the markers it keeps, its own and its sections'."""
    keys: dict[str, list[str]] = {}
    stack: list[tuple[NavNode, list[str]]] = [(child, []) for child in root.children]
    while stack:
        node, above = stack.pop()
        opened = [*above, f"o{node.key}"]
        if node.entry is not None:
            keys.setdefault(node.entry.page.path, [*opened, f"c{node.key}"])
        stack.extend((child, opened) for child in node.children)
    return keys
