"""Site: an immutable snapshot of every page by (language, path), with what derives from it.

A `Site` is made once from its sources and never changes: entries (a page as served in a
language, its own or the default language's as a fallback), URLs, the nav of each language,
the errors. Live editing makes a *new* site from the files that changed (`Site.updated`) and
swaps it in whole, so a request always sees one consistent generation, never a half-updated
one.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docsite import urls
from docsite.builtins import plugins_for
from docsite.config import SiteConfig
from docsite.entry import Entry
from docsite.errors import ContentError, Diagnostic
from docsite.gitdates import LastUpdated
from docsite.nav import Nav, NavNode, build_nav
from docsite.pages import Page, page_path
from docsite.plugins import PageContext, PageSource, Registry
from docsite.render import Rendered, Renderer
from docsite.renderfacts import PageFacts
from docsite.sources import Sources, asset_paths, find_asset, merge_sources, read_sources

GettextFor = Callable[[str], Callable[[str], str]]
# page, UI language, link resolver, gettext, extension env and its digest (Renderer.render)
RenderArgs = tuple[
    Page, str, Callable[[str], str | None], Callable[[str], str], tuple[dict[str, Any], str]
]
_GENERATIONS = itertools.count(1)


@dataclass(frozen=True)
class SiteUpdate:
    """What `Site.updated` made: the new site, the pages whose HTML changed, and whether the
    structure changed (pages added or removed, front matter changed, errors came or went)."""

    site: Site
    affected: set[str]  # site paths, "en/guide/x/"
    structural: bool
    changed: set[str]  # source paths (below the language folder) read again


class Site:
    """All pages of all languages, and everything derived from the set of pages."""

    def __init__(
        self,
        config: SiteConfig,
        gettext_for: GettextFor,
        renderer: Renderer | None = None,
        *,
        sources: Sources | None = None,
        generated: list[tuple[str, Sources]] | None = None,
        dates: LastUpdated | None = None,
    ) -> None:
        self.config = config
        self.gettext_for = gettext_for
        self.plugins = plugins_for(config.plugins)
        self.renderer = renderer or Renderer(
            config.digest,
            config.cache_dir,
            plugins=self.plugins,
            url_style=config.url_style,
            scope=str(config.content_dir),
        )
        # The content folder's pages, those of the plugins' page sources, and all of them.
        self.content = sources if sources is not None else read_sources(config)
        self.generated = (
            generated if generated is not None else read_generated(config, self.plugins)
        )
        self.sources = (
            merge_sources(self.content, self.generated) if self.generated else self.content
        )
        # unique among the sites of this process (a new configuration starts no count again):
        # the page and nav caches are keyed by it
        self.generation = next(_GENERATIONS)
        self._dates = dates or LastUpdated(config.content_dir)
        derived = _derive(config, self.sources)
        self.errors: list[ContentError] = derived.errors
        self.broken: Mapping[tuple[str, str], ContentError] = derived.broken
        self.entries: Mapping[str, Mapping[str, Entry]] = derived.entries
        self.by_url: Mapping[str, Mapping[str, Entry]] = derived.by_url
        shown = {lang: [e.page for e in by_path.values()] for lang, by_path in self.entries.items()}
        self.contexts: dict[str, PageContext] = {  # by extension name
            extension.name: extension.site_context(config, shown)
            for extension in self.plugins.markdown
            if extension.site_context is not None
        }
        self.navs: Mapping[str, Nav] = {
            lang: build_nav(config.title(lang), derived.entries[lang]) for lang in config.languages
        }
        self._keys: dict[tuple[str, str, str, str], str] = {}  # render keys (render_key)
        self._facts: dict[tuple[str, str, str, str], PageFacts] = {}  # by entry (facts)

    # --- new sites from this one ----------------------------------------------------------

    def reloaded(self) -> Site:
        """A new site with every source read again."""
        return self._next(read_sources(self.config), read_generated(self.config, self.plugins))

    def with_ui(self, gettext_for: GettextFor, renderer: Renderer) -> Site:
        """The same pages with other UI translations (a new theme), rendered by `renderer`."""
        return Site(
            self.config,
            gettext_for,
            renderer,
            sources=self.content,
            generated=self.generated,
            dates=self._dates,
        )

    def updated(self, files: Iterable[Path]) -> SiteUpdate:
        """A new site with these source files read again (added, modified or deleted)."""
        files = set(files)
        content, changed = self.content.updated(self.config, files)
        generated = self.generated
        if any(_watched(self.config, source, files) for source in self.plugins.page_sources):
            generated = read_generated(self.config, self.plugins)
            changed |= {
                f"{lang}:{path}"
                for _, extra in generated
                for lang, by in extra.pages.items()
                for path in by
            }
        site = self._next(content, generated)
        sources = site.sources
        old_errors = {Path(e.path) for e in self.sources.errors}
        new_errors = {Path(e.path) for e in sources.errors}
        structural = old_errors != new_errors
        affected: set[str] = set()
        for key in changed:
            lang, _, path = key.partition(":")
            old = self.sources.pages.get(lang, {}).get(path)
            new = sources.pages.get(lang, {}).get(path)
            if old is None or new is None or old.meta != new.meta or old.url != new.url:
                structural = structural or old is not new
                continue
            for other in self.config.languages:  # the page and its fallbacks
                entry = site.entries.get(other, {}).get(path)
                if entry is not None and entry.page is new:
                    affected.add(entry.site_path)
        paths = {key.partition(":")[2] for key in changed}
        return SiteUpdate(site, affected, structural, paths)

    def _next(self, content: Sources, generated: list[tuple[str, Sources]]) -> Site:
        return Site(
            self.config,
            self.gettext_for,
            self.renderer,
            sources=content,
            generated=generated,
            dates=self._dates,
        )

    # --- queries --------------------------------------------------------------------------

    @property
    def pages(self) -> Mapping[str, Mapping[str, Page]]:
        return self.sources.pages

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return self.sources.warnings

    @property
    def nav(self) -> dict[str, NavNode]:
        return {lang: nav.root for lang, nav in self.navs.items()}

    @property
    def order(self) -> dict[str, list[Entry]]:
        return {lang: list(nav.order) for lang, nav in self.navs.items()}

    def resolve(self, lang: str, path: str) -> str | None:
        """The URL (below /<lang>/) of a source path in a language, or None if no such page."""
        entry = self.entries.get(lang, {}).get(path)
        return entry.url if entry else None

    def entry_at(self, lang: str, url: str) -> Entry | None:
        return self.by_url.get(lang, {}).get(url)

    def normal_url(self, lang: str, url: str) -> str | None:
        """The URL of the page a request names in another Unicode form (a decomposed é)."""
        normal = page_path(url)
        if normal == url:
            return None
        for candidate in (normal, normal + "/"):
            if self.entry_at(lang, candidate) or (lang, candidate) in self.broken:
                return candidate
        return None

    def all_entries(self) -> Iterator[Entry]:
        for lang in self.config.languages:
            yield from self.entries.get(lang, {}).values()

    def translations_of(self, entry: Entry) -> dict[str, Entry]:
        """The same page in every language (fallbacks included), by language."""
        return {
            lang: other
            for lang in self.config.languages
            if (other := self.entries.get(lang, {}).get(entry.page.path)) is not None
        }

    def neighbours(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        return self.navs[entry.lang].neighbours(entry)

    def breadcrumbs(self, entry: Entry) -> list[NavNode]:
        """The sections above a page, from the top."""
        return self.navs[entry.lang].breadcrumbs(entry)

    def render(self, entry: Entry) -> Rendered:
        return self.renderer.render(*self._render_args(entry))

    def facts(self, entry: Entry) -> PageFacts:
        """What check and objects.inv need of the entry's rendering (Renderer.facts); worked
        out once per site (its links resolve as they did), though a build asks it twice."""
        page = entry.page
        known = (entry.lang, page.lang, page.path, page.digest)
        facts = self._facts.get(known)
        if facts is None:
            facts = self._facts[known] = self.renderer.facts(*self._render_args(entry))
        return facts

    def _render_args(self, entry: Entry) -> RenderArgs:
        resolve = functools.partial(self.resolve, entry.lang)
        return (entry.page, entry.lang, resolve, self.gettext_for(entry.lang), self._extra(entry))

    def render_key(self, entry: Entry) -> str:
        """The render cache key of an entry (what its rendering depends on); worked out once
        per site, which never changes, though a build asks it of each page several times."""
        page = entry.page
        known = (entry.lang, page.lang, page.path, page.digest)
        key = self._keys.get(known)
        if key is None:
            extra = "".join(c.digest(entry.lang, page) for c in self.contexts.values())
            key = self._keys[known] = self.renderer.key(page, entry.lang, extra)
        return key

    def is_rendered(self, entry: Entry) -> bool:
        """Whether the entry's rendering is cached (in memory or on disk)."""
        return self.renderer.is_cached(self.render_key(entry))

    def _extra(self, entry: Entry) -> tuple[dict[str, Any], str]:
        """The render env the extensions add for an entry, and its digest."""
        env: dict[str, Any] = {}
        digests = []
        for context in self.contexts.values():
            more, digest = context.env(entry.lang, entry.page)
            env.update(more)
            digests.append(digest)
        return env, "".join(digests)

    def sources_below(self, folder: Path) -> list[Path]:
        return self.sources.files_below(folder)

    def find_asset(self, lang: str, rel: str) -> Path | None:
        return find_asset(self.config, lang, rel)

    def asset_paths(self, lang: str) -> list[str]:
        return asset_paths(self.config, lang)

    def last_updated(self, page: Page) -> dt.date | dt.datetime | None:
        return self._dates.of(page)


@dataclass
class _Derived:
    errors: list[ContentError]
    broken: dict[tuple[str, str], ContentError]
    entries: dict[str, dict[str, Entry]]
    by_url: dict[str, dict[str, Entry]]


def _derive(config: SiteConfig, sources: Sources) -> _Derived:
    """Entries and URLs of every language, and the pages that are errors, from the sources."""
    errors = list(sources.errors)
    broken: dict[tuple[str, str], ContentError] = {}
    for error in errors:
        file = Path(error.path)
        for lang in config.languages:
            root = config.content_dir / lang
            if file.is_relative_to(root) and file.suffix == ".md":
                broken[(lang, urls.page_url(file.relative_to(root).as_posix()))] = error
    derived = _Derived(errors, broken, {}, {})
    for lang in config.languages:
        _derive_language(config, sources, lang, derived)
    return derived


def _derive_language(config: SiteConfig, sources: Sources, lang: str, out: _Derived) -> None:
    default = config.default_language
    entries: dict[str, Entry] = {}
    by_url: dict[str, Entry] = {}
    candidates = dict(sources.pages.get(default, {})) if lang != default else {}
    candidates.update(sources.pages.get(lang, {}))
    for path, page in sorted(candidates.items()):
        if page.lang != lang and (lang, page.url) in out.broken:
            continue  # the translation exists but is broken: show its error, not English
        other = by_url.get(page.url)
        if other is not None and page.lang != lang and other.page.lang != lang:
            continue  # two pages of the default language: reported for that language
        if other is not None:
            error = ContentError(
                page.source_file,
                1,
                f"maps to the same URL /{lang}/{page.url} as {other.page.lang}/{other.page.path}",
                "duplicate-url",
            )
            if page.lang == lang or other.page.lang == lang:
                out.errors.append(error)  # two fallbacks: reported for their language
            out.broken.setdefault((lang, page.url), error)
            continue
        entry = Entry(lang, page)
        entries[path] = entry
        by_url[page.url] = entry
    out.entries[lang] = entries
    out.by_url[lang] = by_url


def read_generated(config: SiteConfig, plugins: Registry) -> list[tuple[str, Sources]]:
    """The pages of every page source a plugin registered."""
    return [(source.name, source.read(config)) for source in plugins.page_sources]


def _watched(config: SiteConfig, source: PageSource, files: set[Path]) -> bool:
    roots = source.watches(config)
    return any(file == root or file.is_relative_to(root) for file in files for root in roots)
