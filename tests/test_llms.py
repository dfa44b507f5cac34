"""The site for AI assistants and tools: llms.txt, llms-full.txt, a Markdown copy of every page
(frozen and served), and the "Copy page as Markdown" button in Chromium, in both themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from playwright.sync_api import Browser, Page

from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import DESKTOP, PHONE, Server, http_get, run_cli, shot

BASE = "https://docs.example.org/flask/"
# an independent CommonMark parser (not docsite's), with the block syntax the pages use
PARSER = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(admon_plugin)
    .use(deflist_plugin)
    .use(footnote_plugin)
)
LLMS_ITEM = re.compile(
    r"^- \[(?P<title>(?:[^\]\\]|\\.)+)\]\((?P<url>[^)\s]+)\)(?:: (?P<note>.+))?$"
)


@pytest.fixture(scope="module")
def site() -> Site:
    config = load_config()
    return Site(config, Theme(config).gettext)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("llms") / "site"
    result = run_cli("build", "--out", str(out), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    return out


def links_of(markdown: str) -> list[str]:
    """Every link and image address of a Markdown text, as a CommonMark parser reads it."""
    found = []
    stack = PARSER.parse(markdown)
    while stack:
        token = stack.pop()
        if token.type == "link_open":
            found.append(str(token.attrGet("href")))
        elif token.type == "image":
            found.append(str(token.attrGet("src")))
        stack.extend(token.children or [])
    return found


def test_every_page_has_a_clean_markdown_copy_with_absolute_links(built: Path, site: Site):
    checked = 0
    for entry in site.all_entries():
        folder = built / entry.site_path
        assert (folder / "index.html").is_file()
        text = (folder / "index.md").read_text("utf-8")
        assert text.startswith("# "), entry.site_path  # the title, not the front matter
        source = entry.page.source_file.read_text("utf-8").splitlines()
        front_matter = "\n".join(source[: entry.page.body_line - 1]).strip()
        assert "title:" in front_matter and front_matter not in text, entry.site_path
        tokens = PARSER.parse(text)
        headings = [t.content for i, t in enumerate(tokens) if tokens[i - 1].type == "heading_open"]
        assert headings and not [h for h in headings if re.search(r"\{#[^}]*\}$", h)]
        links = links_of(text)
        relative = [href for href in links if not href.startswith(("https://", "http://"))]
        relative = [href for href in relative if not href.startswith("mailto:")]
        assert relative == [], f"{entry.site_path}index.md: {relative}"
        internal = [href for href in links if href.startswith(BASE)]
        for href in internal:  # every link to the site names something the build holds
            path = href[len(BASE) :].split("#")[0]
            target = built / path
            assert (target / "index.html").is_file() or target.is_file(), href
        checked += bool(internal)
    assert checked > 50  # most pages link to others


def test_a_markdown_copy_keeps_the_page_text_and_its_code(built: Path):
    text = (built / "en" / "user-guide" / "quickstart" / "index.md").read_text("utf-8")
    source = (Path("content") / "en" / "user-guide" / "quickstart.md").read_text("utf-8")
    fences = re.findall(r"^```.*?^```", source, re.M | re.S)
    assert fences and all(fence in text for fence in fences)  # code exactly as written
    assert f"]({BASE}en/user-guide/installation/)" in text


def test_llms_txt_lists_every_page_with_its_description(built: Path, site: Site):
    for lang in site.config.languages:
        text = (built / lang / "llms.txt").read_text("utf-8")
        lines = text.splitlines()
        assert lines[0] == f"# {site.config.title(lang)}"
        assert lines[2].startswith("> ") and len(lines[2]) > 20
        assert f"{BASE}{lang}/llms-full.txt" in text
        items = [LLMS_ITEM.match(line) for line in lines if line.startswith("- ")]
        assert all(items), [line for line in lines if line.startswith("- ")]
        listed = [m["url"] for m in items if m]
        expected = [BASE + entry.site_path + "index.md" for entry in site.navs[lang].order]
        assert listed == expected  # every page once, in reading order
        for match, entry in zip(items, site.navs[lang].order, strict=True):
            assert match and (match["note"] or "") == " ".join(
                str(entry.page.meta.get("meta", "")).split()
            )
        assert len(re.findall(r"^## ", text, re.M)) >= 5  # the nav's sections
    root = (built / "llms.txt").read_text("utf-8")
    assert root.startswith("# ") and "\n> " in root
    for lang in site.config.languages:
        assert f"]({BASE}{lang}/llms.txt)" in root


def test_llms_full_holds_every_page_in_reading_order(built: Path, site: Site):
    for lang in site.config.languages:
        full = (built / lang / "llms-full.txt").read_text("utf-8")
        sources = re.findall(r"^Source: (\S+)$", full, re.M)
        assert sources == [BASE + entry.site_path for entry in site.navs[lang].order]
        for entry in site.navs[lang].order[:5]:
            copy = (built / entry.site_path / "index.md").read_text("utf-8")
            body = copy.split("\n", 1)[1].strip()  # the copy below its title
            assert body in full


def test_robots_and_sitemap_block_nothing_new(built: Path):
    robots = (built / "robots.txt").read_text("utf-8")
    assert "Disallow" not in robots and "Allow: /" in robots


def test_the_server_serves_the_same_files(project_server: Server):
    page = project_server.get("/en/user-guide/quickstart/index.md")
    assert page.status == 200
    assert page.headers["content-type"] == "text/markdown; charset=utf-8"
    assert page.text.startswith("# Quickstart") or page.text.startswith("# ")
    assert "](/en/user-guide/installation/)" in page.text  # site-absolute without a host
    index = project_server.get("/zh/llms.txt")
    assert index.status == 200 and index.headers["content-type"].startswith("text/plain")
    assert "](/zh/user-guide/quickstart/index.md)" in index.text
    assert project_server.get("/llms.txt").status == 200
    assert project_server.get("/en/llms-full.txt").status == 200
    assert project_server.get("/en/no-such-page/index.md").status == 404
    assert project_server.get("/xx/llms.txt").status == 404
    html = project_server.get("/en/user-guide/quickstart/").text
    assert '<link rel="alternate" type="text/markdown" href="index.md">' in html


# --- the copy button, in Chromium ------------------------------------------------------------


def copy_and_read(page: Page, use_keyboard: bool) -> str:
    button = page.locator(".copy-page")
    button.wait_for(state="visible")
    assert button.evaluate("b => b.tagName") == "BUTTON"
    assert "Markdown" in button.inner_text() or "Markdown" in (
        button.get_attribute("aria-label") or ""
    )
    if use_keyboard:
        button.focus()
        page.keyboard.press("Enter")
    else:
        button.click()
    status = page.locator(".copy-page-status[role='status']")
    page.wait_for_function(
        "() => document.querySelector('.copy-page-status').textContent.trim() !== ''"
    )
    assert status.inner_text().strip()
    return str(page.evaluate("navigator.clipboard.readText()"))


def test_copy_button_copies_the_page_markdown(project_server: Server, page: Page):
    page.goto(project_server.base + "/zh/user-guide/blueprints/")
    copied = copy_and_read(page, use_keyboard=False)
    assert copied == project_server.get("/zh/user-guide/blueprints/index.md").text
    shot(page, "copy-page-zh")
    page.goto(project_server.base + "/en/api/app/")
    copied = copy_and_read(page, use_keyboard=True)  # Enter on the focused button
    assert copied == project_server.get("/en/api/app/index.md").text


def test_copy_button_works_in_the_classic_theme(classic_site: str, browser: Browser):
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(classic_site + "/en/tutorial/layout/")
        copied = copy_and_read(page, use_keyboard=False)
        assert copied == http_get(classic_site + "/en/tutorial/layout/index.md").text
        box = page.locator(".copy-page").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    finally:
        context.close()


def test_copy_button_is_in_view_on_a_desktop(project_server: Server, browser: Browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(project_server.base + "/en/user-guide/quickstart/")
        box = page.locator(".copy-page").bounding_box()
        article = page.locator("article").bounding_box()
        assert box and article and box["y"] < article["y"]
        assert box["x"] + box["width"] <= article["x"] + article["width"] + 1
    finally:
        context.close()
