"""docsite: the bilingual Flask documentation site generator and doc server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docsite.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the command line's `check` never loads Flask or the search engine.
    if name == "create_app":
        from docsite.app import create_app

        return create_app
    raise AttributeError(f"module 'docsite' has no attribute {name!r}")
