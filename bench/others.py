"""The other generators on the same corpora: MkDocs 1.6 and Sphinx + myst-parser, pinned.

Both are installed into their own virtualenv (bench/.venv-others) from requirements-others.txt
and build each language separately, as they have no notion of a bilingual site.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements-others.txt"
VENV = HERE / ".venv-others"

# Python-Markdown extensions (all built in) that make MkDocs do the work docsite does:
# heading ids from {#id}, admonitions and Pygments highlighting at build time.
SAME_WORK_EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "admonition", "codehilite"]

SPHINX_CONF = """\
project = "bench"
root_doc = "index"
language = {language!r}
extensions = ["myst_parser"]
source_suffix = {{".md": "markdown"}}
myst_heading_anchors = 3
html_theme = "alabaster"
suppress_warnings = [
    "myst.header", "myst.xref_missing", "toc.not_included", "misc.highlighting_failure"
]
"""


@dataclass(frozen=True)
class Tool:
    """One way of building one language folder: a name and how to make its command."""

    name: str
    config_note: str


MKDOCS = Tool("MkDocs (plain)", "theme mkdocs, plugins [search], use_directory_urls: true")
MKDOCS_SAME = Tool(
    "MkDocs (+attr_list, admonition, codehilite)",
    "as plain, with markdown_extensions " + ", ".join(SAME_WORK_EXTENSIONS),
)
SPHINX = Tool(
    "Sphinx + myst-parser",
    "alabaster, myst_heading_anchors = 3, serial build (no -j), fresh environment (-E)",
)
TOOLS = (MKDOCS, MKDOCS_SAME, SPHINX)


def ensure_venv(log: Path) -> dict[str, str]:
    """Create or refresh bench/.venv-others from the pins; return the installed versions."""
    stamp = VENV / "requirements.txt"
    wanted = REQUIREMENTS.read_text()
    if not stamp.is_file() or stamp.read_text() != wanted:
        shutil.rmtree(VENV, ignore_errors=True)
        with log.open("wb") as out:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, stdout=out)
            subprocess.run(
                [str(VENV / "bin/python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        stamp.write_text(wanted)
    script = (
        "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in "
        "['mkdocs', 'sphinx', 'myst-parser', 'docutils', 'markdown', 'pygments']}))"
    )
    out = subprocess.run(
        [str(VENV / "bin/python"), "-c", script], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def command(tool: Tool, source: Path, out: Path, work: Path, lang: str) -> list[str]:
    """The build command for one language folder, after writing the config it needs."""
    work.mkdir(parents=True, exist_ok=True)
    if tool is SPHINX:
        conf = work / f"sphinx-conf-{lang}"
        conf.mkdir(exist_ok=True)
        (conf / "conf.py").write_text(
            SPHINX_CONF.format(language="zh_CN" if lang == "zh" else lang)
        )
        return [
            str(VENV / "bin/sphinx-build"),
            "-b",
            "html",
            "-q",
            "-E",
            "-c",
            str(conf),
            "-d",
            str(out / ".doctrees"),
            str(source),
            str(out),
        ]
    config = {
        "site_name": f"bench {lang}",
        "docs_dir": str(source),
        "site_dir": str(out),
        "theme": {"name": "mkdocs"},
        "plugins": ["search"],
        "use_directory_urls": True,
    }
    if tool is MKDOCS_SAME:
        config["markdown_extensions"] = SAME_WORK_EXTENSIONS
    file = work / f"{out.name}.yml"  # out's name tells the variant, corpus and language
    file.write_text(json.dumps(config, indent=2))  # JSON is YAML
    return [str(VENV / "bin/mkdocs"), "build", "-q", "--clean", "-f", str(file)]
