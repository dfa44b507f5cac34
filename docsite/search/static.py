"""The static search index of a frozen site: small JSON files the browser fetches on demand.

It holds the documents, terms and stored weights the server index holds (docsite.search.ranking),
and static-search.js answers queries from it exactly as the server does (docsite.search.query):

    _search/<lang>/meta.json        sizes, shard names, the analysis profile (stop words,
                                    stemmer, longest query word)
    _search/<lang>/vocab.json       the CJK words of the index (to segment queries)
    _search/<lang>/t-<shard>.json   {term: [idf, doc, W, doc, W, …]}, documents ascending
    _search/<lang>/p-<shard>.json   {"a b": [doc, doc, …]}: where term b follows term a
    _search/<lang>/d-<n>.json       documents n*CHUNK …: [url, page title, section, excerpt]

Documents are numbered in the order that breaks ties between equal scores (URL, section
title, position in the page), so the browser orders by number where the server looks up URLs.
A term's shard is its first character for ASCII letters and digits, else a hash of the first
character, so a prefix query (blue*) reads one shard; a pair's shard is its first term's.
A query downloads meta (and vocab for CJK) once, then a shard or two per word and the
document chunks of the hits it shows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import docsite.search.statestore as statestore
from docsite.cachefile import scope_name
from docsite.search.analysis import Profile, is_cjk, profile_for
from docsite.search.documents import (
    analyze_doc,
    documents,
    documents_digest,
    page_key,
)
from docsite.search.staticupdate import (
    CHUNK,
    CJK_SHARDS,
    PAGE,
    SECTION,
    URL,
    LangState,
    Row,
    dumps,
    make_row,
    shard_of,
    shard_text,
    updated_state,
)
from docsite.search.stats import StaticIndexStats
from docsite.search.version import SCHEMA_VERSION
from docsite.site import Entry, Site

Ahead = tuple[str, list[Row]]  # a page's documents' digest, and their rows
_AHEAD: dict[str, Ahead] = {}  # by page key: see adopt_analyzed
FORMAT = 2
CACHE_VERSION = f"5-{SCHEMA_VERSION}"  # the index state; the code's digest covers analysis
Emit = Callable[[str, bytes], None]  # writes one file of the index, by its path below `out`


class IndexSink(Protocol):
    """Where a build puts the index's files: it may carry a whole language's files over."""

    def write(self, path: str, data: bytes) -> None:
        """Write one file, by its path below the output folder."""

    def carry(self, lang: str, token: str) -> StaticIndexStats | None:
        """Carry over every file of the language's index when the output holds the index made
        for `token`; its stats, or None when it cannot."""

    def remember(self, lang: str, token: str, stats: StaticIndexStats) -> None:
        """The language's index written now was made for `token`."""


class FolderSink:
    """Files written into a folder, nothing carried over."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def write(self, path: str, data: bytes) -> None:
        file = self.out / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)

    def carry(self, lang: str, token: str) -> StaticIndexStats | None:
        return None

    def remember(self, lang: str, token: str, stats: StaticIndexStats) -> None:
        pass


def build_static_index(
    site: Site, out: Path, languages: list[str] | None = None, sink: IndexSink | None = None
) -> dict[str, StaticIndexStats]:
    """Write _search/<lang>/ below `out` for these languages (default: every language).

    The index of each language is kept in the cache between builds (docsite.search.
    staticupdate), so a build re-analyses only the pages whose documents changed and computes
    again only the postings that change. The files are a function of the pages' documents
    (`documents_digest`) and of this code: when those did not change, the sink may carry the
    last build's files over without the state being read at all.
    """
    stats: dict[str, StaticIndexStats] = {}
    config = site.config
    sink = sink or FolderSink(out)
    # one cache per content folder, so that building another site does not empty this one's
    folder_key = scope_name(config.content_dir)
    for lang in config.languages if languages is None else languages:
        profile = profile_for(lang)
        entries = site.entries.get(lang, {}).values()
        pages = {page_key(entry): documents_digest(site, entry) for entry in entries}
        token = _token(profile, pages)
        carried = sink.carry(lang, token)
        if carried is not None:
            stats[lang] = carried
            continue
        name = f"static-search/{folder_key}-{lang}"
        cache = config.cache_dir / name if not config.cache_scratch else None
        old = load_state(cache, profile)
        state = updated_state(old, pages, current_rows(site, lang, old, pages))
        stats[lang] = write_state(state, f"_search/{lang}/", sink.write, profile)
        sink.remember(lang, token, stats[lang])
        save_state(cache, state, profile)
    return stats


def _token(profile: Profile, pages: dict[str, str]) -> str:
    """What a language's index files are made from: its pages' documents, and this code."""
    blob = "\n".join(f"{key}\0{digest}" for key, digest in sorted(pages.items()))
    return hashlib.sha256(f"{CACHE_VERSION}\0{profile.name}\n{blob}".encode()).hexdigest()


def load_state(folder: Path | None, profile: Profile) -> LangState:
    """The index state the last build left (an empty one when none, or another code's)."""
    if folder is None:
        return LangState()
    return statestore.load(folder, f"{CACHE_VERSION} {profile.name}")


def save_state(folder: Path | None, state: LangState, profile: Profile) -> None:
    """Keep the state for the next build (only the parts that changed are written)."""
    if folder is not None:
        statestore.save(folder, f"{CACHE_VERSION} {profile.name}", state)


def current_rows(site: Site, lang: str, old: LangState, pages: dict[str, str]) -> list[Row]:
    """The documents of a language's pages (`pages`: their documents' digests), in number
    order: those of a page whose documents are what the last build indexed come from the
    state, the others are made and analysed."""
    kept: dict[str, list[Row]] = defaultdict(list)
    for row in old.rows:
        kept[row[PAGE]].append(row)
    rows: list[Row] = []
    for entry in site.entries.get(lang, {}).values():
        key = page_key(entry)
        ahead = _AHEAD.pop(key, None)
        if old.pages.get(key) == pages[key]:
            rows.extend(kept[key])
        elif ahead is not None and ahead[0] == pages[key]:
            rows.extend(ahead[1])
        else:
            rows.extend(_rows(site, entry))
    # The order that breaks ties (docsite.search.query): URL, section title, then position
    # (a stable sort keeps a page's documents in their order).
    return sorted(rows, key=lambda row: (row[URL], row[SECTION]))


def _rows(site: Site, entry: Entry) -> list[Row]:
    return [make_row(doc, analyze_doc(doc)) for doc in documents(site, entry)]


def analyze_ahead(site: Site, entries: list[Entry]) -> dict[str, Ahead]:
    """The rows of pages' documents, made before the index is built, by page key (by the
    build's page workers, which have the renderings at hand: the index's workers then need
    none, and the pages' HTML never travels back to the parent)."""
    return {page_key(e): (documents_digest(site, e), _rows(site, e)) for e in entries}


def adopt_analyzed(analyzed: dict[str, Ahead]) -> None:
    """Pages' rows made ahead, for the next index build of this process to use (each only if
    its page's documents are still what they were made from)."""
    _AHEAD.update(analyzed)


def write_state(state: LangState, folder: str, emit: Emit, profile: Profile) -> StaticIndexStats:
    """The files of one language's index, from its state."""
    writer = _Writer(folder, emit)
    shards: dict[str, list[str]] = defaultdict(list)
    for term in sorted(state.terms):
        shards[shard_of(term)].append(state.terms[term])
    for name, fragments in shards.items():
        writer.write_text(f"t-{name}.json", shard_text(fragments))
    for name, text in state.pair_shards.items():
        writer.write_text(f"p-{name}.json", text)
    for number, text in enumerate(state.chunks):
        writer.write_text(f"d-{number}.json", text)
    writer.write("vocab.json", sorted(term for term in state.terms if is_cjk(term)))
    meta = _meta(len(state.rows), sorted(shards), sorted(state.pair_shards), profile)
    writer.write("meta.json", meta)
    return StaticIndexStats(
        docs=len(state.rows), terms=len(state.terms), files=writer.files, bytes=writer.bytes
    )


def _meta(
    docs: int, shards: list[str], pair_shards: list[str], profile: Profile
) -> dict[str, object]:
    return {
        "version": FORMAT,
        "docs": docs,
        "chunk": CHUNK,
        "shards": shards,
        "pairShards": pair_shards,
        "cjkShards": CJK_SHARDS,
        "stopWords": sorted(profile.stop_words),
        "stemmer": profile.stemmer,
        "maxWord": profile.max_query_word,
    }


class _Writer:
    """Compact JSON files in one folder, counted."""

    def __init__(self, folder: str, emit: Emit) -> None:
        self.folder = folder
        self.emit = emit
        self.files = 0
        self.bytes = 0

    def write(self, name: str, data: object) -> None:
        self.write_text(name, dumps(data))

    def write_text(self, name: str, text: str) -> None:
        blob = text.encode("utf-8")
        self.emit(self.folder + name, blob)
        self.bytes += len(blob)
        self.files += 1
