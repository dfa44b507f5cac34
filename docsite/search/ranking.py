"""How a document is scored: one definition for the server and the frozen site.

A term's weight in a document is BM25F, computed when indexing and kept in the index:

    w(t, d) = sum over fields f of  boost_f * tf * (K1 + 1) / (tf + K1 * norm_f)
    norm_f  = 1 - b_f + b_f * length_f(d) / average length_f (over the documents of d's language)

and stored as an integer, W(t, d) = max(1, round(100 * w)). The average length of a field is
its mean over the documents snapped to a grid of 32 steps per doubling (within 1.1% of the
mean), as Lucene keeps lengths to a byte: an edit moves the mean a little, and a mean that stays
on its step leaves every other document's weights as they were, so an index is updated by
re-weighing the edited documents alone. A term's idf among the N documents
of its language, df of which hold it, is also an integer:

    idf(t) = max(1, round(100 * ln(1 + (N - df + 0.5) / (df + 0.5))))

A document's score for a query is a sum of integers, idf(t) * W(t, d) for each term the query
matches in it (see docsite.search.query for which terms that is), so the server (Python) and
the static search (JavaScript) add up exactly the same numbers and order results identically.
The server computes idf from its index when it searches, the static index writes it next to each
term's postings; both count a fresh index's documents the same way.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from docsite.search.documents import FIELDS

FIELD_BOOSTS = {
    "title": 4.0,
    "summary": 1.5,
    "topic": 2.0,
    "section": 2.5,
    "breadcrumb": 1.0,
    "body": 1.0,
    "code": 1.5,
}
# BM25F length normalization per field: names and headings are short by nature, and most
# section documents have no title at all, so those fields are barely normalized.
K1 = 1.2
FIELD_B = {
    "title": 0.0,
    "summary": 0.2,
    "topic": 0.0,
    "section": 0.2,
    "breadcrumb": 0.2,
    "body": 0.75,
    "code": 0.75,
}
# An identifier where it is named (a page's title, a heading) is what the section is
# about; in prose it is a mention.
NAMING_FIELDS = frozenset({"title", "topic", "section"})
IDENTIFIER_BOOST = 2.0
WEIGHT_SCALE = 100
IDF_SCALE = 100


def average_lengths(counts: Iterable[Mapping[str, Counter[str]]]) -> dict[str, float]:
    """The mean length of each field over some documents (1.0 for a field always empty)."""
    totals = dict.fromkeys(FIELDS, 0)
    docs = 0
    for per_field in counts:
        docs += 1
        for name in FIELDS:
            totals[name] += per_field[name].total()
    return _means(totals, docs)


def measure_averages(
    docs: Iterable[tuple[str, Mapping[str, Counter[str]]]],
) -> dict[str, dict[str, float]]:
    """Per language, the mean length of each field over (language, field counts) documents.

    One pass that keeps only sums, so the documents can be analysed as they stream by.
    """
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    count: Counter[str] = Counter()
    for lang, counts in docs:
        count[lang] += 1
        for name in FIELDS:
            totals[lang][name] += counts[name].total()
    return {lang: _means(sums, count[lang]) for lang, sums in totals.items()}


def _means(totals: Mapping[str, int], docs: int) -> dict[str, float]:
    return {name: mean_length(totals[name], docs) for name in FIELDS}


LENGTH_STEPS = 32  # steps of the average lengths' grid per doubling


def mean_length(total: int, docs: int) -> float:
    """A field's average length: `total / docs` on the grid (1.0 for a field always empty)."""
    if not total:
        return 1.0
    return float(2 ** (round(math.log2(total / docs) * LENGTH_STEPS) / LENGTH_STEPS))


def bm25f_weights(
    counts: Mapping[str, Mapping[str, int]], averages: Mapping[str, float]
) -> dict[str, float]:
    """Each term's BM25F weight in one document, before idf: summed over the fields, the
    field's boost times its saturated, length-normalized term frequency. `counts`: each
    field's terms with their frequencies (Counters, or plain dicts)."""
    weights: dict[str, float] = defaultdict(float)
    for name in FIELDS:
        counter = counts[name]
        b = FIELD_B[name]
        norm = 1 - b + b * sum(counter.values()) / averages[name]
        naming = name in NAMING_FIELDS
        for term, tf in counter.items():
            boost = FIELD_BOOSTS[name]
            if naming and is_identifier(term):
                boost *= IDENTIFIER_BOOST
            weights[term] += boost * tf * (K1 + 1) / (tf + K1 * norm)
    return weights


def is_identifier(term: str) -> bool:
    """A term that names something in code (url_for, app.route, flask.json.provider)."""
    return "_" in term or "." in term or ":" in term


def stored_weights(
    counts: Mapping[str, Mapping[str, int]], averages: Mapping[str, float]
) -> dict[str, int]:
    """W(t, d) of every term of a document: its BM25F weight as the index keeps it."""
    return {
        term: max(1, round(weight * WEIGHT_SCALE))
        for term, weight in bm25f_weights(counts, averages).items()
    }


def idf(doc_count: int, doc_frequency: int) -> int:
    """idf(t) of a term that `doc_frequency` of `doc_count` documents hold."""
    raw = math.log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))
    return max(1, round(raw * IDF_SCALE))


def display_score(score: int) -> float:
    """A score as a number near BM25F's own scale (for people; ordering uses the integer)."""
    return score / (WEIGHT_SCALE * IDF_SCALE)
