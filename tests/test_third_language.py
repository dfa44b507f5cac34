"""A third language is configuration, content and a catalog: Japanese builds, serves, switches
language and searches, with no change to docsite's code."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from docsite.app import create_app
from docsite.config import load_config
from docsite.freeze import freeze
from tests.conftest import ROOT, Server, start_server, stop_server, write_tree

PAGES = {
    "en/index.md": "---\ntitle: Home\n---\nWelcome to the docs.\n",
    "en/guide.md": "---\ntitle: Blueprints\n---\n## Registering {#registering}\n\nA blueprint.\n",
    "zh/index.md": "---\ntitle: 首页\n---\n欢迎。\n",
    "ja/index.md": "---\ntitle: ホーム\n---\nドキュメントへようこそ。\n",
    "ja/guide.md": (
        "---\ntitle: ブループリント\n---\n## 登録 {#registering}\n\n"
        "ブループリントは機能を分割します。設計図を登録する。\n"
    ),
}
CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Search"
msgstr "検索"

msgid "On this page"
msgstr "このページの内容"
"""
PYPROJECT = """\
[tool.docsite]
languages = ["en", "zh", "ja"]
default_language = "en"
theme = "default"

[tool.docsite.title]
en = "Docs"
zh = "文档"
ja = "ドキュメント"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ja-project")
    write_tree(root / "content", PAGES)
    shutil.copytree(ROOT / "themes" / "default", root / "themes" / "default")
    catalog = root / "themes" / "default" / "translations" / "ja" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "messages.po").write_text(CATALOG, encoding="utf-8")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Server]:
    """`build.py -f <project>/pyproject.toml serve`: a real server of the three-language project."""
    assert load_config(project).languages == ("en", "zh", "ja")
    server = start_server(["-f", str(project / "pyproject.toml"), "serve"], ready_path="/ja/")
    yield server
    stop_server(server)


def test_japanese_pages_serve_in_japanese(server):
    html = server.get("/ja/guide/").text
    assert '<html lang="ja"' in html
    assert "ブループリント" in html and "このページの内容" in html  # the catalog's strings
    assert 'hreflang="ja"' in html and 'property="og:locale" content="ja_JP"' in html


def test_the_switcher_leads_to_each_language(server):
    html = server.get("/ja/guide/").text
    for href in ("../../en/guide/", "../../zh/guide/"):
        assert f'href="{href}"' in html
    zh = server.get("/zh/guide/").text  # English, as a fallback
    assert 'href="../../ja/guide/"' in zh
    assert server.get("/", headers={"Accept-Language": "ja"}).headers["location"].endswith("/ja/")


def test_japanese_search_finds_its_page(server):
    deadline = time.monotonic() + 120  # the index is built in the background
    while True:
        hits = json.loads(server.get("/api/search?lang=ja&q=" + quote("ブループリント")).text)
        if hits["results"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert [hit["url"] for hit in hits["results"]][:1] == ["/ja/guide/"]
    english = json.loads(server.get("/api/search?lang=en&q=blueprint").text)
    assert "/en/guide/" in [hit["url"] for hit in english["results"]]


def test_japanese_builds_with_its_static_search_index(project, tmp_path):
    config = load_config(project)
    out = tmp_path / "site"
    result = freeze(create_app(config, server_search=False), out)
    assert result.pages == {"en": 2, "zh": 2, "ja": 2}
    page = (out / "ja" / "guide" / "index.html").read_text("utf-8")
    assert '<html lang="ja"' in page and "検索" in page
    meta = json.loads((out / "_search" / "ja" / "meta.json").read_text("utf-8"))
    assert meta  # the Japanese static index exists
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert 'hreflang="ja"' in sitemap
