"""What the Markdown plugins share: the page being rendered, and what they report about it.

The parser's plugins read a `RenderContext` from the render env under the key "docsite".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docsite import urls
from docsite.errors import Diagnostic, Level
from docsite.i18n import N_

if TYPE_CHECKING:  # a build that renders nothing imports no parser
    from markdown_it.token import Token
    from markdown_it.utils import EnvType

__all__ = ["N_", "LinkRef", "RenderContext", "TocEntry", "context_of", "walk_tokens"]


@dataclass
class LinkRef:
    """A link found in a page: to another source page (`target` path), a file or a web URL."""

    target: str  # source path below content/<lang>/ ("" for a fragment-only link), or a URL
    fragment: str
    line: int
    kind: str  # "page", "file", "anchor", "external" (an http(s) URL, as written)


@dataclass
class TocEntry:
    level: int
    id: str
    title: str


@dataclass
class RenderContext:
    """What the plugins need to know about the page being rendered, and what they report."""

    file: str  # the source file, for messages
    page_path: str  # the page's path below content/<lang>/
    page_url: str  # the page's URL below /<lang>/
    line_offset: int  # body line 1 is this line of the file
    resolve_page: Callable[[str], str | None]  # source path -> URL below /<lang>/, or None
    gettext: Callable[[str], str]
    url_style: str = urls.DIRECTORY  # how links name a page (urls.py)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def warn(
        self,
        token_or_line: Token | int | None,
        message: str,
        code: str,
        level: Level = "warning",
    ) -> None:
        line = self.line_of(token_or_line)
        self.diagnostics.append(Diagnostic(self.file, line, message, level, code=code))

    def line_of(self, token_or_line: Token | int | None) -> int:
        if isinstance(token_or_line, int):
            return token_or_line
        if token_or_line is not None and token_or_line.map:
            return token_or_line.map[0] + self.line_offset
        return self.line_offset


def context_of(env: EnvType) -> RenderContext:
    ctx = env.get("docsite")
    if not isinstance(ctx, RenderContext):
        raise TypeError("render env must carry a RenderContext under 'docsite'")
    return ctx


def walk_tokens(tokens: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        if token.children:
            out.extend(walk_tokens(token.children))
    return out
