"""objects.inv: a Sphinx inventory (v2) of one language, for intersphinx and sphobjinv.

`std:doc` for every page, `std:label` for every heading (`docname:id`, as Sphinx's
autosectionlabel with prefixes names them), and the `py:` objects the API reference places.
It is served at `/<lang>/objects.inv`, so its URIs are relative to the language's root
(`api/app/#flask.Flask.route`): intersphinx's base URL is `https://host/docs/en/`.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version

from docsite.apiref.inventory import InvEntry, InvPage, dump, page_inv_entries
from docsite.site import Site


def objects_inv(site: Site, lang: str) -> bytes:
    """The inventory of one language of the site, zlib-compressed as Sphinx writes it."""
    entries = page_inv_entries(_pages(site, lang)) + _api_entries(site, lang)
    return dump(site.config.title(lang), _documented_version(), entries)


def inputs(site: Site, lang: str) -> str:
    """The digest of what a language's inventory is made from: its title, the documented
    version, every page's name, address, title and table of contents, and the API objects."""
    h = hashlib.sha256(f"{site.config.title(lang)}\0{_documented_version()}\n".encode())
    for page in _pages(site, lang):
        h.update(repr(page).encode() + b"\n")
    for entry in _api_entries(site, lang):
        h.update(entry.line().encode())
    return h.hexdigest()


def _pages(site: Site, lang: str) -> list[InvPage]:
    pages = []
    for entry in site.entries.get(lang, {}).values():
        headings = site.facts(entry).toc  # a cached rendering is not read back: only its toc
        docname = entry.page.path.removesuffix(".md")
        pages.append(InvPage(docname, entry.url, entry.page.title, headings))
    return pages


def _api_entries(site: Site, lang: str) -> list[InvEntry]:
    api = site.contexts.get("apiref")
    if api is None:
        return []
    entries: list[InvEntry] = api.objects_inv_entries(  # type: ignore[attr-defined]
        lang, lambda path: site.resolve(lang, path)
    )
    return entries


def _documented_version() -> str:
    """The version of what the API reference documents (the installed Flask)."""
    try:
        return version("flask")
    except PackageNotFoundError:
        return ""
