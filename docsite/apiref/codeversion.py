"""What the API reference's output depends on of its own code: a digest of its source files.

Kept apart from the engine so that registering the plugin (which names this version) imports
nothing of the engine: a site with no API page never loads it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


@cache
def code_digest() -> str:
    """A digest of the apiref package's source files."""
    digest = hashlib.sha256()
    for file in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]
