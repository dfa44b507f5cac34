"""Themes: a chain of theme folders (child first), Jinja2 environments and UI translations.

A theme folder holds `templates/`, `static/`, `translations/<lang>/LC_MESSAGES/messages.po`
and an optional `theme.toml` naming its `parent`. Whatever a theme does not provide is
looked up in its parent, then in the parent's parent. A template that replaces one of its
parent's may extend it by the parent's name: `{% extends "default:base.html" %}`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import sys
import threading
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from docsite.codedigest import code_digest
from docsite.config import SiteConfig
from docsite.errors import ConfigError
from docsite.safepaths import is_regular_file

if TYPE_CHECKING:  # Jinja2 and Babel are imported when a template or a catalog is first used:
    # a build that carries every page over uses neither
    from babel.support import NullTranslations
    from jinja2 import Environment, FileSystemBytecodeCache

MAX_THEME_DEPTH = 8
# The Content-Security-Policy every page satisfies. Scripts come from the site itself, plus the
# theme's inline scripts, each allowed by the hash of its text (no 'unsafe-inline' scripts).
# Inline styles stay allowed: authors may write `style=` in the HTML of their pages.
CSP_TEMPLATE = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
# Header-only directives (a <meta> policy ignores them).
CSP_HEADER_EXTRA = "; frame-ancestors 'self'"


def theme_chain(theme_dirs: Sequence[Path], name: str) -> list[Path]:
    """The theme folders to search, the named theme first, then its parents.

    A name is looked up in each of `theme_dirs` in turn (a project's own themes, then the
    packaged ones). A theme may name a parent of its own name: the project's `default`
    with `parent = "default"` builds on the packaged `default`.
    """
    chain: list[Path] = []
    current: str | None = name
    while current is not None:
        if len(chain) >= MAX_THEME_DEPTH:
            raise ConfigError(f"theme {name!r} has a cycle or is nested too deep in its parents")
        found = [d / current for d in theme_dirs if (d / current).is_dir()]
        if not found:
            searched = " or ".join(str(d) for d in theme_dirs) or "no themes folder"
            raise ConfigError(f"theme {current!r} not found in {searched}")
        folder = next((f for f in found if f not in chain), None)
        if folder is None:
            raise ConfigError(f"theme {name!r} has a cycle or is nested too deep in its parents")
        chain.append(folder)
        current = _parent_of(folder)
    return chain


def _parent_of(folder: Path) -> str | None:
    """The `parent` named in a theme's theme.toml, if any."""
    manifest = folder / "theme.toml"
    if not manifest.is_file():
        return None
    try:
        parent = tomllib.loads(manifest.read_text("utf-8")).get("parent")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{manifest}: {exc}") from exc
    if parent is not None and not isinstance(parent, str):
        raise ConfigError(f"{manifest}: 'parent' must be a theme name")
    return parent


def load_translations(chain: list[Path], lang: str, locale: str) -> NullTranslations:
    """UI translations for a language, merged over the chain (the child's messages win)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    merged: NullTranslations | None = None
    for folder in reversed(chain):
        po = folder / "translations" / lang / "LC_MESSAGES" / "messages.po"
        if not po.is_file():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        translations = Translations(fp=buf)
        if merged is None or not isinstance(merged, Translations):
            merged = translations
        else:
            merged.merge(translations)
    return merged or NullTranslations()


class Theme:
    """The active theme: templates, static files and translated UI strings per language."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.chain = theme_chain(config.theme_dirs, config.theme)
        self._envs: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}  # loaded when first used
        self._fingerprints: dict[Path, tuple[float, str]] = {}
        self._lock = threading.Lock()
        catalogs = sorted(p for d in self.chain for p in (d / "translations").rglob("*.po"))
        blob = b"".join(p.read_bytes() for p in catalogs)
        self.translations_digest = hashlib.sha256(blob).hexdigest()[:12]
        self.inline_scripts = _inline_scripts(self.chain)
        hashes = sorted({_csp_hash(text) for text in self.inline_scripts.values()})
        self.csp = CSP_TEMPLATE.format(hashes="".join(" " + h for h in hashes))

    def inline_script(self, name: str) -> Markup:
        """The text of a theme's inline script (`templates/**/*.js`), as the CSP hashed it."""
        try:
            return Markup(self.inline_scripts[name])
        except KeyError:
            raise ConfigError(
                f"inline script {name!r} not found in the templates of theme {self.config.theme!r}"
            ) from None

    def gettext(self, lang: str) -> Callable[[str], str]:
        """The UI strings' translation into a language (its catalog read when a string is
        first translated)."""
        found = self._translations.get(lang)
        if found is not None:
            return found.gettext
        return lambda message: self.translations(lang).gettext(message)

    def translations(self, lang: str) -> NullTranslations:
        """A language's UI catalogs, merged over the theme chain (none for a language the
        site does not have: the text as written)."""
        found = self._translations.get(lang)
        if found is None:
            if lang in self.config.languages:
                found = load_translations(self.chain, lang, self.config.language(lang).locale)
            else:
                found = load_translations([], lang, "")
            found = self._translations.setdefault(lang, found)
        return found

    def env(self, lang: str) -> Environment:
        with self._lock:
            env = self._envs.get(lang)
            if env is None:
                from jinja2 import (
                    ChoiceLoader,
                    Environment,
                    FileSystemLoader,
                    PrefixLoader,
                    StrictUndefined,
                    select_autoescape,
                )

                loaders = [FileSystemLoader(str(d / "templates")) for d in self.chain]
                # By name, the last of the chain wins: a project's `default` that extends
                # "default:base.html" extends the packaged default's.
                named = {d.name: loader for d, loader in zip(self.chain, loaders, strict=True)}
                env = Environment(
                    # "page.html" is the first theme's that has one; "default:page.html" is
                    # that theme's own, which a child theme's page.html may extend.
                    loader=ChoiceLoader([*loaders, PrefixLoader(named, delimiter=":")]),
                    bytecode_cache=self._bytecode_cache(),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
                    undefined=StrictUndefined,
                    trim_blocks=True,
                    lstrip_blocks=True,
                )
                env.install_gettext_translations(self.translations(lang), newstyle=True)  # type: ignore[attr-defined]
                env.globals["inline_script"] = self.inline_script
                env.filters["word_breaks"] = word_breaks
                env.filters["format_date"] = lambda value, fmt="long": self.format_date(
                    value, lang, fmt
                )
                self._envs[lang] = env
            return env

    def _bytecode_cache(self) -> FileSystemBytecodeCache | None:
        """Compiled templates kept in the cache (Jinja checks each against its source); the
        folder is named after this module, which sets the environment's options."""
        from jinja2 import FileSystemBytecodeCache

        if not self.config.cache_dir:
            return None
        folder = self.config.cache_dir / "jinja" / code_digest(sys.modules[__name__])
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None  # a cache that cannot be written only costs speed
        return FileSystemBytecodeCache(str(folder))

    def format_date(self, value: dt.date | dt.datetime, lang: str, fmt: str = "long") -> str:
        from babel.dates import format_date

        day = value.date() if isinstance(value, dt.datetime) else value
        return format_date(day, format=fmt, locale=self.config.language(lang).locale)

    def find_static(self, name: str) -> Path | None:
        """The file behind a static name, from the first theme in the chain that has it."""
        parts = Path(name).parts
        if not parts or any(p in ("..", "") or p.startswith(".") for p in parts):
            return None
        for folder in self.chain:
            candidate = folder / "static" / name
            if is_regular_file(candidate):
                return candidate
        return None

    def static_names(self) -> list[str]:
        names: set[str] = set()
        for folder in self.chain:
            root = folder / "static"
            if root.is_dir():
                names.update(
                    p.relative_to(root).as_posix()
                    for p in root.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(root).parts)
                )
        return sorted(names)

    def fingerprint(self, file: Path) -> str:
        """A short content hash of a static file, recomputed only when the file changes."""
        mtime = file.stat().st_mtime
        with self._lock:
            known = self._fingerprints.get(file)
        if known and known[0] == mtime:
            return known[1]
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:10]
        with self._lock:
            self._fingerprints[file] = (mtime, digest)
        return digest


_PART_END_RE = re.compile(r"(?<=[^\W_][._/])(?=[^\W_])")


def word_breaks(text: str) -> Markup:
    """Text (escaped) with a line-break opportunity (<wbr>) after each dot, underscore and
    slash that joins two parts of a word, so that a long identifier in a narrow column
    (`Flask.permanent_session_lifetime`) wraps between its parts."""
    return Markup("<wbr>").join(escape(part) for part in _PART_END_RE.split(str(text)))


def _inline_scripts(chain: list[Path]) -> dict[str, str]:
    """Each `templates/**/*.js` of the chain by name (the child's wins), trimmed."""
    scripts: dict[str, str] = {}
    for folder in reversed(chain):
        root = folder / "templates"
        for file in sorted(root.rglob("*.js")) if root.is_dir() else ():
            scripts[file.relative_to(root).as_posix()] = file.read_text("utf-8").strip()
    return scripts


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
