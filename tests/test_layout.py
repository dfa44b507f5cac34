"""What a first visit shows, measured in Chromium at 1280 and 390 px, light and dark: nothing
clipped or pushed out of view, a drawer that sets itself apart from the page, progress bars
level with their numbers, and one set of disclosure icons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import Server, shot

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=[f"{w}-{s}" for w in WIDTHS for s in ("light", "dark")])
def view(request, browser: Browser) -> Iterator[tuple[Page, str]]:
    """A page at one of the widths, in one colour scheme; its name for screenshots."""
    name, scheme = request.param.split("-")
    context = browser.new_context(
        viewport={"width": WIDTHS[name], "height": 800}, color_scheme=scheme
    )
    page = context.new_page()
    yield page, request.param
    context.close()


CLIPPED_TOC = """() => [...document.querySelectorAll('.toc a')].filter(a => {
  const box = a.getBoundingClientRect(), toc = document.querySelector('.toc');
  return a.scrollWidth > a.clientWidth + 1 || box.right > toc.getBoundingClientRect().right + 1
    || box.right > document.documentElement.clientWidth;
}).map(a => a.textContent)"""


def test_toc_entries_are_never_clipped(project_server: Server, view):
    page, name = view
    page.goto(project_server.base + "/en/api/app/")
    if page.evaluate("!document.querySelector('.toc-box').open"):
        page.click(".toc summary")  # folded above the article on narrow screens
    entries = page.locator(".toc a").all_inner_texts()
    assert "permanent_session_lifetime" in entries  # among the longest entries
    assert page.evaluate(CLIPPED_TOC) == []
    toc = page.locator(".toc")
    assert toc.evaluate("t => t.scrollWidth <= t.clientWidth")
    page.locator(".toc a", has_text="permanent_session_lifetime").scroll_into_view_if_needed()
    shot(page, f"toc-api-{name}")


OUTSIDE = """() => [...document.querySelectorAll('.site-header > *, .site-header .lang-link')]
  .filter(e => e.getClientRects().length)
  .filter(e => { const b = e.getBoundingClientRect();
                 return b.left < 0 || b.right > document.documentElement.clientWidth; })
  .map(e => e.className)"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_header_shows_the_whole_title_and_every_control(project_server: Server, view, lang):
    page, name = view
    page.goto(f"{project_server.base}/{lang}/user-guide/")
    title = page.locator(".site-title")
    assert title.evaluate("t => t.scrollWidth <= t.clientWidth"), title.inner_text()
    assert page.evaluate(OUTSIDE) == []
    for selector in (".site-title", ".lang-switcher", ".theme-toggle", "#search-input"):
        assert page.locator(selector).is_visible(), selector
    shot(page, f"header-{lang}-{name}")


BACKDROP_AT = """([x, y]) => {
  const e = document.elementFromPoint(x, y);
  const nav = document.getElementById('site-nav');
  const colour = getComputedStyle(e).backgroundColor;
  const alpha = colour.startsWith('rgba') ? parseFloat(colour.split(',')[3]) : 1;
  return {inNav: nav.contains(e), inMain: !!e.closest('main'), alpha, cls: e.className};
}"""


def test_open_drawer_has_a_backdrop_and_a_shadow(project_server: Server, browser: Browser):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(project_server.base + "/en/user-guide/quickstart/")
            button, nav = page.locator(".nav-toggle"), page.locator("#site-nav")
            button.click()
            page.wait_for_function(
                "() => document.getElementById('site-nav').getBoundingClientRect().x >= 0"
            )
            page.wait_for_timeout(300)  # the end of the slide
            nav_box = nav.bounding_box()
            assert nav_box and nav_box["width"] < 390
            beside = page.evaluate(BACKDROP_AT, [350, 500])  # right of the drawer
            assert not beside["inNav"] and not beside["inMain"], beside  # the page is covered
            assert beside["alpha"] >= 0.3, beside  # and visibly dimmed
            assert nav.evaluate("n => getComputedStyle(n).boxShadow") != "none"
            shot(page, f"drawer-open-{scheme}")
            page.keyboard.press("Escape")  # closes it, focus back on the button
            nav.wait_for(state="hidden")
            assert page.evaluate("document.activeElement.className") == "nav-toggle"
            after = page.evaluate(BACKDROP_AT, [350, 500])
            assert after["inMain"], after
            button.click()  # a click on the backdrop closes it too
            page.wait_for_function(
                "() => document.getElementById('site-nav').getBoundingClientRect().x >= 0"
            )
            page.mouse.click(350, 500)
            nav.wait_for(state="hidden")
            assert button.get_attribute("aria-expanded") == "false"
        finally:
            context.close()


BARS = """() => [...document.querySelectorAll('.status-table tbody tr')]
  .filter(row => row.querySelector('svg.progress')).map(row => {
  const bar = row.querySelector('svg.progress').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(row.cells[2]);
  const text = range.getBoundingClientRect();
  return [(bar.top + bar.bottom) / 2, (text.top + text.bottom) / 2];
})"""


def test_progress_bars_are_level_with_their_numbers(project_server: Server, view):
    page, name = view
    page.goto(project_server.base + "/zh/translation-status/")
    rows = page.evaluate(BARS)
    assert len(rows) >= 5
    assert [round(bar - text) for bar, text in rows if abs(bar - text) > 2] == []
    shot(page, f"status-zh-{name}")


ICON = """e => { const s = getComputedStyle(e, '::before');
  return [s.width, s.height, s.borderTopWidth, s.borderRightWidth, s.borderBottomWidth,
          s.borderLeftWidth, s.content]; }"""


def test_disclosure_icons_are_one_set(project_server: Server, view):
    page, name = view
    page.goto(project_server.base + "/en/api/app/")
    toc = page.locator(".toc summary")
    # no browser marker (the default ▶/▼ triangle) beside "On this page"
    assert toc.evaluate("s => getComputedStyle(s).display") != "list-item"
    assert toc.evaluate("s => getComputedStyle(s, '::marker').content") in ("none", "normal", "")
    if name.startswith("phone"):
        page.click(".nav-toggle")
    closed = page.locator(".site-nav details:not([open]) > summary.nav-expander").first
    opened = page.locator(".site-nav details[open] > summary.nav-expander").first
    icons = [s.evaluate(ICON) for s in (toc, closed, opened)]
    assert icons[0][-1] not in ("none", "normal")  # the TOC has an icon of its own
    assert icons[0] == icons[1] == icons[2], icons  # one shape, size and weight for all
    turned = [
        s.evaluate("e => getComputedStyle(e, '::before').transform") for s in (closed, opened)
    ]
    assert turned[0] != turned[1]  # open and closed differ by the icon's turn only


@pytest.mark.parametrize("width", [320, 481, 639, 700, 801])
def test_header_fits_between_the_breakpoints(project_server: Server, browser: Browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 600})
    page = context.new_page()
    try:
        for lang in ("en", "zh"):
            page.goto(f"{project_server.base}/{lang}/user-guide/")
            title = page.locator(".site-title")
            assert title.evaluate("t => t.scrollWidth <= t.clientWidth"), (width, lang)
            assert page.evaluate(OUTSIDE) == [], (width, lang)
            search = page.locator("#search-input").bounding_box()
            assert search and search["width"] >= 140, (width, lang, search)
    finally:
        context.close()
