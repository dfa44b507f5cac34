"""Signatures of API objects, as text and as HTML: one line, or one parameter per line when long.

`self`/`cls` are already dropped by the loader; the `/` (positional-only) and `*`
(keyword-only) markers are kept, as Python writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from docsite.apiref.model import ApiObject, Param

WRAP_WIDTH = 70
MAX_VALUE = 60  # longer attribute values are left out of the signature
_NAME_RE = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*")

Link = Callable[[str], str | None]  # a name in an annotation -> URL, or None


@dataclass(frozen=True)
class Piece:
    """A run of signature text and what it is: name, param, annotation, default, punct."""

    text: str
    role: str = "punct"


def _param_pieces(param: Param) -> list[Piece]:
    star = {"var-positional": "*", "var-keyword": "**"}.get(param.kind, "")
    out = [Piece(star + param.name, "param")]
    if param.annotation:
        out += [Piece(": "), Piece(param.annotation, "annotation")]
    if param.default is not None and param.kind not in ("var-positional", "var-keyword"):
        out += [Piece(" = " if param.annotation else "="), Piece(param.default, "default")]
    return out


def parameter_groups(params: Sequence[Param]) -> list[list[Piece]]:
    """Each parameter's pieces, with `/` and `*` markers as parameters of their own."""
    groups: list[list[Piece]] = []
    has_var_positional = any(p.kind == "var-positional" for p in params)
    star_done = False
    for i, param in enumerate(params):
        if param.kind == "keyword-only" and not has_var_positional and not star_done:
            groups.append([Piece("*", "marker")])
            star_done = True
        groups.append(_param_pieces(param))
        following = params[i + 1] if i + 1 < len(params) else None
        if param.kind == "positional-only" and (
            following is None or following.kind != "positional-only"
        ):
            groups.append([Piece("/", "marker")])
    return groups


def signature_lines(obj: ApiObject, name: str, width: int = WRAP_WIDTH) -> list[list[Piece]]:
    """The signature as lines of pieces: one line when it fits in `width`, else wrapped."""
    head = [Piece(name, "name")]
    if obj.kind in ("attribute", "data", "property"):
        line = list(head)
        if obj.annotation:
            line += [Piece(": "), Piece(obj.annotation, "annotation")]
        if obj.value and obj.kind != "property" and len(obj.value) <= MAX_VALUE:
            line += [Piece(" = "), Piece(obj.value, "default")]
        return [line]
    if obj.kind == "module":
        return [head]
    groups = parameter_groups(obj.params)
    tail = [Piece(" -> "), Piece(obj.returns, "annotation")] if obj.returns else []
    one_line = [*head, Piece("(")]
    for i, group in enumerate(groups):
        if i:
            one_line.append(Piece(", "))
        one_line += group
    one_line += [Piece(")"), *tail]
    if sum(len(p.text) for p in one_line) <= width or not groups:
        return [one_line]
    lines = [[*head, Piece("(")]]
    lines += [[Piece("    "), *group, Piece(",")] for group in groups]
    lines.append([Piece(")"), *tail])
    return lines


def signature_text(obj: ApiObject, name: str, width: int = WRAP_WIDTH) -> str:
    return "\n".join("".join(p.text for p in line) for line in signature_lines(obj, name, width))


def _annotation_html(text: str, link: Link | None) -> str:
    if link is None:
        return str(escape(text))
    out: list[str] = []
    last = 0
    for match in _NAME_RE.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        url = link(match.group())
        word = escape(match.group())
        out.append(f'<a href="{escape(url)}">{word}</a>' if url else str(word))
        last = match.end()
    out.append(str(escape(text[last:])))
    return "".join(out)


def signature_html(
    obj: ApiObject, name: str, link: Link | None = None, width: int = WRAP_WIDTH
) -> str:
    """`<pre class="api-signature">` with spans for the name, parameters and annotations."""
    rendered: list[str] = []
    for line in signature_lines(obj, name, width):
        parts: list[str] = []
        for piece in line:
            if piece.role == "punct":
                parts.append(str(escape(piece.text)))
            elif piece.role == "annotation":
                body = _annotation_html(piece.text, link)
                parts.append(f'<span class="sig-annotation">{body}</span>')
            else:
                parts.append(f'<span class="sig-{piece.role}">{escape(piece.text)}</span>')
        rendered.append("".join(parts))
    body = "\n".join(rendered)
    return f'<pre class="api-signature"><code>{body}</code></pre>'
