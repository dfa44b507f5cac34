"""The `::: flask.Flask` directive (mkdocstrings' syntax): its block rule, its options and
the plan of what it shows (the object, its members, theirs …).

    ::: flask.Flask
        options:
          members: [route, add_url_rule]
          inherited_members: true

Options: `members` (a list, or false), `inherited_members` (true, false or a list),
`show_source`, `heading_level`, `show_root_heading`, `show_root_full_path`,
`members_order` (alphabetical or source), `group_by_category`, `show_signature`,
`show_bases`, `show_if_no_docstring`. As in mkdocstrings, members without a docstring are
left out unless listed or `show_if_no_docstring` is true; listed members show even when
inherited. Options apply to nested members
too, except `members`, which chooses the placed object's own members only.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from docsite.apiref.model import ApiModel, ApiObject

_DIRECTIVE_RE = re.compile(r"^:::[ \t]+(\S+)[ \t]*$")
_PATH_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
ORDERS = ("alphabetical", "source")
CATEGORY_ORDER = {
    "attribute": 0,
    "property": 0,
    "data": 0,
    "class": 1,
    "function": 2,
    "method": 2,
    "module": 3,
}


class DirectiveError(ValueError):
    """Bad options or an unknown object: the message names what and why."""


@dataclass(frozen=True)
class DirectiveOptions:
    members: tuple[str, ...] | bool | None = None  # None: all public members
    inherited_members: tuple[str, ...] | bool = False
    show_source: bool = False
    heading_level: int = 2
    show_root_heading: bool = True
    show_root_full_path: bool = True
    members_order: str = "alphabetical"
    group_by_category: bool = True
    show_signature: bool = True
    show_bases: bool = True
    show_if_no_docstring: bool = False


OPTION_NAMES = tuple(f.name for f in fields(DirectiveOptions))


@dataclass(frozen=True)
class DirectiveSpec:
    """One directive as written: the object path, its options, its 1-based body line."""

    path: str
    options: DirectiveOptions
    line: int


@dataclass(frozen=True)
class Placement:
    """An object as a page shows it: under which path (its heading id), at which level."""

    path: str
    obj: ApiObject
    level: int
    heading: bool
    options: DirectiveOptions
    children: tuple[Placement, ...] = field(default=())
    root: bool = False  # the object the directive names (not one of its members)

    def walk(self) -> Iterator[Placement]:
        yield self
        for child in self.children:
            yield from child.walk()


# --- options --------------------------------------------------------------------------------


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DirectiveError(f"option '{name}' must be true or false, not {value!r}")
    return value


def _names(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DirectiveError(f"option '{name}' must be a list of names, true or false")
    bad = [v for v in value if not _PATH_RE.match(v) or "." in v]
    if bad:
        raise DirectiveError(f"option '{name}' lists {bad[0]!r}, which is not a member name")
    return tuple(value)


@lru_cache(maxsize=4096)
def parse_options(text: str) -> DirectiveOptions:
    """The YAML under a directive (`options:` as in mkdocstrings) as DirectiveOptions (read
    once per text: the inventory and every rendering of a page ask again)."""
    if not text.strip():
        return DirectiveOptions()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the options)" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DirectiveError(f"options are not valid YAML{where}: {problem}") from exc
    if not isinstance(data, dict) or set(data) - {"options", "handler"}:
        raise DirectiveError("expected 'options:' (a mapping) under the directive")
    if data.get("handler", "python") != "python":
        raise DirectiveError(f"handler {data['handler']!r} is not supported (only 'python')")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise DirectiveError("'options' must be a mapping of option names to values")
    return _options_from(options)


def _options_from(options: dict[str, Any]) -> DirectiveOptions:
    result = DirectiveOptions()
    for name, value in options.items():
        if name not in OPTION_NAMES:
            close = difflib.get_close_matches(str(name), OPTION_NAMES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise DirectiveError(f"unknown option '{name}'{hint}")
        if name in ("members", "inherited_members"):
            converted: Any = value if isinstance(value, bool) else _names(name, value)
            if name == "members" and value is True:
                converted = None
        elif name == "heading_level":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 6:
                raise DirectiveError(f"option 'heading_level' must be 1 to 6, not {value!r}")
            converted = value
        elif name == "members_order":
            if value not in ORDERS:
                raise DirectiveError(f"option 'members_order' must be one of {list(ORDERS)}")
            converted = value
        else:
            converted = _bool(name, value)
        result = replace(result, **{name: converted})
    return result


# --- syntax -----------------------------------------------------------------------------------


def apiref_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`::: path` on its own line, and the lines indented under it (the YAML options)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = _DIRECTIVE_RE.match(state.src[begin : state.eMarks[start]])
    if not match:
        return False
    if silent:
        return True
    base = state.sCount[start]
    last = start
    line = start + 1
    while line < end:
        if state.isEmpty(line):
            line += 1
            continue
        if state.sCount[line] <= base:
            break
        last = line
        line += 1
    raw = state.src[state.bMarks[start + 1] : state.eMarks[last]] if last > start else ""
    token = state.push("apiref", "", 0)
    token.block = True
    token.map = [start, last + 1]
    token.meta = {"path": match.group(1), "options": textwrap.dedent(raw)}
    state.line = last + 1
    return True


def register_block_rule(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "paragraph",
        "apiref",
        apiref_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )


RawDirective = tuple[str, str, int]  # object path, options as written, 1-based body line


def scan_directives(body: str) -> tuple[RawDirective, ...]:
    """The directives of a Markdown body as written (not those in code): a block parse, no
    rendering."""
    if ":::" not in body:
        return ()
    return tuple(
        (token.meta["path"], token.meta["options"], (token.map or [0])[0] + 1)
        for token in _scanner().parse(body, {})
        if token.type == "apiref"
    )


def directive_specs(raw: tuple[RawDirective, ...]) -> tuple[DirectiveSpec, ...]:
    """Scanned directives with their options read; those with bad options are left out
    (rendering reports them)."""
    out = []
    for path, options, line in raw:
        try:
            out.append(DirectiveSpec(path, parse_options(options), line))
        except DirectiveError:
            continue
    return tuple(out)


@lru_cache(maxsize=4096)
def find_directives(body: str) -> tuple[DirectiveSpec, ...]:
    """The directives of a Markdown body, remembered per body (see also facts.py, which keeps
    the scan on disk)."""
    return directive_specs(scan_directives(body))


_SCANNER: list[MarkdownIt] = []


def _scanner() -> MarkdownIt:
    if not _SCANNER:
        md = MarkdownIt("commonmark")
        register_block_rule(md)
        md.disable(["inline"], ignoreInvalid=True)
        _SCANNER.append(md)
    return _SCANNER[0]


# --- the plan -------------------------------------------------------------------------------


def lookup(model: ApiModel, path: str) -> ApiObject:
    obj = model.get(path)
    if obj is not None:
        return obj
    known = list(model.aliases) + list(model.objects)
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.8)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise DirectiveError(
        f"unknown API object '{path}' (not in {model.package} {model.version}){hint}"
    )


def plan(model: ApiModel, spec: DirectiveSpec) -> Placement:
    """What a directive shows, as a tree of placements; raises DirectiveError."""
    obj = lookup(model, spec.path)
    options = spec.options
    children = _member_placements(model, obj, spec.path, options, options.heading_level, True)
    return Placement(
        spec.path,
        obj,
        options.heading_level,
        options.show_root_heading,
        options,
        tuple(children),
        root=True,
    )


def _member_placements(
    model: ApiModel,
    obj: ApiObject,
    path: str,
    options: DirectiveOptions,
    level: int,
    root: bool,
) -> list[Placement]:
    if obj.kind not in ("class", "module") or options.members is False:
        return []
    members = {m.name: m for m in model.members_of(obj)}
    if isinstance(options.members, tuple) and root:
        missing = [name for name in options.members if name not in members]
        if missing:
            raise DirectiveError(f"'{path}' has no public member '{missing[0]}'")
        chosen = [members[name] for name in options.members]
    else:
        chosen = [m for m in members.values() if _shown(m, options)]
        chosen = _ordered(chosen, options)
    nested = replace(options, members=None)
    return [
        Placement(
            f"{path}.{member.name}",
            member,
            min(level + 1, 6),
            True,
            nested,
            tuple(
                _member_placements(model, member, f"{path}.{member.name}", nested, level + 1, False)
            ),
        )
        for member in chosen
    ]


def _shown(member: ApiObject, options: DirectiveOptions) -> bool:
    if member.kind == "module":
        return False  # submodules are placed with their own directive
    if not member.docstring and not options.show_if_no_docstring:
        return False
    if not member.inherited_from:
        return True
    inherited = options.inherited_members
    return inherited is True or (isinstance(inherited, tuple) and member.name in inherited)


def _ordered(members: list[ApiObject], options: DirectiveOptions) -> list[ApiObject]:
    if options.members_order == "alphabetical":
        members = sorted(members, key=lambda m: m.name)
    if options.group_by_category:
        members = sorted(members, key=lambda m: CATEGORY_ORDER.get(m.kind, 9))
    return members
