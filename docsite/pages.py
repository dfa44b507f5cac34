"""Page: one Markdown source file -> front matter, body, digest and URL path."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import re
import reprlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docsite.errors import ContentError, Diagnostic
from docsite.urls import page_url

KNOWN_FIELDS = frozenset(
    {
        "title",
        "slug",
        "sortorder",
        "sidebartitle",
        "toc",
        "meta",
        "authors",
        "updated",
        "draft",
        "source",
    }
)
_SLUG_RE = re.compile(r"^[\w][\w.-]*$")
_HEADER_LINE_RE = re.compile(r"^([A-Za-z][\w-]*):(?:[ \t]+(.*)|[ \t]*)$")
_FIRST_HEADING_RE = re.compile(r"^#[ \t]+(.+?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$", re.M)
MAX_PAGE_BYTES = 4 * 1024 * 1024  # the largest real pages are under 1 MB
SOURCE_HASH_CHARS = 8
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass
class Page:
    """A source page of one language. Its identity across languages is `path`."""

    lang: str
    path: str  # below content/<lang>/, POSIX form, e.g. "user-guide/blueprints.md"
    source_file: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the source file where `body` starts
    digest: str
    url: str  # below /<lang>/, directory style: "" for the home page, "user-guide/blueprints/"
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @functools.cached_property
    def source_hash(self) -> str:
        """The short hash of the body (front matter left out), as a translation records which
        version of its original it translates (docsite.status). Worked out when the page is
        loaded, so the source cache (docsite.sourcecache) keeps it with the page."""
        body = "\n".join(line.rstrip() for line in self.body.strip().split("\n"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:SOURCE_HASH_CHARS]

    @property
    def nav_title(self) -> str:
        return str(self.meta.get("sidebartitle") or self.meta["title"])

    @property
    def sortorder(self) -> int:
        value = self.meta.get("sortorder")
        return value if isinstance(value, int) else 1_000_000

    @property
    def is_index(self) -> bool:
        return posixpath.basename(self.path) == "index.md"

    @property
    def folder(self) -> str:
        """The folder this page belongs to in the nav ("" for the top)."""
        parent = posixpath.dirname(self.path)
        return posixpath.dirname(parent) if self.is_index else parent

    @property
    def draft(self) -> bool:
        return bool(self.meta.get("draft"))


def page_path(source_path: str) -> str:
    """A source path as pages are known by (in URLs, the nav, links, other languages): Unicode
    NFC, so that a file name saved decomposed (`cafe` + U+0301, as macOS writes it) and one
    saved composed (`café`) are the same page, at the URL that browsers and static hosts use."""
    return unicodedata.normalize("NFC", source_path)


def _line_at(text: bytes, offset: int) -> int:
    """The 1-based line of an offset, counting CRLF, LF and lone CR as line ends."""
    head = text[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def decode_source(data: bytes, file: Path) -> str:
    """Bytes -> text with LF line endings; any byte we cannot read is a ContentError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise ContentError(file, 1, "file is UTF-16 encoded; save it as UTF-8", "encoding")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            file,
            _line_at(data, exc.start),
            f"invalid UTF-8 byte 0x{data[exc.start]:02x} (save the file as UTF-8)",
            "encoding",
        ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ContentError(file, _line_at(data, nul), "NUL byte in the text", "encoding")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: text in it has a NUL in every other byte."""
    head = data[:512]
    return len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) * 4 >= len(head)


def split_front_matter(text: str, file: Path) -> tuple[dict[str, Any], str, int]:
    """Return (raw front matter, body, 1-based body line) for either front matter form."""
    lines = text.split("\n")
    if lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ("---", "..."):
                block = "\n".join(lines[1:i])
                from docsite.yamlblock import parse_block  # PyYAML: when a page is read

                return parse_block(block, file), "\n".join(lines[i + 1 :]), i + 2
        raise ContentError(
            file,
            1,
            "front matter opened with '---' is never closed by a '---' line",
            "front-matter-syntax",
        )
    first = _HEADER_LINE_RE.match(lines[0])
    if first and first.group(1).lower() in KNOWN_FIELDS:
        return _parse_plain_header(lines, file)
    return {}, text, 1


def _parse_plain_header(lines: list[str], file: Path) -> tuple[dict[str, Any], str, int]:
    """The `key: value` header: lines up to the first blank line, values as text."""
    meta: dict[str, Any] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            return meta, "\n".join(lines[i + 1 :]), i + 2
        match = _HEADER_LINE_RE.match(line)
        if not match:
            raise ContentError(
                file,
                i + 1,
                "expected 'key: value' in the front matter header "
                "(end the header with a blank line before the text)",
                "front-matter-syntax",
            )
        meta[match.group(1).lower()] = _plain_value((match.group(2) or "").strip())
    return meta, "", len(lines) + 1


def _plain_value(value: str) -> Any:
    if re.fullmatch(r"[+-]?\d{1,18}", value):
        return int(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _as_datetime(value: Any) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                pass
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlevel = 2


def _shown(value: object) -> str:
    """A value as a message quotes it: never longer than a line, however big the value."""
    return _SHORT.repr(value)


def _field_line(text_lines: list[str], key: str, body_line: int) -> int:
    """The line a front matter key stands on (for messages), else the first line."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:", re.I)
    for i, line in enumerate(text_lines[: max(body_line - 1, 1)]):
        if pattern.match(line):
            return i + 1
    return 1


def _text_field(key: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{key}' must be a non-empty string, not {_shown(value)}")
    return value.strip()


def _slug_field(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _SLUG_RE.match(value):
        raise ValueError(
            f"'slug' must be a single URL segment such as 'my-page', not {_shown(value)}"
        )
    return value


def _int_field(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"'{key}' must be an integer, not {_shown(value)}")
    return value


def _flag_field(key: str, value: Any) -> bool:
    flag = _as_bool(value)
    if flag is None:
        raise ValueError(f"'{key}' must be true or false, not {_shown(value)}")
    return flag


def _authors_field(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [a.strip() for a in value.split(",") if a.strip()]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError("'authors' must be a name, a comma-separated string or a list of names")
    return value


def _date_field(key: str, value: Any) -> dt.datetime | dt.date:
    when = _as_datetime(value)
    if when is None:
        raise ValueError(
            f"'updated' must be a date like 2025-05-01 or '2025-05-01 12:30', not {_shown(value)}"
        )
    return when


_FIELD_TYPES: dict[str, Any] = {
    "title": _text_field,
    "sidebartitle": _text_field,
    "meta": _text_field,
    "source": _text_field,
    "slug": _slug_field,
    "sortorder": _int_field,
    "toc": _flag_field,
    "draft": _flag_field,
    "authors": _authors_field,
    "updated": _date_field,
}


def validate_meta(
    raw: dict[str, Any], body: str, file: Path, text: str, body_line: int
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check types of the known fields; unknown keys are warnings. Returns clean metadata."""
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    warnings: list[Diagnostic] = []
    for key, value in raw.items():
        line = _field_line(lines, key, body_line)
        check = _FIELD_TYPES.get(key)
        if check is None:
            known = ", ".join(sorted(KNOWN_FIELDS))
            message = f"unknown front matter key {key!r} (known: {known})"
            warnings.append(Diagnostic(str(file), line, message, code="unknown-key"))
            continue
        try:
            meta[key] = check(key, value)
        except ValueError as exc:
            raise ContentError(file, line, str(exc), "front-matter-type") from None
    if "title" not in meta:
        meta["title"], missing = _fallback_title(body, file)
        warnings.extend(missing)
    return meta, warnings


def _fallback_title(body: str, file: Path) -> tuple[str, list[Diagnostic]]:
    """The first `#` heading, else a title made from the file name (with a warning)."""
    heading = _FIRST_HEADING_RE.search(body)
    if heading is not None:
        return heading.group(1).strip(), []
    stem = file.stem if file.stem != "index" else file.parent.name
    title = stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"
    message = "page has no title: add 'title:' to the front matter or a '# ' heading"
    return title, [Diagnostic(str(file), 1, message, code="missing-title")]


def _too_big(file: Path, size: int) -> ContentError:
    limit = MAX_PAGE_BYTES // (1024 * 1024)
    return ContentError(
        file,
        0,
        f"file is {size / (1024 * 1024):.1f} MB; a page may be at most {limit} MB: split it",
        "too-big",
    )


def load_page(content_root: Path, lang: str, path: str, data: bytes | None = None) -> Page:
    """Read content_root/lang/path into a Page; raises ContentError naming file and line."""
    file = content_root / lang / path
    path = page_path(path)
    if data is None:
        try:
            size = file.stat().st_size
            if size > MAX_PAGE_BYTES:
                raise _too_big(file, size)
            data = file.read_bytes()
        except OSError as exc:
            raise ContentError(
                file, 0, f"cannot read file: {exc.strerror or exc}", "unreadable"
            ) from None
    if len(data) > MAX_PAGE_BYTES:
        raise _too_big(file, len(data))
    text = decode_source(data, file)
    raw, body, body_line = split_front_matter(text, file)
    meta, warnings = validate_meta(raw, body, file, text, body_line)
    page = Page(
        lang=lang,
        path=path,
        source_file=file,
        meta=meta,
        body=body,
        body_line=body_line,
        digest=hashlib.sha256(data).hexdigest(),
        url=page_url(path, meta.get("slug")),
        warnings=warnings,
    )
    page.source_hash  # noqa: B018 (kept with the page from now on)
    return page
