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

from markdown_it import MarkdownIt

from docsite.apiref.engine import ApiEngine, ApiSettings, code_digest
from docsite.apiref.sitewide import PageSource, SiteApi, catalog_counts, is_api_page
from docsite.apiref.xref import Target
from docsite.config import SiteConfig
from docsite.pages import Page
from docsite.plugins import MarkdownExtension, Registry

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
        if page.lang == self.api.default_language or not is_api_page(self.api.engine, page.body):
            return None
        counts = catalog_counts(self.api.engine, source_of(page))
        return counts.translated, counts.outdated, counts.missing


def site_context(config: SiteConfig, pages: Mapping[str, Sequence[Page]]) -> ApiContext:
    """The inventory of a site: which page places which object, in each language."""
    with _lock:  # one model load, however many threads make sites at once
        api = SiteApi(engine_for(config), config.default_language)
    api.update(
        {lang: [source_of(page) for page in shown] for lang, shown in pages.items()},
        FLASK_LABELS,
    )
    return ApiContext(api)


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
        )
    )
