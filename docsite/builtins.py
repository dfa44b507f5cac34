"""The plugins docsite itself brings, registered through the same seam as any other."""

from __future__ import annotations

from functools import lru_cache

from docsite.apiref.register import register as register_apiref
from docsite.plugins import Registry, load_plugins

BUILTINS = (("built-in plugin 'apiref'", register_apiref),)


@lru_cache(maxsize=8)
def plugins_for(names: tuple[str, ...]) -> Registry:
    """The registry for a configuration's plugins (built-ins first), made once per process."""
    return load_plugins(names, builtins=BUILTINS)
