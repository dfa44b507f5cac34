"""Full-text search: one analyzer for English and Chinese, the whoosh index, queries, snippets.

The analyzer is shared by the server index (whoosh), the query path and the static index of
the frozen site (docsite.staticsearch), so the three agree on what a word is:

- Chinese runs are segmented with jieba (search mode when indexing, so both "上下文" and its
  parts are terms; precise mode for queries), English words inside them stay English;
- code identifiers are kept whole and split into parts when indexing (`url_for` -> url_for,
  url, for; `MethodView` -> methodview, method, view; `@app.route` -> app.route, app, route);
- everything is lower-cased and English words are stemmed (Porter).
"""

from __future__ import annotations

import fcntl
import heapq
import html
import json
import logging
import math
import os
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import jieba
from whoosh import collectors, formats
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.matching import FilterMatcher, Matcher
from whoosh.scoring import BM25F, BaseScorer, MultiWeighting, WeightingModel
from whoosh.searching import Searcher

from docsite.site import Entry, Site

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_LIMIT = 50
SCHEMA_VERSION = "5"
FIELDS = ("title", "summary", "section", "breadcrumb", "body", "code")
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
AVERAGES_FILE = "field-lengths.json"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
WORD_RE = re.compile(rf"[{_CJK}]+|@?[^\W_{_CJK}]\w*(?:[.:][^\W{_CJK}]\w*)*|_\w+", re.UNICODE)
_CJK_RUN_RE = re.compile(rf"^[{_CJK}]+$")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
STOP_WORDS = frozenset(
    """a an and are as at be been but by can do does for from had has have how i if in into is
    it its of on or so than that the their them then there these they this to was we were what
    when where which who why will with you your 的 了 和 是 在 也 就 都 而 及 与 或 一个 这个 那个
    我们 你 它 把 被 对 中 上 下 个 会 要 可以 这 那 吗 呢 吧 怎么 怎样 如何 什么 为什么 哪些 哪个
    给 让 能 能否 是否 需要 应该 请问 一下""".split()
)
# Terms translators use (GLOSSARY.md): jieba keeps them whole.
DOMAIN_WORDS = (
    "蓝图 应用上下文 请求上下文 视图函数 基于类的视图 应用工厂 消息闪现 错误处理器 调试器 调试模式 "
    "开发服务器 生产环境 反向代理 工作进程 实例文件夹 环境变量 测试客户端 模板继承 自动转义 "
    "静态文件 上下文 命令行接口 虚拟环境 请求钩子 配置值 会话 路由 端点 转换器 中间件 装饰器 "
    "上传文件 文件上传 查询字符串 表单数据 跨站脚本 跨站请求伪造 密码哈希 异步视图"
).split()

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _jieba() -> jieba.Tokenizer:
    """jieba, initialised once (building its dictionary takes about a second)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word, freq=50_000)
    return tokenizer


_jieba_lock = threading.Lock()


@lru_cache(maxsize=200_000)
def segment(text: str, mode: str) -> tuple[tuple[str, int, int], ...]:
    """jieba segmentation of a CJK run: (word, start, end); search mode adds the sub-words.

    Memoized: documentation repeats the same runs (蓝图, 请求上下文 …) all the time.
    """
    tokenizer = _jieba()
    with _jieba_lock:  # jieba's tokenizer is not documented as thread-safe
        return tuple(tokenizer.tokenize(text, mode="search" if mode == "index" else "default"))


class MixedTokenizer(Tokenizer):
    """Words of any script: CJK runs through jieba, everything else by the word pattern."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD_RE.finditer(value):
            text = match.group()
            if _CJK_RUN_RE.match(text):
                pieces = segment(text, "index" if mode == "index" else "query")
                for word, start, end in pieces:
                    yield self._emit(
                        token,
                        word,
                        pos,
                        start_char + match.start() + start,
                        start_char + match.start() + end,
                        positions,
                        chars,
                    )
                    pos += 1
            else:
                offset = 1 if text.startswith("@") else 0
                yield self._emit(
                    token,
                    text[offset:],
                    pos,
                    start_char + match.start() + offset,
                    start_char + match.end(),
                    positions,
                    chars,
                )
                pos += 1

    @staticmethod
    def _emit(
        token: Token, text: str, pos: int, start: int, end: int, positions: bool, chars: bool
    ) -> Token:
        token.text = token.original = text
        token.boost = 1.0
        token.stopped = False
        if positions:
            token.pos = pos
        if chars:
            token.startchar, token.endchar = start, end
        return token


def identifier_parts(word: str) -> list[str]:
    """The parts of a code identifier, each dotted component whole and then split.

    app.register_blueprint -> app, register_blueprint, register, blueprint;
    MethodView -> Method, View; SESSION_COOKIE_SECURE -> SESSION, COOKIE, SECURE.
    """
    parts: list[str] = []
    components = [c for c in re.split(r"[.:]+", word) if c]
    if len(components) > 1:
        parts.extend(components)
    for component in components:
        words = [w for chunk in component.split("_") if chunk for w in _CAMEL_RE.findall(chunk)]
        if len(words) > 1 or (words and words[0] != component):
            parts.extend(words)
    return list(dict.fromkeys(p for p in parts if p != word))


class IdentifierFilter(Filter):
    """When indexing, an identifier is followed by its parts (at the same position)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            yield token
            if token.mode != "index" or _CJK_RUN_RE.match(text):
                continue
            parts = identifier_parts(text)
            if not parts:
                continue
            original = (token.text, token.original)
            for part in parts:
                token.text = token.original = part
                yield token
            token.text, token.original = original


def make_analyzer() -> CompositeAnalyzer:
    return (
        MixedTokenizer()
        | IdentifierFilter()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(lang="en", cachesize=50_000)
    )


ANALYZER = make_analyzer()


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[tuple[str, str], ...]:
    """What indexing one word (a WORD_RE match) yields: (term, surface form) pairs.

    The analyzer treats each word on its own, so a text's terms are its words' terms in order;
    memoized, since documentation repeats its words all the time.
    """
    return tuple((t.text, t.original) for t in ANALYZER(word, mode="index"))


def index_terms(text: str) -> list[tuple[str, str]]:
    """The (term, surface form) pairs of a text as the index stores them, quickly."""
    return [pair for word in WORD_RE.findall(text) for pair in word_terms(word)]


def analyze(text: str, mode: str = "query") -> list[str]:
    """The terms of a text as the index stores them (mode "index") or a query uses them."""
    return [t.text for t in ANALYZER(text, mode=mode)]


# --- precomputed BM25F weights --------------------------------------------------------------


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


class WeightedTerms(FieldType):
    """A field indexed from (term, weight) pairs, each weight kept in the term's posting."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), analyzer=None)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, weight in value:
            yield term.encode("utf-8"), 1, float(weight), b""


class StoredWeightScorer(BaseScorer):
    """idf x the posting's weight; exact per-block maxima, so a collector may skip blocks."""

    def __init__(self, idf: float, max_weight: float) -> None:
        self.idf = idf
        self.max_weight = max_weight

    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: Matcher) -> float:
        return self.idf * float(matcher.weight())

    def max_quality(self) -> float:
        return self.idf * self.max_weight

    def block_quality(self, matcher: Matcher) -> float:
        return self.idf * float(matcher.block_max_weight())


class StoredWeight(WeightingModel):
    """Scores a term of the WEIGHTED field with the weight computed when it was indexed."""

    def scorer(
        self, searcher: Searcher, fieldname: str, text: str, qf: int = 1
    ) -> StoredWeightScorer:
        info = searcher.term_info(fieldname, text)
        return StoredWeightScorer(weighted_idf(searcher, text), info.max_weight())


def weighted_idf(searcher: Searcher, key: str | bytes) -> float:
    """The idf of a WEIGHTED term among the documents of its language."""
    top = searcher.get_parent()  # document counts are the whole index's, not a segment's
    lang = (key.decode() if isinstance(key, bytes) else key).partition(" ")[0]
    docs = top.doc_frequency("lang", lang) or top.doc_count_all()
    return idf(docs, top.doc_frequency(WEIGHTED, key))


# phrases and prefixes are scored by whoosh's BM25F over the fields they match in
WEIGHTING = MultiWeighting(
    BM25F(B=0.75, K1=K1, **{f"{name}_B": b for name, b in FIELD_B.items()}),
    **{WEIGHTED: StoredWeight()},
)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        page=ID(stored=True),
        lang=ID(stored=True),
        digest=STORED(),
        url=STORED(),
        page_title=STORED(),
        title=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["title"]),
        summary=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["summary"]),
        section=TEXT(analyzer=ANALYZER, stored=True, field_boost=FIELD_BOOSTS["section"]),
        breadcrumb=TEXT(analyzer=ANALYZER, stored=True, field_boost=FIELD_BOOSTS["breadcrumb"]),
        body=TEXT(analyzer=ANALYZER, stored=True, spelling=True),
        code=TEXT(analyzer=ANALYZER, field_boost=FIELD_BOOSTS["code"]),
        **{WEIGHTED: WeightedTerms()},
    )


# --- documents ------------------------------------------------------------------------------


@dataclass
class SearchDoc:
    """One section of one page in one language, as it is indexed."""

    id: str
    page: str
    lang: str
    digest: str
    url: str  # site-absolute path: /zh/user-guide/blueprints/#anchor
    page_title: str
    title: str  # what names the page (title, nav title, slug): on the page's top document only
    summary: str  # the page's own description (`meta`): on the top document only
    section: str
    breadcrumb: str  # where the section is: the sections above the page, and the page title
    body: str
    code: str


def page_key(entry: Entry) -> str:
    return f"{entry.lang}:{entry.page.path}"


def documents(site: Site, entry: Entry) -> list[SearchDoc]:
    """The search documents of a page: its top and each h2/h3 section."""
    rendered = site.render(entry)
    digest = site.renderer.key(entry.page, entry.lang)
    crumbs = " › ".join(node.title for node in site.breadcrumbs(entry))
    page = entry.page
    slug = PurePosixPath(page.url.rstrip("/")).name.replace("-", " ").replace("_", " ")
    names = " ".join(dict.fromkeys((page.title, page.nav_title, slug)))
    docs = []
    for section in rendered.sections:
        anchor = f"#{section.id}" if section.id else ""
        docs.append(
            SearchDoc(
                id=f"{page_key(entry)}#{section.id}",
                page=page_key(entry),
                lang=entry.lang,
                digest=digest,
                url=f"/{entry.site_path}{anchor}",
                page_title=page.title,
                title="" if section.id else names,
                summary="" if section.id else str(page.meta.get("meta", "")),
                section=section.heading if section.id else "",
                breadcrumb=f"{crumbs} › {page.title}" if section.id else crumbs,
                body=section.text,
                code=" ".join(section.code),
            )
        )
    return docs


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


# --- the index ------------------------------------------------------------------------------


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


class SearchIndex:
    """The whoosh index of a site, in a cache folder, updated page by page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()  # guards _ix, _searcher and searching with it
        # One writer at a time in this process (the file lock orders processes). Searches never
        # wait for it: they read the last committed index while a commit is written.
        self._write_lock = threading.Lock()

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """One process at a time creates or updates the index (gunicorn workers share it)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".docsite.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _open(self) -> Any:
        """The index, created when missing; call with the file lock held, or for reading."""
        with self._lock:
            if self._ix is None:
                if whoosh_index.exists_in(str(self.folder)):
                    self._ix = whoosh_index.open_dir(str(self.folder))
                else:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self._ix = whoosh_index.create_in(str(self.folder), make_schema())
            return self._ix

    def sync(self, site: Site) -> dict[str, int]:
        """Bring the index in line with the site: (re)index changed pages, drop removed ones."""
        with self._write_lock, self._file_lock():
            ix = self._open()
            with ix.searcher() as searcher:
                indexed = {f["page"]: f["digest"] for f in searcher.all_stored_fields()}
            wanted = {page_key(e): e for e in site.all_entries()}
            stale = [
                entry
                for key, entry in wanted.items()
                if indexed.get(key) != site.renderer.key(entry.page, entry.lang)
            ]
            removed = [key for key in indexed if key not in wanted]
            averages = self._load_averages()
            if averages is None:  # a new index (or its averages were lost): weigh every page
                stale = list(wanted.values())
            if stale or removed:
                measured = averages is None
                if averages is None:
                    # A pass of its own, so that no more than one page's analysis is held at
                    # a time (words are memoized: the second analysis costs little).
                    averages = measure_averages(
                        doc for entry in stale for doc in analyzed_documents(site, entry)
                    )
                writer = ix.writer(procs=1, limitmb=64)
                for key in removed:
                    writer.delete_by_term("page", key)
                for entry in stale:
                    self._write_page(writer, entry, analyzed_documents(site, entry), averages)
                writer.commit()
                if measured:
                    self._save_averages(averages)
                self._forget_searcher()
                word_terms.cache_clear()  # its memo speeds a full indexing, then only costs memory
            return {"updated": len(stale), "removed": len(removed), "pages": len(wanted)}

    def update_page(self, site: Site, entry: Entry | None, key: str) -> None:
        """Re-index one page (after a live edit); `entry` None removes it."""
        self.update_pages(site, {key: entry})

    def update_pages(self, site: Site, pages: dict[str, Entry | None]) -> None:
        """Re-index pages by key (`lang:path`), in one commit; an entry None removes its page.

        The pages are weighed with the field length averages of the last full build, like
        every other page of the index.
        """
        if not pages:
            return
        analyzed = {
            key: analyzed_documents(site, entry) if entry is not None else []
            for key, entry in pages.items()
        }
        with self._write_lock, self._file_lock():
            averages = self._load_averages() or {}
            writer = self._open().writer()
            for key, entry in pages.items():
                writer.delete_by_term("page", key)
                if entry is not None:
                    self._write_page(writer, entry, analyzed[key], averages, replace=False)
            writer.commit()
            self._forget_searcher()

    def _load_averages(self) -> dict[str, dict[str, float]] | None:
        """Per language, the field length averages the index's weights were computed with."""
        try:
            data = json.loads((self.folder / AVERAGES_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
            return None
        averages = data.get("averages")
        return averages if isinstance(averages, dict) else None

    def _save_averages(self, averages: dict[str, dict[str, float]]) -> None:
        tmp = self.folder / f".{AVERAGES_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"version": SCHEMA_VERSION, "averages": averages}), "utf-8")
        os.replace(tmp, self.folder / AVERAGES_FILE)

    def _forget_searcher(self) -> None:
        """After our own commit: whoosh can call an old searcher up to date after deletions.

        It is not closed here: a request thread may still be reading with it.
        """
        with self._lock:
            self._searcher = None

    @staticmethod
    def _write_page(
        writer: Any,
        entry: Entry,
        docs: list[AnalyzedDoc],
        averages: Mapping[str, Mapping[str, float]],
        replace: bool = True,
    ) -> None:
        if replace:
            writer.delete_by_term("page", page_key(entry))
        lengths = averages.get(entry.lang) or average_lengths(doc.counts for doc in docs)
        for doc in docs:
            weights = bm25f_weights(doc.counts, lengths)
            terms = [(weighted_term(entry.lang, term), w) for term, w in weights.items()]
            writer.add_document(**doc.doc.__dict__, **{WEIGHTED: terms})

    def _current_searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                if self._ix is None:
                    with self._file_lock():
                        self._open()
                self._searcher = self._ix.searcher(weighting=WEIGHTING)
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def search(self, raw: str, lang: str = "en", limit: int = 10) -> SearchResult:
        text = clean_query(raw)
        limit = max(1, min(int(limit), MAX_LIMIT))
        result = SearchResult(query=text, total=0)
        parsed = parse_query(text)
        if parsed.empty:
            return result
        # One search at a time per process: a whoosh searcher reads its files by seek-and-read,
        # so two threads searching with it at once read each other's positions (a threaded
        # `serve` got "UnpicklingError: invalid load key"). Writers never hold this for long.
        with self._lock:
            return self._search(parsed, result, lang, limit)

    def _search(
        self, parsed: ParsedQuery, result: SearchResult, lang: str, limit: int
    ) -> SearchResult:
        searcher = self._current_searcher()
        if lang == "all":
            parsed.languages = tuple(t.decode() for t in searcher.lexicon("lang"))
        else:
            parsed.languages = (lang,)
        if not (parsed.phrases or parsed.prefixes):
            found = WordMatcher(searcher).search(parsed, limit)
            if found is None:
                result.suggestion = suggest(searcher, parsed)
                return result
            result.total, top = found
            marks = highlighter(parsed.highlight_terms(), parsed.words)
            for score, docnum in top:
                result.results.append(make_hit(searcher.stored_fields(docnum), marks, score))
            return result
        hits = None
        for query in parsed.queries(searcher.doc_frequency):
            if lang != "all":
                # words are of one language already (see WEIGHTED), phrases and prefixes not.
                # As a clause, not a filter: whoosh intersects postings instead of building
                # the set of every document of the language on each query
                query = Q.And([query, Q.Term("lang", lang, boost=0.0)])
            # replace=0: a pruning collector estimates each matcher's best score, and under
            # field boosts that estimate is wrong, so good hits would be dropped.
            collector = collectors.TopCollector(limit=limit, usequality=False, replace=0)
            searcher.search_with_collector(query, collector)
            hits = collector.results()
            if hits.scored_length():
                break
        if hits is None or not hits.scored_length():
            result.suggestion = suggest(searcher, parsed)
            return result
        result.total = len(hits)
        marks = highlighter(parsed.highlight_terms(), parsed.words)
        for hit in hits:
            result.results.append(make_hit(hit.fields(), marks, float(hit.score or 0.0)))
        return result


def make_hit(stored: Mapping[str, Any], marks: re.Pattern[str] | None, score: float) -> Hit:
    return Hit(
        url=stored["url"],
        title=stored["page_title"],
        section=stored["section"],
        snippet=make_snippet(stored["body"], marks),
        lang=stored["lang"],
        score=score,
    )


class WordMatcher:
    """Words-only queries, without whoosh's matcher trees: each word's postings in WEIGHTED
    are read whole (a block at a time from whoosh's codec) into {document: weight} and
    combined with dict operations, which in pure Python is several times faster than
    walking matchers posting by posting. Postings are read once for all the fallbacks."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._scores: dict[str, dict[int, float]] = {}

    def search(self, parsed: ParsedQuery, limit: int) -> tuple[int, list[tuple[float, int]]] | None:
        """(matches, best (score, document number) first), or None when nothing matches."""
        for mode, words in parsed.plans(self.searcher.doc_frequency):
            scores = [self.word_scores(parsed.languages, word) for word in words]
            combined = _intersect(scores) if mode == "and" else _union(scores)
            if combined:
                best = heapq.nsmallest(limit, combined.items(), key=lambda i: (-i[1], i[0]))
                return len(combined), [(score, docnum) for docnum, score in best]
        return None

    def word_scores(self, languages: tuple[str, ...], word: str) -> dict[int, float]:
        """A word's score (idf x stored weight) in each live document that has it."""
        if word not in self._scores:
            scores: dict[int, float] = {}
            for searcher, offset in self.searcher.leaf_searchers():
                reader = searcher.reader()
                for lang in languages:
                    key = weighted_term(lang, word)
                    if (WEIGHTED, key) not in reader:
                        continue
                    weight = weighted_idf(self.searcher, key)
                    for docnum, w in _postings(reader, key):
                        scores[docnum + offset] = weight * w
                if reader.has_deletions():
                    for docnum in [d for d in scores if d >= offset]:
                        if reader.is_deleted(docnum - offset):
                            del scores[docnum]
            self._scores[word] = scores
        return self._scores[word]


def _postings(reader: Any, key: str) -> Iterable[tuple[int, float]]:
    """(document, weight) of a WEIGHTED term in one segment, deleted documents included."""
    matcher = reader.postings(WEIGHTED, key)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):  # whoosh's block codec: decode a block at once
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield from zip(matcher._ids, matcher._weights, strict=True)
            matcher._next_block()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


def _intersect(scores: list[dict[int, float]]) -> dict[int, float]:
    if not scores:
        return {}
    ordered = sorted(scores, key=len)
    combined = dict(ordered[0])
    for other in ordered[1:]:
        combined = {d: s + w for d, s in combined.items() if (w := other.get(d)) is not None}
    return combined


def _union(scores: list[dict[int, float]]) -> dict[int, float]:
    combined: dict[int, float] = defaultdict(float)
    for one in scores:
        for docnum, score in one.items():
            combined[docnum] += score
    return combined


# --- queries --------------------------------------------------------------------------------


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


def suggest(searcher: Searcher, parsed: ParsedQuery) -> str | None:
    """A "did you mean" from the unstemmed words of the index, when a word is unknown."""
    corrector = searcher.corrector("body")
    changed = False
    out: list[str] = []
    for word in parsed.words:
        terms = analyze(word)
        known = terms and all(searcher.doc_frequency("body", t) for t in terms)
        if known or _CJK_RUN_RE.match(word):
            out.append(word)
            continue
        options = corrector.suggest(word.lower(), limit=1)
        if options:
            out.append(options[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


# --- snippets -------------------------------------------------------------------------------

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
