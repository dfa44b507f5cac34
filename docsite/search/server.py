"""The doc server's search index: whoosh, in a cache folder, updated page by page.

The index keeps, for every document, each term's stored weight W(t, d) (docsite.search.ranking)
in the postings of one field, WEIGHTED, whose terms are "<lang> <term>": a word's postings
hold one language only. PAIRS holds "<lang> <a> <b>" for two terms that follow each other
(phrases), and SPELLING the words as written, for "did you mean". Queries are answered by
docsite.search.query through `LanguageIndex`, which reads postings with whoosh's public
matcher API only.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, FieldType, Schema
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from docsite.search.analysis import (
    WORD_RE,
    Profile,
    clear_memos,
    identifier_parts,
    is_cjk,
    profile_for,
)
from docsite.search.documents import (
    PHRASE_FIELDS,
    DocTerms,
    SearchDoc,
    analyze_doc,
    clear_texts,
    documents,
    page_key,
)
from docsite.search.query import (
    MAX_LIMIT,
    Answer,
    Hit,
    SearchResult,
    answer,
    clean_query,
    hit_order,
    parse_query,
)
from docsite.search.ranking import (
    average_lengths,
    display_score,
    idf,
    measure_averages,
    stored_weights,
)
from docsite.search.snippets import highlighter, make_snippet
from docsite.search.version import SCHEMA_VERSION
from docsite.site import Entry, Site

WEIGHTED = "weighted"
PAIRS = "pairs"
SPELLING = "spelling"
AVERAGES_FILE = "field-lengths.json"
WRITER_MB = 32  # the memory whoosh's writer pools postings in before it writes a run to disk
log = logging.getLogger(__name__)


class WeightedTerms(FieldType):
    """A field indexed from (term, weight) pairs, each weight kept in the term's posting."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), analyzer=None)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, weight in value:
            yield term.encode("utf-8"), 1, float(weight), b""


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        page=ID(stored=True),
        lang=ID(stored=True),
        digest=STORED(),
        url=STORED(),
        page_title=STORED(),
        section=STORED(),
        body=STORED(),
        **{
            WEIGHTED: WeightedTerms(),
            PAIRS: WeightedTerms(),
            SPELLING: KEYWORD(lowercase=False, scorable=False),
        },
    )


def language_term(lang: str, term: str) -> str:
    """A term of WEIGHTED or PAIRS: the word (or pair) in documents of one language."""
    return f"{lang} {term}"


def spelling_words(doc: SearchDoc, profile: Profile) -> str:
    """The words of a document as readers write them (lower-cased, not stemmed), space
    separated: what "did you mean" suggests from."""
    words: set[str] = set()
    for name in PHRASE_FIELDS:
        for word in WORD_RE.findall(getattr(doc, name)):
            if is_cjk(word):
                continue
            token = word.removeprefix("@")
            words.update(p.lower() for p in (token, *identifier_parts(token)))
    return " ".join(sorted(words - profile.stop_words))


def postings(reader: IndexReader, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """The document numbers and weights of the live documents that hold a term: the reader's
    matcher leaves deleted documents out and numbers documents across segments. (Collected
    into two lists, the fastest way to walk whoosh's public matcher API in Python.)"""
    ids: list[int] = []
    weights: list[float] = []
    if (fieldname, text) in reader:
        matcher = reader.postings(fieldname, text)
        is_active, doc, weight, advance = (
            matcher.is_active,
            matcher.id,
            matcher.weight,
            matcher.next,
        )
        while is_active():
            ids.append(doc())
            weights.append(weight())
            advance()
    return ids, weights


class LanguageIndex:
    """The documents of one language in a searcher, as docsite.search.query asks for them
    (`TermSource`). Lives for one search: it memoizes what it read."""

    def __init__(self, searcher: Searcher, lang: str) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.lang = lang
        self.profile = profile_for(lang)
        self.docs = searcher.doc_frequency("lang", lang)
        self._scores: dict[str, dict[int, int]] = {}
        self._stored: dict[int, Mapping[str, Any]] = {}

    def known(self, piece: str) -> bool:
        return self.doc_frequency(piece) > 0

    def doc_frequency(self, term: str) -> int:
        return int(self.searcher.doc_frequency(WEIGHTED, language_term(self.lang, term)))

    def idf(self, term: str) -> int:
        return idf(self.docs, self.doc_frequency(term))

    def scores(self, term: str) -> dict[int, int]:
        if term not in self._scores:
            key = language_term(self.lang, term)
            weight = self.idf(term)
            ids, weights = postings(self.reader, WEIGHTED, key)
            self._scores[term] = {doc: weight * int(w) for doc, w in zip(ids, weights, strict=True)}
        return self._scores[term]

    def expand(self, prefix: str) -> list[str]:
        head = language_term(self.lang, "")
        found = self.reader.expand_prefix(WEIGHTED, head + prefix)
        return [term.decode("utf-8")[len(head) :] for term in found]

    def pair_docs(self, pair: str) -> set[int]:
        return set(postings(self.reader, PAIRS, language_term(self.lang, pair))[0])

    def stored(self, doc: int) -> Mapping[str, Any]:
        if doc not in self._stored:
            self._stored[doc] = self.searcher.stored_fields(doc)
        return self._stored[doc]

    def tiebreak(self, doc: int) -> tuple[str, str, int]:
        # documents of one page keep their order in the index: the number follows the page
        stored = self.stored(doc)
        return (stored["url"], stored["section"], doc)


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
        """The index, created when missing or unreadable; call with the file lock held."""
        with self._lock:
            if self._ix is None:
                folder = str(self.folder)
                try:
                    self._ix = whoosh_index.open_dir(folder)
                except whoosh_index.EmptyIndexError:
                    self._ix = self._create()
                except Exception:  # a half-written or foreign index is rebuilt, not served
                    log.warning("search index in %s unreadable: rebuilding it", folder)
                    self._ix = self._create()
            return self._ix

    def _create(self) -> Any:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / AVERAGES_FILE).unlink(missing_ok=True)
        return whoosh_index.create_in(str(self.folder), make_schema())

    def sync(self, site: Site) -> dict[str, int]:
        """Bring the index in line with the site: (re)index changed pages, drop removed ones."""
        with self._write_lock, self._file_lock():
            ix = self._open()
            stale, removed, averages, wanted = self._plan(ix, site)
            if stale or removed:
                self._rewrite(ix, site, stale, removed, averages)
            return {"updated": len(stale), "removed": len(removed), "pages": len(wanted)}

    def pending(self, site: Site) -> int:
        """How many pages a sync would (re)index now (every page for a new index)."""
        with self._write_lock, self._file_lock():
            stale, removed, _, _ = self._plan(self._open(), site)
            return len(stale) + len(removed)

    def reopen(self) -> None:
        """Another process wrote the index: read it afresh."""
        with self._lock:
            self._ix = None
            self._searcher = None

    def _plan(
        self, ix: Any, site: Site
    ) -> tuple[list[Entry], list[str], dict[str, dict[str, float]] | None, dict[str, Entry]]:
        """The pages to (re)index, those to drop, the stored averages, the pages wanted."""
        with ix.searcher() as searcher:
            indexed = {f["page"]: f["digest"] for f in searcher.all_stored_fields()}
        wanted = {page_key(e): e for e in site.all_entries()}
        stale = [
            entry for key, entry in wanted.items() if indexed.get(key) != site.render_key(entry)
        ]
        removed = [key for key in indexed if key not in wanted]
        averages = self._load_averages()
        if averages is None:  # a new index (or its averages were lost): weigh every page
            stale = list(wanted.values())
        return stale, removed, averages, wanted

    def _rewrite(
        self,
        ix: Any,
        site: Site,
        stale: list[Entry],
        removed: list[str],
        averages: dict[str, dict[str, float]] | None,
    ) -> None:
        measured = averages is None
        if averages is None:
            # A pass of its own, so that no more than one page's analysis is held at a time
            # (words are memoized: the second analysis costs little).
            averages = measure_averages(
                (doc.lang, terms.fields)
                for entry in stale
                for doc, terms in analyzed_documents(site, entry)
            )
        writer = ix.writer(procs=1, limitmb=WRITER_MB)
        for key in removed:
            writer.delete_by_term("page", key)
        for entry in stale:
            self._write_page(writer, entry, analyzed_documents(site, entry), averages)
        writer.commit()
        if measured:
            self._save_averages(averages)
        self._forget_searcher()
        clear_memos()  # the word memos speed a full indexing, then only cost memory
        clear_texts()

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
        docs: list[tuple[SearchDoc, DocTerms]],
        averages: Mapping[str, Mapping[str, float]],
        replace: bool = True,
    ) -> None:
        if replace:
            writer.delete_by_term("page", page_key(entry))
        lengths = averages.get(entry.lang) or average_lengths(terms.fields for _, terms in docs)
        profile = profile_for(entry.lang)
        for doc, terms in docs:
            weights = stored_weights(terms.fields, lengths)
            writer.add_document(
                id=doc.id,
                page=doc.page,
                lang=doc.lang,
                digest=doc.digest,
                url=doc.url,
                page_title=doc.page_title,
                section=doc.section,
                body=doc.body,
                **{
                    WEIGHTED: [(language_term(doc.lang, t), w) for t, w in weights.items()],
                    PAIRS: [(language_term(doc.lang, pair), 1) for pair in sorted(terms.pairs)],
                    SPELLING: spelling_words(doc, profile),
                },
            )

    def _current_searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                if self._ix is None:
                    with self._file_lock():
                        self._open()
                self._searcher = self._ix.searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def search(self, raw: str, lang: str = "en", limit: int = 10) -> SearchResult:
        """Answer a query in one language, or in every language ("all"): see
        docsite.search.query for what answers and in which order."""
        text = clean_query(raw)
        limit = max(1, min(int(limit), MAX_LIMIT))
        result = SearchResult(query=text, total=0)
        if not text:
            return result
        # One search at a time per process: a whoosh searcher reads its files by seek-and-read,
        # so two threads searching with it at once read each other's positions (a threaded
        # `serve` got "UnpicklingError: invalid load key"). Writers never hold this for long.
        with self._lock:
            searcher = self._current_searcher()
            if lang == "all":
                languages = sorted(t.decode("utf-8") for t in searcher.lexicon("lang"))
            else:
                languages = [lang]
            sources = [LanguageIndex(searcher, code) for code in languages]
            asked = corrected = False
            for source in sources:
                found = self._search_language(source, text, limit, result)
                asked = asked or found is not None
                corrected = corrected or (found is not None and found.corrected)
            result.results = sorted(result.results, key=hit_order)[:limit]
            if (asked and not result.total) or corrected:
                result.suggestion = suggest(searcher, sources, text)
        return result

    @staticmethod
    def _search_language(
        source: LanguageIndex, text: str, limit: int, out: SearchResult
    ) -> Answer | None:
        """Add one language's answer to `out`; None when the query asks for nothing there."""
        parsed = parse_query(text, source.lang, source.known)
        if parsed.empty:
            return None
        found = answer(parsed, source, limit)
        out.total += found.total
        out.partial = max(out.partial, found.partial)
        marks = highlighter(found.terms, parsed.words)
        for score, doc in found.top:
            out.results.append(make_hit(source.stored(doc), marks, score))
        return found


def analyzed_documents(site: Site, entry: Entry) -> list[tuple[SearchDoc, DocTerms]]:
    return [(doc, analyze_doc(doc)) for doc in documents(site, entry)]


def make_hit(stored: Mapping[str, Any], marks: re.Pattern[str] | None, score: int) -> Hit:
    return Hit(
        url=stored["url"],
        title=stored["page_title"],
        section=stored["section"],
        snippet=make_snippet(stored["body"], marks),
        lang=stored["lang"],
        score=display_score(score),
        rank=score,
    )


def suggest(searcher: Searcher, sources: list[LanguageIndex], text: str) -> str | None:
    """A "did you mean" from the words of the index as written, when a word is unknown."""
    corrector = searcher.corrector(SPELLING)
    parsed = parse_query(text, sources[0].lang, sources[0].known)
    changed = False
    out: list[str] = []
    for word in parsed.words:
        known = any(_known_word(source, word) for source in sources)
        if known or is_cjk(word):
            out.append(word)
            continue
        options = corrector.suggest(word.lower().removeprefix("@"), limit=1)
        if options:
            out.append(options[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def _known_word(source: LanguageIndex, word: str) -> bool:
    terms = source.profile.query_terms(word, source.known)
    return bool(terms) and all(source.doc_frequency(t) for t in terms)
