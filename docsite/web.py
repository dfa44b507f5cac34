"""create_app(): page views, theme assets, sitemap, robots.txt and errors.

All links the theme writes into a page are relative to that page, so the same HTML works
on any host and under any base path. Only pages that can be served at any depth (the 404
page) use site-absolute URLs, built on the base path the request (or the freezer) gives.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as html_escape
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, send_file
from jinja2 import TemplateError
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from docsite.config import SiteConfig, load_config
from docsite.errors import ContentError, display_path
from docsite.highlight import pygments_css

if TYPE_CHECKING:
    from docsite.devserver import Watcher
from docsite.markdown import N_, relative_url
from docsite.navhtml import (
    NavFragment,
    decided,
    marker,
    marker_keys,
    when_current,
    when_open,
)
from docsite.pages import page_path
from docsite.render import LRU
from docsite.safety import guard_requests, send_file_or_404
from docsite.search import SCHEMA_VERSION as SEARCH_SCHEMA
from docsite.search import SearchIndex, SearchResult, clean_query
from docsite.site import Entry, NavNode, Site
from docsite.status import is_outdated, translation_status
from docsite.theme import CSP_HEADER_EXTRA, Theme

FINGERPRINT_RE = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
GENERATED_STATIC = {"pygments.css": pygments_css}
log = logging.getLogger(__name__)
LANGUAGE_IN_TEXT = {"en": N_("English"), "zh": N_("Chinese")}
OG_LOCALES = {"en": "en_US", "zh": "zh_CN"}  # Open Graph wants language_TERRITORY
HTML_PAGES = 512  # finished pages kept in memory
SERVER_RENDERS = 512  # renderings a server keeps in memory; builds keep every one
NAV_FRAGMENTS = 64  # nav renderings, one per language and folder depth
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


@dataclass
class Urls:
    """URL helpers for one response: relative to the current page, or absolute on a base."""

    theme: Theme
    current: str | None  # the current page below the site root; None -> absolute URLs
    base: str = "/"

    def to(self, site_path: str) -> str:
        if self.current is None:
            return self.base + site_path
        return relative_url(self.current, site_path)

    def static(self, name: str) -> str:
        return self.to("_static/" + static_name(self.theme, name))


def static_name(theme: Theme, name: str) -> str:
    """The fingerprinted name of a theme static file: css/style.css -> css/style.<hash>.css."""
    if name in GENERATED_STATIC:
        digest = hashlib.sha256(GENERATED_STATIC[name]().encode()).hexdigest()[:10]
    else:
        file = theme.find_static(name)
        if file is None:
            raise FileNotFoundError(f"theme static file {name!r} not found in {theme.chain}")
        digest = theme.fingerprint(file)
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"


class Docsite:
    """The site, the theme and the HTML of pages, as the web app uses them."""

    def __init__(self, config: SiteConfig, server_search: bool = True) -> None:
        self.config = config
        self.theme = Theme(config)
        self.site = Site(config, self.theme.gettext)
        self.site.renderer.ui_digest = self.theme.translations_digest
        if server_search:  # a server, running for long: bounded memory
            self.site.renderer.limit_memory(SERVER_RENDERS)
        self._html: LRU[tuple[str, str], tuple[int, Body]] = LRU(HTML_PAGES)
        self._nav: LRU[tuple[str, str, tuple[int, int]], NavFragment] = LRU(NAV_FRAGMENTS)
        self._nav_keys: LRU[tuple[str, tuple[int, int]], dict[int, list[str]]] = LRU(8)
        self.watcher: Watcher | None = None
        self.search_mode = "server" if server_search else "static"
        self.search: SearchIndex | None = None
        self.search_ready = threading.Event()
        self._reindex_lock = threading.Lock()
        self._reindex_todo: set[tuple[str, str]] = set()
        self._reindexing = False
        if server_search:
            self.search = SearchIndex(search_folder(config))
            threading.Thread(target=self._initial_sync, name="docsite-search", daemon=True).start()

    def _initial_sync(self) -> None:
        """Build the index when missing, else re-index what changed (in the background)."""
        assert self.search is not None
        try:
            self.search.sync(self.site)
        except Exception:  # the site still serves pages; search reports no results
            log.exception("search index sync failed")
        finally:
            self.search_ready.set()

    # --- live editing (serve) -----------------------------------------------------------------

    def reload_theme(self) -> None:
        """Templates, static files or translations changed: a fresh theme, no stale HTML."""
        theme = Theme(self.config)
        self.theme = theme
        self._html.clear()
        self._nav.clear()  # a new theme may reuse the id of the old (the fragments are keyed by it)
        self._nav_keys.clear()
        self.site.gettext_for = theme.gettext
        self.site.renderer.ui_digest = theme.translations_digest

    def reconfigure(self) -> None:
        """pyproject.toml changed: the new settings, with the same content folder."""
        try:
            config = load_config(self.config.root).with_options(
                content_dir=self.config.content_dir,
                cache_dir=self.config.cache_dir,
                include_drafts=self.config.include_drafts,
            )
        except Exception:
            log.exception("the new configuration is not valid; keeping the old one")
            return
        self.config = config
        self.theme = Theme(config)
        site = Site(config, self.theme.gettext)
        site.renderer.ui_digest = self.theme.translations_digest
        if self.search is not None:
            site.renderer.limit_memory(SERVER_RENDERS)
        self.site = site
        self._html.clear()
        self._nav.clear()  # a new site starts its versions again, and may reuse ids
        self._nav_keys.clear()

    def static_url(self, name: str) -> str:
        """A theme static file's fingerprinted URL below the site root."""
        return "_static/" + static_name(self.theme, name)

    def reindex_later(self, files: set[Path]) -> None:
        """Update the search index for changed pages, after the browsers were told.

        One worker thread takes every page changed since its last commit and re-indexes them
        in one commit, so a burst of saves (or a git checkout) costs a commit or two, not one
        per page.
        """
        if self.search is None:
            return
        content = self.config.content_dir
        with self._reindex_lock:
            for file in files:
                path = page_path(file.relative_to(content).as_posix().partition("/")[2])
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

    def run_search(self, q: str, lang: str, limit: int) -> SearchResult:
        if self.search is None:
            return SearchResult(query=q, total=0)
        self.search_ready.wait(timeout=120)
        return self.search.search(q, lang, limit)

    # --- view models ----------------------------------------------------------------------

    def base_context(self, lang: str, urls: Urls) -> dict[str, Any]:
        config = self.config
        context: dict[str, Any] = {
            "config": config,
            "lang": lang,
            "lang_tag": config.lang_tag(lang),
            "site_title": config.title(lang),
            "url": urls.to,
            "static": urls.static,
            "home_url": urls.to(f"{lang}/"),
            "nav": self.site.nav.get(lang),
            "nav_html": lambda: self.nav_html(lang, urls, context.get("current")),
            "when_current": when_current,
            "nav_prune": False,
            "when_open": when_open,
            "current": None,
            "description": "",
            "search_mode": self.search_mode,
            "csp": self.theme.csp,
            "site_root": urls.to(""),
            "search_url": urls.to(f"{lang}/search/"),
            "status_url": urls.to(f"{lang}/translation-status/"),
            "live_js": urls.to("_docsite/live.js") if self.watcher else None,
            "page_key": urls.current if urls.current is not None else request_page_key(),
            "alternates": [],
            "canonical": None,
            "og_locales": {code: OG_LOCALES.get(code, code) for code in config.languages},
            "toc": [],
            "nav_url": lambda node: urls.to(node.entry.site_path) if node.entry else None,
            "languages": [
                {
                    "code": code,
                    "name": config.lang_name(code),
                    "tag": config.lang_tag(code),
                    "url": urls.to(f"{code}/"),
                    "current": code == lang,
                }
                for code in config.languages
            ],
        }
        return context

    def nav_html(self, lang: str, urls: Urls, current: Entry | None) -> Markup:
        """The nav for one page: a fragment rendered once per language and folder depth."""
        version = (id(self.theme), self.site.version)  # before the nav it names (see page_body)
        root = self.site.nav.get(lang)
        if root is None:
            return Markup("")
        keys = self._nav_keys.get((lang, version))
        if keys is None:
            keys = marker_keys(root)
            self._nav_keys.put((lang, version), keys)
        if len(keys) > self.config.nav_expand_limit:
            # A pruned nav is small, and differs from page to page: render it for this page.
            kept = set(keys.get(id(current), ())) if current is not None else set()
            return Markup(
                self._render_nav(
                    lang,
                    urls,
                    current=current,
                    nav_prune=True,
                    when_current=decided("c", kept),
                    when_open=decided("o", kept),
                )
            )
        # Links from the site root down, so that every page at the same depth shares them.
        prefix = urls.base if urls.current is None else relative_url(urls.current, "")
        key = (lang, prefix, version)
        fragment = self._nav.get(key)
        if fragment is None:
            html = self._render_nav(
                lang,
                urls,
                when_current=marker("c"),
                when_open=marker("o"),
                nav_url=lambda node: prefix + node.entry.site_path if node.entry else None,
            )
            fragment = NavFragment.parse(html)
            self._nav.put(key, fragment)
        return fragment.fill(keys.get(id(current), ()) if current is not None else ())

    def _render_nav(self, lang: str, urls: Urls, **context: Any) -> str:
        """partials/nav.html with the base context, and these values over it."""
        full = self.base_context(lang, urls)
        full.update(context)
        return self.theme.env(lang).get_template("partials/nav.html").render(full)

    def page_body(self, entry: Entry) -> Body:
        """The finished page, encoded and with its ETag: a cached page costs no work at all."""
        key = (entry.lang, entry.url)
        version = self.site.version  # before rendering: a page rendered while the site
        cached = self._html.get(key)  # changes is kept under the old version, not the new
        if cached and cached[0] == version:
            return cached[1]
        body = Body.of(self._page_html(entry))
        self._html.put(key, (version, body))
        return body

    def _page_html(self, entry: Entry) -> str:
        site, config, lang = self.site, self.config, entry.lang
        rendered = site.render(entry)
        if (error := rendered.error()) is not None:
            raise error  # shown by the page view as the error page
        urls = Urls(self.theme, entry.site_path)
        context = self.base_context(lang, urls)
        translations = site.translations_of(entry)
        context["languages"] = [
            {
                "code": code,
                "name": config.lang_name(code),
                "tag": config.lang_tag(code),
                "url": urls.to(other.site_path),
                "current": code == lang,
                "fallback": other.fallback,
            }
            for code, other in translations.items()
        ]
        absolute = config.absolute_base
        alternates = [
            {
                "tag": config.lang_tag(code),
                "href": (absolute + other.site_path) if absolute else urls.to(other.site_path),
            }
            for code, other in translations.items()
        ]
        default_entry = translations.get(config.default_language)
        if default_entry is not None:
            alternates.append(
                {
                    "tag": "x-default",
                    "href": (absolute + default_entry.site_path)
                    if absolute
                    else urls.to(default_entry.site_path),
                }
            )
        previous, following = site.neighbours(entry)
        page = entry.page
        updated = site.last_updated(page)
        source_url = None
        if config.repo_url and page.source_file.is_relative_to(config.root):
            rel = page.source_file.relative_to(config.root).as_posix()
            source_url = f"{config.repo_url.rstrip('/')}/edit/{config.edit_branch}/{rel}"
        context.update(
            current=entry,
            page=page,
            fallback=entry.fallback,
            outdated=is_outdated(site, page),
            original_url=(
                urls.to(default_entry.site_path)
                if default_entry is not None and default_entry is not entry
                else None
            ),
            content=Markup(rendered.html),
            has_h1=rendered.has_h1,
            toc=rendered.toc if page.meta.get("toc", True) else [],
            description=page.meta.get("meta", ""),
            breadcrumbs=site.breadcrumbs(entry),
            previous=previous,
            next=following,
            updated=updated,
            edit_url=source_url,
            alternates=alternates,
            canonical=(absolute + entry.site_path) if absolute else None,
        )
        return self.theme.env(lang).get_template("page.html").render(context)

    def not_found_html(self, lang: str, base: str) -> str:
        context = self.base_context(lang, Urls(self.theme, None, base))
        return self.theme.env(lang).get_template("404.html").render(context)

    def error_html(self, lang: str, url: str, error: ContentError) -> str:
        urls = Urls(self.theme, f"{lang}/{url}")
        context = self.base_context(lang, urls)
        lines: list[tuple[int, str]] = []
        if error.line > 0:  # the lines around it, without reading all of a (huge) file
            try:
                with open(error.path, encoding="utf-8", errors="replace") as fh:
                    head = list(islice(fh, error.line + 2))
                low = max(error.line - 3, 0)
                lines = [(n + 1, head[n].rstrip("\n")) for n in range(low, len(head))]
            except OSError:
                pass
        where = display_path(error.path) + (f":{error.line}" if error.line else "")
        context.update(error=error, error_where=where, error_lines=lines)
        return self.theme.env(lang).get_template("error.html").render(context)

    def search_html(self, lang: str, q: str, scope: str) -> str:
        urls = Urls(self.theme, f"{lang}/search/")
        context = self.base_context(lang, urls)
        result = (
            self.run_search(q, "all" if scope == "all" else lang, 20)
            if q and self.search_mode == "server"
            else None
        )
        context.update(
            q=q,
            scope=scope,
            result=result,
            hits=[
                {
                    **hit.as_dict(),
                    "href": urls.to(hit.url.lstrip("/")),
                    "snippet": Markup(hit.snippet),
                }
                for hit in (result.results if result else [])
            ],
        )
        return self.theme.env(lang).get_template("search.html").render(context)

    def status_html(self, lang: str) -> str:
        urls = Urls(self.theme, f"{lang}/translation-status/")
        context = self.base_context(lang, urls)
        default = self.config.default_language
        reports = []
        for other in self.config.languages:
            if other == default:
                continue
            sections = translation_status(self.site, other)
            for section in sections:
                for status in section.pages:
                    entry = self.site.entries.get(other, {}).get(status.path)
                    status.href = urls.to(entry.site_path) if entry else None  # type: ignore[attr-defined]
            reports.append(
                {"lang": other, "name": self.config.lang_name(other), "sections": sections}
            )
        # the original's language as running text names it ("英文" in Chinese)
        default_name = self.theme.gettext(lang)(LANGUAGE_IN_TEXT.get(default, default))
        context.update(reports=reports, default_name=default_name)
        return self.theme.env(lang).get_template("status.html").render(context)

    def chooser_html(self) -> str:
        lang = self.config.default_language
        context = self.base_context(lang, Urls(self.theme, ""))
        return self.theme.env(lang).get_template("chooser.html").render(context)

    def sitemap(self) -> str:
        base = self.config.absolute_base or self.config.base_path
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        ]
        for entry in self.site.all_entries():
            out.append(f"<url><loc>{xml_escape(base + entry.site_path)}</loc>")
            for code, other in self.site.translations_of(entry).items():
                out.append(
                    f'<xhtml:link rel="alternate" hreflang="{self.config.lang_tag(code)}" '
                    f'href="{xml_escape(base + other.site_path)}"/>'
                )
            out.append("</url>")
        out.append("</urlset>\n")
        return "\n".join(out)


def request_page_key() -> str:
    """The current request's path below the site root (what live reload compares)."""
    try:
        return request.path.lstrip("/")
    except RuntimeError:  # outside a request
        return ""


def _state() -> Docsite:
    return current_app.extensions["docsite"]  # type: ignore[no-any-return]


def _lang_for_request(config: SiteConfig) -> str:
    first = request.path.strip("/").split("/", 1)[0]
    if first in config.languages:
        return first
    best = request.accept_languages.best_match(list(config.languages))
    return best or config.default_language


@dataclass(frozen=True)
class Body:
    """An HTML page as it is sent: UTF-8 bytes and their ETag."""

    data: bytes
    etag: str

    @classmethod
    def of(cls, html: str) -> Body:
        data = html.encode("utf-8")
        return cls(data, hashlib.sha1(data, usedforsecurity=False).hexdigest())


def _html_response(html: str | Body, status: int = 200) -> Response:
    body = html if isinstance(html, Body) else Body.of(html)
    response = Response(body.data, status=status, mimetype="text/html")
    if status == 200:
        response.cache_control.no_cache = True
        response.set_etag(body.etag)
        response.make_conditional(request)
    return response


def search_folder(config: SiteConfig) -> Path:
    """The index of one content folder under one configuration, in the cache."""
    key = hashlib.sha256(f"{config.content_dir}\0{config.digest}".encode()).hexdigest()[:16]
    return config.cache_dir / "search" / f"v{SEARCH_SCHEMA}-{key}"


def create_app(
    config: SiteConfig | None = None,
    *,
    server_search: bool = True,
    live: bool = False,
    trusted_hosts: Sequence[str] | None = None,
    **overrides: Any,
) -> Flask:
    """The docsite Flask application. Also what `flask --app docsite` and gunicorn load.

    With `server_search` off (as when freezing), no whoosh index is built: the pages use the
    static search index that the freezer writes. `live` (what `serve` uses) watches the
    sources and reloads the browsers showing a page that changed. `trusted_hosts` (behind a
    proxy: the names the site is served as) answers any other Host header with a 400.
    """
    if config is None:
        config = load_config(**overrides)
    elif overrides:
        config = config.with_options(**overrides)
    app = Flask(__name__, static_folder=None)
    app.config["DOCSITE_FREEZING"] = False
    guard_requests(app, trusted_hosts)
    state = Docsite(config, server_search=server_search)
    app.extensions["docsite"] = state
    if live:
        _add_live_editing(app, state)

    @app.get("/")
    def index() -> Response:
        if current_app.config["DOCSITE_FREEZING"]:
            return _html_response(state.chooser_html())
        lang = (
            request.accept_languages.best_match(list(state.config.languages))
            or state.config.default_language
        )
        response = redirect(f"{request.script_root}/{lang}/", 302)
        response.vary.add("Accept-Language")
        return response

    @app.get("/api/search")
    def api_search() -> Response:
        args = request.args
        lang = args.get("lang") or state.config.default_language
        if lang not in (known := (*state.config.languages, "all")):
            error = jsonify(error=f"lang must be one of {', '.join(known)}, not {lang!r}")
            error.status_code = 400
            return error
        try:
            limit = int(args.get("limit", "10"))
        except ValueError:
            limit = 10
        result = state.run_search(args.get("q", ""), lang, limit)
        response = jsonify(result.as_dict())
        response.cache_control.no_cache = True
        return response

    @app.get("/<lang>/search/")
    def search_page(lang: str) -> Response:
        if lang not in state.config.languages:
            abort(404)
        q = clean_query(request.args.get("q", ""))
        scope = "all" if request.args.get("lang") == "all" else lang
        return _html_response(state.search_html(lang, q, scope))

    @app.get("/<lang>/translation-status/")
    def translation_status_page(lang: str) -> Response:
        if lang not in state.config.languages:
            abort(404)
        return _html_response(state.status_html(lang))

    @app.get("/<lang>/")
    @app.get("/<lang>/<path:subpath>")
    def page(lang: str, subpath: str = "") -> Response:
        if lang not in state.config.languages:
            abort(404)
        site = state.site
        entry = site.entry_at(lang, subpath)
        if entry is not None:
            try:
                return _html_response(state.page_body(entry))
            except ContentError as exc:  # found while rendering (nesting, unclosed <script>)
                return _html_response(state.error_html(lang, subpath, exc), 500)
            except TemplateError as exc:
                if state.watcher is None:
                    raise
                return _html_response(template_error_html(exc, state), 500)
        error = site.broken.get((lang, subpath))
        if error is not None:
            return _html_response(state.error_html(lang, subpath, error), 500)
        if (normal := site.normal_url(lang, subpath)) is not None:  # a decomposed é
            return redirect(f"{request.script_root}/{lang}/{normal}", 308)  # type: ignore[return-value]
        if subpath and not subpath.endswith("/"):
            if site.entry_at(lang, subpath + "/") or (lang, subpath + "/") in site.broken:
                return redirect(f"{request.script_root}/{lang}/{subpath}/", 308)  # type: ignore[return-value]
            asset = site.find_asset(lang, subpath)
            if asset is not None:
                return send_file_or_404(asset, conditional=True, max_age=300)
        abort(404)

    @app.get("/_static/<path:name>")
    def theme_static(name: str) -> Response:
        match = FINGERPRINT_RE.match(name)
        plain = f"{match['stem']}{match['ext']}" if match else name
        generator: Callable[[], str] | None = GENERATED_STATIC.get(plain)
        file = state.theme.find_static(plain)
        if generator is None and file is None:
            abort(404)
        fingerprinted = match is not None and static_name(state.theme, plain) == name
        if generator is not None:
            response = Response(generator(), mimetype="text/css")
            response.add_etag()
            response.make_conditional(request)
        else:
            seconds = 31_536_000 if fingerprinted else 0  # max_age=0 would add no-cache
            response = send_file_or_404(file, conditional=True, max_age=seconds)  # type: ignore[arg-type]
        if fingerprinted:
            response.cache_control.public = True
            response.cache_control.max_age = 31_536_000
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response

    @app.get("/sitemap.xml")
    def sitemap() -> Response:
        return Response(state.sitemap(), mimetype="application/xml")

    @app.get("/robots.txt")
    def robots() -> Response:
        base = state.config.absolute_base
        lines = ["User-agent: *", "Allow: /"]
        if base:
            lines.append(f"Sitemap: {base}sitemap.xml")
        return Response("\n".join(lines) + "\n", mimetype="text/plain")

    @app.get("/404.html")
    def not_found_page() -> Response:
        lang = state.config.default_language
        return Response(state.not_found_html(lang, request.script_root + "/"), mimetype="text/html")

    @app.errorhandler(404)
    def not_found(error: NotFound) -> Response:
        lang = _lang_for_request(state.config)
        return Response(
            state.not_found_html(lang, request.script_root + "/"), 404, mimetype="text/html"
        )

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy", state.theme.csp + CSP_HEADER_EXTRA
            )
        return response

    return app


__all__ = ["Docsite", "NavNode", "create_app", "static_name"]


def _add_live_editing(app: Flask, state: Docsite) -> None:
    """Watch the sources, and serve the event stream and the script that listens to it."""
    from docsite.devserver import LIVE_JS, Watcher

    state.watcher = Watcher(state)
    state.watcher.start()

    @app.get("/_docsite/events")
    def live_events() -> Response:
        assert state.watcher is not None
        response = Response(state.watcher.events.stream(), mimetype="text/event-stream")
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Accel-Buffering"] = "no"
        return response

    @app.get("/_docsite/live.js")
    def live_js() -> Response:
        response = send_file(LIVE_JS, mimetype="text/javascript", max_age=0)
        response.cache_control.no_cache = True
        return response


def template_error_html(exc: TemplateError, state: Docsite) -> str:
    """A theme template failed: file, line, message and the lines around it (no theme)."""
    file, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not file:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".html"):
                file, line = frame.filename, frame.lineno
                break
    where = f"{display_path(file)}:{line}" if file else "template"
    source = ""
    if file and line:
        try:
            lines = Path(file).read_text("utf-8").splitlines()
            low = max(line - 3, 0)
            source = "\n".join(
                f"{'>' if n + 1 == line else ' '} {n + 1:4} {html_escape(lines[n])}"
                for n in range(low, min(line + 2, len(lines)))
            )
        except OSError:
            pass
    live = ""
    if state.watcher is not None:
        live = '<script src="/_docsite/live.js" data-page="*" data-root="/"></script>'
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Template error</title>"
        '<body style="font-family:system-ui,sans-serif;margin:2rem;max-width:60rem">'
        "<h1>Template error</h1>"
        f"<p><code>{html_escape(where)}</code></p><p>{html_escape(str(exc))}</p>"
        f'<pre style="background:#f6f8fa;padding:1rem;overflow-x:auto">{source}</pre>'
        "<p>Fix the template and save; this page reloads by itself.</p>"
        f"{live}</body></html>"
    )
