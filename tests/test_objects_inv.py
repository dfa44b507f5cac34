"""objects.inv of each language: a valid Sphinx inventory whose entries resolve in the frozen site,
and other projects' inventories read for links out of the API reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sphobjinv as soi

from docsite.apiref.inventory import InvEntry, dump
from docsite.app import create_app
from docsite.config import load_config
from tests.conftest import write_tree


@pytest.fixture(scope="module", params=["en", "zh"])
def inventory(request, classic_build: Path) -> tuple[str, Path, soi.Inventory]:
    lang = request.param
    return lang, classic_build, soi.Inventory(fname_zlib=str(classic_build / lang / "objects.inv"))


def test_the_inventory_has_pages_headings_and_api_objects(inventory):
    _lang, _site, inv = inventory
    assert inv.version.startswith("3.1") and inv.project
    found = {(o.domain, o.role, o.name): o.uri_expanded for o in inv.objects}
    assert found[("std", "doc", "api/app")] == "api/app/"
    assert found[("std", "doc", "user-guide/quickstart")] == "user-guide/quickstart/"
    assert ("std", "label", "user-guide/quickstart:routing") in found
    assert found[("py", "class", "flask.Flask")] == "api/app/#flask.Flask"
    assert found[("py", "method", "flask.Flask.route")] == "api/app/#flask.Flask.route"
    roles = {(o.domain, o.role) for o in inv.objects}
    assert {("py", "attribute"), ("py", "method"), ("py", "class")} <= roles


def test_every_entry_resolves_to_a_page_and_anchor_of_the_frozen_site(inventory):
    lang, site, inv = inventory
    ids: dict[Path, set[str]] = {}
    unresolved = []
    for obj in inv.objects:
        path, _, anchor = obj.uri_expanded.partition("#")
        file = site / lang / path / "index.html"
        if file not in ids:
            html = file.read_text("utf-8") if file.is_file() else ""
            ids[file] = set(re.findall(r'\bid="([^"]+)"', html)) | ({""} if html else set())
        if anchor not in ids[file]:
            unresolved.append(obj.uri_expanded)
    assert len(inv.objects) > 500 and unresolved == []


def test_the_server_serves_the_same_inventory(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "# Home\n\n## Start {#start}\n",
            "en/api/a.md": "# A\n\n::: flask.url_for\n",
        },
    )
    (content / "zh").mkdir()
    config = load_config(content_dir=content, cache_dir=tmp_path / "cache")
    response = create_app(config, server_search=False).test_client().get("/en/objects.inv")
    assert response.status_code == 200
    file = tmp_path / "objects.inv"
    file.write_bytes(response.data)
    names = {(o.role, o.name): o.uri_expanded for o in soi.Inventory(fname_zlib=str(file)).objects}
    assert names[("function", "flask.url_for")] == "api/a/#flask.url_for"
    assert names[("label", "index:start")] == "#start"


def test_an_outside_inventory_from_the_config_links_docstring_references_out(tmp_path):
    """`inventories` in the config: a local objects.inv (as tests use) for Werkzeug's docs."""
    werkzeug = tmp_path / "werkzeug.inv"
    entry = InvEntry("werkzeug.wrappers.Request", "py", "class", "wrappers/#$", "-")
    werkzeug.write_bytes(dump("Werkzeug", "3.1", [entry]))
    content = write_tree(
        tmp_path / "project" / "content",
        {
            "en/index.md": "# Home\n",
            "en/api/a.md": "# A\n\n::: flask.Request\n    options: {members: false}\n",
        },
    )
    (content / "zh").mkdir()
    (tmp_path / "project" / "docsite.toml").write_text(
        'languages = ["en", "zh"]\n'
        "[inventories]\n"
        f'"https://werkzeug.example/en/" = "{werkzeug.name}"\n',
        encoding="utf-8",
    )
    (tmp_path / "project" / werkzeug.name).write_bytes(werkzeug.read_bytes())
    config = load_config(tmp_path / "project").with_options(cache_dir=tmp_path / "cache")
    html = create_app(config, server_search=False).test_client().get("/en/api/a/").get_data(True)
    assert 'href="https://werkzeug.example/en/wrappers/#werkzeug.wrappers.Request"' in html
