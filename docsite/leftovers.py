"""What killed builds leave behind, and its removal by the next build.

A build writes into folders named after its process: the staging and old-output folders beside
the output (`.<out>.build-<pid>-*`, `.<out>.old-<pid>-*`) and, with `--no-cache`, a cold cache
(`.cache/cold-<pid>-<ns>`). A build killed with SIGKILL cannot remove them; the next build
removes those whose process is gone (or that are older than any build runs).
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import time
from pathlib import Path

from docsite.errors import display_path

STALE_SECONDS = 24 * 3600  # no build runs this long: older leftovers are stale whatever their pid
COLD_PREFIX = "cold-"


def cold_cache_dir(cache_dir: Path) -> Path:
    """A fresh cache folder for a cold build, named after this process."""
    return cache_dir / f"{COLD_PREFIX}{os.getpid()}-{time.time_ns()}"


def remove_stale_cold_caches(cache_dir: Path) -> list[str]:
    """Remove the cold caches of `--no-cache` builds that were killed; a line for each that
    stays (see remove_tree)."""
    return _remove_stale(cache_dir, COLD_PREFIX)


def remove_stale_folders(out: Path) -> list[str]:
    """Remove the staging and old-output folders of builds that were killed or could not
    remove them; a line for each that stays."""
    return [
        line
        for kind in ("build", "old")
        for line in _remove_stale(out.parent, f".{out.name}.{kind}-")
    ]


def _remove_stale(parent: Path, prefix: str) -> list[str]:
    lines = []
    for folder in sorted(parent.glob(glob.escape(prefix) + "*")):
        if _is_stale(folder, prefix):
            line = remove_tree(folder, "left by an earlier build")
            lines += [line] if line else []
    return lines


def remove_tree(folder: Path, what: str) -> str | None:
    """Remove a folder and all it holds. None when it is gone; else one line that says what
    stays and why (a read-only folder in it, a file in use), which the next build retries."""
    failures: list[tuple[str, BaseException]] = []
    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=lambda _f, path, exc: failures.append((path, exc)))
    else:
        shutil.rmtree(folder, onerror=lambda _f, path, info: failures.append((path, info[1])))
    if not failures or not os.path.lexists(folder):
        return None
    path, exc = failures[0]
    cause = getattr(exc, "strerror", None) or str(exc)
    return (
        f"warning: could not remove {display_path(folder)} ({what}): {cause}: "
        f"{display_path(path)}; the next build tries again"
    )


def _is_stale(folder: Path, prefix: str) -> bool:
    """Whether the process a leftover is named after is gone (`<prefix><pid>-<suffix>`)."""
    pid, dash, _ = folder.name[len(prefix) :].partition("-")
    try:
        age = time.time() - folder.lstat().st_mtime
    except OSError:
        return False  # gone already
    if age > STALE_SECONDS or not (dash and pid.isdigit()):
        return True  # old, or named before the pid was recorded
    return not _running(int(pid))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OverflowError:  # not a pid at all
        return False
    return True
