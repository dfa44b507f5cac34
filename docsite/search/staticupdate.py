"""The static index of one language, kept between builds and brought up to date in place.

Its terms' stored weights depend on every document (BM25F normalizes by the mean field
lengths of the language), so a page that grows by a sentence changes the mean, and with it the
rounded weight of some postings of other pages. Recomputing every posting for that is what a
rebuild costs; instead, the state kept in the cache lets an update touch only what changes:

- each document's row: what the document chunks show of it, its field lengths, the distinct
  term frequencies of its terms that occur in one field only, its terms that occur in several
  fields, and (marshalled, opened only when needed) its analysis;
- each term's and pair's JSON text as its shard holds it (`"term":[idf,doc,W,…]`).

A posting's weight is a function of (field, frequency, field length, mean lengths) for a term
of one field: when the means change, each row says in a few comparisons which of its postings
change weight, and only their terms' JSON is written again. Documents keep their numbers while
the list of documents (their ids, URLs and sections, in order) stays the same; when it does
not (a page or a section added or removed), every posting is computed again.
"""

from __future__ import annotations

import json
import marshal
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from docsite.search.documents import FIELDS, DocTerms, SearchDoc
from docsite.search.ranking import (
    FIELD_B,
    FIELD_BOOSTS,
    IDENTIFIER_BOOST,
    K1,
    NAMING_FIELDS,
    WEIGHT_SCALE,
    idf,
    is_identifier,
    mean_length,
    stored_weights,
)

EXCERPT_CHARS = 320
CHUNK = 40  # documents per chunk file
CJK_SHARDS = 24
# A document's row (see make_row): id, page, url, page title, section, excerpt, field lengths,
# tfs of one-field plain terms by field, the other terms (in several fields, or identifiers)
# grouped by their (((field, tf), …), identifier), and its analysis (marshalled).
Row = tuple
Group = tuple[tuple[tuple[int, int], ...], bool]
Touched = tuple[frozenset[int], frozenset[str], frozenset[str]]  # chunks, shards, pair shards
ID, PAGE, URL, TITLE, SECTION, EXCERPT, LENGTHS, TFS, MULTI, BLOB = range(10)


def make_row(doc: SearchDoc, terms: DocTerms) -> Row:
    """A document as the index keeps it between builds."""
    fields = [dict(terms.fields[name]) for name in FIELDS]
    seen: Counter[str] = Counter(term for counts in fields for term in counts)
    grouped = {t for t, n in seen.items() if n > 1 or is_identifier(t)}
    tfs = tuple(
        tuple(sorted({tf for term, tf in counts.items() if term not in grouped}))
        for counts in fields
    )
    groups: dict[Group, list[str]] = defaultdict(list)
    for term in sorted(grouped):
        places = tuple((i, fields[i][term]) for i in range(len(FIELDS)) if term in fields[i])
        groups[(places, is_identifier(term))].append(term)
    multi = tuple((group, tuple(terms)) for group, terms in sorted(groups.items()))
    lengths = tuple(sum(counts.values()) for counts in fields)
    blob = marshal.dumps((tuple(fields), tuple(sorted(terms.pairs))))
    excerpt = doc.body[:EXCERPT_CHARS]
    names = (doc.id, doc.page, doc.url, doc.page_title, doc.section, excerpt)
    return (*names, lengths, tfs, multi, blob)


def opened(row: Row) -> tuple[tuple[dict[str, int], ...], tuple[str, ...]]:
    return marshal.loads(row[BLOB])  # type: ignore[no-any-return]


def averages_of(rows: Sequence[Row]) -> tuple[float, ...]:
    """The average length of each field over the documents (ranking.mean_length)."""
    totals = [0] * len(FIELDS)
    for row in rows:
        for i, length in enumerate(row[LENGTHS]):
            totals[i] += length
    return tuple(mean_length(total, len(rows)) for total in totals)


@lru_cache(maxsize=1 << 18)
def weight_of(
    where: tuple[tuple[int, int, int], ...], averages: tuple[float, ...], ident: bool = False
) -> int:
    """W(t, d) of a term found in fields (index, frequency, the field's length in d), ascending
    by field, `ident` when the term is an identifier: the arithmetic of ranking.bm25f_weights
    and stored_weights, step by step (the index's tests compare what it gives with a fresh
    index made by those functions)."""
    weight = 0.0
    for i, tf, length in where:
        name = FIELDS[i]
        b = FIELD_B[name]
        norm = 1 - b + b * length / averages[i]
        boost = FIELD_BOOSTS[name]
        if ident and name in NAMING_FIELDS:
            boost *= IDENTIFIER_BOOST
        weight += boost * tf * (K1 + 1) / (tf + K1 * norm)
    return max(1, round(weight * WEIGHT_SCALE))


def row_weights(row: Row, averages: tuple[float, ...]) -> dict[str, int]:
    """Every term's W in a document (through the ranking itself)."""
    fields, _ = opened(row)
    counts = dict(zip(FIELDS, fields, strict=True))  # each field's term -> frequency
    return stored_weights(counts, dict(zip(FIELDS, averages, strict=True)))


@lru_cache(maxsize=4)
def _moved(old: tuple[float, ...], new: tuple[float, ...]) -> tuple[bool, ...]:
    """Which fields' mean length differs."""
    return tuple(a != b for a, b in zip(old, new, strict=True))


def changed_weights(row: Row, old: tuple[float, ...], new: tuple[float, ...]) -> dict[str, int]:
    """The terms of an unchanged document whose W differs under the new means, with it."""
    lengths = row[LENGTHS]
    moved = _moved(old, new)
    out: dict[str, int] = {}
    for (places, ident), terms in row[MULTI]:
        if not any(moved[i] for i, _ in places):
            continue  # the means of its fields did not change: nor did its weight
        where = tuple((i, tf, lengths[i]) for i, tf in places)
        if (w := weight_of(where, new, ident)) != weight_of(where, old, ident):
            out.update(dict.fromkeys(terms, w))
    flipped = [
        (i, tf)
        for i, tfs in enumerate(row[TFS])
        if moved[i]
        for tf in tfs
        if weight_of(((i, tf, lengths[i]),), old) != weight_of(((i, tf, lengths[i]),), new)
    ]
    if flipped:
        fields, _ = opened(row)
        several = {term for _, terms in row[MULTI] for term in terms}
        for i, tf in flipped:
            w = weight_of(((i, tf, lengths[i]),), new)
            out.update((t, w) for t, n in fields[i].items() if n == tf and t not in several)
    return out


def fragment(key: str, postings: Sequence[int]) -> str:
    """One entry of a shard, as json.dumps of the whole shard writes it."""
    numbers = json.dumps(list(postings), separators=(",", ":"))
    return json.dumps(key, ensure_ascii=False) + ":" + numbers


def parse_fragment(text: str) -> list[int]:
    return json.loads(text[text.index(":[") + 1 :])  # type: ignore[no-any-return]


def shard_of(term: str) -> str:
    """A term's (or pair's) shard: its first character for ASCII letters and digits, else a
    hash of the first character."""
    return _shard_of_char(term[0])


@lru_cache(maxsize=1 << 16)
def _shard_of_char(first: str) -> str:
    if first.isascii() and first.isalnum():
        return first.lower()
    return f"x{ord(first) % CJK_SHARDS}"


def dumps(data: object) -> str:
    """Compact JSON, as every file of the index is written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def chunk_text(rows: Sequence[Row]) -> str:
    return dumps([[r[URL], r[TITLE], r[SECTION], r[EXCERPT]] for r in rows])


@dataclass
class LangState:
    """What the cache keeps of one language's index."""

    pages: dict[str, str] = field(default_factory=dict)  # page key -> its documents' digest
    rows: list[Row] = field(default_factory=list)  # in document number order
    averages: tuple[float, ...] = ()
    terms: dict[str, str] = field(default_factory=dict)  # term -> its shard fragment
    pair_shards: dict[str, str] = field(default_factory=dict)  # shard name -> its JSON
    chunks: list[str] = field(default_factory=list)  # the document chunks' JSON
    # what changed since the state this one was updated from (None: all of it), and which
    # file of the cache holds each part (statestore.py)
    touched: Touched | None = None
    stored: dict[str, str] = field(default_factory=dict)


def full_state(pages: dict[str, str], rows: list[Row]) -> LangState:
    """Every posting computed from the documents' analyses."""
    averages = averages_of(rows) if rows else ()
    postings: dict[str, list[int]] = defaultdict(list)
    pairs: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for number, row in enumerate(rows):
        for term, weight in row_weights(row, averages).items():
            postings[term].extend((number, weight))
        for pair in opened(row)[1]:
            pairs[shard_of(pair)].setdefault(pair, []).append(number)
    terms = {
        term: fragment(term, [idf(len(rows), len(flat) // 2), *flat])
        for term, flat in postings.items()
    }
    chunks = [chunk_text(rows[n : n + CHUNK]) for n in range(0, len(rows), CHUNK)]
    pair_shards = {name: dumps(shard) for name, shard in pairs.items()}
    return LangState(pages, rows, averages, terms, pair_shards, chunks)


def same_numbers(old: Sequence[Row], new: Sequence[Row]) -> bool:
    return len(old) == len(new) and all(
        a[ID] == b[ID] and a[URL] == b[URL] and a[SECTION] == b[SECTION]
        for a, b in zip(old, new, strict=True)
    )


def updated_state(old: LangState, pages: dict[str, str], rows: list[Row]) -> LangState:
    """`old` brought to these documents, touching only the postings that change."""
    if not old.rows or not same_numbers(old.rows, rows):
        return full_state(pages, rows)
    averages = averages_of(rows)
    changes: dict[str, dict[int, int | None]] = defaultdict(dict)  # term -> doc -> W or gone
    pair_changes: dict[str, dict[str, dict[int, bool]]] = defaultdict(lambda: defaultdict(dict))
    chunks = list(old.chunks)
    changed_chunks: set[int] = set()
    for number, (before, after) in enumerate(zip(old.rows, rows, strict=True)):
        if before == after:
            if averages != old.averages:
                for term, w in changed_weights(after, old.averages, averages).items():
                    changes[term][number] = w
            continue
        for counts in opened(before)[0]:
            for term in counts:
                changes[term][number] = None
        for term, w in row_weights(after, averages).items():
            changes[term][number] = w
        old_pairs, new_pairs = set(opened(before)[1]), set(opened(after)[1])
        for pair in old_pairs ^ new_pairs:
            pair_changes[shard_of(pair)][pair][number] = pair in new_pairs
        start = number - number % CHUNK
        chunks[number // CHUNK] = chunk_text(rows[start : start + CHUNK])
        changed_chunks.add(number // CHUNK)
    terms = dict(old.terms)
    for term, by_doc in changes.items():
        _apply_term(terms, term, by_doc, len(rows))
    pair_shards = dict(old.pair_shards)
    for name, by_pair in pair_changes.items():
        _apply_pairs(pair_shards, name, by_pair)
    touched = (
        frozenset(changed_chunks),
        frozenset(shard_of(term) for term in changes),
        frozenset(pair_changes),
    )
    return LangState(pages, rows, averages, terms, pair_shards, chunks, touched, old.stored)


def _apply_term(terms: dict[str, str], term: str, by_doc: dict[int, int | None], docs: int) -> None:
    """Set or drop some postings of a term (its idf follows its document frequency). A
    common term has thousands of postings and an edit changes one or two: they are found by
    bisection, and the lists are sliced, not rebuilt one posting at a time."""
    flat = parse_fragment(terms[term])[1:] if term in terms else []
    numbers, weights = flat[0::2], flat[1::2]
    for number in sorted(by_doc):
        w = by_doc[number]
        i = bisect_left(numbers, number)
        here = i < len(numbers) and numbers[i] == number
        if w is None:
            if here:
                del numbers[i], weights[i]
        elif here:
            weights[i] = w
        else:
            numbers.insert(i, number)
            weights.insert(i, w)
    if not numbers:
        terms.pop(term, None)
        return
    postings = [idf(docs, len(numbers))] * (2 * len(numbers) + 1)
    postings[1::2] = numbers
    postings[2::2] = weights
    terms[term] = fragment(term, postings)


def _apply_pairs(shards: dict[str, str], name: str, by_pair: dict[str, dict[int, bool]]) -> None:
    """Add or drop documents of some pairs of one shard."""
    shard: dict[str, list[int]] = json.loads(shards[name]) if name in shards else {}
    for pair, by_doc in by_pair.items():
        numbers = set(shard.get(pair, ()))
        numbers |= {n for n, present in by_doc.items() if present}
        numbers -= {n for n, present in by_doc.items() if not present}
        if numbers:
            shard[pair] = sorted(numbers)
        else:
            shard.pop(pair, None)
    if shard:
        shards[name] = dumps(shard)
    else:
        shards.pop(name, None)


def shard_text(fragments: Iterable[str]) -> str:
    """A shard from its entries' fragments, in key order (as json.dumps(sort_keys=True))."""
    return "{" + ",".join(fragments) + "}"
