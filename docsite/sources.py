"""Sources: the files of the content folder, read into pages, errors and warnings.

`read_sources` reads a whole content folder; `Sources.updated` reads only the files that
changed and returns a new value, leaving the old one as it was (a server keeps serving it
until the new site built from the new sources is complete). Non-Markdown files (images,
downloads) are found here too, by `find_asset` and `asset_paths`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docsite.config import SiteConfig
from docsite.errors import ContentError, Diagnostic, display_path
from docsite.pages import Page, load_page, page_path
from docsite.safepaths import is_regular_file, resolved
from docsite.sourcecache import PageCache

# Characters a page's URL cannot carry as they are: '#' and '?' end the path, '%' starts an
# escape, a backslash is a separator to some clients, control characters break the HTML.
# Sources, never published as files: pages, and the gettext catalogs of translated API pages.
NOT_ASSETS = (".md", ".po")
_URL_UNSAFE_RE = re.compile(r"[#?%\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Sources:
    """Every page of every language as read, and the files that could not be read."""

    pages: Mapping[str, Mapping[str, Page]]  # lang -> path -> page
    errors: tuple[ContentError, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()

    def updated(self, config: SiteConfig, files: Iterable[Path]) -> tuple[Sources, set[str]]:
        """These sources with some files read again (added, changed or deleted).

        Returns the new sources and the keys (`lang:path`) of the pages whose file changed.
        """
        content = config.content_dir
        pages = {lang: dict(by_path) for lang, by_path in self.pages.items()}
        errors = list(self.errors)
        warnings = list(self.warnings)
        changed: set[str] = set()
        for file in sorted(set(files)):
            try:
                rel = file.relative_to(content)
            except ValueError:
                continue
            lang, _, source_path = rel.as_posix().partition("/")
            if lang not in config.languages or not source_path.endswith(".md"):
                continue
            path = page_path(source_path)
            errors = [e for e in errors if Path(e.path) != file]
            warnings = [w for w in warnings if Path(w.path) != file]
            old = pages.setdefault(lang, {}).get(path)
            if old is not None and old.source_file == file:  # not its other Unicode form
                del pages[lang][path]
            changed.add(f"{lang}:{path}")
            hidden = any(p.startswith((".", "_")) for p in Path(path).parts)
            if not file.is_file() or hidden:
                continue
            try:
                page = load_page(content, lang, source_path)
            except ContentError as exc:
                errors.append(exc)
                continue
            if page.draft and not config.include_drafts:
                continue
            warnings.extend(page.warnings)
            pages[lang][path] = page
        return Sources(pages, tuple(errors), tuple(warnings)), changed

    def files_below(self, folder: Path) -> list[Path]:
        """The source files of loaded (or broken) pages below a folder."""
        files = [p.source_file for by_path in self.pages.values() for p in by_path.values()]
        files += [Path(e.path) for e in self.errors]
        return [f for f in files if f.is_relative_to(folder)]


def read_sources(config: SiteConfig) -> Sources:
    """Read every page of every language of the content folder (those whose file did not
    change since the last read come from the cache: docsite.sourcecache)."""
    pages: dict[str, dict[str, Page]] = {}
    errors: list[ContentError] = []
    warnings: list[Diagnostic] = []
    cache = PageCache(config.cache_dir, config.content_dir)
    for lang in config.languages:
        paths, scan_errors = scan_sources(config.content_dir / lang)
        errors.extend(scan_errors)
        pages[lang] = {}
        for path in paths:
            try:
                page = cache.load_page(config.content_dir, lang, path)
            except ContentError as exc:
                errors.append(exc)
                continue
            if page.draft and not config.include_drafts:
                continue
            if (twin := pages[lang].get(page.path)) is not None:
                errors.append(_same_name_error(page, twin))
                continue
            warnings.extend(page.warnings)
            pages[lang][page.path] = page
    cache.save()
    return Sources(pages, tuple(errors), tuple(warnings))


def scan_sources(lang_root: Path) -> tuple[list[str], list[ContentError]]:
    """The Markdown files below a language folder, as sorted POSIX paths; hidden ones skipped.

    A link that leads out of the language folder (to a page, a folder or any other file) is an
    error, not a page, and so is a name that cannot be part of a URL. A link to a folder
    inside is not followed.
    """
    paths: list[str] = []
    errors: list[ContentError] = []
    if lang_root.is_dir():
        _scan(os.fspath(lang_root), "", lang_root.resolve(), paths, errors)
    return paths, errors


def _scan(
    folder: str, rel: str, real_root: Path, paths: list[str], errors: list[ContentError]
) -> None:
    """One folder of `scan_sources`: its links' errors, its pages, then its folders (a walk
    of the folder's entries, which say without asking the system again what each is)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(
                (e for e in listing if not e.name.startswith((".", "_"))), key=lambda e: e.name
            )
    except OSError:
        return  # a folder that cannot be listed has no pages, as os.walk has it
    dirs, files = [], []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        (dirs if is_dir else files).append(entry)
    for entry in dirs:
        if entry.is_symlink() and (error := _link_error(Path(entry.path), real_root)):
            errors.append(error)
    for entry in files:
        if entry.is_symlink() and (error := _link_error(Path(entry.path), real_root)):
            errors.append(error)
        elif entry.name.endswith(".md"):
            if bad := _URL_UNSAFE_RE.search(rel + entry.name):
                message = f"the name has {bad.group()!r}, which a URL cannot hold: rename it"
                errors.append(ContentError(Path(entry.path), 0, message, "file-name"))
            else:
                paths.append(rel + entry.name)
    for entry in dirs:
        if not entry.is_symlink():
            _scan(entry.path, f"{rel}{entry.name}/", real_root, paths, errors)


def _link_error(path: Path, real_root: Path) -> ContentError | None:
    """An error for a symbolic link that leads out of the content folder, or nowhere."""
    if not path.is_symlink():
        return None
    target = resolved(path)
    if target is None:
        message = "symbolic link cannot be followed (it loops)"
    elif not _inside(target, real_root):
        message = "symbolic link points outside the content folder"
    else:
        return None
    return ContentError(path, 0, message, "symlink")


def _same_name_error(page: Page, twin: Page) -> ContentError:
    """Two files whose names differ only in Unicode form (é as one character, or e and an
    accent) are one page."""
    return ContentError(
        page.source_file,
        1,
        f"maps to the same URL /{page.lang}/{page.url} as {twin.lang}/{twin.path} "
        "(the names differ only in how their accents are encoded)",
        "duplicate-url",
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def find_asset(config: SiteConfig, lang: str, rel: str) -> Path | None:
    """A non-Markdown file of the content folder (an image, a download), with fallback."""
    parts = PurePosixPath(rel).parts
    if (
        not parts
        or rel.endswith(NOT_ASSETS)
        or "\x00" in rel
        or any(p in ("..", ".") or p.startswith(".") for p in parts)
    ):
        return None
    for candidate_lang in (lang, config.default_language):
        root = resolved(config.content_dir / candidate_lang)
        if root is None:
            continue
        file = resolved(root / rel)
        if file is not None and file.is_relative_to(root) and is_regular_file(file):
            return file
    return None


def asset_paths(config: SiteConfig, lang: str) -> list[str]:
    """Every non-Markdown file a language serves (its own and the default language's); like
    the pages (`scan_sources`), none below a hidden folder or a linked one."""
    found: set[str] = set()
    for candidate_lang in {lang, config.default_language}:
        root = config.content_dir / candidate_lang
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            found.update(
                prefix + name
                for name in files
                if not name.startswith((".", "_")) and not name.endswith(NOT_ASSETS)
            )
    return sorted(p for p in found if find_asset(config, lang, p))


def merge_sources(base: Sources, extras: Iterable[tuple[str, Sources]]) -> Sources:
    """The pages of the content folder and of page sources, as one set of sources.

    A page source may not make a page the content folder has: that is an error naming both.
    """
    pages = {lang: dict(by_path) for lang, by_path in base.pages.items()}
    errors = list(base.errors)
    warnings = list(base.warnings)
    for name, extra in extras:
        errors.extend(extra.errors)
        warnings.extend(extra.warnings)
        for lang, by_path in extra.pages.items():
            mine = pages.setdefault(lang, {})
            for path, page in by_path.items():
                if path in mine:
                    message = (
                        f"page source {name!r} makes {lang}/{path}, which "
                        f"{display_path(mine[path].source_file)} already is"
                    )
                    errors.append(ContentError(page.source_file, 0, message, "duplicate-url"))
                    continue
                mine[path] = page
    return Sources(pages, tuple(errors), tuple(warnings))
