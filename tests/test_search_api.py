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
        ("en", "before_request", "/en/api/app/#flask.Flask.before_request"),
        ("en", "Flask.before_request", "/en/api/app/#flask.Flask.before_request"),
        ("en", "flask.Flask.before_request", "/en/api/app/#flask.Flask.before_request"),
        ("en", "add_url_rule", "/en/api/app/#flask.Flask.add_url_rule"),
        ("zh", "Flask.route", "/zh/api/app/#flask.Flask.route"),
        ("zh", "register_blueprint", "/zh/api/app/#flask.Flask.register_blueprint"),
    ],
)
def test_an_api_object_is_the_first_hit_for_its_name(index, lang, query, first):
    hits = [hit.url for hit in index.search(query, lang, 10).results]
    assert hits[:1] == [first], hits


def test_a_qualified_name_finds_only_its_object(index):
    hits = [hit.url for hit in index.search("Flask.teardown_appcontext", "en", 10).results]
    assert hits[0] == "/en/api/app/#flask.Flask.teardown_appcontext"
    assert not any(url.endswith("#flask.Flask.teardown_request") for url in hits[:1])
