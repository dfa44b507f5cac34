"""The engine: settings, the loaded model and external inventories, and what one page's
rendering is given (`PageApi`): the engine, the site's inventory, the page's language and
its translations. A page's HTML depends on these only through `PageApi.digest`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from docsite.apiref.catalog import Translations
from docsite.apiref.codeversion import code_digest
from docsite.apiref.facts import DocstringFacts
from docsite.apiref.inventory import ExternalInventory, load_external
from docsite.apiref.model import ApiModel, ApiObject
from docsite.apiref.modelcache import BASE_PACKAGES, PACKAGE, cache_key, load_model
from docsite.apiref.xref import Inventory

ENV_KEY = "apiref"  # where a render env carries the page's PageApi
REPOS = (
    ("flask", "pallets/flask"),
    ("werkzeug", "pallets/werkzeug"),
    ("click", "pallets/click"),
    ("jinja2", "pallets/jinja"),
)


@dataclass(frozen=True)
class ApiSettings:
    package: str = PACKAGE
    # {repo} {version} {file} {start} {end}: the source of an object at the pinned version
    source_url: str = "https://github.com/{repo}/blob/{version}/src/{file}#L{start}-L{end}"
    repos: tuple[tuple[str, str], ...] = REPOS
    issue_url: str = "https://github.com/pallets/flask/issues/{}"
    # (objects.inv file or URL, base URL of those docs) for links to Python, Werkzeug …
    external_inventories: tuple[tuple[str, str], ...] = ()
    # Packages read too, so that members inherited from their classes show.
    base_packages: tuple[str, ...] = BASE_PACKAGES
    # Report docstring references (:meth: …) that resolve nowhere as missing-reference.
    # Off until the whole API is placed on pages: until then many cannot resolve.
    strict_docstring_references: bool = False


class ApiEngine:
    """Loads the model once (from the disk cache when it can) and answers about it."""

    def __init__(
        self,
        settings: ApiSettings | None = None,
        cache_dir: Path | None = None,
        search_paths: tuple[Path, ...] | None = None,
    ) -> None:
        self.settings = settings or ApiSettings()
        self.cache_dir = cache_dir
        self.search_paths = search_paths
        self._lock = threading.Lock()
        self._model: ApiModel | None = None

    @property
    def model(self) -> ApiModel:
        """The model, loaded once even when several threads ask at the same time."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    settings = self.settings
                    self._model = load_model(
                        settings.package, self.cache_dir, self.search_paths, settings.base_packages
                    )
        return self._model

    @cached_property
    def facts(self) -> DocstringFacts:
        """Docstrings' summaries and translation units, kept in the cache folder."""
        return DocstringFacts(self.cache_dir)

    @cached_property
    def external(self) -> ExternalInventory:
        if not self.settings.external_inventories:
            return ExternalInventory()
        return load_external(self.settings.external_inventories)

    @cached_property
    def digest(self) -> str:
        """What rendered API pages depend on: the model, the settings, external inventories
        and this package's code (a change to the plugin re-renders API pages)."""
        # the model's digest is its cache key: known without reading the model, which a site
        # whose pages place no object (but write `][` links) never needs
        model = cache_key(self.settings.package, self.settings.base_packages)
        parts = (model, repr(self.settings), self.external.digest, code_digest())
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]

    def source_url(self, obj: ApiObject) -> str | None:
        """The object's source on GitHub at the installed version, or None."""
        repo = dict(self.settings.repos).get(obj.package)
        version = self.model.versions.get(obj.package)
        if not repo or not version or not obj.file or not obj.lineno:
            return None
        return self.settings.source_url.format(
            repo=repo, version=version, file=obj.file, start=obj.lineno, end=obj.endlineno
        )

    def source_code(self, obj: ApiObject) -> str | None:
        """The object's source lines, read from the installed package."""
        root = self._package_parent(obj.package)
        if root is None or not obj.file or not obj.lineno:
            return None
        try:
            lines = (root / obj.file).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        return "\n".join(lines[obj.lineno - 1 : obj.endlineno])

    def _package_parent(self, package: str) -> Path | None:
        for folder in self.search_paths or ():
            if (folder / package).is_dir() or (folder / f"{package}.py").is_file():
                return folder
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            return None
        origin = Path(spec.origin)
        return origin.parent.parent if origin.name == "__init__.py" else origin.parent


@dataclass(frozen=True)
class PageApi:
    """Everything the API plugin needs to render one page, beyond the RenderContext."""

    engine: ApiEngine
    inventory: Inventory = field(default_factory=Inventory)
    lang: str = "en"
    translations: Translations | None = None  # None: the page is in the source language

    @property
    def digest(self) -> str:
        parts = (
            self.engine.digest,
            self.inventory.digest,
            self.lang,
            "-" if self.translations is None else self.translations.digest or "empty",
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


_default: list[ApiEngine] = []
_default_lock = threading.Lock()


def default_engine() -> ApiEngine:
    """The engine used when a render env carries no PageApi (tests, one-off parses)."""
    with _default_lock:
        if not _default:
            _default.append(ApiEngine())
        return _default[0]
