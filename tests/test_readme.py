"""The README's commands work as written, on a machine set up by its Quick start."""

from __future__ import annotations

import re
import shlex
import subprocess

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def command_table() -> list[str]:
    """The commands of the table under '## Commands', without their [options]."""
    section = README.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \|", section, re.M)
    return [re.sub(r"\s*\[.*", "", row) for row in rows]


def test_the_command_table_runs_as_written():
    commands = command_table()
    assert len(commands) >= 4, commands
    for command in commands:
        # as a new user types it: no virtualenv activated, nothing on PYTHONPATH
        result = subprocess.run(
            [*shlex.split(command), "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(ROOT)},
        )
        assert result.returncode == 0, f"{command}: {result.stderr[-500:]}"
        assert "Usage:" in result.stdout, command
