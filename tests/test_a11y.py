"""Accessibility: axe-core in Chromium finds no serious or critical problem, in light and dark.

The default theme is checked on the live server (home, a long user-guide page, an API page,
search results and the 404 page, in both languages), the classic theme on its frozen build.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import DESKTOP, PHONE, Server

SAMPLE = {
    "home": "/{lang}/",
    "long-page": "/{lang}/user-guide/quickstart/",
    "api": "/{lang}/api/app/",
    "search": "/{lang}/search/?q={query}",
    "404": "/{lang}/no-such-page/",
}
QUERIES = {"en": "blueprint", "zh": "蓝图"}
BLOCKING = ("serious", "critical")


def axe_problems(page: Page, axe_source: str) -> list[str]:
    """The serious and critical violations axe finds in the page as it is now, one per line."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            problems.append(
                f"{violation['impact']} {violation['id']}: {json.dumps(node['target'])} {summary}"
            )
    return problems


def check_both_schemes(page: Page, url: str, axe_source: str) -> None:
    failures = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        problems = axe_problems(page, axe_source)
        failures += [f"{url} [{scheme}] {p}" for p in problems]
    assert failures == [], "axe found:\n" + "\n".join(failures)


@pytest.fixture
def fresh_page(browser: Browser):
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses
    # (rightly); test_browser.py checks that the theme itself never trips the policy.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", list(SAMPLE))
def test_default_theme_has_no_serious_violations(
    project_server: Server, fresh_page: Page, axe_source: str, kind: str, lang: str
):
    url = project_server.base + SAMPLE[kind].format(lang=lang, query=QUERIES[lang])
    response = fresh_page.goto(url)
    assert response is not None and response.status == (404 if kind == "404" else 200)
    check_both_schemes(fresh_page, url, axe_source)


def test_open_search_popup_and_phone_layout_have_no_serious_violations(
    project_server: Server, browser: Browser, axe_source: str
):
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(project_server.base + "/zh/")
        page.fill("#search-input", "蓝图")
        page.locator("#search-popup [role='option']").first.wait_for(state="visible")
        page.keyboard.press("ArrowDown")
        check_both_schemes(page, "/zh/ with the search popup open", axe_source)
    finally:
        context.close()
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(project_server.base + "/en/user-guide/quickstart/")
        page.click(".nav-toggle")
        page.locator("#site-nav a").first.wait_for(state="visible")
        check_both_schemes(page, "/en/user-guide/quickstart/ on a phone, drawer open", axe_source)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_page_on_a_phone_has_no_serious_violations(
    project_server: Server, browser: Browser, axe_source: str, lang: str
):
    """The home page's hero and cards, laid out for a phone, light and dark."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{project_server.base}/{lang}/")
        assert page.locator(".hero .button-primary").is_visible()
        assert page.locator(".card").count() >= 5
        check_both_schemes(page, f"/{lang}/ on a phone", axe_source)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/en/", "/zh/", "/en/user-guide/quickstart/", "/zh/api/app/"])
def test_classic_theme_has_no_serious_violations(
    classic_site: str, fresh_page: Page, axe_source: str, path: str
):
    fresh_page.goto(classic_site + path)
    assert fresh_page.locator("link[href*='css/classic.']").count() == 1
    check_both_schemes(fresh_page, "classic " + path, axe_source)


def test_axe_reports_what_it_should(project_server: Server, fresh_page: Page, axe_source: str):
    """The check can fail: an image without alt text and grey-on-grey text are caught."""
    fresh_page.goto(project_server.base + "/en/")
    fresh_page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const img = document.createElement("img");
          img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
          main.appendChild(img);
          const faint = document.createElement("p");
          faint.textContent = "Hard to read";
          faint.className = "faint";
          main.appendChild(faint);
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(".faint { color: #bbb; background: #ccc; }");
          document.adoptedStyleSheets = [sheet];
        }"""
    )
    problems = axe_problems(fresh_page, axe_source)
    assert any("image-alt" in p for p in problems), problems
    assert any("color-contrast" in p and "faint" in p for p in problems), problems
