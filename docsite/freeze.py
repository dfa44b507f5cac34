"""Freeze the site with Frozen-Flask into a folder, atomically.

The site is written into a temporary folder beside the output; only when every URL froze
does it replace the old output. A failed or interrupted build leaves the old output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning

from docsite.errors import Diagnostic
from docsite.staticsearch import build_static_index
from docsite.web import GENERATED_STATIC, Docsite, static_name


@dataclass
class BuildResult:
    out: Path
    pages: dict[str, int]
    files: int
    warnings: list[Diagnostic] = field(default_factory=list)
    search: dict[str, int] = field(default_factory=dict)  # static index bytes per language
    seconds: float = 0.0


def _urls(state: Docsite) -> Iterator[str]:
    yield "/"
    yield "/404.html"
    yield "/sitemap.xml"
    yield "/robots.txt"
    for name in [*state.theme.static_names(), *GENERATED_STATIC]:
        yield "/_static/" + static_name(state.theme, name)
    for lang in state.config.languages:
        yield f"/{lang}/search/"
        yield f"/{lang}/translation-status/"
        for entry in state.site.entries[lang].values():
            yield f"/{entry.site_path}"
        for asset in state.site.asset_paths(lang):
            yield f"/{lang}/{asset}"


def freeze(
    app: Flask,
    out: Path,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildResult:
    """Write every URL of the app into `out`, replacing it only after a complete build."""
    started = time.perf_counter()
    state: Docsite = app.extensions["docsite"]
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    try:
        urls = list(_urls(state))
        app.config.update(
            FREEZER_DESTINATION=str(staging),
            FREEZER_BASE_URL=state.config.base_url,
            FREEZER_REMOVE_EXTRA_FILES=False,
            FREEZER_IGNORE_MIMETYPE_WARNINGS=True,
            FREEZER_REDIRECT_POLICY="error",
            FREEZER_SKIP_EXISTING=False,
            DOCSITE_FREEZING=True,
        )
        freezer = Freezer(
            app, with_static_files=False, with_no_argument_rules=False, log_url_for=False
        )
        freezer.register_generator(lambda: iter(urls))
        done = 0
        with warnings.catch_warnings():
            # Every URL comes from our one generator, so no endpoint has a generator of its own.
            warnings.simplefilter("ignore", MissingURLGeneratorWarning)
            for page in freezer.freeze_yield():
                done += 1
                if progress:
                    progress(done, len(urls), page.url)
        search = build_static_index(state.site, staging)
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
        files=len(urls) + sum(s.files for s in search.values()),
        search={lang: s.bytes for lang, s in search.items()},
        seconds=time.perf_counter() - started,
    )


def _replace(staging: Path, out: Path) -> None:
    """Swap the finished build in: two renames, the old output removed afterwards."""
    os.chmod(staging, 0o755)
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        out.rename(old)
    try:
        staging.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
