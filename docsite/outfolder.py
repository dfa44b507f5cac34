"""The folders of a build's output: the one a build is made in, and how it replaces the output.

A build is written into a folder beside the output, which replaces the output only when the
build is complete, in one atomic exchange on Linux. The output it replaces is kept as the spare
(`.<out>.spare`), and the next incremental build is made in it: its folders exist and most of
its files are hard links to the live ones already, so a build that changed little has little
to do there (docsite.manifest's `carry` keeps such a link, and `write_new` replaces any other
file rather than writing through it). What the spare holds that the build did not write is
pruned before the swap.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docsite.leftovers import remove_later, remove_stale_folders


def staging_folder(out: Path, note: Callable[[str], object], reuse: bool) -> tuple[Path, bool]:
    """A folder beside `out` to build into, after removing what killed builds left, and
    whether it is the spare: the output before the last one, which the last build kept
    (`.<out>.spare`). Its files are mostly hard links to those of `out` and its folders are
    made, so a build that changed little has little to do there; what it holds that the build
    does not write is removed before the swap (`prune`). A cold build starts empty."""
    if out.parent.exists() and not out.parent.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(out.parent))
    out.parent.mkdir(parents=True, exist_ok=True)
    for line in remove_stale_folders(out):
        note(line)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    spare = spare_of(out)
    if not reuse:
        if spare.is_dir() and (line := remove_later(spare, out, "a spare output")) is not None:
            note(line)
        return staging, False
    try:
        os.rename(spare, staging)  # the spare takes the empty folder's name, in one step
    except OSError:
        return staging, False  # none, or another build took it
    return staging, True


def spare_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.spare")


def prune(staging: Path, keep: set[str]) -> None:
    """Remove from a reused folder every file this build did not write, and the folders
    that leaves empty."""
    _prune_folder(os.fspath(staging), "", keep)


def _prune_folder(folder: str, prefix: str, keep: set[str]) -> bool:
    """Prune `folder` (`prefix`: its path below the staging folder, with a slash); whether
    anything is left in it."""
    kept = False
    with os.scandir(folder) as found:
        entries = list(found)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if _prune_folder(entry.path, f"{prefix}{entry.name}/", keep):
                kept = True
                continue
            try:
                os.rmdir(entry.path)
            except OSError:  # something came into it meanwhile
                kept = True
        elif prefix + entry.name in keep:
            kept = True
        else:
            os.unlink(entry.path)
    return kept


def replace(staging: Path, out: Path) -> str | None:
    """Swap the finished build in (atomically where the system can), and keep the old output
    as the spare; a line when it could be neither kept nor removed."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
        return None
    if exchange(staging, out):
        return keep_spare(staging, out)  # it holds the old output now
    old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        old.rename(out)
        raise
    return keep_spare(old, out)


def keep_spare(old: Path, out: Path) -> str | None:
    """Keep the old output as the next build's spare (see `staging_folder`); where there is
    one already, remove it instead."""
    try:
        old.rename(spare_of(out))
    except OSError:
        return remove_later(old, out, "the previous output")
    return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
