"""The API reference as a docsite plugin: the directive and autorefs as a Markdown extension,
with the site's inventory as the context its pages render with.

Registered through the `docsite.plugins` entry point in pyproject.toml, like any plugin.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docsite.apiref import (
    catalog,
    directive,
    engine,
    inventory,
    loader,
    model,
    objects,
    plugin,
    rst,
    rsthtml,
    rstnodes,
    signature,
    sitewide,
    xref,
)
from docsite.apiref.engine import ApiEngine, ApiSettings
from docsite.apiref.plugin import markdown_plugin
from docsite.apiref.sitewide import PageSource, SiteApi, catalog_counts, is_api_page
from docsite.config import SiteConfig
from docsite.pages import Page
from docsite.plugins import MarkdownExtension, Registry, code_digest

_MODULES = (catalog, directive, engine, inventory, loader, model, objects, plugin, rst)
_MODULES += (rsthtml, rstnodes, signature, sitewide, xref)
_lock = threading.Lock()


def engine_for(config: SiteConfig) -> ApiEngine:
    """One engine (and so one loaded model) per cache folder, inventories and process."""
    return _engine(config.cache_dir, config.inventories)


@lru_cache(maxsize=4)
def _engine(cache_dir: Path, inventories: tuple[tuple[str, str], ...]) -> ApiEngine:
    # the settings take (objects.inv location, base URL); the config names the base first
    external = tuple((location, base) for base, location in inventories)
    return ApiEngine(ApiSettings(external_inventories=external), cache_dir=cache_dir)


def source_of(page: Page) -> PageSource:
    return PageSource(page.lang, page.path, page.body, page.source_file)


@dataclass(frozen=True)
class ApiContext:
    """A site's API inventory, as its pages render with it."""

    api: SiteApi

    def env(self, lang: str, page: Page) -> tuple[dict[str, Any], str]:
        source = source_of(page)
        env = self.api.render_env(lang, source)
        return env, self.api.render_digest(lang, source) if env else ""

    def units(self, page: Page) -> tuple[int, int, int] | None:
        if page.lang == self.api.default_language or not is_api_page(page.body):
            return None
        counts = catalog_counts(self.api.engine, source_of(page))
        return counts.translated, counts.outdated, counts.missing


def site_context(config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> ApiContext:
    """The inventory of a site: which page places which object, in each language."""
    with _lock:  # one model load, however many threads make sites at once
        api = SiteApi(engine_for(config), config.default_language)
    api.update({lang: [source_of(page) for page in shown] for lang, shown in pages.items()})
    return ApiContext(api)


def register(registry: Registry) -> None:
    registry.add_markdown(
        MarkdownExtension(
            "apiref",
            setup=markdown_plugin,
            version=code_digest(*_MODULES),
            site_context=site_context,
        )
    )
