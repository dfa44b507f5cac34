"""The page shown when a theme template fails while serving: it cannot use the theme."""

from __future__ import annotations

import traceback
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateError, select_autoescape

from docsite.errors import display_path

_ENV = Environment(
    loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def template_error_html(exc: TemplateError, live: bool) -> str:
    """A theme template failed: file, line, message and the lines around it."""
    file, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not file:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".html"):
                file, line = frame.filename, frame.lineno
                break
    lines: list[tuple[int, str]] = []
    if file and line:
        try:
            text = Path(file).read_text("utf-8").splitlines()
            low = max(line - 3, 0)
            lines = [(n + 1, text[n]) for n in range(low, min(line + 2, len(text)))]
        except OSError:
            pass
    return _ENV.get_template("template-error.html").render(
        where=f"{display_path(file)}:{line}" if file else "template",
        message=str(exc),
        line=line,
        lines=lines,
        live=live,
    )
