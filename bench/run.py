"""The docsite benchmark: `python -m bench [--quick] [--runs N]`; writes bench/RESULTS.md.

Every docsite command runs from a snapshot of the code taken when the run starts (the work
tree, or `--ref REV` through `git archive`), so edits made meanwhile do not mix into one run,
and its render cache (.cache/ of the snapshot) is the benchmark's own. Corpora are copied into
the scratch folder, because the one-page-changed rebuild edits a page.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus as corpus_gen
from bench import others, zensical
from bench.measure import (
    Load,
    Sample,
    fetch,
    free_port,
    load_tool,
    median,
    rss_mb,
    run,
    stop,
    wait_until_served,
    wrk_command,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FASTAPI = ROOT.parent / "shared" / "corpora" / "fastapi"
SNAPSHOT_PATHS = ("build.py", "pyproject.toml", "docsite", "themes", "tests/search", "bench")
PACKAGES = ("flask", "werkzeug", "jinja2", "markdown-it-py", "mdit-py-plugins", "pygments")
PACKAGES += ("frozen-flask", "pyyaml", "babel", "gunicorn")
LOAD_SECONDS = 5
LOAD_CONNECTIONS = 4
EDIT_NOTE = "\n\nA sentence the benchmark appended, run {n}.\n"

# The other generators by the name --others gives them.
TOOL_NAMES = {
    others.MKDOCS.name: "mkdocs",
    others.MKDOCS_SAME.name: "mkdocs-same",
    others.SPHINX.name: "sphinx",
}
# (name, rule, figure key, goal): "≤" targets pass at or below the goal, "≥" at or above.
TARGETS = (
    ("cold build ≥3× faster than MkDocs (docsite/MkDocs ≤ 0.33)", "≤", "mkdocs", 1 / 3),
    ("cold build ≥10× faster than Sphinx (docsite/Sphinx ≤ 0.10)", "≤", "sphinx", 0.10),
    ("cold build ≥4× faster than Zensical (docsite/Zensical ≤ 0.25)", "≤", "zensical", 0.25),
    ("warm rebuild ≤10% of cold on every corpus", "≤", "warm:all", 0.10),
    ("warm rebuild ≤25% of cold on FastAPI", "≤", "warm:fastapi", 0.25),
    ("warm rebuild ≤10% of cold on the generated corpus", "≤", "warm:gen", 0.10),
    ("one page changed ≤1 s (every corpus)", "≤", "one", 1.0),
    ("cached page ≥70% of hello world's requests/s", "≥", "rps", 0.70),
    ("server RSS ≤300 MB with the generated corpus loaded", "≤", "rss", 300.0),
    (
        "index child's peak RSS ≤300 MB, first indexing of the generated corpus",
        "≤",
        "index_rss",
        300.0,
    ),
    ("search p50 ≤5 ms (server, project and generated corpus)", "≤", "search_p50", 5.0),
    ("search p99 ≤30 ms (server, project and generated corpus)", "≤", "search_p99", 30.0),
    ("search MRR@10 ≥0.9 per language (server and static)", "≥", "mrr", 0.9),
    ("start to first page ≤2 s, 1,000 pages per language (serve)", "≤", "first_page", 2.0),
    ("save to reload event p50 ≤150 ms, 1,000 pages per language", "≤", "reload_p50", 150.0),
    ("typical page ≤60 KB gzip, HTML + CSS + JS (no search index)", "≤", "weight", 60.0),
    ("no request leaves the site", "≤", "offsite", 0.0),
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def shown(cmd: list[str], cwd: Path | None = None) -> str:
    text = shlex.join(cmd)
    return f"cd {cwd} && {text}" if cwd else text


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


@dataclass
class Corpus:
    """A corpus copied into the scratch folder, and the page its one-page runs edit."""

    name: str
    path: Path
    origin: str
    edit: str = ""


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.header) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines) + "\n"


@dataclass
class Summary:
    """Medians of the successful samples, or what went wrong."""

    seconds: float | None
    rss_mb: float | None
    error: str | None
    runs: int

    @classmethod
    def of(cls, samples: list[Sample]) -> Summary:
        bad = [s for s in samples if not s.ok]
        if bad:
            error = f"exit {bad[0].code}: {bad[0].tail()}".replace("|", "/")
            return cls(None, None, error, len(samples))
        return cls(
            median([s.seconds for s in samples]),
            median([s.rss_mb for s in samples]),
            None,
            len(samples),
        )


class Bench:
    """One benchmark run: set up, measure section by section, then write the report."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick: bool = args.quick
        self.runs: int = args.runs or (1 if self.quick else 3)
        self.work: Path = args.work
        self.code = self.work / "code"
        self.logs = self.work / "logs"
        self.python = (
            str(ROOT / ".venv/bin/python") if (ROOT / ".venv").is_dir() else sys.executable
        )
        self.gunicorn = str(Path(self.python).parent / "gunicorn")
        self.tables: list[Table] = []
        self.figures: dict[str, list[tuple[str, float]]] = {}
        self.commands: list[tuple[str, str]] = []
        self.cold: dict[str, list[Sample]] = {}
        self.with_zensical = False
        self.zensical_table = Table(
            "Zensical side by side",
            [
                "corpus",
                "Zensical cold s",
                "Zensical warm s",
                "Zensical peak RSS MB",
                "docsite cold s",
                "docsite warm s",
                "docsite/Zensical cold",
                "docsite/Zensical warm",
                "status",
            ],
            notes=[
                f"Zensical: {zensical.CONFIG_NOTE}. Its runs are interleaved with docsite's and "
                "the others' (cold runs after each docsite cold run, warm runs after each docsite "
                "warm run). Both languages are summed, as for MkDocs. docsite/Zensical < 1 means "
                "docsite is faster."
            ],
        )

    # --- setup ----------------------------------------------------------------------------

    def snapshot(self) -> str:
        """Copy the code to measure into work/code, byte-compiled as pip compiles what it
        installs (the other generators run from bytecode too, and an environment with
        PYTHONDONTWRITEBYTECODE would otherwise compile docsite afresh on every run);
        describe what was copied."""
        described = self._copy_code()
        compileall.compile_dir(self.code, quiet=1, workers=1)
        return described

    def _copy_code(self) -> str:
        shutil.rmtree(self.code, ignore_errors=True)
        self.code.mkdir(parents=True)
        head = _git("rev-parse", "--short", "HEAD")
        if self.args.ref:
            commit = _git("rev-parse", "--short", self.args.ref)
            data = subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", commit, *SNAPSHOT_PATHS],
                capture_output=True,
                check=True,
            ).stdout
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(self.code, filter="data")
            return f"commit {commit} (`git archive`; HEAD is {head})"
        for name in SNAPSHOT_PATHS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    self.code / name,
                    ignore=shutil.ignore_patterns("__pycache__", ".venv-others", "RESULTS.md"),
                )
            else:
                shutil.copy2(source, self.code / name)
        dirty = _git("status", "--porcelain", "--", *SNAPSHOT_PATHS).splitlines()
        digest = hashlib.sha256()
        for file in sorted(p for p in self.code.rglob("*") if p.is_file()):
            digest.update(file.relative_to(self.code).as_posix().encode() + file.read_bytes())
        state = f"{len(dirty)} uncommitted change(s)" if dirty else "clean"
        return f"work tree at HEAD {head}, {state} (snapshot sha256 {digest.hexdigest()[:12]})"

    def corpora(self) -> list[Corpus]:
        """Copies of content/ and the FastAPI corpus, and the generated corpus."""
        base = self.work / "corpora"
        found: list[Corpus] = []
        sources = [("content", ROOT / "content", "content/ of the project")]
        if self.args.fastapi.is_dir():
            sources.append(("fastapi", self.args.fastapi, f"{self.args.fastapi}, en/ and zh/"))
        else:
            log(f"FastAPI corpus not found at {self.args.fastapi}; skipped")
        for name, source, origin in sources:
            target = base / name
            shutil.rmtree(target, ignore_errors=True)
            for lang in ("en", "zh"):
                shutil.copytree(source / lang, target / lang)
            found.append(Corpus(name, target, origin))
        found.append(self.generated(self.args.pages))
        for item in found:
            item.edit = _page_to_edit(item.path)
        return found

    def generated(self, pages: int) -> Corpus:
        path = self.work / "corpora" / f"gen-{pages}"
        corpus_gen.generate(path, pages, self.args.seed)
        origin = f"`python -m bench.corpus --out {path} --pages {pages} --seed {self.args.seed}`"
        return Corpus(f"gen-{pages}", path, origin)

    # --- docsite and the others -------------------------------------------------------------

    def build_cmd(self, corpus: Corpus, cold: bool) -> list[str]:
        out = self.work / "out" / f"docsite-{corpus.name}"
        cmd = [self.python, "build.py", "build", "--content", str(corpus.path), "--out", str(out)]
        return [*cmd, "--no-cache"] if cold else cmd

    def ours(self, corpus: Corpus, cold: bool, tag: str) -> Sample:
        sample = run(
            self.build_cmd(corpus, cold), self.logs / f"docsite-{corpus.name}-{tag}.log", self.code
        )
        log(f"  docsite {corpus.name} {tag}: {sample.seconds:.2f} s, {sample.rss_mb:.0f} MB")
        return sample

    def theirs(self, tool: others.Tool, corpus: Corpus, tag: str) -> Sample:
        """Both languages, one process each: summed time, the larger peak RSS."""
        total = Sample(0.0, 0.0, 0, self.logs / "none")
        slug = re.sub(r"\W+", "-", tool.name.lower()).strip("-")
        for lang in ("en", "zh"):
            out = self.work / "out" / f"{slug}-{corpus.name}-{lang}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = others.command(tool, corpus.path / lang, out, self.work / "others", lang)
            sample = run(cmd, self.logs / f"{slug}-{corpus.name}-{lang}-{tag}.log")
            total = Sample(
                total.seconds + sample.seconds,
                max(total.rss_mb, sample.rss_mb),
                total.code or sample.code,
                sample.log if sample.code or not total.code else total.log,
            )
            if tag == "1":
                self.commands.append((f"{tool.name}, {corpus.name}, {lang}", shown(cmd)))
        log(f"  {tool.name} {corpus.name} {tag}: {total.seconds:.2f} s, exit {total.code}")
        return total

    def zensical(self, corpus: Corpus, configs: list[Path], cold: bool, tag: str) -> Sample:
        """Zensical on both languages, one project each: summed time, the larger peak RSS."""
        total = Sample(0.0, 0.0, 0, self.logs / "none")
        for lang, config in zip(("en", "zh"), configs, strict=True):
            cmd = zensical.command(config, cold)
            sample = run(cmd, self.logs / f"zensical-{corpus.name}-{lang}-{tag}.log")
            total = Sample(
                total.seconds + sample.seconds,
                max(total.rss_mb, sample.rss_mb),
                total.code or sample.code,
                sample.log if sample.code or not total.code else total.log,
            )
            if tag in ("cold-1", "warm-1"):
                self.commands.append((f"Zensical {tag[:4]}, {corpus.name}, {lang}", shown(cmd)))
        log(f"  Zensical {corpus.name} {tag}: {total.seconds:.2f} s, exit {total.code}")
        return total

    def builds(self, corpora: list[Corpus], tools: tuple[others.Tool, ...]) -> None:
        """Cold (side by side with the others), warm and one-page-changed builds per corpus."""
        ours = Table(
            "docsite builds",
            [
                "corpus",
                "pages built",
                "cold s",
                "cold RSS MB",
                "warm s",
                "warm/cold",
                "one page changed s",
                "warm RSS MB",
                "runs",
            ],
        )
        theirs = Table(
            "Cold builds side by side",
            [
                "corpus",
                "generator",
                "pages (en+zh)",
                "wall s",
                "peak RSS MB",
                "docsite/them",
                "speed-up",
                "status",
            ],
        )
        for corpus in corpora:
            log(f"builds: {corpus.name}")
            cold: list[Sample] = []
            other: dict[str, list[Sample]] = {tool.name: [] for tool in tools}
            z_configs = [
                zensical.project(corpus.path / lang, self.work / "others", corpus.name, lang)
                for lang in ("en", "zh")
                if self.with_zensical
            ]
            z_cold: list[Sample] = []
            for n in range(1, self.runs + 1):
                cold.append(self.ours(corpus, True, f"cold-{n}"))
                for tool in tools:
                    other[tool.name].append(self.theirs(tool, corpus, str(n)))
                if z_configs:
                    z_cold.append(self.zensical(corpus, z_configs, True, f"cold-{n}"))
            self.cold[corpus.name] = cold
            self.ours(corpus, False, "prime")
            warm: list[Sample] = []
            z_warm: list[Sample] = []
            for n in range(1, self.runs + 1):
                warm.append(self.ours(corpus, False, f"warm-{n}"))
                if z_configs:
                    z_warm.append(self.zensical(corpus, z_configs, False, f"warm-{n}"))
            if z_configs:
                self.zensical_row(corpus, (cold, warm), (z_cold, z_warm))
            page = corpus.path / corpus.edit
            original = page.read_bytes()
            one: list[Sample] = []
            try:
                for n in range(1, self.runs + 1):
                    page.write_bytes(original + EDIT_NOTE.format(n=n).encode())
                    one.append(self.ours(corpus, False, f"one-{n}"))
            finally:
                page.write_bytes(original)
            c, w, o = Summary.of(cold), Summary.of(warm), Summary.of(one)
            ratio = w.seconds / c.seconds if c.seconds and w.seconds else None
            built = _pages_built(cold[0])
            error = c.error or w.error or o.error
            ours.rows.append(
                [
                    corpus.name,
                    built,
                    fmt(c.seconds),
                    fmt(c.rss_mb, 0),
                    fmt(w.seconds),
                    f"{ratio:.0%}" if ratio else "–",
                    fmt(o.seconds),
                    fmt(w.rss_mb, 0),
                    str(self.runs) + (f" (failed: {error})" if error else ""),
                ]
            )
            kind = "gen" if corpus.name.startswith("gen-") else corpus.name
            if ratio:
                self.figure(f"warm:{kind}", corpus.name, ratio)
                self.figure("warm:all", corpus.name, ratio)
            if o.seconds is not None:
                self.figure("one", corpus.name, o.seconds)
            pages = sum(1 for _ in corpus.path.rglob("*.md"))
            for tool in tools:
                t = Summary.of(other[tool.name])
                share = c.seconds / t.seconds if c.seconds and t.seconds else None
                key = "sphinx" if tool is others.SPHINX else "mkdocs"
                if share is not None and tool is not others.MKDOCS_SAME:
                    self.figure(key, f"{corpus.name}, {tool.name}", share)
                theirs.rows.append(
                    [
                        corpus.name,
                        tool.name,
                        str(pages),
                        fmt(t.seconds),
                        fmt(t.rss_mb, 0),
                        fmt(share),
                        f"{1 / share:.1f}×" if share else "–",
                        "ok (warnings expected)" if t.error is None else f"failed: {t.error}",
                    ]
                )
            self.commands += [
                (f"docsite cold, {corpus.name}", shown(self.build_cmd(corpus, True), self.code)),
                (
                    f"docsite warm, {corpus.name}",
                    "the same without --no-cache, after one priming build",
                ),
                (
                    f"docsite one page changed, {corpus.name}",
                    f"append a sentence to {corpus.edit}, then the warm command",
                ),
            ]
        ours.notes = [
            "cold: `--no-cache` (a fresh render cache, removed afterwards). warm: the same command "
            "again with nothing changed, on the cache a priming build filled. one page changed: a "
            "sentence appended to one English page before each build (every run a new text, so "
            "exactly one page re-renders). RSS: peak resident memory of the build process "
            "(`wait4` on that child). pages built: docsite's own count; zh pages missing in a "
            "corpus are built as English fallbacks."
        ]
        theirs.notes = [
            "Each generator gets the same corpus copy. MkDocs and Sphinx build each language "
            "separately (one process per language; wall s is their sum, RSS the larger); docsite "
            "builds both languages in one process. Runs are interleaved (docsite, MkDocs, "
            "Sphinx, then again) so load on the machine hits all alike. docsite/them < 1 means "
            "docsite is faster.",
            *(f"- {tool.name}: {tool.config_note}" for tool in tools),
        ]
        self.tables.append(ours)
        if tools:
            self.tables.append(theirs)
        if self.zensical_table.rows:
            self.tables.append(self.zensical_table)

    def zensical_row(
        self, corpus: Corpus, ours: tuple[list[Sample], ...], theirs: tuple[list[Sample], ...]
    ) -> None:
        """Cold and warm, docsite beside Zensical, from samples of the same interleaved run."""
        c, w = (Summary.of(samples) for samples in ours)
        zc, zw = (Summary.of(samples) for samples in theirs)

        def share(a: Summary, b: Summary) -> float | None:
            return a.seconds / b.seconds if a.seconds and b.seconds else None

        cold_share, warm_share = share(c, zc), share(w, zw)
        if cold_share is not None:
            self.figure("zensical", corpus.name, cold_share)
        error = zc.error or zw.error
        self.zensical_table.rows.append(
            [
                corpus.name,
                fmt(zc.seconds),
                fmt(zw.seconds),
                fmt(zc.rss_mb, 0),
                fmt(c.seconds),
                fmt(w.seconds),
                fmt(cold_share),
                fmt(warm_share),
                "ok" if error is None else f"failed: {error}",
            ]
        )

    def growth(self, sizes: list[int]) -> None:
        table = Table(
            "Growth: cold build by corpus size",
            [
                "pages per language",
                "pages built",
                "cold s",
                "ms per page",
                "peak RSS MB",
                "ms per page vs smallest",
                "runs",
            ],
        )
        first: float | None = None
        for size in sizes:
            corpus = self.generated(size)
            runs = self.runs if size <= 1000 else 1
            log(f"growth: {size} pages per language, {runs} run(s)")
            samples = self.cold.get(corpus.name) or [
                self.ours(corpus, True, f"growth-{n}") for n in range(1, runs + 1)
            ]
            s = Summary.of(samples)
            built = _pages_built(samples[0])
            count = sum(int(n) for n in re.findall(r"\d+", built)) or 2 * size
            per_page = s.seconds * 1000 / count if s.seconds else None
            first = first or per_page
            table.rows.append(
                [
                    str(size),
                    built,
                    fmt(s.seconds),
                    fmt(per_page, 1),
                    fmt(s.rss_mb, 0),
                    f"{per_page / first:.2f}×" if per_page and first else "–",
                    str(runs) + (f" (failed: {s.error})" if s.error else ""),
                ]
            )
            self.commands.append((f"growth {size}", shown(self.build_cmd(corpus, True), self.code)))
        table.notes = [
            "Linear growth keeps ms per page flat. Sizes above 1,000 pages per language run once "
            "(a run takes minutes)."
        ]
        self.tables.append(table)

    # --- the server ---------------------------------------------------------------------------

    @contextmanager
    def server(
        self, cmd: list[str], cwd: Path, name: str, probe: str
    ) -> Iterator[tuple[str, float, int]]:
        """Start a server; yield (base URL, seconds to first 200 on `probe`, pid); stop it."""
        port = free_port()
        cmd = [c.replace("PORT", str(port)) for c in cmd]
        base = f"http://127.0.0.1:{port}"
        with (self.logs / f"server-{name}.log").open("wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
            try:
                seconds = wait_until_served(base + probe, proc, started)
                yield base, seconds, proc.pid
            finally:
                stop(proc)

    def serve_cmd(self, corpus: Corpus) -> list[str]:
        return [self.python, "build.py", "serve", "--content", str(corpus.path), "--port", "PORT"]

    def gunicorn_cmd(self, app: str) -> list[str]:
        return [self.gunicorn, "-w", "2", "-b", "127.0.0.1:PORT", app]

    def live(self, small: Corpus, big: Corpus) -> None:
        """Start-up, throughput and latency against hello world, and memory with all pages."""
        table = Table(
            "Live server", ["measure", "corpus", "docsite", "hello world", "docsite/hello", "runs"]
        )
        for corpus in (small, big):
            times = []
            for n in range(1, self.runs + 1):
                with self.server(
                    self.serve_cmd(corpus), self.code, f"start-{corpus.name}-{n}", "/en/"
                ) as (_, s, _pid):
                    times.append(s)
            log(f"  start to first page, {corpus.name}: {median(times):.2f} s")
            table.rows.append(
                [
                    "`build.py serve` start to first page (s)",
                    corpus.name,
                    fmt(median(times)),
                    "",
                    "",
                    str(self.runs),
                ]
            )
            self.commands.append(
                (
                    f"start to first page, {corpus.name}",
                    shown(self.serve_cmd(corpus), self.code)
                    + ", then GET /en/ every 10 ms until 200",
                )
            )
        tool, load = load_tool()
        hello_cmd = self.gunicorn_cmd("bench.hello:app")
        page = "/en/" + _url(small.edit.removeprefix("en/"))
        big_page = "/en/" + _url(big.edit.removeprefix("en/"))
        targets = [
            ("hello", "/", 200),
            ("page", page, 200),
            ("404", "/en/no-such-page/", 404),
            ("big", big_page, 200),
        ]
        results: dict[str, list[Load]] = {name: [] for name, _, _ in targets}
        small_app = self.gunicorn_cmd(f'docsite:create_app(content_dir="{small.path}")')
        big_app = self.gunicorn_cmd(f'docsite:create_app(content_dir="{big.path}")')
        with (
            self.server(hello_cmd, ROOT, "hello", "/") as (hello_base, _, _a),
            self.server(small_app, self.code, "gunicorn-small", page) as (small_base, _, _b),
            self.server(big_app, self.code, "gunicorn-big", big_page) as (big_base, _, _c),
        ):
            bases = {"hello": hello_base, "page": small_base, "404": small_base, "big": big_base}
            for name, path, _ in targets:  # warm both workers' caches
                for _ in range(20):
                    fetch(bases[name] + path)
            for n in range(1, self.runs + 1):
                for name, path, expect in targets:
                    result = load(bases[name] + path, LOAD_SECONDS, LOAD_CONNECTIONS, expect)
                    results[name].append(result)
                    log(
                        f"  load {name} {n}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                        f"{result.unexpected} unexpected"
                    )
            for name, path, _ in targets:
                self.commands.append(
                    (
                        f"load, {name} ({path})",
                        shown(wrk_command(bases[name] + path, LOAD_SECONDS, LOAD_CONNECTIONS))
                        if tool == "wrk"
                        else tool,
                    )
                )
        self.commands += [
            ("gunicorn, hello world", shown(hello_cmd, ROOT)),
            (f"gunicorn, docsite on {small.name}", shown(small_app, self.code)),
            (f"gunicorn, docsite on {big.name}", shown(big_app, self.code)),
        ]
        hello_rps = median([r.rps for r in results["hello"]])
        hello_p99 = median([r.p99_ms for r in results["hello"]])
        labels = {
            "page": (f"cached page {page}", small.name),
            "404": ("404 page", small.name),
            "big": (f"cached page {big_page}", big.name),
        }
        for name, (label, corpus_name) in labels.items():
            rps = median([r.rps for r in results[name]])
            p99 = median([r.p99_ms for r in results[name]])
            bad = sum(r.unexpected for r in results[name])
            warn = f" ({bad} unexpected responses)" if bad else ""
            table.rows.append(
                [
                    f"{label}: requests/s{warn}",
                    corpus_name,
                    fmt(rps, 0),
                    fmt(hello_rps, 0),
                    fmt(rps / hello_rps),
                    str(self.runs),
                ]
            )
            table.rows.append(
                [
                    f"{label}: p99 latency ms",
                    corpus_name,
                    fmt(p99, 1),
                    fmt(hello_p99, 1),
                    fmt(p99 / hello_p99, 1),
                    str(self.runs),
                ]
            )
            if name != "404":
                self.figure("rps", f"{label}, {corpus_name}", rps / hello_rps)
        before, after, peak = self.memory(big)
        table.rows += [
            ["`build.py serve` RSS after start, MB", big.name, fmt(before, 0), "", "", "1"],
            [
                "`build.py serve` RSS after every page served once, MB",
                big.name,
                fmt(after, 0),
                "",
                "",
                "1",
            ],
            ["`build.py serve` peak RSS (VmHWM), MB", big.name, fmt(peak, 0), "", "", "1"],
        ]
        self.figure("rss", f"after every page of {big.name}", after)
        table.notes = [
            f"Load: {tool}, {LOAD_SECONDS} s per run, {LOAD_CONNECTIONS} connections, loopback, "
            "against gunicorn with 2 sync workers for both docsite and hello world "
            "(bench/hello.py), "
            f"on the same 2 cores as the load generator. Each page was requested 20 times first, "
            f"so both workers have it rendered. Start-up is measured with the render cache warm "
            f"from the builds above."
        ]
        self.tables.append(table)

    def memory(self, corpus: Corpus) -> tuple[float, float, float]:
        """RSS of `build.py serve` after start, and after every page was requested once."""
        urls = [
            f"/{lang}/{_url(p.relative_to(corpus.path / lang).as_posix())}"
            for lang in ("en", "zh")
            for p in sorted((corpus.path / lang).rglob("*.md"))
        ]
        with self.server(self.serve_cmd(corpus), self.code, f"memory-{corpus.name}", "/en/") as (
            base,
            _,
            pid,
        ):
            before = rss_mb(pid)[0]
            log(f"memory: requesting {len(urls)} pages")
            with ThreadPoolExecutor(2) as pool:
                statuses = list(pool.map(lambda u: fetch(base + u, 120), urls))
            after, peak = rss_mb(pid)
        failed = sum(s != 200 for s in statuses)
        if failed:
            log(f"  {failed} page(s) did not answer 200")
        self.commands.append(
            (
                f"server memory, {corpus.name}",
                shown(self.serve_cmd(corpus), self.code)
                + f", GET each of the {len(urls)} pages (2 at a time), "
                "then VmRSS and VmHWM of /proc/PID/status",
            )
        )
        log(f"  RSS {before:.0f} MB after start, {after:.0f} MB after all pages")
        return before, after, peak

    # --- the report ---------------------------------------------------------------------------

    def figure(self, key: str, where: str, value: float) -> None:
        self.figures.setdefault(key, []).append((where, value))

    def targets(self) -> Table:
        table = Table("Targets", ["target", "measured", "met"])
        for name, rule, key, goal in TARGETS:
            values = self.figures.get(key, [])
            if not values:
                table.rows.append([name, "not measured in this run", "–"])
                continue
            met = [(v <= goal) if rule == "≤" else (v >= goal) for _, v in values]
            shown_values = "; ".join(f"{where}: {value:.2f}" for where, value in values)
            table.rows.append(
                [name, shown_values, "yes" if all(met) else ("partly" if any(met) else "no")]
            )
        return table

    def features(self, project: Corpus, big: Corpus) -> None:
        """Search, live editing and the server's first indexing, measured by bench.search_bench,
        bench.live_bench and bench.index_memory."""
        search = [
            "--project",
            str(project.path),
            "--corpus",
            str(big.path),
            "--runs",
            str(self.runs),
        ]
        self.bench_module("bench.search_bench", search, "Search")
        self.bench_module("bench.live_bench", ["--corpus", str(big.path)], "Live editing")
        self.bench_module("bench.index_memory", ["--corpus", str(big.path)], "First indexing")

    def bench_module(self, module: str, args: list[str], title: str) -> None:
        """Run a bench module with --json; its figures and its tables join the report."""
        cmd = [self.python, "-m", module, *args, "--json"]
        done = subprocess.run(cmd, cwd=self.code, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{module} failed: {done.stderr.strip()[-2000:]}")
        data = json.loads(done.stdout)
        for key, where, value in data["figures"]:
            self.figure(key, where, value)
        block: list[str] = []
        for line in [*data["lines"], ""]:
            if line.strip():
                block.append(line)
            elif block:
                self.tables.append(_markdown_table(title, block))
                block = []
        self.commands.append((title.lower(), shown(cmd[:-1], self.code)))

    def environment(self, code: str, versions: dict[str, str]) -> list[str]:
        ours = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
        theirs = ", ".join(f"{name} {v}" for name, v in versions.items()) or "not run (--quick)"
        wrk = (
            subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[
                0
            ]
            if shutil.which("wrk")
            else "not installed"
        )
        return [
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {os.cpu_count()} cores, {_memory_gib():.0f} GiB RAM, "
            f"{platform.platform()}",
            f"- Python {platform.python_version()} ({self.python})",
            f"- docsite code: {code}",
            f"- docsite's packages: {ours}",
            f"- the others (bench/.venv-others; Zensical in bench/.venv-zensical): {theirs}",
            f"- load generator: {wrk}",
            f"- runs: median of {self.runs} unless a row says otherwise; "
            "scratch folder: the `--work` folder, written $SCRATCH",
            f"- command: `{' '.join(['python -m bench', *sys.argv[1:]])}`",
        ]

    def report(self, head: list[str]) -> str:
        parts = [
            "# docsite benchmark results",
            "",
            "Written by `python -m bench` (bench/run.py); do not edit by hand.",
            "",
            *head,
            "",
        ]
        for table in self.tables:
            parts.append(table.markdown())
        parts.append("## Commands\n")
        parts += [
            f"- {what}: `{cmd}`" if cmd.startswith(("cd ", "/", "wrk")) else f"- {what}: {cmd}"
            for what, cmd in self.commands
        ]
        return "\n".join(parts) + "\n"

    def section(self, name: str, step: Callable[[], None]) -> None:
        """Run one part; a failure becomes a row of the report instead of ending the run."""
        try:
            step()
        except Exception as exc:  # reported; the other parts still run
            log(f"{name} failed: {exc}")
            (self.logs / f"failed-{name}.txt").write_text(traceback.format_exc())
            self.tables.append(
                Table(name, ["status"], [[f"failed: {exc} (see {self.logs}/failed-{name}.txt)"]])
            )

    def main(self) -> None:
        started = time.perf_counter()
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        code = self.snapshot()
        log(f"measuring {code}")
        corpora = self.corpora()
        versions: dict[str, str] = {}
        tools: tuple[others.Tool, ...] = ()
        if not self.quick:
            log("installing MkDocs and Sphinx into bench/.venv-others (pinned)")
            versions = others.ensure_venv(self.logs / "venv-others.log")
            chosen = set(self.args.others.split(","))
            tools = tuple(tool for tool in others.TOOLS if TOOL_NAMES[tool.name] in chosen)
            if "zensical" in chosen:
                log("installing Zensical into bench/.venv-zensical (pinned)")
                versions["zensical"] = zensical.ensure_venv(self.logs / "venv-zensical.log")
                self.with_zensical = True
        self.tables.append(
            Table(
                "Corpora",
                ["name", "source", "Markdown files (en+zh)", "page the one-page runs edit"],
                [
                    [c.name, c.origin, str(sum(1 for _ in c.path.rglob("*.md"))), c.edit]
                    for c in corpora
                ],
                ["Each is copied into the scratch folder first; the originals are never touched."],
            )
        )
        wanted = set(self.args.sections.split(","))
        if "builds" in wanted:
            self.section("Builds", lambda: self.builds(corpora, tools))
            floor = [f"{c.name}={c.path}" for c in corpora] + ["--runs", str(self.runs)]
            title = "Floor of a cold build"
            self.section(title, lambda: self.bench_module("bench.floor", floor, title))
            parts = "Where a cold build's CPU goes"
            self.section(parts, lambda: self.bench_module("bench.parts", floor, parts))
        if "live" in wanted:
            self.section("Live server", lambda: self.live(corpora[0], corpora[-1]))
        sizes = [250] if self.quick else [250, 1000, 4000]
        if "growth" in wanted:
            self.section("Growth", lambda: self.growth(sizes))
        if "features" in wanted:
            self.section("Search and live editing", lambda: self.features(corpora[0], corpora[-1]))
        weight = ["--content", str(corpora[0].path)]
        for theme in ("default", "classic") if "weight" in wanted else ():
            self.section(
                "Page weight",
                lambda t=theme: self.bench_module(
                    "bench.weight", [*weight, "--theme", t], "Page weight"
                ),
            )
        self.tables.append(self.targets())
        text = self.report(self.environment(code, versions))
        text += kept_sections(self.args.output, text)
        text = public_paths(text, self.work, self.args.fastapi)
        self.args.output.write_text(text)
        print(text)
        log(f"done in {time.perf_counter() - started:.0f} s; wrote {self.args.output}")


def public_paths(text: str, work: Path, fastapi: Path) -> str:
    """The report with no path of this machine: the FastAPI corpus as given relative to the
    repository (`../shared/…`), the repository's files relative to it, the scratch folder as
    `$SCRATCH`, the home folder as `~`."""
    swaps = [
        (str(fastapi.resolve()), os.path.relpath(fastapi.resolve(), ROOT)),
        (str(work.resolve()), "$SCRATCH"),
        (str(work), "$SCRATCH"),
        (f"{ROOT}/", ""),
        (str(ROOT), "."),
        (str(Path.home()), "~"),
    ]
    for path, shown in swaps:
        text = text.replace(path, shown)
    return text


# Sections other commands append to the report (bench.load, the long fuzz run): a new report
# keeps the latest of each, since this run does not measure them.
KEPT_SECTIONS = (
    "## Load under ",
    "## Load while ",
    "## Server search through whoosh",
    "## Fuzzing",
)


def kept_sections(old_report: Path, new_text: str) -> str:
    """The latest section of each kind in KEPT_SECTIONS from the old report, if any."""
    try:
        old = old_report.read_text("utf-8")
    except OSError:
        return ""
    latest: dict[str, str] = {}
    for chunk in re.split(r"(?m)^(?=## )", old):
        kind = next((k for k in KEPT_SECTIONS if chunk.startswith(k)), None)
        if kind is not None and chunk.split("\n", 1)[0] not in new_text:
            latest[kind] = chunk.rstrip() + "\n"
    return "".join("\n" + chunk for chunk in latest.values())


def _markdown_table(title: str, lines: list[str]) -> Table:
    """A table from the Markdown rows of one table that a bench module printed."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in lines
        if line.startswith("|")
    ]
    header = rows[0] if rows else ["figure"]
    body = [r for r in rows[1:] if not set("".join(r)) <= set("-: ")]
    notes = [line for line in lines if not line.startswith("|")]  # said under the table
    return Table(title, header, [r + [""] * (len(header) - len(r)) for r in body], notes)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _url(path: str) -> str:
    """The URL below /<lang>/ of a source path (docsite's default, without slugs)."""
    stem = path.removesuffix(".md")
    stem = "" if stem == "index" else stem.removesuffix("/index")
    return urllib.parse.quote(stem + "/") if stem else ""


def _page_to_edit(root: Path) -> str:
    """A non-index English page that also exists in Chinese, from the middle of the list."""
    paths = sorted(
        p.relative_to(root / "en").as_posix()
        for p in (root / "en").rglob("*.md")
        if p.name != "index.md"
        and not p.name.startswith(("_", "."))
        and (root / "zh" / p.relative_to(root / "en")).is_file()
    )
    return "en/" + paths[len(paths) // 2]


def _pages_built(sample: Sample) -> str:
    match = re.search(r"pages: ([^;]+);", sample.log.read_text("utf-8", errors="replace"))
    return match[1] if match else "?"


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: one run, 250 pages, no MkDocs/Sphinx, no 4,000",
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per figure (default 3; 1 with --quick)"
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=None,
        help="generated corpus, pages per language (default 1000; 250 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus")
    parser.add_argument(
        "--ref", default=None, help="measure this git commit instead of the work tree"
    )
    parser.add_argument(
        "--fastapi", type=Path, default=FASTAPI, help=f"FastAPI corpus (default {FASTAPI})"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/docsite-bench"), help="scratch folder"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md", help="report file")
    parser.add_argument(
        "--others",
        default="mkdocs,mkdocs-same,sphinx,zensical",
        help="the other generators to build with, comma-separated (default: all of them)",
    )
    parser.add_argument(
        "--sections",
        default="builds,live,growth,features,weight",
        help="which sections to measure, comma-separated (default: all of them)",
    )
    args = parser.parse_args()
    args.pages = args.pages or (250 if args.quick else 1000)
    Bench(args).main()
