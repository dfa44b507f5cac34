"""The floor of a cold build: what the two libraries every page goes through cost alone.

`python -m bench.floor NAME=DIR ... [--runs N] [--json]` parses and renders every Markdown file
of each corpus with markdown-it-py alone (CommonMark and tables, none of docsite's plugins),
and highlights every fenced block whose language Pygments knows, with Pygments alone. No
template, search index, copy or file is made. A cold build of the corpus cannot spend less
CPU than this, so on the machine's cores it cannot take less wall time than this CPU time
divided by the cores (start-up not counted). bench.run sets it beside the cold builds.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from bench.measure import corpora_module_main


def _fences(md: MarkdownIt, texts: list[str]) -> list[tuple[str, str]]:
    """The (language, code) of every fenced block of the texts."""
    return [
        (token.info.split()[0].strip("{}.").lower(), token.content)
        for text in texts
        for token in md.parse(text)
        if token.type == "fence" and token.info.strip()
    ]


def _cpu(step: Callable[[], None]) -> float:
    started = time.process_time()
    step()
    return time.process_time() - started


def measure(root: Path, runs: int) -> dict[str, float]:
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(root.rglob("*.md"))]
    md = MarkdownIt("commonmark").enable("table")
    fences = _fences(md, texts)
    lexers: dict[str, Lexer] = {}
    for language in {language for language, _ in fences}:
        with contextlib.suppress(ClassNotFound):  # shown as plain text: nothing to do
            lexers[language] = get_lexer_by_name(language)
    known = [(lexers[language], code) for language, code in fences if language in lexers]
    formatter = HtmlFormatter(cssclass="highlight", wrapcode=True)

    def parse() -> None:
        for text in texts:
            md.render(text)

    def colour() -> None:
        for lexer, code in known:
            highlight(code, lexer, formatter)

    return {
        "files": float(len(texts)),
        "blocks": float(len(known)),
        "parse": statistics.median(_cpu(parse) for _ in range(runs)),
        "highlight": statistics.median(_cpu(colour) for _ in range(runs)),
    }


def report(corpora: dict[str, Path], runs: int) -> tuple[list[str], list[tuple[str, str, float]]]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    lines = [
        "| corpus | Markdown files | markdown-it-py parse and render, CPU s | fenced blocks "
        f"| Pygments, CPU s | together, CPU s | so a cold build takes at least, on {cores} cores |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    figures = []
    for name, root in corpora.items():
        found = measure(root, runs)
        together = found["parse"] + found["highlight"]
        lines.append(
            f"| {name} | {found['files']:.0f} | {found['parse']:.2f} | {found['blocks']:.0f} "
            f"| {found['highlight']:.2f} | {together:.2f} | {together / cores:.2f} s |"
        )
        figures.append(("floor", name, together / cores))
    lines += [
        f"Median of {runs} runs, one process. The libraries alone, with none of docsite's "
        "work: its plugins, templates, search index (Chinese segmentation included), Markdown "
        "copies and files are all on top of this.",
    ]
    return lines, figures


def main() -> None:
    corpora_module_main(__doc__ or "", "python -m bench.floor", report, runs=3)


if __name__ == "__main__":
    main()
