"""File-system lookups that answer "not there" instead of raising.

A path made from a request or a content file can make the system refuse a lookup in many ways
(a segment longer than the file system allows, a symbolic link loop, a folder without
permission, a NUL byte): every such refusal means the file is not there. Builds and the server
both use these; docsite.safety adds what only the server needs.
"""

from __future__ import annotations

from pathlib import Path

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
