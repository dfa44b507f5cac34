"""A docstring's doctree as an HTML fragment in the theme's vocabulary.

Code is highlighted by docsite.highlight like fenced code in pages; notes and warnings are
the site's admonitions; field lists become a parameters table and return and raise notes;
references go through the resolver the caller gives. In a translated page each unit is
replaced by its translation, or shown in English with a marker (missing, outdated).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager

from docutils import nodes
from markupsafe import escape

import docsite.apiref.rst as rst
import docsite.apiref.rstnodes as rstnodes
from docsite.apiref.fields import render_fields
from docsite.apiref.rst import Docstring, RstOptions, Unresolved, VersionNote
from docsite.highlight import FenceInfo, highlight_code
from docsite.markdown import ADMONITION_TITLES, N_

SIMPLE_TAGS = {
    "emphasis": "em",
    "strong": "strong",
    "literal": "code",
    "title_reference": "cite",
    "bullet_list": "ul",
    "enumerated_list": "ol",
    "list_item": "li",
    "block_quote": "blockquote",
    "subscript": "sub",
    "superscript": "sup",
    "definition_list": "dl",
    "definition": "dd",
    "line_block": "div",
    "line": "div",
    "option_list": "dl",
}
SKIPPED = (
    nodes.comment,
    nodes.substitution_definition,
    nodes.target,
    nodes.raw,
    nodes.image,
    nodes.footnote,
    nodes.citation,
    nodes.pending,
)
ADMONITIONS = frozenset(
    {"note", "warning", "tip", "hint", "important", "caution", "danger", "error", "attention"}
)
VERSION_LABELS = {
    "added": N_("New in version {version}"),
    "changed": N_("Changed in version {version}"),
    "deprecated": N_("Deprecated since version {version}"),
    "removed": N_("Removed in version {version}"),
}
MARKERS = {
    "missing": N_("Not translated yet: shown in English"),
    "outdated": N_("Outdated translation: the English text changed, shown in English"),
}
EXTERNAL_URLS = {
    "pep": "https://peps.python.org/pep-{number:04d}/",
    "rfc": "https://datatracker.ietf.org/doc/html/rfc{number}.html",
}


class HtmlTranslator(nodes.NodeVisitor):
    """Renders one docstring's doctree; collects what it finds into a `Docstring`."""

    def __init__(self, document: nodes.document, options: RstOptions) -> None:
        super().__init__(document)
        self.options = options
        self.out: list[str] = []
        self.result = rst.Docstring()
        self._badge: list[str] = []  # a version badge waiting for its first paragraph
        self._closers: list[str] = []

    # --- plumbing -------------------------------------------------------------------------

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        saved, self.out = self.out, []
        try:
            yield self.out
        finally:
            self.out = saved

    def render_children(self, node: nodes.Element) -> str:
        with self.capture() as parts:
            for child in node.children:
                child.walkabout(self)
        return "".join(parts)

    def _(self, message: str) -> str:
        return self.options.gettext(message)

    def unknown_visit(self, node: nodes.Node) -> None:
        if isinstance(node, SKIPPED):
            raise nodes.SkipNode
        tag = SIMPLE_TAGS.get(type(node).__name__)
        if tag is not None:
            self.out.append(f"<{tag}>")

    def unknown_departure(self, node: nodes.Node) -> None:
        tag = SIMPLE_TAGS.get(type(node).__name__)
        if tag is not None:
            self.out.append(f"</{tag}>")

    def visit_Text(self, node: nodes.Text) -> None:
        self.out.append(str(escape(node.astext())))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def visit_system_message(self, node: nodes.system_message) -> None:
        raise nodes.SkipNode  # reported from the doctree by render_docstring

    def visit_problematic(self, node: nodes.problematic) -> None:
        self.out.append(f"<code>{escape(node.astext())}</code>")
        raise nodes.SkipNode

    # --- units: paragraphs, terms, titles ---------------------------------------------------

    def _unit(self, node: nodes.Element, tag: str, classes: list[str]) -> None:
        """Open a unit's element; put its translation in, or mark it as English."""
        badge, self._badge = "".join(self._badge), []
        translate = self.options.translate
        translation = translate(rst.unit_text(node)) if translate and rst.is_unit(node) else None
        attrs = ""
        if translation is not None:
            self.result.translation[translation.state] = (
                self.result.translation.get(translation.state, 0) + 1
            )
            if translation.state != "translated":
                classes = [*classes, f"i18n-{translation.state}"]
                title = escape(self._(MARKERS[translation.state]))
                attrs = f' lang="en" title="{title}"'
        css = f' class="{" ".join(classes)}"' if classes else ""
        self.out.append(f"<{tag}{css}{attrs}>{badge}")
        self._closers.append(f"</{tag}>")
        if translation is not None and translation.state == "translated":
            for child in rst.parse_fragment(translation.text):
                child.walkabout(self)
            self.out.append(self._closers.pop())
            raise nodes.SkipNode

    def _close(self, node: nodes.Node) -> None:
        self.out.append(self._closers.pop())

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        if "api-autodoc" in node["classes"]:
            self.out.append('<p class="api-autodoc">')
            self._closers.append("</p>")
            return
        self._unit(node, "p", [])

    depart_paragraph = _close

    def visit_term(self, node: nodes.term) -> None:
        self._unit(node, "dt", [])

    depart_term = _close

    def visit_rubric(self, node: nodes.rubric) -> None:
        self._unit(node, "p", ["rubric"])

    depart_rubric = _close

    def visit_title(self, node: nodes.title) -> None:
        css = "admonition-title" if isinstance(node.parent, nodes.Admonition) else "rubric"
        self._unit(node, "p", [css])

    depart_title = _close

    def visit_classifier(self, node: nodes.classifier) -> None:
        self.out.append(' <span class="classifier">: ')

    def depart_classifier(self, node: nodes.classifier) -> None:
        self.out.append("</span>")

    # --- blocks ---------------------------------------------------------------------------

    def visit_section(self, node: nodes.section) -> None:
        self.out.append('<div class="api-section">')

    def depart_section(self, node: nodes.section) -> None:
        self.out.append("</div>")

    def visit_transition(self, node: nodes.transition) -> None:
        self.out.append("<hr>")
        raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        code = node.astext()
        language = node.get("language") or _guess_language(code, node)
        body = highlight_code(code + "\n", FenceInfo(language=language))
        lang = escape(language or "text")
        self.out.append(f'<div class="codeblock" data-lang="{lang}">{body}</div>')
        raise nodes.SkipNode

    visit_code_block = visit_literal_block

    def visit_doctest_block(self, node: nodes.doctest_block) -> None:
        body = highlight_code(node.astext() + "\n", FenceInfo(language="pycon"))
        self.out.append(f'<div class="codeblock" data-lang="pycon">{body}</div>')
        raise nodes.SkipNode

    def visit_Admonition(self, node: nodes.Element) -> None:
        kind = type(node).__name__
        if kind == "admonition":
            kind = "seealso" if "seealso" in node["classes"] else "note"
        self.out.append(f'<div class="admonition {escape(kind)}">')
        if not isinstance(node.children[0] if node.children else None, nodes.title):
            title = self._(ADMONITION_TITLES.get(kind, kind.title()))
            self.out.append(f'<p class="admonition-title">{escape(title)}</p>')

    def depart_Admonition(self, node: nodes.Element) -> None:
        self.out.append("</div>")

    def dispatch_visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Admonition):
            return self.visit_Admonition(node)  # type: ignore[arg-type]
        return super().dispatch_visit(node)

    def dispatch_departure(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Admonition):
            return self.depart_Admonition(node)  # type: ignore[arg-type]
        return super().dispatch_departure(node)

    def visit_table(self, node: nodes.table) -> None:
        self.out.append("<table>")

    def depart_table(self, node: nodes.table) -> None:
        self.out.append("</table>")

    def visit_row(self, node: nodes.row) -> None:
        self.out.append("<tr>")

    def depart_row(self, node: nodes.row) -> None:
        self.out.append("</tr>")

    def visit_entry(self, node: nodes.entry) -> None:
        tag = "th" if isinstance(node.parent.parent, nodes.thead) else "td"
        self.out.append(f"<{tag}>")
        self._closers.append(f"</{tag}>")

    depart_entry = _close

    # --- inline ---------------------------------------------------------------------------

    def visit_reference(self, node: nodes.reference) -> None:
        uri = node.get("refuri")
        if uri and str(uri).startswith(("http://", "https://", "mailto:")):
            self.out.append(f'<a href="{escape(uri)}">')
            self._closers.append("</a>")
        else:
            self._closers.append("")

    depart_reference = _close

    def visit_inline(self, node: nodes.inline) -> None:
        classes = [c for c in node["classes"] if not c.startswith("role-")]
        tag = next((c[5:] for c in node["classes"] if c.startswith("role-")), "span")
        css = f' class="{escape(" ".join(classes))}"' if classes else ""
        self.out.append(f"<{tag}{css}>")
        self._closers.append(f"</{tag}>")

    depart_inline = _close

    def visit_pending_xref(self, node: rstnodes.pending_xref) -> None:
        role, target = str(node["role"]), str(node["target"])
        text = escape(node.astext())
        shown = f"<code>{text}</code>" if role in rstnodes.PY_ROLES else str(text)
        url = None if node["nolink"] else self.resolve_xref(role, target, bool(node["refspecific"]))
        if url:
            self.out.append(f'<a class="xref" href="{escape(url)}">{shown}</a>')
        else:
            if not node["nolink"]:
                self.result.unresolved.append(Unresolved(role, target, node.line or 0))
            self.out.append(f'<span class="xref xref-missing">{shown}</span>')
        raise nodes.SkipNode

    def resolve_xref(self, role: str, target: str, refspecific: bool) -> str | None:
        resolve = self.options.resolve
        if role in EXTERNAL_URLS or role == "issue":
            number = target.lstrip("#").split("#")[0]
            if not number.isdigit():
                return None
            if role == "issue":
                return self.options.issue_url.format(number)
            return EXTERNAL_URLS[role].format(number=int(number))
        if role not in rstnodes.PY_ROLES:
            return resolve(role, target)
        name = target.lstrip(".")
        candidates = [] if refspecific else [name]
        candidates += [f"{scope}.{name}" for scope in self.options.scopes]
        if refspecific:
            candidates.append("." + name)  # the resolver searches by suffix
        for candidate in candidates:
            url = resolve(role, candidate)
            if url:
                return url
        return None

    # --- Sphinx directives ----------------------------------------------------------------

    def visit_version_note(self, node: rstnodes.version_note) -> None:
        kind = str(node["kind"])
        label = self._(VERSION_LABELS.get(kind, VERSION_LABELS["changed"]))
        label = label.replace("{version}", str(node["version"]))
        self.result.versions.append(
            VersionNote(kind, str(node["version"]), " ".join(node.astext().split()))
        )
        self.out.append(f'<div class="api-version api-version-{escape(kind)}">')
        self._badge = [f'<span class="api-badge api-badge-{escape(kind)}">{escape(label)}</span> ']

    def depart_version_note(self, node: rstnodes.version_note) -> None:
        if self._badge:  # no text: the badge alone
            self.out.append(f"<p>{''.join(self._badge)}</p>")
            self._badge = []
        self.out.append("</div>")

    def visit_describe(self, node: rstnodes.describe) -> None:
        signature = escape(node["signature"])
        self.out.append(f'<dl class="api-describe"><dt><code>{signature}</code></dt><dd>')

    def depart_describe(self, node: rstnodes.describe) -> None:
        self.out.append("</dd></dl>")

    # --- field lists ----------------------------------------------------------------------

    def visit_field_list(self, node: nodes.field_list) -> None:
        self.out.append(render_fields(self, node))
        raise nodes.SkipNode


def _guess_language(code: str, node: nodes.Node) -> str:
    """Sphinx highlights `::` blocks as Python when they parse as Python, else as text."""
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    named = [c for c in classes if c != "code"]
    if named:
        return str(named[0])
    if code.lstrip().startswith(">>>"):
        return "pycon"
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return "text"
    return "python"


def render_docstring(text: str, options: RstOptions | None = None) -> Docstring:
    """The HTML of a docstring and what was found in it; never raises on bad reST."""
    options = options or RstOptions()
    document = rst.parse(text)
    translator = HtmlTranslator(document, options)
    for child in document.children:
        child.walkabout(translator)
    result = translator.result
    result.html = "".join(translator.out)
    result.messages = rst.messages(document)
    result.units = rst.units(text)
    return result
