"""The server's search index: whoosh, in a cache folder, updated page by page."""

from __future__ import annotations

import fcntl
import heapq
import json
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import collectors, formats
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F, BaseScorer, MultiWeighting, WeightingModel
from whoosh.searching import Searcher

from docsite.search.analysis import _CJK_RUN_RE, ANALYZER, analyze, word_terms
from docsite.search.documents import page_key
from docsite.search.query import (
    MAX_LIMIT,
    Hit,
    ParsedQuery,
    SearchResult,
    clean_query,
    highlighter,
    make_snippet,
    parse_query,
)
from docsite.search.ranking import (
    FIELD_B,
    FIELD_BOOSTS,
    K1,
    WEIGHTED,
    AnalyzedDoc,
    analyzed_documents,
    average_lengths,
    bm25f_weights,
    idf,
    measure_averages,
    weighted_term,
)
from docsite.site import Entry, Site

SCHEMA_VERSION = "6"  # the schema pickles the analyzer by its module: moved in 6
AVERAGES_FILE = "field-lengths.json"


class WeightedTerms(FieldType):
    """A field indexed from (term, weight) pairs, each weight kept in the term's posting."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), analyzer=None)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, weight in value:
            yield term.encode("utf-8"), 1, float(weight), b""


class StoredWeightScorer(BaseScorer):
    """idf x the posting's weight; exact per-block maxima, so a collector may skip blocks."""

    def __init__(self, idf: float, max_weight: float) -> None:
        self.idf = idf
        self.max_weight = max_weight

    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: Matcher) -> float:
        return self.idf * float(matcher.weight())

    def max_quality(self) -> float:
        return self.idf * self.max_weight

    def block_quality(self, matcher: Matcher) -> float:
        return self.idf * float(matcher.block_max_weight())


class StoredWeight(WeightingModel):
    """Scores a term of the WEIGHTED field with the weight computed when it was indexed."""

    def scorer(
        self, searcher: Searcher, fieldname: str, text: str, qf: int = 1
    ) -> StoredWeightScorer:
        info = searcher.term_info(fieldname, text)
        return StoredWeightScorer(weighted_idf(searcher, text), info.max_weight())


def weighted_idf(searcher: Searcher, key: str | bytes) -> float:
    """The idf of a WEIGHTED term among the documents of its language."""
    top = searcher.get_parent()  # document counts are the whole index's, not a segment's
    lang = (key.decode() if isinstance(key, bytes) else key).partition(" ")[0]
    docs = top.doc_frequency("lang", lang) or top.doc_count_all()
    return idf(docs, top.doc_frequency(WEIGHTED, key))


# phrases and prefixes are scored by whoosh's BM25F over the fields they match in
WEIGHTING = MultiWeighting(
    BM25F(B=0.75, K1=K1, **{f"{name}_B": b for name, b in FIELD_B.items()}),
    **{WEIGHTED: StoredWeight()},
)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        page=ID(stored=True),
        lang=ID(stored=True),
        digest=STORED(),
        url=STORED(),
        page_title=STORED(),
        title=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["title"]),
        summary=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["summary"]),
        section=TEXT(analyzer=ANALYZER, stored=True, field_boost=FIELD_BOOSTS["section"]),
        breadcrumb=TEXT(analyzer=ANALYZER, stored=True, field_boost=FIELD_BOOSTS["breadcrumb"]),
        body=TEXT(analyzer=ANALYZER, stored=True, spelling=True),
        code=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["code"]),
        **{WEIGHTED: WeightedTerms()},
    )


class SearchIndex:
    """The whoosh index of a site, in a cache folder, updated page by page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()  # guards _ix, _searcher and searching with it
        # One writer at a time in this process (the file lock orders processes). Searches never
        # wait for it: they read the last committed index while a commit is written.
        self._write_lock = threading.Lock()

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """One process at a time creates or updates the index (gunicorn workers share it)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".docsite.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _open(self) -> Any:
        """The index, created when missing; call with the file lock held, or for reading."""
        with self._lock:
            if self._ix is None:
                if whoosh_index.exists_in(str(self.folder)):
                    self._ix = whoosh_index.open_dir(str(self.folder))
                else:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self._ix = whoosh_index.create_in(str(self.folder), make_schema())
            return self._ix

    def sync(self, site: Site) -> dict[str, int]:
        """Bring the index in line with the site: (re)index changed pages, drop removed ones."""
        with self._write_lock, self._file_lock():
            ix = self._open()
            with ix.searcher() as searcher:
                indexed = {f["page"]: f["digest"] for f in searcher.all_stored_fields()}
            wanted = {page_key(e): e for e in site.all_entries()}
            stale = [
                entry
                for key, entry in wanted.items()
                if indexed.get(key) != site.renderer.key(entry.page, entry.lang)
            ]
            removed = [key for key in indexed if key not in wanted]
            averages = self._load_averages()
            if averages is None:  # a new index (or its averages were lost): weigh every page
                stale = list(wanted.values())
            if stale or removed:
                measured = averages is None
                if averages is None:
                    # A pass of its own, so that no more than one page's analysis is held at
                    # a time (words are memoized: the second analysis costs little).
                    averages = measure_averages(
                        doc for entry in stale for doc in analyzed_documents(site, entry)
                    )
                writer = ix.writer(procs=1, limitmb=64)
                for key in removed:
                    writer.delete_by_term("page", key)
                for entry in stale:
                    self._write_page(writer, entry, analyzed_documents(site, entry), averages)
                writer.commit()
                if measured:
                    self._save_averages(averages)
                self._forget_searcher()
                word_terms.cache_clear()  # its memo speeds a full indexing, then only costs memory
            return {"updated": len(stale), "removed": len(removed), "pages": len(wanted)}

    def update_page(self, site: Site, entry: Entry | None, key: str) -> None:
        """Re-index one page (after a live edit); `entry` None removes it."""
        self.update_pages(site, {key: entry})

    def update_pages(self, site: Site, pages: dict[str, Entry | None]) -> None:
        """Re-index pages by key (`lang:path`), in one commit; an entry None removes its page.

        The pages are weighed with the field length averages of the last full build, like
        every other page of the index.
        """
        if not pages:
            return
        analyzed = {
            key: analyzed_documents(site, entry) if entry is not None else []
            for key, entry in pages.items()
        }
        with self._write_lock, self._file_lock():
            averages = self._load_averages() or {}
            writer = self._open().writer()
            for key, entry in pages.items():
                writer.delete_by_term("page", key)
                if entry is not None:
                    self._write_page(writer, entry, analyzed[key], averages, replace=False)
            writer.commit()
            self._forget_searcher()

    def _load_averages(self) -> dict[str, dict[str, float]] | None:
        """Per language, the field length averages the index's weights were computed with."""
        try:
            data = json.loads((self.folder / AVERAGES_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
            return None
        averages = data.get("averages")
        return averages if isinstance(averages, dict) else None

    def _save_averages(self, averages: dict[str, dict[str, float]]) -> None:
        tmp = self.folder / f".{AVERAGES_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"version": SCHEMA_VERSION, "averages": averages}), "utf-8")
        os.replace(tmp, self.folder / AVERAGES_FILE)

    def _forget_searcher(self) -> None:
        """After our own commit: whoosh can call an old searcher up to date after deletions.

        It is not closed here: a request thread may still be reading with it.
        """
        with self._lock:
            self._searcher = None

    @staticmethod
    def _write_page(
        writer: Any,
        entry: Entry,
        docs: list[AnalyzedDoc],
        averages: Mapping[str, Mapping[str, float]],
        replace: bool = True,
    ) -> None:
        if replace:
            writer.delete_by_term("page", page_key(entry))
        lengths = averages.get(entry.lang) or average_lengths(doc.counts for doc in docs)
        for doc in docs:
            weights = bm25f_weights(doc.counts, lengths)
            terms = [(weighted_term(entry.lang, term), w) for term, w in weights.items()]
            writer.add_document(**doc.doc.__dict__, **{WEIGHTED: terms})

    def _current_searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                if self._ix is None:
                    with self._file_lock():
                        self._open()
                self._searcher = self._ix.searcher(weighting=WEIGHTING)
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def search(self, raw: str, lang: str = "en", limit: int = 10) -> SearchResult:
        text = clean_query(raw)
        limit = max(1, min(int(limit), MAX_LIMIT))
        result = SearchResult(query=text, total=0)
        parsed = parse_query(text)
        if parsed.empty:
            return result
        # One search at a time per process: a whoosh searcher reads its files by seek-and-read,
        # so two threads searching with it at once read each other's positions (a threaded
        # `serve` got "UnpicklingError: invalid load key"). Writers never hold this for long.
        with self._lock:
            return self._search(parsed, result, lang, limit)

    def _search(
        self, parsed: ParsedQuery, result: SearchResult, lang: str, limit: int
    ) -> SearchResult:
        searcher = self._current_searcher()
        if lang == "all":
            parsed.languages = tuple(t.decode() for t in searcher.lexicon("lang"))
        else:
            parsed.languages = (lang,)
        if not (parsed.phrases or parsed.prefixes):
            found = WordMatcher(searcher).search(parsed, limit)
            if found is None:
                result.suggestion = suggest(searcher, parsed)
                return result
            result.total, top = found
            marks = highlighter(parsed.highlight_terms(), parsed.words)
            for score, docnum in top:
                result.results.append(make_hit(searcher.stored_fields(docnum), marks, score))
            return result
        hits = None
        for query in parsed.queries(searcher.doc_frequency):
            if lang != "all":
                # words are of one language already (see WEIGHTED), phrases and prefixes not.
                # As a clause, not a filter: whoosh intersects postings instead of building
                # the set of every document of the language on each query
                query = Q.And([query, Q.Term("lang", lang, boost=0.0)])
            # replace=0: a pruning collector estimates each matcher's best score, and under
            # field boosts that estimate is wrong, so good hits would be dropped.
            collector = collectors.TopCollector(limit=limit, usequality=False, replace=0)
            searcher.search_with_collector(query, collector)
            hits = collector.results()
            if hits.scored_length():
                break
        if hits is None or not hits.scored_length():
            result.suggestion = suggest(searcher, parsed)
            return result
        result.total = len(hits)
        marks = highlighter(parsed.highlight_terms(), parsed.words)
        for hit in hits:
            result.results.append(make_hit(hit.fields(), marks, float(hit.score or 0.0)))
        return result


def make_hit(stored: Mapping[str, Any], marks: re.Pattern[str] | None, score: float) -> Hit:
    return Hit(
        url=stored["url"],
        title=stored["page_title"],
        section=stored["section"],
        snippet=make_snippet(stored["body"], marks),
        lang=stored["lang"],
        score=score,
    )


class WordMatcher:
    """Words-only queries, without whoosh's matcher trees: each word's postings in WEIGHTED
    are read once into {document: score} (whoosh's public matcher API: `is_active`, `id`,
    `weight`, `next`) and combined with dict operations, which in pure Python is faster than
    walking a tree of matchers. Postings are read once for all the fallbacks."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._scores: dict[str, dict[int, float]] = {}

    def search(self, parsed: ParsedQuery, limit: int) -> tuple[int, list[tuple[float, int]]] | None:
        """(matches, best (score, document number) first), or None when nothing matches."""
        for mode, words in parsed.plans(self.searcher.doc_frequency):
            scores = [self.word_scores(parsed.languages, word) for word in words]
            combined = _intersect(scores) if mode == "and" else _union(scores)
            if combined:
                best = heapq.nsmallest(limit, combined.items(), key=lambda i: (-i[1], i[0]))
                return len(combined), [(score, docnum) for docnum, score in best]
        return None

    def word_scores(self, languages: tuple[str, ...], word: str) -> dict[int, float]:
        """A word's score (idf x stored weight) in each live document that has it."""
        if word not in self._scores:
            scores: dict[int, float] = {}
            reader = self.searcher.reader()
            for lang in languages:
                key = weighted_term(lang, word)
                if (WEIGHTED, key) in reader:
                    weight = weighted_idf(self.searcher, key)
                    for docnum, w in postings(reader, WEIGHTED, key):
                        scores[docnum] = weight * w
            self._scores[word] = scores
        return self._scores[word]


def postings(reader: IndexReader, fieldname: str, text: str) -> Iterator[tuple[int, float]]:
    """(document number, weight) of each live document that holds a term: the reader's
    matcher leaves deleted documents out and numbers documents across segments."""
    matcher = reader.postings(fieldname, text)
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


def _intersect(scores: list[dict[int, float]]) -> dict[int, float]:
    if not scores:
        return {}
    ordered = sorted(scores, key=len)
    combined = dict(ordered[0])
    for other in ordered[1:]:
        combined = {d: s + w for d, s in combined.items() if (w := other.get(d)) is not None}
    return combined


def _union(scores: list[dict[int, float]]) -> dict[int, float]:
    combined: dict[int, float] = defaultdict(float)
    for one in scores:
        for docnum, score in one.items():
            combined[docnum] += score
    return combined


def suggest(searcher: Searcher, parsed: ParsedQuery) -> str | None:
    """A "did you mean" from the unstemmed words of the index, when a word is unknown."""
    corrector = searcher.corrector("body")
    changed = False
    out: list[str] = []
    for word in parsed.words:
        terms = analyze(word)
        known = terms and all(searcher.doc_frequency("body", t) for t in terms)
        if known or _CJK_RUN_RE.match(word):
            out.append(word)
            continue
        options = corrector.suggest(word.lower(), limit=1)
        if options:
            out.append(options[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
