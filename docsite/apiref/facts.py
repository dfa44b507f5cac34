"""What docutils finds in a docstring (its first sentence, its translation units), kept on disk.

Parsing a docstring costs about a millisecond, a site places about a thousand, and every build
asks for their summaries (the inventory) and for the translated pages' units (the translation
status). Both depend only on the docstring's text and on the code that parses it, so they are
kept in the cache folder by the text's digest, in a file named after that code's digest: a
build that changed nothing parses no docstring to make the inventory or the status.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path

import docsite.apiref.rst as rst
import docsite.apiref.rstnodes as rstnodes
from docsite.plugins import code_digest

Facts = tuple[str, tuple[tuple[str, int], ...]]  # summary, units (msgid, line)


class DocstringFacts:
    """Summaries and units of docstrings by text, read from and written to one cache file."""

    def __init__(self, cache_dir: Path | None) -> None:
        name = f"docstrings-{code_digest(rst, rstnodes, sys.modules[__name__])}.marshal"
        self.file = cache_dir / "apiref" / name if cache_dir else None
        self._lock = threading.Lock()
        self._known: dict[str, Facts] = self._read()
        self._added = 0

    def _read(self) -> dict[str, Facts]:
        if self.file is None:
            return {}
        try:
            data = marshal.loads(self.file.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}  # none yet, or unreadable: parse again
        return data if isinstance(data, dict) else {}

    def _facts(self, text: str) -> Facts:
        key = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        found = self._known.get(key)
        if found is None:
            units = tuple((unit.msgid, unit.line) for unit in rst.units(text))
            found = (rst.summary(text), units)
            with self._lock:
                self._known[key] = found
                self._added += 1
        return found

    def summary(self, text: str) -> str:
        """The first sentence of a docstring, as plain text (rst.summary)."""
        return self._facts(text)[0]

    def units(self, text: str) -> list[rst.Unit]:
        """The translation units of a docstring, in order (rst.units)."""
        return [rst.Unit(msgid, line) for msgid, line in self._facts(text)[1]]

    def save(self) -> None:
        """Write what was learnt since the file was read (nothing when nothing was)."""
        if self.file is None or not self._added:
            return
        with self._lock:
            data, self._added = marshal.dumps(self._known), 0
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs time
