"""cachefile.write_atomically: a cache file is replaced whole; a failure is False, not raised."""

from __future__ import annotations

from docsite.cachefile import write_atomically


def test_a_cache_file_is_written_whole_in_a_new_folder_and_replaced(tmp_path):
    file = tmp_path / "a" / "b" / "entry.json"
    assert write_atomically(file, b"first")
    assert write_atomically(file, b"second")
    assert file.read_bytes() == b"second"
    assert sorted(p.name for p in file.parent.iterdir()) == ["entry.json"]  # no temporary left


def test_a_cache_that_cannot_be_written_is_false_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert write_atomically(blocker / "entry.json", b"data") is False
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "entry.json"
    target.mkdir()  # a folder where the file should go: the replace fails after the write
    assert write_atomically(target, b"data") is False
    assert sorted(p.name for p in folder.iterdir()) == ["entry.json"]  # the temporary is gone
