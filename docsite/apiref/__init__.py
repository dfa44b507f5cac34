"""The API reference: Flask's objects read with griffe, placed on Markdown pages with
`::: flask.Flask`, docstrings rendered with docutils, cross-referenced, translated through
gettext catalogs, and listed in objects.inv.

The rest of docsite uses only these entry points:

- `markdown_plugin(md)`: the directive and autorefs on a markdown-it parser; per render it
  reads a `PageApi` from the env under `ENV_KEY`.
- `ApiEngine(settings, cache_dir)`: the model (cached on disk) and external inventories.
- `SiteApi(engine, default_language)`: the current inventory of a site, and per page the
  render env and the digest the render cache key must include.
- `compute_inventory`, `page_api`, `search_entries`, `objects_inv_entries`,
  `update_page_catalog`, `catalog_counts` on `PageSource` values (see sitewide.py).
- `write_objects_inv(path, project, version, entries)` with `InvEntry` values.
"""

from docsite.apiref.catalog import CATALOG_SUFFIX, Counts
from docsite.apiref.engine import ApiEngine, ApiSettings, PageApi, default_engine
from docsite.apiref.inventory import InvEntry
from docsite.apiref.inventory import write as write_objects_inv
from docsite.apiref.plugin import ENV_KEY, markdown_plugin
from docsite.apiref.sitewide import (
    InvPage,
    PageSource,
    SearchEntry,
    SiteApi,
    catalog_counts,
    compute_inventory,
    is_api_page,
    objects_inv_entries,
    page_api,
    page_inv_entries,
    search_entries,
    update_catalogs,
    update_page_catalog,
)
from docsite.apiref.xref import Inventory, Target

__all__ = [
    "CATALOG_SUFFIX",
    "ENV_KEY",
    "ApiEngine",
    "ApiSettings",
    "Counts",
    "InvEntry",
    "InvPage",
    "Inventory",
    "PageApi",
    "PageSource",
    "SearchEntry",
    "SiteApi",
    "Target",
    "catalog_counts",
    "compute_inventory",
    "default_engine",
    "is_api_page",
    "markdown_plugin",
    "objects_inv_entries",
    "page_api",
    "page_inv_entries",
    "search_entries",
    "update_catalogs",
    "update_page_catalog",
    "write_objects_inv",
]
