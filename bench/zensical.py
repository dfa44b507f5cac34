"""Zensical (the Rust-based successor of Material for MkDocs) on the same corpora, pinned.

It is installed into a virtualenv of its own (bench/.venv-zensical) from
requirements-zensical.txt, and builds each language separately, as MkDocs does. Zensical wants
its docs and output folders inside the project folder (the one holding its configuration), so
each language gets a project folder in the scratch space with a copy of the corpus's language
folder. A cold build cleans Zensical's cache (`--clean`); a warm build is the same command
again, on the cache the build before it filled.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements-zensical.txt"
VENV = HERE / ".venv-zensical"
NAME = "Zensical"
CONFIG_NOTE = (
    "its default theme and settings, use_directory_urls: true; cold: `build --clean`, warm: "
    "`build` again on the cache the build before filled; one project folder per language"
)


def ensure_venv(log: Path) -> str:
    """Create or refresh bench/.venv-zensical from its pins; return Zensical's version."""
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
    script = "import importlib.metadata as m; print(m.version('zensical'))"
    out = subprocess.run(
        [str(VENV / "bin/python"), "-c", script], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def project(source: Path, work: Path, name: str, lang: str) -> Path:
    """The project folder of one corpus language (a fresh copy of its pages), its config."""
    folder = work / f"zensical-{name}-{lang}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder / "docs")
    config = {
        "site_name": f"bench {lang}",
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
    }
    file = folder / "zensical.yml"
    file.write_text(json.dumps(config, indent=2))  # JSON is YAML
    return file


def command(config: Path, cold: bool) -> list[str]:
    """The build command of one language's project: cold cleans Zensical's cache first."""
    return [str(VENV / "bin/zensical"), "build", *(["--clean"] if cold else []), "-f", str(config)]
