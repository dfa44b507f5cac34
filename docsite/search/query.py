"""Queries: cleaning, parsing, the fallback plans, highlighting and snippets, results."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as Q

from docsite.search.analysis import _CJK_RUN_RE, WORD_RE, analyze
from docsite.search.documents import FIELDS
from docsite.search.ranking import WEIGHTED, weighted_term

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_LIMIT = 50


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def clean_query(raw: str) -> str:
    """Any input -> a bounded, printable query string."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = _CONTROL_RE.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_CHARS]


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # analyzed terms, each must match
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the reader's words, for suggestions
    languages: tuple[str, ...] = ("en",)  # whose documents words are searched in

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefixes)

    def _clauses(self) -> list[Q.Query]:
        clauses = [self._term_clause(term) for term in dict.fromkeys(self.terms)]
        for phrase in self.phrases:
            clauses.append(Q.Or([Q.Phrase(f, phrase) for f in ("title", "section", "body")]))
        for prefix in self.prefixes:
            clauses.append(Q.Or([Q.Prefix(f, prefix) for f in FIELDS]))
        return clauses

    def plans(self, doc_frequency: Callable[[str, str], int]) -> Iterator[tuple[str, list[str]]]:
        """The searches to try in turn: ("and" or "or", the words it combines with every
        phrase and prefix). All words first. When nothing has them all, leave out the most
        common word and try again; last, any of the three rarest words."""
        yield "and", list(dict.fromkeys(self.terms))
        if len(dict.fromkeys(self.terms)) + len(self.phrases) + len(self.prefixes) < 2:
            return
        words = self._words_by_rarity(doc_frequency)
        for keep in range(len(words) - 1, 1, -1):
            yield "and", words[:keep]
        yield "or", words[:3]

    def queries(self, doc_frequency: Callable[[str, str], int]) -> Iterator[Q.Query]:
        """The plans as whoosh queries."""
        for mode, words in self.plans(doc_frequency):
            clauses = [self._term_clause(t) for t in words] + self._other_clauses()
            if mode == "or":
                yield Q.Or(clauses)
            else:
                yield Q.And(clauses) if len(clauses) > 1 else clauses[0]

    def _words_by_rarity(self, doc_frequency: Callable[[str, str], int]) -> list[str]:
        """`doc_frequency(field, term)`: in how many documents a term is."""
        terms = list(dict.fromkeys(self.terms))

        def frequency(term: str) -> int:
            keys = (weighted_term(lang, term) for lang in self.languages)
            return sum(doc_frequency(WEIGHTED, key) for key in keys)

        return sorted(terms, key=lambda t: (frequency(t), terms.index(t)))

    def _term_clause(self, term: str) -> Q.Query:
        clauses = [Q.Term(WEIGHTED, weighted_term(lang, term)) for lang in self.languages]
        return clauses[0] if len(clauses) == 1 else Q.Or(clauses) if clauses else Q.NullQuery

    def _other_clauses(self) -> list[Q.Query]:
        return self._clauses()[len(dict.fromkeys(self.terms)) :]

    def highlight_terms(self) -> set[str]:
        terms = set(self.terms) | set(self.prefixes)
        for phrase in self.phrases:
            terms.update(phrase)
        return terms


_PHRASE_RE = re.compile(r'"([^"]*)"')


def parse_query(text: str) -> ParsedQuery:
    """Words, "quoted phrases" and prefix* words; anything else is just text."""
    parsed = ParsedQuery()
    for phrase in _PHRASE_RE.findall(text):
        terms = analyze(phrase)
        if len(terms) > 1:
            parsed.phrases.append(terms[:MAX_TERMS])
        else:
            parsed.terms.extend(terms)
    rest = _PHRASE_RE.sub(" ", text).replace('"', " ")
    for raw_word in rest.split():
        if raw_word.endswith("*") and len(raw_word.rstrip("*")) >= 2:
            stem = raw_word.rstrip("*").lower()
            if WORD_RE.fullmatch(stem):
                parsed.prefixes.append(stem.lstrip("@"))
                continue
        parsed.words.extend(m.group() for m in WORD_RE.finditer(raw_word))
        parsed.terms.extend(analyze(raw_word))
    parsed.terms = parsed.terms[:MAX_TERMS]
    parsed.prefixes = parsed.prefixes[:4]
    parsed.phrases = parsed.phrases[:4]
    return parsed


SNIPPET_CHARS = 180


def highlighter(terms: set[str], words: list[str]) -> re.Pattern[str] | None:
    """One pattern for a query's matches: the reader's words and the index terms (stems) at
    the start of a word, running to its end (blueprint -> Blueprints), and Chinese words."""
    probes = {w.lower().lstrip("@") for w in words} | terms
    latin = sorted((p for p in probes if p and not _CJK_RUN_RE.match(p)), key=len, reverse=True)
    cjk = sorted((p for p in probes if p and _CJK_RUN_RE.match(p)), key=len, reverse=True)
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "results": [hit.as_dict() for hit in self.results],
            "suggestion": self.suggestion,
        }
