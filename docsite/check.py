"""check: front matter, links, anchors and structure of every page in every language.

It reads the render cache, so once the pages were rendered (by serve, build or an earlier
check) it only parses front matter and compares. It writes nothing but that cache, and it
touches the network only when asked to fetch external links (`fetch_external`).

What "structure" means here, given how site.py builds the nav: every published page is in its
language's nav (each page is placed in the tree of its folder), so the nav itself cannot leave
a page out. Readers cannot reach a page in two cases, and both are reported: a draft (not
published; a link to it is `draft-link`) and a translation whose original is gone
(`orphan-translation`: the default language has no page at that path, so no nav and no
language switch of the default language leads to it). An empty section is a folder with no
Markdown page in or below it whose files (if any) no page links to; a folder holding only an
index.md is a page with its own folder (images beside it), not an empty section.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from docsite.errors import ContentError, Diagnostic
from docsite.pages import Page, load_page
from docsite.renderfacts import PageFacts
from docsite.site import Entry, Site
from docsite.status import translation_status

EXTERNAL_TIMEOUT = 5.0  # seconds for one request to an external URL
EXTERNAL_WORKERS = 16


@dataclass(frozen=True)
class ExternalLink:
    """An http(s) link as written in a source file."""

    url: str
    path: str
    line: int


@dataclass
class CheckReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)
    external: list[ExternalLink] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]

    def failed(self, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def render_all(site: Site) -> dict[tuple[str, str], PageFacts]:
    """What rendering found in every page of every language (fallback pages included), by
    (lang, path): rendered where the render cache does not have it.

    A page's languages come one after the other, so that they share one parse."""
    entries = sorted(site.all_entries(), key=lambda entry: entry.page.path)
    return {(entry.lang, entry.page.path): site.facts(entry) for entry in entries}


def check_site(
    site: Site, require_translations: bool = False, fetch_external: bool = False
) -> CheckReport:
    report = CheckReport()
    seen: set[tuple[str, int, str]] = set()

    def add(diagnostic: Diagnostic) -> None:
        key = (diagnostic.path, diagnostic.line, diagnostic.message)
        if key not in seen:
            seen.add(key)
            report.diagnostics.append(diagnostic)

    for error in site.errors:
        add(error.diagnostic)
    for warning in site.warnings:
        add(warning)
    rendered = render_all(site)
    external: dict[ExternalLink, None] = {}
    linked_files: set[Path] = set()
    lookups = Lookups(site)
    for entry in site.all_entries():
        page_render = rendered[(entry.lang, entry.page.path)]
        for warning in page_render.warnings:
            add(warning)
        for diagnostic in _check_links(lookups, entry, page_render, rendered, linked_files):
            if entry.fallback:
                # A link that is broken in the original is reported once, for the original.
                original = diagnostic.message.removesuffix(f" (in /{entry.lang}/)")
                if (diagnostic.path, diagnostic.line, original) in seen:
                    continue
            add(diagnostic)
        if not entry.fallback:
            file = str(entry.page.source_file)
            for link in page_render.links:
                if link.kind == "external":
                    external[ExternalLink(link.target, file, link.line)] = None
    for diagnostic in _check_translated_pages(site, rendered):
        add(diagnostic)
    for diagnostic in _empty_sections(site, linked_files):
        add(diagnostic)
    report.external = list(external)
    if fetch_external:
        for diagnostic in check_external(report.external):
            add(diagnostic)
    if require_translations:
        for diagnostic in _check_translations(site):
            add(diagnostic)
    for lang in site.config.languages:
        report.pages[lang] = sum(1 for e in site.entries.get(lang, {}).values() if not e.fallback)
    report.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    return report


class Lookups:
    """What links name, looked up once per target, not once per link: a page may link one
    file thousands of times, and each lookup asks the file system."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.find_asset = functools.cache(site.find_asset)
        self.is_draft = functools.cache(functools.partial(_is_draft, site))


def _check_links(
    lookups: Lookups,
    entry: Entry,
    page_render: PageFacts,
    rendered: dict[tuple[str, str], PageFacts],
    linked_files: set[Path],
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    site = lookups.site
    file = str(entry.page.source_file)
    where = f" (in /{entry.lang}/)" if entry.fallback else ""

    def problem(line: int, message: str, code: str) -> None:
        out.append(Diagnostic(file, line, message + where, code=code))

    for link in page_render.links:
        if link.kind == "external":
            continue
        if link.kind == "anchor":
            if link.fragment and link.fragment not in page_render.ids:
                problem(link.line, f"link to missing anchor '#{link.fragment}'", "missing-anchor")
            continue
        if link.kind == "file":
            asset = lookups.find_asset(entry.lang, link.target)
            if asset is None:
                problem(link.line, f"link to missing file '{link.target}'", "missing-file")
            else:
                linked_files.add(asset)
            continue
        target = site.entries.get(entry.lang, {}).get(link.target)
        if target is None:
            if lookups.is_draft(entry.lang, link.target):
                message = f"link to draft page '{link.target}' (drafts are not published)"
                problem(link.line, message, "draft-link")
            else:
                problem(link.line, f"link to missing page '{link.target}'", "missing-page")
            continue
        if link.fragment:
            target_render = rendered.get((entry.lang, link.target))
            if target_render is not None and link.fragment not in target_render.ids:
                message = f"link to missing anchor '{link.target}#{link.fragment}'"
                problem(link.line, message, "missing-anchor")
    return out


def _is_draft(site: Site, lang: str, path: str) -> bool:
    """Whether a page that is not published exists as a draft (in lang, else its fallback)."""
    if site.config.include_drafts or not path.endswith(".md"):
        return False
    for candidate in (lang, site.config.default_language):
        if (site.config.content_dir / candidate / path).is_file():
            try:
                return load_page(site.config.content_dir, candidate, path).draft
            except ContentError:  # a broken page is reported as such, not as a draft
                return False
    return False


def _check_translated_pages(
    site: Site, rendered: dict[tuple[str, str], PageFacts]
) -> list[Diagnostic]:
    """Translations without an original, and heading ids a translation and its original do not
    share (a link to an anchor, or the language switch keeping one, breaks on such a page)."""
    out: list[Diagnostic] = []
    default = site.config.default_language
    originals = site.pages.get(default, {})
    for lang in site.config.languages:
        if lang == default:
            continue
        for path, page in sorted(site.pages.get(lang, {}).items()):
            original = originals.get(path)
            if original is None:
                out.append(
                    Diagnostic(
                        str(page.source_file),
                        1,
                        f"orphan translation: there is no {default} page {default}/{path}, "
                        f"so no {default} nav or language switch leads here",
                        code="orphan-translation",
                    )
                )
                continue
            ours = rendered.get((lang, path))
            theirs = rendered.get((default, path))
            if ours is None or theirs is None:
                continue  # one of them is broken: its error is reported
            out += _anchor_parity(page, list(ours.headings), original, list(theirs.headings))
    return out


def _anchor_parity(
    page: Page, ids: list[str], original: Page, original_ids: list[str]
) -> list[Diagnostic]:
    """Each heading id of one of the two pages that the other lacks, at its heading's line."""
    from docsite.mdscan import heading_lines  # the parser (a report unpickled needs none)

    out: list[Diagnostic] = []
    sides = (
        (page, ids, original, "page", original_ids),
        (original, original_ids, page, "translation", ids),
    )
    for have, have_ids, other, kind, other_ids in sides:
        known = set(other_ids)
        lacking = [ident for ident in have_ids if ident not in known]
        lines = heading_lines(have.body) if lacking else {}
        out += [
            Diagnostic(
                str(have.source_file),
                lines.get(ident, 1) + have.body_line - 1,
                f"heading id '{ident}' is not in the {other.lang} {kind} {other.lang}/{other.path}",
                code="anchor-parity",
            )
            for ident in lacking
        ]
    return out


def _empty_sections(site: Site, linked_files: set[Path]) -> list[Diagnostic]:
    """Folders of a language with no Markdown page in or below them, whose files nobody links."""
    out: list[Diagnostic] = []
    linked = {f.parent for f in linked_files}
    for lang in site.config.languages:
        root = site.config.content_dir / lang
        folders: list[Path] = []
        with_pages: set[Path] = set()
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            here = Path(folder)
            if here != root:
                folders.append(here)
            if any(name.endswith(".md") and not name.startswith((".", "_")) for name in files):
                with_pages.update(here.parents)
                with_pages.add(here)
        for folder in folders:
            if folder in with_pages:
                continue
            resolved = folder.resolve()
            if any(p == resolved or p.is_relative_to(resolved) for p in linked):
                continue
            has_files = any(p.is_file() for p in folder.rglob("*"))
            out.append(
                Diagnostic(
                    str(folder),
                    0,
                    "empty section: no page in this folder, and no page links to its files"
                    if has_files
                    else "empty section: the folder holds no page",
                    code="empty-section",
                )
            )
    return out


def check_external(
    links: list[ExternalLink], timeout: float = EXTERNAL_TIMEOUT
) -> list[Diagnostic]:
    """Fetch every external URL once, concurrently; a warning for each link to one that fails."""
    urls = sorted({link.url for link in links})
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(EXTERNAL_WORKERS, len(urls))) as pool:
        problems = dict(zip(urls, pool.map(lambda url: probe_url(url, timeout), urls), strict=True))
    return [
        Diagnostic(
            link.path,
            link.line,
            f"external link {link.url} failed: {problems[link.url]}",
            code="external-link",
        )
        for link in links
        if problems[link.url]
    ]


def probe_url(url: str, timeout: float) -> str | None:
    """None when the URL answers with a success, else why not. HEAD first; servers that refuse
    or mishandle HEAD get a GET (whose body is not read)."""
    import urllib.error  # only `check --external` fetches
    import urllib.request

    problem: str | None = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": "docsite-check/1"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"  # maybe HEAD only: try GET
        except urllib.error.URLError as exc:
            return str(exc.reason)
        except (OSError, ValueError) as exc:  # a timeout while reading, a malformed URL
            return str(exc) or type(exc).__name__
    return problem


def _check_translations(site: Site) -> list[Diagnostic]:
    """Missing and outdated translations, as errors (check --require-translations)."""
    out: list[Diagnostic] = []
    default = site.config.default_language
    for lang in site.config.languages:
        if lang == default:
            continue
        for section in translation_status(site, lang):
            for status in section.pages:
                if status.state == "missing":
                    original = site.pages[default][status.path].source_file
                    out.append(
                        Diagnostic(
                            str(original), 0, f"no {lang} translation", "error", "no-translation"
                        )
                    )
                elif status.state == "outdated":
                    page = site.pages[lang][status.path]
                    recorded = status.recorded or "nothing"
                    out.append(
                        Diagnostic(
                            str(page.source_file),
                            1,
                            f"translation is outdated: it records source {recorded}, "
                            f"the {default} original is now {status.current}",
                            "error",
                            "outdated-translation",
                        )
                    )
    return out
