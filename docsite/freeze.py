"""Freeze the site into a folder, atomically, redoing only what changed.

The site is written into a folder beside the output (docsite.outfolder: the spare output
the last build kept, or a new folder); only when every URL froze does it replace the output,
in one atomic exchange on Linux. A failed or interrupted build (even a killed one) leaves the
output as it was; the folders a killed build leaves behind (`.<out>.build-<pid>-*`,
`.<out>.old-<pid>-*`) are removed by the next build.

Pages are templated by the app's own `Docsite.page_body` (the bytes its page view answers
with) and written by docsite.pagebuild, which carries over the files of pages whose inputs did
not change (docsite.manifest); theme and content files are carried over the same way. The
other URLs (start page, 404, sitemap, search and status pages) and whatever changed among the
static files go through Frozen-Flask. The static index and the llms-full.txt files are made
meanwhile in forked workers (docsite.sidework).
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docsite import urls
from docsite.buildinputs import BuildInputs
from docsite.context import GENERATED_STATIC, Snapshot, static_name
from docsite.errors import Diagnostic
from docsite.fullcopy import MANIFEST_KEY
from docsite.leftovers import remove_later
from docsite.manifest import (
    Manifest,
    Record,
    carry_recorded,
    clear,
    folder_id,
    load_manifest,
    record_for,
    save_manifest,
)
from docsite.offline import index_as_scripts
from docsite.outfolder import keep_spare, prune, staging_folder
from docsite.outfolder import replace as replace_output
from docsite.pagebuild import (
    PageJob,
    carry_pages,
    carry_unchanged,
    changed_renderings,
    make_pages_of,
)
from docsite.parallel import MIN_PAGES, jobs
from docsite.sidework import side_work
from docsite.specialpages import frozen_file, special_files, special_names
from docsite.state import Docsite

if TYPE_CHECKING:
    from flask import Flask

    from docsite.check import CheckReport
    from docsite.entry import Entry
    from docsite.search import StaticIndexStats


# runs the check (or says a known report again) and refuses a build with errors
Verify = Callable[["CheckReport | None"], "CheckReport | None"]


@dataclass
class BuildResult:
    out: Path
    pages: dict[str, int]
    files: int
    warnings: list[Diagnostic] = field(default_factory=list)
    search: dict[str, int] = field(default_factory=dict)  # static index bytes per language
    seconds: float = 0.0
    processes: int = 1  # that froze and indexed in parallel


def freeze(
    app: Flask | Docsite,
    out: Path,
    progress: Callable[[int, int, str], None] | None = None,
    note: Callable[[str], object] = lambda line: print(line, file=sys.stderr),
    verify: Verify | None = None,
    manifest_at: Path | None = None,
) -> BuildResult:
    """Write every URL of the app into `out`, replacing it only after a complete build.

    `app` may be the site's state alone: the app is then made around it (docsite.app) only
    when some URL must go through Frozen-Flask, which a build that carries every file over
    never does (nor does it import Flask).

    With `manifest_at` (docsite.manifest), files whose inputs did not change since the build
    that made `out` are carried over from it instead of being made again. `verify` runs once
    every page is rendered, before anything is published; it raises to refuse the build, and
    returns its report, which the manifest keeps: the next build made from the same inputs
    (`BuildInputs.check`) hands it back instead of having the site checked again.
    `note` gets a line for each folder a build could not remove (the old output, or what an
    earlier build left); the next build tries again.
    """
    started = time.perf_counter()
    lazy = _LazyApp(app)
    state = lazy.state
    out = out.resolve()
    previous = load_manifest(manifest_at, out)
    processes = jobs() if sum(1 for _ in state.site.all_entries()) >= MIN_PAGES else 1
    run = _Run(lazy, state, out, previous, processes, progress, note, _once(verify), manifest_at)
    try:
        files, search = _build(run)
    finally:
        if lazy.made is not None:
            lazy.made.config["DOCSITE_FREEZING"] = False
    pages = {lang: len(state.site.entries[lang]) for lang in state.config.languages}
    return BuildResult(
        out=out,
        pages=pages,
        files=files + sum(s.files for s in search.values()),
        search={lang: s.bytes for lang, s in search.items()},
        seconds=time.perf_counter() - started,
        processes=processes,
    )


class _LazyApp:
    """The Flask app a build freezes URLs with: the one given, or one made around the given
    state when first asked for."""

    def __init__(self, given: Flask | Docsite) -> None:
        self.made: Flask | None = None if isinstance(given, Docsite) else given
        self.state: Docsite = given if isinstance(given, Docsite) else given.extensions["docsite"]

    def get(self) -> Flask:
        if self.made is None:
            from docsite.app import app_for  # Flask: only a build that freezes a URL needs it

            self.made = app_for(self.state)
        return self.made


@dataclass
class _Run:
    """What one call of `freeze` builds with, whichever folder it builds into."""

    app: _LazyApp
    state: Docsite
    out: Path
    previous: Manifest
    processes: int
    progress: Callable[[int, int, str], None] | None
    note: Callable[[str], object]
    verify: Verify
    manifest_at: Path | None


def _once(verify: Verify | None) -> Verify:
    """`verify`, run by the first call only (a build made again in a fresh folder does not
    say its problems twice); later calls return the first one's report."""
    done: list[CheckReport | None] = []

    def run(known: CheckReport | None) -> CheckReport | None:
        if verify is not None and not done:
            done.append(verify(known))
        return done[0] if done else None

    return run


def _build(run: _Run) -> tuple[int, dict[str, StaticIndexStats]]:
    """`_build_into` a staging folder (the spare output when there is one), made again in a
    fresh folder when the spare cannot be written into."""
    out, note = run.out, run.note
    reuse = bool(run.previous.records)
    while True:
        staging, reused = staging_folder(out, note, reuse)
        try:
            return _build_into(run, staging, reused)
        except OSError:
            if not reused:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            # a spare this build cannot write into: dropped, and the build made afresh
            if (line := remove_later(staging, out, "a spare output")) is not None:
                note(line)
            reuse = False
        except BaseException:  # refused or interrupted: a reused folder stays the spare
            if not reused:
                shutil.rmtree(staging, ignore_errors=True)
            elif (line := keep_spare(staging, out)) is not None:
                note(line)
            raise


def _build_into(run: _Run, staging: Path, reused: bool) -> tuple[int, dict[str, StaticIndexStats]]:
    """The whole build into `staging`, then swapped in: how many files were not the search
    index's, and the index's figures."""
    app, state, out = run.app, run.state, run.out
    job = _page_job(state, run.previous, out, staging)
    # An edit (few pages render otherwise) renders those pages, then starts the side work,
    # whose index analyses them (rendered already) beside the other pages. A bigger build
    # starts it after the pages, and it reuses what the page workers analysed.
    changed = changed_renderings(job) if run.processes >= 2 else None
    early = changed is not None
    if changed is not None:
        for item in changed:
            job.snap.site.render(item)
        job = replace(job, analyze=None)
    else:  # the page workers analyse what they render: imported once, before they fork
        import docsite.search.static  # noqa: F401
    with ExitStack() as stack:
        side = stack.enter_context(side_work(job, run.processes)) if early else None
        done, groups = carry_pages(job)
        done.add(make_pages_of(job, groups, run.processes, side.pool if side else None))
        for key, found in done.facts:
            state.site.renderer.adopt_facts(key, found)
        if done.analyzed:  # rows the page workers made for the index
            from docsite.search import adopt_analyzed

            adopt_analyzed(done.analyzed)
        side = side or stack.enter_context(side_work(job, run.processes))
        records = done.records
        todo = _carry_files(job, records)
        side.pages_made({name: r.sha for name, r in records.items() if name.endswith(".md")})
        made = {name: record.inputs for name, record in records.items()}
        checked = job.inputs.check({**made, **{frozen_file(u): i for u, i in todo.items()}})
        known = _known_report(job.previous, checked)
        report = run.verify(known)
        # the site is what it was (BuildInputs.check): so is every special file, if intact
        names = special_names(state.config.languages)
        if known is None or not _carry_all(job, names, records):
            _freeze_rest(app, job, records, todo, run.progress)
        elif todo:
            _freeze_rest(app, job, records, todo, run.progress, specials=False)
        state.site.renderer.keep_facts(r.render_key for r in records.values() if r.render_key)
        beside = side.done()
    files = len(records) + sum(1 for name in beside.records if not _is_index(name))
    records.update(beside.records)
    if reused:
        prune(staging, set(records))
    segments = {MANIFEST_KEY: beside.segments}
    extra: dict[str, object] = {"search": beside.made, "check": (checked, report), **segments}
    if state.config.offline:  # opened from disk: the index is read as scripts
        index_as_scripts(staging)  # its JSON files go, so none is carried next time
        records = {p: r for p, r in records.items() if not _is_index(p)}
        extra = {"check": (checked, report), **segments}
    save_manifest(run.manifest_at, Manifest(folder_id(staging), records, extra))
    if (line := replace_output(staging, out)) is not None:
        run.note(line)
    return files, beside.search


def _is_index(name: str) -> bool:
    return name.startswith(urls.SEARCH_INDEX)


def _known_report(previous: Manifest, checked: str) -> CheckReport | None:
    """The last build's check report, when it was made from the same inputs as this one."""
    known = previous.extra.get("check")
    if isinstance(known, tuple) and len(known) == 2 and known[0] == checked:
        return known[1]  # type: ignore[no-any-return]
    return None


def _freeze_rest(
    app: _LazyApp,
    job: PageJob,
    records: dict[str, Record],
    todo: dict[str, str],
    progress: Callable[[int, int, str], None] | None,
    specials: bool = True,
) -> None:
    """Freeze the static and content files that changed (`todo`: URL -> inputs) with
    Frozen-Flask; with `specials`, the special files too (docsite.specialpages), each carried
    instead when it is made from what it was made from last time."""
    frozen = dict(todo)
    for special in special_files(job.inputs) if specials else ():
        if (old := carry_unchanged(job, special.name, special.inputs)) is not None:
            records[special.name] = old
        else:
            frozen[special.url] = special.inputs
    urls = list(frozen)
    if not urls:  # every file carried: no Flask app is needed
        return
    for url in urls:  # Frozen-Flask writes into a file it finds: never into a reused link
        clear(job.staging / frozen_file(url))
    _freeze_urls(
        app.get(),
        job.staging,
        urls,
        lambda done, url: progress(done, len(urls), url) if progress else None,
    )
    for url, inputs in frozen.items():
        name = frozen_file(url)
        sha = hashlib.sha256((job.staging / name).read_bytes()).hexdigest()
        records[name] = record_for(inputs, sha, (job.staging / name).stat())


def _carry_all(job: PageJob, names: list[str], records: dict[str, Record]) -> bool:
    """Carry these files over as the last build recorded them, when each is intact; False
    when one is not (those carried before it are made again by `_freeze_rest`)."""
    old: dict[str, Record] = {}
    for name in names:
        record = job.previous.records.get(name)
        if record is None:
            return False
        old[name] = record
    for name, record in old.items():
        if (carried := carry_recorded(job.out, job.staging, name, record)) is None:
            return False
        records[name] = carried
    return True


def _page_job(state: Docsite, previous: Manifest, out: Path, staging: Path) -> PageJob:
    snap = state.snapshot
    inputs = BuildInputs(snap, state.search_mode)
    return PageJob(state, snap, inputs, previous, out, staging, functools.partial(_ahead, snap))


def _ahead(snap: Snapshot, items: list[Entry]) -> dict[str, Any]:
    """The static index's rows of these pages, made where they were rendered (a worker)."""
    from docsite.search import analyze_ahead

    return analyze_ahead(snap.site, items)


def _file_inputs(job: PageJob) -> dict[str, tuple[str, str]]:
    """The theme's static files and the content folder's other files (images …): the digest
    of their inputs and their URL, by file below the output."""
    state, theme = job.state, job.snap.theme
    found: dict[str, tuple[str, str]] = {}
    for name in [*theme.static_names(), *GENERATED_STATIC]:
        path = urls.static_file(static_name(theme, name))
        found[path] = (job.inputs.static(name), "/" + path)
    site = job.snap.site
    for lang in state.config.languages:
        for rel in site.asset_paths(lang):
            source = site.find_asset(lang, rel)
            if source is not None:
                path = urls.page(lang, rel)
                found[path] = (job.inputs.file(source), "/" + path)
    return found


def _carry_files(job: PageJob, records: dict[str, Record]) -> dict[str, str]:
    """Carry the static and content files that did not change; the URLs of the others, with
    the digest of their inputs."""
    todo: dict[str, str] = {}
    for path, (inputs, url) in _file_inputs(job).items():
        if (old := carry_unchanged(job, path, inputs)) is not None:
            records[path] = old
        else:
            todo[url] = inputs
    return todo


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


def _freeze_urls(
    app: Flask, staging: Path, urls: list[str], progress: Callable[[int, str], object]
) -> int:
    """Freeze these URLs of the app into `staging` with Frozen-Flask; the number of files
    written."""
    from flask_frozen import Freezer, MissingURLGeneratorWarning  # only builds need it

    _configure_freezer(app, staging, app.extensions["docsite"].config.base_url)
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
