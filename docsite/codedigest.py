"""What a cache of some code's output is keyed by: a digest of that code's source."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path


def source_of(obj: object) -> bytes:
    """The source text of the module that defines `obj` (b"" where there is none)."""
    try:
        file = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        file = None
    if not file:
        return repr(obj).encode()
    try:
        return Path(file).read_bytes()
    except OSError:
        return file.encode()


def code_digest(*modules: object) -> str:
    """A digest of the source of these modules: what a cache of their output is keyed by."""
    blob = b"".join(source_of(m) for m in modules)
    return hashlib.sha256(blob).hexdigest()[:16]
