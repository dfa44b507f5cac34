"""The special files of a static build and what each is made from.

The start page, the 404 page, the sitemap, robots.txt, the llms.txt files and each language's
search page are made from the site's outline: every page's place (language, path, URL,
fallback), its front matter (title, nav title, description …) and the nav, with the
templates, configuration and code every file depends on. A language's translation status page
is made from that and the translation state of every page; its objects.inv from that and every
page's table of contents (and the API objects the reference places); its llms-full.txt from
the Markdown copies of its pages. Each file is keyed by exactly that, so an edit of a page's
text carries every special file over except those the text shows in: its language's
llms-full.txt, the status pages when the page has translations, objects.inv when a heading
changed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from docsite import objectsinv, urls
from docsite.buildinputs import BuildInputs
from docsite.status import shown_status


@dataclass(frozen=True)
class Special:
    """One special file: its URL (as the app serves it), its file below the output, and the
    digest of its inputs."""

    url: str
    name: str
    inputs: str


def frozen_file(url: str) -> str:
    """The file below the output that Frozen-Flask writes for one of our URLs."""
    return urls.link_path(url.lstrip("/"), urls.FILE)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def outline(inputs: BuildInputs) -> str:
    """The digest of the site's outline and of everything every file depends on."""
    site = inputs.snap.site
    h = hashlib.sha256(f"{inputs.common}\0{inputs.package}\0".encode())
    for lang in site.config.languages:
        h.update(f"nav\0{lang}\0{inputs.navs[lang]}\n".encode())
    for entry in site.all_entries():
        page = entry.page
        place = (entry.lang, entry.site_path, page.lang, page.path, page.url)
        h.update(repr((place, page.meta)).encode() + b"\n")
    return h.hexdigest()


def _paths(languages: Iterable[str]) -> Iterator[tuple[str | None, str]]:
    """The site path of every special file, with its language (None for the shared ones)."""
    for path in urls.shared_paths([]):
        yield None, path
    for lang in languages:
        for path in urls.language_paths(lang, [], []):
            yield lang, path


def special_names(languages: Iterable[str]) -> list[str]:
    """The files of the special files but the llms-full.txt files (made beside the search
    index, docsite.freeze), below the output."""
    return [
        frozen_file("/" + path)
        for lang, path in _paths(languages)
        if lang is None or path != urls.llms_full(lang)
    ]


def special_files(inputs: BuildInputs) -> Iterator[Special]:
    """Every special file but the llms-full.txt files (`full_copy_inputs`), with its inputs."""
    site = inputs.snap.site
    shared = outline(inputs)
    status = functools.cache(lambda: _status_inputs(inputs, shared))
    for lang, path in _paths(site.config.languages):
        if lang is None:
            made = _digest(shared, path)
        elif path == urls.llms_full(lang):
            continue
        elif path == urls.status_page(lang):
            made = _digest(status(), path)
        elif path == urls.objects_inv(lang):
            made = _digest(shared, path, objectsinv.inputs(site, lang))
        else:
            made = _digest(shared, path)
        yield _special(path, made)


def _special(path: str, inputs: str) -> Special:
    url = "/" + path
    return Special(url, frozen_file(url), inputs)


def _status_inputs(inputs: BuildInputs, shared: str) -> str:
    """The translation state of every page in every language but the default one, as the
    status page shows it (`shown_status`: an edit of an original that leaves every state as
    it was leaves the page as it was)."""
    config = inputs.snap.config
    others = [lang for lang in config.languages if lang != config.default_language]
    states = [(lang, shown_status(inputs.snap.site, lang, str)) for lang in others]
    return _digest(shared, "status", repr(states))


def full_copy_inputs(inputs: BuildInputs, lang: str, copies: Mapping[str, str]) -> str:
    """A language's llms-full.txt: its pages' Markdown copies (`copies`: the digest of each
    copy's bytes, by file), in reading order, each under its address."""
    site = inputs.snap.site
    order = [
        (entry.site_path, copies.get(urls.markdown_copy(entry.site_path), ""))
        for entry in site.navs[lang].order
    ]
    return _digest(inputs.common, inputs.package, "llms-full", lang, repr(order))
