"""Live editing: watch content, theme and config; re-read what changed; tell the browsers.

`serve` starts a `Watcher` (watchfiles, in a thread) and registers `/_docsite/events`, a
Server-Sent Events stream. Each batch of file changes (an editor's atomic rename, or a git
checkout of hundreds of files, arrives as one batch) becomes one event:

    {"type": "reload", "pages": ["en/guide/x/", …]}   those pages changed
    {"type": "reload", "pages": ["*"]}                 the nav or the theme changed
    {"type": "css", "href": "_static/css/docsite.<hash>.css", "name": "css/docsite.css"}

The script that listens (`live.js`) is added to pages only by `serve`, never when freezing.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchfiles import Change, watch

from docsite.pages import default_url, page_path

if TYPE_CHECKING:
    from docsite.web import Docsite

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15.0
LIVE_JS = Path(__file__).with_name("live.js")


class Broadcaster:
    """Fan-out of events to every connected browser (one queue per connection)."""

    def __init__(self) -> None:
        self._clients: set[queue.Queue[dict[str, Any]]] = set()
        self._lock = threading.Lock()
        self.sent = 0

    def publish(self, event: dict[str, Any]) -> None:
        event = {**event, "id": self.sent + 1, "time": time.time()}
        with self._lock:
            self.sent += 1
            clients = list(self._clients)
        for client in clients:
            client.put(event)

    def stream(self) -> Iterator[str]:
        """The text/event-stream body for one connection."""
        client: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._clients.add(client)
        try:
            yield "retry: 500\n\n"
            while True:
                try:
                    event = client.get(timeout=HEARTBEAT_SECONDS)
                except queue.Empty:
                    yield ": heartbeat\n\n"
                    continue
                yield f"id: {event['id']}\ndata: {json.dumps(event)}\n\n"
        finally:
            with self._lock:
                self._clients.discard(client)


class Watcher:
    """Watches the sources of a Docsite and applies each batch of changes to it."""

    def __init__(self, state: Docsite) -> None:
        self.state = state
        self.events = Broadcaster()
        self._stop = threading.Event()
        self.ready = threading.Event()

    def roots(self) -> list[Path]:
        config = self.state.config
        paths = [config.content_dir, *self.state.theme.chain, config.root / "pyproject.toml"]
        return [p for p in paths if p.exists()]

    def start(self) -> None:
        threading.Thread(target=self._run, name="docsite-watch", daemon=True).start()
        self.ready.wait(timeout=10)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        # A watched folder that disappears (a theme removed, content moved) ends watchfiles'
        # loop with an error: log it and watch what exists now, until stopped.
        while not self._stop.is_set():
            try:
                self._watch()
            except Exception:
                log.exception("watching the sources failed; watching again")
                self._stop.wait(1.0)

    def _watch(self) -> None:
        # yield_on_timeout: the first (empty) batch tells that the watcher is running.
        # The default filter skips editors' swap and backup files (.swp, ~, ___jb_…___).
        for changes in watch(
            *self.roots(),
            stop_event=self._stop,
            debounce=400,
            step=30,
            rust_timeout=300,
            yield_on_timeout=True,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            self.ready.set()
            if not changes:
                continue
            try:
                self.apply(changes)
            except Exception:
                log.exception("could not apply changes %s", changes)

    def apply(self, changes: set[tuple[Change, str]]) -> None:
        """One batch of changes: re-read, invalidate, and publish one event."""
        state = self.state
        content = state.config.content_dir
        pages: set[Path] = set()
        css: list[str] = []
        reload_all = theme_changed = False
        for _change, name in changes:
            file = Path(name)
            if file.is_relative_to(content):
                if file.suffix == ".md":
                    pages.add(file)
                    continue
                reload_all = True  # a folder, an image or a download that pages show
                if file.is_dir():
                    # A new folder's files can be written before the folder is watched
                    # (git checkout): their events are lost, so read the folder itself.
                    pages.update(file.rglob("*.md"))
                elif not file.exists():
                    # a folder removed with its pages: the events of its files may not come
                    pages.update(state.site.sources_below(file))
            elif file.name == "pyproject.toml":
                state.reconfigure()
                reload_all = True
            else:
                theme_changed = True
                static = next(
                    (d / "static" for d in state.theme.chain if file.is_relative_to(d / "static")),
                    None,
                )
                if static is not None and file.suffix == ".css":
                    css.append(file.relative_to(static).as_posix())
                else:
                    reload_all = True
        affected: set[str] = set()
        if pages:
            changed, structural = state.site.apply_changes(pages)
            reload_all = reload_all or structural
            # a page whose error came or went shows at the URL of its path
            affected = changed | {_site_path(content, p) for p in pages}
            state.reindex_later(pages)
        if theme_changed:
            state.reload_theme()
        if reload_all:
            self.events.publish({"type": "reload", "pages": ["*"]})
            return
        if affected:
            self.events.publish({"type": "reload", "pages": sorted(affected)})
        for name in dict.fromkeys(css):
            self.events.publish({"type": "css", "name": name, "href": state.static_url(name)})


def _site_path(content: Path, file: Path) -> str:
    lang, _, path = file.relative_to(content).as_posix().partition("/")
    return f"{lang}/{default_url(page_path(path))}"
