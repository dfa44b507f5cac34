"""Rendering: Markdown features, heading ids, admonitions, links, code fences, caching."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from docsite.config import load_config
from docsite.highlight import parse_fence_info
from docsite.lru import LRU
from docsite.markdown import slugify
from docsite.render import Renderer
from docsite.site import Site
from docsite.theme import Theme
from docsite.urls import relative_url
from tests.conftest import write_tree


class Collector(HTMLParser):
    """Elements of rendered HTML, as (tag, attrs) pairs, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.elements
            if t == tag
            and all(attrs[k] in (a.get(k) or "").split() or a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture
def render(make_site):
    """Render one English (or Chinese) page inside a small site; returns the Rendered."""

    def do(body: str, path: str = "guide/page.md", lang: str = "en", extra: dict | None = None):
        files = {
            "en/index.md": "# Home\n",
            "en/guide/other.md": "---\ntitle: Other\n---\n## Target section {#target}\n",
            "en/guide/index.md": "---\ntitle: Guide\n---\n",
            "en/api/app.md": "---\ntitle: App\n---\n## Flask {#flask}\n",
            "en/img/logo.png": b"\x89PNG",
            f"{lang}/{path}": "---\ntitle: Page\n---\n" + body,
            **(extra or {}),
        }
        site = make_site(files)
        assert not site.errors, site.errors
        return site.render(site.entries[lang][path])

    return do


def test_commonmark_and_extensions(render):
    out = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\nText[^1].\n\n[^1]: A note.\n\n"
        "Term\n:   Definition\n\n- [x] done\n- [ ] todo\n"
    )
    html = Collector(out.html)
    assert html.find("table") and html.find("td")
    assert "<s>gone</s>" in out.html
    assert html.find("section", **{"class": "footnotes"})
    assert html.find("dl") and html.find("dt") and html.find("dd")
    boxes = html.find("input", type="checkbox")
    assert len(boxes) == 2 and "checked" in boxes[0] and "checked" not in boxes[1]
    assert {"fn1", "fnref1"} <= out.ids


def test_heading_ids_explicit_slug_cjk_and_mkdocs_spacing(render):
    out = render(
        "## Routing {#routing}\n\n## 请求上下文\n\n### Spaced { #spaced-id }\n\n"
        "## `app.route()` decorator\n\n## Routing again {#routing-again .wide}\n"
    )
    assert [(t.level, t.id, t.title) for t in out.toc] == [
        (2, "routing", "Routing"),
        (2, "请求上下文", "请求上下文"),
        (3, "spaced-id", "Spaced"),
        (2, "approute-decorator", "app.route() decorator"),
        (2, "routing-again", "Routing again"),
    ]
    html = Collector(out.html)
    assert html.find("h2", id="请求上下文")
    assert html.find("h2", id="routing-again", **{"class": "wide"})
    assert "{#" not in out.html and "{ #" not in out.html
    links = html.find("a", **{"class": "headerlink"})
    assert [a["href"] for a in links][:2] == ["#routing", "#请求上下文"]


def test_duplicate_headings_get_unique_ids_and_explicit_duplicates_warn(render):
    out = render("## Setup\n\n## Setup\n\n## A {#same}\n\n## B {#same}\n")
    assert [t.id for t in out.toc] == ["setup", "setup-1", "same", "same"]
    assert any("duplicate heading id 'same'" in w.message for w in out.warnings)
    assert out.warnings[0].line == 10  # front matter is 3 lines; "## B" is body line 7


def test_slugify_keeps_letters_of_any_script():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("蓝图 Blueprints") == "蓝图-blueprints"
    assert slugify("  --x__y  ") == "x-y"


def test_admonitions_both_syntaxes_and_localized_default_title(render):
    out = render(
        '!!! note\n    Plain note.\n\n!!! warning "Watch out"\n    Careful.\n\n'
        "/// tip | A tip\nUse blocks.\n///\n\n/// details | More\nHidden.\n///\n",
    )
    html = Collector(out.html)
    assert html.find("div", **{"class": "note"})
    assert html.find("div", **{"class": "warning"})
    assert html.find("div", **{"class": "tip"})
    assert html.find("details")
    text = "".join(html.text)
    for fragment in ("Note", "Watch out", "A tip", "More", "Plain note.", "Use blocks.", "Hidden."):
        assert fragment in text
    zh = render("!!! note\n    中文。\n\n!!! warning\n    小心。\n", lang="zh")
    assert "注意" in zh.html and "警告" in zh.html and ">Note<" not in zh.html


def test_relative_md_links_become_relative_page_urls(render):
    out = render(
        "[other](other.md#target) [api](../api/app.md) [guide](index.md) "
        "[home](../index.md) [img](../img/logo.png) [ext](https://flask.palletsprojects.com/) "
        "[here](#local) [abs](/en/)\n\n## Local {#local}\n"
    )
    hrefs = [
        a["href"]
        for a in Collector(out.html).find("a")
        if "headerlink" not in (a.get("class") or "")
    ]
    assert hrefs == [
        "../other/#target",
        "../../api/app/",
        "../",
        "../../",
        "../../img/logo.png",
        "https://flask.palletsprojects.com/",
        "#local",
        "/en/",
    ]
    kinds = [(link.kind, link.target, link.fragment) for link in out.links]
    assert ("page", "guide/other.md", "target") in kinds
    assert ("file", "img/logo.png", "") in kinds
    assert ("anchor", "", "local") in kinds


def test_relative_url_helper():
    assert relative_url("en/guide/page/", "en/guide/other/") == "../other/"
    assert relative_url("en/guide/page/", "en/") == "../../"
    assert relative_url("en/", "en/") == "./"
    assert relative_url("", "zh/") == "zh/"
    assert relative_url("zh/a/", "_static/x.css") == "../../_static/x.css"


def test_fence_options_title_linenums_hl_lines(render):
    out = render('```python title="app.py" linenums="3" hl_lines="2"\nimport os\nx = 1\n```\n')
    html = Collector(out.html)
    assert html.find("div", **{"class": "codeblock"})[0]["data-lang"] == "python"
    assert "app.py" in "".join(html.text)
    assert len(html.find("span", **{"class": "hll"})) == 1
    numbers = [t for t in html.text if t.strip().isdigit()]
    assert numbers[:2] == ["3", "4"]
    assert html.find("span", **{"class": "kn"})  # Pygments keyword for `import`


def test_pycon_and_console_mark_prompts_and_output(render):
    out = render(
        "```pycon\n>>> 1 + 1\n2\n```\n\n```console\n$ flask --app hello run\n * Running\n```\n"
    )
    html = Collector(out.html)
    assert len(html.find("span", **{"class": "gp"})) == 2
    assert len(html.find("span", **{"class": "go"})) == 2


def test_unknown_language_is_escaped_plain_text_with_warning(render):
    out = render("```nosuchlang\n<b>not bold</b>\n```\n")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in out.html
    assert [w.message for w in out.warnings] == [
        "unknown code language 'nosuchlang'; shown as plain text"
    ]
    assert out.warnings[0].line == 4


def test_unsupported_syntax_stays_visible_with_a_warning(render):
    out = render("Intro.\n\n{* ../../docs_src/app.py hl[3] *}\n\n{% include 'x.md' %}\n")
    assert "docs_src/app.py" in out.html and "include" in out.html
    lines = [(w.line, w.message.split(" ")[0]) for w in out.warnings]
    assert lines == [(6, "code"), (8, "Jinja")]
    # mkdocstrings' directive is supported now (tests/test_apiref_directive.py)
    out = render("::: flask.url_for\n    options:\n      show_source: false\n")
    assert out.warnings == [] and 'id="flask.url_for"' in out.html


def test_jinja_inside_code_is_not_a_warning(render):
    out = render("Use `{% block body %}` here.\n\n```html+jinja\n{{ title }}\n```\n")
    assert out.warnings == []


def test_fence_info_parsing():
    info = parse_fence_info('python title="flaskr/db.py" hl_lines="1 3-4" runnable linenums')
    assert info.language == "python"
    assert info.title == "flaskr/db.py"
    assert info.hl_lines == [1, 3, 4]
    assert info.linenums == 1
    assert "runnable" in info.flags
    assert parse_fence_info("{.python title='x.py'}").title == "x.py"


def test_h1_in_body_is_reported_so_the_theme_does_not_repeat_the_title(render):
    assert render("# Own Title\n\nText\n").has_h1
    assert not render("Text\n\n# Later\n").has_h1


def test_render_is_cached_by_digest_and_revalidated_by_link_targets(make_site, tmp_path):
    site = make_site({"en/index.md": "# Home\n", "en/a.md": "---\ntitle: A\n---\n[b](b.md)\n"})
    entry = site.entries["en"]["a.md"]
    first = site.render(entry)
    assert 'href="b.md"' in first.html  # b.md does not exist yet: the link is left as written
    assert site.render(entry) is first  # memory cache
    (site.config.content_dir / "en" / "b.md").write_text("# B\n", encoding="utf-8")
    site = site.reloaded()
    second = site.render(site.entries["en"]["a.md"])
    assert 'href="../b/"' in second.html  # the new target invalidated the entry
    # a new Renderer (a new process) finds the result on disk
    fresh = Renderer(site.config.digest, site.config.cache_dir, site.renderer.ui_digest)
    site = site.with_ui(site.gettext_for, fresh)
    third = site.render(site.entries["en"]["a.md"])
    assert third.html == second.html
    assert any(tmp_path.joinpath("cache", "render").rglob("*.json"))


def test_zh_fallback_renders_english_source_with_chinese_ui(make_site):
    site = make_site({"en/index.md": "# Home\n", "en/a.md": "---\ntitle: A\n---\n!!! tip\n    x\n"})
    out = site.render(site.entries["zh"]["a.md"])
    assert re.search(r"admonition-title\">提示<", out.html)


def test_line_breaks_inside_chinese_text_add_no_space(render):
    out = render("这是第一行，\n接着是第二行。\nEnglish line\nnext line\n\n中文\nand English\n")
    assert "这是第一行，接着是第二行。" in out.html
    assert "English line\nnext line" in out.html
    assert "中文\nand English" in out.html


def test_cached_warnings_name_the_file_being_rendered(tmp_path):
    """The same page in two content folders shares a cache entry, not its file name."""
    body = "---\ntitle: A\n---\n```nolang\nx\n```\n"
    sites = []
    for name in ("one", "two"):
        content = write_tree(
            tmp_path / name, {"en/index.md": "# Home\n", "en/a.md": body, "zh/x.md": "# X\n"}
        )
        config = load_config(content_dir=content, cache_dir=tmp_path / "cache")
        sites.append(Site(config, Theme(config).gettext))
    first = sites[0].render(sites[0].entries["en"]["a.md"])
    second = sites[1].render(sites[1].entries["en"]["a.md"])
    assert first.warnings[0].path == str(tmp_path / "one" / "en" / "a.md")
    assert second.warnings[0].path == str(tmp_path / "two" / "en" / "a.md")


def test_memory_caches_are_bounded():
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
