"""The doc server's first indexing of a corpus: how long its index child takes, and its peak.

    python -m bench.index_memory --corpus DIR

A server that finds no search index (a first start) has every page rendered and analysed, and
the index written, by a child process (`docsite.state.index_in_child`, which runs
`python -m docsite.indexchild`), so that the server itself stays small. This runs that very
function on the corpus with a scratch cache (no renderings, no index: a first start), and
reports the child's peak resident memory: this process's only child, so its
`RUSAGE_CHILDREN` peak is the child's.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench.measure import Report, corpus_module_main
from docsite.config import load_config
from docsite.state import index_in_child


def measure(content: Path) -> dict[str, float]:
    scratch = Path(tempfile.mkdtemp(prefix="docsite-index-memory-"))
    try:
        config = load_config(None, content_dir=content).with_options(cache_dir=scratch)
        started = time.perf_counter()
        code = index_in_child(config)
        seconds = time.perf_counter() - started
        if code != 0:
            raise RuntimeError(f"the index child exited with {code}")
        index = sum(f.stat().st_size for f in (scratch / "search").rglob("*") if f.is_file())
        if index == 0:
            raise RuntimeError("the index child wrote no index")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "index_mb": index / 2**20}


def report(content: Path) -> Report:
    pages = sum(1 for _ in content.rglob("*.md"))
    data = measure(content)
    lines = [
        "| first indexing by the server (its index child, scratch cache) | value |",
        "| --- | --- |",
        f"| corpus | {content.name}, {pages} pages |",
        f"| time, rendering and analysing every page included | {data['seconds']:.1f} s |",
        f"| index child's peak RSS | {data['peak_mb']:.0f} MB |",
        f"| index size | {data['index_mb']:.1f} MiB |",
    ]
    return lines, [("index_rss", content.name, data["peak_mb"])]


def main() -> None:
    corpus_module_main(__doc__ or "", report)


if __name__ == "__main__":
    main()
