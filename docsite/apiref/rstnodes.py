"""The Sphinx vocabulary of docstrings, taught to docutils: roles, directives and their nodes.

Roles that name objects (`:meth:`, `:class:` …) become `pending_xref` nodes; the HTML
translator resolves them later, when it knows the page and the inventory. Everything is
registered through docutils' public registries (`roles.register_local_role`,
`directives.register_directive`), once, when this module is imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.states import Inliner

PY_ROLES = frozenset({"meth", "class", "func", "attr", "data", "exc", "mod", "obj", "const"})
CALLABLE_ROLES = frozenset({"meth", "func"})
LINK_ROLES = frozenset({"ref", "doc", "pep", "rfc", "issue"})
LINK_LABELS = {"pep": "PEP {}", "rfc": "RFC {}", "issue": "#{}"}  # as Sphinx shows them
# Sphinx roles that only mark text up: name -> (HTML element, class)
TEXT_ROLES = {
    "file": ("code", "file"),
    "envvar": ("code", "envvar"),
    "command": ("strong", "command"),
    "program": ("strong", "program"),
    "samp": ("code", "samp"),
    "kbd": ("kbd", ""),
    "option": ("code", "option"),
    "term": ("em", "term"),
    "dfn": ("em", "dfn"),
    "abbr": ("abbr", ""),
    "guilabel": ("span", "guilabel"),
    "mimetype": ("em", "mimetype"),
    "manpage": ("em", "manpage"),
}
_EXPLICIT_RE = re.compile(r"^(.+?)\s*<([^<>]+)>$", re.S)


class pending_xref(nodes.Inline, nodes.TextElement):
    """A reference by role and target, resolved when the docstring is rendered."""


class version_note(nodes.General, nodes.Element):
    """versionadded / versionchanged / deprecated / versionremoved, with its version."""


class describe(nodes.General, nodes.Element):
    """`.. describe:: 'key' in g` — a free-form signature and its description."""


class code_block(nodes.literal_block):
    """`.. code-block:: python` — a literal block with its language."""


def split_explicit(text: str) -> tuple[str | None, str]:
    """`title <target>` -> (title, target); plain `target` -> (None, target)."""
    match = _EXPLICIT_RE.match(text.strip())
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return None, text.strip()


def xref_display(role: str, target: str) -> tuple[str, str, bool, bool]:
    """Sphinx's rules: `~a.b.c` shows `c`, `.c` searches by suffix, `!x` does not link,
    and `func`/`meth` targets show with `()`. Returns (display, target, refspecific, nolink)."""
    nolink = target.startswith("!")
    target = target.lstrip("!")
    short = target.startswith("~")
    target = target.lstrip("~")
    refspecific = target.startswith(".")
    shown = target.rpartition(".")[2] if short else target.lstrip(".")
    if role in CALLABLE_ROLES and not shown.endswith(")"):
        shown += "()"
    return shown, target.rstrip("()") if role in CALLABLE_ROLES else target, refspecific, nolink


def xref_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: Sequence[str] = (),
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    role = name.lower().removeprefix("py:").removeprefix("std:")
    title, target = split_explicit(nodes.unescape(text))
    if role in PY_ROLES:
        shown, target, refspecific, nolink = xref_display(role, target)
    else:
        shown, refspecific, nolink = title or target, False, target.startswith("!")
        target = target.lstrip("!")
        if title is None and role in LINK_LABELS:
            shown = LINK_LABELS[role].format(target)
    node = pending_xref(rawtext, title or shown)
    node["role"] = role
    node["target"] = target
    node["refspecific"] = refspecific
    node["nolink"] = nolink
    node["explicit"] = title is not None
    node.line = lineno
    return [node], []


def text_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: Sequence[str] = (),
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    element, css = TEXT_ROLES[name.lower()]
    node = nodes.inline(rawtext, nodes.unescape(text))
    node["classes"] += [f"role-{element}"] + ([css] if css else [])
    return [node], []


class VersionChange(Directive):
    """`.. versionchanged:: 2.0` with the explanation as content or after the version."""

    has_content = True
    required_arguments = 1
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = version_note()
        node["kind"] = self.name.removeprefix("version")  # added, changed, removed, deprecated
        node["version"] = self.arguments[0]
        node.line = self.lineno
        if len(self.arguments) > 1:
            text = self.arguments[1]
            inline, messages = self.state.inline_text(text, self.lineno)
            para = nodes.paragraph(text, "", *inline)
            para.line = self.lineno
            node += para
            node += messages
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class _AnyOptions(dict):  # type: ignore[type-arg]
    """An option_spec that accepts every option (Sphinx's, which we do not act on)."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True  # docutils parses options only when a directive has an option_spec


class CodeBlock(Directive):
    """`.. code-block:: python` (also `sourcecode`, `code`), with Sphinx's options accepted."""

    has_content = True
    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        node = code_block(code, code)
        node["language"] = (self.arguments[0] if self.arguments else "").strip().lower()
        node.line = self.lineno
        return [node]


class Describe(Directive):
    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = describe()
        node["signature"] = self.arguments[0]
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class AutoDoc(Directive):
    """`.. autoclass:: X` inside a docstring: a reference to X, which the site documents."""

    has_content = True
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        role = {"autoclass": "class", "autofunction": "func", "automodule": "mod"}.get(
            self.name, "obj"
        )
        target = self.arguments[0].strip()
        node = pending_xref(target, target + ("()" if role == "func" else ""))
        node["role"], node["target"] = role, target
        node["refspecific"], node["nolink"], node["explicit"] = False, False, False
        node.line = self.lineno
        para = nodes.paragraph("", "", node)
        para["classes"].append("api-autodoc")
        return [para]


class SeeAlso(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        node = nodes.admonition()
        node["classes"].append("seealso")
        if self.arguments:
            inline, messages = self.state.inline_text(self.arguments[0], self.lineno)
            node += nodes.paragraph(self.arguments[0], "", *inline)
            node += messages
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _register() -> None:
    for role in PY_ROLES | LINK_ROLES:
        roles.register_local_role(role, xref_role)
        if role in PY_ROLES:
            roles.register_local_role(f"py:{role}", xref_role)
    for role in TEXT_ROLES:
        roles.register_local_role(role, text_role)
    for name in ("versionadded", "versionchanged", "deprecated", "versionremoved"):
        directives.register_directive(name, VersionChange)
    for name in ("code-block", "sourcecode", "code"):
        directives.register_directive(name, CodeBlock)
    for name in ("autoclass", "autofunction", "automodule", "autodata", "automethod"):
        directives.register_directive(name, AutoDoc)
    directives.register_directive("describe", Describe)
    directives.register_directive("seealso", SeeAlso)


_register()
