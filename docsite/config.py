"""SiteConfig: the [tool.docsite] table of pyproject.toml, validated and typed."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docsite.errors import ConfigError
from docsite.languages import Language, language

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SiteConfig:
    """Everything that shapes the site. Rendering is a pure function of this and the sources."""

    root: Path
    content_dir: Path
    languages: tuple[str, ...] = ("en", "zh")
    default_language: str = "en"
    titles: dict[str, str] = field(default_factory=dict)
    # [tool.docsite.language.<code>]: a project's settings for a language (see languages.py)
    language_settings: dict[str, dict[str, str]] = field(default_factory=dict)
    theme: str = "default"
    themes_dir: Path = PROJECT_ROOT / "themes"
    base_url: str = "/"
    repo_url: str = ""
    edit_branch: str = "main"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    include_drafts: bool = False
    # Up to this many nav entries, every page carries the whole nav; above it, sections that do
    # not hold the page show as a link to their index, so pages stay small on large sites.
    nav_expand_limit: int = 300
    # Plugins named by the project ("package.module:register"), after the installed ones.
    plugins: tuple[str, ...] = ()

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

    @property
    def digest(self) -> str:
        """A digest of the settings that change rendered output (not paths on this machine)."""
        data = asdict(self)
        for key in ("root", "content_dir", "themes_dir", "cache_dir", "include_drafts"):
            data.pop(key)
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _validate(config: SiteConfig) -> None:
    if not config.languages:
        raise ConfigError("[tool.docsite] languages must name at least one language")
    if config.default_language not in config.languages:
        raise ConfigError(
            f"[tool.docsite] default_language {config.default_language!r} "
            f"is not one of languages {list(config.languages)}"
        )
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("", "http", "https") or parts.query or parts.fragment:
        raise ConfigError(
            f"base URL {config.base_url!r} must be a path like /docs/ or an http(s) URL"
        )
    for code in config.languages:
        config.language(code)  # unknown keys or values of a language are errors now
    if not (config.themes_dir / config.theme).is_dir():
        raise ConfigError(f"theme {config.theme!r} not found in {config.themes_dir}")


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
}


def load_config(root: Path = PROJECT_ROOT, **overrides: Any) -> SiteConfig:
    """Read [tool.docsite] from root/pyproject.toml; keyword overrides win (None is ignored)."""
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] = {}
    if pyproject.is_file():
        try:
            with pyproject.open("rb") as fh:
                table = tomllib.load(fh).get("tool", {}).get("docsite", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{pyproject}: {exc}") from exc
    for key, value in table.items():
        expected = _EXPECTED.get(key)
        if expected is None:
            raise ConfigError(f"[tool.docsite] has an unknown key {key!r}")
        if not isinstance(value, expected):
            raise ConfigError(
                f"[tool.docsite] {key} must be a {getattr(expected, '__name__', expected)}"
            )
    titles = table.get("title", {})
    if not all(isinstance(v, str) for v in titles.values()):
        raise ConfigError("[tool.docsite.title] values must be strings")
    config = SiteConfig(
        root=root,
        content_dir=(root / table.get("content_dir", "content")).resolve(),
        languages=tuple(table.get("languages", ["en", "zh"])),
        default_language=table.get("default_language", "en"),
        titles=dict(titles),
        language_settings={
            str(code): dict(settings) if isinstance(settings, dict) else settings
            for code, settings in table.get("language", {}).items()
        },
        theme=table.get("theme", "default"),
        themes_dir=(root / table.get("themes_dir", "themes")).resolve(),
        base_url=table.get("base_url", "/"),
        repo_url=table.get("repo_url", ""),
        edit_branch=table.get("edit_branch", "main"),
        cache_dir=(root / table.get("cache_dir", ".cache")).resolve(),
        nav_expand_limit=table.get("nav_expand_limit", 300),
        plugins=tuple(str(name) for name in table.get("plugins", [])),
    )
    _validate(config)
    return config.with_options(**overrides)
