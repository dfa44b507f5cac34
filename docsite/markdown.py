"""The markdown-it-py parser and the plugins docsite adds to it.

Every extension works on tokens (core rules and render rules), never on the output HTML.
The plugins read a `RenderContext` from the render env under the key "docsite".
"""

from __future__ import annotations

import copy
import posixpath
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import escape
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from docsite.highlight import highlight_code, is_known_language, parse_fence_info
from docsite.mdchecks import nesting_limit, unclosed_html, unsupported_syntax
from docsite.mdcontext import N_, LinkRef, RenderContext, TocEntry, walk_tokens
from docsite.mdcontext import context_of as _ctx
from docsite.plugins import MarkdownExtension
from docsite.urls import relative_url

_HEADING_ATTRS_RE = re.compile(r"\s*\{\s*([#.][^{}]*?)\s*\}\s*$")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


ADMONITION_TITLES = {
    # Default titles of admonitions written without one, as UI strings (see translations).
    "note": N_("Note"),
    "info": N_("Info"),
    "tip": N_("Tip"),
    "hint": N_("Hint"),
    "important": N_("Important"),
    "warning": N_("Warning"),
    "caution": N_("Caution"),
    "danger": N_("Danger"),
    "error": N_("Error"),
    "example": N_("Example"),
    "check": N_("Check"),
    "success": N_("Success"),
    "question": N_("Question"),
    "abstract": N_("Summary"),
    "seealso": N_("See also"),
    "details": N_("Details"),
    "attention": N_("Attention"),
}


def slugify(text: str) -> str:
    """A heading id from its text: lower case, word characters of any script, hyphens."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def _inline_text(token: Token) -> str:
    """Plain text of an inline token (text and code spans, no markup)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


# --- core rules ---------------------------------------------------------------------------


def heading_attributes(state: StateCore) -> None:
    """Take `{#id .class}` (or MkDocs' `{ #id }`) off the end of headings, before inline parsing."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        match = _HEADING_ATTRS_RE.search(inline.content)
        if not match:
            continue
        inline.content = inline.content[: match.start()]
        for part in match.group(1).split():
            if part.startswith("#") and len(part) > 1:
                token.meta["explicit_id"] = part[1:]
            elif part.startswith(".") and len(part) > 1:
                token.attrJoin("class", part[1:])


def heading_ids(state: StateCore) -> None:
    """Give every heading a unique id (explicit wins, else a slug) and collect the TOC."""
    ctx = _ctx(state.env)
    used: dict[str, int] = {}
    explicit = {
        t.meta["explicit_id"]
        for t in state.tokens
        if t.type == "heading_open" and "explicit_id" in t.meta
    }
    suffixes: dict[str, int] = {}  # the next number to try after a slug (ids only grow)
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        text = _inline_text(state.tokens[i + 1])
        wanted = token.meta.get("explicit_id")
        if wanted:
            if wanted in used:
                ctx.warn(token, f"duplicate heading id '{wanted}'", "duplicate-id")
            ident = wanted
        else:
            base = slugify(text) or "section"
            ident = base
            if ident in used or ident in explicit:
                n = suffixes.get(base, 1)
                while (ident := f"{base}-{n}") in used or ident in explicit:
                    n += 1
                suffixes[base] = n + 1
        used[ident] = used.get(ident, 0) + 1
        token.attrSet("id", ident)
        close = _matching_close(state.tokens, i)
        close.meta["id"] = ident
        ctx.ids.add(ident)
        level = int(token.tag[1])
        if level in (2, 3):
            ctx.toc.append(TocEntry(level, ident, text))


def _matching_close(tokens: list[Token], start: int) -> Token:
    for i in range(start + 1, len(tokens)):  # (a slice would copy the rest of the page)
        if tokens[i].type == "heading_close":
            return tokens[i]
    raise ValueError("heading without close")


def footnote_ids(state: StateCore) -> None:
    """Record the ids footnotes create, so #fn1 links are known anchors."""
    ctx = _ctx(state.env)
    for token in state.tokens:
        if token.type == "footnote_open":
            ctx.ids.add(f"fn{token.meta['id'] + 1}")
    for token in walk_tokens(state.tokens):
        if token.type == "footnote_ref":
            ctx.ids.add(f"fnref{token.meta['id'] + 1}")


@dataclass(frozen=True)
class PageLink:
    """A link to another page (on a link_open token's meta), resolved when the page is rendered:
    the same parse serves every language, whose pages may be at other URLs."""

    target: str  # the page's source path below content/<lang>/
    fragment: str  # as written

    def href(self, ctx: RenderContext) -> str | None:
        url = ctx.resolve_page(self.target)
        if url is None:
            return None
        rel = relative_url(ctx.page_url, url, ctx.url_style)
        return rel + (f"#{self.fragment}" if self.fragment else "")


def rewrite_links(state: StateCore) -> None:
    """Relative links to `.md` files become relative URLs of the target page (when rendered);
    links to files become relative to the page's URL; every link is recorded."""
    ctx = _ctx(state.env)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for child in block.children:
            if child.type == "link_open":
                attr = "href"
            elif child.type == "image":
                attr = "src"
            else:
                continue
            value = child.attrGet(attr)
            if not isinstance(value, str):
                continue
            new = _rewrite(ctx, value, ctx.line_of(block), attr == "src")
            if isinstance(new, PageLink):
                child.meta["page_link"] = new
            elif new is not None:
                child.attrSet(attr, new)
    # ids that authors write in raw HTML are anchors too
    for token in walk_tokens(state.tokens):
        if token.type in ("html_block", "html_inline"):
            for match in re.finditer(r"""\bid\s*=\s*["']([^"']+)["']""", token.content):
                ctx.ids.add(match.group(1))


def _rewrite(ctx: RenderContext, href: str, line: int, is_image: bool) -> str | PageLink | None:
    if href[:8].lower().startswith(("http://", "https://")):
        ctx.links.append(LinkRef(href, "", line, "external"))
        return None
    if not href or href.startswith(("/", "//")) or _SCHEME_RE.match(href):
        return None
    parts = urlsplit(href)
    fragment = unquote(parts.fragment)
    if not parts.path:
        ctx.links.append(LinkRef("", fragment, line, "anchor"))
        return None
    base = posixpath.dirname(ctx.page_path)
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        ctx.warn(line, f"link '{href}' points outside the content folder", "link-outside")
        return None
    if target.endswith(".md") and not is_image:
        target = unicodedata.normalize("NFC", target)  # as pages are known (pages.page_path)
        ctx.links.append(LinkRef(target, fragment, line, "page"))
        return PageLink(target, parts.fragment)
    ctx.links.append(LinkRef(target, fragment, line, "file"))
    return relative_url(ctx.page_url, target) + (f"#{parts.fragment}" if parts.fragment else "")


def admonition_titles(state: StateCore) -> None:
    """Admonitions written without a title get the default title of their kind, translated
    when the page is rendered (a `ui_text` token)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "admonition_open":
            continue
        params = token.info.strip()
        if " " in params:  # an explicit title was given
            continue
        kind = token.meta.get("tag", "")
        title = ADMONITION_TITLES.get(kind, kind.title() or "Note")
        if i + 2 < len(tokens) and tokens[i + 1].type == "admonition_title_open":
            inline = tokens[i + 2]
            inline.content = title
            inline.children = [ui_text_token(title)]


def ui_text_token(message: str) -> Token:
    """A UI string in the page (its English text), translated when the page is rendered."""
    token = Token("ui_text", "", 0)
    token.content = message
    return token


_CJK = (
    r"\u2e80-\u2eff\u2f00-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_CJK_END_RE = re.compile(f"[{_CJK}]$")
_CJK_START_RE = re.compile(f"^[{_CJK}]")


def cjk_breaks(state: StateCore) -> None:
    """A line break between two CJK characters joins them: no stray space in Chinese text."""
    for block in state.tokens:
        children = block.children if block.type == "inline" else None
        if not children:
            continue
        for i in range(1, len(children) - 1):
            token = children[i]
            if token.type != "softbreak":
                continue
            before, after = children[i - 1], children[i + 1]
            if (
                before.type == "text"
                and after.type == "text"
                and _CJK_END_RE.search(before.content)
                and _CJK_START_RE.match(after.content)
            ):
                token.type = "text"
                token.content = ""


# --- render rules -------------------------------------------------------------------------


def render_fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ctx = _ctx(env)
    fence = parse_fence_info(token.info)
    if not is_known_language(fence.language):
        ctx.warn(
            token,
            f"unknown code language '{fence.language}'; shown as plain text",
            "unknown-language",
        )
    body = highlight_code(token.content, fence)
    lang = escape(fence.language or "text")
    title = f'<div class="code-title">{escape(fence.title)}</div>' if fence.title else ""
    return f'<div class="codeblock" data-lang="{lang}">{title}{body}</div>\n'


def render_link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A link to a page gets its URL in the language being rendered (tokens stay as parsed)."""
    token = tokens[idx]
    link = token.meta.get("page_link")
    href = link.href(_ctx(env)) if isinstance(link, PageLink) else None
    if href is None:
        return self.renderToken(tokens, idx, options, env)
    resolved = copy.copy(token)
    resolved.attrs = {**token.attrs, "href": href}
    return self.renderToken([resolved], 0, options, env)


def render_ui_text(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(escape(_ctx(env).gettext(tokens[idx].content)))


def render_code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Indented code blocks: plain, with the same frame as fences."""
    content = escape(tokens[idx].content)
    pre = f'<pre class="highlight"><code>{content}</code></pre>'
    return f'<div class="codeblock" data-lang="text">{pre}</div>\n'


def render_heading_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ident = token.meta.get("id")
    if not ident:
        return f"</{token.tag}>\n"
    label = escape(_ctx(env).gettext("Permalink to this section"))
    return (
        f'<a class="headerlink" href="#{escape(ident)}" aria-label="{label}" title="{label}">#</a>'
        f"</{token.tag}>\n"
    )


def render_blocks_container(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """MkDocs/pymdown `/// kind | Title` blocks: admonitions, details, tabs."""
    token = tokens[idx]
    if token.nesting == -1:
        return str(token.meta.get("close", "</div>\n"))
    kind, _, title = token.info.strip().partition("|")
    kind = kind.strip().lower() or "note"
    title = title.strip()
    # the opening token's partner closes with the right tag
    depth = 0
    for i in range(idx, len(tokens)):  # (a slice would copy the rest of the page)
        other = tokens[i]
        if other.type == "container_blocks_open":
            depth += 1
        elif other.type == "container_blocks_close":
            depth -= 1
            if depth == 0:
                other.meta["close"] = "</details>\n" if kind == "details" else "</div>\n"
                break
    ctx = _ctx(env)
    if kind == "details":
        summary = escape(title or ctx.gettext("Details"))
        return f'<details class="admonition"><summary>{summary}</summary>\n'
    if kind == "tab":
        return f'<div class="tab"><p class="tab-title">{escape(title)}</p>\n'
    heading = escape(title or ctx.gettext(ADMONITION_TITLES.get(kind, kind.title())))
    return f'<div class="admonition {escape(kind)}"><p class="admonition-title">{heading}</p>\n'


def _validate_blocks(params: str, *args: Any) -> bool:
    return bool(re.match(r"^\s*[A-Za-z][\w-]*\s*(\|.*)?$", params))


def create_markdown(extensions: Sequence[MarkdownExtension] = ()) -> MarkdownIt:
    """The one parser every page goes through, with the plugins' extensions after ours."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    md.use(admon_plugin)
    md.use(attrs_plugin)
    md.use(container_plugin, name="blocks", marker="/", validate=_validate_blocks)
    md.core.ruler.before("inline", "heading_attributes", heading_attributes)
    md.core.ruler.push("heading_ids", heading_ids)
    md.core.ruler.push("footnote_ids", footnote_ids)
    md.core.ruler.push("rewrite_links", rewrite_links)
    md.core.ruler.push("admonition_titles", admonition_titles)
    md.core.ruler.push("unsupported_syntax", unsupported_syntax)
    md.core.ruler.push("cjk_breaks", cjk_breaks)
    md.core.ruler.push("nesting_limit", nesting_limit)
    md.core.ruler.push("unclosed_html", unclosed_html)
    md.add_render_rule("fence", render_fence)
    md.add_render_rule("code_block", render_code_block)
    md.add_render_rule("heading_close", render_heading_close)
    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("ui_text", render_ui_text)
    md.add_render_rule("container_blocks_open", render_blocks_container)
    md.add_render_rule("container_blocks_close", render_blocks_container)
    for extension in extensions:
        extension.setup(md)
    return md
