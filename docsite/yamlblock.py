"""The YAML of a front matter block, read with PyYAML: a mapping, or an error naming the line.

Imported when a page is read, so a build whose pages come from the source cache does not
import PyYAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from docsite.errors import ContentError

# The C YAML parser recurses on the C stack, so deeply nested front matter would crash the
# process: only blocks with few collection markers (each nesting level needs one) go to it.
_MAX_C_YAML_MARKERS = 1000


class _MarkValueErrors:
    """A value YAML reads but Python refuses (2025-02-30, a 5,000-digit number) is a YAML
    error at that value's line, like any other."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


class _SafeLoader(_MarkValueErrors, yaml.SafeLoader):
    pass


class _CSafeLoader(_MarkValueErrors, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def parse_block(block: str, file: Path) -> dict[str, Any]:
    """The mapping a `---` front matter block holds (the block starts on line 2 of `file`)."""
    if sum(map(block.count, "[{-?:")) <= _MAX_C_YAML_MARKERS:
        try:
            return _as_mapping(yaml.load(block, Loader=_CSafeLoader), file)
        except yaml.YAMLError:
            pass  # parse again below: the pure-Python parser names the line of the problem better
    try:
        data = yaml.load(block, Loader=_SafeLoader)
    except RecursionError:
        raise ContentError(
            file, 2, "front matter is nested too deeply", "front-matter-syntax"
        ) from None
    except yaml.YAMLError as exc:
        line, problem = _yaml_problem(exc)
        raise ContentError(
            file, line, f"invalid YAML in front matter: {problem}", "front-matter-syntax"
        ) from None
    return _as_mapping(data, file)


# A quote or a bracket left open is noticed where the block ends or the next key starts, a line
# or more after the mistake: then the line that opened it is the one to fix.
_UNCLOSED = {"while scanning a quoted scalar": "quote", "while parsing a flow": "bracket"}


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    """The file line (the block starts on line 2) and the message of a YAML error."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", None) or "")
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = problem_mark or context_mark
    opened = next((what for start, what in _UNCLOSED.items() if context.startswith(start)), None)
    if opened and context_mark is not None and mark is not None and context_mark.line < mark.line:
        return context_mark.line + 2, f"{problem} (the {opened} opened on this line is not closed)"
    return (mark.line + 2 if mark is not None else 1), problem


def _as_mapping(data: object, file: Path) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise ContentError(
            file,
            2,
            f"front matter must be a mapping of keys to values, not {kind}",
            "front-matter-syntax",
        )
    return {str(k): v for k, v in data.items()}
