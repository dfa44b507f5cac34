"""Search that answers the way readers ask: questions in a sentence, words the segmenter keeps
whole or splits, identifiers inside a Chinese query, typos, full-width text and curly quotes.

The server's side; tests/test_search_agreement.py checks that the frozen site answers alike.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch

import pytest

from docsite.config import load_config
from docsite.search import SearchIndex, analyze, clean_query, highlighter, make_snippet
from docsite.search.fuzzy import corrections, edit_distance
from docsite.site import Site
from docsite.theme import Theme


def urls(result) -> list[str]:
    return [hit.url for hit in result.results]


# --- reading a query ----------------------------------------------------------------------------


def test_question_words_and_particles_carry_no_meaning():
    assert analyze("怎样在测试里模拟已登录的用户", lang="zh") == ["测试", "模拟", "登录", "用户"]
    assert analyze("如何在模板里用自定义过滤器", lang="zh") == ["模板", "自定义", "过滤器"]
    assert analyze("how should I handle errors") == analyze("handle errors")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ｕｒｌ＿ｆｏｒ", "url_for"),  # full-width letters and underscore
        ("“应用工厂”", '"应用工厂"'),
        ("「请求上下文」　测试", '"请求上下文" 测试'),  # corner brackets, an ideographic space
        ("『蓝图』", '"蓝图"'),
        ("„factory“", '"factory"'),
        ("ＡＰＰ．ｒｏｕｔｅ（）", "APP.route()"),
    ],
)
def test_queries_are_normalised(raw, clean):
    assert clean_query(raw) == clean


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("blueprint", "bluprint", 2) == 1
    assert edit_distance("form", "from", 2) == 1  # neighbours swapped
    assert edit_distance("templat", "temlat", 1) == 1
    assert edit_distance("flask", "flake", 2) == 2
    assert edit_distance("flask", "flasks", 1) == 1
    assert edit_distance("request", "session", 2) == 3  # more than the limit: limit + 1


def test_corrections_keep_the_first_letter_and_the_closest_terms():
    terms = ["blueprint", "blueprints", "plueprint", "bluebird", "json", "jsonifi"]
    frequency = {"blueprint": 9, "blueprints": 1}.get
    assert corrections("bluprint", terms, lambda t: frequency(t) or 0) == ["blueprint"]
    assert corrections("jsonfi", terms, lambda t: 1) == ["jsonifi"]
    assert corrections("jsn", terms, lambda t: 1) == []  # three letters: never corrected


# --- answering, on small sites ------------------------------------------------------------------


@pytest.fixture
def index_of(make_site, tmp_path):
    def make(files: dict[str, str]) -> SearchIndex:
        index = SearchIndex(tmp_path / "index")
        index.sync(make_site({"en/index.md": "# Home\n", "zh/index.md": "# 首页\n", **files}))
        return index

    return make


def test_a_word_the_segmenter_splits_is_found_where_it_is_split(index_of):
    """jieba keeps 字段 whole in one sentence and cuts it into 字 + 段 in another: the query
    finds both (its sub-words, one after the other), not only the first."""
    index = index_of(
        {
            "zh/a.md": "# 甲\n\n字段名称不能重复。\n",
            "zh/b.md": "# 乙\n\n请求里没有这个字段。\n",
            "zh/c.md": "# 丙\n\n段落里的每个字都要检查。\n",  # both characters, apart
        }
    )
    assert sorted(urls(index.search("字段", "zh"))) == ["/zh/a/", "/zh/b/"]


def test_a_compound_word_also_finds_its_parts(index_of):
    """配置文件 is a word of the index (one page has it) and the configuration chapter says
    配置 and 文件: the chapter is found too, and its topic puts it first."""
    index = index_of(
        {
            "zh/deploy.md": "# 部署\n\n## 服务器 {#server}\n\n服务器有自己的配置文件。\n",
            "zh/config.md": (
                "# 配置\n\n应用的配置放在哪里。\n\n## 从文件加载 {#from-file}\n\n"
                "配置可以从一个 Python 文件加载。\n"
            ),
        }
    )
    found = urls(index.search("配置文件", "zh"))
    assert {"/zh/config/#from-file", "/zh/deploy/#server"} <= set(found)
    assert found[0].startswith("/zh/config/")


def test_a_question_is_answered_by_the_section_that_covers_most_of_it(index_of):
    """No section holds every word of the question; the one that holds the most of its weight
    comes first, before one that holds a single rare word."""
    index = index_of(
        {
            "zh/templates.md": (
                "# 模板\n\n## 注册过滤器 {#filters}\n\n"
                "过滤器在模板中转换值，你可以注册自己的过滤器。\n"
            ),
            "zh/misc.md": "# 杂项\n\n## 自定义 {#custom}\n\n自定义的东西很多。\n",
            "zh/other.md": "# 其他\n\n模板有很多种写法。\n",
        }
    )
    result = index.search("如何在模板里用自定义过滤器", "zh")
    assert urls(result)[0] == "/zh/templates/#filters"
    assert result.partial == 1


def test_an_identifier_is_found_where_a_heading_names_it(index_of):
    index = index_of(
        {
            "zh/files.md": (
                "# 文件\n\n## `send_file()` {#send-file}\n\n把一个文件发给浏览器下载。\n"
            ),
            "zh/streaming.md": (
                "# 流式传输\n\n## 替代方案 {#alternatives}\n\n"
                "磁盘上的文件用 `send_file()`，大文件也用 `send_file()`，下载时 `send_file()` "
                "会设置响应头。\n"
            ),
        }
    )
    assert urls(index.search("send_file 下载", "zh"))[0] == "/zh/files/#send-file"


@pytest.fixture
def blueprints(index_of):
    return index_of(
        {
            "en/blueprints.md": (
                "# Modular Applications with Blueprints\n\nBlueprints group views.\n\n"
                "## Registering {#registering}\n\nRegistering a blueprint adds its views.\n"
            ),
            "en/templates.md": "# Templates\n\nA template renders HTML with Jinja.\n",
            "zh/blueprints.md": "# 蓝图\n\n## 注册蓝图 {#registering}\n\n注册 blueprint 的方法。\n",
        }
    )


@pytest.mark.parametrize(
    ("lang", "query", "first"),
    [
        ("en", "bluprint", "/en/blueprints/"),
        ("en", "blueprnt registering", "/en/blueprints/#registering"),
        ("en", "temlate", "/en/templates/"),
        ("en", "Templtes", "/en/templates/"),
        ("zh", "bluprint 注册", "/zh/blueprints/#registering"),
    ],
)
def test_a_misspelt_word_finds_its_page(blueprints, lang, query, first):
    result = blueprints.search(query, lang)
    assert urls(result)[0] == first
    assert result.suggestion is not None  # and "did you mean" shows the words it read


def test_a_correction_weighs_less_than_a_word_as_typed(index_of):
    """Two pages alike, one with a word of the query as typed, the other with the correction
    of its other word (brvo -> bravo): the word as typed comes first."""
    index = index_of({"en/x.md": "# X\n\nAlpha word.\n", "en/y.md": "# Y\n\nBravo word.\n"})
    assert urls(index.search("alpha brvo", "en")) == ["/en/x/", "/en/y/"]
    assert urls(index.search("alpa bravo", "en")) == ["/en/y/", "/en/x/"]
    assert index.search("bravo", "en").suggestion is None  # a known word is never corrected


def test_full_width_text_is_found_by_half_width_queries_and_back(index_of):
    index = index_of(
        {"en/a.md": "# A\n\nCall ｕｒｌ＿ｆｏｒ here.\n", "en/b.md": "# B\n\nurl_for\n"}
    )
    assert sorted(urls(index.search("url_for", "en"))) == ["/en/a/", "/en/b/"]
    assert sorted(urls(index.search("ｕｒｌ＿ｆｏｒ", "en"))) == ["/en/a/", "/en/b/"]


def test_a_phrase_in_curly_quotes_is_a_phrase(index_of):
    index = index_of(
        {
            "zh/a.md": "# 甲\n\n应用工厂创建应用。\n",
            "zh/b.md": "# 乙\n\n工厂里的应用不一样。\n",
        }
    )
    assert index.search("应用 工厂", "zh").total == 2
    assert urls(index.search("“应用工厂”", "zh")) == ["/zh/a/"]
    assert urls(index.search("「应用工厂」", "zh")) == ["/zh/a/"]


# --- snippets -----------------------------------------------------------------------------------


def test_a_snippet_ends_on_a_word_boundary_with_an_ellipsis():
    text = "Blueprints " + " ".join(f"word{n}" for n in range(100))
    snippet = make_snippet(text, highlighter({"blueprint"}, ["blueprints"]))
    assert snippet.startswith("<mark>Blueprints</mark> word0 ")
    assert snippet.endswith("…") and not snippet.endswith(" …")
    last = snippet.removesuffix("…").split(" ")[-1]
    assert re.fullmatch(r"word\d+", last) and last in text.split(" ")  # a whole word
    chinese = make_snippet("蓝图" + "很有用的功能。" * 60, highlighter({"蓝图"}, ["蓝图"]))
    assert chinese.startswith("<mark>蓝图</mark>") and chinese.endswith("…")
    assert len(chinese) <= len("<mark></mark>…") + 180


# --- the examples of the issue, on the project's content ----------------------------------------


@pytest.fixture(scope="module")
def project_index(tmp_path_factory) -> SearchIndex:
    config = load_config()
    index = SearchIndex(tmp_path_factory.mktemp("index"))
    index.sync(Site(config, Theme(config).gettext))
    return index


@pytest.mark.parametrize(
    ("query", "page", "within"),
    [
        # the section on registering filters: its title and heading say 模板 and 过滤器, not
        # 自定义 (the old fallback answered with the user guide's index, which has all three;
        # pages that mention all three in passing may come before it)
        ("如何在模板里用自定义过滤器", "/zh/user-guide/templating/#registering-filters", 3),
        # the command-line chapter (or the CLI's reference page), not a passing mention
        ("命令行参数", "/zh/*/cli/", 1),
        ("配置文件", "/zh/*/config/", 1),
        ("怎样自定义 404 错误页面", "/zh/patterns/errorpages/", 1),
        ("jsonfy", "/zh/*json*", 1),  # a section about JSON (jsonify), whichever
    ],
)
def test_reader_questions_on_the_project(project_index, query, page, within):
    found = urls(project_index.search(query, "zh"))[:within]
    assert any(fnmatch(url, page + "*") for url in found), found
