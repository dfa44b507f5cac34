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
- `static`: the JSON index of a frozen site (`stats`: what one came to).
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docsite.search.analysis import Profile, analyze, profile_for, set_language_profile
    from docsite.search.documents import SearchDoc, page_key
    from docsite.search.query import (
        MAX_LIMIT,
        MAX_QUERY_CHARS,
        Hit,
        SearchResult,
        clean_query,
        parse_query,
    )
    from docsite.search.server import SearchIndex
    from docsite.search.snippets import highlighter, make_snippet
    from docsite.search.static import Ahead, adopt_analyzed, analyze_ahead, build_static_index
    from docsite.search.stats import StaticIndexStats
    from docsite.search.version import SCHEMA_VERSION

# Where each name lives. A name is imported from its module on first use (PEP 562): a build
# imports only the static index's modules, in the workers that make it; the server alone
# imports whoosh (`server`); a submodule imported directly loads nothing else.
_HOMES = {
    "analysis": ("Profile", "analyze", "profile_for", "set_language_profile"),
    "documents": ("SearchDoc", "page_key"),  # its `documents` function: from the module
    "query": ("MAX_LIMIT", "MAX_QUERY_CHARS", "Hit", "SearchResult", "clean_query", "parse_query"),
    "server": ("SearchIndex",),
    "snippets": ("highlighter", "make_snippet"),
    "static": ("Ahead", "adopt_analyzed", "analyze_ahead", "build_static_index"),
    "stats": ("StaticIndexStats",),
    "version": ("SCHEMA_VERSION",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
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
    "highlighter",
    "make_snippet",
    "page_key",
    "parse_query",
    "profile_for",
    "set_language_profile",
]


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'docsite.search' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"docsite.search.{module}"), name)
    globals()[name] = value  # asked once
    return value
