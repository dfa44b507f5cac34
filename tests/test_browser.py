"""What a reader sees, in Debian's Chromium driven by Playwright, against the real server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import (
    ROOT,
    Server,
    run_cli,
    start_server,
    static_http_server,
    stop_server,
    write_tree,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports every script, style or request the Content-Security-Policy refuses.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations: {errors}"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


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
    opened = page.locator(".site-nav details[open] > summary").all_inner_texts()
    assert opened == ["User Guide", "Deploying"]
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
        ("/en/user-guide/quickstart/", "blueprint", "/en/user-guide/blueprints/"),
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
