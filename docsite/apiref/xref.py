"""Cross-references to API objects: the inventory (object path -> page and anchor, per
language) and the link from a page to a target. The Markdown syntax that makes them is
docsite.apiref.autorefs.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


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
