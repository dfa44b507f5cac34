"""Sphinx-style reST docstrings parsed with docutils, and what is derived from the doctree:
translation units, the first sentence, field lists sorted into parameters, returns, raises.

The HTML comes from `rsthtml.render_docstring`; this module knows nothing about HTML.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from docutils import frontend, nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Parser
from docutils.readers.standalone import Reader

import docsite.apiref.rstnodes as rstnodes
from docsite.apiref.catalog import Translation, Unit
from docsite.apiref.model import Param

PARAM_FIELDS = frozenset({"param", "parameter", "arg", "argument", "key", "keyword"})
TYPE_FIELDS = frozenset({"type", "kwtype"})
RETURN_FIELDS = frozenset({"returns", "return"})
RTYPE_FIELDS = frozenset({"rtype", "returntype"})
RAISE_FIELDS = frozenset({"raises", "raise", "except", "exception"})
DROPPED_FIELDS = frozenset({"meta", "internal", "private", "public"})
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`\"'])|(?<=[。！？])")
_LEVELS = {1: "info", 2: "warning", 3: "error", 4: "severe"}


@dataclass(frozen=True)
class Message:
    """A docutils system message: the docstring line (1-based) and what it says."""

    line: int
    level: str
    text: str


@dataclass(frozen=True)
class Unresolved:
    role: str
    target: str
    line: int  # 1-based line in the docstring


@dataclass(frozen=True)
class ParamDoc:
    name: str
    type_html: str  # from `:type x:`, else the annotation (escaped)
    html: str
    default: str | None = None


@dataclass(frozen=True)
class RaisesDoc:
    type_html: str
    html: str


@dataclass(frozen=True)
class VersionNote:
    kind: str  # added, changed, deprecated, removed
    version: str
    text: str  # plain text


@dataclass
class Docstring:
    """A rendered docstring: its HTML and the structured parts found in it."""

    html: str = ""
    params: list[ParamDoc] = field(default_factory=list)
    returns: str = ""  # HTML of `:returns:`
    returns_type: str = ""  # HTML of `:rtype:` (or the return annotation, escaped)
    raises: list[RaisesDoc] = field(default_factory=list)
    versions: list[VersionNote] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    translation: dict[str, int] = field(default_factory=dict)  # state -> units in that state


def _identity(text: str) -> str:
    return text


def _unresolvable(role: str, target: str) -> str | None:
    return None


@dataclass(frozen=True)
class RstOptions:
    """What rendering a docstring needs to know about where it is shown."""

    resolve: Callable[[str, str], str | None] = _unresolvable  # (role, target) -> URL
    scopes: tuple[str, ...] = ()  # paths to try relative names in: class, module …
    gettext: Callable[[str], str] = _identity  # UI strings (titles, badges, markers)
    translate: Callable[[str], Translation] | None = None  # msgid -> translation
    params: tuple[Param, ...] = ()  # the signature's, for types and defaults
    returns: str = ""  # the return annotation, when there is no `:rtype:`
    issue_url: str = "https://github.com/pallets/flask/issues/{}"


@lru_cache(maxsize=2)
def _settings(character_level: bool = False) -> frontend.Values:
    settings = frontend.get_default_settings(Parser, Reader)
    settings.report_level = 2
    settings.halt_level = 5
    settings.docinfo_xform = False
    settings.doctitle_xform = False
    settings.sectsubtitle_xform = False
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    settings.syntax_highlight = "none"
    settings.smart_quotes = False
    settings.input_encoding = "unicode"
    settings.language_code = "en"
    # Translations may put inline markup right against Chinese characters: ``x``的
    settings.character_level_inline_markup = character_level
    return settings


def _publish(text: str, character_level: bool) -> nodes.document:
    settings = copy.copy(_settings(character_level))
    settings.warning_stream = io.StringIO()  # messages are read from the doctree instead
    document = publish_doctree(text, settings=settings)
    assert isinstance(document, nodes.document)
    return document


@lru_cache(maxsize=8192)
def parse(text: str, character_level: bool = False) -> nodes.document:
    """The doctree of a docstring (cached: treat it as read-only)."""
    return _publish(text, character_level)


def parse_fragment(text: str) -> list[nodes.Node]:
    """A translated paragraph's nodes: its inline content if it is one paragraph. Inline
    markup is recognized inside words, as CJK text has no spaces around it."""
    document = parse(text, character_level=True)
    body = [n for n in document.children if not isinstance(n, nodes.system_message)]
    if len(body) == 1 and isinstance(body[0], nodes.paragraph):
        return list(body[0].children)
    return body


def messages(document: nodes.document) -> list[Message]:
    out = []
    for node in document.findall(nodes.system_message):
        level = int(node.get("level", 2))
        if level < 2:
            continue
        text = node.children[0].astext() if node.children else node.astext()
        out.append(Message(int(node.get("line") or 0), _LEVELS.get(level, "error"), text))
    return out


def is_unit(node: nodes.Node) -> bool:
    """Whether a node's text is translated as one unit (paragraphs, terms, titles)."""
    if not isinstance(node, nodes.paragraph | nodes.term | nodes.title | nodes.rubric):
        return False
    if "api-autodoc" in node["classes"]:
        return False
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.system_message):
            return False
        if isinstance(parent, nodes.field) and parent.children:
            kind, _ = field_kind(parent.children[0].astext())
            if kind in ("type", "rtype", "dropped"):
                return False  # a type is code, not prose
        parent = parent.parent
    return bool(node.astext().strip())


def unit_text(node: nodes.Element) -> str:
    """The msgid of a unit: its reST source with line breaks as spaces (as Sphinx does)."""
    source = node.rawsource or node.astext()
    return " ".join(line.strip() for line in str(source).splitlines()).strip()


def iter_units(document: nodes.document) -> Iterator[tuple[nodes.Element, Unit]]:
    for node in document.findall(is_unit):
        assert isinstance(node, nodes.Element)
        yield node, Unit(unit_text(node), node.line or 0)


def units(text: str) -> list[Unit]:
    """The translation units of a docstring, in order; each msgid once."""
    seen: set[str] = set()
    out: list[Unit] = []
    for _node, unit in iter_units(parse(text)):
        if unit.msgid and unit.msgid not in seen:
            seen.add(unit.msgid)
            out.append(unit)
    return out


def field_kind(name: str) -> tuple[str, str]:
    """`param str x` -> ("param", "str x"); the first word says what a field is."""
    first, _, rest = name.strip().partition(" ")
    first = first.lower()
    if first in PARAM_FIELDS:
        return "param", rest.strip()
    for kinds, label in (
        (TYPE_FIELDS, "type"),
        (RETURN_FIELDS, "returns"),
        (RTYPE_FIELDS, "rtype"),
        (RAISE_FIELDS, "raises"),
        (DROPPED_FIELDS, "dropped"),
    ):
        if first in kinds:
            return label, rest.strip()
    return "other", name.strip()


def summary(text: str) -> str:
    """The first sentence of a docstring, as plain text (for search and link titles)."""
    document = parse(text)
    for node in document.findall(nodes.paragraph):
        if is_unit(node):
            plain = " ".join(node.astext().split())
            return _SENTENCE_END_RE.split(plain, maxsplit=1)[0]
    return ""


def find_xrefs(document: nodes.document) -> list[rstnodes.pending_xref]:
    return list(document.findall(rstnodes.pending_xref))
