"""The API reference as a docsite plugin: the directive and autorefs as a Markdown extension,
with the site's inventory as the context its pages render with.

Registered through the `docsite.plugins` entry point in pyproject.toml, like any plugin.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docsite.apiref import markers
from docsite.apiref.codeversion import code_digest
from docsite.apiref.pagekeys import PageKeys
from docsite.apiref.xref import Target
from docsite.config import SiteConfig
from docsite.pages import Page
from docsite.plugins import MarkdownExtension, Registry

if TYPE_CHECKING:  # the engine is imported when a site's pages first need it
    from markdown_it import MarkdownIt

    from docsite.apiref.engine import ApiEngine
    from docsite.apiref.inventory import InvEntry
    from docsite.apiref.sitewide import PageSource, SiteApi

_lock = threading.Lock()
# What Flask's docstrings refer to with :ref: and :doc: in Flask's own documentation, and the
# page (and heading) of ours that covers it.
FLASK_LABELS = {
    "testing-cli": Target("user-guide/testing.md", "cli-runner"),
    "url-route-registrations": Target("api/url-routing.md", ""),
    "security-json": Target("user-guide/security.md", "json"),
    "custom-scripts": Target("user-guide/cli.md", "custom-scripts"),
    "config-dev-prod": Target("user-guide/config.md", "environment-patterns"),
    "callbacks-and-errors": Target("user-guide/lifecycle.md", "hook-order"),
    "doc:/testing": Target("user-guide/testing.md", ""),
    "doc:/reqcontext": Target("user-guide/reqcontext.md", ""),
    "doc:views": Target("user-guide/views.md", ""),
    "doc:/patterns/flashing": Target("patterns/flashing.md", ""),
    "doc:/logging": Target("user-guide/logging.md", ""),
    "doc:/deploying/index": Target("user-guide/deploying/index.md", ""),
    "doc:/blueprints": Target("user-guide/blueprints.md", ""),
    "doc:/appcontext": Target("user-guide/appcontext.md", ""),
}


def engine_for(config: SiteConfig) -> ApiEngine:
    """One engine (and so one loaded model) per cache folder, inventories and process."""
    return _engine(config.cache_dir, config.inventories)


@lru_cache(maxsize=4)
def _engine(cache_dir: Path, inventories: tuple[tuple[str, str], ...]) -> ApiEngine:
    from docsite.apiref.engine import ApiEngine, ApiSettings

    # the settings take (objects.inv location, base URL); the config names the base first
    external = tuple((location, base) for base, location in inventories)
    return ApiEngine(ApiSettings(external_inventories=external), cache_dir=cache_dir)


def source_of(page: Page) -> PageSource:
    from docsite.apiref.sitewide import PageSource

    return PageSource(page.lang, page.path, page.body, page.source_file)


class ApiContext:
    """A site's API inventory, as its pages render with it: worked out (and the engine
    loaded) when a page first needs it, so that a site without directives or autorefs never
    loads the engine."""

    def __init__(self, config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> None:
        self.config = config
        self.pages = pages
        self._api: SiteApi | None = None
        self._lock = threading.Lock()
        # whether a page (by language, path and digest) has directives or autorefs: asked
        # for every page each time its render key is, and a scan of its whole body
        self._concerns: dict[tuple[str, str, str], bool] = {}
        self._keys: PageKeys | None = None  # made when first asked (it digests every page)

    @property
    def api(self) -> SiteApi:
        """The inventory of the site: which page places which object, in each language."""
        with self._lock:  # one inventory, however many threads render at once
            if self._api is None:
                self._api = _site_api(self.config, self.pages)
            return self._api

    def env(self, lang: str, page: Page) -> tuple[dict[str, Any], str]:
        if not self._concern(page):
            return {}, ""
        from docsite.apiref.engine import ENV_KEY

        env = self.api.render_env(lang, source_of(page))
        return env, env[ENV_KEY].digest if env else ""

    def digest(self, lang: str, page: Page) -> str:
        """`env`'s digest alone: that of a build before from the same inputs (pagekeys) when
        there is one; else every page's is worked out at once (the engine loaded) and kept."""
        if not self._concern(page):
            return ""
        keys = self.keys
        name = keys.digest_name(lang, page)
        known, value = keys.get(name)
        if known and isinstance(value, str):
            return value
        with keys.lock:
            known, value = keys.get(name)  # another thread may have worked it out meanwhile
            if known and isinstance(value, str):
                return value
            found = {
                keys.digest_name(shown_in, other): self.env(shown_in, other)[1]
                for shown_in, shown in self.pages.items()
                for other in shown
                if self._concern(other)
            }
            if name not in found:  # a page this context was not made with
                found[name] = self.env(lang, page)[1]
            keys.keep(found)
        return found[name]

    def units(self, page: Page) -> tuple[int, int, int] | None:
        if page.lang == self.config.default_language or markers.DIRECTIVE not in page.body:
            return None
        keys = self.keys
        known = self._known_units(page)
        if known is not False:
            return known
        with keys.lock:
            if (known := self._known_units(page)) is not False:
                return known
            found = {
                keys.units_name(other): self._units(other)
                for shown in self.pages.values()
                for other in shown
                if other.lang != self.config.default_language and markers.DIRECTIVE in other.body
            }
            name = keys.units_name(page)
            if name not in found:  # a page this context was not made with
                found[name] = self._units(page)
            keys.keep({n: list(c) if c else None for n, c in found.items()})
        return found[name]

    @property
    def keys(self) -> PageKeys:
        with self._lock:
            if self._keys is None:
                self._keys = PageKeys(self.config, self.pages)
            return self._keys

    def _known_units(self, page: Page) -> tuple[int, int, int] | Literal[False] | None:
        """The page's counts as kept (False: not kept)."""
        known, value = self.keys.get(self.keys.units_name(page))
        if not known or not (value is None or isinstance(value, list)):
            return False
        return (value[0], value[1], value[2]) if value else None

    def _concern(self, page: Page) -> bool:
        known = (page.lang, page.path, page.digest)
        concerns = self._concerns.get(known)
        if concerns is None:
            concerns = self._concerns[known] = markers.concerns(page.body)
        return concerns

    def _units(self, page: Page) -> tuple[int, int, int] | None:
        from docsite.apiref.sitewide import catalog_counts, is_api_page

        if not is_api_page(self.api.engine, page.body):
            return None
        counts = catalog_counts(self.api.engine, source_of(page))
        return counts.translated, counts.outdated, counts.missing

    def objects_inv_entries(
        self, lang: str, page_uri: Callable[[str], str | None]
    ) -> list[InvEntry]:
        """The `py:` entries of a language's objects.inv (none where no page has a directive,
        and then without loading the engine)."""
        if not any(markers.DIRECTIVE in page.body for page in self.pages.get(lang, ())):
            return []
        from docsite.apiref.sitewide import objects_inv_entries

        return objects_inv_entries(self.api.inventory, lang, page_uri)


def _site_api(config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> SiteApi:
    from docsite.apiref.sitewide import SiteApi

    with _lock:  # one model load, however many threads make sites at once
        api = SiteApi(engine_for(config), config.default_language)
    api.update(
        {lang: [source_of(page) for page in shown] for lang, shown in pages.items()},
        FLASK_LABELS,
    )
    return api


def site_context(config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> ApiContext:
    """The API context of a site (its inventory is worked out when first needed)."""
    return ApiContext(config, pages)


def setup(md: MarkdownIt) -> None:
    """The directive and autorefs on a parser (their renderer, and docutils with it, are
    imported when the first parser is made, not when the plugin registers)."""
    from docsite.apiref.plugin import markdown_plugin

    markdown_plugin(md)


def register(registry: Registry) -> None:
    registry.add_markdown(
        MarkdownExtension(
            "apiref",
            setup=setup,
            version=code_digest(),
            site_context=site_context,
            ui_strings_verbatim=True,  # titles and badges, escaped (and only with an env)
            block_marker=":::",  # its one block rule starts at `:::`
        )
    )
