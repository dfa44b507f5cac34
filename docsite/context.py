"""What templates receive: the context every page gets, and that of a content page.

Links the theme writes into a page are relative to that page (`Links.to`), so the same HTML
works on any host and under any base path. Pages served at any depth (the 404 page) use
site-absolute links on the base path the request (or the freezer) gives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from docsite import urls
from docsite.config import SiteConfig
from docsite.generated import GENERATED_STATIC, fingerprint
from docsite.site import Entry, Site
from docsite.status import is_outdated
from docsite.theme import Theme


@dataclass(frozen=True)
class Snapshot:
    """One consistent generation of what the site is made of; swapped in whole on a change."""

    config: SiteConfig
    theme: Theme
    site: Site

    def links(self, current: str | None, base: str = "/") -> Links:
        """Links for a response in this snapshot's URL style: relative to the page at site
        path `current`, or absolute on `base` when `current` is None."""
        return Links(self.theme, current, base, self.config.url_style)


def static_name(theme: Theme, name: str) -> str:
    """The fingerprinted name of a theme static file: css/style.css -> css/style.<hash>.css."""
    if name in GENERATED_STATIC:
        config = theme.config  # a scratch cache keeps nothing for a later build
        digest = fingerprint(name, None if config.cache_scratch else config.cache_dir)
    else:
        file = theme.find_static(name)
        if file is None:
            raise FileNotFoundError(f"theme static file {name!r} not found in {theme.chain}")
        digest = theme.fingerprint(file)
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"


@dataclass(frozen=True)
class Links:
    """Links for one response: relative to the current page, or absolute on a base."""

    theme: Theme
    current: str | None  # the current page's site path; None -> absolute links
    base: str = "/"
    style: str = urls.DIRECTORY  # how a link names a page (urls.py)

    def to(self, site_path: str) -> str:
        if self.current is None:
            return urls.absolute_url(self.base, site_path, self.style)
        return urls.relative_url(self.current, site_path, self.style)

    def root(self) -> str:
        """The site root as a folder, for scripts to put file names after (any style)."""
        if self.current is None:
            return self.base
        return urls.root_prefix(self.current)

    def static(self, name: str) -> str:
        return self.to(urls.static_file(static_name(self.theme, name)))


def base_context(
    snap: Snapshot, lang: str, links: Links, *, search_mode: str, live: bool, page_key: str
) -> dict[str, Any]:
    """The context of every template: site, language, links, nav and switcher."""
    config = snap.config
    return {
        "config": config,
        "lang": lang,
        "lang_tag": config.lang_tag(lang),
        "site_title": config.title(lang),
        "url": links.to,
        "static": links.static,
        "home_url": links.to(urls.language_home(lang)),
        "nav": snap.site.nav.get(lang),
        "nav_prune": False,
        "current": None,
        "description": "",
        "search_mode": search_mode,
        "url_style": config.url_style,
        "csp": snap.theme.csp,
        "site_root": links.root(),
        "search_url": links.to(urls.search_page(lang)),
        "status_url": links.to(urls.status_page(lang)),
        "live_js": links.to(urls.LIVE + "live.js") if live else None,
        "page_key": links.current if links.current is not None else page_key,
        "alternates": [],
        "canonical": None,
        "markdown_url": None,
        "home_sections": [],
        "og_locales": {code: config.language(code).og_locale for code in config.languages},
        "toc": [],
        "nav_url": lambda node: links.to(node.entry.site_path) if node.entry else None,
        "languages": [
            {
                "code": code,
                "name": config.lang_name(code),
                "tag": config.lang_tag(code),
                "url": links.to(urls.language_home(code)),
                "current": code == lang,
            }
            for code in config.languages
        ],
    }


def page_context(snap: Snapshot, entry: Entry, links: Links) -> dict[str, Any]:
    """What page.html receives on top of the base context, for one entry."""
    site, config, page = snap.site, snap.config, entry.page
    rendered = site.render(entry)
    translations = site.translations_of(entry)
    absolute = config.absolute_base

    def href(other: Entry) -> str:
        return (
            urls.absolute_url(absolute, other.site_path) if absolute else links.to(other.site_path)
        )  # the site's address on the web, whatever this build's URL style

    default_entry = translations.get(config.default_language)
    alternates = [
        {"tag": config.lang_tag(code), "href": href(o)} for code, o in translations.items()
    ]
    if default_entry is not None:
        alternates.append({"tag": "x-default", "href": href(default_entry)})
    previous, following = site.neighbours(entry)
    return {
        "languages": [
            {
                "code": code,
                "name": config.lang_name(code),
                "tag": config.lang_tag(code),
                "url": links.to(other.site_path),
                "current": code == entry.lang,
                "fallback": other.fallback,
            }
            for code, other in translations.items()
        ],
        "current": entry,
        "page": page,
        "fallback": entry.fallback,
        "outdated": is_outdated(site, page),
        "original_url": (
            links.to(default_entry.site_path)
            if default_entry is not None and default_entry is not entry
            else None
        ),
        "content": Markup(rendered.html),
        "has_h1": rendered.has_h1,
        "toc": rendered.toc if page.meta.get("toc", True) else [],
        "description": page.meta.get("meta", ""),
        "breadcrumbs": site.breadcrumbs(entry),
        "previous": previous,
        "next": following,
        "updated": site.last_updated(page),
        "edit_url": edit_url(config, entry),
        "alternates": alternates,
        "canonical": urls.absolute_url(absolute, entry.site_path) if absolute else None,
        "markdown_url": links.to(urls.markdown_copy(entry.site_path)),
        "home_sections": home_sections(site, entry, links) if not entry.url else [],
    }


def home_sections(site: Site, entry: Entry, links: Links) -> list[dict[str, Any]]:
    """The top-level sections of the nav, for the home page's cards: title, link, the
    description of the section's landing page, and how many pages it holds."""
    sections = []
    for node in site.nav[entry.lang].children:
        if not node.children:
            continue
        first = node.entry or next(e for e in site.navs[entry.lang].order if node.contains(e))
        sections.append(
            {
                "title": node.title,
                "href": links.to(first.site_path),
                "description": str(node.entry.page.meta.get("meta", "")) if node.entry else "",
                "pages": len(node.pages_below),
            }
        )
    return sections


def edit_url(config: SiteConfig, entry: Entry) -> str | None:
    """The repository's edit page of the entry's source file, where there is a repository."""
    if not config.repo_url:
        return None
    # by the paths' text (as Path.is_relative_to compares them), a build asks for every page
    root, file = os.path.join(config.root, ""), os.fspath(entry.page.source_file)
    if not file.startswith(root):
        return None
    rel = file[len(root) :].replace(os.sep, "/")
    return f"{config.repo_url.rstrip('/')}/edit/{config.edit_branch}/{rel}"
