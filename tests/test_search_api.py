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
        # a method by its class, as readers write it (not only its full path)
        ("en", "Flask.before_request", "/en/api/app/#flask.Flask.before_request"),
        ("en", "Flask.errorhandler", "/en/api/app/#flask.Flask.errorhandler"),
        ("en", "Request.args", "/en/api/request/#flask.Request.args"),
        ("en", "Config.from_object", "/en/api/config/#flask.Config.from_object"),
        ("en", "flask.Flask.route", "/en/api/app/#flask.Flask.route"),
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


def test_an_entry_is_found_by_the_words_of_its_docstring_and_named_by_its_class(index):
    """The docstring is the entry's text (not only its name and code), and a result shows the
    object as a reader names it."""
    found = index.search("register a function to run before each request", "en", 10).results
    assert {hit.url.rpartition("#")[2] for hit in found[:2]} == {
        "flask.Flask.before_request",
        "flask.Blueprint.before_request",
    }, [hit.url for hit in found]
    assert {hit.section for hit in found[:2]} == {
        "Flask.before_request",
        "Blueprint.before_request",
    }
