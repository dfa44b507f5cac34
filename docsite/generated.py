"""Static files docsite makes itself (`pygments.css`): how each is made, and its fingerprint,
kept in the cache under the digest of what it is made from.

A page names such a file by its fingerprinted name, so every build needs the fingerprint; one
that finds it in the cache neither makes the file nor imports what makes it (Pygments).
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from dataclasses import dataclass
from pathlib import Path

from docsite.cachefile import write_atomically
from docsite.codedigest import code_digest


@dataclass(frozen=True)
class GeneratedFile:
    """A file made by `function` of `module` from that module's code and `library`'s data."""

    module: str
    function: str
    library: str  # its package's __init__ says the version, so its source keys the output

    def make(self) -> str:
        return str(getattr(importlib.import_module(self.module), self.function)())

    def key(self) -> str:
        """The digest of what the file is made from (found, not imported)."""
        return code_digest(self.module, self.library)


GENERATED_STATIC: dict[str, GeneratedFile] = {
    "pygments.css": GeneratedFile("docsite.highlight", "pygments_css", "pygments"),
}

_lock = threading.Lock()
_known: dict[str, str] = {}  # name -> fingerprint, in this process (its code does not change)


def fingerprint(name: str, cache_dir: Path | None) -> str:
    """A short content hash of the generated file `name`, made only when neither this process
    nor the cache knows it for the file's inputs."""
    with _lock:
        if name in _known:
            return _known[name]
    generated = GENERATED_STATIC[name]
    key = f"{generated.key()}-{name}"
    file = cache_dir / "generated" / key if cache_dir else None
    try:
        digest = file.read_text("ascii") if file else ""
    except (OSError, UnicodeDecodeError):
        digest = ""
    if len(digest) != 10 or not digest.isalnum():
        digest = hashlib.sha256(generated.make().encode()).hexdigest()[:10]
        if file:
            write_atomically(file, digest.encode("ascii"))  # a cache that fails costs speed only
    with _lock:
        _known[name] = digest
    return digest
