"""The server and the frozen site search alike: same results, same order, same fallback.

docsite/search/query.py defines search once; the server implements it over whoosh and
static-search.js over the static index. Here a fixed list of queries runs through a fresh
server index of the project's content and through the project's frozen site in Chromium (the
real static-search.js, fetching the real _search/ files), and both must give the same top 10.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from docsite.config import load_config
from docsite.search import SearchIndex
from docsite.search.analysis import WORD_RE, is_cjk, profile_for
from docsite.search.documents import documents
from docsite.search.staticupdate import EXCERPT_CHARS
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import CONTENT, run_cli, static_http_server
from tests.test_search import MIN_MRR, mean_reciprocal_rank

# (language, query, what it exercises)
QUERIES = [
    ("en", "blueprint", "word"),
    ("en", "request context", "words"),
    ("en", "template inheritance", "words"),
    ("en", "flash messages", "words, stemmed"),
    ("en", "configuration from environment variables", "words with a stop word"),
    ("en", "Blueprints Registering", "stemming, capitals"),
    ("en", "url_for", "identifier"),
    ("en", "@app.route", "decorator"),
    ("en", "MethodView", "camel case"),
    ("en", "SESSION_COOKIE_SECURE", "constant"),
    ("en", "app.register_blueprint", "dotted identifier"),
    ("en", "teardown_appcontext", "identifier"),
    ("en", "request.args", "dotted identifier"),
    ("zh", "蓝图", "Chinese word"),
    ("zh", "请求上下文", "Chinese, no spaces"),
    ("zh", "应用工厂", "Chinese, no spaces"),
    ("zh", "消息闪现", "Chinese, no spaces"),
    ("zh", "基于类的视图", "Chinese with a stop word inside"),
    ("zh", "上传文件", "Chinese, no spaces"),
    ("zh", "调试器", "Chinese, no spaces"),
    ("en", '"application factory"', "phrase"),
    ("en", '"request context"', "phrase"),
    ("en", '"test client"', "phrase"),
    ("en", '"factory application"', "phrase in the unusual order"),
    ("zh", '"注册蓝图"', "Chinese phrase"),
    ("en", "blue*", "prefix"),
    ("en", "templ*", "prefix"),
    ("en", "url_*", "prefix of identifiers"),
    ("zh", "蓝图*", "Chinese prefix"),
    ("en", "config* gunicorn", "prefix and word"),
    ("en", "xyzzy blueprint", "partial: a word no page has"),
    ("en", "flask blueprint sqlalchemy celery signals", "partial: no page has every word"),
    ("en", "how do I handle 404 errors", "question"),
    ("zh", "怎样在测试里模拟已登录的用户", "partial: a question"),
    ("zh", "如何在模板里用自定义过滤器", "question"),
    ("zh", "为什么不能在生产环境用开发服务器", "question"),
    ("zh", "压力测试", "partial: a word no page holds whole"),
    ("zh", "send_file 下载", "partial: Chinese and an identifier"),
    ("zh", "配置文件", "sub-words"),
    ("zh", "字段", "sub-words of one character"),
    ("zh", "命令行参数", "sub-words"),
    ("en", "bluprint", "typo"),
    ("en", "jsonfy", "typo"),
    ("en", "temlate inheritance", "typo and a word"),
    ("en", "blueprnt regstration", "typos"),
    ("zh", "bluprint 注册", "typo in Chinese"),
    ("en", "ｕｒｌ＿ｆｏｒ", "full-width identifier"),
    ("zh", "“应用工厂”", "Chinese phrase in curly quotes"),
    ("zh", "「请求上下文」 测试", "phrase in corner brackets and a word"),
    ("en", "“application factory”", "phrase in curly quotes"),
    ("zh", "url_for 蓝图", "Chinese and an identifier"),
    ("zh", "render_template 模板", "Chinese and an identifier"),
    ("zh", "app.config 配置", "Chinese and a dotted identifier"),
    ("all", "blueprint", "every language"),
    ("all", "蓝图", "every language"),
]
PARTIAL = [q for q in QUERIES if q[2].startswith("partial")]


@pytest.fixture(scope="module")
def server_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    config = load_config()
    index = SearchIndex(tmp_path_factory.mktemp("index"))
    index.sync(Site(config, Theme(config).gettext))
    return index


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project built with `build --base-url /docs/`, served by python -m http.server."""
    root = tmp_path_factory.mktemp("frozen")
    result = run_cli("build", "--out", str(root / "docs"), "--base-url", "/docs/")
    assert result.returncode == 0, result.stderr
    with static_http_server(root) as base:
        yield base + "/docs"


@pytest.fixture(scope="module")
def static_search(browser: Browser, frozen: str) -> Iterator[Page]:
    """A page of the frozen site with its search engine loaded."""
    page = browser.new_page()
    page.goto(frozen + "/en/")
    page.wait_for_function("window.DocsiteSearch !== undefined")
    page.evaluate("window.DocsiteSearch.engine()")
    yield page
    page.close()


def in_browser(page: Page, query: str, lang: str, limit: int) -> dict:
    return page.evaluate(
        "([q, l, n]) => window.DocsiteSearch.engine().then(e => e.search(q, l, n))",
        [query, lang, limit],
    )


def test_the_query_list_covers_what_it_should():
    assert len(QUERIES) >= 30
    kinds = " ".join(kind for _, _, kind in QUERIES)
    for kind in ("identifier", "no spaces", "phrase", "prefix", "partial", "Chinese and an"):
        assert kind in kinds, kind


@pytest.mark.parametrize("limit", [10, 3])
def test_server_and_static_search_give_the_same_results(server_index, static_search, limit):
    differences = []
    for lang, query, kind in QUERIES:
        server = server_index.search(query, lang, limit)
        mine = (
            [hit.url for hit in server.results],
            server.total,
            server.partial,
        )
        static = in_browser(static_search, query, lang, limit)
        theirs = ([hit["url"] for hit in static["results"]], static["total"], static["partial"])
        assert mine[0], f"{query!r} ({kind}) finds nothing on the server"
        if mine != theirs:
            differences.append(f"{lang} {query!r} ({kind}):\n  server {mine}\n  static {theirs}")
    assert differences == [], "\n".join(differences)


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    """The text of every section of the project, by URL."""
    config = load_config()
    site = Site(config, Theme(config).gettext)
    return {
        doc.url: doc.body
        for lang in config.languages
        for entry in site.entries[lang].values()
        for doc in documents(site, entry)
    }


def test_server_and_static_snippets_are_the_same(server_index, static_search, bodies):
    """Where the static index holds a section's whole text, both sides show the same snippet:
    the same excerpt, ending on a word boundary with an ellipsis, and the same marks."""
    compared = 0
    differences = []
    for lang, query, _kind in QUERIES:
        server = server_index.search(query, lang, 10).results
        static = in_browser(static_search, query, lang, 10)["results"]
        for mine, theirs in zip(server, static, strict=True):
            if len(bodies[mine.url]) < EXCERPT_CHARS:
                compared += 1
                if mine.snippet != theirs["snippet"]:
                    differences.append(
                        f"{query!r} {mine.url}:\n  {mine.snippet}\n  {theirs['snippet']}"
                    )
    assert compared > 50
    assert differences == [], "\n".join(differences)


def test_partial_queries_are_partial(server_index):
    for lang, query, kind in PARTIAL:
        assert server_index.search(query, lang).partial == 1, (query, kind)
    assert server_index.search("request context", "en").partial == 0


def test_a_phrase_is_stricter_than_its_words(server_index):
    words = server_index.search("factory application", "en")
    phrase = server_index.search('"factory application"', "en")
    assert 0 < phrase.total < words.total


def test_a_shorter_limit_gives_a_prefix_of_a_longer_one(server_index):
    for lang, query, _ in QUERIES:
        eight = [hit.url for hit in server_index.search(query, lang, 8).results]
        twenty = [hit.url for hit in server_index.search(query, lang, 20).results]
        assert twenty[: len(eight)] == eight, query


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "blueprint"),
        ("en", "request context"),
        ("zh", "蓝图"),
        ("zh", "怎样在测试里模拟已登录的用户"),
    ],
)
def test_search_box_and_search_page_agree(browser: Browser, frozen: str, lang, query):
    """The frozen site's search box shows 8 results and its search page 20: the box's 8 are
    the page's first 8, in the same order."""
    page = browser.new_page()
    try:
        page.goto(f"{frozen}/{lang}/")
        page.fill("#search-input", query)
        more = f"#search-popup a.search-popup-more[href$='q={quote(query, safe='')}']"
        page.locator(more).wait_for(state="attached", timeout=15_000)
        box = page.eval_on_selector_all(
            "#search-popup a[role='option']:not(.search-popup-more)",
            "links => links.map(a => a.href)",
        )
        page.goto(f"{frozen}/{lang}/search/?q={quote(query)}")
        page.locator(".search-hits .search-hit a").first.wait_for(timeout=15_000)
        listed = page.eval_on_selector_all(
            ".search-hits .search-hit > a", "links => links.map(a => a.href)"
        )
    finally:
        page.close()
    assert len(box) == 8 and len(listed) == 20
    assert listed[:8] == box


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mean_reciprocal_rank_at_10_in_the_frozen_site(static_search, lang):
    """tests/search/queries.yaml answered by the frozen site's search in Chromium (what
    bench/search_bench.py reports as the static MRR@10): the same bar as the server's."""
    mrr, misses = mean_reciprocal_rank(
        lang, lambda q: [hit["url"] for hit in in_browser(static_search, q, lang, 10)["results"]]
    )
    print(f"static MRR@10 {lang} {mrr:.3f}")
    assert mrr >= MIN_MRR, f"static MRR@10 for {lang} is {mrr:.3f}; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    ("lang", "query", "page"),
    [
        ("en", "bluprint", "/en/*/blueprints/"),  # the guide's chapter or the API reference
        ("en", "jsonfy", "/en/*json"),  # a section about JSON (jsonify)
        ("en", "temlate inheritance", "/en/patterns/templateinheritance/"),
        ("zh", "bluprint", "/zh/*blueprint"),
        ("zh", "temlate 继承", "/zh/patterns/templateinheritance/"),
    ],
)
def test_the_frozen_site_finds_a_misspelt_word_s_page(static_search, lang, query, page):
    first = in_browser(static_search, query, lang, 10)["results"][0]["url"]
    assert fnmatch(first, page + "*"), first


def test_the_frozen_site_keeps_phrases_and_normalises_queries(static_search):
    def found(query: str, lang: str) -> tuple[int, list[str]]:
        result = in_browser(static_search, query, lang, 10)
        return result["total"], [hit["url"] for hit in result["results"]]

    loose, phrase = found("factory application", "en"), found('"factory application"', "en")
    assert 0 < phrase[0] < loose[0]
    assert found("“factory application”", "en") == phrase
    chinese = found('"应用工厂"', "zh")
    assert found("“应用工厂”", "zh") == found("「应用工厂」", "zh") == chinese
    assert 0 < chinese[0] < found("应用工厂", "zh")[0]  # quoted: not loosened into 应用, 工厂
    assert found("ｕｒｌ＿ｆｏｒ", "en") == found("url_for", "en")


def test_the_frozen_site_s_search_box_keeps_the_quotes(browser: Browser, frozen: str):
    page = browser.new_page()
    try:
        page.goto(f"{frozen}/en/")
        query = '"factory application"'
        page.fill("#search-input", query)
        more = f"#search-popup a.search-popup-more[href$='q={quote(query, safe='')}']"
        page.locator(more).wait_for(state="attached", timeout=15_000)
        box = page.eval_on_selector_all(
            "#search-popup a[role='option']:not(.search-popup-more)",
            "links => links.map(a => a.getAttribute('href'))",
        )
        engine = in_browser(page, query, "en", 8)["results"]
    finally:
        page.close()
    assert box and len(box) == len(engine)
    assert all(link.endswith(hit["url"].lstrip("/")) for link, hit in zip(box, engine, strict=True))


def test_the_stemmer_in_javascript_is_the_server_s(static_search):
    """static-search.js stems English exactly as the server's analysis does, on every word of
    the documentation and the algorithm's special cases."""
    profile = profile_for("en")
    words = {
        word.removeprefix("@").lower()
        for file in CONTENT.rglob("*.md")
        for word in WORD_RE.findall(file.read_text("utf-8"))
        if not is_cjk(word)
    }
    words |= set(
        "skies dying news generously communism arsenal yes says crying eed agreed ties caresses "
        "hopping hoping filing luxuriate relational hesitanci digitizer conformabli vietnamization "
        "predication feudalism decisiveness hopefulness callousness sensibiliti triplicate "
        "formalize electriciti revival adjustable irritant adoption homologous bowdlerize "
        "a\U00020000bing café naïve o'neil 'tis don\u2019t".split()
    )
    ordered = sorted(words)
    stems = static_search.evaluate(
        "words => words.map(w => window.DocsiteStaticSearch.analysis.stem(w))", ordered
    )
    assert len(ordered) > 3000
    wrong = [(w, profile.stem(w), s) for w, s in zip(ordered, stems, strict=True)]
    assert [item for item in wrong if item[1] != item[2]] == []
