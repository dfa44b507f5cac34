"""The pages the last read of a content folder made, kept in the cache with each file's size,
times and inode, so that the next read parses only the files that changed (the test make and
git use).

A file changed within two seconds of the read that found it is not kept: a second change in the
same tick of the file system's clock could leave its size and times as they were. The cache is
keyed by the code that reads a page (and the YAML library's version); one that cannot be read
is no cache, and one that cannot be written only costs time.
"""

from __future__ import annotations

import functools
import pickle
import sys
import time
from pathlib import Path

from docsite import errors, pages, urls
from docsite.cachefile import no_collection, scope_name, write_atomically
from docsite.codedigest import code_digest
from docsite.pages import Page, load_page

RECENT_NS = 2_000_000_000
DRIFT = 16  # files the cache may have otherwise than read before it is written again
Signature = tuple[int, int, int, int]  # size, modified and changed time (ns), inode
Kept = dict[str, tuple[Signature, Page]]  # by file
_UNREADABLE = (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError)


@functools.cache
def _version() -> str:
    # the front matter's parser and PyYAML (whose __init__ says its version): named, so that
    # a build reading every page from this cache does not import them
    code = code_digest(pages, "docsite.yamlblock", "yaml", urls, errors, sys.modules[__name__])
    return f"{code} {sys.version_info[:2]}"


class PageCache:
    """Pages read before, by file, for one content folder (no cache when `cache_dir` is None)."""

    def __init__(self, cache_dir: Path | None, content_dir: Path) -> None:
        name = scope_name(content_dir)
        self.file = None if cache_dir is None else cache_dir / "sources" / f"{name}.pickle"
        self.started = time.time_ns()
        self.old: Kept = self._load()
        self.new: Kept = {}

    def _load(self) -> Kept:
        if self.file is None:
            return {}
        try:
            with no_collection():
                version, kept = pickle.loads(self.file.read_bytes())
        except (*_UNREADABLE, pickle.UnpicklingError):
            return {}
        return kept if version == _version() and isinstance(kept, dict) else {}

    def load_page(self, content_root: Path, lang: str, path: str) -> Page:
        """pages.load_page, from the cache when the file is as it was when kept."""
        file = content_root / lang / path
        try:
            stat = file.stat()
        except OSError:
            return load_page(content_root, lang, path)  # which says why it cannot be read
        sig = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        kept = self.old.get(str(file))
        page = kept[1] if kept is not None and kept[0] == sig else None
        page = page or load_page(content_root, lang, path)
        if max(stat.st_mtime_ns, stat.st_ctime_ns) < self.started - RECENT_NS:
            self.new[str(file)] = (sig, page)
        return page

    def save(self) -> None:
        """Keep the pages read, when that changed which files or which versions, but for a
        few (`DRIFT`): a page just edited is not kept (RECENT_NS), and reading it again next
        time costs less than writing every page again now."""
        if self.file is None:
            return
        new, old = _signatures(self.new), _signatures(self.old)
        drift = sum(1 for file in new.keys() | old.keys() if new.get(file) != old.get(file))
        if (drift <= max(DRIFT, len(new) // 50) and old) or drift == 0:
            return
        data = pickle.dumps((_version(), self.new), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(self.file, data)


def _signatures(kept: Kept) -> dict[str, Signature]:
    return {file: sig for file, (sig, _) in kept.items()}
