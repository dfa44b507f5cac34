"""Read a package's API with griffe (static analysis, nothing is imported) into an ApiModel.

Imported only when the model is read anew (modelcache.py keeps it on disk).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import griffe

from docsite.apiref.model import ApiModel, ApiObject, Kind, Param, ParamKind

_PARAM_KINDS: dict[str, ParamKind] = {
    "positional-only": "positional-only",
    "positional or keyword": "positional",
    "variadic positional": "var-positional",
    "keyword-only": "keyword-only",
    "variadic keyword": "var-keyword",
}
_PROPERTY_DECORATORS = ("property", "cached_property")
_META_PRIVATE_RE = re.compile(r"^\s*:meta private:\s*$", re.M)


def read_package(
    package: str,
    search_paths: Sequence[Path] | None,
    bases: Sequence[str],
    versions: dict[str, str],
    digest: str,
) -> ApiModel:
    """The API of `package` (and of the `bases` its classes inherit from), read with griffe;
    `versions` are the installed ones by package, `digest` what the model is kept under
    (modelcache.cache_key)."""
    paths = [str(p) for p in search_paths] if search_paths is not None else None
    loader = griffe.GriffeLoader(allow_inspection=False, search_paths=paths)
    root = loader.load(package)
    if not isinstance(root, griffe.Module):
        raise TypeError(f"{package} is not a package or module")
    _load_namespace_subpackages(loader, root)
    for base in bases:
        if base != package:
            try:
                loader.load(base)
            except (ImportError, griffe.LoadingError):
                continue  # not installed: members inherited from it are left out
    loader.resolve_aliases(implicit=False, external=False)
    walker = _Walker(package)
    walker.module(root)
    return ApiModel(
        package=package,
        version=versions[package],
        objects=walker.objects,
        aliases=walker.aliases,
        public_names=tuple(walker.public_names(root)),
        versions=versions,
        digest=digest,
    )


def _load_namespace_subpackages(loader: griffe.GriffeLoader, module: griffe.Module) -> None:
    """Folders of Python files without __init__.py inside the package (flask.sansio) are
    importable (PEP 420) but griffe skips them: visit their modules and attach them."""
    if not module.is_package or not isinstance(module.filepath, Path):
        return
    for folder in sorted(module.filepath.parent.iterdir()):
        if (
            not folder.is_dir()
            or folder.name.startswith(("_", "."))
            or (folder / "__init__.py").exists()
            or folder.name in module.members
            or not any(folder.glob("*.py"))
        ):
            continue
        namespace = griffe.Module(
            folder.name,
            filepath=folder,
            parent=module,
            lines_collection=loader.lines_collection,
            modules_collection=loader.modules_collection,
        )
        module.set_member(folder.name, namespace)
        for file in sorted(folder.glob("*.py")):
            code = file.read_text("utf-8")
            loader.lines_collection[file] = code.splitlines()
            sub = griffe.visit(
                file.stem,
                file,
                code,
                parent=namespace,
                lines_collection=loader.lines_collection,
                modules_collection=loader.modules_collection,
            )
            namespace.set_member(file.stem, sub)
    for member in list(module.members.values()):
        if not member.is_alias and isinstance(member, griffe.Module) and member.is_package:
            _load_namespace_subpackages(loader, member)


class _Walker:
    """Turns griffe objects into ApiObjects, module by module."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.objects: dict[str, ApiObject] = {}
        self.aliases: dict[str, str] = {}
        self._lines: dict[Path, list[str]] = {}

    def _inside(self, path: str) -> bool:
        return path == self.package or path.startswith(self.package + ".")

    def public_names(self, root: griffe.Module) -> Iterable[str]:
        """`__all__`, or else the names re-exported from the package's own modules."""
        exports = root.exports
        if exports:
            return [str(name) for name in exports]
        return [
            name
            for name, member in root.members.items()
            if member.is_alias
            and not name.startswith("_")
            and self._inside(member.target_path)
            and not _is_module_alias(member)
        ]

    def module(self, module: griffe.Module) -> None:
        members: list[str] = []
        for name, member in module.members.items():
            if name.startswith("_"):
                continue
            if member.is_alias:
                if self._inside(member.target_path) and not _is_module_alias(member):
                    target = _final_path(member)
                    if target is not None:
                        self.aliases[f"{module.path}.{name}"] = target
                        members.append(name)
                continue
            if isinstance(member, griffe.Module):
                self.module(member)
            elif isinstance(member, griffe.Class):
                self.cls(member, f"{module.path}.{name}")
                members.append(name)
            elif isinstance(member, griffe.Function | griffe.Attribute):
                self.record(member, f"{module.path}.{name}", in_class=False)
                members.append(name)
        record = self._common(module, module.path, "module")
        self.objects[module.path] = _replace(record, members=tuple(members))

    def cls(self, cls: griffe.Class, path: str) -> None:
        names: list[str] = []
        own = set(cls.members)
        for name, member in cls.all_members.items():
            if name.startswith("_"):
                continue
            target = _target(member)
            if target is None:
                continue
            inherited = "" if name in own else target.parent.path if target.parent else ""
            if isinstance(target, griffe.Class):
                self.cls(target, f"{path}.{name}")
            elif isinstance(target, griffe.Function | griffe.Attribute):
                self.record(target, f"{path}.{name}", in_class=True, inherited=inherited)
                self._inherit_docstring(cls, name, f"{path}.{name}")
            else:
                continue
            if not self.objects[f"{path}.{name}"].private:
                names.append(name)
        names.sort(key=lambda n: n not in own)  # own members first, source order kept
        record = self._class_docstring(cls, self._common(cls, path, "class"))
        self.objects[path] = _replace(
            record,
            members=tuple(names),
            bases=tuple(_base_path(b) for b in cls.bases),
            params=_params(cls.parameters, drop_first=True) if _has_init(cls) else (),
        )

    def _class_docstring(self, cls: griffe.Class, record: ApiObject) -> ApiObject:
        """A class without a docstring shows its nearest base's (flask.Blueprint has none of
        its own; the sansio Blueprint it extends documents it), as autodoc's inherited docs."""
        if record.docstring:
            return record
        for base in cls.mro():
            if base.docstring is not None and base.docstring.value.strip():
                text, line = self._docstring(base)
                return _replace(
                    record,
                    docstring=text,
                    docstring_line=line,
                    docstring_file=_relative_file(base),
                    docstring_from=base.canonical_path,
                )
        return record

    def _inherit_docstring(self, cls: griffe.Class, name: str, path: str) -> None:
        """A member without a docstring shows the one it overrides, as Sphinx autodoc does."""
        record = self.objects[path]
        if record.docstring:
            return
        for base in cls.mro():
            other = base.members.get(name)
            target = _target(other) if other is not None else None
            if target is not None and target.docstring and target.docstring.value.strip():
                text, line = self._docstring(target)
                self.objects[path] = _replace(
                    record,
                    docstring=text,
                    docstring_line=line,
                    docstring_file=_relative_file(target),
                    private=bool(_META_PRIVATE_RE.search(text)),
                    docstring_from=target.canonical_path,
                )
                return

    def record(
        self,
        obj: griffe.Function | griffe.Attribute,
        path: str,
        in_class: bool,
        inherited: str = "",
    ) -> None:
        if isinstance(obj, griffe.Function):
            decorators = _decorators(obj)
        else:  # griffe turns @property functions into attributes labelled "property"
            decorators = ("property",) if "property" in obj.labels else ()
        kind = _kind(obj, in_class, decorators)
        record = _replace(
            self._common(obj, path, kind), decorators=decorators, inherited_from=inherited
        )
        if isinstance(obj, griffe.Function):
            drop = in_class and "staticmethod" not in decorators
            if kind == "property":
                record = _replace(record, annotation=_text(obj.returns))
            else:
                record = _replace(
                    record, params=_params(obj.parameters, drop), returns=_text(obj.returns)
                )
        else:
            record = _replace(record, annotation=_text(obj.annotation), value=_text(obj.value))
        self.objects[path] = record

    def _common(self, obj: griffe.Object, path: str, kind: Kind) -> ApiObject:
        text, line = self._docstring(obj)
        relative = _relative_file(obj)
        return ApiObject(
            kind=kind,
            path=path,
            canonical=obj.canonical_path,
            name=obj.name,
            package=obj.package.name,
            file=relative,
            lineno=obj.lineno or 0,
            endlineno=obj.endlineno or obj.lineno or 0,
            docstring=text,
            docstring_line=line,
            docstring_file=relative,
            labels=tuple(sorted(obj.labels)),
            private=bool(_META_PRIVATE_RE.search(text)),
        )

    def _docstring(self, obj: griffe.Object) -> tuple[str, int]:
        """The docstring, or Sphinx's `#:` comment lines above an attribute."""
        if obj.docstring is not None and obj.docstring.value.strip():
            return obj.docstring.value, obj.docstring.lineno or obj.lineno or 0
        if not isinstance(obj, griffe.Attribute) or not obj.lineno:
            return "", 0
        if not isinstance(obj.filepath, Path):
            return "", 0
        lines = self._file_lines(obj.filepath)
        comment: list[str] = []
        index = obj.lineno - 2
        while index >= 0 and lines[index].lstrip().startswith("#:"):
            text = lines[index].lstrip()[2:]
            comment.insert(0, text[1:] if text.startswith(" ") else text)
            index -= 1
        return "\n".join(comment), index + 2

    def _file_lines(self, file: Path) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = file.read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]


def _relative_file(obj: griffe.Object) -> str:
    """The object's file below its package's parent folder (flask/app.py), or ""."""
    if not isinstance(obj.filepath, Path):
        return ""
    try:
        return obj.relative_package_filepath.as_posix()
    except ValueError:
        return ""


def _replace(record: ApiObject, **changes: Any) -> ApiObject:
    return dataclasses.replace(record, **changes)


def _target(member: griffe.Object | griffe.Alias) -> griffe.Object | None:
    if not member.is_alias:
        return member  # type: ignore[return-value]
    try:
        return member.final_target  # type: ignore[union-attr,return-value]
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _final_path(alias: griffe.Alias) -> str | None:
    target = _target(alias)
    return target.path if target is not None else None


def _is_module_alias(alias: griffe.Alias) -> bool:
    target = _target(alias)
    return target is None or isinstance(target, griffe.Module)


def _has_init(cls: griffe.Class) -> bool:
    return any("__init__" in c.members for c in [cls, *cls.mro()])


def _kind(
    obj: griffe.Function | griffe.Attribute, in_class: bool, decorators: tuple[str, ...]
) -> Kind:
    if isinstance(obj, griffe.Attribute):
        if "property" in obj.labels:
            return "property"
        return "attribute" if in_class else "data"
    if in_class and any(d in _PROPERTY_DECORATORS for d in decorators):
        return "property"
    return "method" if in_class else "function"


def _decorators(obj: griffe.Function) -> tuple[str, ...]:
    names = []
    for decorator in obj.decorators:
        path = decorator.callable_path or str(decorator.value)
        names.append(path.rpartition(".")[2])
    for label in ("classmethod", "staticmethod", "property", "abstractmethod"):
        if label in obj.labels and label not in names:
            names.append(label)
    return tuple(names)


def _params(parameters: griffe.Parameters, drop_first: bool) -> tuple[Param, ...]:
    params = list(parameters)
    if drop_first and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return tuple(
        Param(
            name=p.name,
            kind=_PARAM_KINDS.get(p.kind.value if p.kind else "", "positional"),
            annotation=_text(p.annotation),
            default=None if p.default is None else _text(p.default),
        )
        for p in params
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _base_path(base: object) -> str:
    if isinstance(base, griffe.Expr):
        path = getattr(base, "canonical_path", None)
        if isinstance(path, str):
            return path
    return str(base)
