"""Live editing: a real `serve` process, real files changed on disk, the events browsers get."""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docsite import create_app
from docsite.config import load_config
from tests.conftest import ROOT, Server, start_server, stop_server, write_tree

BASE = {
    "en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nWelcome.\n",
    "en/guide/index.md": "---\ntitle: Guide\nsortorder: 1\n---\nThe guide.\n",
    "en/guide/routing.md": (
        "---\ntitle: Routing\nsortorder: 1\n---\n## Rules {#rules}\n\nOld text.\n"
    ),
    "en/guide/views.md": "---\ntitle: Views\nsortorder: 2\n---\nViews text.\n",
    "zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n欢迎。\n",
}


class EventStream:
    """A browser's EventSource, in a thread: parsed events arrive on a queue."""

    def __init__(self, server: Server) -> None:
        host, port = server.base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.conn.request("GET", "/_docsite/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.events: queue.Queue[dict] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    self.events.put(json.loads(line[6:]))
        except (OSError, ValueError, http.client.HTTPException):  # the server went away
            pass

    def next(self, timeout: float = 10.0) -> dict:
        return self.events.get(timeout=timeout)

    def drain(self, quiet: float = 1.5) -> list[dict]:
        """Every event until none came for `quiet` seconds."""
        out = []
        while True:
            try:
                out.append(self.events.get(timeout=quiet))
            except queue.Empty:
                return out

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def live(tmp_path) -> Iterator[tuple[Path, Server, EventStream]]:
    content = write_tree(tmp_path / "content", BASE)
    server = start_server(["serve", "--content", str(content)])
    stream = EventStream(server)
    time.sleep(0.5)  # the watcher is running once the server answers; let it settle
    yield content, server, stream
    stream.close()
    stop_server(server)


def write(file: Path, text: str) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")


def test_saving_a_page_reloads_that_page_only(live):
    content, server, stream = live
    assert "Old text." in server.get("/en/guide/routing/").text
    write(
        content / "en" / "guide" / "routing.md", BASE["en/guide/routing.md"].replace("Old", "New")
    )
    event = stream.next()
    assert event == {**event, "type": "reload", "pages": ["en/guide/routing/", "zh/guide/routing/"]}
    assert "New text." in server.get("/en/guide/routing/").text
    assert "New text." in server.get("/zh/guide/routing/").text  # the fallback follows
    assert stream.drain() == []  # one save, one event


def test_broken_save_shows_the_error_then_recovers(live):
    content, server, stream = live
    file = content / "en" / "guide" / "routing.md"
    write(file, "---\ntitle: Routing\nsortorder: soon\n---\nText.\n")
    stream.next()
    broken = server.get("/en/guide/routing/")
    assert broken.status == 500
    assert "routing.md:3" in broken.text and "must be an integer" in broken.text
    assert 'src="../../../_docsite/live.js" data-page="en/guide/routing/"' in broken.text
    assert server.get("/en/guide/views/").status == 200  # the others still serve
    write(file, BASE["en/guide/routing.md"].replace("Old", "Fixed"))
    assert stream.next()["type"] == "reload"
    fixed = server.get("/en/guide/routing/")
    assert fixed.status == 200 and "Fixed text." in fixed.text


def test_adding_renaming_and_deleting_pages_and_folders(live):
    content, server, stream = live
    write(content / "en" / "guide" / "signals.md", "---\ntitle: Signals\nsortorder: 3\n---\nSig.\n")
    assert stream.next()["pages"] == ["*"]  # the nav changed
    assert server.get("/en/guide/signals/").status == 200
    assert 'href="../../../en/guide/signals/"' in server.get("/en/guide/views/").text
    os.rename(content / "en" / "guide" / "signals.md", content / "en" / "guide" / "events.md")
    assert stream.next()["pages"] == ["*"]
    stream.drain()
    assert server.get("/en/guide/signals/").status == 404
    assert server.get("/en/guide/events/").status == 200
    write(content / "en" / "api" / "index.md", "---\ntitle: API\nsortorder: 5\n---\nRef.\n")
    write(content / "en" / "api" / "app.md", "---\ntitle: App\n---\nThe app.\n")
    stream.drain()
    assert server.get("/en/api/app/").status == 200
    assert 'href="../../../en/api/"' in server.get("/en/guide/views/").text
    shutil.rmtree(content / "en" / "api")
    stream.drain()
    assert server.get("/en/api/app/").status == 404
    assert server.get("/en/api/").status == 404
    assert "../../api/" not in server.get("/en/guide/views/").text


def test_editor_style_atomic_save_is_one_clean_refresh(live):
    """vim and JetBrains write a temporary file and rename it over the page."""
    content, server, stream = live
    target = content / "en" / "guide" / "views.md"
    temp = content / "en" / "guide" / ".views.md.swp"
    write(temp, BASE["en/guide/views.md"].replace("Views text.", "Saved atomically."))
    os.replace(temp, target)
    backup = content / "en" / "guide" / "views.md~"
    write(backup, "backup copy")
    events = stream.drain()
    assert len(events) == 1 and events[0]["pages"] == ["en/guide/views/", "zh/guide/views/"]
    assert "Saved atomically." in server.get("/en/guide/views/").text


def test_a_burst_of_changes_is_one_or_two_refreshes(live):
    """A git checkout changes many files at once."""
    content, server, stream = live
    for n in range(40):
        write(content / "en" / "bulk" / f"page{n}.md", f"---\ntitle: Bulk {n}\n---\nBody {n}.\n")
    write(
        content / "en" / "guide" / "routing.md", BASE["en/guide/routing.md"].replace("Old", "Bulk")
    )
    events = stream.drain()
    assert 1 <= len(events) <= 2
    assert all(server.get(f"/en/bulk/page{n}/").status == 200 for n in range(40))
    assert "Bulk text." in server.get("/en/guide/routing/").text


def test_several_tabs_each_get_the_events(live):
    content, server, stream = live
    second = EventStream(server)
    try:
        time.sleep(0.2)
        write(content / "en" / "guide" / "views.md", BASE["en/guide/views.md"] + "\nMore.\n")
        assert stream.next()["type"] == second.next()["type"] == "reload"
    finally:
        second.close()


def test_search_follows_edits(live):
    content, server, stream = live
    write(content / "en" / "guide" / "views.md", BASE["en/guide/views.md"] + "\nZanzibar.\n")
    stream.next()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        data = json.loads(server.get("/api/search?q=zanzibar&lang=en").body)
        if data["total"]:
            break
        time.sleep(0.2)
    assert data["results"][0]["url"] == "/en/guide/views/"


def test_built_site_has_no_live_reload(tmp_path):
    from tests.conftest import run_cli

    content = write_tree(tmp_path / "content", BASE)
    assert (
        run_cli("build", "--content", str(content), "--out", str(tmp_path / "site")).returncode == 0
    )
    for page in (tmp_path / "site").rglob("*.html"):
        assert "_docsite" not in page.read_text("utf-8"), page


# --- theme changes, in-process with a real watcher on a copy of the theme ------------------------


@pytest.fixture
def themed(tmp_path):
    themes = tmp_path / "themes"
    shutil.copytree(ROOT / "themes" / "default", themes / "default")
    content = write_tree(tmp_path / "content", BASE)
    config = load_config(content_dir=content, cache_dir=tmp_path / "cache", themes_dir=themes)
    app = create_app(config, live=True, server_search=False)
    watcher = app.extensions["docsite.watcher"]
    stream = watcher.events.stream()
    events: queue.Queue[dict] = queue.Queue()

    def read() -> None:
        for chunk in stream:
            if chunk.startswith("id:"):
                events.put(json.loads(chunk.split("data: ", 1)[1]))

    threading.Thread(target=read, daemon=True).start()
    time.sleep(0.3)
    yield app, themes / "default", events
    watcher.stop()


def test_css_change_swaps_the_stylesheet(themed):
    app, theme, events = themed
    client = app.test_client()
    before = client.get("/en/guide/routing/").get_data(as_text=True)
    css = theme / "static" / "css" / "docsite.css"
    css.write_text(css.read_text() + "\n.x { color: red; }\n")
    event = events.get(timeout=10)
    assert event["type"] == "css" and event["name"] == "css/docsite.css"
    assert event["href"].startswith("_static/css/docsite.") and event["href"] not in before
    after = client.get("/en/guide/routing/").get_data(as_text=True)
    assert event["href"] in after
    assert ".x { color: red; }" in client.get("/" + event["href"]).get_data(as_text=True)


def test_template_error_is_shown_then_recovers(themed):
    app, theme, events = themed
    client = app.test_client()
    template = theme / "templates" / "page.html"
    good = template.read_text()
    template.write_text(good.replace("{% endblock %}", "{% endblok %}", 1))
    assert events.get(timeout=10)["pages"] == ["*"]
    broken = client.get("/en/guide/routing/")
    text = broken.get_data(as_text=True)
    assert broken.status_code == 500
    assert "page.html:" in text and "endblok" in text
    template.write_text(good)
    events.get(timeout=10)
    assert client.get("/en/guide/routing/").status_code == 200


def test_nav_template_change_shows_in_every_page(themed):
    app, theme, events = themed
    client = app.test_client()
    assert "nav-level-0" in client.get("/en/guide/routing/").get_data(as_text=True)
    nav = theme / "templates" / "partials" / "nav.html"
    original = nav.read_text()
    for mark in ("one", "two"):  # twice: each new theme replaces the fragments of the last
        nav.write_text(original.replace('<ul class="nav-', f'<ul data-mark="{mark}" class="nav-'))
        assert events.get(timeout=10)["pages"] == ["*"]
        for url in ("/en/guide/routing/", "/en/guide/views/"):
            assert f'data-mark="{mark}"' in client.get(url).get_data(as_text=True), (mark, url)


def _search_until(server, q: str, done, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        data = json.loads(server.get(f"/api/search?q={q}&lang=en").body)
        if done(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.2)


def test_search_follows_a_burst_of_new_pages_and_a_removal(live):
    content, server, _stream = live
    for n in range(6):  # several batches while the first re-index may still be writing
        write(
            content / "en" / "guide" / f"burst{n}.md", f"---\ntitle: Burst {n}\n---\nQuokka {n}.\n"
        )
        time.sleep(0.15)
    data = _search_until(server, "quokka", lambda d: d["total"] == 6)
    assert sorted(r["url"] for r in data["results"]) == [f"/en/guide/burst{n}/" for n in range(6)]
    (content / "en" / "guide" / "burst3.md").unlink()
    data = _search_until(server, "quokka", lambda d: d["total"] == 5)
    assert "/en/guide/burst3/" not in [r["url"] for r in data["results"]]
    assert data["total"] == 5
