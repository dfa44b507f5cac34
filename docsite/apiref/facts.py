"""What docutils finds in a docstring (its first sentence, its translation units), and which
directives a page body holds, kept on disk.

Parsing a docstring costs about a millisecond, a site places about a thousand, and every build
asks for their summaries (the inventory) and for the translated pages' units (the translation
status); finding the directives of an API page is a block parse of the page, a few
milliseconds each. All of it depends only on the text and on the code that parses it, so it
is kept in the cache folder by the text's digest, in a file named after that code's digest: a
build that changed nothing parses no docstring and no page to make the inventory or the status.
"""

from __future__ import annotations

import hashlib
import marshal
import threading
from pathlib import Path

import docsite.apiref.directive as directive
from docsite.apiref import markers
from docsite.apiref.catalog import Unit
from docsite.apiref.directive import DirectiveSpec, RawDirective
from docsite.cachefile import write_atomically

# The code what is kept depends on (docutils is imported only to parse a docstring anew).
_CODE = ("rst.py", "rstnodes.py", "directive.py", "facts.py")

Facts = tuple[str, tuple[tuple[str, int], ...]]  # summary, units (msgid, line)
Known = tuple[dict[str, Facts], dict[str, tuple[RawDirective, ...]]]  # docstrings, bodies


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _code_digest() -> str:
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()[:16]


class DocstringFacts:
    """Summaries and units of docstrings by text, and the directives of page bodies, read from
    and written to one cache file."""

    def __init__(self, cache_dir: Path | None) -> None:
        code = _code_digest()
        self.file = cache_dir / "apiref" / f"docstrings-{code}.marshal" if cache_dir else None
        self._lock = threading.Lock()
        self._known, self._bodies = self._read()
        self._added = 0

    def _read(self) -> Known:
        if self.file is None:
            return {}, {}
        try:
            data = marshal.loads(self.file.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}, {}  # none yet, or unreadable: parse again
        ok = isinstance(data, tuple) and len(data) == 2 and all(isinstance(d, dict) for d in data)
        return data if ok else ({}, {})

    def directives(self, body: str) -> tuple[DirectiveSpec, ...]:
        """The directives of a page body (directive.find_directives)."""
        if markers.DIRECTIVE not in body:
            return ()
        key = _digest(body)
        raw = self._bodies.get(key)
        if raw is None:
            raw = directive.scan_directives(body)
            with self._lock:
                self._bodies[key] = raw
                self._added += 1
        return directive.directive_specs(raw)

    def _facts(self, text: str) -> Facts:
        key = _digest(text)
        found = self._known.get(key)
        if found is None:
            import docsite.apiref.rst as rst  # docutils: only for a docstring not seen before

            units = tuple((unit.msgid, unit.line) for unit in rst.units(text))
            found = (rst.summary(text), units)
            with self._lock:
                self._known[key] = found
                self._added += 1
        return found

    def summary(self, text: str) -> str:
        """The first sentence of a docstring, as plain text (rst.summary)."""
        return self._facts(text)[0]

    def units(self, text: str) -> list[Unit]:
        """The translation units of a docstring, in order (rst.units)."""
        return [Unit(msgid, line) for msgid, line in self._facts(text)[1]]

    def save(self) -> None:
        """Write what was learnt since the file was read (nothing when nothing was)."""
        if self.file is None or not self._added:
            return
        with self._lock:
            data, self._added = marshal.dumps((self._known, self._bodies)), 0
        write_atomically(self.file, data)  # a cache that cannot be written only costs time
