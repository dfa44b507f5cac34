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
import json
import os
import pickle
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from docsite.search.analysis import Profile, is_cjk, profile_for
from docsite.search.documents import DocTerms, SearchDoc, analyze_doc, doc_key, documents
from docsite.search.ranking import average_lengths, idf, stored_weights
from docsite.search.server import SCHEMA_VERSION
from docsite.site import Entry, Site

_ANALYZED: dict[str, DocTerms] = {}  # see adopt_analyzed
FORMAT = 2
CHUNK = 40
CACHE_VERSION = f"2-{SCHEMA_VERSION}"  # analyzed documents; the code's digest covers analysis
EXCERPT_CHARS = 320
CJK_SHARDS = 24


def shard_of(term: str) -> str:
    first = term[0]
    if first.isascii() and first.isalnum():
        return first.lower()
    return f"x{ord(first) % CJK_SHARDS}"


@dataclass
class StaticIndexStats:
    docs: int
    terms: int
    files: int
    bytes: int


def build_static_index(
    site: Site, out: Path, languages: list[str] | None = None
) -> dict[str, StaticIndexStats]:
    """Write _search/<lang>/ below `out` for these languages (default: every language)."""
    stats: dict[str, StaticIndexStats] = {}
    config = site.config
    # one cache per content folder, so that building another site does not empty this one's
    folder_key = hashlib.sha256(str(config.content_dir).encode()).hexdigest()[:10]
    for lang in config.languages if languages is None else languages:
        docs = [
            doc for entry in site.entries.get(lang, {}).values() for doc in documents(site, entry)
        ]
        file = f"static-search/{folder_key}-{lang}.pickle"
        cache = TermCache(config.cache_dir / file if config.cache_dir else None)
        stats[lang] = write_language(docs, out / "_search" / lang, cache, profile_for(lang))
        cache.save()
    return stats


# A cache file that cannot be read, or that an older docsite wrote (its classes moved).
_UNREADABLE = (OSError, ImportError, pickle.PickleError, EOFError, AttributeError, KeyError)
_UNREADABLE += (TypeError,)


class TermCache:
    """Analyzed documents by the digest of their text, kept between builds.

    Analysis (jieba, stemming) is most of the index's cost; a rebuild re-analyzes only the
    sections whose text changed. The cache keeps what the last build used, nothing older.
    """

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.old: dict[str, DocTerms] = {}
        self.new: dict[str, DocTerms] = {}
        if file is not None:
            try:
                with file.open("rb") as fh:
                    data = pickle.load(fh)
                if data.get("version") == CACHE_VERSION:
                    self.old = data["docs"]
            except _UNREADABLE:
                pass  # no cache, or one an older docsite wrote: analyze everything

    def terms(self, doc: SearchDoc) -> DocTerms:
        key = doc_key(doc)
        found = self.new.get(key) or self.old.get(key) or _ANALYZED.pop(key, None)
        if found is None:
            found = analyze_doc(doc)
        self.new[key] = found
        return found

    def save(self) -> None:
        if self.file is None:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump({"version": CACHE_VERSION, "docs": self.new}, fh, protocol=5)
            os.replace(tmp, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs speed


def analyze_ahead(site: Site, entries: list[Entry]) -> dict[str, DocTerms]:
    """Analyze pages' documents before the index is built (by the build's render workers)."""
    return {doc_key(doc): analyze_doc(doc) for e in entries for doc in documents(site, e)}


def adopt_analyzed(analyzed: dict[str, DocTerms]) -> None:
    """Documents analyzed ahead, for the next index build of this process to use."""
    _ANALYZED.update(analyzed)


def tie_order(docs: list[SearchDoc]) -> list[SearchDoc]:
    """Documents in the order that breaks ties (docsite.search.query): URL, section title,
    then position (a stable sort keeps a page's documents in their order)."""
    return sorted(docs, key=lambda doc: (doc.url, doc.section))


def write_language(
    docs: list[SearchDoc], folder: Path, cache: TermCache, profile: Profile
) -> StaticIndexStats:
    folder.mkdir(parents=True, exist_ok=True)
    docs = tie_order(docs)
    analyzed = [cache.terms(doc) for doc in docs]
    averages = average_lengths(terms.fields for terms in analyzed)
    postings: dict[str, list[int]] = defaultdict(list)
    pairs: dict[str, list[int]] = defaultdict(list)
    for number, terms in enumerate(analyzed):
        for term, weight in stored_weights(terms.fields, averages).items():
            postings[term].extend((number, weight))
        for pair in terms.pairs:
            pairs[pair].append(number)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, flat in postings.items():
        shards[shard_of(term)][term] = [idf(len(docs), len(flat) // 2), *flat]
    pair_shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for pair, numbers in pairs.items():
        pair_shards[shard_of(pair)][pair] = numbers
    writer = _Writer(folder)
    for name, shard in shards.items():
        writer.write(f"t-{name}.json", shard)
    for name, shard in pair_shards.items():
        writer.write(f"p-{name}.json", shard)
    for start in range(0, len(docs), CHUNK):
        chunk = docs[start : start + CHUNK]
        writer.write(
            f"d-{start // CHUNK}.json",
            [[d.url, d.page_title, d.section, d.body[:EXCERPT_CHARS]] for d in chunk],
        )
    writer.write("vocab.json", sorted(term for term in postings if is_cjk(term)))
    writer.write("meta.json", _meta(len(docs), sorted(shards), sorted(pair_shards), profile))
    return StaticIndexStats(
        docs=len(docs), terms=len(postings), files=writer.files, bytes=writer.bytes
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

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = 0
        self.bytes = 0

    def write(self, name: str, data: object) -> None:
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        (self.folder / name).write_text(blob, encoding="utf-8")
        self.bytes += len(blob.encode())
        self.files += 1
