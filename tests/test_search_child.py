"""A server indexing many pages does it in a child process, and searches what the child wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from docsite import state as state_module
from docsite.state import Docsite
from tests.conftest import site_config, write_tree


def pages(count: int) -> dict[str, str]:
    files = {"en/index.md": "---\ntitle: Home\n---\nStart.\n", "zh/index.md": "# 首页\n\n开始。\n"}
    for n in range(count):
        files[f"en/guide/p{n}.md"] = f"# Page {n}\n\nThe blueprint number{n} and its routes.\n"
    files["zh/guide/p0.md"] = "# 蓝图\n\n蓝图的路由。\n"
    return files


def test_a_big_first_indexing_runs_in_a_child_process(tmp_path: Path, monkeypatch) -> None:
    content = write_tree(tmp_path / "content", pages(state_module.CHILD_PAGES + 5))
    calls: list[int] = []
    real = state_module.index_in_child

    def observed(config):  # the real function, its calls counted
        code = real(config)
        calls.append(code)
        return code

    monkeypatch.setattr(state_module, "index_in_child", observed)
    served = Docsite(site_config(content, tmp_path))
    assert served.search_ready.wait(timeout=240)
    assert calls == [0], "the child process indexed the site and exited cleanly"
    hits = served.run_search("number7", "en", 10)
    assert [hit.url for hit in hits.results] == ["/en/guide/p7/"]
    assert [hit.url for hit in served.run_search("蓝图", "zh", 10).results] == ["/zh/guide/p0/"]
    # The index is complete: a second server on it has nothing to index.
    again = Docsite(site_config(content, tmp_path))
    assert again.search_ready.wait(timeout=240)
    assert calls == [0]
    assert again.search is not None and again.search.pending(again.site) == 0


def test_a_small_site_is_indexed_in_the_server_itself(tmp_path: Path, monkeypatch) -> None:
    content = write_tree(tmp_path / "content", pages(3))
    monkeypatch.setattr(state_module, "index_in_child", lambda config: pytest.fail("no child"))
    served = Docsite(site_config(content, tmp_path))
    assert served.search_ready.wait(timeout=120)
    assert [hit.url for hit in served.run_search("number2", "en", 10).results] == ["/en/guide/p2/"]
