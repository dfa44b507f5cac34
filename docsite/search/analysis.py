"""Text analysis: what a word is, for the server index, its queries and the static index.

A language's text is analysed by its `Profile` (stop words, stemmer, the words its segmenter
keeps whole), found by language code with `profile_for`. Every profile shares the word
pattern:

- a CJK run (Chinese, and kana) is one token, segmented into words: with jieba when indexing
  (search mode, so both "请求上下文" and its parts are terms), and against the index's own
  vocabulary for a query (see `segment_query`, which the static search repeats in JavaScript);
- a code identifier is one token (`url_for`, `@app.route`, `flask.json.provider`); when
  indexing it is followed by its parts (`url_for` -> url, for; `MethodView` -> Method, View);
- a token is lower-cased, dropped when it is a stop word, and stemmed (CJK words are not).

Three streams come out of a text: `index_terms` (what the index stores, parts included),
`phrase_terms` (words in reading order, for phrases) and `query_terms` (what a query asks for).
themes/default/static/js/static-search.js implements `query_terms` for the frozen site, and
tests/test_search_agreement.py checks that it does so exactly.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rjieba

# The segmenter (rjieba: jieba's dictionary takes a tenth of a second to load) and whoosh's
# stemmers are imported where they are first used: a build whose Chinese text did not change
# never loads them.

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
WORD_RE = re.compile(rf"[{CJK}]+|@?[^\W_{CJK}]\w*(?:[.:][^\W{CJK}]\w*)*|_\w+", re.UNICODE)
CJK_RUN_RE = re.compile(rf"^[{CJK}]+$")
_CJK_IN_RE = re.compile(rf"[{CJK}]")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Function words and the words of a question ("how do I", "怎样", "如何"): a reader's sentence
# carries its meaning in the other words.
ENGLISH_STOP_WORDS = frozenset(
    """a an and are as at be been but by can could do does for from had has have how i if in
    into is it its me my of on or our should so than that the their them then there these they
    this to us was we were what when where which who why will with would you your""".split()
)
CHINESE_STOP_WORDS = frozenset(
    """的 了 和 是 在 也 就 都 而 及 与 或 一个 这个 那个 我们 你 它 把 被 对 中 上 下 个
    会 要 可以 这 那 吗 呢 吧 怎么 怎样 如何 什么 为什么 哪些 哪个 给 让 能 能否 是否 需要
    应该 请问 一下 里 用 已 已经 使用 得 地 着 过 并 还 又 再 该 我 你们 自己 这些 那些 这样
    那样 怎么样 怎么办 为何 哪里 是不是 有没有 时 时候 之 其""".split()
)
# Terms translators use (GLOSSARY.md): jieba keeps them whole.
CHINESE_WORDS = (
    "蓝图 应用上下文 请求上下文 视图函数 基于类的视图 应用工厂 消息闪现 错误处理器 调试器 调试模式 "
    "开发服务器 生产环境 反向代理 工作进程 实例文件夹 环境变量 测试客户端 模板继承 自动转义 "
    "静态文件 上下文 命令行接口 虚拟环境 请求钩子 配置值 会话 路由 端点 转换器 中间件 装饰器 "
    "上传文件 文件上传 查询字符串 表单数据 跨站脚本 跨站请求伪造 密码哈希 异步视图"
).split()


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the word memos
class Profile:
    """How the text of one language is analysed.

    `stemmer` names a stemmer that both whoosh (`whoosh.lang.stemmer_for_language`) and
    static-search.js implement ("english": Snowball English), or is "" for none.
    `segmenter_words` are words the CJK segmenter keeps whole. A query's CJK run is cut into
    pieces of at most `max_query_word` characters.
    """

    name: str
    stop_words: frozenset[str]
    stemmer: str = "english"
    segmenter_words: tuple[str, ...] = ()
    max_query_word: int = 12

    def stem(self, word: str) -> str:
        return _stemmer(self.stemmer)(word) if self.stemmer else word

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The index terms of one token (a WORD_RE match), parts included. Memoized."""
        return _memo(self, _word_terms)[word]

    def index_terms(self, text: str) -> list[str]:
        """The terms of a text as the index stores them."""
        return self.index_terms_of_normal(nfkc(text))

    def index_terms_of_normal(self, normal: str) -> list[str]:
        """`index_terms` of a text in NFKC already (`nfkc`)."""
        terms = map(_memo(self, _word_terms).__getitem__, WORD_RE.findall(normal))
        return list(chain.from_iterable(terms))

    def phrase_terms(self, text: str) -> list[str]:
        """The words of a text in reading order, as a query would ask for them: identifiers
        whole, CJK runs in jieba's precise mode, stop words left out. A phrase matches
        where its terms follow each other in this stream."""
        return self.phrase_terms_of_normal(nfkc(text))

    def phrase_terms_of_normal(self, normal: str) -> list[str]:
        """`phrase_terms` of a text in NFKC already (`nfkc`)."""
        terms = map(_memo(self, _phrase_terms).__getitem__, WORD_RE.findall(normal))
        return list(chain.from_iterable(terms))

    def query_terms(self, text: str, known: Callable[[str], bool] | None = None) -> list[str]:
        """The terms a query asks for. `known(piece)` says whether a CJK piece is a word of
        the index being searched; without it, the words jieba finds in the text are."""
        out: list[str] = []
        for word in WORD_RE.findall(text):
            if CJK_RUN_RE.match(word):
                vocabulary = known or _jieba_words(word).__contains__
                pieces = self.segment_query(word, self._known_or_stop(vocabulary))
                out.extend(p for p in pieces if p not in self.stop_words)
            else:
                term = self.normalize(word)
                if term:
                    out.append(term)
        return out

    def _known_or_stop(self, known: Callable[[str], bool]) -> Callable[[str], bool]:
        return lambda piece: piece in self.stop_words or known(piece)

    def normalize(self, word: str) -> str:
        """A non-CJK token as a term: without its "@", lower-cased, stemmed; "" if a stop word."""
        lower = word.removeprefix("@").lower()
        return "" if not lower or lower in self.stop_words else self.stem(lower)

    def segment_query(self, run: str, known: Callable[[str], bool]) -> list[str]:
        return segment_query(run, known, self.max_query_word)

    def subwords(self, term: str, known: Callable[[str], bool] | None = None) -> list[str]:
        """The shorter words of the index that a CJK query term is made of, from the left
        (`segment_query` with pieces shorter than the term): 配置文件 -> 配置, 文件;
        字段 -> 字, 段. [] for a term that is not CJK or is one character long."""
        if len(term) < 2 or not CJK_RUN_RE.match(term):
            return []
        vocabulary = known or _jieba_words(term).__contains__
        pieces = segment_query(term, self._known_or_stop(vocabulary), len(term) - 1)
        return [piece for piece in pieces if piece not in self.stop_words]


def segment_query(run: str, known: Callable[[str], bool], longest: int = 12) -> list[str]:
    """A query's CJK run cut into words: from the left, the longest piece (at most `longest`
    characters) that `known` accepts, else one character. Known pieces are the index's words
    and the profile's stop words, so "单元测试" becomes 单元 + 测试 when no page uses the whole."""
    pieces: list[str] = []
    start = 0
    while start < len(run):
        size = min(longest, len(run) - start)
        while size > 1 and not known(run[start : start + size]):
            size -= 1
        pieces.append(run[start : start + size])
        start += size
    return pieces


# Profiles by name. "en": English words, stemmed; "cjk": Chinese (jieba, with the glossary's
# terms kept whole, Chinese and English stop words) and the English words among it.
ENGLISH = Profile("en", ENGLISH_STOP_WORDS)
CJK_PROFILE = Profile(
    "cjk", ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS, segmenter_words=tuple(CHINESE_WORDS)
)
PROFILES: dict[str, Profile] = {"en": ENGLISH, "cjk": CJK_PROFILE}
LANGUAGE_PROFILES: dict[str, str] = {"en": "en", "zh": "cjk"}  # by language code
DEFAULT_PROFILE = "en"


def profile_for(lang: str) -> Profile:
    """The analysis profile of a language code (the default profile for a code not set)."""
    return PROFILES[LANGUAGE_PROFILES.get(lang, DEFAULT_PROFILE)]


def set_language_profile(lang: str, profile: str | Profile) -> None:
    """Analyse a language with an existing profile (by name) or a new one."""
    if isinstance(profile, Profile):
        PROFILES[profile.name] = profile
        profile = profile.name
    if profile not in PROFILES:
        raise ValueError(f"no search analysis profile {profile!r} (known: {sorted(PROFILES)})")
    LANGUAGE_PROFILES[lang] = profile


def nfkc(text: str) -> str:
    """Text in compatibility form (ｕｒｌ＿ｆｏｒ -> url_for, full-width digits and letters)."""
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def is_cjk(text: str) -> bool:
    return bool(CJK_RUN_RE.match(text))


def text_key(profile: Profile, text: str) -> object:
    """What the terms of `text` depend on besides the text: its profile; for a text without
    CJK (after NFKC), only the profile's stemmer and its stop words that are not CJK, which
    profiles share (an English page, and its copy in a Chinese site, are analysed alike)."""
    return normal_text_key(profile, nfkc(text))


def normal_text_key(profile: Profile, normal: str) -> object:
    """`text_key` of a text in NFKC already (`nfkc`)."""
    if _CJK_IN_RE.search(normal):
        return profile
    return _latin_key(profile)


@lru_cache(maxsize=16)
def _latin_key(profile: Profile) -> tuple[str, frozenset[str]]:
    return profile.stemmer, frozenset(w for w in profile.stop_words if not _CJK_IN_RE.search(w))


# --- the parts ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _stemmer(name: str) -> Callable[[str], str]:
    from whoosh.lang import stemmer_for_language

    return lru_cache(maxsize=100_000)(stemmer_for_language(name))


@lru_cache(maxsize=1)
def _jieba() -> rjieba.Jieba:
    """jieba's dictionary and algorithm, compiled: rjieba (the Python binding of jieba-rs)
    cuts every CJK run of our content and of the FastAPI corpus (30,108 runs, both modes) into
    the same words as the jieba package, seven times faster, and loads its dictionary in a
    tenth of the time. Made once, with the words every profile keeps whole."""
    import rjieba

    tokenizer = rjieba.Jieba()
    for profile in PROFILES.values():
        for word in profile.segmenter_words:
            tokenizer.add_word(word, 50_000, None)
    return tokenizer


_jieba_lock = threading.Lock()
CUTS_KEPT = 16_384  # CJK runs whose cuts are kept


def segment(text: str, mode: str) -> tuple[str, ...]:
    """jieba's words of a CJK run: "index" is its search mode (the words and their sub-words),
    anything else its precise mode."""
    search, precise = _cuts(text)
    return search if mode == "index" else precise


@lru_cache(maxsize=CUTS_KEPT)
def _cuts(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A CJK run in jieba's search mode and in its precise mode, as the words alone (rjieba's
    `cut_for_search` and `cut`: no places to make and drop, as `tokenize` gives), worked out
    together, since the index asks for the one and phrases for the other. The last runs are
    kept: a run's second ask comes soon after its first (its phrase pairs, a page's
    translation), and most runs of a text occur in it once, so keeping every run (the word
    memos' way) costs memory and saves no time."""
    tokenizer = _jieba()
    with _jieba_lock:  # the tokenizer is not documented as thread-safe
        return tuple(tokenizer.cut_for_search(text)), tuple(tokenizer.cut(text))


@lru_cache(maxsize=4096)
def _jieba_words(run: str) -> frozenset[str]:
    return frozenset(segment(run, "index"))


def identifier_parts(word: str) -> list[str]:
    """The parts of a code identifier: the dotted tails of a name of three components or
    more (as a reader names a method by its class), each dotted component whole, and then
    each split.

    flask.Flask.route -> Flask.route, flask, Flask, route;
    app.register_blueprint -> app, register_blueprint, register, blueprint;
    MethodView -> Method, View; SESSION_COOKIE_SECURE -> SESSION, COOKIE, SECURE.
    """
    parts: list[str] = []
    components = [c for c in re.split(r"[.:]+", word) if c]
    parts.extend(".".join(components[i:]) for i in range(1, len(components) - 1))
    if len(components) > 1:
        parts.extend(components)
    for component in components:
        words = [w for chunk in component.split("_") if chunk for w in _CAMEL_RE.findall(chunk)]
        if len(words) > 1 or (words and words[0] != component):
            parts.extend(words)
    return list(dict.fromkeys(p for p in parts if p != word))


WordTerms = Callable[[Profile, str], tuple[str, ...]]
MEMO_WORDS = 200_000  # words a memo holds before it starts afresh


class _Memo(dict[str, tuple[str, ...]]):
    """The terms of words for one profile, worked out when first asked for: a text's words go
    through `map` to `__getitem__`, so a word already seen costs no call of Python code.

    A CJK run is a "word" too, but not one to keep: runs rarely repeat (the 2,000 pages of the
    generated corpus have 155,000 distinct ones), and keeping them all made analysing that
    corpus in one process take 650 MB instead of 450, for no time saved. Their cuts are kept a
    while by `_cuts`."""

    def __init__(self, profile: Profile, terms_of: WordTerms) -> None:
        super().__init__()
        self.profile, self.terms_of = profile, terms_of

    def __missing__(self, word: str) -> tuple[str, ...]:
        if CJK_RUN_RE.match(word):
            return self.terms_of(self.profile, word)
        if len(self) >= MEMO_WORDS:
            self.clear()
        terms = self[word] = self.terms_of(self.profile, word)
        return terms


_memos: dict[tuple[Profile, WordTerms], _Memo] = {}


def _memo(profile: Profile, terms_of: WordTerms) -> _Memo:
    memo = _memos.get((profile, terms_of))
    if memo is None:
        memo = _memos[(profile, terms_of)] = _Memo(profile, terms_of)
    return memo


def _word_terms(profile: Profile, word: str) -> tuple[str, ...]:
    if CJK_RUN_RE.match(word):
        return tuple(w for w in segment(word, "index") if w not in profile.stop_words)
    token = word.removeprefix("@")
    pieces: Iterable[str] = [token, *identifier_parts(token)]
    return tuple(t for t in (profile.normalize(p) for p in pieces) if t)


def _phrase_terms(profile: Profile, word: str) -> tuple[str, ...]:
    if CJK_RUN_RE.match(word):
        return tuple(w for w in segment(word, "query") if w not in profile.stop_words)
    term = profile.normalize(word)
    return (term,) if term else ()


def clear_memos() -> None:
    """Forget memoized words (they speed a full indexing, then only cost memory)."""
    _memos.clear()


def analyze(text: str, mode: str = "query", lang: str = "en") -> list[str]:
    """The terms of a text as the index stores them (mode "index") or a query asks for them."""
    profile = profile_for(lang)
    return profile.index_terms(text) if mode == "index" else profile.query_terms(text)
