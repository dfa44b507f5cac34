"""The home page: a logo, a hero and a card per section of the nav, in both languages and both
colour schemes, at desktop and phone widths; the classic theme keeps a quieter one."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser

from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import Server, http_get, shot

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def site() -> Site:
    config = load_config()
    return Site(config, Theme(config).gettext)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_has_a_logo_a_hero_and_a_card_per_section(
    project_server: Server, browser: Browser, site: Site, lang: str, width: str, scheme: str
):
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    try:
        page.goto(f"{project_server.base}/{lang}/")
        page.evaluate("document.fonts.ready")
        for logo in (".hero-logo", ".site-logo"):  # our SVG, loaded, in the hero and header
            assert page.locator(logo).evaluate("i => i.complete && i.naturalWidth > 0"), logo
            assert page.locator(logo).get_attribute("src").endswith(".svg")
        home = site.entries[lang]["index.md"]
        assert page.locator("h1").all_inner_texts() == [home.page.title]
        assert page.locator(".hero-lead").inner_text() == home.page.meta["meta"]
        sections = [node for node in site.nav[lang].children if node.children]
        cards = page.locator(".cards .card")
        assert cards.count() == len(sections) >= 5
        titles = page.locator(".card-title a").all_inner_texts()
        assert titles == [node.title for node in sections]
        for node, href in zip(
            sections,
            page.locator(".card-title a").evaluate_all("all => all.map(a => a.href)"),
            strict=True,
        ):
            assert href == f"{project_server.base}/{node.entry.site_path}"
        # everything in view, nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
        outside = page.evaluate(
            """() => [...document.querySelectorAll('.hero, .hero *, .card, .site-header *')]
                 .filter(e => e.getClientRects().length)
                 .filter(e => { const b = e.getBoundingClientRect();
                   return b.left < -0.5 || b.right > document.documentElement.clientWidth + 0.5; })
                 .map(e => e.className)"""
        )
        assert outside == []
        shot(page, f"home-new-{lang}-{width}-{scheme}", full_page=True)
        # the way in: the first page in reading order, and the cards
        start = page.locator(".hero-actions .button-primary")
        assert start.evaluate("a => a.href") == f"{project_server.base}/{lang}/user-guide/"
        page.click(".hero-actions a[href='#home-sections']")
        page.wait_for_function("() => location.hash === '#home-sections'")
        page.locator(".card").nth(1).click(position={"x": 30, "y": 90})  # anywhere on a card
        page.wait_for_url(f"**/{sections[1].entry.site_path}")
    finally:
        context.close()


def test_the_whole_card_is_one_link_reached_by_keyboard(project_server: Server, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(project_server.base + "/en/")
        page.locator(".card-title a").first.focus()
        focused = page.evaluate("document.activeElement.closest('.card') !== null")
        assert focused
        ring = page.locator(".card").first.evaluate("c => getComputedStyle(c).outlineStyle")
        assert ring != "none"  # the focused card shows it
        assert page.locator(".card a").count() == page.locator(".card").count()  # one stop each
        page.keyboard.press("Enter")
        page.wait_for_url("**/en/user-guide/")
    finally:
        context.close()


def test_the_classic_home_is_quieter(classic_site: str, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for lang in ("en", "zh"):
            page.goto(f"{classic_site}/{lang}/")
            assert page.locator(".hero").count() == 0
            assert page.locator("h1").count() == 1
            assert page.locator(".card-title a").count() >= 5
            assert page.locator(".card").first.evaluate("c => getComputedStyle(c).boxShadow") in (
                "none",
                "",
            )
            shot(page, f"home-classic-{lang}", full_page=True)
    finally:
        context.close()


def test_the_logo_is_served_as_an_svg_of_our_own(project_server: Server):
    page = project_server.get("/en/").text
    start = page.index('class="site-logo" src="') + len('class="site-logo" src="')
    src = page[start : page.index('"', start)]
    logo = http_get(urljoin(f"{project_server.base}/en/", src))
    assert logo.status == 200 and logo.headers["content-type"].startswith("image/svg+xml")
    assert logo.text.startswith("<svg") and "<script" not in logo.text and "href" not in logo.text
