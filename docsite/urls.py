"""Every URL of the site, in one place.

A URL here is a *site path*: the part below the site root, with no leading slash
(`zh/user-guide/blueprints/`, `_static/css/docsite.1a2b3c4d5e.css`, `` for the root). Pages
link to each other with URLs relative to the page (`relative_url`), so one output works under
any base path; only what must be absolute (sitemap, canonical links, the 404 page that is
served at any depth) is joined to a base with `absolute_url`.

A page is a folder with an `index.html`. How a link names it is the *URL style*: `DIRECTORY`
names the folder (`../guide/`), which a web server answers with its index.html; `FILE` names
the file itself (`../guide/index.html`), which is what a browser needs for a site opened from
disk (`file://`), as Sphinx's output and MkDocs' `use_directory_urls: false` do. Site paths
stay in the directory form everywhere; only the links written into pages take the style.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

STATIC = "_static/"  # theme files, fingerprinted: _static/css/docsite.<hash>.css
SEARCH_INDEX = "_search/"  # the static search index: _search/<lang>/…
LIVE = "_docsite/"  # the live server's event stream and script (serve only)
SITEMAP = "sitemap.xml"
OBJECTS_INV = "objects.inv"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
INDEX_FILE = "index.html"  # the file a page's folder holds
MARKDOWN_FILE = "index.md"  # a page's clean Markdown copy, beside its index.html
LLMS = "llms.txt"  # the llms.txt convention: the docs' index for language models and tools
LLMS_FULL = "llms-full.txt"  # every page's Markdown, one after another

DIRECTORY = "directory"  # links name a page's folder: served by a web server
FILE = "file"  # links name a page's index.html: opened from disk
URL_STYLES = (DIRECTORY, FILE)


def page_url(path: str, slug: str | None = None) -> str:
    """The URL below /<lang>/ of a source path: `guide/a.md` -> `guide/a/`, `index.md` -> ``.

    A `slug` replaces the file's own name (not the folders above it, and never an index page's).
    Names are in Unicode NFC, the form a browser sends, whatever form the file system holds.
    """
    p = PurePosixPath(unicodedata.normalize("NFC", path))
    parts = list(p.parent.parts) if str(p.parent) != "." else []
    if p.stem != "index":
        parts.append(slug or p.stem)
    return "".join(part + "/" for part in parts)


def language_home(lang: str) -> str:
    return f"{lang}/"


def page(lang: str, url: str) -> str:
    """The site path of a page: its language, then its URL below the language."""
    return f"{lang}/{url}"


def search_page(lang: str) -> str:
    return f"{lang}/search/"


def status_page(lang: str) -> str:
    return f"{lang}/translation-status/"


def static_file(fingerprinted_name: str) -> str:
    return STATIC + fingerprinted_name


def search_index(lang: str) -> str:
    return f"{SEARCH_INDEX}{lang}/"


def language_of(site_path: str, languages: Iterable[str]) -> str | None:
    """The language a site path belongs to, or None for the site's shared files."""
    first = site_path.split("/", 1)[0]
    return first if first in languages else None


def markdown_copy(site_path: str) -> str:
    """The site path of a page's Markdown copy: `en/guide/a/` -> `en/guide/a/index.md`."""
    return site_path + MARKDOWN_FILE


def llms_index(lang: str | None = None) -> str:
    """`llms.txt` of a language (`en/llms.txt`), or of the whole site (`llms.txt`)."""
    return f"{lang}/{LLMS}" if lang else LLMS


def llms_full(lang: str) -> str:
    return f"{lang}/{LLMS_FULL}"


def link_path(site_path: str, style: str = DIRECTORY) -> str:
    """The site path a link names in a URL style: a page's folder, or its index.html."""
    if style == FILE and (site_path == "" or site_path.endswith("/")):
        return site_path + INDEX_FILE
    return site_path


def relative_url(from_url: str, to_url: str, style: str = DIRECTORY) -> str:
    """The relative URL from the page at `from_url` to `to_url` (both site paths), naming a
    page as the URL style says (`../a/`, or `../a/index.html` for FILE)."""
    to_url = link_path(to_url, style)
    from_dir = (
        from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    )
    rel = _relpath(from_dir, to_url)
    if rel == ".":
        return "./"
    if to_url.endswith("/") or to_url == "":
        rel += "/"
    return rel


def _relpath(from_dir: str, to_url: str) -> str:
    """posixpath.relpath("/" + to_url, "/" + from_dir), without its normalising (five times
    faster, and a page's templates ask it for every link of the nav): for site paths with
    no `.` or `..` parts, which are all but those of links written by hand."""
    start = [part for part in from_dir.split("/") if part]
    target = [part for part in to_url.split("/") if part]
    if "." in start or ".." in start or "." in target or ".." in target:
        return posixpath.relpath("/" + to_url, "/" + from_dir)
    common = 0
    for here, there in zip(start, target, strict=False):
        if here != there:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def root_prefix(from_url: str) -> str:
    """The relative path from a page to the site root's folder (`../../`, or `./`), what
    scripts put file names after (`_search/…`); a folder in every URL style."""
    return relative_url(from_url, "")


def absolute_url(base: str, site_path: str, style: str = DIRECTORY) -> str:
    """A site path on a base (`/docs/` or `https://host/docs/`, ending in a slash)."""
    return base + link_path(site_path, style)


def shared_paths(static_names: Iterable[str]) -> Iterator[str]:
    """The site paths every build has once, whatever the languages: root, 404, sitemap …"""
    yield ""
    yield NOT_FOUND
    yield SITEMAP
    yield ROBOTS
    yield llms_index()
    for name in static_names:
        yield static_file(name)


def objects_inv(lang: str) -> str:
    """The language's Sphinx inventory, for intersphinx: `en/objects.inv`."""
    return f"{lang}/{OBJECTS_INV}"


def language_paths(
    lang: str, page_urls: Iterable[str], asset_paths: Iterable[str]
) -> Iterator[str]:
    """The site paths of one language: its special pages and llms files, its pages (each with
    its Markdown copy) and files (images …)."""
    yield search_page(lang)
    yield status_page(lang)
    yield llms_index(lang)
    yield llms_full(lang)
    yield objects_inv(lang)
    for url in page_urls:
        yield page(lang, url)
        yield markdown_copy(page(lang, url))
    for asset in asset_paths:
        yield page(lang, asset)
