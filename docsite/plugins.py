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
- A **page source** makes pages that do not come from `content/<lang>/**/*.md` files: its
  `read(config)` returns `Sources` (pages by language and path, with their errors), whose
  pages go through the same nav, rendering, search and freezing as any other. `watches(config)`
  names the files or folders whose change makes the live server read it again.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from docsite.errors import ConfigError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from docsite.config import SiteConfig
    from docsite.sources import Sources

ENTRY_POINT_GROUP = "docsite.plugins"


@dataclass(frozen=True)
class MarkdownExtension:
    """Syntax added to the parser by `setup(md)`."""

    name: str
    setup: Callable[[MarkdownIt], None]
    version: str = ""  # what else the rendered HTML depends on (a data file's digest …)

    def digest(self) -> str:
        return hashlib.sha256(_source_of(self.setup) + self.version.encode()).hexdigest()[:16]


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


def load_plugins(names: Iterable[str] = (), *, installed: bool = True) -> Registry:
    """The registry after every plugin registered: built-ins, installed ones, then `names`."""
    registry = Registry()
    registers: list[tuple[str, Callable[[Registry], None]]] = []
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


@lru_cache(maxsize=8)
def plugins_for(names: tuple[str, ...]) -> Registry:
    """The registry for a configuration's plugins, made once per process."""
    return load_plugins(names)


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


def _source_of(obj: object) -> bytes:
    """The source text of the module that defines `obj` (b"" where there is none)."""
    try:
        file = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        file = None
    if not file:
        return repr(obj).encode()
    try:
        return Path(file).read_bytes()
    except OSError:
        return file.encode()


def code_digest(*modules: object) -> str:
    """A digest of the source of these modules: what a cache of their output is keyed by."""
    blob = b"".join(_source_of(m) for m in modules)
    return hashlib.sha256(blob).hexdigest()[:16]
