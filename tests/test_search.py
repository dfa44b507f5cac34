"""Full-text search: analyzers, queries and fallbacks, the index, the HTTP interfaces, quality."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable

import pytest
import yaml

from docsite.config import load_config
from docsite.search import (
    SearchIndex,
    analyze,
    clean_query,
    highlighter,
    make_snippet,
    parse_query,
    profile_for,
    set_language_profile,
)
from docsite.search.analysis import LANGUAGE_PROFILES
from docsite.site import Site
from docsite.state import search_folder
from docsite.theme import Theme
from tests.conftest import ROOT, Server, write_tree

QUESTION_RE = re.compile("怎么|怎样|如何|为什么|什么|哪")
MIN_MRR = 0.9  # per language, on the server and in the frozen site
QUERIES = yaml.safe_load((ROOT / "tests" / "search" / "queries.yaml").read_text("utf-8"))


# --- analyzers ------------------------------------------------------------------------------


def test_english_is_case_folded_and_stemmed():
    assert analyze("Blueprints Registering") == analyze("blueprint registered")
    assert analyze("The templates") == ["templat"]  # "the" is a stop word


@pytest.mark.parametrize(
    ("identifier", "parts"),
    [
        ("url_for", ["url"]),
        ("app.route", ["app", "rout"]),
        ("@app.route", ["app", "rout"]),
        ("MethodView", ["method", "view"]),
        ("SESSION_COOKIE_SECURE", ["session", "cooki", "secur"]),
        ("flask.json.provider", ["flask", "json", "provid", "json.provid"]),
        ("flask.Flask.route", ["flask.rout", "rout"]),  # a method by its class: Flask.route
    ],
)
def test_identifiers_are_indexed_whole_and_in_parts(identifier, parts):
    whole = analyze(identifier)
    assert len(whole) == 1, whole  # a query keeps the identifier whole
    indexed = analyze(identifier, mode="index")
    assert indexed[0] == whole[0]
    for part in parts:
        assert part in indexed


def test_chinese_is_segmented_and_english_inside_stays_english():
    indexed = analyze("用蓝图注册 url_for 和 Blueprints", mode="index", lang="zh")
    assert "蓝图" in indexed and "注册" in indexed
    assert "url_for" in indexed and "url" in indexed and "blueprint" in indexed
    assert "和" not in indexed  # a function word
    # search mode indexes the whole word and its parts; a query uses the whole word
    assert {"请求", "上下文", "请求上下文"} <= set(analyze("请求上下文", mode="index", lang="zh"))
    assert analyze("请求上下文", lang="zh") == ["请求上下文"]
    assert analyze("上传文件", lang="zh") in (["上传文件"], ["上传", "文件"])


def test_both_cuts_of_a_run_are_jiebas_own():
    """The index (search mode) and phrases (precise mode) take a CJK run's words from
    rjieba's `cut_for_search` and `cut` (analysis._cuts); each must be the words of
    `tokenize` in that mode, for every run of our Chinese pages."""
    from docsite.search.analysis import CJK, _jieba, nfkc, segment

    runs: set[str] = set()
    for file in (ROOT / "content" / "zh").rglob("*.md"):
        runs.update(re.findall(f"[{CJK}]+", nfkc(file.read_text("utf-8"))))
    assert len(runs) > 1000
    tokenizer = _jieba()
    for run in sorted(runs):
        search = tuple(w for w, _, _ in tokenizer.tokenize(run, mode="search"))
        precise = tuple(w for w, _, _ in tokenizer.tokenize(run, mode="default"))
        assert (segment(run, "index"), segment(run, "query")) == (search, precise), run


def test_each_language_is_analysed_by_its_profile():
    assert profile_for("en").name == "en" and profile_for("zh").name == "cjk"
    assert "的" in profile_for("zh").stop_words and "的" not in profile_for("en").stop_words
    assert profile_for("fr") is profile_for("en")  # a language with no profile of its own
    try:
        set_language_profile("ja", "cjk")  # a third language, by configuration
        assert profile_for("ja") is profile_for("zh")
        assert analyze("蓝图和视图", lang="ja") == analyze("蓝图和视图", lang="zh")
    finally:
        LANGUAGE_PROFILES.pop("ja", None)
    with pytest.raises(ValueError, match="no search analysis profile"):
        set_language_profile("ja", "klingon")


@pytest.mark.parametrize(
    "text",
    [
        "Register the Blueprints with url_for and the app.route decorator.",
        "ｕｒｌ＿ｆｏｒ in full width, and the stop words of a question: how do I",
        "A Kangxi radical \u2f00 is an ideograph once normalized",
        "用蓝图注册 url_for 和 Blueprints",
    ],
)
def test_a_text_analysed_for_one_profile_serves_another_only_when_they_agree(text):
    """A page and its fallback copy in a Chinese site share their fields' analysis when the
    text has no CJK (after NFKC): the two profiles then give it the same terms."""
    from docsite.search.analysis import clear_memos, text_key
    from docsite.search.documents import SearchDoc, analyze_doc, clear_texts

    en, zh = profile_for("en"), profile_for("zh")
    shared = text_key(en, text) == text_key(zh, text)
    assert shared == (not re.search("[\u2f00\u4e00-\u9fff]", text))
    fields = {"title": text, "summary": "", "topic": "", "section": text, "breadcrumb": ""}
    doc = SearchDoc("1", "en:a.md", "en", "d", "/en/a/", "A", **fields, body=text, code="")
    alike = en.index_terms(text) == zh.index_terms(text)
    alike = alike and en.phrase_terms(text) == zh.phrase_terms(text)
    assert alike or not shared  # shared only where they agree
    clear_memos(), clear_texts()
    first = analyze_doc(doc, en), analyze_doc(doc, zh)  # the second may take the first's
    clear_memos(), clear_texts()
    alone = analyze_doc(doc, zh)
    assert (first[1].fields, first[1].pairs) == (alone.fields, alone.pairs)


def test_query_parsing_phrases_prefixes_and_junk():
    parsed = parse_query('"application factory" blue* url_for "unclosed')
    assert parsed.phrases == [["applic", "factori"]]
    assert parsed.prefixes == ["blue"]
    assert "url_for" in parsed.terms and "unclos" in parsed.terms
    assert parse_query('*** "" * ::').empty


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "\x00\x01\x1b[31m",
        "a" * 10_000,
        "蓝图" * 3000,
        "🙂🚀",
        'AND OR NOT ( ) [ ] { } ^ ~ : "',
        "\u202ertl",
    ],
)
def test_clean_query_bounds_any_input(raw):
    cleaned = clean_query(raw)
    assert len(cleaned) <= 200
    assert not any(ord(ch) < 32 for ch in cleaned)


def test_snippets_escape_text_and_mark_matches():
    text = "Use <script>alert(1)</script> with blueprints: a Blueprint records routes."
    snippet = make_snippet(text, highlighter(set(analyze("blueprint")), ["blueprint"]))
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert snippet.count("<mark>") == 2
    assert "<mark>Blueprint</mark>" in snippet and "<mark>blueprints</mark>" in snippet
    chinese = make_snippet("用蓝图注册视图，蓝图很有用。", highlighter({"蓝图"}, ["蓝图"]))
    assert chinese == "用<mark>蓝图</mark>注册视图，<mark>蓝图</mark>很有用。"


# --- the index, on a small site ---------------------------------------------------------------

SMALL = {
    "en/index.md": "---\ntitle: Home\n---\nWelcome to the docs.\n",
    "en/guide/blueprints.md": (
        "---\ntitle: Modular Applications with Blueprints\nsidebartitle: Blueprints\n---\n"
        "Blueprints group views.\n\n## Registering {#registering}\n\n"
        'Call `app.register_blueprint(bp, url_prefix="/admin")` to register it.\n\n'
        '```python\nfrom flask import Blueprint\nbp = Blueprint("admin", __name__)\n```\n'
    ),
    "en/guide/config.md": (
        "---\ntitle: Configuration\n---\nSet `SESSION_COOKIE_SECURE` in production.\n\n"
        "## Application factory {#factory}\n\nAn application factory creates the app.\n"
    ),
    "zh/index.md": "---\ntitle: 首页\n---\n欢迎。\n",
    "zh/guide/blueprints.md": (
        "---\ntitle: 使用蓝图构建模块化应用\nsidebartitle: 蓝图\n---\n蓝图把视图分组。\n\n"
        "## 注册蓝图 {#registering}\n\n"
        "调用 `app.register_blueprint(bp)` 注册蓝图，处理请求上下文。\n"
    ),
}


@pytest.fixture
def small_index(make_site, tmp_path):
    site = make_site(SMALL)
    index = SearchIndex(tmp_path / "index")
    index.sync(site)
    return site, index


def urls(result) -> list[str]:
    return [hit.url for hit in result.results]


def test_hits_land_on_page_and_section_anchor(small_index):
    _site, index = small_index
    result = index.search("register blueprint", "en")
    assert urls(result)[0] == "/en/guide/blueprints/#registering"
    assert result.results[0].title == "Modular Applications with Blueprints"
    assert result.results[0].section == "Registering"
    assert "<mark>" in result.results[0].snippet


def test_identifiers_are_found_whole_and_by_parts(small_index):
    _site, index = small_index
    for query in (
        "app.register_blueprint",
        "register_blueprint",
        "SESSION_COOKIE_SECURE",
        "cookie secure",
    ):
        assert index.search(query, "en").total >= 1, query
    assert urls(index.search("@app.register_blueprint", "en"))[0].startswith(
        "/en/guide/blueprints/"
    )


def test_chinese_queries_without_spaces(small_index):
    _site, index = small_index
    assert urls(index.search("蓝图", "zh"))[0].startswith("/zh/guide/blueprints/")
    assert urls(index.search("注册蓝图", "zh"))[0] == "/zh/guide/blueprints/#registering"
    assert index.search("请求上下文", "zh").total == 1


def test_language_filter_and_fallback_pages(small_index):
    _site, index = small_index
    # zh has no config page: its English fallback is searchable in /zh/ and stays there
    zh = index.search("SESSION_COOKIE_SECURE", "zh")
    assert urls(zh) == ["/zh/guide/config/"]
    both = index.search("blueprint", "all")
    assert {hit.lang for hit in both.results} == {"en", "zh"}
    assert all(hit.lang == "en" for hit in index.search("blueprint", "en").results)


def test_all_words_then_any_word(small_index):
    _site, index = small_index
    strict = index.search("blueprint factory", "en")
    assert strict.total >= 1  # no section has both words: the any-word fallback answers
    assert {u.split("#")[0] for u in urls(strict)} == {"/en/guide/blueprints/", "/en/guide/config/"}
    assert urls(index.search("application factory", "en"))[0] == "/en/guide/config/#factory"


def test_phrases_and_prefixes(small_index):
    _site, index = small_index
    assert urls(index.search('"application factory"', "en"))[0] == "/en/guide/config/#factory"
    assert index.search('"factory application"', "en").total == 0  # wrong word order
    assert urls(index.search("bluep*", "en"))[0].startswith("/en/guide/blueprints/")


def test_where_a_word_is_weighs_more_than_how_often(make_site, tmp_path):
    """Field boosts count: a word once in a page's title outranks it three times in another
    page's short body, for a word query and for a prefix query."""
    site = make_site(
        {
            "en/index.md": "---\ntitle: Home\n---\nWelcome.\n",
            "en/p1.md": "---\ntitle: Marmot Habits\n---\nNotes about burrows and seasons.\n",
            "en/p2.md": "---\ntitle: Rodents\n---\nA marmot, a marmot and one more marmot.\n",
        }
    )
    index = SearchIndex(tmp_path / "index")
    index.sync(site)
    for query in ("marmot", "marmo*"):
        assert urls(index.search(query, "en"))[:2] == ["/en/p1/", "/en/p2/"], query


def test_did_you_mean(small_index):
    """A word too far from every index term to be corrected (two edits in seven letters)
    finds nothing, and "did you mean" offers the word."""
    _site, index = small_index
    result = index.search("bluprnt", "en")
    assert result.total == 0
    assert result.suggestion is not None
    assert analyze(result.suggestion) == analyze("blueprint")
    assert index.search("blueprint", "en").suggestion is None


def test_result_count_is_bounded(small_index):
    _site, index = small_index
    assert len(index.search("blueprint", "all", limit=1).results) == 1
    assert len(index.search("blueprint", "all", limit=10_000).results) <= 50


def test_per_page_update_and_sync(small_index, tmp_path):
    site, index = small_index
    file = site.config.content_dir / "en" / "guide" / "config.md"
    file.write_text("---\ntitle: Configuration\n---\nNow about marshmallows.\n", encoding="utf-8")
    site = site.reloaded()
    entry = site.entries["en"]["guide/config.md"]
    index.update_page(site, entry, "en:guide/config.md")
    assert index.search("marshmallows", "en").total == 1
    assert index.search("SESSION_COOKIE_SECURE", "en").total == 0
    # sync notices a removed page and a changed one, and nothing else
    file.unlink()
    (site.config.content_dir / "zh" / "guide" / "blueprints.md").write_text(
        "---\ntitle: 蓝图\n---\n全新的内容：棉花糖。\n", encoding="utf-8"
    )
    site = site.reloaded()
    stats = index.sync(site)
    assert stats["removed"] == 2  # config.md in en and its fallback in zh
    assert stats["updated"] == 1
    assert index.search("marshmallows", "all").total == 0
    assert index.search("棉花糖", "zh").total == 1
    assert index.sync(site)["updated"] == 0


def test_index_is_reused_across_processes(small_index, tmp_path):
    site, _index = small_index
    again = SearchIndex(tmp_path / "index")
    assert again.sync(site) == {"updated": 0, "removed": 0, "pages": 6}
    assert again.search("blueprint", "en").total >= 1


# --- quality on the project's content ------------------------------------------------------------


@pytest.fixture(scope="module")
def project_index(tmp_path_factory) -> SearchIndex:
    config = load_config()
    site = Site(config, Theme(config).gettext)
    index = SearchIndex(tmp_path_factory.mktemp("index"))
    index.sync(site)
    return index


def page_url(lang: str, path: str) -> str:
    url = path.removesuffix(".md")
    url = url.removesuffix("index")
    return f"/{lang}/{url}/".replace("//", "/")


def test_queries_file_is_big_enough():
    assert len(QUERIES["en"]) + len(QUERIES["zh"]) >= 80
    assert len(QUERIES["zh"]) >= len(QUERIES["en"]) >= 40
    questions = [q for q in QUERIES["zh"] if QUESTION_RE.search(q["q"])]
    assert len(questions) * 3 >= len(QUERIES["zh"])  # a third of the Chinese ones
    assert any(" " not in q["q"] and len(q["q"]) >= 4 for q in QUERIES["zh"])  # no-space queries


def mean_reciprocal_rank(lang: str, search: Callable[[str], list[str]]) -> tuple[float, list[str]]:
    """MRR@10 of tests/search/queries.yaml in one language, where `search(query)` gives the
    URLs of the first 10 results; and the queries whose expected page is not first."""
    ranks = []
    misses = []
    for item in QUERIES[lang]:
        expected = {page_url(lang, p) for p in item["expect"]}
        pages = [url.split("#")[0] for url in search(item["q"])[:10]]
        rank = next((i + 1 for i, p in enumerate(pages) if p in expected), None)
        ranks.append(1 / rank if rank else 0.0)
        if rank != 1:
            misses.append(f"{item['q']!r}: rank {rank}, first {pages[:1]}")
    return sum(ranks) / len(ranks), misses


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mean_reciprocal_rank_at_10(project_index, lang):
    mrr, misses = mean_reciprocal_rank(
        lang, lambda q: [hit.url for hit in project_index.search(q, lang, 10).results]
    )
    print(f"server MRR@10 {lang} {mrr:.3f}")
    assert mrr >= MIN_MRR, f"MRR@10 for {lang} is {mrr:.3f}; misses:\n" + "\n".join(misses)


# --- HTTP: the JSON API and the page, on the real server ---------------------------------------


def api(server: Server, **params: str):
    response = server.get("/api/search?" + urllib.parse.urlencode(params))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    return json.loads(response.body)


def test_api_contract(project_server):
    data = api(project_server, q="蓝图", lang="zh", limit="5")
    assert set(data) == {"query", "total", "results", "suggestion"}
    assert data["query"] == "蓝图" and data["total"] >= 5 and len(data["results"]) == 5
    first = data["results"][0]
    assert set(first) == {"url", "title", "section", "snippet", "lang"}
    assert first["url"].startswith("/zh/") and first["lang"] == "zh"
    page = project_server.get(first["url"].split("#")[0])
    assert page.status == 200
    anchor = first["url"].partition("#")[2]
    assert not anchor or f'id="{anchor}"' in page.text


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        '"unbalanced',
        "AND OR NOT",
        "title:foo AND (bar OR",
        "*",
        "?",
        "a" * 10_000,
        "\x00\x07\x1b",
        "🙂 emoji 蓝图 mixed",
        "<script>alert(1)</script>",
        "%00%2e%2e",
        "蓝图" * 2000,
    ],
)
def test_api_survives_any_query(project_server, q):
    data = api(project_server, q=q, lang="all")
    assert isinstance(data["results"], list) and len(data["results"]) <= 10
    assert len(data["query"]) <= 200
    assert "<script>" not in json.dumps(data["results"])  # snippets are escaped HTML


def test_api_bad_parameters_fall_back(project_server):
    assert api(project_server, q="blueprint", limit="x")["total"] > 0
    assert len(api(project_server, q="blueprint", limit="-5")["results"]) == 1
    # a language the site does not have is refused (test_server checks the JSON error)
    assert project_server.get("/api/search?q=blueprint&lang=fr").status == 400


def test_search_page_works_without_javascript(project_server):
    page = project_server.get("/zh/search/?q=" + urllib.parse.quote("蓝图"))
    assert page.status == 200
    assert 'class="search-hit"' in page.text
    assert 'href="../user-guide/blueprints/' in page.text or 'href="../tutorial/' in page.text
    assert '<html lang="zh-Hans"' in page.text
    empty = project_server.get("/en/search/?q=qwertyuiopasdf")
    assert "Nothing found" in empty.text
    suggestion = project_server.get("/en/search/?q=bluprint")
    assert "Did you mean" in suggestion.text and "blueprint" in suggestion.text
    reflected = project_server.get("/en/search/?q=" + urllib.parse.quote("<script>x</script>"))
    assert "<script>x</script>" not in reflected.text


def test_index_is_in_the_cache_folder(project_server):
    api(project_server, q="blueprint")  # the first search waits for the initial sync
    folder = search_folder(load_config())
    assert folder.is_relative_to(ROOT / ".cache")
    assert list(folder.glob("_MAIN_*.toc")), f"no whoosh index in {folder}"


def test_two_processes_share_one_index(tmp_path):
    """Two server processes on the same index folder (as gunicorn workers would) both answer."""
    from tests.conftest import start_server, stop_server

    content = write_tree(tmp_path / "content", SMALL)
    first = start_server(["serve", "--content", str(content)])
    second = start_server(["serve", "--content", str(content)])
    try:
        for server in (first, second):
            assert api(server, q="blueprint", lang="en")["total"] >= 1
    finally:
        stop_server(first)
        stop_server(second)
