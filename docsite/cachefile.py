"""Writing a file of a cache: whole or not at all, and never an error; reading a big one
without the garbage collector.

A reader (another build, the server, a worker process) must see the old file or the new one,
never half of one, so the bytes go to a temporary file beside it that then replaces it. A cache
that cannot be written only costs time: a failure is reported as False, not raised.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_atomically(file: Path, data: bytes) -> bool:
    """Replace `file` with `data` in one step (its folder made if needed); False on failure."""
    tmp = ""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, file)
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    return True


def write_replacing(file: Path, data: bytes, prefix: str) -> bool:
    """`write_atomically`, then remove the other files of the folder whose names start with
    `prefix` and end like `file`'s (its other versions: another code's, another site's)."""
    if not write_atomically(file, data):
        return False
    for other in file.parent.glob(f"{prefix}*{file.suffix}"):
        if other != file:
            other.unlink(missing_ok=True)
    return True


def scope_name(folder: Path | str) -> str:
    """A short name for whose files a cache shared by several sites holds (a content
    folder), so that building one site does not empty another's."""
    return hashlib.sha256(str(folder).encode()).hexdigest()[:10]


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """The garbage collector paused: reading a big cache (marshal, pickle) makes hundreds of
    thousands of objects and no reference cycle, yet each few hundred of them start a
    collection that walks every object made before (a one-page build at 1,000 pages per
    language spent 0.2 s of its 0.3 s loading the search index's state so)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
