"""Use every core for a build: pages are rendered, frozen and indexed in forked processes.

Python runs one thread at a time, so a build uses more cores only with more processes. Forking
after the site is loaded gives each worker the pages, the theme and the parser for free; the
workers send back only what the parent needs (rendered pages, or a few counts).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from docsite.site import Site

if TYPE_CHECKING:
    from docsite.search import Ahead

T = TypeVar("T")
MIN_PAGES = 16  # below this, starting a process costs more than it saves
_INHERITED: object = None  # what the forked workers of a fork_pool inherit
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def jobs(requested: int | None = None) -> int:
    """How many processes a build uses: DOCSITE_JOBS, else the cores this process may use."""
    if requested is None:
        requested = int(os.environ.get("DOCSITE_JOBS", "0") or 0)
    if requested <= 0:
        requested = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, requested)


def shares(items: Sequence[T], weight: Callable[[T], float], count: int) -> list[list[T]]:
    """Items split into `count` lists of about equal weight (heaviest first, to the lightest)."""
    out: list[list[T]] = [[] for _ in range(count)]
    totals = [0.0] * count
    for item in sorted(items, key=weight, reverse=True):
        lightest = totals.index(min(totals))
        out[lightest].append(item)
        totals[lightest] += weight(item)
    return out


class Deal:
    """Items handed out one at a time, in their order, to whichever process asks first: this
    one and the workers it forks after making the deal (the counter is in shared memory).
    Items ordered heaviest first keep the processes busy alike, however wrong their weights
    were guessed."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._next = multiprocessing.get_context("fork").Value("i", 0)

    def take(self) -> Iterator[int]:
        """The indexes of the items this process gets, until none is left."""
        while True:
            with self._next.get_lock():
                index = self._next.value
                self._next.value = index + 1
            if index >= self.count:
                return
            yield index


def prerender(site: Site, processes: int, analyze: bool = False) -> None:
    """Render every page (fallbacks included) into the site's render cache, in parallel.

    With `analyze`, the pages rendered are also analyzed for the static search index, which
    spreads the index's largest cost over every process too.
    """
    todo = [
        (lang, path)
        for lang in site.config.languages
        for path, entry in site.entries.get(lang, {}).items()
        if not site.is_rendered(entry)
    ]
    if processes < 2 or len(todo) < MIN_PAGES:
        return
    # A page and its translations go to one process: they share their code blocks.
    by_path: dict[str, list[tuple[str, str]]] = {}
    for lang, path in todo:
        by_path.setdefault(path, []).append((lang, path))
    groups = shares(
        list(by_path.values()),
        lambda group: sum(len(site.entries[lang][path].page.body) for lang, path in group),
        processes,
    )
    parts = [[key for group in part for key in group] for part in groups]
    with fork_pool(site, processes - 1) as pool:
        futures = [pool.submit(_render_share, part, analyze) for part in parts[1:]]
        _, analyzed = _render_share(parts[0], analyze, site)
        for future in futures:
            more, analyzed_more = future.result()
            for key, cached in more:
                site.renderer.adopt(key, cached)
            analyzed.update(analyzed_more)
    from docsite.search import adopt_analyzed

    adopt_analyzed(analyzed)


def _render_share(
    keys: list[tuple[str, str]], analyze: bool, site: Site | None = None
) -> tuple[list[tuple[str, Any]], dict[str, Ahead]]:
    """Render these pages (in a worker unless `site` is given); what the parent adopts."""
    site = site or inherited(Site)
    out = []
    entries = [site.entries[lang][path] for lang, path in keys]
    for entry in entries:
        site.render(entry)
        key = site.render_key(entry)
        out.append((key, site.renderer.cached(key)))
    if not analyze:
        return out, {}
    from docsite.search import analyze_ahead

    return out, analyze_ahead(site, entries)


@contextmanager
def fork_pool(payload: object, workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are forks of this process, inheriting `payload`.

    The workers are forked at the first `submit`, so they see the process as it is then.
    """
    global _INHERITED
    _INHERITED = payload
    # What the workers inherit is never garbage to them: kept out of their collections, which
    # would otherwise walk (and so copy, page by page) the parent's whole heap.
    frozen_before = gc.get_freeze_count() > 0  # by a caller whose objects stay frozen
    gc.freeze()
    # With no workers wanted, a pool that is never submitted to never forks.
    pool = ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _INHERITED = None
        if not frozen_before:
            gc.unfreeze()


def die_with_parent(parent: int) -> None:
    """In a worker: end when the build that forked it ends, even by SIGKILL.

    Otherwise a killed build leaves its workers blocked for ever, writing results into a pipe
    that nobody reads. Linux sends the signal asked for with PR_SET_PDEATHSIG when the parent
    dies; the parent may have died before that was asked, which getppid() tells.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def inherited(kind: type[T]) -> T:
    """In a worker: the payload its pool was made with."""
    assert isinstance(_INHERITED, kind), "not in a fork_pool worker"
    return _INHERITED
