"""The API model of a package, kept on disk: read with griffe (loader.py) only when the
packages, griffe, or the code that reads them changed.

The model is keyed by the versions of the packages read, of griffe, and a digest of the
loader's and the model's source, so that upgrading any of them reloads it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import docsite.apiref.model as model_module
from docsite.apiref.model import ApiModel
from docsite.cachefile import write_atomically

PACKAGE = "flask"  # the package the API reference documents
# Packages whose classes Flask's classes inherit from: read so that inherited members show.
BASE_PACKAGES = ("werkzeug", "click", "jinja2")
MODEL_FILE = Path(model_module.__file__ or "")


def installed_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "0"


def cache_key(package: str, base_packages: Sequence[str] = BASE_PACKAGES) -> str:
    """What the model depends on: package versions, griffe's version, our loader's code."""
    digest = hashlib.sha256()
    for name in (package, *base_packages, "griffe"):
        digest.update(f"{name}={installed_version(name)}\0".encode())
    for source in (Path(__file__), Path(__file__).with_name("loader.py"), MODEL_FILE):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:20]


def load_model(
    package: str = "flask",
    cache_dir: Path | None = None,
    search_paths: Sequence[Path] | None = None,
    base_packages: Sequence[str] = BASE_PACKAGES,
) -> ApiModel:
    """The API of an installed (or, with search_paths, any) package, from the cache if it has it.

    A package read from search_paths is never cached: its source may change at any time.
    """
    key = cache_key(package, base_packages)
    file = cache_dir / "apiref" / f"{package}-{key}.pickle" if cache_dir else None
    if file is not None and search_paths is None:
        cached = _read_cache(file)
        if cached is not None:
            return cached
    from docsite.apiref.loader import read_package  # griffe: only when read anew

    versions = {name: installed_version(name) for name in (package, *base_packages)}
    model = read_package(package, search_paths, base_packages, versions, key)
    if file is not None and search_paths is None:
        _write_cache(file, model)
    return model


def _read_cache(file: Path) -> ApiModel | None:
    try:
        with file.open("rb") as fh:
            model = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return model if isinstance(model, ApiModel) else None


def _write_cache(file: Path, model: ApiModel) -> None:
    write_atomically(file, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
