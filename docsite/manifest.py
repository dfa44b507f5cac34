"""The build manifest: what each file of the last static build was made from, and its bytes.

It lives in the project's cache (`.cache/builds/<key>.pickle`, one per output folder and
content folder). For each file of the output it records the digest of the file's inputs
(docsite.buildinputs), the digest of its bytes, and the file as written (inode, size,
modification time); a page also records its render key, the link targets its rendering
resolved and what rendering and templating it cost. The next build carries a file whose inputs
did not change into its new staging folder by a hard link to the old one (a copy where links
are refused), so an unchanged page is neither templated nor written again.

A manifest describes one output folder, recognised by its inode: an output swapped in by
another build (or by hand), or a build killed between the swap and the manifest's write,
makes it describe nothing. A file of the output changed since (its inode, size or time
differ) is never carried.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docsite.cachefile import no_collection, write_atomically

VERSION = 1


@dataclass(frozen=True)
class Record:
    """One file of an output folder: made from `inputs`, its bytes digest `sha`, as written."""

    inputs: str
    sha: str
    size: int
    inode: int
    mtime_ns: int
    render_key: str = ""  # pages: what the rendering depended on
    targets: tuple[str, ...] = ()
    cost: float = 0.0  # pages: seconds spent rendering and templating it


@dataclass
class Manifest:
    """The records of one output folder's files, by path below it."""

    folder_id: tuple[int, int] = (0, 0)  # (st_dev, st_ino) of the folder described
    records: dict[str, Record] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # others' state, by name


def manifest_file(cache_dir: Path | None, content_dir: Path, out: Path) -> Path | None:
    """Where the manifest of builds of `content_dir` into `out` lives (None: no cache)."""
    if cache_dir is None:
        return None
    key = hashlib.sha256(f"{content_dir.resolve()}\0{out.resolve()}".encode()).hexdigest()[:16]
    return cache_dir / "builds" / f"{key}.pickle"


def folder_id(folder: Path) -> tuple[int, int]:
    info = folder.stat()
    return (info.st_dev, info.st_ino)


def load_manifest(file: Path | None, out: Path) -> Manifest:
    """The manifest of `out`, or an empty one when there is none that describes it."""
    if file is None:
        return Manifest()
    try:
        with file.open("rb") as fh, no_collection():
            data = pickle.load(fh)
        if data.get("version") != VERSION or data["folder_id"] != folder_id(out):
            return Manifest()  # for an output replaced since (or a build killed in between)
        return Manifest(data["folder_id"], data["records"], data.get("extra", {}))
    except (OSError, pickle.PickleError, EOFError, ImportError, AttributeError, LookupError,
            TypeError, ValueError):  # fmt: skip
        return Manifest()  # none, unreadable, or written by other code: build it all


def save_manifest(file: Path | None, manifest: Manifest) -> None:
    """Write the manifest (atomically); a cache that cannot be written only costs speed."""
    if file is None:
        return
    data = {
        "version": VERSION,
        "folder_id": manifest.folder_id,
        "records": manifest.records,
        "extra": manifest.extra,
    }
    write_atomically(file, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def intact(record: Record, file: str | os.PathLike[str]) -> bool:
    """Whether the output's file is still the one the record describes."""
    try:
        info = os.stat(file)
    except OSError:
        return False
    return _describes(record, info)


def _describes(record: Record, info: os.stat_result) -> bool:
    return (info.st_ino, info.st_size, info.st_mtime_ns) == (
        record.inode,
        record.size,
        record.mtime_ns,
    )


def carry_recorded(out: Path, staging: Path, name: str, record: Record) -> Record | None:
    """Carry the output's file `name` into the staging folder when it is still the one the
    record describes; its record as carried, or None (nothing carried) when it changed.

    A build carries thousands of files, so this takes the shortest way: a reused folder that
    holds the very file already keeps it, and a new hard link is that file (its record
    stays true) without asking for its status again. A link in the spare to the very file
    recorded (its inode, size and time) is that file, whatever the output holds now."""
    old, new = f"{out}/{name}", f"{staging}/{name}"
    try:
        if _describes(record, os.stat(new)):
            return record  # the spare's link to it (docsite.outfolder)
        present = True
    except OSError:
        present = False
    if not intact(record, old):
        return None
    if not present:
        try:
            _in_folder(new, lambda: os.link(old, new))
            return record
        except OSError:
            pass  # a file where its folder goes, or no links here: the general way
    info = carry(Path(old), Path(new))
    return record if _describes(record, info) else record_for_file(record, info)


def record_for_file(record: Record, info: os.stat_result) -> Record:
    """The same record, for a copy of its file (another inode and time)."""
    return dataclasses.replace(record, inode=info.st_ino, mtime_ns=info.st_mtime_ns)


def carry(old: Path, new: Path) -> os.stat_result:
    """Put the old output's file at `new`: a hard link, or a copy where links are refused. In
    a reused folder (the spare, docsite.outfolder) `new` may be that very link already, and is
    kept; any other file there is replaced, never written through."""
    try:
        _in_folder(new, lambda: os.link(old, new))
    except FileExistsError:
        info = new.stat()
        if os.path.samestat(info, old.stat()):
            return info
        clear(new)
        return carry(old, new)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
        shutil.copy2(old, new)
    return new.stat()


def write_new(file: Path, data: bytes) -> os.stat_result:
    """Write a file as a new one: what a reused folder held at its path is removed first (it
    may be a link to the old output, which must not change)."""

    def write() -> None:
        with open(file, "xb") as fh:
            fh.write(data)

    try:
        _in_folder(file, write)
    except FileExistsError:
        clear(file)
        _in_folder(file, write)
    return os.stat(file)


def clear(path: Path) -> None:
    """Remove whatever a reused folder holds at `path` (a file, or a folder where a file
    goes now)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _in_folder(file: str | Path, make: Callable[[], None]) -> None:
    """Make a file, and its folder first when that is missing (most files of a page's folder
    find it made: asking for it each time cost a build more than the links)."""
    try:
        make()
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(Path(os.path.dirname(file)))
        make()


def _make_folder(folder: Path) -> None:
    """Make a folder, removing a file that a reused folder holds where one of its parts goes."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in (folder, *folder.parents) if p.is_file()), None)
        if blocking is None:
            raise
        blocking.unlink()
        folder.mkdir(parents=True, exist_ok=True)


def record_for(inputs: str, sha: str, info: os.stat_result, **page: object) -> Record:
    return Record(inputs, sha, info.st_size, info.st_ino, info.st_mtime_ns, **page)  # type: ignore[arg-type]
