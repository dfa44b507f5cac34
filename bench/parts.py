"""Where a cold build's CPU goes: each part of docsite's work measured alone, in one process.

    python -m bench.parts NAME=DIR ... [--runs N] [--json]

For each corpus, with a scratch cache (nothing rendered or indexed before), in this order:
the site is loaded (`Docsite`, as `build` makes it); every page, fallbacks included, is
rendered (Markdown parsed, docsite's rules run, code highlighted by Pygments); every page is
templated into the HTML a build writes (the renderings are in memory by then, so this is the
theme's templates and the nav alone); every page's search documents are analysed into the
static index's rows; and each language's static index is made from those rows and written
into a scratch folder. Each part is CPU time in this process.

Then the real cold build, `build.py build --no-cache` in one process (`DOCSITE_JOBS=1`), is
run for its CPU time. What the parts do not account for is the rest: the interpreter and its
imports, pages' Markdown copies and `llms-full.txt`, writing the files, the check, the special
files (Frozen-Flask) and the manifest. A build on several cores spreads the same work over
them, with some more for the processes it forks.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.measure import corpora_module_main, run

PARTS = ("load", "render", "templates", "rows", "index")
ROOT = Path(__file__).resolve().parent.parent  # build.py is there


def _cpu(step: Callable[[], object]) -> float:
    started = time.process_time()
    step()
    return time.process_time() - started


def parts(content: Path) -> dict[str, float]:
    """CPU seconds of each part, measured one after the other in a fresh process."""
    scratch = Path(tempfile.mkdtemp(prefix="docsite-parts-"))
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bench.parts import parts_here\n"
        "print(json.dumps(parts_here(Path(sys.argv[1]), Path(sys.argv[2]))))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(content), str(scratch)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode:
        raise RuntimeError(f"measuring the parts failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parts_here(content: Path, scratch: Path) -> dict[str, float]:
    """The parts, in this process (a fresh one: `parts` starts it, so no import is shared)."""
    from docsite.config import load_config
    from docsite.search import Ahead
    from docsite.search.static import adopt_analyzed, analyze_ahead, build_static_index
    from docsite.state import Docsite

    config = load_config(None, content_dir=content).with_options(
        cache_dir=scratch / "cache", cache_scratch=True
    )
    found: dict[str, float] = {}
    holder: list[Docsite] = []
    found["load"] = _cpu(lambda: holder.append(Docsite(config, server_search=False)))
    gc.freeze()  # as `build` does once the site is loaded
    state = holder[0]
    snap = state.snapshot
    entries = list(snap.site.all_entries())
    found["render"] = _cpu(lambda: [snap.site.render(entry) for entry in entries])
    found["templates"] = _cpu(lambda: [state.page_body(snap, entry) for entry in entries])
    rows: dict[str, Ahead] = {}
    found["rows"] = _cpu(lambda: rows.update(analyze_ahead(snap.site, entries)))
    adopt_analyzed(rows)  # the index takes them, as a build's does
    found["index"] = _cpu(lambda: build_static_index(snap.site, scratch / "out"))
    if not any((scratch / "out" / "_search").rglob("meta.json")):
        raise RuntimeError(f"{content}: the static index wrote no meta.json")
    found["pages"] = float(len(entries))
    return found


def whole(content: Path) -> float:
    """CPU seconds of a cold build in one process (its own and any child's it waited for)."""
    out = Path(tempfile.mkdtemp(prefix="docsite-parts-out-"))
    cmd = [sys.executable, "build.py", "build", "--content", str(content), "--out", str(out)]
    try:
        env = {**os.environ, "DOCSITE_JOBS": "1"}
        sample = run([*cmd, "--no-cache"], out.with_name(out.name + ".log"), ROOT, env)
        if not sample.ok:
            raise RuntimeError(f"the cold build failed: {sample.tail(20)}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        out.with_name(out.name + ".log").unlink(missing_ok=True)
    return sample.cpu


def measure(content: Path, runs: int) -> dict[str, float]:
    """Medians over `runs` of each part and of the whole build, alternating."""
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        found = parts(content)
        found["whole"] = whole(content)
        samples.append(found)
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def report(corpora: dict[str, Path], runs: int) -> tuple[list[str], list[tuple[str, str, float]]]:
    lines = [
        "| corpus | pages built | load | render (Markdown, docsite's rules, Pygments) "
        "| templates and nav | search rows | static index | the parts | whole cold build, "
        "1 process | rest (start, copies, files, check, special files) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    figures: list[tuple[str, str, float]] = []
    for name, root in corpora.items():
        found = measure(root, runs)
        summed = sum(found[part] for part in PARTS)
        rest = found["whole"] - summed
        shares = [f"{found[p]:.2f} ({found[p] / found['whole']:.0%})" for p in PARTS]
        lines.append(
            f"| {name} | {found['pages']:.0f} | {' | '.join(shares)} | {summed:.2f} "
            f"| {found['whole']:.2f} | {rest:.2f} ({rest / found['whole']:.0%}) |"
        )
        figures += [(f"part_{part}", name, found[part]) for part in PARTS]
        figures += [("part_whole", name, found["whole"]), ("part_rest", name, rest)]
    lines.append(
        f"CPU seconds, median of {runs} run{'s' if runs > 1 else ''}, and each part's share of "
        "the whole build. The parts run one after the other in one fresh process with a "
        "scratch cache (`python -m bench.parts`); the whole build is `build.py build "
        "--no-cache` with `DOCSITE_JOBS=1`, run after them."
    )
    return lines, figures


def main() -> None:
    corpora_module_main(__doc__ or "", "python -m bench.parts", report, runs=1)


if __name__ == "__main__":
    main()
