"""The spare output: the output before the last one, which the next build reuses as its staging
folder (docsite.freeze). It must never change the live output before the swap, must end as a
cold build would write it, and must give way when it cannot be written into."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.conftest import write_tree
from tests.test_freeze import GOOD_SITE, build, leftovers, lock, unlock


def files_of(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def empty_folders(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir())]


def built_twice(tmp_path: Path) -> tuple[Path, Path]:
    """A site built twice, so that the second build left a spare; its content and output."""
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    for _ in range(2):
        result = build(content, out)
        assert result.returncode == 0, result.stderr
    assert leftovers(out) == [".site.spare"]
    return content, out


def test_a_refused_build_in_the_spare_leaves_the_live_output_as_it_was(tmp_path):
    content, out = built_twice(tmp_path)
    before = files_of(out)
    page = content / "en" / "guide" / "routing.md"
    page.write_text(page.read_text("utf-8") + "\nA new sentence.\n", encoding="utf-8")
    (content / "en" / "guide" / "bad.md").write_text("---\ntitle: [oops\n---\n", "utf-8")
    result = build(content, out)
    assert result.returncode == 1 and "bad.md:2: error" in result.stderr
    # the edited page was rendered and written into the spare, where its file had been a
    # hard link to the live one: the live one must not have changed
    assert files_of(out) == before
    assert leftovers(out) == [".site.spare"]


def test_a_build_over_the_spare_drops_what_is_gone_and_equals_a_cold_build(tmp_path):
    content, out = built_twice(tmp_path)
    (content / "en" / "guide" / "only-english.md").unlink()
    spare = tmp_path / ".site.spare"
    (spare / "stray.txt").write_text("not ours", "utf-8")
    (spare / "en" / "guide" / "only-english" / "extra").mkdir()
    assert build(content, out).returncode == 0
    cold = tmp_path / "cold"
    assert build(content, cold, "--no-cache").returncode == 0
    assert files_of(out) == files_of(cold)
    assert not (out / "en" / "guide" / "only-english").exists()
    assert empty_folders(out) == []


def test_a_spare_that_cannot_be_written_into_gives_way_to_a_fresh_folder(tmp_path):
    content, out = built_twice(tmp_path)
    spare_guide = tmp_path / ".site.spare" / "en" / "guide" / "routing"
    lock(spare_guide)
    try:
        page = content / "en" / "guide" / "routing.md"
        page.write_text(page.read_text("utf-8") + "\nMore.\n", encoding="utf-8")
        result = build(content, out)
        assert result.returncode == 0, result.stderr
        said = [line for line in result.stderr.splitlines() if "could not remove" in line]
        assert len(said) == 1 and "(a spare output)" in said[0], result.stderr
    finally:
        for folder in tmp_path.glob(".site.*/en/guide/routing"):
            unlock(folder)
    cold = tmp_path / "cold"
    assert build(content, cold, "--no-cache").returncode == 0
    assert files_of(out) == files_of(cold)
    assert os.access(out / "en" / "guide" / "routing", os.W_OK)
