"""Reading a content folder again parses only the files that changed (docsite.sourcecache)."""

from __future__ import annotations

import os

import pytest

from docsite import sourcecache
from docsite.sources import read_sources
from tests.conftest import site_config, write_tree

FILES = {
    "en/index.md": "---\ntitle: Home\nupdated: 2025-03-01\n---\n\nWelcome.\n",
    "en/guide/a.md": "# Alpha\n\nFirst.\n",
    "en/guide/b.md": "# Beta\n\nSecond.\n",
    "zh/index.md": "---\ntitle: 首页\n---\n\n欢迎。\n",
}


@pytest.fixture
def parsed(monkeypatch):
    """The files the source cache parses, in order; files count as settled at once."""
    monkeypatch.setattr(sourcecache, "RECENT_NS", 0)
    seen: list[str] = []
    real = sourcecache.load_page

    def counting(root, lang, path):
        seen.append(f"{lang}/{path}")
        return real(root, lang, path)

    monkeypatch.setattr(sourcecache, "load_page", counting)
    return seen


def pages_of(sources) -> dict[str, tuple[dict, str, int, str]]:
    return {
        f"{lang}/{path}": (page.meta, page.body, page.body_line, page.digest)
        for lang, by_path in sources.pages.items()
        for path, page in by_path.items()
    }


def test_a_second_read_parses_only_the_changed_file_and_reads_the_same(
    tmp_path, parsed, monkeypatch
):
    monkeypatch.setattr(sourcecache, "DRIFT", 0)  # the cache written again at every change
    content = write_tree(tmp_path / "content", FILES)
    config = site_config(content, tmp_path)
    first = read_sources(config)
    assert len(parsed) == 4
    parsed.clear()
    again = read_sources(config)
    assert parsed == [] and pages_of(again) == pages_of(first)

    # same size, new text: the times say it changed
    (content / "en/guide/a.md").write_text("# Alpha\n\nFirsT.\n")
    third = read_sources(config)
    assert parsed == ["en/guide/a.md"]
    assert third.pages["en"]["guide/a.md"].body.strip() == "# Alpha\n\nFirsT."
    assert pages_of(third)["en/guide/b.md"] == pages_of(first)["en/guide/b.md"]

    # a deleted page is gone, and its entry with it
    (content / "en/guide/b.md").unlink()
    parsed.clear()
    assert "guide/b.md" not in read_sources(config).pages["en"] and parsed == []


def test_a_few_changed_files_leave_the_cache_file_as_it_was_until_they_add_up(
    tmp_path, parsed, monkeypatch
):
    """Writing every page again for one edit costs more than parsing that page again next
    time; the cache is written once the files it has otherwise than read exceed DRIFT."""
    monkeypatch.setattr(sourcecache, "DRIFT", 2)
    content = write_tree(tmp_path / "content", FILES)
    config = site_config(content, tmp_path)
    read_sources(config)
    [kept] = (tmp_path / "cache" / "sources").iterdir()
    written = kept.read_bytes()
    (content / "en/guide/a.md").write_text("# Alpha\n\nEdited.\n")
    read_sources(config)
    assert kept.read_bytes() == written, "one edited file: the cache is not written again"
    parsed.clear()
    assert read_sources(config).pages["en"]["guide/a.md"].body.strip().endswith("Edited.")
    assert parsed == ["en/guide/a.md"]  # parsed again, the others from the cache
    (content / "en/guide/b.md").write_text("# Beta\n\nEdited.\n")
    (content / "en/index.md").write_text("# Home\n\nEdited.\n")
    read_sources(config)
    assert kept.read_bytes() != written, "three files otherwise: the cache is written"
    parsed.clear()
    read_sources(config)
    assert parsed == []


def test_a_file_changed_just_now_is_parsed_again_next_time(tmp_path, parsed, monkeypatch):
    monkeypatch.setattr(sourcecache, "RECENT_NS", 3600 * 10**9)  # everything is recent
    config = site_config(write_tree(tmp_path / "content", FILES), tmp_path)
    read_sources(config)
    parsed.clear()
    read_sources(config)
    assert len(parsed) == 4


def test_a_broken_or_foreign_cache_is_no_cache(tmp_path, parsed):
    config = site_config(write_tree(tmp_path / "content", FILES), tmp_path)
    first = pages_of(read_sources(config))
    [kept] = (tmp_path / "cache" / "sources").iterdir()
    for damage in (b"", b"not a pickle", kept.read_bytes()[:40]):
        kept.write_bytes(damage)
        parsed.clear()
        assert pages_of(read_sources(config)) == first
        assert len(parsed) == 4


def test_an_unreadable_page_still_names_its_file(tmp_path, parsed):
    content = write_tree(tmp_path / "content", FILES)
    config = site_config(content, tmp_path)
    read_sources(config)
    bad = content / "en/guide/a.md"
    bad.write_bytes(b"---\ntitle: [unclosed\n---\n\nBody.\n")
    os.utime(bad)
    [error] = read_sources(config).errors
    assert error.path.endswith("a.md") and error.line >= 1
