"""Errors and warnings about content, as values that travel to the CLI, the server and check."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


def display_path(path: Path | str) -> str:
    """A path as a contributor wants to read it: relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# Control characters, and the line separators Unicode adds to them
_UNPRINTABLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text with each control character (a TAB, a line break …) written as its escape."""
    return _UNPRINTABLE_RE.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a source file, at a 1-based line (0 when it concerns the file).

    `code` names the kind of problem (`missing-page`, `front-matter-type` …) for tools that
    read `check --format json`; README's contributor section lists them.
    """

    path: str
    line: int
    message: str
    level: Level = "warning"
    code: str = ""

    def __str__(self) -> str:
        """One line of printable text, whatever the file name or the message quotes."""
        where = f"{display_path(self.path)}:{self.line}" if self.line else display_path(self.path)
        return printable(f"{where}: {self.level}: {self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "path": display_path(self.path),
            "line": self.line,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


class ContentError(Exception):
    """A source file that cannot be turned into a page: names the file, the line and the cause."""

    def __init__(self, path: Path | str, line: int, message: str, code: str = "content") -> None:
        super().__init__(f"{display_path(path)}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message
        self.code = code

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.line, self.message, "error", self.code)


class ConfigError(Exception):
    """The site configuration ([tool.docsite]) is invalid."""
