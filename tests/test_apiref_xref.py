"""Cross-references: [text][flask.url_for] and [flask.Flask.route][] in any page, per
language, checked like links; `missing-reference` with file and line when they do not
resolve; the inventory as a value."""

from __future__ import annotations

import pickle

import pytest

from docsite.apiref import search_entries
from docsite.apiref.xref import Inventory, Target, href_to
from docsite.check import check_site
from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import write_tree

API = (
    "---\ntitle: App\n---\n::: flask.Flask\n    options:\n      members: [route]\n\n"
    "::: flask.url_for\n"
)
GUIDE = (
    "---\ntitle: Guide\n---\n"
    "Build URLs with [`url_for`][flask.url_for] and routes with [flask.Flask.route][].\n\n"
    "The class is [the app][flask.app.Flask]; [flask.nothing.here][] is not documented.\n"
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def site(tmp_path, cache):
    def make(files: dict[str, str]) -> Site:
        content = write_tree(tmp_path / "content", {"en/index.md": "# Home\n", **files})
        (content / "zh").mkdir(exist_ok=True)
        config = load_config(content_dir=content, cache_dir=cache)
        return Site(config, Theme(config).gettext)

    return make


def test_autorefs_link_to_the_object_anchor_on_its_page(site):
    s = site({"en/api/app.md": API, "en/guide/page.md": GUIDE})
    html = s.render(s.entries["en"]["guide/page.md"]).html
    assert '<a href="../../api/app/#flask.url_for" class="xref"><code>url_for</code></a>' in html
    assert '<a href="../../api/app/#flask.Flask.route" class="xref">flask.Flask.route</a>' in html
    assert '<a href="../../api/app/#flask.Flask" class="xref">the app</a>' in html  # model path


def test_an_unresolved_reference_is_reported_with_file_and_line(site):
    s = site({"en/api/app.md": API, "en/guide/page.md": GUIDE})
    entry = s.entries["en"]["guide/page.md"]
    rendered = s.render(entry)
    assert [(w.path, w.line, w.code, w.message) for w in rendered.warnings] == [
        (
            str(entry.page.source_file),
            6,
            "missing-reference",
            "reference 'flask.nothing.here' does not resolve to a documented object",
        )
    ]
    assert '<span class="xref xref-missing">flask.nothing.here</span>' in rendered.html
    report = check_site(s)  # resolved ones are checked as links with anchors: all good
    assert [(d.code, d.line) for d in report.diagnostics] == [("missing-reference", 6)]


def test_each_language_links_to_its_own_page(site):
    s = site(
        {
            "en/api/app.md": API,
            "en/guide/page.md": GUIDE,
            "zh/api/app.md": API.replace("title: App", "title: 应用"),
            "zh/guide/page.md": GUIDE.replace("Build URLs with", "用").replace(
                "flask.nothing.here", "flask.url_for"
            ),
        }
    )
    assert s.contexts["apiref"].api.inventory.get("zh", "flask.url_for") == Target(
        "api/app.md",
        "flask.url_for",
        "function",
        "Generate a URL to the given endpoint with the given values.",
    )
    zh = s.render(s.entries["zh"]["guide/page.md"])
    assert zh.warnings == []
    assert '<a href="../../api/app/#flask.url_for" class="xref"><code>url_for</code></a>' in zh.html
    assert [(link.target, link.fragment, link.kind) for link in zh.links][:1] == [
        ("api/app.md", "flask.url_for", "page")
    ]


def test_the_same_page_links_to_its_own_anchor(site):
    s = site({"en/api/app.md": API + "\nSee [flask.url_for][] above.\n"})
    html = s.render(s.entries["en"]["api/app.md"]).html
    assert '<a href="#flask.url_for" class="xref">flask.url_for</a>' in html


def test_defined_references_and_plain_brackets_are_left_alone(site):
    body = "---\ntitle: P\n---\n[a link][flask.docs] and [x][] here.\n\n[flask.docs]: https://flask.palletsprojects.com/\n"
    s = site({"en/guide/page.md": body})
    rendered = s.render(s.entries["en"]["guide/page.md"])
    assert '<a href="https://flask.palletsprojects.com/">a link</a>' in rendered.html
    assert "[x][] here" in rendered.html and rendered.warnings == []


def test_moving_an_object_changes_the_inventory_and_the_rendered_links(site, tmp_path):
    s = site({"en/api/app.md": API, "en/guide/page.md": GUIDE})
    before = s.contexts["apiref"].api.inventory.digest
    (tmp_path / "content/en/api/app.md").unlink()
    write_tree(
        tmp_path / "content", {"en/api/helpers.md": "---\ntitle: H\n---\n::: flask.url_for\n"}
    )
    s = s.reloaded()
    assert s.contexts["apiref"].api.inventory.digest != before
    html = s.render(s.entries["en"]["guide/page.md"]).html
    assert 'href="../../api/helpers/#flask.url_for"' in html


def test_the_inventory_is_a_value():
    targets = {"flask.Flask.route": Target("api/app.md", "flask.Flask.route", "method")}
    one = Inventory.build({"en": targets})
    assert one.digest == Inventory.build({"en": dict(targets)}).digest
    assert one.digest != Inventory.build({"zh": targets}).digest
    assert pickle.loads(pickle.dumps(one)) == one
    assert one.get("en", ".route") == targets["flask.Flask.route"]  # by suffix
    assert one.get("en", "route") is None and one.get("zh", "flask.Flask.route") is None
    assert (
        href_to("guide/page.md", targets["flask.Flask.route"]) == "../api/app.md#flask.Flask.route"
    )


def test_search_entries_name_each_placed_object_once(site):
    s = site({"en/api/app.md": API})
    entries = {
        e.qualified_name: e for e in search_entries(s.contexts["apiref"].api.inventory, "en")
    }
    assert sorted(entries) == ["flask.Flask", "flask.Flask.route", "flask.url_for"]
    route = entries["flask.Flask.route"]
    assert (route.name, route.kind, route.page, route.anchor) == (
        "route",
        "method",
        "api/app.md",
        "flask.Flask.route",
    )
    assert route.summary == (
        "Decorate a view function to register it with the given URL rule and options."
    )
