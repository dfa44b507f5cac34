"""What the lines of a Markdown body are, as the one docsite parser sees them: its code
blocks, its headings' lines and ids, its raw HTML. For the tools that read or rewrite page
text without rendering it (check, the Markdown copies of docsite.llms, the content tests)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from docsite.markdown import create_markdown
from docsite.mdcontext import RenderContext, walk_tokens


@dataclass
class CodeBlock:
    """A fenced code block of a page, as the parser sees it."""

    info: str
    code: str
    line: int  # 1-based line of the opening fence in the body


def _alone() -> dict[str, RenderContext]:
    """The env of a body parsed on its own: links resolve to nothing, body line 1 first."""
    ctx = RenderContext(
        file="",
        page_path="page.md",
        page_url="page/",
        line_offset=1,
        resolve_page=lambda _path: None,
        gettext=lambda message: message,
    )
    return {"docsite": ctx}


def _parse_alone(body: str) -> list[Token]:
    """The tokens of a Markdown body on its own (links resolve to nothing), body line 1 first."""
    return _parser().parse(body, _alone())


def code_blocks(body: str) -> list[CodeBlock]:
    """Every fenced code block of a Markdown body, parsed by the one docsite parser."""
    return [
        CodeBlock(t.info, t.content, (t.map[0] + 1) if t.map else 0)
        for t in walk_tokens(_parse_alone(body))
        if t.type == "fence"
    ]


def heading_lines(body: str) -> dict[str, int]:
    """The 1-based body line of each heading, by the id the heading gets."""
    return {
        str(t.attrGet("id")): t.map[0] + 1
        for t in _parse_alone(body)
        if t.type == "heading_open" and t.map and t.attrGet("id")
    }


@dataclass
class BodyLines:
    """Where a Markdown body's lines stand, as the one docsite parser sees them (0-based)."""

    code: frozenset[int]  # inside fenced or indented code blocks, the fences included
    headings: frozenset[int]  # headings
    html: frozenset[int]  # raw HTML blocks
    has_h1: bool  # the body starts with a level-1 heading


_BLOCK_KINDS = {
    "fence": "code",
    "code_block": "code",
    "heading_open": "headings",
    "html_block": "html",
}
_NOTED_KEPT = 32
_noted: dict[str, BodyLines] = {}  # bodies the renderer parsed lately (note_parse), by text


def lines_of(tokens: list[Token]) -> BodyLines:
    """Which lines are code, headings and raw HTML in the tokens of a parse of a body: those
    of a whole parse (the renderer's) or of its blocks only (body_lines), alike."""
    kinds: dict[str, set[int]] = {"code": set(), "headings": set(), "html": set()}
    for token in tokens:
        kind = _BLOCK_KINDS.get(token.type)
        if kind and token.map:
            kinds[kind].update(range(token.map[0], token.map[1]))
    has_h1 = bool(tokens) and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    return BodyLines(
        frozenset(kinds["code"]), frozenset(kinds["headings"]), frozenset(kinds["html"]), has_h1
    )


def note_parse(body: str, tokens: list[Token]) -> None:
    """Remember the lines of a body the renderer just parsed whole (with extensions that
    leave its blocks as they are), so that the Markdown copy made next does not parse it
    again."""
    if len(_noted) >= _NOTED_KEPT:
        del _noted[next(iter(_noted))]
    _noted[body] = lines_of(tokens)


def body_lines(body: str) -> BodyLines:
    """Which lines of a body are code, headings and raw HTML (what text tools must not touch,
    or may rewrite), without rendering it: its blocks only, inline content left unparsed."""
    noted = _noted.get(body)
    return noted if noted is not None else _block_lines(body)


@lru_cache(maxsize=256)
def _block_lines(body: str) -> BodyLines:
    return lines_of(_block_parser().parse(body, _alone()))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return create_markdown()


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    """The one parser with its block rules only: where blocks are, not what their text says
    (three times faster than a whole parse)."""
    md = create_markdown()
    md.core.ruler.enableOnly(["normalize", "block"])
    return md
