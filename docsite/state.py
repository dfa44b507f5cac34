"""Docsite: what the web app serves from — the current snapshot, finished pages, search.

The snapshot (configuration, theme, site) is replaced whole when sources change, never
changed in place: a request takes `self.snapshot` once and works with that generation to the
end, while live editing builds the next one beside it. Finished pages and nav fragments are
cached under the generation they were made from.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from docsite import urls
from docsite.builtins import plugins_for
from docsite.config import SiteConfig, load_config
from docsite.context import Links, Snapshot, base_context, page_context
from docsite.errors import ConfigError, ContentError, display_path
from docsite.lru import LRU
from docsite.navhtml import NavFragment, decided, direct_forms, marker, marker_keys
from docsite.render import Renderer
from docsite.search.analysis import set_language_profile
from docsite.search.version import SCHEMA_VERSION as SEARCH_SCHEMA
from docsite.site import Entry, Site
from docsite.status import shown_status
from docsite.theme import Theme

if TYPE_CHECKING:
    from docsite.search.query import SearchResult
    from docsite.search.server import SearchIndex

log = logging.getLogger(__name__)
HTML_PAGES = 512  # finished pages kept in memory
CHILD_PAGES = 100  # a first sync of more pages than this runs in a child process
SERVER_RENDERS = 512  # renderings a server keeps in memory; builds keep every one
NAV_FRAGMENTS = 64  # nav renderings, one per language and folder depth


def make_snapshot(config: SiteConfig, server: bool, site: Site | None = None) -> Snapshot:
    """A theme and a site for a configuration (the pages of `site` kept when one is given)."""
    theme = Theme(config)
    for code in config.languages:  # how search analyses each language's text
        try:
            set_language_profile(code, config.language(code).analysis)
        except ValueError as exc:
            raise ConfigError(f"language {code!r}: {exc}") from None
    plugins = plugins_for(config.plugins)
    renderer = Renderer(
        config.digest,
        config.cache_dir,
        theme.translations_digest,
        plugins,
        config.url_style,
        scope=str(config.content_dir),
        keep=not config.cache_scratch,
    )
    if server:  # a server, running for long: bounded memory
        renderer.limit_memory(SERVER_RENDERS)
    if site is None:
        site = Site(config, theme.gettext, renderer)
    else:
        site = site.with_ui(theme.gettext, renderer)
    return Snapshot(config, theme, site)


class Docsite:
    """The current snapshot of the site, and the HTML of its pages as the web app sends them."""

    def __init__(self, config: SiteConfig, server_search: bool = True) -> None:
        self.snapshot = make_snapshot(config, server_search)
        self.live = False  # serve: pages load the live-reload script
        self.search_mode = "server" if server_search else "static"
        self._html: LRU[tuple[str, str], tuple[int, bytes]] = LRU(HTML_PAGES)
        self._nav: LRU[tuple[str, str, int], NavFragment] = LRU(NAV_FRAGMENTS)
        self._nav_keys: LRU[tuple[str, int], dict[str, list[str]]] = LRU(8)
        self._swap_lock = threading.Lock()
        self.search: SearchIndex | None = None  # the server's (whoosh): imported when used
        self.search_ready = threading.Event()
        self._reindex_lock = threading.Lock()
        self._reindex_todo: set[tuple[str, str]] = set()
        self._reindexing = False
        if server_search:
            from docsite.search.server import SearchIndex

            self.search = SearchIndex(search_folder(config))
            threading.Thread(target=self._initial_sync, name="docsite-search", daemon=True).start()

    def _initial_sync(self) -> None:
        """Build the index when missing, else re-index what changed (in the background); many
        pages are indexed by a child process, so that the server does not grow for it."""
        assert self.search is not None
        try:
            if self.search.pending(self.site) > CHILD_PAGES and index_in_child(self.config) == 0:
                self.search.reopen()
            self.search.sync(self.site)  # what changed meanwhile, or all if the child failed
        except Exception:  # the site still serves pages; search reports no results
            log.exception("search index sync failed")
        finally:
            self.search_ready.set()

    @property
    def config(self) -> SiteConfig:
        return self.snapshot.config

    @property
    def theme(self) -> Theme:
        return self.snapshot.theme

    @property
    def site(self) -> Site:
        return self.snapshot.site

    # --- the next snapshot (live editing) -------------------------------------------------

    def publish(
        self, site: Site, theme: Theme | None = None, config: SiteConfig | None = None
    ) -> None:
        """Make a new generation current; requests under way finish with the old one."""
        with self._swap_lock:
            old = self.snapshot
            self.snapshot = Snapshot(config or old.config, theme or old.theme, site)

    def reload_theme(self) -> None:
        """Templates, static files or translations changed: a fresh theme, no stale HTML."""
        with self._swap_lock:
            snap = make_snapshot(self.config, self.search is not None, self.site)
            self.snapshot = snap

    def reconfigure(self) -> None:
        """pyproject.toml changed: the new settings, with the same content folder."""
        old = self.config
        try:
            config = load_config(old.config_file).with_options(
                content_dir=old.content_dir,
                cache_dir=old.cache_dir,
                include_drafts=old.include_drafts,
            )
            snap = make_snapshot(config, self.search is not None)
        except Exception:
            log.exception("the new configuration is not valid; keeping the old one")
            return
        with self._swap_lock:
            self.snapshot = snap

    def reindex_later(self, paths: set[str]) -> None:
        """Update the search index for changed pages, after the browsers were told.

        One worker thread takes every page changed since its last commit and re-indexes them
        in one commit, so a burst of saves (or a git checkout) costs a commit or two, not one
        per page.
        """
        if self.search is None:
            return
        with self._reindex_lock:
            for path in paths:  # the page and its fallbacks
                self._reindex_todo.update((lang, path) for lang in self.config.languages)
            if self._reindexing:
                return
            self._reindexing = True
        threading.Thread(target=self._reindex, name="docsite-reindex", daemon=True).start()

    def _reindex(self) -> None:
        assert self.search is not None
        self.search_ready.wait(timeout=300)
        while True:
            with self._reindex_lock:
                keys, self._reindex_todo = self._reindex_todo, set()
                if not keys:
                    self._reindexing = False
                    return
            site = self.site
            pages = {
                f"{lang}:{path}": site.entries.get(lang, {}).get(path)
                for lang, path in sorted(keys)
            }
            try:
                self.search.update_pages(site, pages)
            except Exception:
                log.exception("search update failed for %s", ", ".join(pages))

    def static_url(self, name: str) -> str:
        """A theme static file's fingerprinted URL below the site root."""
        return self.snapshot.links("").static(name)

    def run_search(self, q: str, lang: str, limit: int) -> SearchResult:
        if self.search is None:
            from docsite.search.query import SearchResult

            return SearchResult(query=q, total=0)
        self.search_ready.wait(timeout=120)
        return self.search.search(q, lang, limit)

    # --- pages ----------------------------------------------------------------------------

    def context(self, snap: Snapshot, lang: str, links: Links, page_key: str = "") -> dict:  # type: ignore[type-arg]
        context = base_context(
            snap, lang, links, search_mode=self.search_mode, live=self.live, page_key=page_key
        )
        context["nav_html"] = lambda: self.nav_html(snap, lang, links, context.get("current"))
        context["when_current"], context["when_open"] = direct_forms()
        return context

    def nav_html(self, snap: Snapshot, lang: str, links: Links, current: Entry | None) -> Markup:
        """The nav for one page: a fragment rendered once per language and folder depth."""
        generation = snap.site.generation
        root = snap.site.nav.get(lang)
        if root is None:
            return Markup("")
        keys = self._nav_keys.get((lang, generation))
        if keys is None:
            keys = marker_keys(root)
            self._nav_keys.put((lang, generation), keys)
        kept = keys.get(current.page.path, []) if current is not None else []
        if len(keys) > snap.config.nav_expand_limit:
            # A pruned nav is small, and differs from page to page: render it for this page.
            test = set(kept)
            return Markup(
                self._render_nav(
                    snap, lang, links, current=current, nav_prune=True,
                    when_current=decided("c", test), when_open=decided("o", test),
                )
            )  # fmt: skip
        # Links from the site root down, so that every page at the same depth shares them.
        prefix, style = links.root(), links.style
        fragment = self._nav.get((lang, prefix, generation))
        if fragment is None:
            html = self._render_nav(
                snap, lang, links, when_current=marker("c"), when_open=marker("o"),
                nav_url=lambda node: (
                    prefix + urls.link_path(node.entry.site_path, style) if node.entry else None
                ),
            )  # fmt: skip
            fragment = NavFragment.parse(html)
            self._nav.put((lang, prefix, generation), fragment)
        return fragment.fill(kept)

    def _render_nav(self, snap: Snapshot, lang: str, links: Links, **extra: object) -> str:
        """partials/nav.html with the base context, and these values over it."""
        context = self.context(snap, lang, links)
        context.update(extra)
        return snap.theme.env(lang).get_template("partials/nav.html").render(context)

    def page_body(self, snap: Snapshot, entry: Entry) -> bytes:
        """The finished page as UTF-8: a page cached for this generation costs no work."""
        key = (entry.lang, entry.url)
        cached = self._html.get(key)
        if cached and cached[0] == snap.site.generation:
            return cached[1]
        rendered = snap.site.render(entry)
        if (error := rendered.error()) is not None:
            raise error  # shown by the page view as the error page
        links = snap.links(entry.site_path)
        context = self.context(snap, entry.lang, links)
        context.update(page_context(snap, entry, links))
        body = snap.theme.env(entry.lang).get_template("page.html").render(context).encode()
        self._html.put(key, (snap.site.generation, body))
        return body

    def render_template(
        self,
        snap: Snapshot,
        name: str,
        lang: str,
        links: Links,
        page_key: str = "",
        **extra: object,
    ) -> str:
        """A theme template with the base context and these values over it."""
        context = self.context(snap, lang, links, page_key)
        context.update(extra)
        return snap.theme.env(lang).get_template(name).render(context)

    def error_html(self, snap: Snapshot, lang: str, url: str, error: ContentError) -> str:
        """The page of a source file that has an error: where, what, and the lines around it."""
        where = display_path(error.path) + (f":{error.line}" if error.line else "")
        return self.render_template(
            snap, "error.html", lang, snap.links(urls.page(lang, url)),
            error=error, error_where=where, error_lines=source_lines(error.path, error.line),
        )  # fmt: skip

    def status_html(self, snap: Snapshot, lang: str) -> str:
        links = snap.links(urls.status_page(lang))
        config, site = snap.config, snap.site
        reports = []
        for other in config.languages:
            if other == config.default_language:
                continue
            sections = shown_status(site, other, links.to)
            reports.append({"lang": other, "name": config.lang_name(other), "sections": sections})
        # the original's language as running text names it ("英文" in Chinese)
        default = config.language(config.default_language).english_name
        default_name = snap.theme.gettext(lang)(default)
        return self.render_template(
            snap, "status.html", lang, links, reports=reports, default_name=default_name
        )


def source_lines(path: str | Path, line: int) -> list[tuple[int, str]]:
    """The lines around `line` of a file (numbered), without reading all of a huge file."""
    if line <= 0:
        return []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = list(islice(fh, line + 2))
    except OSError:
        return []
    low = max(line - 3, 0)
    return [(n + 1, head[n].rstrip("\n")) for n in range(low, len(head))]


def index_in_child(config: SiteConfig) -> int:
    """Sync the server's search index in a child process (docsite.indexchild); its exit
    status (logged with the child's peak memory)."""
    package_parent = str(Path(__file__).resolve().parent.parent)
    paths = [package_parent, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    child = subprocess.Popen(
        [sys.executable, "-m", "docsite.indexchild", str(os.getpid())],
        stdin=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None
    with child.stdin:
        child.stdin.write(config.to_json().encode())
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss // 1024
    log.info("search indexed by a child process: exit %s, peak RSS %d MB", code, peak)
    return code


def search_folder(config: SiteConfig) -> Path:
    """The index of one content folder under one configuration, in the cache."""
    key = hashlib.sha256(f"{config.content_dir}\0{config.digest}".encode()).hexdigest()[:16]
    return config.cache_dir / "search" / f"v{SEARCH_SCHEMA}-{key}"
