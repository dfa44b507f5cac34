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
import subprocess
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
    failures = [(p, e) for p, e in failures if not isinstance(e, FileNotFoundError)]
    if not failures or not os.path.lexists(folder):
        return None  # what is gone is gone, whoever removed it
    path, exc = failures[0]
    cause = getattr(exc, "strerror", None) or str(exc)
    return (
        f"warning: could not remove {display_path(folder)} ({what}): {cause}: "
        f"{display_path(path)}; the next build tries again"
    )


# The detached remover: reads "<folder>\0<what>" from its standard input, removes the folder,
# and says on the standard error it shares with the build what it could not remove.
_REMOVER = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from docsite.leftovers import remove_tree
folder, _, what = sys.stdin.read().partition("\\0")
line = remove_tree(Path(folder), what) if folder else None
if line:
    print(line, file=sys.stderr)
"""


def remove_later(folder: Path, out: Path, what: str) -> str | None:
    """Remove an old output without making the build wait: a detached process of its own
    (named in the folder's new name, so that the next build leaves it alone while it runs)
    removes it. Where no process can be started, it is removed here (see remove_tree)."""
    package_parent = str(Path(__file__).resolve().parent.parent)
    try:
        remover = subprocess.Popen(
            [sys.executable, "-S", "-c", _REMOVER, package_parent],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C of the build
        )
    except OSError:
        return remove_tree(folder, what)
    assert remover.stdin is not None
    target = out.with_name(f".{out.name}.old-{remover.pid}-{time.monotonic_ns()}")
    try:
        folder.rename(target)
    except OSError:
        remover.stdin.close()  # nothing to remove: it ends
        return remove_tree(folder, what)
    try:
        remover.stdin.write(f"{target}\0{what}".encode())
        remover.stdin.close()
    except OSError:  # it died: the next build removes the folder (its pid is gone)
        pass
    return None


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
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that ended but was not reaped (an orphan of an init that does not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state == "Z"
