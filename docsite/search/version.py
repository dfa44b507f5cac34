"""The version of what a search index's contents depend on, without importing the engines.

A digest of this package's code and of the versions of rjieba (jieba's segmenter) and whoosh
(read from their installed metadata, so that a build that never segments Chinese nor opens a
whoosh index does not pay for importing them). An index written by other code lives in
another folder or cache file and is never mixed with this one.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ENGINES = ("rjieba", "whoosh-reloaded")


def _engine_versions() -> str:
    found = []
    for name in ENGINES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return " ".join(found)


def _code_version() -> str:
    digest = hashlib.sha256(_engine_versions().encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:12]


SCHEMA_VERSION = _code_version()
