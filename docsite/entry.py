"""Entry: a page as it is served in one language."""

from __future__ import annotations

from dataclasses import dataclass

from docsite import urls
from docsite.pages import Page


@dataclass(frozen=True)
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
        return urls.page(self.lang, self.page.url)
