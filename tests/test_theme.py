"""Themes: the chain of parents, one setting to switch, and the classic theme's whole build."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from docsite.app import create_app
from docsite.config import load_config
from docsite.errors import ConfigError
from docsite.theme import Theme
from tests.conftest import ROOT, write_tree

THEMES = ROOT / "themes"
CLASSIC = THEMES / "classic"
DEFAULT = THEMES / "default"


class Links(HTMLParser):
    """Stylesheets, scripts and a few marks of which template wrote a page."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.classes: set[str] = set()
        self.meta: dict[str, str] = {}
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = values.get("lang", "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values["href"])
        if tag == "script" and "src" in values:
            self.scripts.append(values["src"])
        if tag == "meta" and "property" in values:
            self.meta[values["property"]] = values.get("content", "")
        self.classes.update(values.get("class", "").split())


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_one_setting_switches_the_theme(tmp_path):
    project = write_tree(
        tmp_path,
        {
            "pyproject.toml": f"""
                [tool.docsite]
                theme = "classic"
                themes_dir = "{THEMES.as_posix()}"
                """,
            "content/en/index.md": "---\ntitle: Home\n---\nHello.\n\n## Part {#part}\n\nText.\n",
            "content/en/guide.md": "---\ntitle: Guide\nsortorder: 1\n---\nA guide.\n",
            "content/zh/index.md": "---\ntitle: 首页\n---\n你好。\n\n## 部分 {#part}\n\n正文。\n",
        },
    )
    config = load_config(project, cache_dir=tmp_path / "cache")
    assert config.theme == "classic"
    client = create_app(config, server_search=False).test_client()
    page = parse(client.get("/en/").get_data(as_text=True))
    assert any("css/classic." in href for href in page.stylesheets)
    assert "classic-foot" in page.classes  # classic's page.html
    zh = client.get("/zh/").get_data(as_text=True)
    assert "由 docsite 以经典样式生成。" in zh  # classic's own catalog
    assert "翻译进度" in zh  # a string only the parent's catalog translates


def test_classic_overrides_a_few_files_and_inherits_the_rest():
    config = load_config(theme="classic")
    theme = Theme(config)
    assert theme.chain == [CLASSIC, DEFAULT]
    assert theme.find_static("css/classic.css") == CLASSIC / "static/css/classic.css"
    for name in ("css/docsite.css", "js/docsite.js", "js/search.js"):
        assert theme.find_static(name) == DEFAULT / "static" / name
    env = theme.env("en")
    assert env.get_template("base.html").filename == str(CLASSIC / "templates/base.html")
    assert env.get_template("page.html").filename == str(CLASSIC / "templates/page.html")
    for name in ("search.html", "404.html", "partials/nav.html"):
        assert env.get_template(name).filename == str(DEFAULT / "templates" / name)
    assert env.get_template("default:page.html").filename == str(DEFAULT / "templates/page.html")
    own = {p.relative_to(CLASSIC / "templates").as_posix() for p in CLASSIC.rglob("*.html")}
    assert own == {"base.html", "page.html"}, "classic should override only a few templates"


def test_a_grandchild_theme_reaches_every_level(tmp_path):
    themes = write_tree(
        tmp_path / "themes",
        {
            "mine/theme.toml": 'parent = "classic"\n',
            "mine/templates/404.html": '{% extends "default:404.html" %}'
            "{% block title %}Lost — {{ site_title }}{% endblock %}",
            "mine/static/css/classic.css": "body { color: red; }\n",
        },
    )
    for name in ("classic", "default"):
        (themes / name).symlink_to(THEMES / name)
    config = load_config(theme="mine", themes_dir=themes, cache_dir=tmp_path / "cache")
    theme = Theme(config)
    assert [p.name for p in theme.chain] == ["mine", "classic", "default"]
    assert theme.find_static("css/classic.css") == themes / "mine/static/css/classic.css"
    client = create_app(config, server_search=False).test_client()
    response = client.get("/en/nowhere/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<title>Lost — " in html  # mine's 404.html, built on default's
    assert "Built with docsite in the classic style." in html


def test_a_missing_parent_is_a_clear_error(tmp_path):
    themes = write_tree(tmp_path / "themes", {"orphan/theme.toml": 'parent = "nowhere"\n'})
    with pytest.raises(ConfigError, match="theme 'nowhere' not found"):
        Theme(load_config(theme="orphan", themes_dir=themes))


def test_classic_build_has_every_page_with_classic_and_default_files(classic_build: Path):
    config = load_config(theme="classic")
    pages = sorted(
        p.relative_to(config.content_dir).with_suffix("") for p in config.content_dir.rglob("*.md")
    )
    built = {p.parent.relative_to(classic_build) for p in classic_build.rglob("index.html")}
    for source in pages:
        expected = source.parent if source.name == "index" else source
        assert expected in built, f"{source} was not built"
    static = classic_build / "_static"

    def served(name: str) -> bytes:
        stem, ext = name.rsplit(".", 1)
        (file,) = static.glob(f"{stem}.*.{ext}")
        return file.read_bytes()

    assert served("css/classic.css") == (CLASSIC / "static/css/classic.css").read_bytes()
    for name in ("css/docsite.css", "js/docsite.js", "js/search.js", "js/static-search.js"):
        assert served(name) == (DEFAULT / "static" / name).read_bytes()
    checked = 0
    for html_file in classic_build.rglob("index.html"):
        rel = html_file.relative_to(classic_build).as_posix()
        if rel == "index.html":
            continue  # the language chooser
        page = parse(html_file.read_text("utf-8"))
        assert any(re.search(r"css/classic\.[0-9a-f]{10}\.css$", s) for s in page.stylesheets), rel
        assert any("js/docsite." in s for s in page.scripts), rel
        assert "site-footer" in page.classes and "skip-link" in page.classes, rel
        assert page.html_lang == ("zh-Hans" if rel.startswith("zh/") else "en"), rel
        checked += 1
    assert checked >= len(pages)


def test_pages_carry_title_description_canonical_open_graph_and_hreflang(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "---\ntitle: Home\nmeta: The start.\n---\nHi.\n",
            "en/guide.md": "---\ntitle: Guide\nmeta: How to begin.\n---\nText.\n",
            "en/only.md": "---\ntitle: Only English\nmeta: Untranslated.\n---\nText.\n",
            "zh/index.md": "---\ntitle: 首页\nmeta: 起点。\n---\n你好。\n",
            "zh/guide.md": "---\ntitle: 指南\nmeta: 如何开始。\n---\n正文。\n",
        },
    )
    config = load_config(
        content_dir=content, cache_dir=tmp_path / "cache", base_url="https://docs.example.org/f/"
    )
    client = create_app(config, server_search=False).test_client()
    html = client.get("/zh/guide/").get_data(as_text=True)
    page = parse(html)
    assert "<title>指南 — " in html
    assert '<meta name="description" content="如何开始。">' in html
    assert '<link rel="canonical" href="https://docs.example.org/f/zh/guide/">' in html
    assert (
        '<link rel="alternate" hreflang="en" href="https://docs.example.org/f/en/guide/">' in html
    )
    assert page.meta["og:url"] == "https://docs.example.org/f/zh/guide/"
    assert page.meta["og:title"].startswith("指南 — ")
    assert page.meta["og:description"] == "如何开始。"
    assert page.meta["og:type"] == "article"
    assert page.meta["og:locale"] == "zh_CN"
    assert page.meta["og:locale:alternate"] == "en_US"
    assert parse(client.get("/en/").get_data(as_text=True)).meta["og:type"] == "website"
    only = parse(client.get("/zh/only/").get_data(as_text=True))  # the English text, in /zh/
    assert "og:locale:alternate" in only.meta
    assert (
        parse(client.get("/en/only/").get_data(as_text=True)).meta.get("og:locale:alternate")
        is None
    )
