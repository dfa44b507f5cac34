"""An API reference page as a reader sees it, in both languages, light and dark (Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import Server, shot


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_api_page_reads_well(project_server: Server, page: Page, lang: str, scheme: str):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{project_server.base}/{lang}/api/app/#flask.Flask.route")
    route = page.locator('[id="flask.Flask.route"]')
    route.wait_for()
    # the object's heading, its signature and its parameters, inside the page's column
    assert route.is_visible()
    width = page.viewport_size["width"]
    boxes = page.eval_on_selector_all(
        ".api-signature, .api-object h3, .api-object table",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })",
    )
    assert boxes and all(left >= 0 and right <= width for left, right in boxes)
    # the page does not scroll sideways as a whole (a long signature scrolls in its own box)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toc = page.locator('.toc a[href="#flask.Flask.route"]')
    assert toc.count() == 1  # each object is in the table of contents
    shot(page, f"api-app-{lang}-{scheme}")
    docstring = route.locator("xpath=..").locator(".api-docstring").first.inner_text()
    # the docstring in the page's language (zh from the page's catalog), code as it is
    assert ("装饰一个视图函数" if lang == "zh" else "Decorate a view function") in docstring
