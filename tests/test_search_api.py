"""Search knows the API reference: each placed object is a section of its own, found by its
name and its qualified name, and it comes before pages that merely use it."""

from __future__ import annotations

import pytest

from docsite.config import load_config
from docsite.search import SearchIndex
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SearchIndex:
    config = load_config(ROOT / "pyproject.toml")
    site = Site(config, Theme(config).gettext)
    index = SearchIndex(tmp_path_factory.mktemp("index"))
    index.sync(site)
    return index


@pytest.mark.parametrize(
    ("lang", "query", "first"),
    [
        ("en", "url_for", "/en/api/helpers/#flask.url_for"),
        ("en", "jsonify", "/en/api/json/#flask.jsonify"),
        ("zh", "jsonify 用法", "/zh/api/json/#flask.jsonify"),
        ("en", "flask.Flask.before_request", "/en/api/app/#flask.Flask.before_request"),
        ("en", "Flask.teardown_appcontext", "/en/api/app/#flask.Flask.teardown_appcontext"),
        ("zh", "Flask.route", "/zh/api/app/#flask.Flask.route"),
        ("zh", "register_blueprint", "/zh/api/app/#flask.Flask.register_blueprint"),
    ],
)
def test_an_api_object_is_the_first_hit_for_its_name(index, lang, query, first):
    hits = [hit.url for hit in index.search(query, lang, 10).results]
    assert hits[:1] == [first], hits


@pytest.mark.parametrize("name", ["before_request", "add_url_rule"])
def test_a_method_of_both_flask_and_blueprint_finds_their_reference_entries_first(index, name):
    """`before_request` is a method of Flask and of Blueprint: both entries lead."""
    hits = [hit.url for hit in index.search(name, "en", 10).results]
    assert {hit.rpartition("#")[2] for hit in hits[:2]} == {
        f"flask.Flask.{name}",
        f"flask.Blueprint.{name}",
    }, hits
