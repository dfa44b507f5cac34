"""What a stranger's request may not do: make a lookup fail with a 500, or a redirect leave.

A lookup the system refuses (docsite.safepaths) means "not here": a 404, never a server
error. A forged Host header never reaches a redirect's Location.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, request, send_file
from werkzeug.routing import RequestRedirect

from docsite.safepaths import LOOKUP_ERRORS


def send_file_or_404(path: Path, **options: Any) -> Response:
    """flask.send_file, or a 404 when the file cannot be opened (gone, unreadable)."""
    try:
        return send_file(path, **options)
    except LOOKUP_ERRORS:
        abort(404)


def guard_requests(app: Flask, trusted_hosts: Sequence[str] | None = None) -> None:
    """Redirects that stay on the site, and (behind a proxy) only the hosts it is served as.

    Werkzeug's own redirects (a missing trailing slash, doubled slashes) are absolute URLs
    built from the request's Host header, so a forged Host would send the reader elsewhere:
    they are answered here with the path alone. `trusted_hosts` (Flask's TRUSTED_HOSTS) makes
    any other Host header a 400.
    """
    if trusted_hosts:
        app.config["TRUSTED_HOSTS"] = list(trusted_hosts)

    @app.before_request
    def local_redirect() -> Response | None:
        exc = request.routing_exception
        if isinstance(exc, RequestRedirect):
            return redirect(local_location(exc.new_url), exc.code)
        if has_encoded_slash(request.environ):
            abort(404)
        return None


def has_encoded_slash(environ: dict[str, Any]) -> bool:
    """Whether the path as sent holds a %2F. Decoded, /en/tutorial%2f is /en/tutorial/, but a
    browser resolves the page's relative links against /en/: no URL of the site has one."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    return "%2f" in raw.partition("?")[0].lower()


def local_location(url: str) -> str:
    """A URL reduced to its path and query: the same place on whatever host was asked."""
    parts = urlsplit(url)
    path = "/" + parts.path.lstrip("/\\")  # never "//host": that is another site
    return path + (f"?{parts.query}" if parts.query else "")


def is_loopback(host: str) -> bool:
    """Whether a --host to bind is reachable from this machine only."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False
