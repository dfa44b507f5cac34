"""Queries: how a query is read, which documents answer it and in which order.

This is the one definition of search that the server (docsite.search.server) and the frozen
site (themes/default/static/js/static-search.js) both implement:

1. Cleaning (`clean_query`): NFKC; control characters, zero-width and direction marks become
   spaces and other invisible characters (Unicode category C) go; whitespace collapses to one
   space; at most 200 characters (code points).
2. Parsing (`parse_query`): "quoted text" is a phrase, a space-separated word ending in * with
   at least two characters before it that form one token is a prefix (lower-cased, without
   "@", not stemmed), everything else is loose words. Phrases and loose words are analysed by
   the language's profile (`Profile.query_terms`: CJK runs segmented against the index's own
   words). A phrase of one term is a loose term; loose terms are distinct, in the order typed,
   at most 12, without the terms of a phrase; at most 4 phrases of at most 12 terms, and 4
   distinct prefixes.
3. Clauses: a loose term matches the documents that hold it and scores idf(t) * W(t, d) in
   them (docsite.search.ranking); a prefix matches the documents holding any term that starts
   with it and scores the best such term; a phrase matches the documents that hold each of its
   terms and each pair of its consecutive terms next to each other (`Profile.phrase_terms`),
   and scores the sum of its distinct terms.
4. The fallback chain (`plans`), tried in turn until one matches something:
   every clause; then, while more than two loose terms remain, the same without the most
   common loose term (a term no document holds counts as the most common, so it goes first),
   with every phrase and prefix; last, any one of the three rarest loose terms, phrases and
   prefixes. Rarity is the number of documents of the language that hold the term, ties in
   the order typed. The chain stops after the first plan when there is only one clause.
5. A document's score is the sum of the scores of the clauses it matches (integers); the
   answer is the documents of the first plan that matches, `total` of them, ordered by score,
   highest first, then by URL and section title (code point order), then by position in the
   page; the first `limit` of that order are returned, so a shorter limit gives a prefix of a
   longer one.
6. Over all languages (those the index holds), each language answers on its own, with its
   own analysis and chain; the answers are merged in the same order and cut to `limit`, and
   the totals add up.
"""

from __future__ import annotations

import heapq
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

from docsite.search.analysis import CJK_RUN_RE, WORD_RE, Profile, profile_for
from docsite.search.documents import pair_term

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_PHRASES = 4
MAX_PREFIXES = 4
MAX_LIMIT = 50
OR_WORDS = 3  # the last plan: any of this many rarest words

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_PHRASE_RE = re.compile(r'"([^"]*)"')


def clean_query(raw: str) -> str:
    """Any input -> a bounded, printable query string."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _CONTROL_RE.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_CHARS]


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # loose terms, distinct
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the reader's loose words, for suggestions

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefixes)

    def highlight_terms(self) -> set[str]:
        terms = set(self.terms) | set(self.prefixes)
        for phrase in self.phrases:
            terms.update(phrase)
        return terms


def parse_query(
    text: str, lang: str = "en", known: Callable[[str], bool] | None = None
) -> ParsedQuery:
    """A cleaned query, analysed for the documents of one language (`known`: see
    `Profile.query_terms`)."""
    profile = profile_for(lang)
    parsed = ParsedQuery()
    loose: list[str] = []
    for quoted in _PHRASE_RE.findall(text):
        terms = profile.query_terms(quoted, known)
        if len(terms) > 1:
            parsed.phrases.append(terms[:MAX_TERMS])
        else:
            loose.extend(terms)
    rest = _PHRASE_RE.sub(" ", text).replace('"', " ")
    for raw in rest.split():
        prefix = _prefix(raw)
        if prefix:
            parsed.prefixes.append(prefix)
            continue
        parsed.words.extend(WORD_RE.findall(raw))
        loose.extend(profile.query_terms(raw, known))
    parsed.phrases = parsed.phrases[:MAX_PHRASES]
    in_phrases = {term for phrase in parsed.phrases for term in phrase}
    parsed.terms = [t for t in dict.fromkeys(loose) if t not in in_phrases][:MAX_TERMS]
    parsed.prefixes = list(dict.fromkeys(parsed.prefixes))[:MAX_PREFIXES]
    return parsed


def _prefix(raw: str) -> str:
    """The prefix a word asks for (blue* -> blue), or ""."""
    stem = raw.rstrip("*")
    if stem == raw or len(stem) < 2 or not WORD_RE.fullmatch(stem):
        return ""
    return stem.lower().removeprefix("@")


# --- answering --------------------------------------------------------------------------------


class TermSource(Protocol):
    """What answering a query needs from an index of one language."""

    profile: Profile

    def doc_frequency(self, term: str) -> int: ...

    def scores(self, term: str) -> dict[int, int]:
        """idf(t) * W(t, d) for every document d holding the term."""
        ...

    def expand(self, prefix: str) -> list[str]:
        """The terms of the index that start with a prefix."""
        ...

    def pair_docs(self, pair: str) -> set[int]:
        """The documents where two terms ("a b", `pair_term`) follow each other."""
        ...

    def tiebreak(self, doc: int) -> Any:
        """(URL, section title, position) of a document: orders documents of equal score."""
        ...


@dataclass
class Answer:
    total: int
    top: list[tuple[int, int]]  # (score, document), best first
    plan: int = 0  # which plan of the chain answered (0: every clause)


def plans(
    parsed: ParsedQuery, doc_frequency: Callable[[str], int]
) -> Iterator[tuple[str, list[str]]]:
    """The fallback chain: ("and" or "or", the loose terms it combines with every phrase and
    prefix), in the order to try them (see the module's docstring, step 4)."""
    words = parsed.terms
    yield "and", words
    if len(words) + len(parsed.phrases) + len(parsed.prefixes) < 2:
        return
    frequency = {t: doc_frequency(t) for t in words}
    ranked = sorted(words, key=lambda t: (frequency[t] == 0, frequency[t], words.index(t)))
    for keep in range(len(ranked) - 1, 1, -1):
        yield "and", ranked[:keep]
    yield "or", ranked[:OR_WORDS]


def answer(parsed: ParsedQuery, source: TermSource, limit: int) -> Answer:
    """The documents of the first plan that matches, and the best `limit` of them."""
    others = [phrase_scores(source, p) for p in parsed.phrases]
    others += [prefix_scores(source, p) for p in parsed.prefixes]
    for number, (mode, words) in enumerate(plans(parsed, source.doc_frequency)):
        clauses = [source.scores(t) for t in words] + others
        combined = intersect(clauses) if mode == "and" else union(clauses)
        if combined:
            return Answer(len(combined), select_top(combined, limit, source.tiebreak), number)
    return Answer(0, [])


def phrase_scores(source: TermSource, phrase: list[str]) -> dict[int, int]:
    scores = intersect([source.scores(t) for t in dict.fromkeys(phrase)])
    for first, second in pairwise(phrase):
        if not scores:
            break
        docs = source.pair_docs(pair_term(first, second))
        scores = {d: s for d, s in scores.items() if d in docs}
    return scores


def prefix_scores(source: TermSource, prefix: str) -> dict[int, int]:
    best: dict[int, int] = {}
    for term in source.expand(prefix):
        for doc, score in source.scores(term).items():
            if score > best.get(doc, 0):
                best[doc] = score
    return best


def intersect(clauses: list[dict[int, int]]) -> dict[int, int]:
    if not clauses:
        return {}
    ordered = sorted(clauses, key=len)
    combined = dict(ordered[0])
    for other in ordered[1:]:
        combined = {d: s + w for d, s in combined.items() if (w := other.get(d)) is not None}
    return combined


def union(clauses: Iterable[dict[int, int]]) -> dict[int, int]:
    combined: dict[int, int] = {}
    for clause in clauses:
        for doc, score in clause.items():
            combined[doc] = combined.get(doc, 0) + score
    return combined


def select_top(
    scores: dict[int, int], limit: int, tiebreak: Callable[[int], Any]
) -> list[tuple[int, int]]:
    """The first `limit` documents by (score, highest first; then `tiebreak`). Only the
    documents that score at least the limit-th best score need their tie-break key."""
    if len(scores) > limit:
        floor = heapq.nlargest(limit, scores.values())[-1]
        candidates = [d for d, s in scores.items() if s >= floor]
    else:
        candidates = list(scores)
    candidates.sort(key=lambda d: (-scores[d], tiebreak(d)))
    return [(scores[d], d) for d in candidates[:limit]]


def hit_order(hit: Hit) -> tuple[int, str, str]:
    """Hits of several languages, merged: the order of `select_top`."""
    return (-hit.rank, hit.url, hit.section)


SNIPPET_CHARS = 180


def highlighter(terms: set[str], words: list[str]) -> re.Pattern[str] | None:
    """One pattern for a query's matches: the reader's words and the index terms (stems) at
    the start of a word, running to its end (blueprint -> Blueprints), and Chinese words."""
    probes = {w.lower().lstrip("@") for w in words} | terms
    latin = sorted((p for p in probes if p and not CJK_RUN_RE.match(p)), key=len, reverse=True)
    cjk = sorted((p for p in probes if p and CJK_RUN_RE.match(p)), key=len, reverse=True)
    parts = [rf"(?<![\w]){re.escape(p)}\w*" for p in latin] + [re.escape(p) for p in cjk]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def make_snippet(text: str, pattern: re.Pattern[str] | None) -> str:
    """An escaped excerpt around the first match, with <mark> around every match in it."""
    if not text:
        return ""
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    if start:
        space = text.rfind(" ", max(0, start - 15), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    out: list[str] = ["…" if start else ""]
    cursor = start
    for match in pattern.finditer(text, start, end) if pattern else ():
        out.append(html.escape(text[cursor : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        cursor = match.end()
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out).replace("\n", " ")


@dataclass
class Hit:
    url: str
    title: str
    section: str
    snippet: str
    lang: str
    score: float
    rank: int = 0  # the integer score that orders hits (`score` shows it to people)

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "section": self.section,
            "snippet": self.snippet,
            "lang": self.lang,
        }


@dataclass
class SearchResult:
    query: str
    total: int
    results: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    fallback: int = 0  # the furthest plan of the fallback chain a language needed (not in JSON)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "results": [hit.as_dict() for hit in self.results],
            "suggestion": self.suggestion,
        }
