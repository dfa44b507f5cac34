"""Site: every page by (language, path), the nav tree, prev/next, translation pairs, fallback."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from docsite import apiref
from docsite.config import SiteConfig
from docsite.errors import ContentError, Diagnostic
from docsite.pages import Page, default_url, load_page
from docsite.render import Rendered, Renderer


@dataclass
class Entry:
    """A page as served in a language: its own source, or the default language's (fallback)."""

    lang: str
    page: Page

    @property
    def fallback(self) -> bool:
        return self.page.lang != self.lang

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def site_path(self) -> str:
        """The page's path below the site root, e.g. 'zh/user-guide/blueprints/'."""
        return f"{self.lang}/{self.page.url}"


@dataclass
class NavNode:
    title: str
    entry: Entry | None
    folder: str | None = None  # set for sections (folders)
    sortorder: int = 1_000_000
    children: list[NavNode] = field(default_factory=list)

    def contains(self, entry: Entry) -> bool:
        return self.entry is entry or any(child.contains(entry) for child in self.children)


# Characters a page's URL cannot carry as they are: '#' and '?' end the path, '%' starts an
# escape, a backslash is a separator to some clients, control characters break the HTML.
_URL_UNSAFE_RE = re.compile(r"[#?%\\\x00-\x1f\x7f]")


def scan_sources(lang_root: Path) -> tuple[list[str], list[ContentError]]:
    """The Markdown files below a language folder, as sorted POSIX paths; hidden ones skipped.

    A link that leads out of the language folder is an error, not a page, and so is a name
    that cannot be part of a URL.
    """
    paths: list[str] = []
    errors: list[ContentError] = []
    if not lang_root.is_dir():
        return paths, errors
    real_root = lang_root.resolve()
    for folder, dirs, files in os.walk(lang_root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        here = Path(folder)
        for d in list(dirs):
            if (here / d).is_symlink() and not _inside((here / d).resolve(), real_root):
                errors.append(
                    ContentError(
                        here / d, 0, "symbolic link points outside the content folder", "symlink"
                    )
                )
                dirs.remove(d)
        for name in sorted(files):
            if name.startswith((".", "_")) or not name.endswith(".md"):
                continue
            file = here / name
            if file.is_symlink() and not _inside(file.resolve(), real_root):
                errors.append(
                    ContentError(
                        file, 0, "symbolic link points outside the content folder", "symlink"
                    )
                )
                continue
            rel = file.relative_to(lang_root).as_posix()
            bad = _URL_UNSAFE_RE.search(rel)
            if bad:
                errors.append(
                    ContentError(
                        file,
                        0,
                        f"the name has {bad.group()!r}, which a URL cannot hold: rename it",
                        "file-name",
                    )
                )
                continue
            paths.append(rel)
    return paths, errors


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


class Site:
    """All pages of all languages, and everything derived from the set of pages."""

    def __init__(
        self,
        config: SiteConfig,
        gettext_for: Callable[[str], Callable[[str], str]],
        renderer: Renderer | None = None,
    ) -> None:
        self.config = config
        self.gettext_for = gettext_for
        self.renderer = renderer or Renderer(config.digest, config.cache_dir)
        self.api = apiref.SiteApi(
            apiref.ApiEngine(cache_dir=config.cache_dir), config.default_language
        )
        self.renderer.page_env = lambda page, lang: self.api.render_env(lang, _api_source(page))
        self.renderer.page_digest = lambda page, lang: self.api.render_digest(
            lang, _api_source(page)
        )
        self.lock = threading.RLock()
        self.pages: dict[str, dict[str, Page]] = {}
        self._load_errors: list[ContentError] = []
        self.errors: list[ContentError] = []
        self.warnings: list[Diagnostic] = []
        self.broken: dict[tuple[str, str], ContentError] = {}
        self.entries: dict[str, dict[str, Entry]] = {}
        self.by_url: dict[str, dict[str, Entry]] = {}
        self.nav: dict[str, NavNode] = {}
        self.order: dict[str, list[Entry]] = {}
        self._updated: dict[str, dt.datetime] | None = None
        self.version = 0
        self.load()

    # --- loading --------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)read every source file and rebuild the derived structures."""
        pages: dict[str, dict[str, Page]] = {}
        errors: list[ContentError] = []
        warnings: list[Diagnostic] = []
        for lang in self.config.languages:
            root = self.config.content_dir / lang
            paths, scan_errors = scan_sources(root)
            errors.extend(scan_errors)
            pages[lang] = {}
            for path in paths:
                try:
                    page = load_page(self.config.content_dir, lang, path)
                except ContentError as exc:
                    errors.append(exc)
                    continue
                if page.draft and not self.config.include_drafts:
                    continue
                warnings.extend(page.warnings)
                pages[lang][path] = page
        with self.lock:
            self.pages = pages
            self._load_errors = errors
            self.warnings = warnings
            self._derive()

    def apply_changes(self, files: set[Path]) -> tuple[set[str], bool]:
        """Re-read changed source files (added, modified or deleted).

        Returns the site paths of the pages whose HTML changed ("en/guide/x/"), and whether
        the structure changed (pages added or removed, front matter changed, errors came or
        went): then the nav is recomputed and every page of the site is affected.
        """
        content = self.config.content_dir
        affected: set[str] = set()
        structural = False
        with self.lock:
            for file in sorted(files):
                try:
                    rel = file.relative_to(content)
                except ValueError:
                    continue
                lang, _, path = rel.as_posix().partition("/")
                if lang not in self.config.languages or not path.endswith(".md"):
                    continue
                old = self.pages.get(lang, {}).get(path)
                had_error = any(Path(e.path) == file for e in self._load_errors)
                self._load_errors = [e for e in self._load_errors if Path(e.path) != file]
                self.warnings = [w for w in self.warnings if Path(w.path) != file]
                new: Page | None = None
                if file.is_file() and not any(p.startswith((".", "_")) for p in Path(path).parts):
                    try:
                        new = load_page(content, lang, path)
                    except ContentError as exc:
                        self._load_errors.append(exc)
                        structural = True
                    if new is not None and new.draft and not self.config.include_drafts:
                        new = None
                if new is None:
                    self.pages.get(lang, {}).pop(path, None)
                    structural = structural or old is not None or had_error
                    continue
                self.warnings.extend(new.warnings)
                self.pages.setdefault(lang, {})[path] = new
                if old is None or had_error or old.meta != new.meta or old.url != new.url:
                    structural = True
                    continue
                for other in self.config.languages:  # the page and its fallbacks
                    entry = self.entries.get(other, {}).get(path)
                    if entry is not None and entry.page is old:
                        entry.page = new
                        affected.add(entry.site_path)
            if structural:
                self._derive()
            else:
                self._update_api()
                self.version += 1
        return affected, structural

    def _derive(self) -> None:
        """Entries, URLs, nav and reading order from self.pages (call with the lock held).

        Request threads read these without the lock: everything is built aside and then
        published, so that a reader never sees a half-built (empty) generation.
        """
        default = self.config.default_language
        errors = list(self._load_errors)
        broken: dict[tuple[str, str], ContentError] = {}
        for error in errors:
            parts = Path(error.path)
            for lang in self.config.languages:
                root = self.config.content_dir / lang
                if parts.is_relative_to(root) and parts.suffix == ".md":
                    rel = parts.relative_to(root).as_posix()
                    broken[(lang, default_url(rel))] = error
        all_entries: dict[str, dict[str, Entry]] = {}
        all_by_url: dict[str, dict[str, Entry]] = {}
        nav: dict[str, NavNode] = {}
        order: dict[str, list[Entry]] = {}
        for lang in self.config.languages:
            entries: dict[str, Entry] = {}
            by_url: dict[str, Entry] = {}
            own = self.pages.get(lang, {})
            sources = dict(self.pages.get(default, {})) if lang != default else {}
            sources.update(own)
            for path, page in sorted(sources.items()):
                if page.lang != lang and (lang, page.url) in broken:
                    continue  # the translation exists but is broken: show its error, not English
                entry = Entry(lang, page)
                other = by_url.get(page.url)
                if other is not None and page.lang != lang and other.page.lang != lang:
                    continue  # two pages of the default language: reported for that language
                if other is not None:
                    error = ContentError(
                        page.source_file,
                        1,
                        f"maps to the same URL /{lang}/{page.url} as "
                        f"{other.page.lang}/{other.page.path}",
                        "duplicate-url",
                    )
                    if page.lang == lang or other.page.lang == lang:
                        errors.append(error)  # two fallbacks: reported for their language
                    broken.setdefault((lang, page.url), error)
                    continue
                entries[path] = entry
                by_url[page.url] = entry
            all_entries[lang] = entries
            all_by_url[lang] = by_url
            nav[lang] = self._build_nav(lang, entries)
            order[lang] = list(self._flatten(nav[lang]))
        self.errors, self.broken = errors, broken
        self.entries, self.by_url, self.nav, self.order = all_entries, all_by_url, nav, order
        self._update_api()
        self.version += 1

    def _update_api(self) -> None:
        """The API reference's inventory: which page places which object, per language."""
        self.api.update(
            {
                lang: [_api_source(e.page) for e in entries.values()]
                for lang, entries in self.entries.items()
            }
        )

    def _build_nav(self, lang: str, entries: dict[str, Entry]) -> NavNode:
        root = NavNode(title=self.config.title(lang), entry=entries.get("index.md"), folder="")
        folders: dict[str, NavNode] = {"": root}

        def folder_node(folder: str) -> NavNode:
            node = folders.get(folder)
            if node is None:
                name = PurePosixPath(folder).name
                node = NavNode(
                    title=name.replace("-", " ").replace("_", " ").title(),
                    entry=None,
                    folder=folder,
                )
                folders[folder] = node
                parent = str(PurePosixPath(folder).parent)
                folder_node("" if parent == "." else parent).children.append(node)
            return node

        for path, entry in entries.items():
            if path == "index.md":
                continue
            page = entry.page
            if page.is_index:
                node = folder_node(str(PurePosixPath(path).parent))
                node.entry = entry
                node.title = page.nav_title
                node.sortorder = page.sortorder
            else:
                folder_node(page.folder).children.append(
                    NavNode(title=page.nav_title, entry=entry, sortorder=page.sortorder)
                )

        def sort(node: NavNode) -> None:
            node.children.sort(key=lambda n: (n.sortorder, n.title.casefold()))
            for child in node.children:
                sort(child)

        sort(root)
        return root

    def _flatten(self, node: NavNode) -> Iterator[Entry]:
        if node.entry is not None:
            yield node.entry
        for child in node.children:
            yield from self._flatten(child)

    # --- queries --------------------------------------------------------------------------

    def resolve(self, lang: str, path: str) -> str | None:
        """The URL (below /<lang>/) of a source path in a language, or None if no such page."""
        entry = self.entries.get(lang, {}).get(path)
        return entry.url if entry else None

    def entry_at(self, lang: str, url: str) -> Entry | None:
        return self.by_url.get(lang, {}).get(url)

    def all_entries(self) -> Iterator[Entry]:
        for lang in self.config.languages:
            yield from self.entries.get(lang, {}).values()

    def translations_of(self, entry: Entry) -> dict[str, Entry]:
        """The same page in every language (fallbacks included), by language."""
        return {
            lang: other
            for lang in self.config.languages
            if (other := self.entries.get(lang, {}).get(entry.page.path)) is not None
        }

    def neighbours(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        order = self.order.get(entry.lang, [])
        try:
            i = next(i for i, e in enumerate(order) if e is entry)
        except StopIteration:
            return None, None
        return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)

    def breadcrumbs(self, entry: Entry) -> list[NavNode]:
        """The sections above a page, from the top."""
        trail: list[NavNode] = []

        def walk(node: NavNode) -> bool:
            for child in node.children:
                if child.entry is entry:
                    return True
                if child.children and child.contains(entry):
                    trail.append(child)
                    return walk(child)
            return False

        walk(self.nav[entry.lang])
        return [n for n in trail if n.entry is not entry]

    def render(self, entry: Entry) -> Rendered:
        return self.renderer.render(
            entry.page,
            entry.lang,
            lambda path: self.resolve(entry.lang, path),
            self.gettext_for(entry.lang),
        )

    def sources_below(self, folder: Path) -> list[Path]:
        """The source files of loaded (or broken) pages below a folder."""
        with self.lock:
            files = [p.source_file for pages in self.pages.values() for p in pages.values()]
            files += [Path(e.path) for e in self._load_errors]
        return [f for f in files if f.is_relative_to(folder)]

    def find_asset(self, lang: str, rel: str) -> Path | None:
        """A non-Markdown file of the content folder (an image, a download), with fallback."""
        parts = PurePosixPath(rel).parts
        if (
            not parts
            or rel.endswith((".md", apiref.CATALOG_SUFFIX))
            or "\x00" in rel
            or any(p in ("..", ".") or p.startswith(".") for p in parts)
        ):
            return None
        for candidate_lang in (lang, self.config.default_language):
            root = (self.config.content_dir / candidate_lang).resolve()
            file = (root / rel).resolve()
            if file.is_file() and file.is_relative_to(root):
                return file
        return None

    def asset_paths(self, lang: str) -> list[str]:
        """Every non-Markdown file a language serves (its own and the default language's)."""
        found: set[str] = set()
        for candidate_lang in {lang, self.config.default_language}:
            root = self.config.content_dir / candidate_lang
            if not root.is_dir():
                continue
            for file in root.rglob("*"):
                rel = file.relative_to(root)
                if (
                    file.is_file()
                    and file.suffix not in (".md", apiref.CATALOG_SUFFIX)
                    and not any(p.startswith((".", "_")) for p in rel.parts)
                ):
                    found.add(rel.as_posix())
        return sorted(p for p in found if self.find_asset(lang, p))

    def last_updated(self, page: Page) -> dt.date | dt.datetime | None:
        """`updated` from front matter, else the last commit touching the file, else its mtime."""
        value = page.meta.get("updated")
        if value:
            return value  # type: ignore[no-any-return]
        if self._updated is None:
            self._updated = _git_dates(self.config.content_dir)
        when = self._updated.get(str(page.source_file.resolve()))
        if when:
            return when
        try:
            return dt.datetime.fromtimestamp(page.source_file.stat().st_mtime, tz=dt.UTC)
        except OSError:
            return None


def _api_source(page: Page) -> apiref.PageSource:
    return apiref.PageSource(page.lang, page.path, page.body, page.source_file)


def _git_dates(folder: Path) -> dict[str, dt.datetime]:
    """Last commit time of every file below folder, from one `git log` call ({} outside git)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            when = dt.datetime.fromtimestamp(int(line[1:]), tz=dt.UTC)
        elif line and when is not None:
            dates.setdefault(str((Path(top) / line).resolve()), when)
    return dates
