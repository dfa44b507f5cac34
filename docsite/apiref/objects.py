"""One placed object as Markdown tokens: a real heading (its id is the object's path, so it
is linkable and in the page's table of contents) and the object's HTML around it: kind
badge, signature, inheritance, docstring, source link, and its members, nested."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.token import Token
from markupsafe import Markup, escape

import docsite.apiref.rsthtml as rsthtml
from docsite.apiref.directive import Placement
from docsite.apiref.engine import PageApi
from docsite.apiref.model import ApiObject
from docsite.apiref.rst import Docstring, RstOptions
from docsite.apiref.signature import signature_html
from docsite.highlight import FenceInfo, highlight_code
from docsite.markdown import N_, RenderContext

KIND_LABELS = {
    "module": N_("module"),
    "class": N_("class"),
    "function": N_("function"),
    "method": N_("method"),
    "attribute": N_("attribute"),
    "property": N_("property"),
    "data": N_("data"),
}
DECORATOR_BADGES = ("classmethod", "staticmethod", "abstractmethod")
INHERITED = N_("Inherited from {origin}")
BASES = N_("Bases:")
SOURCE = N_("Source code")
SOURCE_AT = N_("{file}, lines {start}–{end}")

Resolve = Callable[[str, str], str | None]


def scopes(placement: Placement) -> tuple[str, ...]:
    """Where relative names in the object's docstring are looked up, nearest first."""
    obj = placement.obj
    out: list[str] = []
    for path in (placement.path, obj.path, obj.canonical, obj.docstring_from):
        if not path:
            continue
        parts = path.split(".")
        start = len(parts) if obj.kind in ("class", "module") else len(parts) - 1
        out += [".".join(parts[:i]) for i in range(start, 0, -1)]
    return tuple(dict.fromkeys(out))


@dataclass
class ObjectRenderer:
    api: PageApi
    ctx: RenderContext
    resolve: Resolve
    token_map: list[int]  # the directive's lines, for the tokens and warnings

    def _(self, message: str) -> str:
        return self.ctx.gettext(message)

    def tokens(self, placement: Placement) -> list[Token]:
        obj = placement.obj
        css = f"api-object api-{obj.kind}"
        ident = "" if placement.heading else f' id="{escape(placement.path)}"'
        out = [self._html(f'<section class="{css}"{ident}>')]
        if placement.heading:
            out += self._heading(placement)
        html, docstring = self.body_html(placement)
        body = self._html(html)
        body.meta = {"text": Markup(docstring).striptags()}  # what search reads of the entry
        out.append(body)
        if placement.children:
            out.append(self._html('<div class="api-members">'))
            for child in placement.children:
                out += self.tokens(child)
            out.append(self._html("</div>"))
        out.append(self._html("</section>"))
        return out

    def _html(self, html: str) -> Token:
        token = Token("html_block", "", 0)
        token.content = html + "\n"
        token.block = True
        token.map = list(self.token_map)
        return token

    def _heading(self, placement: Placement) -> list[Token]:
        tag = f"h{placement.level}"
        full = placement.root and placement.options.show_root_full_path
        name = placement.path if full else placement.obj.name
        open_ = Token("heading_open", tag, 1, block=True, map=list(self.token_map))
        open_.attrSet("class", "api-heading")
        open_.meta["explicit_id"] = placement.path
        inline = Token("inline", "", 0, content=f"`{name}`", map=list(self.token_map))
        inline.children = []
        close = Token("heading_close", tag, -1, block=True)
        return [open_, inline, close]

    def body_html(self, placement: Placement) -> tuple[str, str]:
        """The entry's HTML under its heading, and its docstring's HTML alone."""
        obj = placement.obj
        options = placement.options
        doc = self.docstring(placement)
        parts = [self._signature(placement) if options.show_signature else self._badges(obj)]
        if options.show_bases and obj.bases:
            parts.append(self._bases(obj))
        if obj.inherited_from:
            text = str(escape(self._(INHERITED))).replace(
                "{origin}", f"<code>{escape(obj.inherited_from)}</code>"
            )
            parts.append(f'<p class="api-inherited">{text}</p>')
        if doc.html:
            parts.append(f'<div class="api-docstring">{doc.html}</div>')
        parts.append(self._source(obj, options.show_source))
        return "".join(parts), doc.html

    def _badges(self, obj: ApiObject) -> str:
        badges = [
            f'<span class="api-kind api-kind-{obj.kind}">{escape(self._(KIND_LABELS[obj.kind]))}'
            "</span>"
        ]
        badges += [
            f'<span class="api-label">{escape(name)}</span>'
            for name in obj.decorators
            if name in DECORATOR_BADGES
        ]
        return f'<div class="api-badges">{"".join(badges)}</div>'

    def _signature(self, placement: Placement) -> str:
        obj = placement.obj
        if obj.kind == "module":
            return self._badges(obj)
        name = placement.path if placement.root else obj.name

        def link(word: str) -> str | None:
            return _first(self.resolve, "class", word, scopes(placement))

        return self._badges(obj) + signature_html(obj, name, link)

    def _bases(self, obj: ApiObject) -> str:
        shown = []
        for base in obj.bases:
            url = self.resolve("class", base)
            code = f"<code>{escape(base)}</code>"
            shown.append(f'<a class="xref" href="{escape(url)}">{code}</a>' if url else code)
        return f'<p class="api-bases">{escape(self._(BASES))} {", ".join(shown)}</p>'

    def _source(self, obj: ApiObject, show_code: bool) -> str:
        url = self.api.engine.source_url(obj)
        if url is None:
            return ""
        where = (
            self._(SOURCE_AT)
            .replace("{file}", obj.file)
            .replace("{start}", str(obj.lineno))
            .replace("{end}", str(obj.endlineno))
        )
        link = f'<a href="{escape(url)}">{escape(self._(SOURCE))}</a> <span>{escape(where)}</span>'
        html = f'<p class="api-source">{link}</p>'
        code = self.api.engine.source_code(obj) if show_code else None
        if code:
            body = highlight_code(code + "\n", FenceInfo(language="python"))
            html += (
                f'<details class="api-source-code"><summary>{escape(self._(SOURCE))}</summary>'
                f'<div class="codeblock" data-lang="python">{body}</div></details>'
            )
        return html

    def docstring(self, placement: Placement) -> Docstring:
        obj = placement.obj
        translations = self.api.translations
        here = scopes(placement)
        options = RstOptions(
            resolve=self.resolve,
            scopes=here,
            gettext=self.ctx.gettext,
            translate=translations.translate if translations is not None else None,
            params=obj.params,
            returns=obj.returns,
            issue_url=self.api.engine.settings.issue_url,
        )
        where = f"{obj.docstring_file or obj.file}"
        try:
            doc = rsthtml.render_docstring(obj.docstring, options)
        except Exception as exc:  # a docutils failure must not take the page down
            self.ctx.warn(
                self.token_map[0] + self.ctx.line_offset,
                f"docstring of {placement.path} ({where}:{obj.docstring_line}) could not be "
                f"rendered, shown as text: {type(exc).__name__}: {exc}",
                "docstring",
            )
            return Docstring(html=f"<pre>{escape(obj.docstring)}</pre>")
        for message in doc.messages:
            line = obj.docstring_line + max(message.line - 1, 0)
            self.ctx.warn(
                self.token_map[0] + self.ctx.line_offset,
                f"docstring of {placement.path} ({where}:{line}): {message.text}",
                "docstring",
            )
        if self.api.engine.settings.strict_docstring_references:
            for missing in doc.unresolved:
                self.ctx.warn(
                    self.token_map[0] + self.ctx.line_offset,
                    f"docstring of {placement.path}: :{missing.role}:`{missing.target}` "
                    "does not resolve",
                    "missing-reference",
                )
        return doc


def _first(resolve: Resolve, role: str, name: str, where: tuple[str, ...]) -> str | None:
    for candidate in (name, *(f"{scope}.{name}" for scope in where)):
        url = resolve(role, candidate)
        if url:
            return url
    return None
