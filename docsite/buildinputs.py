"""What each file of a static build is made from, as one digest per file.

A page's HTML is a function of: its rendering (the render key, which covers its source, the
configuration, the UI catalogs and the rendering code, and the URLs its links resolved to), the
structure of its language's site (nav, breadcrumbs and neighbours all come from the nav tree),
the language switcher (the same page in the other languages), the theme (templates, static
files' fingerprints, catalogs, the inline scripts' CSP), the configuration, the code that fills
the templates, whether the translation is outdated, its date and its edit link. Two builds that
give a page the same digest write the same bytes for it, so the second carries the first's file
over (docsite.manifest) instead of filling the templates again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from docsite import context, entry, gitdates, llms, nav, navhtml, status, theme, urls
from docsite.codedigest import code_digest
from docsite.context import GENERATED_STATIC, Snapshot, edit_url, static_name
from docsite.entry import Entry
from docsite.status import is_outdated

# The libraries whose output lands in a file outside the rendering (which its key covers):
# Flask answers every URL, and its version is the one objects.inv says it documents.
LIBRARIES = ("jinja2", "markupsafe", "babel", "flask")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def _versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return " ".join(found)


@functools.cache
def _package_code() -> str:
    """A digest of every module of docsite."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for file in sorted(root.rglob("*.py")):
        h.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


def theme_digest(snap: Snapshot) -> str:
    """Templates (by name and bytes), static files (by fingerprinted name), catalogs, CSP."""
    h = hashlib.sha256()
    for folder in snap.theme.chain:
        h.update(f"theme\0{folder.name}\0".encode())
        root = folder / "templates"
        for file in sorted(root.rglob("*")) if root.is_dir() else ():
            if file.is_file():
                h.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    for name in [*snap.theme.static_names(), *GENERATED_STATIC]:
        h.update(f"static\0{static_name(snap.theme, name)}\0".encode())
    h.update(f"{snap.theme.translations_digest}\0{snap.theme.csp}".encode())
    return h.hexdigest()


def nav_digest(snap: Snapshot, lang: str) -> str:
    """The structure a language's pages share: the nav tree with every title, link and badge
    (breadcrumbs and neighbours derive from it)."""
    h = hashlib.sha256()
    root = snap.site.nav.get(lang)
    stack = [(root, 0)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        where, lang = (node.entry.site_path, node.entry.page.lang) if node.entry else ("", "")
        h.update(f"{depth}\0{node.key}\0{node.title}\0{where}\0{lang}\n".encode())
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return h.hexdigest()


class BuildInputs:
    """The digests of one build's snapshot: computed once, then asked per file."""

    def __init__(self, snap: Snapshot, search_mode: str) -> None:
        self.snap = snap
        modules = (context, entry, gitdates, llms, nav, navhtml, status, theme, urls)
        code = code_digest(*modules, sys.modules[__name__])
        self.common = _digest(
            snap.config.digest, theme_digest(snap), code, _versions(), search_mode
        )
        self.navs = {lang: nav_digest(snap, lang) for lang in snap.config.languages}
        self.package = _package_code()  # what the special files are made by

    def page(self, item: Entry, render_key: str, links: Mapping[str, str | None]) -> str:
        """The digest of a page's HTML, given its render key and what its links resolve to."""
        site = self.snap.site
        page = item.page
        switcher = [
            (code, other.site_path, other.fallback)
            for code, other in site.translations_of(item).items()
        ]
        return _digest(
            self.common,
            self.navs[item.lang],
            switcher,
            item.lang,
            page.lang,
            page.path,
            page.digest,
            render_key,
            sorted(links.items()),
            is_outdated(site, page),
            site.last_updated(page),
            edit_url(self.snap.config, item),
        )

    def links_now(self, item: Entry, targets: Iterable[str]) -> dict[str, str | None]:
        """What link targets resolve to in the entry's language now."""
        return {target: self.snap.site.resolve(item.lang, target) for target in targets}

    def check(self, inputs: Mapping[str, str]) -> str:
        """The check of the site (docsite.check): made from the whole site, so from what every
        file of the build is made from (`inputs`, by file), from any of docsite's code (the
        built-in plugins' checks among it), and from the names of every file and folder of the
        content folder (a folder with no page, a draft, a file a link names)."""
        listing = "\n".join(f"{name}\0{digest}" for name, digest in sorted(inputs.items()))
        names = []
        for folder, dirs, files in os.walk(self.snap.config.content_dir):
            dirs.sort()
            names.append(folder + "\0" + "\0".join(sorted(files)))
        return _digest(self.common, "check", self.package, listing, *names)

    def static(self, name: str) -> str:
        """A theme static file by its plain name: its fingerprinted name says its bytes."""
        return _digest(self.common, "static", static_name(self.snap.theme, name))

    @staticmethod
    def file(path: Path) -> str:
        """A file copied as it is (an image of the content folder)."""
        return _digest("file", hashlib.sha256(path.read_bytes()).hexdigest())
