"""Text analysis: what a word is, for the server index, its queries and the static index.

- Chinese runs are segmented with jieba (search mode when indexing, so both "上下文" and its
  parts are terms; precise mode for queries), English words inside them stay English;
- code identifiers are kept whole and split into parts when indexing (`url_for` -> url_for,
  url, for; `MethodView` -> methodview, method, view; `@app.route` -> app.route, app, route);
- everything is lower-cased and English words are stemmed (Porter).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jieba
from whoosh.analysis import Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"


WORD_RE = re.compile(rf"[{_CJK}]+|@?[^\W_{_CJK}]\w*(?:[.:][^\W{_CJK}]\w*)*|_\w+", re.UNICODE)


_CJK_RUN_RE = re.compile(rf"^[{_CJK}]+$")


_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


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
