"""Builds that redo only what changed write exactly what a cold build writes.

A project of its own (a child theme, a docsite.toml) is built, then changed in every way a
site changes: a page edited (its translation becomes outdated), added, deleted and renamed, an
image replaced, the theme's template and the configuration changed. After each change the
incremental build's whole output is compared, file by file and byte by byte, with a cold build
(`--no-cache`) of the same sources; and files whose inputs did not change must have been
carried over (the same inode: a hard link to the last build's file), not made again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from docsite.app import create_app
from docsite.config import load_config
from tests.conftest import run_cli, write_tree

THEME_PAGE = """\
{% extends "default:page.html" %}
{% block page_footer %}{{ super() }}<p class="theme-mark">first</p>{% endblock %}
"""


def project_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "docsite.toml": 'languages = ["en", "zh"]\ntheme = "mine"\n[title]\nen = "Proj"\n',
        "themes/mine/theme.toml": 'parent = "default"\n',
        "themes/mine/templates/page.html": THEME_PAGE,
        "content/en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nStart [a](guide/a.md).\n",
        "content/zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n开始。\n",
        "content/en/guide/index.md": "---\ntitle: Guide\n---\nThe guide.\n",
        "content/en/guide/pic.png": b"\x89PNG\r\n\x1a\nfirst",
    }
    for name in "abcdefgh":
        body = f"## Part {name} {{#part-{name}}}\n\nText of {name}, see [d](d.md#part-d).\n"
        body += "\n```python\n@app.route('/x')\ndef x():\n    return 'x'\n```\n"
        files[f"content/en/guide/{name}.md"] = f"---\ntitle: Page {name}\n---\n{body}"
    files["content/zh/guide/a.md"] = "---\ntitle: 页面 a\n---\n## 部分 {#part-a}\n\n蓝图的文字。\n"
    return files


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def inodes(root: Path) -> dict[str, int]:
    """The pages' files and their Markdown copies."""
    pages = [p for lang in ("en", "zh") for p in (root / lang / "guide").rglob("index.*")]
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in pages}


def special_inodes(root: Path) -> dict[str, int]:
    """The files made from the whole site: sitemap, start page, status page, inventory, llms."""
    names = ["sitemap.xml", "index.html", "en/translation-status/index.html", "zh/objects.inv"]
    names += ["en/objects.inv", "en/llms-full.txt", "zh/llms-full.txt", "en/llms.txt"]
    return {name: (root / name).stat().st_ino for name in names}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "proj", project_files())
    stamp = run_cli("-f", str(root / "docsite.toml"), "status", "--stamp", "zh/guide/a.md")
    assert stamp.returncode == 0, stamp.stderr
    return root


def build(project: Path, out: Path, *extra: str) -> None:
    result = run_cli("-f", str(project / "docsite.toml"), "build", "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    assert "could not remove" not in result.stderr


def assert_same_as_cold(project: Path, step: str, *extra: str) -> None:
    cold = project.parent / f"cold-{step}"
    build(project, cold, "--no-cache", *extra)
    warm, made = snapshot(project / "site"), snapshot(cold)
    assert sorted(warm) == sorted(made), step
    assert [name for name in made if warm[name] != made[name]] == [], step
    # the output before is kept as the next build's spare, and nothing else is left
    assert sorted(p.name for p in project.glob(".site.*")) == [".site.spare"]


def edit(file: Path, change: Callable[[str], str]) -> None:
    file.write_text(change(file.read_text("utf-8")), encoding="utf-8")


def test_incremental_builds_write_what_cold_builds_write(project: Path) -> None:
    content = project / "content"
    build(project, project / "site")
    first = inodes(project / "site")
    specials = special_inodes(project / "site")
    build(project, project / "site")
    assert inodes(project / "site") == first, "nothing changed: every page is carried over"
    assert special_inodes(project / "site") == specials, "and so is every special page"
    assert_same_as_cold(project, "unchanged")

    edit(content / "en" / "guide" / "a.md", lambda text: text + "\nOne more sentence.\n")
    build(project, project / "site")
    after_edit = inodes(project / "site")
    remade = {n for n, ino in special_inodes(project / "site").items() if ino != specials[n]}
    # the special files the edited text shows in: the status page (the translation is
    # outdated now) and its language's llms-full.txt; no title or heading changed
    assert remade == {"en/translation-status/index.html", "en/llms-full.txt"}
    changed = {name for name in first if after_edit.get(name) != first[name]}
    # the page, its outdated translation, and nothing else (the search page aside)
    assert {"en/guide/a/index.html", "zh/guide/a/index.html", "en/guide/a/index.md"} <= changed
    assert "en/guide/b/index.md" not in changed
    assert "en/guide/b/index.html" not in changed and "zh/guide/b/index.html" not in changed
    assert "outdated" in (project / "site" / "zh" / "guide" / "a" / "index.html").read_text()
    assert_same_as_cold(project, "edit")

    specials = special_inodes(project / "site")
    edit(content / "en" / "guide" / "a.md", lambda text: text + "\nAnd another.\n")
    build(project, project / "site")
    remade = {n for n, ino in special_inodes(project / "site").items() if ino != specials[n]}
    # the translation was outdated already: the status page shows what it showed
    assert remade == {"en/llms-full.txt"}
    assert_same_as_cold(project, "second edit")

    theme_page = project / "themes" / "mine" / "templates" / "page.html"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("heading", lambda: edit(content / "en/guide/d.md", lambda t: t.replace("Part d", "P d"))),
        ("title", lambda: edit(content / "en/guide/e.md", lambda t: t.replace("Page e", "E"))),
        ("add", lambda: (content / "en/guide/new.md").write_text("# New\n\nAdded.\n")),
        ("delete", lambda: (content / "en/guide/b.md").unlink()),
        ("rename", lambda: (content / "en/guide/c.md").rename(content / "en/guide/c2.md")),
        ("image", lambda: (content / "en/guide/pic.png").write_bytes(b"\x89PNG\r\n\x1a\nnew")),
        ("theme", lambda: edit(theme_page, lambda text: text.replace("first", "2nd"))),
        ("config", lambda: edit(project / "docsite.toml", lambda t: t.replace('"Proj"', '"P2"'))),
    ]
    for step, change in steps:
        change()
        build(project, project / "site")
        assert_same_as_cold(project, step)
    page = (project / "site" / "en" / "guide" / "a" / "index.html").read_text("utf-8")
    assert "2nd" in page and "P2" in page
    assert 'href="../c2/"' in page and 'href="../c/"' not in page


def test_an_offline_build_over_a_normal_one_and_back_writes_what_cold_builds_write(
    project: Path,
) -> None:
    """`--offline` changes every link and turns the search index into scripts: an offline
    build on top of a normal one's output (and a normal one after it) carries nothing stale."""
    build(project, project / "site")
    build(project, project / "site", "--offline")
    assert_same_as_cold(project, "offline", "--offline")
    assert list((project / "site" / "_search").rglob("*.json")) == []
    build(project, project / "site")
    assert_same_as_cold(project, "online")
    assert list((project / "site" / "_search").rglob("*.json")) != []


def test_frozen_pages_are_what_the_app_answers(project: Path) -> None:
    """Pages, their Markdown copies and llms-full.txt are the bytes the app's own views answer
    with."""
    build(project, project / "site")
    config = load_config(project / "docsite.toml")
    client = create_app(config, server_search=False).test_client()
    pages = sorted((project / "site").glob("*/**/index.html"))
    pages += sorted((project / "site").glob("*/**/index.md"))
    pages += sorted((project / "site").glob("*/llms-full.txt"))  # made from the copies
    assert len([p for p in pages if p.name == "llms-full.txt"]) == 2
    assert len(pages) > 30
    for file in pages:
        url = "/" + file.relative_to(project / "site").as_posix().removesuffix("index.html")
        response = client.get(url)
        assert response.status_code == 200, url
        digest = hashlib.sha256(response.data).hexdigest()
        assert digest == hashlib.sha256(file.read_bytes()).hexdigest(), url


def test_a_changed_output_file_is_made_again(project: Path) -> None:
    """A file of the output edited by hand is not trusted: the next build writes it anew."""
    build(project, project / "site")
    file = project / "site" / "en" / "guide" / "d" / "index.html"
    good = file.read_bytes()
    os.unlink(file)  # not written through: the old inode would be the hard-linked one
    file.write_bytes(good.replace(b"Page d", b"Page X"))
    build(project, project / "site")
    assert (project / "site" / "en" / "guide" / "d" / "index.html").read_bytes() == good
