"""SiteConfig: a project's docsite.toml (or [tool.docsite] in pyproject.toml), validated and typed.

A project is the folder that holds its configuration: its content, cache, output and own themes
are found relative to it, never relative to where docsite is installed. `find_config` walks up
from the working directory to the first folder with a `docsite.toml`, or a `pyproject.toml` with
a `[tool.docsite]` table.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docsite import urls
from docsite.errors import ConfigError, display_path
from docsite.languages import Language, language

CONFIG_FILE = "docsite.toml"
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class SiteConfig:
    """Everything that shapes the site. Rendering is a pure function of this and the sources."""

    root: Path  # the project folder: the one that holds config_file
    config_file: Path
    content_dir: Path
    themes_dir: Path  # the project's own themes, searched before the packaged ones
    cache_dir: Path
    languages: tuple[str, ...] = ("en", "zh")
    default_language: str = "en"
    titles: dict[str, str] = field(default_factory=dict)
    # [tool.docsite.language.<code>]: a project's settings for a language (see languages.py)
    language_settings: dict[str, dict[str, str]] = field(default_factory=dict)
    theme: str = "default"
    base_url: str = "/"
    repo_url: str = ""
    edit_branch: str = "main"
    include_drafts: bool = False
    # Up to this many nav entries, every page carries the whole nav; above it, sections that do
    # not hold the page show as a link to their index, so pages stay small on large sites.
    nav_expand_limit: int = 300
    # Plugins named by the project ("package.module:register"), after the installed ones.
    plugins: tuple[str, ...] = ()
    # Other projects' Sphinx inventories for links out of the API reference:
    # (base URL of their docs, objects.inv as a URL or a file of the project).
    inventories: tuple[tuple[str, str], ...] = ()
    # How links name a page (urls.DIRECTORY: its folder; urls.FILE: its index.html, for a
    # site opened from disk, with the search index loaded as scripts): `build --offline`.
    url_style: str = urls.DIRECTORY
    # The cache folder is scratch (`build --no-cache`): removed after the build, so nothing
    # the next build would read is written into it.
    cache_scratch: bool = False

    @property
    def offline(self) -> bool:
        """Whether the site is made to be opened from disk (file://), with no web server."""
        return self.url_style == urls.FILE

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get(self.default_language) or "Documentation"

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with a leading and trailing slash."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def absolute_base(self) -> str | None:
        """base_url when it names a host (needed for sitemap.xml and canonical links)."""
        parts = urlsplit(self.base_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{self.base_path}"
        return None

    def language(self, lang: str) -> Language:
        """The record of one of the site's languages (tag, locale, name, analysis profile)."""
        return language(lang, self.language_settings.get(lang))

    @property
    def theme_dirs(self) -> tuple[Path, ...]:
        """Where themes are looked up: the project's themes folder, then the packaged themes."""
        dirs = [self.themes_dir, packaged_themes()]
        return tuple(d for i, d in enumerate(dirs) if d.is_dir() and d not in dirs[:i])

    def lang_tag(self, lang: str) -> str:
        return self.language(lang).tag

    def lang_name(self, lang: str) -> str:
        return self.language(lang).name

    def with_options(self, **changes: Any) -> SiteConfig:
        """A copy with some settings changed (as the CLI options do), validated again."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "content_dir" in changes:
            changes["content_dir"] = Path(changes["content_dir"]).resolve()
        new = replace(self, **changes)
        _validate(new)
        return new

    def to_json(self) -> str:
        """Every setting, for another process (see config_from_json)."""
        data = asdict(self)
        for name in _PATH_FIELDS:
            data[name] = str(data[name])
        return json.dumps(data)

    @property
    def digest(self) -> str:
        """A digest of the settings that change rendered output (not paths on this machine)."""
        data = asdict(self)
        paths = ("root", "config_file", "content_dir", "themes_dir", "cache_dir")
        for key in (*paths, "include_drafts", "cache_scratch"):
            data.pop(key)
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


_PATH_FIELDS = ("root", "config_file", "content_dir", "themes_dir", "cache_dir")


def config_from_json(text: str) -> SiteConfig:
    """The configuration `SiteConfig.to_json` wrote."""
    data = json.loads(text)
    for name in _PATH_FIELDS:
        data[name] = Path(data[name])
    data["languages"] = tuple(data["languages"])
    data["plugins"] = tuple(data["plugins"])
    data["inventories"] = tuple(tuple(pair) for pair in data["inventories"])
    return SiteConfig(**data)


def packaged_themes() -> Path:
    """The themes that ship with docsite.

    A wheel holds the repository's top-level `themes/` as `docsite/_themes` (see pyproject's
    `package-dir`); a source checkout or an editable install has it beside the package.
    """
    package = Path(__file__).resolve().parent
    installed = package / "_themes"
    return installed if installed.is_dir() else package.parent / "themes"


def _inventories(root: Path, table: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """`{base URL = objects.inv URL or file}`: a file is relative to the project folder."""
    out = []
    for base, location in table.items():
        if not isinstance(location, str) or not location:
            raise ConfigError(f"[tool.docsite.inventories] {base!r} must name an objects.inv")
        if not location.startswith(("http://", "https://")):
            location = str((root / location).resolve())
        out.append((str(base), location))
    return tuple(out)


def _validate(config: SiteConfig) -> None:
    where = _table_name(config.config_file)
    if not config.languages:
        raise ConfigError(f"{where} languages must name at least one language")
    if config.default_language not in config.languages:
        raise ConfigError(
            f"{where} default_language {config.default_language!r} "
            f"is not one of languages {list(config.languages)}"
        )
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("", "http", "https") or parts.query or parts.fragment:
        raise ConfigError(
            f"base URL {config.base_url!r} must be a path like /docs/ or an http(s) URL"
        )
    if config.url_style not in urls.URL_STYLES:
        styles = " or ".join(repr(style) for style in urls.URL_STYLES)
        raise ConfigError(f"{where} url_style {config.url_style!r} must be {styles}")
    for code in config.languages:
        config.language(code)  # unknown keys or values of a language are errors now
    if not any((folder / config.theme).is_dir() for folder in config.theme_dirs):
        searched = dict.fromkeys([config.themes_dir, packaged_themes()])
        raise ConfigError(
            f"theme {config.theme!r} not found in {' or '.join(str(d) for d in searched)}"
        )


_EXPECTED: dict[str, type | tuple[type, ...]] = {
    "languages": list,
    "default_language": str,
    "title": dict,
    "language": dict,
    "theme": str,
    "base_url": str,
    "repo_url": str,
    "edit_branch": str,
    "content_dir": str,
    "themes_dir": str,
    "cache_dir": str,
    "nav_expand_limit": int,
    "plugins": list,
    "inventories": dict,
}


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display_path(file)}: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{display_path(file)}: {exc.strerror or exc}") from exc


def _table_name(file: Path) -> str:
    """How messages name the settings: `pyproject.toml [tool.docsite]:` or `docsite.toml:`."""
    shown = display_path(file)
    return f"{shown} [tool.docsite]:" if file.name == PYPROJECT else f"{shown}:"


def config_in(folder: Path) -> Path | None:
    """The folder's docsite.toml, else its pyproject.toml when it has a [tool.docsite] table."""
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and "docsite" in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def find_config(start: Path | None = None) -> Path:
    """The configuration of the project that holds `start` (the working directory by default).

    The first folder, from `start` up to the file system's root, with a docsite.toml or a
    pyproject.toml that has a [tool.docsite] table.
    """
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        found = config_in(folder)
        if found is not None:
            return found
    raise ConfigError(
        f"no docsite configuration found: no {CONFIG_FILE}, nor {PYPROJECT} with [tool.docsite], "
        f"in {start} or a folder above it (`docsite new DIR` starts a project)"
    )


def load_config(root: Path | None = None, **overrides: Any) -> SiteConfig:
    """The settings of a project; keyword overrides win (None is ignored).

    `root` is the project folder or its configuration file; without it, the configuration is
    found from the working directory (`find_config`). Relative paths in the configuration
    (`content_dir`, `themes_dir`, `cache_dir`) are relative to the project folder.
    """
    if root is None:
        file = find_config()
    elif root.is_dir():
        found = config_in(root)
        if found is None:
            raise ConfigError(
                f"no docsite configuration in {root}: no {CONFIG_FILE}, "
                f"nor {PYPROJECT} with [tool.docsite]"
            )
        file = found
    else:
        file = root
    file = file.resolve()
    document = _read_toml(file)
    table = document if file.name != PYPROJECT else document.get("tool", {}).get("docsite", {})
    return _from_table(file, table).with_options(**overrides)


def _from_table(file: Path, table: dict[str, Any]) -> SiteConfig:
    where = _table_name(file)
    for key, value in table.items():
        expected = _EXPECTED.get(key)
        if expected is None:
            raise ConfigError(f"{where} unknown key {key!r}")
        if not isinstance(value, expected):
            raise ConfigError(f"{where} {key} must be a {getattr(expected, '__name__', expected)}")
    titles = table.get("title", {})
    if not all(isinstance(v, str) for v in titles.values()):
        raise ConfigError(f"{where} title values must be strings")
    root = file.parent
    config = SiteConfig(
        root=root,
        config_file=file,
        content_dir=(root / table.get("content_dir", "content")).resolve(),
        themes_dir=(root / table.get("themes_dir", "themes")).resolve(),
        cache_dir=(root / table.get("cache_dir", ".cache")).resolve(),
        languages=tuple(table.get("languages", ["en", "zh"])),
        default_language=table.get("default_language", "en"),
        titles=dict(titles),
        language_settings={
            str(code): dict(settings) if isinstance(settings, dict) else settings
            for code, settings in table.get("language", {}).items()
        },
        theme=table.get("theme", "default"),
        base_url=table.get("base_url", "/"),
        repo_url=table.get("repo_url", ""),
        edit_branch=table.get("edit_branch", "main"),
        nav_expand_limit=table.get("nav_expand_limit", 300),
        plugins=tuple(str(name) for name in table.get("plugins", [])),
        inventories=_inventories(root, table.get("inventories", {})),
    )
    _validate(config)
    return config
