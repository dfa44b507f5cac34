"""Typo tolerance: the index terms a misspelt query word stands for.

One definition for the server and the frozen site (static-search.js repeats it):

- only a loose, non-CJK query term that no document of the language holds is corrected;
- its candidates are the index terms that start with the same character (a static index keeps
  them in one shard) within `max_distance` edits: none for a term of fewer than 4 characters,
  1 for fewer than 8, else 2; an edit is an insertion, a deletion, a substitution or the swap
  of two neighbouring characters (optimal string alignment distance), counted in code points;
- the corrections are the candidates at the smallest distance found, the FUZZY_TERMS that the
  most documents hold (ties in code point order). Terms are compared as the index keeps them
  (lower-cased and stemmed): bluprint -> blueprint, jsonfy (jsonfi) -> jsonify (jsonifi),
  temlate (temlat) -> template (templat).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

FUZZY_TERMS = 3


def max_distance(term: str) -> int:
    """How many edits a term may be away from its corrections."""
    if len(term) < 4:
        return 0
    return 1 if len(term) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of two strings, or limit + 1 if it is more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[len(b)] if previous[len(b)] <= limit else limit + 1


def corrections(
    term: str, candidates: Iterable[str], doc_frequency: Callable[[str], int]
) -> list[str]:
    """The corrections of a term among candidate index terms (see the module's docstring)."""
    limit = max_distance(term)
    if not limit:
        return []
    best: list[str] = []
    smallest = limit + 1
    for candidate in candidates:
        if candidate == term or not candidate.startswith(term[0]):
            continue
        distance = edit_distance(term, candidate, limit)
        if distance < smallest:
            best, smallest = [candidate], distance
        elif distance == smallest and distance <= limit:
            best.append(candidate)
    best.sort(key=lambda t: (-doc_frequency(t), t))
    return best[:FUZZY_TERMS]
