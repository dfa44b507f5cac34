"""Docstring translation units in gettext catalogs: extract, translate, render in Chinese;
change the English, see it outdated; translate again, current. Real griffe, docutils, Babel."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from docsite.apiref import sitewide
from docsite.apiref.catalog import Counts
from docsite.apiref.engine import ApiEngine, ApiSettings
from docsite.apiref.pagekeys import catalog_path
from docsite.apiref.xref import Inventory
from docsite.builtins import plugins_for
from docsite.config import load_config
from docsite.markdown import RenderContext, create_markdown
from docsite.site import Site
from docsite.theme import Theme
from tests.apiref_fixtures import PACKAGE, write_package
from tests.conftest import run_cli, write_tree

LOCALE = "zh_Hans_CN"
BODY = "::: demopkg.greet\n"
ZH = {
    "Return a greeting for someone.": "返回对某人的问候。",
    "Greetings are short.": "问候都很简短。",
    "Who to greet.": "问候谁。",
    "The word to greet with.": "用来问候的词。",
    "The greeting.": "问候语。",
}


def engine_for(src: Path) -> ApiEngine:
    """A fresh engine: a package read from search paths is read again, never cached."""
    return ApiEngine(ApiSettings(package=PACKAGE, base_packages=()), search_paths=(src,))


def render(engine: ApiEngine, page: sitewide.PageSource) -> str:
    """The page through docsite's parser and the plugin, as the site renders it."""
    ctx = RenderContext(
        file=str(page.file),
        page_path=page.path,
        page_url="api/demo/",
        line_offset=1,
        resolve_page=lambda _path: None,
        gettext=lambda message: message,
    )
    api = sitewide.page_api(engine, Inventory.build({}), page, default_language="en")
    env = {"docsite": ctx, "apiref": api}
    md = create_markdown(plugins_for(()).markdown)
    html = md.render(page.body, env)
    assert ctx.diagnostics == []
    return html


def translate(po: Path, translations: dict[str, str]) -> None:
    """What a translator does in their editor, with Babel: fill msgstr, clear fuzzy."""
    catalog = read_po(io.BytesIO(po.read_bytes()), locale=LOCALE)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=True)
    po.write_bytes(out.getvalue())


def test_round_trip_extract_translate_change_retranslate(tmp_path):
    src = write_package(tmp_path / "src")
    page = sitewide.PageSource("zh", "api/demo.md", BODY, tmp_path / "content/zh/api/demo.md")
    engine = engine_for(src)

    # extract: a catalog beside the page, one message per paragraph and field text
    assert sitewide.update_page_catalog(engine, page, LOCALE) is True
    po = catalog_path(page.file)
    assert po == tmp_path / "content/zh/api/demo.po"
    catalog = read_po(io.BytesIO(po.read_bytes()))
    assert [m.id for m in catalog if m.id] == list(ZH)
    first = catalog.get("Return a greeting for someone.")
    assert first.auto_comments == ["demopkg.greet"] and first.locations == [("demopkg/core.py", 5)]
    assert sitewide.catalog_counts(engine, page) == Counts(0, 0, 5)
    html = render(engine, page)
    assert html.count('class="i18n-missing" lang="en"') == 5

    # translate: the page renders in Chinese, without markers
    translate(po, ZH)
    html = render(engine, page)
    assert "<p>返回对某人的问候。</p>" in html and "<p>问候谁。</p>" in html
    assert "i18n-" not in html and "Who to greet." not in html
    assert sitewide.catalog_counts(engine, page) == Counts(5, 0, 0)

    # the English changes: that unit shows in English, marked outdated, even before the
    # catalog is updated; updating marks it fuzzy and keeps the old text for the translator
    (src / "demopkg/core.py").write_text(
        (src / "demopkg/core.py").read_text().replace("a greeting for", "a friendly greeting for")
    )
    engine = engine_for(src)
    changed = "Return a friendly greeting for someone."
    html = render(engine, page)
    assert '<p class="i18n-outdated" lang="en" title="Outdated translation' in html
    assert changed in html and "返回对某人的问候。" not in html and "<p>问候谁。</p>" in html
    assert sitewide.catalog_counts(engine, page) == Counts(4, 1, 0)
    assert sitewide.update_page_catalog(engine, page, LOCALE) is True
    text = po.read_text("utf-8")
    assert f'#, fuzzy\n#| msgid "Return a greeting for someone."\nmsgid "{changed}"' in text
    assert sitewide.catalog_counts(engine, page) == Counts(4, 1, 0)
    assert sitewide.update_page_catalog(engine, page, LOCALE) is False  # nothing new
    assert po.read_text("utf-8") == text  # the previous msgid survives a second update

    # translate again: current
    translate(po, {changed: "返回对某人的友好问候。"})
    html = render(engine, page)
    assert "<p>返回对某人的友好问候。</p>" in html and "i18n-" not in html
    assert sitewide.catalog_counts(engine, page) == Counts(5, 0, 0)


def test_the_site_renders_a_catalog_and_follows_its_edits(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/api/helpers.md": "---\ntitle: Helpers\n---\n::: flask.url_for\n",
            "zh/api/helpers.md": "---\ntitle: 辅助函数\n---\n::: flask.url_for\n",
        },
    )
    config = load_config(content_dir=content, cache_dir=tmp_path / "cache")
    site = Site(config, Theme(config).gettext)
    entry = site.entries["zh"]["api/helpers.md"]
    assert "i18n-missing" in site.render(entry).html  # no catalog yet: English, marked
    page = sitewide.PageSource("zh", entry.page.path, entry.page.body, entry.page.source_file)
    sitewide.update_page_catalog(site.contexts["apiref"].api.engine, page, LOCALE)
    po = content / "zh/api/helpers.po"
    translate(po, {"Generate a URL to the given endpoint with the given values.": "生成 URL。"})
    assert "<p>生成 URL。</p>" in site.render(entry).html
    translate(po, {"Generate a URL to the given endpoint with the given values.": "生成链接。"})
    assert "<p>生成链接。</p>" in site.render(entry).html  # the catalog is in the cache key
    en = site.render(site.entries["en"]["api/helpers.md"]).html
    assert "i18n-" not in en and "Generate a URL to the given endpoint" in en
    assert site.find_asset("zh", "api/helpers.po") is None  # not published
    assert "api/helpers.po" not in site.asset_paths("zh")


def test_the_command_extracts_and_updates_like_sphinx_intl(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "# Home\n",
            "en/api/helpers.md": "---\ntitle: Helpers\n---\n::: flask.url_for\n",
            "zh/api/helpers.md": "---\ntitle: 辅助函数\n---\n::: flask.url_for\n",
            "zh/guide.md": "---\ntitle: 指南\n---\nNo objects here.\n",
        },
    )
    first = run_cli("apidoc-catalogs", "--content", str(content))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"{_shown(content / 'zh/api/helpers.po')}: updated; 0 translated, 0 outdated, 12 missing"
    ]
    assert not (content / "zh/guide.po").exists()
    again = run_cli("apidoc-catalogs", "--content", str(content))
    assert "helpers.po: unchanged; 0 translated, 0 outdated, 12 missing" in again.stdout


def _shown(path: Path) -> str:
    import os

    from tests.conftest import ROOT

    return os.path.relpath(path, ROOT)


def test_a_long_previous_msgid_survives_a_second_update(tmp_path):
    """Babel wraps `#| msgid` comments at 76 columns and reads them back as translator
    comments: the catalog must still know the previous msgid, and keep no such junk."""
    from babel.messages.catalog import Catalog as BabelCatalog

    from docsite.apiref.catalog import update_catalog

    old, new = "The old sentence, " * 8, "The new sentence, " * 8
    po = tmp_path / "page.po"
    first = BabelCatalog(locale=LOCALE)
    first.add(old.strip())
    update_catalog(po, first, LOCALE)
    translate(po, {old.strip(): "旧的句子。"})
    second = BabelCatalog(locale=LOCALE)
    second.add(new.strip())
    for _ in range(2):  # the change makes the unit fuzzy; a second update must read it back
        update_catalog(po, second, LOCALE)
    text = po.read_text("utf-8")
    assert "# |" not in text and text.count("#| msgid") == 1
    with po.open("rb") as fh:
        message = read_po(fh, locale=LOCALE).get(new.strip())
    assert message is not None and message.fuzzy
