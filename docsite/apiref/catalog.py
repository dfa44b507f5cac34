"""Translation units of API pages in gettext catalogs, read and written with Babel.

Each docstring paragraph (parameter description, return note, version note …) shown on an
API page is a unit. A translated page `content/<lang>/api/app.md` keeps the translations of
its units next to it in `content/<lang>/api/app.po`: the page, its prose and its catalog move
together, and the dev server already watches that folder.

A unit renders translated when the catalog has a current translation; it is *outdated*
when the catalog marks it fuzzy, or when it is missing but close to a translated msgid (its
English changed and the catalog was not updated yet: the same fuzzy match Babel's
`Catalog.update` makes); otherwise it is *missing*.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, unescape, write_po

FUZZY_CUTOFF = 0.6  # difflib's and Babel's default for fuzzy matching
TranslationState = Literal["translated", "outdated", "missing"]


@dataclass(frozen=True)
class Unit:
    """A translation unit: one paragraph (or term, or admonition title) of a docstring."""

    msgid: str
    line: int


@dataclass(frozen=True)
class Translation:
    """What a catalog holds for one unit: its state, and the translated reST when it has it."""

    state: TranslationState
    text: str = ""  # the translated reST, when state is "translated"


@dataclass(frozen=True)
class SourceUnit:
    """A unit to translate and where it comes from (for the catalog's comments)."""

    msgid: str
    object_path: str  # flask.Flask.route
    file: str  # flask/sansio/scaffold.py
    line: int


@dataclass(frozen=True)
class Counts:
    translated: int = 0
    outdated: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.outdated + self.missing


@dataclass(frozen=True)
class Translations:
    """A page catalog as a lookup: msgid -> (msgstr, fuzzy)."""

    messages: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    digest: str = ""
    _memo: dict[str, Translation] = field(default_factory=dict, compare=False, repr=False)

    def translate(self, msgid: str) -> Translation:
        known = self._memo.get(msgid)
        if known is not None:
            return known
        hit = self.messages.get(msgid)
        if hit is not None and hit[0]:
            result = Translation("outdated" if hit[1] else "translated", hit[0])
        elif self._close_to_translated(msgid):
            result = Translation("outdated")
        else:
            result = Translation("missing")
        self._memo[msgid] = result
        return result

    def _close_to_translated(self, msgid: str) -> bool:
        candidates = [m for m, (text, fuzzy) in self.messages.items() if text and not fuzzy]
        return bool(difflib.get_close_matches(msgid, candidates, n=1, cutoff=FUZZY_CUTOFF))

    def counts(self, msgids: Iterable[str]) -> Counts:
        states = [self.translate(m).state for m in dict.fromkeys(msgids)]
        return Counts(states.count("translated"), states.count("outdated"), states.count("missing"))


NO_TRANSLATIONS = Translations()
_loaded: dict[Path, tuple[tuple[int, int], Translations]] = {}
_lock = threading.Lock()


def load_translations(path: Path, locale: str | None = None) -> Translations:
    """The catalog at `path` (empty when there is none); re-read when the file changes."""
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError:
        return NO_TRANSLATIONS
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _loaded.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    catalog = read_po(io.BytesIO(data), locale=locale)
    messages = {
        str(m.id): (str(m.string or ""), m.fuzzy)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str | None)
    }
    result = Translations(MappingProxyType(messages), hashlib.sha256(data).hexdigest()[:16])
    with _lock:
        _loaded[path] = (stamp, result)
    return result


def template(units: Iterable[SourceUnit], project: str, version: str) -> Catalog:
    """A catalog template (POT) of units, each msgid once, with every place it comes from."""
    catalog = Catalog(project=project, version=version, fuzzy=False)
    for unit in units:
        message = catalog.get(unit.msgid)
        if message is None:
            catalog.add(
                unit.msgid,
                locations=[(unit.file, unit.line)],
                auto_comments=[unit.object_path],
            )
            continue
        if (unit.file, unit.line) not in message.locations:
            message.locations.append((unit.file, unit.line))
        if unit.object_path not in message.auto_comments:
            message.auto_comments.append(unit.object_path)
    return catalog


def _read_previous_ids(catalog: Catalog) -> None:
    """Babel writes a fuzzy message's previous msgid as `#| msgid "…"` comment lines (wrapped
    at 76 columns whatever the width asked for) but reads them back as translator comments:
    turn them into the previous msgid again, the wrapped lines joined."""
    for message in catalog:
        start = next(
            (i for i, c in enumerate(message.user_comments) if c.startswith("| msgid ")), None
        )
        if start is None:
            continue
        end = start + 1
        comments = message.user_comments
        while (
            end < len(comments)
            and comments[end].startswith("| ")
            and not comments[end].startswith(("| msgid", "| msgctxt"))
        ):
            end += 1
        text = " ".join(c.removeprefix("| ").strip() for c in comments[start:end])
        message.previous_id = [unescape(text.removeprefix("msgid ").strip())]
        message.user_comments = comments[:start] + comments[end:]


def update_catalog(path: Path, pot: Catalog, locale: str) -> bool:
    """Create or update the catalog at `path` from a template, as `sphinx-intl update` does:
    new units are added, removed ones become obsolete, changed ones fuzzy (keeping the old
    translation and msgid for the translator). Returns whether the file changed."""
    try:
        old_bytes = path.read_bytes()
    except FileNotFoundError:
        old_bytes = b""
    if old_bytes:
        catalog = read_po(io.BytesIO(old_bytes), locale=locale)
        _read_previous_ids(catalog)
    else:
        catalog = Catalog(locale=locale, project=pot.project, version=pot.version, fuzzy=False)
    previous = {m.id: m.previous_id for m in catalog if m.id and m.previous_id}
    catalog.update(pot, update_creation_date=False)
    for message in catalog:  # still fuzzy: keep showing the English it was translated from
        if message.fuzzy and not message.previous_id and message.id in previous:
            message.previous_id = previous[message.id]
    catalog.version = pot.version
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=True, sort_output=False)
    new_bytes = out.getvalue()
    if new_bytes == old_bytes:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new_bytes)
    return True
