"""The API model: plain, picklable records of a package's objects, independent of griffe.

Objects are stored by their *model path*: the path of the module or class that holds them
plus their name (`flask.app.Flask.route`, an inherited member stored under the class that
inherits it). Public re-exports (`flask.Flask` -> `flask.app.Flask`) are aliases, so
`ApiModel.get("flask.Flask.route")` finds the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["module", "class", "function", "method", "attribute", "property", "data"]
KINDS: tuple[Kind, ...] = (
    "module",
    "class",
    "function",
    "method",
    "attribute",
    "property",
    "data",
)
ParamKind = Literal[
    "positional-only", "positional", "var-positional", "keyword-only", "var-keyword"
]


@dataclass(frozen=True)
class Param:
    """One parameter of a signature, with its annotation and default as source text."""

    name: str
    kind: ParamKind = "positional"
    annotation: str = ""
    default: str | None = None


@dataclass(frozen=True)
class ApiObject:
    """One documented object: a module, class, function, method, attribute, property or data."""

    kind: Kind
    path: str  # model path: flask.app.Flask.route
    canonical: str  # where it is defined: flask.sansio.scaffold.Scaffold.route
    name: str
    package: str = ""  # the distribution whose source defines it: flask, werkzeug …
    file: str = ""  # source file below the package's parent folder: flask/sansio/scaffold.py
    lineno: int = 0
    endlineno: int = 0
    docstring: str = ""
    docstring_line: int = 0  # the line of the docstring's first line in docstring_file
    docstring_file: str = ""  # like `file`; another file when the docstring is inherited
    params: tuple[Param, ...] = ()
    returns: str = ""
    annotation: str = ""  # of attributes, data and properties
    value: str = ""  # of attributes and data, as source text
    bases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # public member names, own first, in source order
    inherited_from: str = ""  # the class it is inherited from (canonical path), if inherited
    decorators: tuple[str, ...] = ()  # last parts of decorator names: property, classmethod …
    labels: tuple[str, ...] = ()  # griffe labels: writable, class-attribute …
    private: bool = False  # `:meta private:` in the docstring
    docstring_from: str = ""  # the overridden object whose docstring this one shows

    @property
    def parent_path(self) -> str:
        return self.path.rpartition(".")[0]

    @property
    def is_callable(self) -> bool:
        return self.kind in ("class", "function", "method")


@dataclass(frozen=True)
class ApiModel:
    """Every object of one package, with its aliases and the versions it was read from."""

    package: str
    version: str
    objects: dict[str, ApiObject] = field(hash=False)
    aliases: dict[str, str] = field(hash=False)  # public path -> model path
    public_names: tuple[str, ...] = ()  # the names the top-level package exports
    versions: dict[str, str] = field(default_factory=dict, hash=False)  # package -> version
    digest: str = ""

    def resolve(self, path: str, _depth: int = 0) -> str | None:
        """The model path of an object named by any of its public paths, or None."""
        if path in self.objects:
            return path
        if _depth > 20:
            return None
        parts = path.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            target = self.aliases.get(prefix)
            if target is not None:
                rest = parts[i:]
                return self.resolve(".".join([target, *rest]), _depth + 1)
        return None

    def get(self, path: str) -> ApiObject | None:
        found = self.resolve(path)
        return self.objects[found] if found is not None else None

    def members_of(self, obj: ApiObject) -> list[ApiObject]:
        """The public members of a module or class (aliases followed), in the model's order."""
        out: list[ApiObject] = []
        for name in obj.members:
            member = self.get(f"{obj.path}.{name}")
            if member is not None and not member.private:
                out.append(member)
        return out
