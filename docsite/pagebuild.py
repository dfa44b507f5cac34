"""The pages of a static build: each carried over from the last build, or made and written.

A page whose inputs (docsite.buildinputs) are those the manifest recorded for the file in the
output folder is carried into the staging folder by a hard link, costing no templating and
no writing. The others are rendered (from the render cache when it holds them), templated
and written, on every core: the parent and the workers it forks each take the next page when
they are free, the costliest first, as the last build measured it (a new page is estimated
from its size). A page and its translations go to one process, which parses it once for all
its languages. The workers also make the static search index's rows of what they render,
and send those back with each rendering's facts, not its HTML.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docsite import llms, urls
from docsite.buildinputs import BuildInputs
from docsite.context import Snapshot
from docsite.entry import Entry
from docsite.errors import ContentError
from docsite.manifest import (
    Manifest,
    Record,
    carry,
    carry_recorded,
    intact,
    record_for,
    write_new,
)
from docsite.parallel import MIN_PAGES, Deal, fork_pool, inherited, shares
from docsite.renderfacts import Facts

if TYPE_CHECKING:
    from docsite.state import Docsite

SECONDS_PER_BYTE = 2e-6  # a page not measured yet is estimated from its size


@dataclass
class PageJob:
    """What every worker needs: the state to template with and where to read and write."""

    state: Docsite
    snap: Snapshot
    inputs: BuildInputs
    previous: Manifest
    out: Path
    staging: Path
    analyze: Callable[[list[Entry]], dict[str, Any]] | None = None


@dataclass
class PagesDone:
    """What building pages gives back: a record per file, the facts of the renderings (what
    the check and objects.inv need of them: their HTML stays where it was made) and the
    search index's rows made ahead."""

    records: dict[str, Record] = field(default_factory=dict)
    facts: list[tuple[str, Facts]] = field(default_factory=list)
    analyzed: dict[str, Any] = field(default_factory=dict)
    written: int = 0

    def add(self, other: PagesDone) -> None:
        self.records.update(other.records)
        self.facts.extend(other.facts)
        self.analyzed.update(other.analyzed)
        self.written += other.written


def page_file(item: Entry) -> str:
    """The file a page is frozen into, below the output folder."""
    return item.site_path + "index.html"


def carry_unchanged(job: PageJob, name: str, inputs: str) -> Record | None:
    """Carry the file `name` over from the last build's output when it was made from `inputs`
    and is as it was written; its record as carried, or None (nothing carried)."""
    old = job.previous.records.get(name)
    if old is None or old.inputs != inputs:
        return None
    return carry_recorded(job.out, job.staging, name, old)


def add_copy(job: PageJob, item: Entry, page: Record, records: dict[str, Record]) -> None:
    """The page's Markdown copy (docsite.llms) beside its file: carried over when the page's
    inputs are those it was made from, else made again (it is made from the page's source,
    its links and the configuration, which the page's inputs cover)."""
    name = urls.markdown_copy(item.site_path)
    inputs = hashlib.sha256(f"markdown-copy\0{page.inputs}".encode()).hexdigest()
    if (same := carry_unchanged(job, name, inputs)) is not None:
        records[name] = same
        return
    records[name] = _write_or_keep(job, name, inputs, llms.markdown_copy(job.snap.site, item))


def _write_or_keep(
    job: PageJob, name: str, inputs: str, text: str | bytes, **page: object
) -> Record:
    """Write a file made again, or carry the old one when it has the same bytes."""
    data = text.encode() if isinstance(text, str) else text
    sha = hashlib.sha256(data).hexdigest()
    old = job.previous.records.get(name)
    if old is not None and old.sha == sha and intact(old, job.out / name):
        info = carry(job.out / name, job.staging / name)  # the same bytes: keep the file
    else:
        info = write_new(job.staging / name, data)
    return record_for(inputs, sha, info, **page)


def try_carry(job: PageJob, item: Entry) -> Record | None:
    """Carry the page's file over from the last build when its inputs are unchanged."""
    name = page_file(item)
    old = job.previous.records.get(name)
    if old is None:
        return None
    key = job.snap.site.render_key(item)
    if key != old.render_key:
        return None
    inputs = job.inputs.page(item, key, job.inputs.links_now(item, old.targets))
    if inputs != old.inputs:
        return None
    return carry_recorded(job.out, job.staging, name, old)


def make_page(job: PageJob, item: Entry) -> Record | None:
    """Render (or read the render cache), template and write one page; None when it has an
    error (the build's check reports it and refuses to publish)."""
    started = time.perf_counter()
    site = job.snap.site
    key = site.render_key(item)
    try:
        body = job.state.page_body(job.snap, item)
    except ContentError:
        return None
    cached = site.renderer.cached(key)
    links = cached[0] if cached is not None else {}
    inputs = job.inputs.page(item, key, links)
    cost = time.perf_counter() - started
    page = {"render_key": key, "targets": tuple(sorted(links)), "cost": cost}
    return _write_or_keep(job, page_file(item), inputs, body, **page)


def make_pages(job: PageJob, items: list[Entry]) -> PagesDone:
    """Make these pages in this process; what the parent adopts."""
    done = PagesDone()
    renderer = job.snap.site.renderer
    for item in items:
        record = make_page(job, item)
        if record is not None:
            done.records[page_file(item)] = record
            add_copy(job, item, record, done.records)
            done.written += 1
        key = job.snap.site.render_key(item)
        if (found := renderer.facts_of(key)) is not None:
            done.facts.append((key, found))
    if job.analyze is not None:
        done.analyzed = job.analyze(items)
    return done


def _worker_share(items: list[tuple[str, str]]) -> PagesDone:
    job = inherited(PageJob)
    site = job.snap.site
    return make_pages(job, [site.entries[lang][path] for lang, path in items])


def estimated_cost(job: PageJob, item: Entry) -> float:
    old = job.previous.records.get(page_file(item))
    if old is not None and old.cost > 0:
        return old.cost
    return SECONDS_PER_BYTE * len(item.page.body) + 1e-3


def carry_pages(job: PageJob) -> tuple[PagesDone, list[list[Entry]]]:
    """Carry over every page whose inputs did not change; the others, a page and its
    translations together (`make_pages_of` makes them)."""
    done = PagesDone()
    todo: dict[str, list[Entry]] = {}  # by page path
    for item in job.snap.site.all_entries():
        record = try_carry(job, item)
        if record is not None:
            done.records[page_file(item)] = record
            add_copy(job, item, record, done.records)
        else:
            todo.setdefault(item.page.path, []).append(item)
    return done, list(todo.values())


def changed_renderings(job: PageJob) -> list[Entry] | None:
    """The pages that render otherwise than in the last build (their render key is not the
    one recorded), when there are fewer than MIN_PAGES (an edit); None when there are more
    (a new build)."""
    site, changed = job.snap.site, []
    for item in site.all_entries():
        old = job.previous.records.get(page_file(item))
        if old is None or old.render_key != site.render_key(item):
            changed.append(item)
            if len(changed) >= MIN_PAGES:
                return None
    return changed


def make_pages_of(
    job: PageJob,
    groups: list[list[Entry]],
    processes: int,
    pool: ProcessPoolExecutor | None = None,
) -> PagesDone:
    """Make these pages (`carry_pages`' leftovers) on every core: in new workers, each
    taking the next page (and its translations) when it is free, the costliest first; in the
    workers of `pool` when given (forks that inherited `job`), in shares of equal cost."""
    if processes < 2 or sum(map(len, groups)) < MIN_PAGES:
        return make_pages(job, [item for group in groups for item in group])
    done = PagesDone()
    costs = [sum(estimated_cost(job, i) for i in group) for group in groups]
    if pool is None:
        order = [groups[n] for n in sorted(range(len(groups)), key=costs.__getitem__)[::-1]]
        dealt = _Dealt(job, [[(i.lang, i.page.path) for i in g] for g in order], Deal(len(order)))
        with fork_pool(dealt, processes - 1) as pool:
            futures = [pool.submit(_worker_deal) for _ in range(processes - 1)]
            done.add(_take_dealt(job, order, dealt.deal))
            for future in futures:
                done.add(future.result())
        return done
    parts = shares(list(zip(groups, costs, strict=True)), lambda pair: pair[1], processes)
    keys = [[(i.lang, i.page.path) for group, _ in part for i in group] for part in parts]
    futures = [pool.submit(_worker_share, part) for part in keys[1:]]
    done.add(make_pages(job, [i for group, _ in parts[0] for i in group]))
    for future in futures:
        done.add(future.result())
    return done


@dataclass
class _Dealt:
    """What the workers of a deal inherit: the job, the pages by group, and the deal."""

    job: PageJob
    groups: list[list[tuple[str, str]]]
    deal: Deal


def _take_dealt(job: PageJob, groups: list[list[Entry]], deal: Deal) -> PagesDone:
    """Make the groups of pages this process is dealt, one at a time."""
    done = PagesDone()
    for index in deal.take():
        done.add(make_pages(job, groups[index]))
    return done


def _worker_deal() -> PagesDone:
    dealt = inherited(_Dealt)
    entries = dealt.job.snap.site.entries
    groups = [[entries[lang][path] for lang, path in group] for group in dealt.groups]
    return _take_dealt(dealt.job, groups, dealt.deal)
