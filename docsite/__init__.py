"""docsite: the bilingual Flask documentation site generator and doc server."""

from docsite.web import create_app

__all__ = ["create_app"]
