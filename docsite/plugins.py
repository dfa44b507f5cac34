"""The plugin seam: Markdown extensions and page sources, registered in one place.

A plugin is a function `register(registry: Registry) -> None`. docsite finds plugins in the
`docsite.plugins` entry-point group of installed packages and in the project's configuration
(`plugins = ["my_package.docs:register"]` in `[tool.docsite]`), and calls each once:

    def register(registry):
        registry.add_markdown(MarkdownExtension("kbd", setup=kbd_plugin))
        registry.add_page_source(ChangelogSource())

- A **Markdown extension** adds syntax to the one parser every page goes through:
  `setup(md)` calls `md.use(...)` or adds rules. The render cache is keyed by a digest of the
  module that defines `setup` (and `version`, for anything else its output depends on), so a
  changed extension never serves stale HTML.
  An extension whose output depends on other pages gives `site_context` too (see below).
- A **page source** makes pages that do not come from `content/<lang>/**/*.md` files: its
  `read(config)` returns `Sources` (pages by language and path, with their errors), whose
  pages go through the same nav, rendering, search and freezing as any other. `watches(config)`
  names the files or folders whose change makes the live server read it again.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from docsite.codedigest import source_of
from docsite.errors import ConfigError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from docsite.config import SiteConfig
    from docsite.pages import Page
    from docsite.sources import Sources

ENTRY_POINT_GROUP = "docsite.plugins"


class PageContext(Protocol):
    """What an extension knows about one site, for rendering its pages (made once per site)."""

    def env(self, lang: str, page: Page) -> tuple[dict[str, Any], str]:
        """More render env for the page in a UI language, and a digest of what it depends on
        (part of the page's cache key); ({}, "") for a page the extension has nothing for."""
        ...

    def digest(self, lang: str, page: Page) -> str:
        """`env(lang, page)`'s digest alone (what a render key needs): the same string,
        which an extension may know without working the env out."""
        ...

    def units(self, page: Page) -> tuple[int, int, int] | None:
        """For a translated page with translation units of its own (an API page's docstring
        units): how many are translated, outdated and missing; None for any other page."""
        ...


@dataclass(frozen=True)
class MarkdownExtension:
    """Syntax added to the parser by `setup(md)`.

    An extension whose output depends on other pages (cross-references, an inventory) also
    gives `site_context(config, pages)`: called with every page each language shows whenever a
    site is made, it returns the `PageContext` that site renders with.
    """

    name: str
    setup: Callable[[MarkdownIt], None]
    version: str = ""  # what else the rendered HTML depends on (a data file's digest …)
    site_context: Callable[[SiteConfig, Mapping[str, Sequence[Page]]], PageContext] | None = None
    # True when the extension writes UI strings (the render context's `gettext`) into the HTML
    # only as they are, escaped, or not at all: a page is then rendered once for all languages
    # with markers where the UI strings go (docsite.render.Marked).
    ui_strings_verbatim: bool = False
    # Text whose absence from a page means the extension leaves the page's blocks as the
    # parser without it makes them (None: no such promise): the Markdown copy then takes the
    # lines of the rendering's parse instead of parsing the page again (docsite.mdscan).
    block_marker: str | None = None

    def digest(self) -> str:
        return hashlib.sha256(source_of(self.setup) + self.version.encode()).hexdigest()[:16]


def keeps_blocks(extensions: Sequence[MarkdownExtension], body: str) -> bool:
    """Whether these extensions leave a body's blocks as the parser without them makes them
    (each promises so for bodies without its `block_marker`)."""
    return all(e.block_marker is not None and e.block_marker not in body for e in extensions)


class PageSource(Protocol):
    """Pages made by other means than Markdown files in the content folder."""

    name: str

    def read(self, config: SiteConfig) -> Sources: ...

    def watches(self, config: SiteConfig) -> list[Path]: ...


@dataclass
class Registry:
    """What the plugins added, in the order they added it."""

    markdown: list[MarkdownExtension] = field(default_factory=list)
    page_sources: list[PageSource] = field(default_factory=list)

    def add_markdown(self, extension: MarkdownExtension) -> None:
        if any(e.name == extension.name for e in self.markdown):
            raise ConfigError(f"two Markdown extensions are named {extension.name!r}")
        self.markdown.append(extension)

    def add_page_source(self, source: PageSource) -> None:
        if any(s.name == source.name for s in self.page_sources):
            raise ConfigError(f"two page sources are named {source.name!r}")
        self.page_sources.append(source)

    def markdown_digest(self) -> str:
        """A digest of every extension's code and version, in order (part of cache keys)."""
        parts = [f"{e.name}={e.digest()}" for e in self.markdown]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def load_plugins(
    names: Iterable[str] = (),
    *,
    installed: bool = True,
    builtins: Iterable[tuple[str, Callable[[Registry], None]]] = (),
) -> Registry:
    """The registry after every plugin registered: `builtins`, installed ones, then `names`."""
    registry = Registry()
    registers: list[tuple[str, Callable[[Registry], None]]] = list(builtins)
    if installed:
        for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
            registers.append((f"entry point {point.name!r}", point.load()))
    for name in names:
        registers.append((f"plugin {name!r}", _import(name)))
    for label, register in registers:
        try:
            register(registry)
        except ConfigError:
            raise
        except Exception as exc:
            raise ConfigError(f"{label} failed to register: {exc}") from exc
    return registry


def _import(name: str) -> Callable[[Registry], None]:
    module_name, _, attr = name.partition(":")
    try:
        module = importlib.import_module(module_name)
        register = getattr(module, attr or "register")
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"plugin {name!r} cannot be loaded: {exc}") from exc
    if not callable(register):
        raise ConfigError(f"plugin {name!r} is not a function taking the registry")
    return register  # type: ignore[no-any-return]
