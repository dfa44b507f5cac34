"""When a page was last updated: its `updated` field, else git's last commit, else its mtime."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from pathlib import Path

from docsite.pages import Page


class LastUpdated:
    """The dates of one content folder's files, from one `git log` call made on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._dates: dict[str, dt.datetime] | None = None
        self._lock = threading.Lock()

    def of(self, page: Page) -> dt.date | dt.datetime | None:
        value = page.meta.get("updated")
        if value:
            return value  # type: ignore[no-any-return]
        with self._lock:
            if self._dates is None:
                self._dates = git_dates(self.folder)
        when = self._dates.get(str(page.source_file.resolve())) if self._dates else None
        if when:
            return when
        try:
            return dt.datetime.fromtimestamp(page.source_file.stat().st_mtime, tz=dt.UTC)
        except OSError:
            return None


def git_dates(folder: Path) -> dict[str, dt.datetime]:
    """Last commit time of every file below folder, from one `git log` call ({} outside git)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            when = dt.datetime.fromtimestamp(int(line[1:]), tz=dt.UTC)
        elif line and when is not None:
            dates.setdefault(str((Path(top) / line).resolve()), when)
    return dates
