"""Freeze the site with Frozen-Flask into a folder, atomically.

The site is written into a temporary folder beside the output; only when every URL froze
does it replace the old output, in one atomic exchange on Linux. A failed or interrupted build
(even a killed one) leaves the old output as it was; the folders a killed build leaves behind
(`.<out>.build-<pid>-*`, `.<out>.old-<pid>-*`) are removed by the next build.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning

from docsite import urls
from docsite.context import GENERATED_STATIC, static_name
from docsite.errors import Diagnostic
from docsite.offline import index_as_scripts
from docsite.parallel import MIN_PAGES, fork_pool, inherited, jobs, shares
from docsite.state import Docsite
from docsite.staticsearch import StaticIndexStats, build_static_index


@dataclass
class BuildResult:
    out: Path
    pages: dict[str, int]
    files: int
    warnings: list[Diagnostic] = field(default_factory=list)
    search: dict[str, int] = field(default_factory=dict)  # static index bytes per language
    seconds: float = 0.0
    processes: int = 1  # that froze and indexed in parallel


def _shared_urls(state: Docsite) -> Iterator[str]:
    theme = state.theme
    names = [static_name(theme, name) for name in [*theme.static_names(), *GENERATED_STATIC]]
    return ("/" + path for path in urls.shared_paths(names))


def _language_urls(state: Docsite, lang: str) -> Iterator[str]:
    site = state.site
    page_urls = [entry.url for entry in site.entries[lang].values()]
    return ("/" + path for path in urls.language_paths(lang, page_urls, site.asset_paths(lang)))


def freeze(
    app: Flask,
    out: Path,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildResult:
    """Write every URL of the app into `out`, replacing it only after a complete build."""
    started = time.perf_counter()
    state: Docsite = app.extensions["docsite"]
    out = out.resolve()
    staging = _staging_folder(out)
    languages = list(state.config.languages)
    processes = min(jobs(), len(languages))
    if sum(len(state.site.entries[lang]) for lang in languages) < MIN_PAGES:
        processes = 1
    # Each process freezes and indexes whole languages; the first also the shared files.
    groups = shares(languages, lambda lang: len(state.site.entries[lang]), processes)
    try:
        app.config.update(
            FREEZER_DESTINATION=str(staging),
            FREEZER_BASE_URL=state.config.base_url,
            FREEZER_REMOVE_EXTRA_FILES=False,
            FREEZER_IGNORE_MIMETYPE_WARNINGS=True,
            FREEZER_REDIRECT_POLICY="error",
            FREEZER_SKIP_EXISTING=False,
            DOCSITE_FREEZING=True,
        )
        mine = [*_shared_urls(state)]
        for lang in groups[0]:
            mine.extend(_language_urls(state, lang))
        with fork_pool(app, processes - 1) as pool:
            futures = [pool.submit(_freeze_share, group, staging) for group in groups[1:]]
            # The progress shown is this process's share; the workers' run alongside.
            files = _freeze_urls(
                app, mine, lambda done, url: progress and progress(done, len(mine), url)
            )
            search = build_static_index(state.site, staging, groups[0])
            for future in futures:
                count, stats = future.result()
                files += count
                search.update(stats)
        if state.config.offline:  # opened from disk: the index is read as scripts
            index_as_scripts(staging)
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        app.config["DOCSITE_FREEZING"] = False
    pages = {lang: len(state.site.entries[lang]) for lang in state.config.languages}
    return BuildResult(
        out=out,
        pages=pages,
        files=files + sum(s.files for s in search.values()),
        search={lang: s.bytes for lang, s in search.items()},
        seconds=time.perf_counter() - started,
        processes=processes,
    )


def _staging_folder(out: Path) -> Path:
    """A new folder beside the output to build into (after removing killed builds' ones)."""
    if out.parent.exists() and not out.parent.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(out.parent))
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_folders(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))


def _freeze_urls(app: Flask, urls: list[str], progress: Callable[[int, str], object]) -> int:
    """Freeze these URLs of the app with Frozen-Flask; the number of files written."""
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    freezer.register_generator(lambda: iter(urls))
    done = 0
    with warnings.catch_warnings():
        # Every URL comes from our one generator, so no endpoint has a generator of its own.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        for page in freezer.freeze_yield():
            done += 1
            progress(done, page.url)
    return done


def _freeze_share(languages: list[str], staging: Path) -> tuple[int, dict[str, StaticIndexStats]]:
    """In a forked worker: freeze and index whole languages into the same staging folder."""
    app = inherited(Flask)
    state: Docsite = app.extensions["docsite"]
    urls = [url for lang in languages for url in _language_urls(state, lang)]
    count = _freeze_urls(app, urls, lambda done, url: None)
    return count, build_static_index(state.site, staging, languages)


def _replace(staging: Path, out: Path) -> None:
    """Swap the finished build in (atomically where the system can), then drop the old one."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # it holds the old output now
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
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


STALE_SECONDS = 24 * 3600  # no build runs this long: older leftovers are stale whatever their pid


def remove_stale_folders(out: Path) -> None:
    """Remove the staging and old-output folders of builds that were killed (their process is
    gone), so that they do not pile up beside the output."""
    for kind in ("build", "old"):
        prefix = f".{out.name}.{kind}-"
        for folder in out.parent.glob(glob.escape(prefix) + "*"):
            pid = folder.name[len(prefix) :].split("-", 1)[0]
            try:
                age = time.time() - folder.lstat().st_mtime
            except OSError:
                continue
            if age > STALE_SECONDS or not (pid.isdigit() and _running(int(pid))):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
