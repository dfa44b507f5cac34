"""What a static build makes beside its pages: the static search index and each language's
llms-full.txt, in forked workers while the build goes on with its check and special files.

The index of each language share goes to a worker of its own; the llms-full.txt files, which
need every page's Markdown copy, are handed to whichever worker is free first once the pages
are made. When a build is an edit (few pages render otherwise), the workers fork once those
pages are rendered, before the others are carried and made, so the index, the longest of this
work, runs beside the pages instead of after them, and analyses the new renderings from
memory; a build that makes many pages forks them after, so they reuse what the page workers
analysed (docsite.freeze, docsite.pagebuild).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docsite import fullcopy, urls
from docsite.cachefile import no_collection
from docsite.entry import Entry
from docsite.manifest import Record, carry, carry_recorded, intact, record_for, write_new
from docsite.pagebuild import PageJob, carry_unchanged
from docsite.parallel import fork_pool, inherited, shares
from docsite.specialpages import full_copy_inputs

if TYPE_CHECKING:  # the index is made in the workers: only they import the search package
    from docsite.search import StaticIndexStats

Made = dict[str, tuple[str, "StaticIndexStats"]]  # what each language's index was made from


@dataclass
class SideDone:
    """The index's figures per language, the records of the files made (the index's and the
    llms-full.txt files), and what each language's index was made from."""

    search: dict[str, StaticIndexStats] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    made: Made = field(default_factory=dict)
    segments: dict[str, fullcopy.Segments] = field(default_factory=dict)  # llms-full.txt's

    def add(self, other: SideDone) -> None:
        self.search.update(other.search)
        self.records.update(other.records)
        self.made.update(other.made)
        self.segments.update(other.segments)


class SideWork:
    """The side work of one build: `pages_made(copies)` once every page's Markdown copy is
    in the staging folder, then `done()` waits for all of it."""

    def __init__(
        self, job: PageJob, pool: ProcessPoolExecutor | None, groups: list[list[str]]
    ) -> None:
        self.job = job
        self.pool = pool
        self.languages = list(job.snap.site.config.languages)
        self._index: list[Future[SideDone]] = []
        if pool is not None:  # the workers fork at the first of these
            self._index = [pool.submit(_index_share, group) for group in groups]
        self._copies: dict[str, str] | None = None
        self._full: Future[SideDone] | None = None

    def pages_made(self, copies: Mapping[str, str]) -> None:
        """The digest of every Markdown copy's bytes, by file: the llms-full.txt files can be
        made (by the first worker free)."""
        self._copies = dict(copies)
        if self.pool is not None:
            self._full = self.pool.submit(_full_copies, self._copies, self.languages)

    def done(self) -> SideDone:
        assert self._copies is not None, "pages_made comes first"
        result = SideDone()
        if self.pool is None:
            result.add(_index_share(self.languages, self.job))
            result.add(_full_copies(self._copies, self.languages, self.job))
            return result
        for future in [*self._index, self._full]:
            assert future is not None
            result.add(future.result())
        return result


@contextmanager
def side_work(job: PageJob, processes: int) -> Iterator[SideWork]:
    """The side work of a build, in forked workers (one per share of the languages) when
    `processes` allows, else in this process when it is waited for."""
    site = job.snap.site
    languages = list(site.config.languages)
    if processes < 2:
        yield SideWork(job, None, [])
        return
    groups = shares(languages, lambda lang: len(site.entries[lang]), processes)
    groups = [group for group in groups if group]
    with fork_pool(job, len(groups)) as pool:
        yield SideWork(job, pool, groups)


def _index_share(languages: list[str], job: PageJob | None = None) -> SideDone:
    """The static index of some languages (in a forked worker unless `job` is given)."""
    job = job or inherited(PageJob)
    sink = _Sink(job)
    with no_collection():
        from docsite.search import build_static_index

        stats = build_static_index(job.snap.site, job.staging, languages, sink)
    return SideDone(stats, sink.records, sink.made)


def _full_copies(
    copies: Mapping[str, str], languages: list[str], job: PageJob | None = None
) -> SideDone:
    """These languages' llms-full.txt (in a forked worker unless `job` is given), from their
    pages' Markdown copies as this build wrote or carried them (`copies`: the digest of each
    one's bytes, by file; making them all again would cost a parse of every page); carried
    when those copies are what they were, else made again around the last file's segments of
    the pages whose copies are (docsite.fullcopy)."""
    job = job or inherited(PageJob)
    done = SideDone()

    def copy_of(entry: Entry) -> str:
        return (job.staging / urls.markdown_copy(entry.site_path)).read_text("utf-8")

    for lang in languages:
        path = urls.llms_full(lang)
        inputs = full_copy_inputs(job.inputs, lang, copies)
        segments = fullcopy.previous_segments(job, path)
        if segments is not None and (old := carry_unchanged(job, path, inputs)) is not None:
            done.records[path], done.segments[path] = old, segments
            continue
        data, done.segments[path] = fullcopy.full_text(job, lang, copies, copy_of, segments)
        done.records[path] = record_for(
            inputs, hashlib.sha256(data).hexdigest(), write_new(job.staging / path, data)
        )
    return done


class _Sink:
    """Writes the files of the search index, carrying over those whose bytes did not change,
    or a language's whole index when it was made from the same pages (docsite.search.static)."""

    def __init__(self, job: PageJob) -> None:
        self.job = job
        self.records: dict[str, Record] = {}
        self.made: Made = {}

    def write(self, path: str, data: bytes) -> None:
        sha = hashlib.sha256(data).hexdigest()
        job = self.job
        old = job.previous.records.get(path)
        if old is not None and old.sha == sha:
            carried = carry_recorded(job.out, job.staging, path, old)
            if carried is not None:
                self.records[path] = carried
                return
        self.records[path] = record_for("", sha, write_new(job.staging / path, data))

    def carry(self, lang: str, token: str) -> StaticIndexStats | None:
        made = self.job.previous.extra.get("search", {})
        if not isinstance(made, dict) or lang not in made or made[lang][0] != token:
            return None
        prefix = urls.search_index(lang)
        old = {p: r for p, r in self.job.previous.records.items() if p.startswith(prefix)}
        job = self.job
        if not old or not all(intact(r, job.out / p) for p, r in old.items()):
            return None
        for path, record in old.items():
            self.records[path] = carry_recorded(job.out, job.staging, path, record) or record_for(
                "", record.sha, carry(job.out / path, job.staging / path)
            )
        self.made[lang] = made[lang]
        return made[lang][1]  # type: ignore[no-any-return]

    def remember(self, lang: str, token: str, stats: StaticIndexStats) -> None:
        self.made[lang] = (token, stats)
