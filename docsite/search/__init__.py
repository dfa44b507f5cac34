"""Full-text search: one analyzer, one ranking, a whoosh index for the server and a static
index for the frozen site.

- `analysis`: what a word is (tokenizer, Chinese segmentation, identifiers, stemming);
- `documents`: what a searchable document is (a section of a rendered page);
- `ranking`: how a document is weighed (BM25F, computed when indexing);
- `query`: how a query is read and answered (parsing, fallbacks, snippets, results);
- `server`: the whoosh index of the doc server;
- `static`: the JSON index of a frozen site, read by static-search.js.
"""

from docsite.search.analysis import analyze
from docsite.search.documents import SearchDoc, documents, page_key
from docsite.search.query import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Hit,
    SearchResult,
    clean_query,
    highlighter,
    make_snippet,
    parse_query,
)
from docsite.search.server import SCHEMA_VERSION, SearchIndex
from docsite.search.static import (
    DocTerms,
    StaticIndexStats,
    adopt_analyzed,
    analyze_ahead,
    build_static_index,
)

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "SCHEMA_VERSION",
    "DocTerms",
    "Hit",
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
]
