"""Sphinx field lists (`:param x:`, `:type x:`, `:returns:`, `:rtype:`, `:raises X:`) as a
parameters table and return and raise notes, rendered where the field list stood."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from docutils import nodes
from markupsafe import escape

import docsite.apiref.rst as rst
from docsite.apiref.model import Param
from docsite.apiref.rst import Docstring, ParamDoc, RaisesDoc, RstOptions
from docsite.markdown import N_


class HtmlTranslator(Protocol):
    """What field rendering needs from the docstring translator (rsthtml.HtmlTranslator)."""

    options: RstOptions
    result: Docstring

    def render_children(self, node: nodes.Element) -> str: ...

    def resolve_xref(self, role: str, target: str, refspecific: bool) -> str | None: ...


TITLES = {
    "params": N_("Parameters"),
    "returns": N_("Returns"),
    "raises": N_("Raises"),
    "name": N_("Name"),
    "type": N_("Type"),
    "description": N_("Description"),
    "default": N_("Default"),
}


@dataclass
class _Fields:
    params: list[tuple[str, str, nodes.field_body]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    returns: nodes.field_body | None = None
    rtype: str = ""
    raises: list[tuple[str, nodes.field_body]] = field(default_factory=list)
    other: list[nodes.field] = field(default_factory=list)


def _inline_html(translator: HtmlTranslator, body: nodes.Element) -> str:
    """A one-paragraph field body (a type) as inline HTML, without the <p>."""
    paragraphs = list(body.findall(nodes.paragraph))
    if len(paragraphs) == 1:
        return translator.render_children(paragraphs[0])
    return translator.render_children(body)


def _sort(translator: HtmlTranslator, node: nodes.field_list) -> _Fields:
    found = _Fields()
    for item in node.children:
        if not isinstance(item, nodes.field) or len(item.children) < 2:
            continue
        name_node, body = item.children[0], item.children[1]
        assert isinstance(body, nodes.field_body)
        kind, arg = rst.field_kind(name_node.astext())
        if kind == "param":
            inline_type, _, name = arg.rpartition(" ")
            found.params.append((name or arg, inline_type, body))
        elif kind == "type":
            found.types[arg] = _inline_html(translator, body)
        elif kind == "returns":
            found.returns = body
        elif kind == "rtype":
            found.rtype = _inline_html(translator, body)
        elif kind == "raises":
            found.raises.append((arg, body))
        elif kind == "other":
            found.other.append(item)
    return found


def _param_rows(translator: HtmlTranslator, found: _Fields) -> list[ParamDoc]:
    signature = {p.name: p for p in translator.options.params}
    docs: list[ParamDoc] = []
    for name, inline_type, body in found.params:
        bare = name.lstrip("*")
        param = signature.get(bare)
        if name in found.types:
            type_html = found.types[name]
        elif inline_type:
            type_html = f"<code>{escape(inline_type)}</code>"
        elif param is not None and param.annotation:
            type_html = f"<code>{escape(param.annotation)}</code>"
        else:
            type_html = ""
        shown = _starred(bare, param)
        default = param.default if param is not None and param.kind not in _VARIADIC else None
        docs.append(ParamDoc(shown, type_html, translator.render_children(body), default))
    return docs


_VARIADIC = ("var-positional", "var-keyword")


def _starred(name: str, param: Param | None) -> str:
    if param is None:
        return name
    return {"var-positional": "*", "var-keyword": "**"}.get(param.kind, "") + name


def _params_table(translator: HtmlTranslator, docs: list[ParamDoc]) -> str:
    _ = translator.options.gettext
    with_default = any(d.default is not None for d in docs)
    heads = ["name", "type", "description"] + (["default"] if with_default else [])
    head = "".join(f"<th>{escape(_(TITLES[h]))}</th>" for h in heads)
    rows = []
    for doc in docs:
        cells = [f"<code>{escape(doc.name)}</code>", doc.type_html, doc.html]
        if with_default:
            cells.append(f"<code>{escape(doc.default)}</code>" if doc.default is not None else "")
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    title = escape(_(TITLES["params"]))
    return (
        f'<p class="api-fields-title">{title}</p>'
        f'<table class="api-params"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _raises(translator: HtmlTranslator, found: _Fields) -> tuple[str, list[RaisesDoc]]:
    docs = []
    for exc, body in found.raises:
        url = translator.resolve_xref("exc", exc, False) if exc else None
        code = f"<code>{escape(exc)}</code>"
        type_html = f'<a class="xref" href="{escape(url)}">{code}</a>' if url else code
        docs.append(RaisesDoc(type_html, translator.render_children(body)))
    items = "".join(f"<li>{d.type_html} – {_unwrap(d.html)}</li>" for d in docs)
    title = escape(translator.options.gettext(TITLES["raises"]))
    return f'<p class="api-fields-title">{title}</p><ul class="api-raises">{items}</ul>', docs


def _unwrap(html: str) -> str:
    """`<p>text</p>` -> `text` when the HTML is one plain paragraph."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p") == 1:
        return html[3:-4]
    return html


def render_fields(translator: HtmlTranslator, node: nodes.field_list) -> str:
    """The HTML that replaces a field list; the structured parts go into the result too."""
    found = _sort(translator, node)
    result = translator.result
    out: list[str] = []
    if found.params:
        docs = _param_rows(translator, found)
        result.params.extend(docs)
        out.append(_params_table(translator, docs))
    if found.returns is not None or found.rtype:
        returns = translator.render_children(found.returns) if found.returns else ""
        result.returns, result.returns_type = returns, found.rtype
        kind = f'<span class="api-returns-type">{found.rtype}</span> ' if found.rtype else ""
        title = escape(translator.options.gettext(TITLES["returns"]))
        out.append(
            f'<p class="api-fields-title">{title}</p><div class="api-returns">{kind}{returns}</div>'
        )
    if found.raises:
        html, docs = _raises(translator, found)
        result.raises.extend(docs)
        out.append(html)
    if found.other:
        out.append('<dl class="api-other-fields">')
        for item in found.other:
            name = escape(item.children[0].astext())
            out.append(f"<dt>{name}</dt><dd>{translator.render_children(item.children[1])}</dd>")
        out.append("</dl>")
    return f'<div class="api-fields">{"".join(out)}</div>' if out else ""
