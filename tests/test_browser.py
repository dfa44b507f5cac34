"""What a reader sees, in Debian's Chromium driven by Playwright, against the real server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from tests.conftest import (
    DESKTOP,
    PHONE,
    Server,
    run_cli,
    shot,
    start_server,
    static_http_server,
    stop_server,
    write_tree,
)


def test_dark_mode_toggle_is_remembered_without_a_flash(project_server: Server, page: Page):
    page.emulate_media(color_scheme="light")
    page.goto(project_server.base + "/en/user-guide/quickstart/")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.click(".theme-toggle")
    dark = page.evaluate(background)
    assert dark != light
    shot(page, "quickstart-en-dark")
    # Another page: the choice is applied by the inline head script before <body> exists,
    # so nothing is ever painted in the wrong theme.
    page.add_init_script(
        """
        new MutationObserver(() => {
          if (document.body && window.__themeAtBody === undefined) {
            window.__themeAtBody = document.documentElement.getAttribute("data-theme");
          }
        }).observe(document, {childList: true, subtree: true});
        """
    )
    page.goto(project_server.base + "/zh/tutorial/")
    assert page.evaluate("window.__themeAtBody") == "dark"
    assert page.evaluate(background) == dark
    page.click(".theme-toggle")
    page.reload()
    assert page.evaluate(background) == light


def test_system_dark_preference_is_followed(project_server: Server, page: Page):
    page.emulate_media(color_scheme="light")
    page.goto(project_server.base + "/en/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light


def test_language_switcher_keeps_page_and_section(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/blueprints/")
    anchor = page.eval_on_selector(".toc a", "a => a.getAttribute('href')")
    page.click(f".toc a[href='{anchor}']")
    page.click(".lang-switcher a[hreflang='zh-Hans']")
    page.wait_for_url(f"**/zh/user-guide/blueprints/{anchor}")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.locator(anchor).count() == 1


def test_copy_button_copies_code_without_prompts_or_output(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/quickstart/")
    blocks = page.locator(".codeblock[data-lang='console']")
    index = next(
        i for i in range(blocks.count()) if blocks.nth(i).locator(".go").count()
    )  # a console block that shows output
    block = blocks.nth(index)
    outputs = [t.strip() for t in block.locator(".go").all_inner_texts() if t.strip()]
    shown = block.locator("pre").inner_text().splitlines()
    commands = [line[2:].strip() for line in shown if line.startswith("$ ")]
    block.hover()
    block.locator(".copy-button").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    lines = [line.strip() for line in copied.splitlines() if line.strip()]
    assert lines == commands
    assert not any(output in lines for output in outputs)


def test_nav_marks_the_current_page_and_opens_its_section(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/deploying/gunicorn/")
    current = page.locator(".site-nav a[aria-current='page']")
    assert current.count() == 1
    assert current.evaluate("a => a.href") == page.url
    assert current.is_visible()
    # Only the sections holding the page are open; exactly one entry is marked.
    # (A section's name is its link beside the toggle, or the toggle's own text.)
    opened = page.locator(".site-nav details[open]").evaluate_all(
        """all => all.map(d => (d.parentElement.querySelector(':scope > .nav-section-link')
                                || d.querySelector(':scope > summary')).textContent.trim())"""
    )
    assert opened == ["User Guide", "Deploying"]
    toggles = page.locator(".site-nav details[open] > summary").all_inner_texts()
    assert toggles == ["Pages in User Guide", "Pages in Deploying"]
    assert page.locator(".site-nav .nav-current").count() == 1
    shot(page, "gunicorn-en-light")


def test_phone_width_has_a_nav_drawer_and_no_horizontal_overflow(project_server: Server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(project_server.base + "/zh/user-guide/quickstart/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        nav = page.locator("#site-nav")
        assert not nav.is_visible() or nav.bounding_box()["x"] < 0
        page.click(".nav-toggle")
        page.wait_for_timeout(300)
        assert nav.bounding_box()["x"] >= 0
        shot(page, "quickstart-zh-phone")
    finally:
        context.close()


def test_copy_button_copies_only_the_input_of_a_python_session(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/api/app/")
    block = page.locator(".codeblock[data-lang='pycon']:has(.gt)").first  # shows a traceback
    shown = block.locator("pre").inner_text().splitlines()
    typed = [line[4:] for line in shown if line.startswith((">>> ", "... "))]
    assert len(typed) < len(shown)
    block.hover()
    block.locator(".copy-button").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.splitlines() == typed
    assert "Traceback" not in copied and ">>>" not in copied
    page.wait_for_function("() => document.activeElement.textContent === 'Copied'")


def test_toc_highlights_the_section_being_read(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/quickstart/")
    links = page.locator(".toc a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) > 5
    active = "document.querySelector('.toc a.active')?.getAttribute('href')"
    for href in (hrefs[3], hrefs[len(hrefs) // 2]):
        page.evaluate(f"document.getElementById({href[1:]!r}).scrollIntoView()")
        page.wait_for_function(f"() => {active} === {href!r}")
        current = page.locator(".toc a[aria-current='location']")
        assert current.count() == 1 and current.get_attribute("href") == href
    # a little further down, inside that section: still the same entry
    page.mouse.wheel(0, 150)
    page.wait_for_timeout(200)
    assert page.evaluate(active) == hrefs[len(hrefs) // 2]
    # the end of the page: the last section, even when its heading cannot reach the top
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(f"() => {active} === {hrefs[-1]!r}")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(f"() => {active} === undefined")


def test_dark_choice_survives_a_new_visit(project_server: Server, browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    try:
        first = context.new_page()
        first.goto(project_server.base + "/en/")
        first.click(".theme-toggle")
        first.close()
        later = context.new_page()  # a new visit with the same browser profile
        later.goto(project_server.base + "/zh/api/app/")
        assert later.evaluate("document.documentElement.dataset.theme") == "dark"
        code = later.locator(".highlight .k, .highlight .kn").first
        assert code.evaluate("e => getComputedStyle(e).color") == "rgb(255, 123, 114)"
    finally:
        context.close()


ZONES = """() => {
  const e = document.activeElement;
  if (e.matches(".skip-link")) return "skip";
  if (e.id === "search-input") return "search";
  for (const [zone, sel] of [["lang", ".lang-switcher"], ["nav", "#site-nav"],
                             ["content", "main"], ["toc", ".toc"]]) {
    if (e.closest(sel)) return zone;
  }
  return "other:" + e.tagName.toLowerCase() + "." + e.className;
}"""


def test_keyboard_reaches_everything_in_reading_order(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/deploying/gunicorn/")
    seen: list[str] = []
    for _ in range(300):
        page.keyboard.press("Tab")
        zone = page.evaluate(ZONES)
        if zone.startswith("other:"):
            assert zone in ("other:a.site-title", "other:button.theme-toggle"), zone
            continue
        if not seen or seen[-1] != zone:
            seen.append(zone)
        if zone == "toc":
            break
    assert seen == ["skip", "search", "lang", "nav", "content", "toc"]
    # every focused thing shows a visible focus ring
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_skip_link_nav_toggles_and_language_switcher_work_by_keyboard(
    project_server: Server, page: Page
):
    page.goto(project_server.base + "/en/user-guide/deploying/gunicorn/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # a closed nav section opens with Enter on its toggle, and its pages can be tabbed to
    closed = page.locator("#site-nav details:not([open]) > summary.nav-expander").first
    closed = closed.element_handle()
    closed.focus()
    page.keyboard.press("Enter")
    assert closed.evaluate("s => s.parentElement.open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('details') !== null")
    assert page.evaluate("document.activeElement.checkVisibility()")
    # the language switcher: focus the other language, Enter goes to the same page there
    page.focus(".lang-switcher a[hreflang='zh-Hans']")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/zh/user-guide/deploying/gunicorn/" in url)


def wait_for_results_of(page: Page, query: str) -> None:
    """Wait for the results of the whole query: on a busy machine a pause between two keys
    shows the results of the first letters, which the full query's results then replace."""
    encoded = quote(query, safe="")
    page.locator(f"#search-popup a.search-popup-more[href$='q={encoded}']").wait_for(
        state="attached", timeout=15_000
    )


def test_search_popup_keys(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/user-guide/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("blueprint", delay=20)
    wait_for_results_of(page, "blueprint")
    options = page.locator("#search-popup [role='option']")
    options.first.wait_for(state="visible", timeout=15_000)
    count = options.count()
    assert page.get_attribute("#search-input", "aria-expanded") == "true"
    page.keyboard.press("ArrowUp")  # from nothing selected, up wraps to the last option
    assert options.nth(count - 1).get_attribute("aria-selected") == "true"
    assert page.get_attribute("#search-input", "aria-activedescendant") == "search-option-more"
    page.keyboard.press("ArrowDown")  # and down wraps to the first
    assert options.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    second = options.nth(1).evaluate("a => a.href")
    page.keyboard.press("Escape")
    assert page.locator("#search-popup").is_hidden()
    assert page.get_attribute("#search-input", "aria-expanded") == "false"
    assert page.input_value("#search-input") == "blueprint"  # closing keeps the query
    page.keyboard.press("ArrowDown")  # opens the results again, nothing selected
    options.first.wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(second)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_layout_drawer_toc_and_no_overflow(project_server: Server, browser, lang):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for path in ("", "user-guide/quickstart/", "api/app/", "search/?q=flask"):
            page.goto(f"{project_server.base}/{lang}/{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"/{lang}/{path} is {width}px wide"
            assert page.locator("#search-input").is_visible()  # search has a row of its own
        page.goto(f"{project_server.base}/{lang}/user-guide/quickstart/")
        # the TOC sits folded above the article
        toc, title = page.locator(".toc-box"), page.locator("article h1")
        assert toc.bounding_box()["y"] < title.bounding_box()["y"]
        assert toc.evaluate("d => d.open") is False
        page.click(".toc summary")
        link = page.locator(".toc a").nth(2)
        href = link.get_attribute("href")
        link.click()
        page.wait_for_function(f"() => location.hash === {href!r}")
        assert toc.evaluate("d => d.open") is False  # folds again after a jump
        top = page.evaluate(f"document.getElementById({href[1:]!r}).getBoundingClientRect().top")
        header = page.locator(".site-header").bounding_box()
        assert header["y"] + header["height"] <= top < 300  # not hidden under the header
        # the nav drawer: hidden, opened by the menu button, closed by Escape
        nav, button = page.locator("#site-nav"), page.locator(".nav-toggle")
        assert not nav.is_visible()
        button.click()
        page.wait_for_function(
            "() => document.getElementById('site-nav').getBoundingClientRect().x >= 0"
        )
        assert nav.locator("a[aria-current='page']").is_visible()
        assert button.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")
        nav.wait_for(state="hidden")
        assert button.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.className") == "nav-toggle"
    finally:
        context.close()


def test_no_render_blocking_scripts_and_no_third_party_requests(project_server: Server, page: Page):
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    for path in (
        "/en/",
        "/zh/user-guide/quickstart/",
        "/en/search/?q=flask",
        "/zh/translation-status/",
    ):
        page.goto(project_server.base + path)
        page.wait_for_load_state("networkidle")
        blocking = page.evaluate(
            """() => [...document.querySelectorAll("script[src]")]
                 .filter(s => !s.defer && !s.async).map(s => s.src)"""
        )
        assert blocking == []
        inline = page.evaluate("[...document.querySelectorAll('script:not([src])')].length")
        assert inline == 1  # the theme choice, before anything is painted
        assert page.locator("[style]").count() == 0  # nothing a style-src policy would block
    assert hosts == {project_server.base.split("/")[2]}


def test_print_shows_the_content_only_with_link_addresses(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/")
    page.click(".theme-toggle")  # dark on screen; paper is always light
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    for hidden in (".site-header", "#site-nav", ".site-footer", ".page-meta"):
        if page.locator(hidden).count():
            assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none"
    outside = page.locator("article a[href^='http']").first
    shown = outside.evaluate("a => getComputedStyle(a, '::after').content")
    assert outside.get_attribute("href") in shown
    inside = page.locator("article a:not([href^='http']):not([href^='#'])").first
    assert inside.evaluate("a => getComputedStyle(a, '::after').content") == "none"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_home_and_a_long_page(
    project_server: Server, browser, name, viewport, scheme
):
    """Pictures for people (test-artifacts/), and the basics every one of them must show."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    try:
        for lang in ("en", "zh"):
            for label, path in (("home", ""), ("quickstart", "user-guide/quickstart/")):
                page.goto(f"{project_server.base}/{lang}/{path}")
                page.evaluate("document.fonts.ready")
                shot(page, f"{label}-{lang}-{scheme}-{name}")
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                channels = [int(c) for c in background[4:-1].split(",")[:3]]
                assert (sum(channels) < 150) == (scheme == "dark"), background
                if label == "quickstart":
                    assert page.locator(".toc summary").is_visible()
    finally:
        context.close()


# --- search, as a reader uses it -------------------------------------------------------------


@pytest.fixture(scope="module")
def frozen_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project built with `build --base-url /docs/`, served by python -m http.server."""
    root = tmp_path_factory.mktemp("frozen")
    result = run_cli("build", "--out", str(root / "docs"), "--base-url", "/docs/")
    assert result.returncode == 0, result.stderr
    with static_http_server(root) as base:
        yield base + "/docs"


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("/zh/", "蓝图", "/zh/user-guide/blueprints/"),
        ("/en/user-guide/quickstart/", "application factory", "/en/patterns/appfactories/"),
    ],
)
@pytest.mark.parametrize("where", ["live", "frozen"])
def test_search_box_finds_and_follows_the_first_result(
    request, page: Page, where, start, query, expected
):
    base = (
        request.getfixturevalue("project_server").base
        if where == "live"
        else request.getfixturevalue("frozen_site")
    )
    page.goto(base + start)
    page.keyboard.press("/")  # focuses the search box
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type(query, delay=30)
    wait_for_results_of(page, query)
    first = page.locator("#search-popup [role='option']").first
    first.wait_for(state="visible", timeout=15_000)
    assert page.locator("#search-popup mark").count() >= 1
    shot(page, f"search-{where}-{expected.split('/')[1]}")
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{expected}**")
    fragment = page.evaluate("location.hash")
    if fragment:
        assert page.locator(f"[id='{fragment[1:]}']").count() == 1


def test_escape_closes_the_results(project_server: Server, page: Page):
    page.goto(project_server.base + "/en/")
    page.fill("#search-input", "template")
    page.locator("#search-popup [role='option']").first.wait_for(state="visible")
    page.keyboard.press("Escape")
    assert page.locator("#search-popup").is_hidden()


def test_frozen_search_page_and_download_size(frozen_site: str, page: Page):
    downloaded: list[int] = []
    page.on(
        "response",
        lambda r: downloaded.append(len(r.body())) if "/_search/" in r.url else None,
    )
    page.goto(frozen_site + "/zh/search/?q=" + "请求上下文")
    hit = page.locator(".search-hits .search-hit a").first
    hit.wait_for(state="visible", timeout=15_000)
    assert "/zh/user-guide/reqcontext/" in hit.get_attribute(
        "href"
    ) or "reqcontext" in hit.evaluate("a => a.href")
    assert 0 < sum(downloaded) < 400_000


XSS_QUERIES = [
    "<script>window.__xss = 1; alert(1)</script>",
    '"><img src=x onerror="window.__xss = 2; alert(2)">',
    'blueprint </title><svg onload="window.__xss = 3; alert(3)">',
    "blueprint</textarea><img src=x onerror=alert(4)>",
    "javascript:alert(5)",
]


@pytest.mark.parametrize("where", ["live", "frozen"])
def test_no_script_runs_from_a_search_query(request, page: Page, where):
    base = (
        request.getfixturevalue("project_server").base
        if where == "live"
        else request.getfixturevalue("frozen_site")
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for q in XSS_QUERIES:
        page.goto(f"{base}/en/search/?q={quote(q)}")
        page.wait_for_selector(".search-hit, .search-empty", timeout=15_000)
        if q.startswith("blueprint"):  # results and their snippets are on the page
            assert page.locator(".search-hit mark").count() >= 1, q
        page.fill("#search-input", q)
        page.wait_for_selector(
            "#search-popup [role='option'], #search-popup .search-popup-empty", timeout=15_000
        )
        assert page.evaluate("window.__xss") is None, q
    page.goto(f"{base}/en/{quote(XSS_QUERIES[1])}/")  # the 404 page
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


# --- live editing ------------------------------------------------------------------------------


def test_saved_markdown_appears_in_the_open_page_by_itself(tmp_path, page: Page):
    long_text = "\n\n".join(f"Paragraph {n} of filler text to scroll past." for n in range(120))
    source = f"---\ntitle: Live\n---\n{long_text}\n\n## End {{#end}}\n\nOriginal ending.\n"
    content = write_tree(tmp_path / "content", {"en/index.md": "# Home\n", "en/live.md": source})
    server = start_server(["serve", "--content", str(content)])
    try:
        page.goto(server.base + "/en/live/")
        page.wait_for_function("window.__docsiteLive && window.__docsiteLive.readyState === 1")
        page.evaluate("window.scrollTo(0, 1500)")
        (content / "en" / "live.md").write_text(
            source.replace("Original ending.", "Edited while you watched."), encoding="utf-8"
        )
        page.wait_for_selector("text=Edited while you watched.", timeout=15_000)
        page.wait_for_function("window.scrollY > 1000", timeout=5_000)
        assert abs(page.evaluate("window.scrollY") - 1500) < 50
    finally:
        stop_server(server)
