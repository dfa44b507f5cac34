"""What the site computes from all API pages at once: the inventory of placed objects,
search entries, objects.inv entries, and the translation catalogs with their counts.

Pages come in as `PageSource` values (language, source path, body, file), so this module
needs nothing of docsite's Site: the caller (the site, the CLI) says which pages exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import docsite.apiref.catalog as catalog
from docsite.apiref import markers
from docsite.apiref.catalog import Counts, SourceUnit, Translations
from docsite.apiref.directive import DirectiveError, Placement, plan
from docsite.apiref.engine import ENV_KEY, ApiEngine, PageApi
from docsite.apiref.inventory import PY_ROLES_BY_KIND, InvEntry
from docsite.apiref.pagekeys import catalog_path
from docsite.apiref.xref import Inventory, Target


@dataclass(frozen=True)
class PageSource:
    lang: str
    path: str  # below content/<lang>/: api/app.md
    body: str  # the Markdown after the front matter
    file: Path | None = None  # the source file (for its catalog)


@dataclass(frozen=True)
class SearchEntry:
    """An API object as its own search entry."""

    name: str  # route
    qualified_name: str  # flask.Flask.route
    kind: str
    summary: str  # the first sentence of its docstring
    page: str  # api/app.md
    anchor: str  # flask.Flask.route


def placements(engine: ApiEngine, body: str) -> list[Placement]:
    """Every object a page body places (directives with errors are left out)."""
    out: list[Placement] = []
    for spec in engine.facts.directives(body):
        if spec.path.split(".")[0] != engine.settings.package:
            continue  # another project's object: not ours to place
        try:
            root = plan(engine.model, spec)
        except DirectiveError:
            continue
        out += [p for p in root.walk() if p.heading or p.root]
    return out


def compute_inventory(
    engine: ApiEngine,
    pages: Mapping[str, Iterable[PageSource]],
    labels: Mapping[str, Mapping[str, Target]] | None = None,
) -> Inventory:
    """lang -> the pages a language shows (its own and fallbacks) -> the inventory.

    Each object is known by the path it is placed under (flask.Flask.route) and by its
    model path (flask.app.Flask.route); the first page (by path) that places it wins.
    """
    objects: dict[str, dict[str, Target]] = {}
    facts = engine.facts
    for lang, sources in pages.items():
        entries: dict[str, Target] = {}
        for page in sorted(sources, key=lambda p: p.path):
            for placed in placements(engine, page.body):
                target = Target(
                    page.path, placed.path, placed.obj.kind, facts.summary(placed.obj.docstring)
                )
                entries.setdefault(placed.path, target)
                model_path = engine.model.resolve(placed.path)
                if model_path:
                    entries.setdefault(model_path, target)
        objects[lang] = entries
    return Inventory.build(objects, labels)


def search_entries(inventory: Inventory, lang: str) -> list[SearchEntry]:
    """One entry per placed object of a language (under the path it is placed under)."""
    out = []
    for path, target in inventory.objects.get(lang, {}).items():
        if path != target.anchor:
            continue  # a second name of the same object (its model path)
        out.append(
            SearchEntry(
                name=path.rpartition(".")[2],
                qualified_name=path,
                kind=target.kind,
                summary=target.title,
                page=target.page,
                anchor=target.anchor,
            )
        )
    return out


def objects_inv_entries(
    inventory: Inventory, lang: str, page_uri: Callable[[str], str | None]
) -> list[InvEntry]:
    """`py:` entries of a language for objects.inv; `page_uri` maps a source path to the
    page's URI relative to where objects.inv is served (None: not published)."""
    out = []
    for path, target in inventory.objects.get(lang, {}).items():
        uri = page_uri(target.page)
        role = PY_ROLES_BY_KIND.get(target.kind)
        if uri is None or role is None:
            continue
        out.append(InvEntry(path, "py", role, f"{uri}#{target.anchor}", "-"))
    return out


# --- translation catalogs -------------------------------------------------------------------


def page_units(engine: ApiEngine, body: str) -> list[SourceUnit]:
    """The translation units of the docstrings a page shows, in page order."""
    out: list[SourceUnit] = []
    for placed in placements(engine, body):
        obj = placed.obj
        for unit in engine.facts.units(obj.docstring):
            line = obj.docstring_line + max(unit.line - 1, 0)
            out.append(SourceUnit(unit.msgid, placed.path, obj.docstring_file or obj.file, line))
    return out


def update_page_catalog(engine: ApiEngine, page: PageSource, locale: str) -> bool:
    """Extract a translated page's units into its catalog (created or updated)."""
    if page.file is None:
        raise ValueError(f"{page.path}: no file, so no catalog")
    model = engine.model
    pot = catalog.template(page_units(engine, page.body), model.package.title(), model.version)
    return catalog.update_catalog(catalog_path(page.file), pot, locale)


def page_translations(page: PageSource, locale: str | None = None) -> Translations:
    if page.file is None:
        return catalog.NO_TRANSLATIONS
    return catalog.load_translations(catalog_path(page.file), locale)


def catalog_counts(engine: ApiEngine, page: PageSource) -> Counts:
    """Translated, outdated and missing units of a translated API page."""
    units = page_units(engine, page.body)
    engine.facts.save()
    return page_translations(page).counts(u.msgid for u in units)


def page_api(
    engine: ApiEngine, inventory: Inventory, page: PageSource, default_language: str
) -> PageApi:
    """What the plugin needs to render this page: translations unless it is the original."""
    translations = None if page.lang == default_language else page_translations(page)
    return PageApi(engine, inventory, page.lang, translations)


def is_api_page(engine: ApiEngine, body: str) -> bool:
    return bool(engine.facts.directives(body))


class SiteApi:
    """The API reference's view of one site: the engine and the current inventory.

    The site calls `update` with the pages each language shows whenever they change; the
    renderer asks `render_env` for each page it renders (empty, with no digest, for pages with
    neither directives nor autorefs, so they never re-render for it).
    """

    def __init__(self, engine: ApiEngine, default_language: str) -> None:
        self.engine = engine
        self.default_language = default_language
        self.inventory = Inventory.build({})

    def update(
        self,
        pages: Mapping[str, Iterable[PageSource]],
        labels: Mapping[str, Target] | None = None,
    ) -> None:
        """The inventory of these pages; `labels` (the same in every language) name pages and
        headings for `:ref:` and `:doc:` (`doc:/testing`) in the docstrings."""
        pages = {lang: list(sources) for lang, sources in pages.items()}
        per_language = {lang: dict(labels or {}) for lang in pages}
        self.inventory = compute_inventory(self.engine, pages, per_language)
        self.engine.facts.save()

    def render_env(self, lang: str, page: PageSource) -> dict[str, PageApi]:
        if not markers.concerns(page.body):
            return {}
        api = page_api(self.engine, self.inventory, page, self.default_language)
        return {ENV_KEY: replace(api, lang=lang)}


@dataclass(frozen=True)
class CatalogReport:
    page: PageSource
    catalog: Path
    changed: bool
    counts: Counts


def update_catalogs(
    engine: ApiEngine, pages: Iterable[PageSource], locales: Mapping[str, str]
) -> list[CatalogReport]:
    """Create or update the catalog of every translated page that places API objects
    (`locales`: language -> Babel locale), and count its units afterwards."""
    reports = []
    for page in sorted(pages, key=lambda p: (p.lang, p.path)):
        if page.file is None or not is_api_page(engine, page.body):
            continue
        changed = update_page_catalog(engine, page, locales.get(page.lang, page.lang))
        reports.append(
            CatalogReport(page, catalog_path(page.file), changed, catalog_counts(engine, page))
        )
    return reports
