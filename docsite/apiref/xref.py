"""Cross-references to API objects: the inventory (object path -> page and anchor, per
language) and the mkdocs-autorefs syntax in Markdown pages.

`` [`url_for`][flask.url_for] `` and `[flask.Flask.route][]` are reference-style links whose
label is an object path. The inline rule turns them into links; a core rule resolves them
against the inventory in the page's language (before docsite's link rewriting, so they are
checked like any link to a page and anchor); one that does not resolve is a
`missing-reference` diagnostic at its line.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

_PATH_RE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
Warn = Callable[[Token, str], None]  # (the token where it is, message)


@dataclass(frozen=True)
class Target:
    """Where an object (or a label) is documented: a page (source path below content/<lang>/)
    and the id of its heading there."""

    page: str
    anchor: str
    kind: str = ""
    title: str = ""  # the first sentence of the docstring, or the heading's text


def _freeze(entries: Mapping[str, Mapping[str, Target]]) -> Mapping[str, Mapping[str, Target]]:
    return MappingProxyType({lang: MappingProxyType(dict(m)) for lang, m in entries.items()})


@dataclass(frozen=True)
class Inventory:
    """Every placed object, per language; `labels` are Sphinx-style labels for `:ref:`.

    A value: two inventories with the same entries have the same digest, and rendering
    depends on the inventory only through it.
    """

    objects: Mapping[str, Mapping[str, Target]] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, Target]] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def build(
        cls,
        objects: Mapping[str, Mapping[str, Target]],
        labels: Mapping[str, Mapping[str, Target]] | None = None,
    ) -> Inventory:
        labels = labels or {}
        blob = json.dumps(
            {
                "objects": {k: {p: vars(t) for p, t in v.items()} for k, v in objects.items()},
                "labels": {k: {p: vars(t) for p, t in v.items()} for k, v in labels.items()},
            },
            sort_keys=True,
        )
        digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
        return cls(_freeze(objects), _freeze(labels), digest)

    def get(self, lang: str, path: str) -> Target | None:
        """The target of an object path; a leading `.` searches by suffix (shortest first)."""
        entries = self.objects.get(lang, {})
        if not path.startswith("."):
            return entries.get(path)
        matches = sorted((p for p in entries if p.endswith(path)), key=lambda p: (len(p), p))
        return entries[matches[0]] if matches else None

    def label(self, lang: str, name: str) -> Target | None:
        return self.labels.get(lang, {}).get(name)

    def __reduce__(self) -> tuple[object, ...]:  # MappingProxyType does not pickle
        plain = {k: dict(v) for k, v in self.objects.items()}
        labels = {k: dict(v) for k, v in self.labels.items()}
        return (Inventory.build, (plain, labels))


def href_to(from_page: str, target: Target) -> str:
    """The link from one source page to a target, as a relative `.md` path with a fragment
    (docsite's link rewriting turns it into the page's URL and checks the anchor)."""
    if target.page == from_page:
        return f"#{target.anchor}"
    base = posixpath.dirname(from_page) or "."
    return f"{posixpath.relpath(target.page, base)}#{target.anchor}"


# --- Markdown: the inline rule and the resolving core rule ---------------------------------


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
