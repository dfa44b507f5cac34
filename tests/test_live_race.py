"""A real `serve` process answers every request while its pages change under it.

Live editing builds a new site from the files that changed and swaps it in whole, so a
request sees one generation from start to end: no 500 but the error page of a file that is
broken on purpose.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import start_server, stop_server, write_tree

BASE = {
    "en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nWelcome.\n",
    "en/guide/index.md": "---\ntitle: Guide\nsortorder: 1\n---\nThe guide.\n",
    "en/guide/a.md": "---\ntitle: A\nsortorder: 1\n---\nText of A.\n",
    "zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n欢迎。\n",
    "zh/guide/a.md": "---\ntitle: 甲\nsortorder: 1\nsource: 00000000\n---\n甲的内容。\n",
}
BROKEN_MARK = "content/en/guide/broken.md"
BATCH = 40  # pages changed at once


def _edit_forever(content: Path, stop: threading.Event, done: list[int]) -> int:
    """Every 50 ms: add a batch of pages, edit them, break one, delete them all (as a git
    checkout would); the steps taken (also in `done[0]` as they are taken)."""
    steps = 0
    broken = content / "en" / "guide" / "broken.md"
    while not stop.is_set():
        lang = "zh" if (steps // 4) % 3 == 2 else "en"
        batch = [content / lang / "guide" / f"p{n}.md" for n in range(BATCH)]
        step = steps % 4
        for n, page in enumerate(batch):
            if step == 0:
                page.write_text(f"---\ntitle: Page {n}\nsortorder: {n}\n---\nNew.\n", "utf-8")
            elif step == 1:
                page.write_text(f"---\ntitle: Page {n} again\n---\nEdited {steps}.\n", "utf-8")
            elif step == 3:
                page.unlink(missing_ok=True)
        if step == 2:
            broken.write_text("---\ntitle: [\n---\n", "utf-8")
        elif step == 3:
            broken.unlink(missing_ok=True)
        steps += 1
        done[0] = steps
        stop.wait(0.05)
    return steps


def test_no_500_while_pages_are_added_edited_broken_and_deleted(tmp_path):
    content = write_tree(tmp_path / "content", BASE)
    server = start_server(["serve", "--content", str(content)])
    stop = threading.Event()
    try:
        done = [0]
        with ThreadPoolExecutor(max_workers=9) as pool:
            editor = pool.submit(_edit_forever, content, stop, done)
            paths = ["/en/", "/zh/translation-status/"] * 100
            responses = list(pool.map(server.get, paths))
            deadline = time.monotonic() + 60
            while done[0] < 12 and time.monotonic() < deadline:  # a fast server: ask on
                more = ["/en/", "/zh/translation-status/"] * 10
                paths += more
                responses += pool.map(server.get, more)
            stop.set()
            steps = editor.result()
    finally:
        stop.set()
        stop_server(server)
    assert steps >= 10  # the pages really changed while the requests ran
    unexpected = [
        (path, r.status, r.text[:300])
        for path, r in zip(paths, responses, strict=True)
        if r.status >= 500 and BROKEN_MARK not in r.text
    ]
    assert len(responses) == len(paths) >= 200
    assert unexpected == []
    assert sum(r.status == 200 for r in responses) >= 0.75 * len(responses)


def test_a_broken_page_is_the_only_500_and_names_its_file(tmp_path):
    content = write_tree(tmp_path / "content", BASE)
    server = start_server(["serve", "--content", str(content)])
    try:
        (content / "en" / "guide" / "broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            response = server.get("/en/guide/broken/")
            if response.status == 500:
                break
            time.sleep(0.1)
        assert response.status == 500 and BROKEN_MARK in response.text
        assert server.get("/en/").status == 200
    finally:
        stop_server(server)
