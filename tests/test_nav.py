"""The nav rendered once per folder depth and filled in per page equals rendering it per page."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from docsite.app import create_app
from docsite.config import load_config
from docsite.context import Links
from docsite.navhtml import NavFragment

HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture(scope="module")
def state():
    return create_app(load_config(), server_search=False).extensions["docsite"]


def _absolute(html: str, page_url: str) -> str:
    """Links resolved against the page, so that two spellings of one target compare equal."""
    return HREF.sub(lambda m: f'href="{urljoin(page_url, m.group(1))}"', html)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filled_nav_equals_the_nav_rendered_for_each_page(state, lang):
    template = state.theme.env(lang).get_template("partials/nav.html")
    checked = 0
    for entry in state.site.entries[lang].values():
        links = Links(state.theme, entry.site_path)
        direct_context = state.context(state.snapshot, lang, links)
        direct_context["current"] = entry
        direct = template.render(direct_context)
        filled = state.nav_html(state.snapshot, lang, links, entry)
        page_url = "http://site/" + entry.site_path
        assert _absolute(str(filled), page_url) == _absolute(direct, page_url), entry.site_path
        marked = str(filled).count('aria-current="page"')
        assert marked == (0 if entry.site_path == f"{lang}/" else 1)  # home is above the nav
        checked += 1
    assert checked >= 50


def test_a_page_outside_the_nav_gets_the_nav_with_nothing_marked(state):
    links = Links(state.theme, "en/search/")
    html = str(state.nav_html(state.snapshot, "en", links, None))
    assert "<details" in html and " open" not in html and "aria-current" not in html
    assert "\x00" not in html


def test_fragment_keeps_only_the_markers_asked_for():
    marked = "<a\x00c1\x01 here\x00>x</a><b\x00o2\x01 open\x00\x00c3\x01 c\x00>"
    fragment = NavFragment.parse(marked)
    assert fragment.fill([]) == "<a>x</a><b>"
    assert fragment.fill(["o2", "c3"]) == "<a>x</a><b open c>"
    assert fragment.fill(["c1", "zz"]) == "<a here>x</a><b>"


def test_a_large_nav_is_pruned_to_the_sections_holding_the_page():
    config = load_config().with_options(nav_expand_limit=10)
    state = create_app(config, server_search=False).extensions["docsite"]
    entry = state.site.entries["en"]["user-guide/deploying/gunicorn.md"]
    html = str(state.nav_html(state.snapshot, "en", Links(state.theme, entry.site_path), entry))
    links = [urljoin("http://site/" + entry.site_path, h) for h in HREF.findall(html)]
    # the page's own sections are open, with their pages …
    assert html.count("<details open>") == 2 and "<details>" not in html
    assert "http://site/en/user-guide/deploying/waitress/" in links
    assert "http://site/en/user-guide/blueprints/" in links
    # … other sections are a link to their index, without their pages
    assert "http://site/en/tutorial/" in links
    assert not any(
        link.startswith("http://site/en/tutorial/") and link != "http://site/en/tutorial/"
        for link in links
    )
    assert html.count('aria-current="page"') == 1
    full_state = create_app(load_config(), server_search=False).extensions["docsite"]
    links = Links(full_state.theme, entry.site_path)
    full = str(full_state.nav_html(full_state.snapshot, "en", links, entry))
    assert len(html) < len(full) / 2
