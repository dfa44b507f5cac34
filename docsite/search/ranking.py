"""How a document is weighed: BM25F over its fields, computed when indexing."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from docsite.search.analysis import index_terms
from docsite.search.documents import FIELDS, SearchDoc, documents
from docsite.site import Entry, Site

FIELD_BOOSTS = {
    "title": 4.0,
    "summary": 1.5,
    "section": 2.5,
    "breadcrumb": 1.0,
    "body": 1.0,
    "code": 1.5,
}


# BM25F length normalization per field: names and headings are short by nature, and most
# section documents have no title at all, so those fields are barely normalized. The static
# index of the frozen site scores with the same settings.
K1 = 1.2


FIELD_B = {
    "title": 0.0,
    "summary": 0.2,
    "section": 0.2,
    "breadcrumb": 0.2,
    "body": 0.75,
    "code": 0.75,
}


# Words are matched in one field, WEIGHTED, whose postings carry each word's BM25F weight in
# the document (all six fields summed, computed when indexing): a query is then an
# intersection of plain posting lists, where a match in six fields per word would walk a
# union of six lists for every candidate. Its terms are "<lang> <term>", so a word's
# postings hold one language only and a query needs no language clause. Phrases and
# prefixes still search the fields.
WEIGHTED = "weighted"


def field_counts(doc: SearchDoc) -> dict[str, Counter[str]]:
    """How often each term occurs in each field of a document."""
    return {name: Counter(term for term, _ in index_terms(getattr(doc, name))) for name in FIELDS}


def average_lengths(counts: Iterable[Mapping[str, Counter[str]]]) -> dict[str, float]:
    """The mean length of each field over some documents (1.0 for a field always empty)."""
    totals = dict.fromkeys(FIELDS, 0)
    docs = 0
    for per_field in counts:
        docs += 1
        for name in FIELDS:
            totals[name] += per_field[name].total()
    return _means(totals, docs)


def _means(totals: Mapping[str, int], docs: int) -> dict[str, float]:
    return {name: totals[name] / docs if totals[name] else 1.0 for name in FIELDS}


def bm25f_weights(
    counts: Mapping[str, Counter[str]], averages: Mapping[str, float]
) -> dict[str, float]:
    """Each term's BM25F weight in one document, before idf: summed over the fields, the
    field's boost times its saturated, length-normalized term frequency."""
    weights: dict[str, float] = defaultdict(float)
    for name, counter in counts.items():
        b = FIELD_B[name]
        norm = 1 - b + b * counter.total() / averages[name]
        for term, tf in counter.items():
            weights[term] += FIELD_BOOSTS[name] * tf * (K1 + 1) / (tf + K1 * norm)
    return weights


def idf(doc_count: int, doc_frequency: int) -> float:
    return math.log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def weighted_term(lang: str, term: str) -> str:
    """A term of the WEIGHTED field: the word in documents of one language."""
    return f"{lang} {term}"


@dataclass
class AnalyzedDoc:
    doc: SearchDoc
    counts: dict[str, Counter[str]]  # term frequencies per field


def analyzed_documents(site: Site, entry: Entry) -> list[AnalyzedDoc]:
    return [AnalyzedDoc(doc, field_counts(doc)) for doc in documents(site, entry)]


def measure_averages(docs: Iterable[AnalyzedDoc]) -> dict[str, dict[str, float]]:
    """Per language, the mean length of each field over all the documents.

    One pass that keeps only sums, so the documents can be analyzed as they stream by.
    """
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    count: Counter[str] = Counter()
    for doc in docs:
        lang = doc.doc.lang
        count[lang] += 1
        for name in FIELDS:
            totals[lang][name] += doc.counts[name].total()
    return {lang: _means(sums, count[lang]) for lang, sums in totals.items()}
