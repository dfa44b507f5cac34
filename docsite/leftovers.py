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
import time
from pathlib import Path

STALE_SECONDS = 24 * 3600  # no build runs this long: older leftovers are stale whatever their pid
COLD_PREFIX = "cold-"


def cold_cache_dir(cache_dir: Path) -> Path:
    """A fresh cache folder for a cold build, named after this process."""
    return cache_dir / f"{COLD_PREFIX}{os.getpid()}-{time.time_ns()}"


def remove_stale_cold_caches(cache_dir: Path) -> None:
    """Remove the cold caches of `--no-cache` builds that were killed."""
    _remove_stale(cache_dir, COLD_PREFIX)


def remove_stale_folders(out: Path) -> None:
    """Remove the staging and old-output folders of builds that were killed."""
    for kind in ("build", "old"):
        _remove_stale(out.parent, f".{out.name}.{kind}-")


def _remove_stale(parent: Path, prefix: str) -> None:
    for folder in parent.glob(glob.escape(prefix) + "*"):
        if _is_stale(folder, prefix):
            shutil.rmtree(folder, ignore_errors=True)


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
