"""Sphinx inventories (objects.inv, version 2): written for our site, read from others.

The format: four header lines, then zlib-compressed lines of
`name domain:role priority uri dispname`, where a uri ending in `$` stands for the uri with
the name in its place and a dispname `-` for the name itself (as Sphinx writes them).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

HEADER = "# Sphinx inventory version 2\n"
_LINE_RE = re.compile(r"(?x)(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)")
PY_ROLES_BY_KIND = {
    "module": "module",
    "class": "class",
    "function": "function",
    "method": "method",
    "attribute": "attribute",
    "property": "property",
    "data": "data",
}
FETCH_TIMEOUT = 10


class InventoryError(ValueError):
    """A file that is not a Sphinx inventory version 2."""


@dataclass(frozen=True)
class InvEntry:
    name: str
    domain: str  # py, std
    role: str  # class, method … doc, label
    uri: str  # relative to the inventory's base URL
    dispname: str = "-"
    priority: int = 1

    def line(self) -> str:
        uri = self.uri
        if uri.endswith(self.name) and self.name:
            uri = uri[: -len(self.name)] + "$"
        dispname = "-" if self.dispname in ("", self.name) else self.dispname
        return f"{self.name} {self.domain}:{self.role} {self.priority} {uri} {dispname}\n"


def dump(project: str, version: str, entries: Iterable[InvEntry]) -> bytes:
    """The bytes of an objects.inv with these entries (sorted, each name and role once)."""
    unique = {(e.domain, e.role, e.name): e for e in entries}
    body = "".join(unique[key].line() for key in sorted(unique))
    header = f"{HEADER}# Project: {project}\n# Version: {version}\n"
    header += "# The remainder of this file is compressed using zlib.\n"
    return header.encode() + zlib.compress(body.encode())


def write(path: Path, project: str, version: str, entries: Iterable[InvEntry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dump(project, version, entries))


def parse(data: bytes) -> list[InvEntry]:
    """The entries of an objects.inv (uris as written, `$` expanded)."""
    lines = data.split(b"\n", 4)
    if len(lines) < 5 or lines[0].decode("utf-8", "replace") + "\n" != HEADER:
        raise InventoryError("not a Sphinx inventory version 2 (objects.inv)")
    if b"zlib" not in lines[3]:
        raise InventoryError("the inventory's body is not zlib-compressed")
    try:
        body = zlib.decompress(lines[4]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise InventoryError(f"the inventory's body does not decompress: {exc}") from exc
    entries = []
    for line in body.splitlines():
        match = _LINE_RE.match(line.rstrip())
        if not match:
            continue
        name, kind, priority, uri, dispname = match.groups()
        domain, _, role = kind.partition(":")
        if uri.endswith("$"):
            uri = uri[:-1] + name
        entries.append(InvEntry(name, domain, role, uri, dispname, int(priority)))
    return entries


@dataclass(frozen=True)
class ExternalInventory:
    """Other projects' objects for outbound links: (domain, name) -> absolute URL.
    Python objects answer to any `py` role, as Sphinx resolves them."""

    urls: Mapping[tuple[str, str], str] = field(default_factory=dict)
    digest: str = ""

    def url(self, domain: str, name: str) -> str | None:
        return self.urls.get((domain, name))


def read_source(location: str) -> bytes:
    """An inventory's bytes from a local file or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        import urllib.request  # only a build that names a remote inventory fetches one

        with urllib.request.urlopen(location, timeout=FETCH_TIMEOUT) as response:
            return bytes(response.read())
    return Path(location).read_bytes()


def load_external(sources: Iterable[tuple[str, str]]) -> ExternalInventory:
    """Read inventories given as (location of objects.inv, base URL of those docs).

    For an http(s) location the base URL may be "" (the inventory's folder is used).
    """
    urls: dict[tuple[str, str], str] = {}
    digest = hashlib.sha256()
    for location, base in sources:
        data = read_source(location)
        digest.update(data)
        if not base:
            base = location.rsplit("/", 1)[0] + "/"
        for entry in parse(data):
            domain = "py" if entry.domain == "py" else f"{entry.domain}:{entry.role}"
            urls.setdefault((domain, entry.name), urljoin(base, entry.uri))
    return ExternalInventory(urls, digest.hexdigest()[:16])


@dataclass(frozen=True)
class InvPage:
    """A page for objects.inv: its docname (source path without .md), URI and headings."""

    docname: str
    uri: str  # relative to where objects.inv is served: en/api/app/
    title: str
    headings: tuple[tuple[str, str], ...] = ()  # (id, text)


def page_inv_entries(pages: Iterable[InvPage]) -> list[InvEntry]:
    """`std:doc` for each page and `std:label` for each heading. Heading ids are unique per
    page only, so labels are `docname:id` (Sphinx's autosectionlabel with prefixes)."""
    out = []
    for page in pages:
        out.append(InvEntry(page.docname, "std", "doc", page.uri, page.title or "-"))
        for ident, text in page.headings:
            name = f"{page.docname}:{ident}"
            out.append(InvEntry(name, "std", "label", f"{page.uri}#{ident}", text or "-"))
    return out
