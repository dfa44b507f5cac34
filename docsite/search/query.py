"""Queries: how a query is read, which documents answer it and in which order.

This is the one definition of search that the server (docsite.search.server) and the frozen
site (themes/default/static/js/static-search.js) both implement:

1. Cleaning (`clean_query`): NFKC (full-width letters, digits and punctuation become ASCII);
   quotation marks (“ ” „ ‟ 「 」 『 』 〝 〞) become '"'; control characters, zero-width and
   direction marks become spaces and other invisible characters (Unicode category C) go;
   whitespace collapses to one space; at most 200 characters (code points).
2. Parsing (`parse_query`): "quoted text" is a phrase, a space-separated word ending in * with
   at least two characters before it that form one token is a prefix (lower-cased, without
   "@", not stemmed), everything else is loose words. Phrases and loose words are analysed by
   the language's profile (`Profile.query_terms`: CJK runs segmented against the index's own
   words, stop words and question words left out). A phrase of one term is a loose term; loose
   terms are distinct, in the order typed, at most 12, without the terms of a phrase; at most 4
   phrases of at most 12 terms, and 4 distinct prefixes. A CJK loose term of two characters or
   more has sub-words (`Profile.subwords`): 配置文件 -> 配置, 文件. A term typed alone in quotes
   is "quoted": as it is, not corrected and not loosened into its sub-words.
3. Clauses: each loose term, phrase and prefix is a clause, which gives some documents a score
   and has a weight:
   - a loose term t scores idf(t) * W(t, d) in the documents that hold it (docsite.search.ranking).
     With two sub-words or more it also scores, in a document that holds them all, the sum of
     theirs, where each follows the one before (the word written in other pieces) or, unless
     it is quoted, where every sub-word has two characters or more (配置 and 文件 anywhere: a
     compound finds its parts, as jieba's search mode indexes them). A term with letters that
     no document holds, not CJK and not quoted, scores half the best score of its corrections
     (docsite.search.fuzzy). A document scores the best of these. Weight: idf(t), or for a
     term no document holds the highest idf of its corrections and sub-words (0 without any);
   - a phrase matches the documents that hold each of its terms and each pair of its
     consecutive terms next to each other (`Profile.phrase_terms`), and scores the sum of its
     distinct terms. Weight: the sum of their idf;
   - a prefix matches the documents holding any term that starts with it and scores the best
     such term. Weight: the lowest idf of those terms (0 without any).
4. Coverage (`coverage`): the documents that any clause matches, each scored by the sum S of
   the scores of the clauses it matches times the weight C of those clauses, over the weight T
   of all the clauses: S * C // T (integer division; S when T is 0). A document that matches
   every clause scores S; one that answers less of the query's weight scores less, and no word
   of a question is simply dropped. `partial` says that no document matches every clause.
5. The answer is those documents, `total` of them, ordered by score, highest first, then by URL
   and section title (code point order), then by position in the page; the first `limit` of
   that order are returned, so a shorter limit gives a prefix of a longer one.
6. Over all languages (those the index holds), each language answers on its own, with its
   own analysis; the answers are merged in the same order and cut to `limit`, and
   the totals add up.

Snippets are defined in docsite.search.snippets.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

from docsite.search.analysis import CJK_RUN_RE, WORD_RE, Profile, profile_for
from docsite.search.documents import pair_term
from docsite.search.fuzzy import corrections

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_PHRASES = 4
MAX_PREFIXES = 4
MAX_LIMIT = 50

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_QUOTES_RE = re.compile("[\u201c\u201d\u201e\u201f\u300c\u300d\u300e\u300f\u301d\u301e]")
_PHRASE_RE = re.compile(r'"([^"]*)"')


def clean_query(raw: str) -> str:
    """Any input -> a bounded, printable query string."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _QUOTES_RE.sub('"', _CONTROL_RE.sub(" ", text))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_CHARS]


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # loose terms, distinct
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the reader's words, for marks, suggestions
    subwords: dict[str, list[str]] = field(default_factory=dict)  # of CJK loose terms
    quoted: set[str] = field(default_factory=set)  # loose terms typed in quotes: as they are

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefixes)


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
        parsed.words.extend(WORD_RE.findall(quoted))
        if len(terms) > 1:
            parsed.phrases.append(terms[:MAX_TERMS])
        else:
            loose.extend(terms)
            parsed.quoted.update(terms)
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
    for term in parsed.terms:
        parts = profile.subwords(term, known)
        if len(parts) > 1:
            parsed.subwords[term] = parts
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

    def idf(self, term: str) -> int:
        """idf(t) (docsite.search.ranking) of a term some document holds."""
        ...

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
class Clause:
    """What one part of a query (a loose term, a phrase, a prefix) matches."""

    scores: dict[int, int]  # document -> score
    weight: int  # how much of the query it is (step 4)
    terms: list[str] = field(default_factory=list)  # the index terms it stands for, for marks
    corrected: bool = False  # it matches documents through the corrections of a typo


@dataclass
class Answer:
    total: int
    top: list[tuple[int, int]]  # (score, document), best first
    partial: int = 0  # 1 when no document matches every clause
    terms: set[str] = field(default_factory=set)  # the index terms the query stands for
    corrected: bool = False  # a word was read as its corrections


def clauses(parsed: ParsedQuery, source: TermSource) -> list[Clause]:
    """The clauses of a query, loose terms first, then phrases, then prefixes."""
    found = [
        term_clause(source, t, parsed.subwords.get(t, []), t in parsed.quoted) for t in parsed.terms
    ]
    found += [phrase_clause(source, phrase) for phrase in parsed.phrases]
    found += [prefix_clause(source, prefix) for prefix in parsed.prefixes]
    return found


def term_clause(source: TermSource, term: str, parts: list[str], quoted: bool) -> Clause:
    alternatives = [source.scores(term)]
    others = list(parts)
    corrected = False
    if parts:
        alternatives.append(phrase_scores(source, parts))
        if not quoted and all(len(part) > 1 for part in parts):
            alternatives.append(intersect([source.scores(p) for p in parts]))
    elif not (quoted or alternatives[0] or CJK_RUN_RE.match(term)) and _has_letter(term):
        others = corrections(term, source.expand(term[:1]), source.doc_frequency)
        alternatives.append(halved(best_of([source.scores(t) for t in others])))
        corrected = bool(alternatives[-1])
    if source.doc_frequency(term):
        weight = source.idf(term)
    else:
        weight = max((source.idf(t) for t in others if source.doc_frequency(t)), default=0)
    return Clause(best_of(alternatives), weight, [term, *others], corrected)


def _has_letter(term: str) -> bool:
    return any(ch.isalpha() for ch in term)


def phrase_clause(source: TermSource, phrase: list[str]) -> Clause:
    weight = sum(source.idf(t) for t in dict.fromkeys(phrase) if source.doc_frequency(t))
    return Clause(phrase_scores(source, phrase), weight, list(phrase))


def prefix_clause(source: TermSource, prefix: str) -> Clause:
    expanded = source.expand(prefix)
    weight = min((source.idf(t) for t in expanded), default=0)
    return Clause(best_of([source.scores(t) for t in expanded]), weight, [prefix])


def phrase_scores(source: TermSource, phrase: list[str]) -> dict[int, int]:
    scores = intersect([source.scores(t) for t in dict.fromkeys(phrase)])
    for first, second in pairwise(phrase):
        if not scores:
            break
        docs = source.pair_docs(pair_term(first, second))
        scores = {d: s for d, s in scores.items() if d in docs}
    return scores


def answer(parsed: ParsedQuery, source: TermSource, limit: int) -> Answer:
    """The documents that answer a query (the module's docstring, steps 3 to 5)."""
    found = clauses(parsed, source)
    terms = {term for clause in found if clause.scores for term in clause.terms}
    scores, complete = coverage(found)
    top = select_top(scores, limit, source.tiebreak)
    partial = 0 if complete or not scores else 1
    return Answer(len(scores), top, partial, terms, any(c.corrected for c in found))


def coverage(found: list[Clause]) -> tuple[dict[int, int], bool]:
    """The documents any clause matches, scored S * C // T, and whether one of them matches
    every clause (the module's docstring, step 4)."""
    total = sum(clause.weight for clause in found)
    sums: dict[int, int] = {}
    covered: dict[int, int] = {}
    matched: dict[int, int] = {}
    for clause in found:
        for doc, score in clause.scores.items():
            sums[doc] = sums.get(doc, 0) + score
            covered[doc] = covered.get(doc, 0) + clause.weight
            matched[doc] = matched.get(doc, 0) + 1
    complete = len(found) in matched.values()
    if not total:
        return sums, complete
    return {doc: score * covered[doc] // total for doc, score in sums.items()}, complete


def intersect(clauses: list[dict[int, int]]) -> dict[int, int]:
    if not clauses:
        return {}
    ordered = sorted(clauses, key=len)
    combined = dict(ordered[0])
    for other in ordered[1:]:
        combined = {d: s + w for d, s in combined.items() if (w := other.get(d)) is not None}
    return combined


def best_of(alternatives: Iterable[dict[int, int]]) -> dict[int, int]:
    """Each document's best score among some alternatives."""
    best: dict[int, int] = {}
    for scores in alternatives:
        for doc, score in scores.items():
            if score > best.get(doc, 0):
                best[doc] = score
    return best


def halved(scores: dict[int, int]) -> dict[int, int]:
    return {doc: max(1, score // 2) for doc, score in scores.items()}


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
    partial: int = 0  # 1 when, in some language, no document matches every clause (not in JSON)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "results": [hit.as_dict() for hit in self.results],
            "suggestion": self.suggestion,
        }
