"""Where a request meets the file system: lookups that answer "no such file" instead of raising.

A request path can make the system refuse a lookup in many ways (a segment longer than the
file system allows, a symbolic link loop, a folder without permission, a NUL byte): every such
refusal means "not here", a 404, never a server error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, abort, send_file

# ENAMETOOLONG, ELOOP, EACCES … are OSError; a NUL byte is a ValueError; pathlib reports a
# symbolic link loop met while resolving as a RuntimeError.
LOOKUP_ERRORS = (OSError, ValueError, RuntimeError)


def is_regular_file(path: Path) -> bool:
    """Whether path is a regular file (after links); False whenever the system refuses."""
    try:
        return path.is_file()
    except LOOKUP_ERRORS:
        return False


def resolved(path: Path) -> Path | None:
    """The path with its links followed, or None when it cannot be resolved."""
    try:
        return path.resolve()
    except LOOKUP_ERRORS:
        return None


def send_file_or_404(path: Path, **options: Any) -> Response:
    """flask.send_file, or a 404 when the file cannot be opened (gone, unreadable)."""
    try:
        return send_file(path, **options)
    except LOOKUP_ERRORS:
        abort(404)
