"""Page -> Rendered: a pure function of the source, the config and the link targets, cached.

A cache entry is keyed by the page digest, its path and URL, the UI language, the config
digest and a digest of the code that renders (docsite's own modules and every Markdown
extension a plugin adds), so a change to any of them is a new key, never a stale page.
It also records what each link of the page resolved to; the entry is used only while those
links still resolve the same (the way Lektor tracks what a build artifact depends on), so
adding or moving one page does not re-render all the others.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import keyword
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from docsite import mdcontext, pages, renderfacts, urls
from docsite.cachefile import write_atomically
from docsite.codedigest import code_digest
from docsite.errors import ContentError, Diagnostic
from docsite.lru import LRU
from docsite.mdcontext import LinkRef, RenderContext, TocEntry
from docsite.pages import Page
from docsite.plugins import Registry, keeps_blocks
from docsite.renderfacts import PageFacts

if TYPE_CHECKING:  # a build that renders nothing imports no parser
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MEMORY_ENTRIES = 8192  # rendered bodies kept in memory; the disk cache holds the rest
PARSES_KEPT = 2  # parsed pages kept for their next language (tokens are large: few)
FACTS_KEPT = 1 << 15  # check facts kept in memory (a few hundred bytes each)


@dataclass
class Section:
    """A searchable part of a page: its top (id "") or one h2/h3 with what follows it."""

    id: str
    heading: str
    level: int
    text: str
    code: list[str] = field(default_factory=list)  # identifiers from code in the section


_IDENTIFIER_RE = re.compile(r"@?[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*")


_NOT_IDENTIFIERS = frozenset(keyword.kwlist) | {"self", "cls", "None", "True", "False", "print"}


def _identifiers(code: str) -> list[str]:
    """Names worth finding in code: url_for, app.route, @app.route, MethodView …"""
    return [m for m in _IDENTIFIER_RE.findall(code) if len(m) > 2 and m not in _NOT_IDENTIFIERS]


_OBJECT_PATH_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _object_names(ident: str) -> list[str]:
    """A heading whose id is an object's path (an API reference entry, `flask.Flask.route`)
    is found by that path and by its shorter forms (`Flask.route`)."""
    if not _OBJECT_PATH_RE.match(ident):
        return []
    parts = ident.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def _named(heading: str, ident: str) -> str:
    """An API entry's heading (`before_request`, its id `flask.Flask.before_request`) as a
    reader names the object: with its class or module (`Flask.before_request`)."""
    names = _object_names(ident)
    if len(names) < 2 or names[-1].rpartition(".")[2] != heading:
        return heading
    return names[-1]


def extract_sections(
    tokens: list[Token], title: str, gettext: Callable[[str], str] = str
) -> list[Section]:
    """Split a page into sections at h2/h3, collecting their plain text and code identifiers
    (UI strings in the page, such as admonition titles, in the language of `gettext`)."""
    sections = [Section(id="", heading=title, level=1, text="")]
    texts: list[list[str]] = [[]]
    idents: list[dict[str, None]] = [{}]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            inline = tokens[i + 1]
            heading = "".join(
                c.content for c in inline.children or [] if c.type in ("text", "code_inline")
            ).strip()
            ident = str(token.attrGet("id") or "")
            sections.append(Section(ident, _named(heading, ident), int(token.tag[1]), ""))
            texts.append([])
            idents.append(dict.fromkeys(_object_names(ident)))
            i += 3
            continue
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "ui_text":
                    texts[-1].append(gettext(child.content))
                elif child.type in ("text", "code_inline"):
                    texts[-1].append(child.content)
                    if child.type == "code_inline":
                        idents[-1].update(dict.fromkeys(_identifiers(child.content)))
                elif child.type in ("softbreak", "hardbreak"):
                    texts[-1].append(" ")
            texts[-1].append("\n")
        elif token.type in ("fence", "code_block"):
            idents[-1].update(dict.fromkeys(_identifiers(token.content)))
        elif token.type == "html_block" and token.meta and token.meta.get("text"):
            texts[-1].append(token.meta["text"] + "\n")  # HTML an extension made, as text
        i += 1
    for section, text, names in zip(sections, texts, idents, strict=True):
        section.text = re.sub(r"[ \t]+", " ", "".join(text)).strip()
        section.code = list(names)
    return sections


def _plain(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


@dataclass
class Rendered:
    """The HTML of a page body and what the theme, search and check need to know about it."""

    html: str
    toc: list[TocEntry]
    ids: set[str]
    links: list[LinkRef]
    warnings: list[Diagnostic]
    has_h1: bool
    sections: list[Section] = field(default_factory=list)

    def error(self) -> ContentError | None:
        """The first error rendering found (blocks nested too deep, an unclosed <script>):
        the page would lose text, so the server shows this instead, as a build reports it."""
        for warning in self.warnings:
            if warning.level == "error":
                return ContentError(warning.path, warning.line, warning.message, warning.code)
        return None

    def facts(self) -> PageFacts:
        """What check and objects.inv need of it (renderfacts.py)."""
        ids, headings = frozenset(self.ids), tuple(renderfacts.heading_ids(self.html))
        toc = tuple((entry.id, entry.title) for entry in self.toc)
        return PageFacts(ids, tuple(self.links), tuple(self.warnings), headings, toc)

    def to_json(self) -> dict[str, Any]:
        """As `dataclasses.asdict` gives it (every part is one level of plain values), without
        its deep copies, which cost more than the JSON."""
        return {
            "html": self.html,
            "toc": [_plain(t) for t in self.toc],
            "ids": sorted(self.ids),
            "links": [_plain(link) for link in self.links],
            "warnings": [_plain(w) for w in self.warnings],
            "has_h1": self.has_h1,
            "sections": [_plain(section) for section in self.sections],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rendered:
        return cls(
            html=data["html"],
            toc=[TocEntry(**t) for t in data["toc"]],
            ids=set(data["ids"]),
            links=[LinkRef(**link) for link in data["links"]],
            warnings=[Diagnostic(**w) for w in data["warnings"]],
            has_h1=data["has_h1"],
            sections=[Section(**section) for section in data.get("sections", [])],
        )


@dataclass
class Parsed:
    """A page's tokens and what parsing found (ids, links, toc, warnings): the same in every
    language; tokens are only read once parsed."""

    tokens: list[Token]
    context: RenderContext
    has_h1: bool


_MARKER_RE = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Marked:
    """A page's HTML with each UI string (`gettext` message) as a marker, "\\x00<n>\\x00": the
    renderer writes every UI string escaped and nothing else of it, so putting each message's
    escaped translation in its marker's place gives the HTML of any language. Page text never
    holds a NUL (the loader rejects it)."""

    html: str
    messages: tuple[str, ...]
    links: dict[str, str | None]  # what the page's link targets resolved to
    diagnostics: tuple[Diagnostic, ...]

    def in_language(self, gettext: Callable[[str], str]) -> str:
        if not self.messages:
            return self.html
        texts = [str(escape(gettext(message))) for message in self.messages]
        return _MARKER_RE.sub(lambda m: texts[int(m[1])], self.html)


def _language_free(_text: str) -> Any:
    raise AssertionError("parsing must not depend on the language: do it when rendering")


class Renderer:
    """Renders pages through the one markdown-it parser, with a memory and a disk cache."""

    def __init__(
        self,
        config_digest: str,
        cache_dir: Path | None,
        ui_digest: str = "",
        plugins: Registry | None = None,
        url_style: str = urls.DIRECTORY,
        scope: str = "",
        keep: bool = True,
    ) -> None:
        """`scope`: whose pages it renders (a content folder, whose facts are kept apart from
        other folders'); without `keep` (a scratch cache) nothing is written into the cache."""
        plugins = plugins or Registry()
        self._extensions = plugins.markdown
        self.config_digest = config_digest
        self.url_style = url_style  # how page links name a page (urls.py)
        self.ui_digest = ui_digest  # of the UI translations (admonition titles are rendered)
        self.code_digest = code_digest(
            "docsite.markdown",  # named: the parser is imported when a page is first parsed
            "docsite.mdchecks",
            mdcontext,
            "docsite.highlight",
            pages,
            urls,
            renderfacts,
            sys.modules[__name__],
        )
        self.code_digest += plugins.markdown_digest()
        self.cache_dir = cache_dir / "render" if cache_dir else None
        self._keep = keep
        self._memory: LRU[str, tuple[dict[str, str | None], Rendered]] = LRU(MEMORY_ENTRIES)
        self._parses: LRU[tuple[str, str, str], Parsed] = LRU(PARSES_KEPT)
        self._facts: LRU[str, tuple[renderfacts.Deps, renderfacts.PageFacts]] = LRU(FACTS_KEPT)
        self._pack = renderfacts.FactsPack(self.cache_dir, self.code_digest, scope)
        self._markeds: LRU[tuple[str, str, str], Marked] = LRU(PARSES_KEPT)
        # every extension writes UI strings as they are: one rendering serves all languages
        self.plain = all(extension.ui_strings_verbatim for extension in plugins.markdown)

    @cached_property
    def md(self) -> MarkdownIt:
        """The parser, made when the first page is parsed: a build that renders nothing
        imports neither markdown-it nor any extension's renderer."""
        from docsite.markdown import create_markdown

        return create_markdown(self._extensions)

    def key(self, page: Page, ui_lang: str, extra_digest: str = "") -> str:
        """The cache key of a page's rendering in a UI language; `extra_digest` is that of
        what else the page depends on (the API reference's inventory and catalogs)."""
        parts = (
            self.code_digest,
            self.config_digest,
            self.ui_digest,
            self.url_style,
            ui_lang,
            page.lang,
            page.path,
            page.url,
            page.digest,
            extra_digest,
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def limit_memory(self, entries: int) -> None:
        """Keep at most this many renderings in memory (the disk cache keeps every one)."""
        self._memory.size = entries

    def is_cached(self, key: str) -> bool:
        """Whether the rendering with this key is in memory or on disk (its links aside)."""
        return self._lookup(key) is not None

    def cached(self, key: str) -> tuple[dict[str, str | None], Rendered] | None:
        return self._memory.get(key)

    def adopt(self, key: str, cached: tuple[dict[str, str | None], Rendered] | None) -> None:
        """Take a rendering made by another process (already in the shared disk cache)."""
        if cached is not None:
            self._memory.put(key, cached)

    def facts_of(self, key: str) -> renderfacts.Facts | None:
        """The facts of a rendering in memory, with the URLs its links resolved to."""
        cached = self._memory.get(key)
        return None if cached is None else (cached[0], cached[1].facts())

    def adopt_facts(self, key: str, found: renderfacts.Facts) -> None:
        """Take the facts of a rendering made by another process (`facts_of` there)."""
        self._facts.put(key, found)

    def render(
        self,
        page: Page,
        ui_lang: str,
        resolve_page: Callable[[str], str | None],
        gettext: Callable[[str], str],
        extra: tuple[dict[str, Any], str] = ({}, ""),
    ) -> Rendered:
        """A page's rendering; `extra` is more render env and its digest (see `key`)."""
        key = self.key(page, ui_lang, extra[1])
        cached = self._lookup(key)
        if cached is not None:
            deps, rendered = cached
            if renderfacts.still_valid(deps, resolve_page):
                return self._for_file(rendered, str(page.source_file))
        used: dict[str, str | None] = {}

        def tracking_resolve(target: str) -> str | None:
            used[target] = resolve_page(target)
            return used[target]

        rendered = self._for_file(
            self._render(page, tracking_resolve, gettext, extra[0]), str(page.source_file)
        )
        self._store(key, used, rendered)
        return rendered

    def facts(
        self,
        page: Page,
        ui_lang: str,
        resolve_page: Callable[[str], str | None],
        gettext: Callable[[str], str],
        extra: tuple[dict[str, Any], str] = ({}, ""),
    ) -> PageFacts:
        """What check and objects.inv need of a page's rendering, read without its HTML when
        it is cached."""
        key = self.key(page, ui_lang, extra[1])
        found = self._facts.get(key)  # worked out already, here or in a page worker
        if found is None and self.cache_dir is not None and self._memory.get(key) is None:
            found = self._pack.get(key)  # else from the rendering, which holds them
            if found:
                self._facts.put(key, found)  # the check and objects.inv both ask
        if found and renderfacts.still_valid(found[0], resolve_page):
            self._pack.note(key, found)
            return found[1].for_file(str(page.source_file))
        facts = self.render(page, ui_lang, resolve_page, gettext, extra).facts()
        if (cached := self._memory.get(key)) is not None:
            self._pack.note(key, (cached[0], facts))
        return facts

    def keep_facts(self, keys: Iterable[str]) -> None:
        """Keep the facts of these renderings (a built site's pages) in one file for the next
        build (renderfacts.FactsPack)."""
        if self._keep:
            self._pack.keep(keys)

    @staticmethod
    def _for_file(rendered: Rendered, file: str) -> Rendered:
        """The same rendering, its warnings naming `file` (renderfacts.renamed)."""
        warnings = renderfacts.renamed(rendered.warnings, file)
        return rendered if warnings is None else dataclasses.replace(rendered, warnings=warnings)

    def _render(
        self,
        page: Page,
        resolve_page: Callable[[str], str | None],
        gettext: Callable[[str], str],
        extra_env: dict[str, Any],
    ) -> Rendered:
        if extra_env:  # what the extension adds depends on the language: no shared parse
            ctx = self._context(page, resolve_page, gettext)
            env = {"docsite": ctx, **extra_env}
            tokens = self.md.parse(page.body, env)
            has_h1 = bool(tokens) and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
            parsed = Parsed(tokens, ctx, has_h1)
            html = self.md.renderer.render(parsed.tokens, self.md.options, env)
            diagnostics: list[Diagnostic] = []  # the parse's context holds them all
        else:
            parsed = self._parse(page)
            html, diagnostics = self._html(page, parsed, resolve_page, gettext)
        return Rendered(
            html=html,
            toc=list(parsed.context.toc),
            ids=set(parsed.context.ids),
            links=list(parsed.context.links),
            warnings=[*parsed.context.diagnostics, *diagnostics],
            has_h1=parsed.has_h1,
            sections=extract_sections(parsed.tokens, page.title, gettext),
        )

    def _html(
        self,
        page: Page,
        parsed: Parsed,
        resolve_page: Callable[[str], str | None],
        gettext: Callable[[str], str],
    ) -> tuple[str, list[Diagnostic]]:
        """The HTML of a shared parse in one language, and what rendering it found."""
        marked = self._marked(page, parsed, resolve_page)
        if marked is not None:
            return marked.in_language(gettext), list(marked.diagnostics)
        ctx = self._context(page, resolve_page, gettext)
        html = self.md.renderer.render(parsed.tokens, self.md.options, {"docsite": ctx})
        return html, ctx.diagnostics

    def _context(
        self, page: Page, resolve_page: Callable[[str], str | None], gettext: Callable[[str], str]
    ) -> RenderContext:
        """What the parser's plugins are told about the page, and collect about it."""
        return RenderContext(
            file=str(page.source_file),
            page_path=page.path,
            page_url=page.url,
            line_offset=page.body_line,
            resolve_page=resolve_page,
            gettext=gettext,
            url_style=self.url_style,
        )

    def _marked(
        self, page: Page, parsed: Parsed, resolve_page: Callable[[str], str | None]
    ) -> Marked | None:
        """The page's HTML with its UI strings left as markers, made once for every language
        whose links resolve the same (a page and its fallback copies); None when a plugin's
        Markdown extension could use the UI strings in other ways than writing them out."""
        if not self.plain:
            return None
        key = (page.digest, page.path, page.url)
        marked = self._markeds.get(key)
        if marked is not None and all(resolve_page(t) == u for t, u in marked.links.items()):
            return marked
        messages: dict[str, int] = {}
        links: dict[str, str | None] = {}

        def mark(message: str) -> str:
            return f"\x00{messages.setdefault(message, len(messages))}\x00"

        def tracking(target: str) -> str | None:
            links[target] = resolve_page(target)
            return links[target]

        ctx = self._context(page, tracking, mark)
        html = self.md.renderer.render(parsed.tokens, self.md.options, {"docsite": ctx})
        marked = Marked(html, tuple(messages), links, tuple(ctx.diagnostics))
        self._markeds.put(key, marked)
        return marked

    def _parse(self, page: Page) -> Parsed:
        """The tokens of a page, parsed once for every language it is rendered in (a page and
        its fallbacks, or a translation that is a copy): what depends on the language, links
        to pages and UI strings, is decided when rendering."""
        key = (page.digest, page.path, page.url)
        parsed = self._parses.get(key)
        if parsed is None:
            ctx = self._context(page, _language_free, _language_free)
            tokens = self.md.parse(page.body, {"docsite": ctx})
            has_h1 = bool(tokens) and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
            parsed = Parsed(tokens, ctx, has_h1)
            self._parses.put(key, parsed)
            if keeps_blocks(self._extensions, page.body):  # the Markdown copy's lines too
                from docsite.mdscan import note_parse

                note_parse(page.body, tokens)
        return parsed

    def _lookup(self, key: str) -> tuple[dict[str, str | None], Rendered] | None:
        hit = self._memory.get(key)
        if hit is not None or self.cache_dir is None:
            return hit
        file = self.cache_dir / key[:2] / f"{key}.json"
        try:
            data = json.loads(file.read_text("utf-8"))
            hit = (data["deps"], Rendered.from_json(data["rendered"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._memory.put(key, hit)
        return hit

    def _store(self, key: str, deps: dict[str, str | None], rendered: Rendered) -> None:
        self._memory.put(key, (deps, rendered))
        if self.cache_dir is None or not self._keep:
            return
        payload = json.dumps({"deps": deps, "rendered": rendered.to_json()}, ensure_ascii=False)
        write_atomically(self.cache_dir / key[:2] / f"{key}.json", payload.encode())
