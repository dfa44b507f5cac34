"""The static search index of a frozen site: small JSON files the browser fetches on demand.

It is built from the same documents and the same analyzer as the server index, with the
same BM25F field weights, so a frozen site answers like the server:

    _search/<lang>/meta.json        sizes, field settings, stop words, shard names
    _search/<lang>/vocab.json       the Chinese words of the index (to segment queries)
    _search/<lang>/t-<shard>.json   {term: [doc, weight, doc, weight, …]} and the surface
                                    forms of English words whose term differs ({"forms": …})
    _search/<lang>/d-<n>.json       documents n*CHUNK …: [url, page title, section, excerpt]

A term's shard is its first character for ASCII letters and digits, else a hash of the first
character, so a prefix query (blue*) reads one shard. A query downloads meta and vocab once,
then one or two term shards per word and the document chunks of the hits it shows.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from docsite.search.analysis import _CJK_RUN_RE, STOP_WORDS, index_terms
from docsite.search.documents import FIELDS, SearchDoc, documents
from docsite.search.ranking import average_lengths, bm25f_weights, idf
from docsite.search.server import SCHEMA_VERSION
from docsite.site import Entry, Site

_ANALYZED: dict[str, DocTerms] = {}  # see adopt_analyzed
CHUNK = 40
CACHE_VERSION = f"1-{SCHEMA_VERSION}"  # analyzed documents; the analyzer's version is the schema's
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


def _field_text(doc: SearchDoc, name: str) -> str:
    return str(getattr(doc, name))


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
        stats[lang] = _write_language(docs, out / "_search" / lang, cache)
        cache.save()
    return stats


@dataclass
class DocTerms:
    """One document analyzed: term counts per field, surface forms, CJK words."""

    fields: dict[str, Counter[str]]
    forms: dict[str, str]
    cjk: set[str]


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
            except (OSError, pickle.PickleError, EOFError, AttributeError, KeyError, TypeError):
                pass  # no cache, or an unreadable one: analyze everything

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


def doc_key(doc: SearchDoc) -> str:
    return hashlib.sha256("\0".join(_field_text(doc, n) for n in FIELDS).encode()).hexdigest()


def analyze_ahead(site: Site, entries: list[Entry]) -> dict[str, DocTerms]:
    """Analyze pages' documents before the index is built (by the build's render workers)."""
    return {doc_key(doc): analyze_doc(doc) for e in entries for doc in documents(site, e)}


def adopt_analyzed(analyzed: dict[str, DocTerms]) -> None:
    """Documents analyzed ahead, for the next index build of this process to use."""
    _ANALYZED.update(analyzed)


def analyze_doc(doc: SearchDoc) -> DocTerms:
    fields: dict[str, Counter[str]] = {}
    forms: dict[str, str] = {}
    cjk: set[str] = set()
    for name in FIELDS:
        terms = []
        for term, original in index_terms(_field_text(doc, name)):
            terms.append(term)
            surface = original.lower()  # what a reader types, before stemming
            if surface != term and not _CJK_RUN_RE.match(surface):
                forms[surface] = term
        fields[name] = Counter(terms)
        cjk.update(t for t in terms if _CJK_RUN_RE.match(t))
    return DocTerms(fields, forms, cjk)


def _write_language(docs: list[SearchDoc], folder: Path, cache: TermCache) -> StaticIndexStats:
    folder.mkdir(parents=True, exist_ok=True)
    freqs: list[dict[str, Counter[str]]] = []
    forms: dict[str, str] = {}
    vocab: set[str] = set()
    for doc in docs:
        analyzed = cache.terms(doc)
        forms.update(analyzed.forms)
        vocab.update(analyzed.cjk)
        freqs.append(analyzed.fields)
    averages = average_lengths(freqs)
    doc_freq: Counter[str] = Counter()
    for per_field in freqs:
        doc_freq.update({term for counter in per_field.values() for term in counter})
    total = len(docs)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, per_field in enumerate(freqs):
        for term, score in bm25f_weights(per_field, averages).items():
            postings[term].append((number, score * idf(total, doc_freq[term])))
    shards: dict[str, dict[str, object]] = defaultdict(dict)
    for term, items in postings.items():
        items.sort(key=lambda item: -item[1])
        flat: list[float | int] = []
        for number, weight in items:
            flat.extend((number, round(weight, 2)))
        shards[shard_of(term)][term] = flat
    for surface, term in forms.items():
        shard = shards[shard_of(surface)]
        shard.setdefault("forms", {})
        shard["forms"][surface] = term  # type: ignore[index]
    written = 0
    files = 0

    def write(name: str, data: object) -> None:
        nonlocal written, files
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        (folder / name).write_text(blob, encoding="utf-8")
        written += len(blob.encode())
        files += 1

    for name, shard in shards.items():
        write(f"t-{name}.json", shard)
    for start in range(0, total, CHUNK):
        write(
            f"d-{start // CHUNK}.json",
            [
                [d.url, d.page_title, d.section, d.body[:EXCERPT_CHARS]]
                for d in docs[start : start + CHUNK]
            ],
        )
    write("vocab.json", sorted(vocab))
    write(
        "meta.json",
        {
            "version": 1,
            "docs": total,
            "chunk": CHUNK,
            "shards": sorted(shards),
            "cjkShards": CJK_SHARDS,
            "stopWords": sorted(STOP_WORDS),
            "maxWord": max((len(w) for w in vocab), default=1),
        },
    )
    return StaticIndexStats(docs=total, terms=len(postings), files=files, bytes=written)
