"""API pages keyed without the engine: the digests and unit counts a build before worked out
(docsite.apiref.pagekeys) are those the engine works out now, whatever input changed.

Real sites (Flask's model read with griffe, catalogs written with Babel): each check compares
what the keys say with what the engine says, in a site made afresh with the keys on disk.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from docsite.apiref import sitewide
from docsite.apiref.pagekeys import PageKeys, catalog_path, site_key
from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import write_tree

LOCALE = "zh_Hans_CN"
PAGES = {
    "en/index.md": "---\ntitle: Home\n---\nSee [`url_for`][flask.url_for].\n",
    "zh/index.md": "---\ntitle: 首页\n---\n见 [`url_for`][flask.url_for]。\n",
    "en/api/helpers.md": "---\ntitle: Helpers\n---\n::: flask.url_for\n",
    "zh/api/helpers.md": "---\ntitle: 辅助函数\n---\n::: flask.url_for\n",
    "en/guide.md": "---\ntitle: Guide\n---\nNo API here.\n",
}


def make_site(content: Path, cache: Path) -> Site:
    config = load_config(content_dir=content, cache_dir=cache)
    return Site(config, Theme(config).gettext)


def said(site: Site) -> dict[tuple[str, str], tuple[str, object]]:
    """Per entry: the digest the keys give, and the units they give (for translated pages)."""
    context = site.contexts["apiref"]
    return {
        (e.lang, e.page.path): (context.digest(e.lang, e.page), context.units(e.page))
        for e in site.all_entries()
    }


def worked_out(site: Site) -> dict[tuple[str, str], tuple[str, object]]:
    """The same, from the engine (the env's digest, the catalog's counts)."""
    context = site.contexts["apiref"]
    return {
        (e.lang, e.page.path): (context.env(e.lang, e.page)[1], context._units(e.page))
        if e.page.lang != site.config.default_language
        else (context.env(e.lang, e.page)[1], None)
        for e in site.all_entries()
    }


def check_both(content: Path, cache: Path) -> dict[tuple[str, str], tuple[str, object]]:
    """What a fresh site's keys say equals what its engine works out; the keys' file is there
    for the next site, which says the same without the engine."""
    first = make_site(content, cache)
    keys = said(first)
    assert keys == worked_out(first)
    again = make_site(content, cache)
    assert said(again) == keys
    assert again.contexts["apiref"]._api is None  # known: the engine was not asked
    return keys


def translate(po: Path, text: str) -> None:
    catalog = read_po(io.BytesIO(po.read_bytes()), locale=LOCALE)
    for message in catalog:
        if message.id:
            message.string, message.flags = text, set()
    out = io.BytesIO()
    write_po(out, catalog)
    po.write_bytes(out.getvalue())


def test_the_keys_follow_every_input_of_the_digest(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", PAGES)
    cache = tmp_path / "cache"
    before = check_both(content, cache)
    api, home, guide = ("zh", "api/helpers.md"), ("en", "index.md"), ("en", "guide.md")
    assert before[api][0] and before[home][0] and before[guide] == ("", None)
    units = before[api][1][2]
    assert units > 0 and before[api][1] == (0, 0, units)  # no catalog yet: all missing

    # the translated page's catalog: its digest and its counts change, not the others'
    site = make_site(content, cache)
    entry = site.entries["zh"]["api/helpers.md"]
    source = sitewide.PageSource("zh", entry.page.path, entry.page.body, entry.page.source_file)
    sitewide.update_page_catalog(site.contexts["apiref"].api.engine, source, LOCALE)
    translate(catalog_path(entry.page.source_file), "生成 URL。")
    catalogued = check_both(content, cache)
    assert catalogued[api][0] != before[api][0] and catalogued[api][1] == (units, 0, 0)
    assert catalogued[home] == before[home]

    # a page that places another object: the inventory, so every API digest, changes
    (content / "en/api/app.md").write_text("---\ntitle: App\n---\n::: flask.Flask\n", "utf-8")
    placed = check_both(content, cache)
    assert placed[home][0] != catalogued[home][0] and placed[api][0] != catalogued[api][0]

    # that page deleted: no entry asks anew, yet the inventory is the one before it again
    (content / "en/api/app.md").unlink()
    assert check_both(content, cache) == catalogued

    # prose edited on a page without the API: nothing the API digests depend on
    (content / "en/guide.md").write_text("---\ntitle: Guide\n---\nStill none.\n", "utf-8")
    assert check_both(content, cache) == catalogued
    files = list((cache / "apiref").glob("pages-*.json"))
    assert len(files) == 1  # the last site's only


def test_a_remote_inventory_keeps_nothing(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", PAGES)
    local = tmp_path / "python.inv"
    local.write_bytes(b"# Sphinx inventory version 2\n# Project: P\n# Version: 1\n")
    site = make_site(content, tmp_path / "cache")
    config = site.config
    pages = {lang: [e.page for e in entries.values()] for lang, entries in site.entries.items()}
    with_local = config.with_options(inventories=(("https://docs.python.org/3/", str(local)),))
    first = site_key(with_local, pages)
    assert first not in (None, site_key(config, pages))
    local.write_bytes(local.read_bytes() + b"# changed\n")
    assert site_key(with_local, pages) not in (None, first)
    remote = config.with_options(inventories=(("", "https://docs.python.org/3/objects.inv"),))
    assert site_key(remote, pages) is None
    assert PageKeys(remote, pages).file is None
