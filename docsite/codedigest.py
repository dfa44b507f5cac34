"""What a cache of some code's output is keyed by: a digest of that code's source."""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
from pathlib import Path


def source_of(obj: object) -> bytes:
    """The source text of the module that defines `obj`, or of the module `obj` names (found,
    not imported); its repr where it has none."""
    if isinstance(obj, str):
        spec = importlib.util.find_spec(obj)
        obj = spec.origin if spec and spec.origin else obj
        if obj.endswith(".py"):
            return Path(obj).read_bytes()
        return obj.encode()
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
    """A digest of the source of these modules (or of those named, not imported): what a cache
    of their output is keyed by."""
    blob = b"".join(source_of(m) for m in modules)
    return hashlib.sha256(blob).hexdigest()[:16]
