"""create_app(): the docsite Flask application (also for `flask --app docsite` and gunicorn)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import NotFound

from docsite.config import SiteConfig, load_config
from docsite.safety import guard_requests
from docsite.state import Docsite
from docsite.theme import CSP_HEADER_EXTRA
from docsite.views import bp, language_for_request, not_found_html

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def create_app(
    config: SiteConfig | None = None,
    *,
    server_search: bool = True,
    live: bool = False,
    trusted_hosts: Sequence[str] | None = None,
    **overrides: Any,
) -> Flask:
    """The docsite Flask application.

    With `server_search` off (as when freezing), no whoosh index is built: the pages use the
    static search index that the freezer writes. `live` (what `serve` uses) watches the
    sources and reloads the browsers showing a page that changed. `trusted_hosts` (behind a
    proxy: the names the site is served as) answers any other Host header with a 400.
    """
    if config is None:
        config = load_config(**overrides)
    elif overrides:
        config = config.with_options(**overrides)
    state = Docsite(config, server_search=server_search)
    app = app_for(state, trusted_hosts)
    if live:
        from docsite.devserver import Watcher, live_blueprint

        state.live = True
        watcher = Watcher(state)
        app.extensions["docsite.watcher"] = watcher
        app.register_blueprint(live_blueprint(watcher))
        watcher.start()
    return app


def app_for(state: Docsite, trusted_hosts: Sequence[str] | None = None) -> Flask:
    """The Flask application serving this site's state (what `create_app` makes around a new
    state; a build makes one around its state only when it freezes URLs through Frozen-Flask)."""
    app = Flask(__name__, static_folder=None)
    app.config["DOCSITE_FREEZING"] = False
    guard_requests(app, trusted_hosts)
    app.extensions["docsite"] = state
    app.register_blueprint(bp)

    @app.errorhandler(404)
    def not_found(_error: NotFound) -> Response:
        config = state.config
        lang = language_for_request(config.languages, config.default_language)
        return Response(not_found_html(lang), 404, mimetype="text/html")

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            csp = state.theme.csp + CSP_HEADER_EXTRA
            response.headers.setdefault("Content-Security-Policy", csp)
        return response

    return app
