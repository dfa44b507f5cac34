"""What an API page's rendering and its translation counts depend on, and those a build before
worked out, kept on disk: a build whose API inputs did not change keys its pages and counts
their units without loading the engine, the model, the inventory or the catalogs.

A page's `PageApi.digest` is made of the engine's digest (the model's cache key, the settings,
the external inventories, the apiref code), the site's inventory (what every page with a
directive places, and the labels in the code) and the page's catalog; the counts of its units,
of the engine, the page and its catalog. `site_key` digests what every page shares; each entry
adds the page's own inputs. A remote inventory may change at any time: a site that names one
keeps nothing, and works its digests out in every build as before.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docsite.apiref import markers
from docsite.apiref.codeversion import code_digest
from docsite.cachefile import scope_name, write_replacing

if TYPE_CHECKING:
    from docsite.config import SiteConfig
    from docsite.pages import Page

CATALOG_SUFFIX = ".po"
Known = dict[str, "str | list[int] | None"]


def catalog_path(page_file: Path) -> Path:
    """The catalog of a translated page: the page's file with `.po` for `.md`."""
    return page_file.with_suffix(CATALOG_SUFFIX)


def site_key(config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> str | None:
    """The digest of what every page's API digest depends on (pages: those each language
    shows); None when an inventory is remote or cannot be read."""
    from docsite.apiref.modelcache import BASE_PACKAGES, PACKAGE, cache_key

    digest = hashlib.sha256()
    for part in (code_digest(), cache_key(PACKAGE, BASE_PACKAGES), config.default_language):
        digest.update(part.encode() + b"\0")
    for base, location in config.inventories:
        if location.startswith(("http://", "https://")):
            return None
        try:
            data = Path(location).read_bytes()
        except OSError:
            return None  # reported when the engine reads it
        digest.update(f"{base}\0{location}\0".encode() + hashlib.sha256(data).digest())
    for lang in sorted(pages):
        for page in sorted(pages[lang], key=lambda p: p.path):
            if markers.DIRECTIVE in page.body:  # only such pages place objects
                digest.update(f"{lang}\0{page.path}\0{page.digest}\0".encode())
    return digest.hexdigest()[:20]


def _catalog_digest(page: Page) -> str:
    try:
        return hashlib.sha256(catalog_path(page.source_file).read_bytes()).hexdigest()[:16]
    except OSError:
        return "none"


class PageKeys:
    """The API digests and unit counts of pages, as a build with the same site key worked
    them out (one file per content folder in the cache: the last site's; none in a scratch
    cache, which no later build reads)."""

    def __init__(self, config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> None:
        self.default_language = config.default_language
        self.prefix = f"pages-{scope_name(config.content_dir)}-"
        key = None if config.cache_scratch else site_key(config, pages)
        self.file = config.cache_dir / "apiref" / f"{self.prefix}{key}.json" if key else None
        self.lock = threading.Lock()  # held by whoever fills what is missing
        self._known: Known = self._read()

    def digest_name(self, lang: str, page: Page) -> str:
        """An entry for the digest of `page` rendered in language `lang`."""
        own = "-" if page.lang == self.default_language else _catalog_digest(page)
        return f"d\0{lang}\0{page.lang}\0{page.path}\0{page.digest}\0{own}"

    def units_name(self, page: Page) -> str:
        return f"u\0{page.lang}\0{page.path}\0{page.digest}\0{_catalog_digest(page)}"

    def get(self, name: str) -> tuple[bool, str | list[int] | None]:
        """(whether it is known, its value)."""
        return (name in self._known, self._known.get(name))

    def keep(self, found: Known) -> None:
        """Add these entries, written at once; the other files of this folder go."""
        self._known.update(found)
        if self.file is None or not found:
            return
        write_replacing(self.file, json.dumps(self._known).encode(), self.prefix)

    def _read(self) -> Known:
        if self.file is None:
            return {}
        try:
            data = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: worked out again
        return data if isinstance(data, dict) else {}
