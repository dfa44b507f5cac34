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

from __future__ import annotations

import importlib
from typing import Any

# name -> the module that defines it; imported when first asked for (PEP 562), so that a
# build that needs the inventory does not import docutils and griffe with it
_WHERE = {
    "CATALOG_SUFFIX": "pagekeys",
    "Counts": "catalog",
    "ApiEngine": "engine",
    "ApiSettings": "engine",
    "ENV_KEY": "engine",
    "PageApi": "engine",
    "default_engine": "engine",
    "InvEntry": "inventory",
    "write_objects_inv": "inventory:write",
    "markdown_plugin": "plugin",
    "InvPage": "inventory",
    "PageSource": "sitewide",
    "SearchEntry": "sitewide",
    "SiteApi": "sitewide",
    "catalog_counts": "sitewide",
    "compute_inventory": "sitewide",
    "is_api_page": "sitewide",
    "objects_inv_entries": "sitewide",
    "page_api": "sitewide",
    "page_inv_entries": "inventory",
    "search_entries": "sitewide",
    "update_catalogs": "sitewide",
    "update_page_catalog": "sitewide",
    "Inventory": "xref",
    "Target": "xref",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute or name)


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
