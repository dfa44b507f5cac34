"""objects.inv: a Sphinx inventory (v2) of one language, for intersphinx and sphobjinv.

`std:doc` for every page, `std:label` for every heading (`docname:id`, as Sphinx's
autosectionlabel with prefixes names them), and the `py:` objects the API reference places.
It is served at `/<lang>/objects.inv`, so its URIs are relative to the language's root
(`api/app/#flask.Flask.route`): intersphinx's base URL is `https://host/docs/en/`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from docsite.apiref import InvPage, objects_inv_entries, page_inv_entries
from docsite.apiref.inventory import dump
from docsite.site import Site


def objects_inv(site: Site, lang: str) -> bytes:
    """The inventory of one language of the site, zlib-compressed as Sphinx writes it."""
    pages = []
    for entry in site.entries.get(lang, {}).values():
        headings = site.facts(entry).toc  # a cached rendering is not read back: only its toc
        docname = entry.page.path.removesuffix(".md")
        pages.append(InvPage(docname, entry.url, entry.page.title, headings))
    entries = page_inv_entries(pages)
    api = site.contexts.get("apiref")
    if api is not None:
        inventory = api.api.inventory  # type: ignore[attr-defined]
        entries += objects_inv_entries(inventory, lang, lambda path: site.resolve(lang, path))
    return dump(site.config.title(lang), _documented_version(), entries)


def _documented_version() -> str:
    """The version of what the API reference documents (the installed Flask)."""
    try:
        return version("flask")
    except PackageNotFoundError:
        return ""
