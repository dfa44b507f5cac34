"""objects.inv: ours written for intersphinx (checked with sphobjinv), others' read for
links out of docstrings."""

from __future__ import annotations

import pytest
import sphobjinv as soi

from docsite import apiref
from docsite.apiref import inventory
from docsite.apiref.engine import ApiEngine, ApiSettings
from docsite.builtins import plugins_for
from docsite.config import load_config
from docsite.markdown import RenderContext, create_markdown
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import write_tree

API = (
    "---\ntitle: Application Object\n---\n## The class {#the-class}\n\n"
    "::: flask.Flask\n    options:\n      members: [route, config, jinja_env]\n\n"
    "::: flask.url_for\n\n::: flask.json\n    options:\n      members: false\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    content = write_tree(
        root / "content",
        {"en/index.md": "# Home\n\n## Start {#start}\n", "en/api/app.md": API},
    )
    (content / "zh").mkdir()
    config = load_config(content_dir=content, cache_dir=root / "cache")
    return Site(config, Theme(config).gettext)


def site_entries(site: Site) -> list[inventory.InvEntry]:
    """What the site would write for English: its pages, headings and API objects."""
    pages = []
    for entry in site.entries["en"].values():
        rendered = site.render(entry)
        headings = tuple((t.id, t.title) for t in rendered.toc)
        docname = entry.page.path.removesuffix(".md")
        pages.append(apiref.InvPage(docname, f"en/{entry.url}", entry.page.title, headings))
    objects = apiref.objects_inv_entries(
        site.contexts["apiref"].api.inventory,
        "en",
        lambda path: f"en/{site.entries['en'][path].url}",
    )
    return apiref.page_inv_entries(pages) + objects


def test_objects_inv_loads_with_sphobjinv_and_has_every_kind_of_entry(site, tmp_path):
    file = tmp_path / "objects.inv"
    apiref.write_objects_inv(file, "Flask", "3.1", site_entries(site))
    inv = soi.Inventory(fname_zlib=str(file))
    assert (inv.project, inv.version) == ("Flask", "3.1")
    found = {(o.domain, o.role, o.name): (o.uri_expanded, o.dispname_expanded) for o in inv.objects}
    assert found[("std", "doc", "api/app")] == ("en/api/app/", "Application Object")
    assert found[("std", "label", "api/app:the-class")] == ("en/api/app/#the-class", "The class")
    assert found[("std", "label", "index:start")] == ("en/#start", "Start")
    assert found[("py", "class", "flask.Flask")] == ("en/api/app/#flask.Flask", "flask.Flask")
    assert found[("py", "method", "flask.Flask.route")][0] == "en/api/app/#flask.Flask.route"
    assert found[("py", "attribute", "flask.Flask.config")][0] == "en/api/app/#flask.Flask.config"
    assert found[("py", "property", "flask.Flask.jinja_env")][0].endswith("#flask.Flask.jinja_env")
    assert found[("py", "function", "flask.url_for")][0] == "en/api/app/#flask.url_for"
    assert found[("py", "module", "flask.json")][0] == "en/api/app/#flask.json"
    # the model path of a re-exported object points at the same anchor
    assert found[("py", "class", "flask.app.Flask")][0] == "en/api/app/#flask.Flask"
    # Sphinx's compression: a uri ending with the name is written with `$`
    raw = soi.Inventory(fname_zlib=str(file)).data_file(contract=True).decode()
    assert "flask.Flask.route py:method 1 en/api/app/#$ -" in raw


def test_every_api_entry_resolves_to_an_anchor_of_its_page(site):
    rendered = site.render(site.entries["en"]["api/app.md"])
    py = [e for e in site_entries(site) if e.domain == "py"]
    assert len(py) >= 8
    for entry in py:
        page, _, anchor = entry.uri.partition("#")
        assert page == "en/api/app/" and anchor in rendered.ids, entry


def test_our_reader_reads_what_sphobjinv_writes(tmp_path):
    inv = soi.Inventory()
    inv.project, inv.version = "Werkzeug", "3.1"
    inv.objects.append(
        soi.DataObjStr(
            name="werkzeug.routing.Map",
            domain="py",
            role="class",
            priority="1",
            uri="routing/#$",
            dispname="-",
        )
    )
    file = tmp_path / "werkzeug.inv"
    soi.writebytes(str(file), soi.compress(inv.data_file(contract=True)))
    entries = inventory.parse(file.read_bytes())
    assert entries == [
        inventory.InvEntry("werkzeug.routing.Map", "py", "class", "routing/#werkzeug.routing.Map")
    ]
    with pytest.raises(inventory.InventoryError):
        inventory.parse(b"# Sphinx inventory version 1\n# Project: x\n")


def test_docstring_roles_link_out_through_other_projects_inventories(tmp_path):
    file = tmp_path / "werkzeug.inv"
    inventory.write(
        file,
        "Werkzeug",
        "3.1",
        [
            inventory.InvEntry(
                "werkzeug.routing.Map", "py", "class", "routing/#werkzeug.routing.Map"
            )
        ],
    )
    settings = ApiSettings(
        external_inventories=((str(file), "https://werkzeug.example/en/3.1.x/"),)
    )
    engine = ApiEngine(settings, cache_dir=tmp_path / "cache")
    ctx = RenderContext(
        file="api.md",
        page_path="api.md",
        page_url="api/",
        line_offset=1,
        resolve_page=lambda _path: None,
        gettext=lambda message: message,
    )
    env = {"docsite": ctx, "apiref": apiref.PageApi(engine)}
    html = create_markdown(plugins_for(()).markdown).render("::: flask.Flask.url_map\n", env)
    assert (
        '<a class="xref" href="https://werkzeug.example/en/3.1.x/routing/#werkzeug.routing.Map">'
        "<code>Map</code></a>"
    ) in html
