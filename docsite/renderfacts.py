"""What `check` and objects.inv need of a page's rendering (its ids, links, warnings, heading
ids and table of contents), kept beside the render cache.

A check reads every page of every language, and each language's objects.inv every page of it.
Reading each page's whole rendering back from the render cache (its HTML is most of it) cost a
one-page build at 1,000 pages per language 0.8 s; the facts are a few hundred bytes. They are
kept for every page of the last build in one file (`FactsPack`), by render key and with the
URLs the rendering's links resolved to, so they are valid exactly when the rendering is. A
page the pack lacks (edited since it was written) has its facts worked out from its rendering.
"""

from __future__ import annotations

import dataclasses
import html
import marshal
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docsite.cachefile import no_collection, scope_name, write_replacing
from docsite.errors import Diagnostic
from docsite.mdcontext import LinkRef

_HEADING_ID_RE = re.compile(r"<h[1-6]\b[^>]*?\sid=\"([^\"]*)\"")
Deps = dict[str, str | None]  # link target -> the URL it resolved to
Facts = tuple[Deps, "PageFacts"]


def still_valid(deps: Deps, resolve_page: Callable[[str], str | None]) -> bool:
    """Whether every link of a cached entry still resolves to the URL it resolved to then."""
    return all(resolve_page(target) == url for target, url in deps.items())


def renamed(warnings: Sequence[Diagnostic], file: str) -> list[Diagnostic] | None:
    """The same content can live in another file: its warnings, made to name this one (None
    when they all do already)."""
    if all(w.path == file for w in warnings):
        return None
    return [dataclasses.replace(w, path=file) for w in warnings]


def heading_ids(page_html: str) -> list[str]:
    """The ids of the headings (h1-h6) of rendered HTML, in order."""
    return [html.unescape(m) for m in _HEADING_ID_RE.findall(page_html)]


@dataclass(frozen=True)
class PageFacts:
    ids: frozenset[str]
    links: tuple[LinkRef, ...]
    warnings: tuple[Diagnostic, ...]
    headings: tuple[str, ...]  # heading ids, in order
    toc: tuple[tuple[str, str], ...]  # (id, title) of the table of contents' entries

    def for_file(self, file: str) -> PageFacts:
        """The same facts, their warnings naming `file` (see `renamed`)."""
        warnings = renamed(self.warnings, file)
        return self if warnings is None else dataclasses.replace(self, warnings=tuple(warnings))

    def to_json(self) -> dict[str, Any]:
        return {
            "ids": sorted(self.ids),
            "links": [dataclasses.astuple(link) for link in self.links],
            "warnings": [dataclasses.astuple(w) for w in self.warnings],
            "headings": list(self.headings),
            "toc": [list(item) for item in self.toc],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageFacts:
        return cls(
            frozenset(data["ids"]),
            tuple(LinkRef(*link) for link in data["links"]),
            tuple(Diagnostic(*w) for w in data["warnings"]),
            tuple(data["headings"]),
            tuple((ident, title) for ident, title in data["toc"]),
        )


DRIFT = 16  # pages a pack may lack or hold beyond those kept before it is written again


class FactsPack:
    """The facts of every page of the last build in one file beside the render cache
    (`facts-<scope>-<code>.pack`, by render key, as plain values marshalled: read in half the
    time pickled dataclasses take): a build that checks the site and makes its objects.inv
    reads one file instead of every page's rendering (or a file per page, as it once did: 0.1
    s at 1,000 pages per language). It holds what `keep` was given, give or take a few pages
    (`DRIFT`); the renderings stay the reference, the pack only saves reading them."""

    def __init__(self, cache_dir: Path | None, version: str, scope: str = "") -> None:
        """`scope`: whose pages (a content folder): each keeps a pack of its own."""
        self.prefix = f"facts-{scope_name(scope)}-"
        self.file = cache_dir / f"{self.prefix}{version[:16]}.pack" if cache_dir else None
        self._loaded: dict[str, PlainFacts] | None = None  # as read, made into Facts when asked
        self._asked: dict[str, Facts] = {}

    def get(self, key: str) -> Facts | None:
        if self._loaded is None:
            self._loaded = self._load()
        plain = self._loaded.get(key)
        try:
            return None if plain is None else from_plain(plain)
        except (TypeError, ValueError):  # a pack written otherwise: as if it lacked the page
            return None

    def note(self, key: str, found: Facts) -> None:
        """Facts a caller was given (from the pack, a file or a rendering)."""
        self._asked[key] = found

    def keep(self, keys: Iterable[str]) -> None:
        """Write the facts of these render keys (the pages of a site just built) that are
        known, unless the pack holds those already, but for a few (`DRIFT`: each page it
        lacks costs a build the reading of its rendering, less than writing it all again)."""
        if self.file is None or not self._asked:
            return  # nothing learnt since the pack was written (a warm build): it stands
        if self._loaded is None:  # all asked came from elsewhere: what it holds still counts
            self._loaded = self._load()
        loaded, asked = self._loaded, self._asked
        kept = [key for key in keys if key in asked or key in loaded]
        if loaded:
            drift = len(set(kept) ^ loaded.keys())
            if drift <= max(DRIFT, len(kept) // 50):
                return
        pack = {key: to_plain(asked[key]) if key in asked else loaded[key] for key in kept}
        if write_replacing(self.file, marshal.dumps(pack), self.prefix):
            self._loaded = pack

    def _load(self) -> dict[str, PlainFacts]:
        if self.file is None:
            return {}
        try:
            with no_collection():
                data = marshal.loads(self.file.read_bytes())
        except (OSError, EOFError, TypeError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


# Facts as values marshal writes: (deps, ids, links, warnings, headings, toc), a link and a
# warning each as the tuple of its fields.
PlainFacts = tuple[Deps, tuple[str, ...], tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...],
                   tuple[str, ...], tuple[tuple[str, str], ...]]  # fmt: skip


def to_plain(found: Facts) -> PlainFacts:
    deps, facts = found
    links = tuple((link.target, link.fragment, link.line, link.kind) for link in facts.links)
    warnings = tuple((w.path, w.line, w.message, w.level, w.code) for w in facts.warnings)
    return deps, tuple(facts.ids), links, warnings, facts.headings, facts.toc


def from_plain(plain: PlainFacts) -> Facts:
    deps, ids, links, warnings, headings, toc = plain
    facts = PageFacts(
        frozenset(ids),
        tuple(LinkRef(*link) for link in links),
        tuple(Diagnostic(*warning) for warning in warnings),
        tuple(headings),
        tuple((ident, title) for ident, title in toc),
    )
    return deps, facts
