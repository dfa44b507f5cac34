"""Translation status: which pages of each language are translated, outdated or missing.

A translated page records which version of its original it translates: `source: <hash>` in
its front matter, a short hash of the original's Markdown body (front matter left out, so a
changed `sortorder` does not make every translation outdated). `stamp()` writes the current
hash after a translator brings a page up to date.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Generic, Protocol, TypeVar

from docsite.entry import Entry
from docsite.errors import ContentError
from docsite.pages import Page, decode_source, load_page, page_path
from docsite.site import Site


def source_hash(page: Page) -> str:
    """The short hash of a page's body, as a translation records it."""
    return page.source_hash


@dataclass
class PageStatus:
    path: str
    state: str  # "translated", "outdated", "missing"
    title: str
    recorded: str | None = None  # the hash the translation records
    current: str | None = None  # the original's hash now
    # translation units of its own (an API page's docstrings): translated, outdated, missing
    units: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class ShownPage:
    """A page as the translation status page shows it: its state, title, units and link,
    without the hashes (`docsite status` prints those), so that page changes only when a
    page's state does, not with every edit of an original."""

    path: str
    state: str
    title: str
    units: tuple[int, int, int] | None
    href: str | None  # the translation's address (None when it has no page)


class _Stated(Protocol):
    @property
    def state(self) -> str: ...


P = TypeVar("P", bound=_Stated)


@dataclass
class SectionStatus(Generic[P]):
    section: str
    title: str
    pages: list[P] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for p in self.pages if p.state == state)

    @property
    def total(self) -> int:
        return len(self.pages)

    def percent(self, state: str) -> float:
        return 100.0 * self.count(state) / self.total if self.total else 100.0


def section_of(path: str) -> str:
    """The top-level folder of a page ("" for pages at the top)."""
    parts = PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 else ""


Sections = list[SectionStatus[PageStatus]]
_worked_out: weakref.WeakKeyDictionary[Site, dict[str, Sections]]
_worked_out = weakref.WeakKeyDictionary()


def translation_status(site: Site, lang: str) -> Sections:
    """Per section of the default language, the state of every page in `lang`: worked out
    once per site (which never changes), though a build asks for it three times. Read it;
    do not change it."""
    known = _worked_out.setdefault(site, {})
    if lang not in known:
        known[lang] = _translation_status(site, lang)
    return known[lang]


def shown_status(
    site: Site, lang: str, href: Callable[[str], str]
) -> list[SectionStatus[ShownPage]]:
    """`translation_status` as the status page shows it; `href` makes a translation's link
    from its site path."""
    entries = site.entries.get(lang, {})
    return [
        SectionStatus(
            section.section, section.title, [_shown(p, entries, href) for p in section.pages]
        )
        for section in translation_status(site, lang)
    ]


def _shown(
    status: PageStatus, entries: Mapping[str, Entry], href: Callable[[str], str]
) -> ShownPage:
    entry = entries.get(status.path)
    link = href(entry.site_path) if entry is not None else None
    return ShownPage(status.path, status.state, status.title, status.units, link)


def _translation_status(site: Site, lang: str) -> Sections:
    default = site.config.default_language
    originals = site.pages.get(default, {})
    translations = site.pages.get(lang, {})
    sections: dict[str, SectionStatus[PageStatus]] = {}
    in_nav_order = [e.page.path for e in site.order.get(default, [])]
    ordered = in_nav_order + sorted(set(originals) - set(in_nav_order))
    for path in ordered:
        original = originals[path]
        key = section_of(path)
        if key not in sections:
            name = f"{key}/index.md" if key else "index.md"
            index = translations.get(name) or originals.get(name)
            sections[key] = SectionStatus(key, index.nav_title if index else key or "/")
        current = source_hash(original)
        page = translations.get(path)
        if page is None:
            status = PageStatus(path, "missing", original.title, None, current)
        else:
            recorded = page.meta.get("source")
            state = "translated" if recorded == current else "outdated"
            status = PageStatus(path, state, page.title, recorded, current, _units(site, page))
        sections[key].pages.append(status)
    return list(sections.values())


def _units(site: Site, page: Page) -> tuple[int, int, int] | None:
    """The page's own translation units, summed over the extensions that have any."""
    found = [u for c in site.contexts.values() if (u := c.units(page)) is not None]
    if not found:
        return None
    return (sum(u[0] for u in found), sum(u[1] for u in found), sum(u[2] for u in found))


def is_outdated(site: Site, page: Page) -> bool:
    """A translated page whose original changed since the recorded version (or never recorded)."""
    if page.lang == site.config.default_language:
        return False
    original = site.pages.get(site.config.default_language, {}).get(page.path)
    return original is not None and page.meta.get("source") != source_hash(original)


_SOURCE_LINE_RE = re.compile(r"^source:[^\n]*$", re.M)


def stamp(site: Site, lang: str, path: str) -> str:
    """Record the original's current hash in the translation's front matter; returns it."""
    original = site.pages.get(site.config.default_language, {}).get(page_path(path))
    file = site.config.content_dir / lang / path
    if original is None:
        raise ContentError(file, 0, f"no {site.config.default_language} original for {path}")
    if not file.is_file():
        raise ContentError(file, 0, "no such translation")
    load_page(site.config.content_dir, lang, path)  # refuse to stamp a broken page
    digest = source_hash(original)
    raw = file.read_bytes()
    text = decode_source(raw, file)
    crlf = b"\r\n" in raw
    file.write_bytes(_with_source(text, digest, crlf).encode("utf-8"))
    return digest


_YAML_END_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_PLAIN_HEADER_RE = re.compile(r"^[A-Za-z][\w-]*:(?:[ \t]|$)")


def _with_source(text: str, digest: str, crlf: bool) -> str:
    """The text with `source: digest` set in its front matter (whichever form it uses)."""
    line = f"source: {digest}"
    if text.startswith("---\n"):
        end = _YAML_END_RE.search(text, 4)
        assert end is not None  # load_page accepted the file
        header, rest = text[: end.start()], text[end.start() :]
        if _SOURCE_LINE_RE.search(header):
            header = _SOURCE_LINE_RE.sub(line, header, count=1)
        else:
            header += line + "\n"
        text = header + rest
    elif _PLAIN_HEADER_RE.match(text):
        if _SOURCE_LINE_RE.search(text.split("\n\n", 1)[0]):
            text = _SOURCE_LINE_RE.sub(line, text, count=1)
        else:
            text = f"{line}\n{text}"
    else:
        text = f"---\n{line}\n---\n{text}"
    return text.replace("\n", "\r\n") if crlf else text


def stamp_path(site: Site, target: str) -> tuple[str, str, str]:
    """`zh/user-guide/x.md` (or a path to the file) -> (lang, path, hash) after stamping."""
    candidate = Path(target)
    content = site.config.content_dir.resolve()
    if candidate.exists() and candidate.resolve().is_relative_to(content):
        rel = candidate.resolve().relative_to(content).as_posix()
    else:
        rel = PurePosixPath(target).as_posix().removeprefix("content/")
    lang, _, path = rel.partition("/")
    if lang not in site.config.languages or not path:
        raise ContentError(target, 0, "expected LANG/PATH.md, e.g. zh/user-guide/blueprints.md")
    return lang, path, stamp(site, lang, path)
