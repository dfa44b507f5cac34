"""A site opened from disk: `build --offline` (links to index.html, the search index loaded as
scripts), and what the normal build's search says when it is opened from `file://`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from docsite import urls
from tests.conftest import run_cli
from tests.test_freeze import parse


def test_a_url_style_names_pages_by_folder_or_by_index_file():
    assert urls.relative_url("en/a/b/", "en/c/") == "../../c/"
    assert urls.relative_url("en/a/b/", "en/c/", urls.FILE) == "../../c/index.html"
    assert urls.relative_url("en/a/", "", urls.FILE) == "../../index.html"
    assert urls.relative_url("en/a/", "en/a/", urls.FILE) == "index.html"
    assert urls.relative_url("en/a/", "_static/x.css", urls.FILE) == "../../_static/x.css"
    assert urls.root_prefix("en/a/") == "../../"  # a folder, whatever the style
    assert urls.absolute_url("/docs/", "en/", urls.FILE) == "/docs/en/index.html"


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "site"
    result = run_cli("build", "--offline", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").resolve().as_uri() in result.stderr  # where to open it
    return out


@pytest.fixture(scope="module")
def normal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("normal") / "site"
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def internal_links(site: Path) -> list[tuple[Path, str]]:
    """Every (page, link) of the site's HTML that stays on the site."""
    found = []
    for file in sorted(site.rglob("*.html")):
        for ref in parse(file).refs:
            if not urlsplit(ref).scheme and not ref.startswith(("//", "#", "?")):
                found.append((file, ref))
    return found


def test_every_link_of_the_offline_build_names_a_file_that_exists(offline_site: Path):
    links = [(f, ref) for f, ref in internal_links(offline_site) if f.name != "404.html"]
    assert len(links) > 1000
    problems = []
    for file, ref in links:
        path = unquote(urlsplit(ref).path)
        if path.endswith("/") or path in ("", "."):
            problems.append(f"{file.relative_to(offline_site)}: {ref} names a folder")
            continue
        target = Path(urljoin(file.as_uri(), path).removeprefix("file://"))
        if not target.is_file():
            problems.append(f"{file.relative_to(offline_site)}: {ref} -> missing {target}")
    assert problems == []


def test_the_offline_index_is_scripts_and_the_normal_one_json(
    offline_site: Path, normal_site: Path
):
    offline = {p.relative_to(offline_site / "_search") for p in offline_site.rglob("_search/**/*")}
    normal = {p.relative_to(normal_site / "_search") for p in normal_site.rglob("_search/**/*")}
    assert not any(p.suffix == ".json" for p in offline)
    assert {p.with_suffix(".js") for p in normal if p.suffix == ".json"} == {
        p for p in offline if p.suffix == ".js"
    }
    meta = (offline_site / "_search" / "en" / "meta.js").read_text("utf-8")
    assert meta.startswith(
        '(window.DocsiteSearchFiles = window.DocsiteSearchFiles || {})["en/meta.json"]'
    )


def test_normal_build_links_name_folders(normal_site: Path):
    page = (normal_site / "en" / "user-guide" / "quickstart" / "index.html").read_text("utf-8")
    assert 'href="../../tutorial/"' in page and "tutorial/index.html" not in page


def follow(page: Page, selector: str) -> str:
    """Click the first link the selector finds; the page it opened (a page, not a folder)."""
    link = page.locator(selector).first
    target = link.evaluate("a => a.href")
    assert target.startswith("file://") and target.split("#")[0].endswith("/index.html")
    link.click()
    page.wait_for_url(target)
    assert page.locator("article h1").count() == 1  # a page, not a folder listing
    return target


def test_click_through_pages_switch_language_and_search_from_disk(offline_site: Path, page: Page):
    page.goto((offline_site / "index.html").as_uri())  # the chooser sends to the language
    page.wait_for_url("**/en/index.html")
    follow(page, ".site-nav a.nav-section-link:text-is('Tutorial')")
    assert page.locator("article h1").inner_text() == "Tutorial"
    follow(page, ".prev-next a.next")
    follow(page, "article a[href$='/index.html']")
    before = page.url
    page.click(".lang-switcher a[hreflang='zh-Hans']")
    page.wait_for_url(before.replace("/en/", "/zh/"))
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.fill("#search-input", "蓝图")
    first = page.locator("#search-popup a[role='option']").first
    first.wait_for(state="visible", timeout=15_000)
    assert page.locator("#search-popup mark").count() >= 1
    href = first.get_attribute("href")
    assert "/index.html" in href
    first.click()
    page.wait_for_url("**/zh/user-guide/blueprints/index.html**")
    assert page.locator("article h1").inner_text()


def test_offline_search_page_lists_results_from_disk(offline_site: Path, page: Page):
    query = "application+factory"
    page.goto((offline_site / "en" / "search" / "index.html").as_uri() + "?q=" + query)
    hit = page.locator(".search-hits .search-hit a").first
    hit.wait_for(state="visible", timeout=15_000)
    hit.click()
    page.wait_for_url("**/en/patterns/appfactories/index.html**")


def test_normal_build_says_why_search_cannot_work_from_disk(normal_site: Path, page: Page):
    page.goto((normal_site / "en" / "user-guide" / "index.html").as_uri())
    page.fill("#search-input", "blueprint")
    message = page.locator("#search-popup .search-unavailable")
    message.wait_for(state="visible", timeout=15_000)
    text = message.inner_text()
    assert "HTTP" in text and "--offline" in text and "No results" not in text
    page.goto((normal_site / "zh" / "search" / "index.html").as_uri() + "?q=蓝图")
    message = page.locator("#search-results .search-unavailable")
    message.wait_for(state="visible", timeout=15_000)
    assert "--offline" in message.inner_text() and "HTTP" in message.inner_text()


def test_relative_urls_agree_with_posixpath_relpath_on_any_site_paths() -> None:
    """urls.relative_url works out a relative path itself (faster than posixpath.relpath,
    which it calls for paths with `.` or `..` parts): the two agree on every pair of paths
    made of these parts, empty and dotted ones included."""
    import posixpath
    import random

    from docsite.urls import _relpath

    parts = ["a", "b", "c", "index.html", "x.md", ".", "..", "", "é", "a b", "A"]
    rng = random.Random(7)
    for _ in range(20_000):
        start = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        to = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        assert _relpath(start, to) == posixpath.relpath("/" + to, "/" + start), (start, to)
