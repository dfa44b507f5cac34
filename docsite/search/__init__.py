"""Full-text search: one analysis, one ranking and one way to answer, implemented by a
whoosh index for the server and by a static index (read by static-search.js) for the frozen
site, which answer every query with the same documents in the same order.

- `analysis`: what a word is, per language profile (tokens, CJK segmentation, identifiers,
  stop words, stemming);
- `documents`: what a searchable document is (a section of a rendered page) and its terms;
- `ranking`: how a document is weighed (BM25F, stored as integers when indexing);
- `query`: how a query is read and answered (parsing, clauses, coverage, the order of
  results);
- `fuzzy`: which index terms a misspelt word stands for;
- `snippets`: the excerpt under a result, with its matches marked;
- `server`: the whoosh index of the doc server;
- `static`: the JSON index of a frozen site.
"""

from typing import TYPE_CHECKING

from docsite.search.analysis import Profile, analyze, profile_for, set_language_profile
from docsite.search.documents import SearchDoc, documents, page_key
from docsite.search.query import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Hit,
    SearchResult,
    clean_query,
    parse_query,
)
from docsite.search.snippets import highlighter, make_snippet
from docsite.search.static import (
    Ahead,
    StaticIndexStats,
    adopt_analyzed,
    analyze_ahead,
    build_static_index,
)
from docsite.search.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from docsite.search.server import SearchIndex

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "SCHEMA_VERSION",
    "Ahead",
    "Hit",
    "Profile",
    "SearchDoc",
    "SearchIndex",
    "SearchResult",
    "StaticIndexStats",
    "adopt_analyzed",
    "analyze",
    "analyze_ahead",
    "build_static_index",
    "clean_query",
    "documents",
    "highlighter",
    "make_snippet",
    "page_key",
    "parse_query",
    "profile_for",
    "set_language_profile",
]


def __getattr__(name: str) -> object:
    # The server's index (whoosh) is imported on first use: a static build never needs it.
    if name == "SearchIndex":
        from docsite.search.server import SearchIndex

        return SearchIndex
    raise AttributeError(f"module 'docsite.search' has no attribute {name!r}")
