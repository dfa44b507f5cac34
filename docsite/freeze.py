"""Freeze the site with Frozen-Flask into a folder, atomically.

The site is written into a temporary folder beside the output; only when every URL froze
does it replace the old output, in one atomic exchange on Linux. A failed or interrupted build
(even a killed one) leaves the old output as it was; the folders a killed build leaves behind
(`.<out>.build-<pid>-*`, `.<out>.old-<pid>-*`) are removed by the next build.
"""

from __future__ import annotations

import ctypes
import errno
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
from docsite.leftovers import remove_stale_folders, remove_tree
from docsite.offline import index_as_scripts
from docsite.parallel import MIN_PAGES, fork_pool, inherited, jobs, shares
from docsite.search import StaticIndexStats, build_static_index
from docsite.state import Docsite


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
    note: Callable[[str], object] = lambda line: print(line, file=sys.stderr),
) -> BuildResult:
    """Write every URL of the app into `out`, replacing it only after a complete build.

    `note` gets a line for each folder a build could not remove (the old output, or what an
    earlier build left); the next build tries again.
    """
    started = time.perf_counter()
    state: Docsite = app.extensions["docsite"]
    out = out.resolve()
    staging = _staging_folder(out, note)
    languages = list(state.config.languages)
    processes = min(jobs(), len(languages))
    if sum(len(state.site.entries[lang]) for lang in languages) < MIN_PAGES:
        processes = 1
    # Each process freezes and indexes whole languages; the first also the shared files.
    groups = shares(languages, lambda lang: len(state.site.entries[lang]), processes)
    try:
        _configure_freezer(app, staging, state.config.base_url)
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
        if (line := _replace(staging, out)) is not None:
            note(line)
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


def _configure_freezer(app: Flask, staging: Path, base_url: str) -> None:
    app.config.update(
        FREEZER_DESTINATION=str(staging),
        FREEZER_BASE_URL=base_url,
        FREEZER_REMOVE_EXTRA_FILES=False,
        FREEZER_IGNORE_MIMETYPE_WARNINGS=True,
        FREEZER_REDIRECT_POLICY="error",
        FREEZER_SKIP_EXISTING=False,
        DOCSITE_FREEZING=True,
    )


def _staging_folder(out: Path, note: Callable[[str], object]) -> Path:
    """A fresh folder beside `out` to build into, after removing what killed builds left."""
    if out.parent.exists() and not out.parent.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(out.parent))
    out.parent.mkdir(parents=True, exist_ok=True)
    for line in remove_stale_folders(out):
        note(line)
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


def _replace(staging: Path, out: Path) -> str | None:
    """Swap the finished build in (atomically where the system can), then drop the old one;
    a line when the old one could not be removed."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
        return None
    if _exchange(staging, out):
        return remove_tree(staging, "the previous output")  # it holds the old output now
    old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        old.rename(out)
        raise
    return remove_tree(old, "the previous output")


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
