"""Load test: many keep-alive connections against the doc server, every response verified.

    python -m bench.load --scenario gunicorn --connections 100 --seconds 30
    python -m bench.load --scenario live --connections 100 --seconds 45 --edit-every 0.05
    python -m bench.load --scenario gunicorn live --record   # both, appended to bench/RESULTS.md

`gunicorn`: the production server, `gunicorn -w 2 'docsite:create_app(content_dir=…)'`, on the
project's content. `live`: `python build.py serve` on a copy of the content while an editor
thread, every --edit-every seconds, adds, edits, breaks (front matter that does not parse) or
deletes a page of a scratch folder, or edits the text of an existing page.

Each connection is a raw HTTP/1.1 socket (asyncio streams) that sends one request after the
other over a mix of page URLs of both languages and /api/search URLs. Every response is read to
its Content-Length and checked; what counts as wrong:

- `5xx`: any status of 500 or more, except a 500 that is docsite's error page for a page of
  the scratch folder (the editor breaks those on purpose; such answers are counted apart).
- `status`: any other status than 200, except a 404 for a page of the scratch folder (the
  editor deletes those; every other page, edited or not, exists the whole time).
- `truncated`: the connection ended before Content-Length bytes came, or a page does not end
  with `</html>`.
- `wrong page`: a 200 page whose <title> is not its own: for a page the editor never changes
  the title it had at the start; for a scratch page one of the titles the editor gave it.
  A search answer must be a complete JSON object with its `results` list.
- `connection`: a connection that could not be opened, or that broke without an answer.

It prints requests/s, p50 and p99 latency and the count of each kind of wrong answer; the exit
status is 1 when anything was wrong. Only loopback addresses are loaded, and every run is
bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

from bench.measure import free_port, stop, wait_until_served
from docsite.config import load_config
from docsite.site import Site

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SEARCH_QUERIES = {
    "en": ["blueprint", "route", "template", "config", "session", "test client", "gunicorn"],
    "zh": ["蓝图", "路由", "模板", "配置", "会话", "测试"],
}
SCRATCH = "load-test"  # the folder of pages the live editor adds and deletes
SCRATCH_PAGES = 6
EDITED_PAGES = 4  # existing pages whose text the live editor changes (never their title)
RESPONSE_TIMEOUT = 60.0
WARM_UP_CONNECTIONS = 8
KINDS = ("5xx", "status", "truncated", "wrong page", "connection")
ERROR_PAGE = '<article class="doc content-error"'  # docsite's page for a page with an error
EDIT_EVERY = 0.05  # seconds between two changes of the live editor
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass
class Expectations:
    """What each URL may answer. Titles are the full <title> text, as the theme escapes it."""

    titles: dict[str, set[str]] = field(default_factory=dict)  # page path -> allowed titles
    may_vanish: set[str] = field(default_factory=set)  # page paths that may be 404
    may_break: set[str] = field(default_factory=set)  # … that may be a page with an error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, path: str, title: str) -> None:
        with self.lock:
            self.titles.setdefault(path, set()).add(title)

    def allowed(self, path: str) -> set[str]:
        with self.lock:
            return set(self.titles.get(path, ()))


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    wrong: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # the first of each kind
    statuses: Counter[int] = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    broken_pages: int = 0  # the error page of a page the editor broke: expected

    def problem(self, kind: str, detail: str) -> None:
        self.wrong[kind] += 1
        self.examples.setdefault(kind, detail)


@dataclass
class Result:
    scenario: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    wrong: dict[str, int]
    examples: dict[str, str]
    statuses: dict[int, int]
    slowest: tuple[float, str]
    broken_pages: int = 0
    edits: int = 0

    @property
    def ok(self) -> bool:
        return self.requests > 0 and not any(self.wrong.values())

    def report(self) -> str:
        lines = [
            f"{self.scenario}: {self.requests} requests in {self.seconds:.1f} s over "
            f"{self.connections} connections: {self.rps:.0f} req/s, "
            f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms",
            "  statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items())),
            f"  slowest: {self.slowest[0] * 1000:.0f} ms for {self.slowest[1]}",
            "  wrong: " + ", ".join(f"{k} {self.wrong.get(k, 0)}" for k in KINDS),
        ]
        if self.edits:
            lines.append(
                f"  editor: {self.edits} file changes during the run; "
                f"{self.broken_pages} answers were the error page of a page it broke (expected)"
            )
        lines += [f"  first {kind}: {detail}" for kind, detail in self.examples.items()]
        return "\n".join(lines)


def page_expectations(content: Path) -> tuple[Expectations, list[str]]:
    """Every page URL of both languages with its expected title, from the docsite model."""
    config = load_config(content_dir=content)
    site = Site(config, lambda _lang: lambda message: message)
    expect = Expectations()
    for entry in site.all_entries():
        path = f"/{entry.site_path}"
        expect.allow(path, f"{escape(entry.page.title)} — {escape(config.title(entry.lang))}")
    return expect, sorted(expect.titles)


def search_paths() -> list[str]:
    return [
        f"/api/search?q={quote(q)}&lang={lang}"
        for lang, queries in SEARCH_QUERIES.items()
        for q in queries
    ]


def verify(path: str, status: int, body: bytes, expect: Expectations, tally: Tally) -> None:
    """Classify one complete answer; a problem is counted in the tally."""
    tally.statuses[status] += 1
    if status == 500 and path in expect.may_break and ERROR_PAGE.encode() in body:
        tally.broken_pages += 1
        return
    if status >= 500:
        tally.problem("5xx", f"{status} for {path}")
        return
    if path.startswith("/api/search"):
        if status != 200:
            tally.problem("status", f"{status} for {path}")
            return
        try:
            data = json.loads(body)
            assert isinstance(data["results"], list) and isinstance(data["total"], int)
        except (ValueError, KeyError, TypeError, AssertionError):
            tally.problem("wrong page", f"{path}: not a complete search answer: {body[:80]!r}")
        return
    if status == 404 and path in expect.may_vanish:
        return
    if status != 200:
        tally.problem("status", f"{status} for {path}")
        return
    text = body.decode("utf-8", errors="replace")
    if not text.rstrip().endswith("</html>"):
        tally.problem("truncated", f"{path}: ends with {text[-40:]!r}")
        return
    match = _TITLE_RE.search(text)
    title = match.group(1) if match else None
    if title not in expect.allowed(path):
        tally.problem("wrong page", f"{path}: title {title!r}")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(chunks)
    else:
        body = await reader.read()  # the answer ends when the connection does
    return status, headers, body


async def connection(
    host: str, port: int, next_path: Callable[[], str | None], expect: Expectations, tally: Tally
) -> None:
    """One client connection: request after request until `next_path` has none, reconnecting
    when the server closes (gunicorn's sync workers close after every answer)."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while (path := next_path()) is not None:
        reused = writer is not None
        if reader is None or writer is None:
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError as exc:
                tally.problem("connection", f"connect: {exc}")
                await asyncio.sleep(0.05)
                continue
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: bench-load\r\n\r\n"
        started = time.perf_counter()
        try:
            writer.write(request.encode())
            await writer.drain()
            status, headers, body = await asyncio.wait_for(read_response(reader), RESPONSE_TIMEOUT)
        except asyncio.IncompleteReadError as exc:
            if reused and not exc.partial:
                pass  # the server closed an idle keep-alive connection: not an answer
            else:
                tally.problem("truncated", f"{path}: connection ended after {len(exc.partial)} B")
            writer.close()
            reader = writer = None
            continue
        except (OSError, TimeoutError, ValueError, asyncio.LimitOverrunError) as exc:
            tally.problem("connection", f"{path}: {type(exc).__name__} {exc}")
            writer.close()
            reader = writer = None
            continue
        latency = time.perf_counter() - started
        tally.latencies.append(latency)
        tally.slowest = max(tally.slowest, (latency, path))
        verify(path, status, body, expect, tally)
        if headers.get("connection", "").lower() == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(
    base: tuple[str, int],
    paths: list[tuple[str, float]],
    expect: Expectations,
    connections: int,
    seconds: float,
) -> tuple[Tally, float]:
    """A warm-up (every URL twice over a few connections, so that both workers have their
    search index open and their pages cached), then the measured run."""
    warm = Tally()
    queue = [path for path, _ in paths] * 2
    await asyncio.gather(
        *(
            connection(*base, lambda: queue.pop() if queue else None, expect, warm)
            for _ in range(min(WARM_UP_CONNECTIONS, connections))
        )
    )
    choices, weights = zip(*paths, strict=True)
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds

    def chooser(seed: int) -> Callable[[], str | None]:
        rng = random.Random(seed)
        return lambda: rng.choices(choices, weights)[0] if time.perf_counter() < deadline else None

    await asyncio.gather(
        *(connection(*base, chooser(n), expect, tally) for n in range(connections))
    )
    elapsed = time.perf_counter() - started
    for kind, count in warm.wrong.items():  # a wrong answer while warming up is wrong too
        tally.wrong[kind] += count
        tally.examples.setdefault(kind, warm.examples[kind])
    tally.broken_pages += warm.broken_pages
    return tally, elapsed


def run_load(
    scenario: str,
    base: tuple[str, int],
    paths: list[tuple[str, float]],
    expect: Expectations,
    connections: int,
    seconds: float,
) -> Result:
    tally, elapsed = asyncio.run(_load(base, paths, expect, connections, seconds))
    latencies = sorted(tally.latencies)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return Result(
        scenario=scenario,
        connections=connections,
        seconds=elapsed,
        requests=len(latencies),
        rps=len(latencies) / elapsed,
        p50_ms=pct(0.50),
        p99_ms=pct(0.99),
        wrong={kind: tally.wrong.get(kind, 0) for kind in KINDS},
        examples=dict(tally.examples),
        statuses=dict(tally.statuses),
        slowest=tally.slowest,
        broken_pages=tally.broken_pages,
    )


# --- servers --------------------------------------------------------------------------------


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def first_traceback(log: Path) -> str | None:
    """The first traceback a server wrote, to explain its 5xx answers."""
    text = log.read_text("utf-8", errors="replace")
    start = text.find("Traceback (most recent call last)")
    if start < 0:
        return None
    lines = text[start:].splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1) if not line.startswith(" ")), 0)
    return "\n".join(lines[: end + 1])


@contextmanager
def server(cmd: list[str], port: int, log: Path) -> Iterator[tuple[str, int]]:
    """A server process on a loopback port, until the block ends; its output goes to `log`."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            wait_until_served(f"http://127.0.0.1:{port}/en/", process, started)
            # the first search waits for the index: wait for it here, not in the measurement
            wait_until_served(f"http://127.0.0.1:{port}/api/search?q=flask", process, started)
            yield "127.0.0.1", port
        finally:
            stop(process)


def gunicorn_command(content: Path, port: int) -> list[str]:
    gunicorn = str(Path(_python()).parent / "gunicorn")
    app = f"docsite:create_app(content_dir={str(content)!r})"
    return [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", app]


def serve_command(content: Path, port: int) -> list[str]:
    return [_python(), "build.py", "serve", "--content", str(content), "--port", str(port)]


def _mix(pages: list[str], scratch: list[str] | None = None) -> list[tuple[str, float]]:
    """Pages of both languages 85 % (the scratch pages, if any, 5 % of that), search 15 %."""
    searches = search_paths()
    share = 0.85 - (0.05 if scratch else 0.0)
    mix = [(p, share / len(pages)) for p in pages]
    mix += [(p, 0.05 / len(scratch)) for p in scratch or []]
    mix += [(p, 0.15 / len(searches)) for p in searches]
    return mix


class Editor(threading.Thread):
    """Edits a content folder while the live server serves it, one change every `every`
    seconds: appends to the text of a few existing pages, and adds, rewrites, breaks and
    deletes the pages of a scratch folder. Saves are atomic (a temporary file renamed over the
    page), as most editors save."""

    def __init__(
        self,
        content: Path,
        expect: Expectations,
        edited: list[str],
        seed: int,
        every: float = EDIT_EVERY,
    ) -> None:
        super().__init__(name="bench-editor", daemon=True)
        self.content = content
        self.expect = expect
        self.edited = edited  # paths below content/, e.g. "en/tutorial/index.md"
        self.every = every
        self.rng = random.Random(seed)
        self.stop_event = threading.Event()
        self.changes = 0
        self.error: BaseException | None = None
        self.version = 0
        self.site_title = load_config(content_dir=content).title

    @staticmethod
    def scratch_url(lang: str, k: int) -> str:
        return f"/{lang}/{SCRATCH}/page-{k}/"

    def write_scratch(self, lang: str, k: int) -> None:
        self.version += 1
        title = (
            f"Load test page {k} v{self.version}"
            if lang == "en"
            else f"压力测试页 {k} v{self.version}"
        )
        # A /zh/ URL falls back to the English page while the Chinese one is missing.
        for url_lang in ("en", "zh") if lang == "en" else ("zh",):
            self.expect.allow(
                self.scratch_url(url_lang, k), f"{title} — {self.site_title(url_lang)}"
            )
        body = f"---\ntitle: {title}\nsortorder: {k}\n---\n\n## Part {{#part}}\n\n"
        body += "A page the load test writes. " * self.rng.randint(1, 200) + "\n"
        self._save(self.content / lang / SCRATCH / f"page-{k}.md", body)

    def _save(self, file: Path, text: str) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{self.version}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, file)
        self.changes += 1

    def break_scratch(self, lang: str, k: int) -> None:
        """A save that breaks the page: its URL shows docsite's error page (a 500)."""
        self.version += 1
        body = f"---\ntitle: [never closed {self.version}\n---\n\nBroken by the load test.\n"
        self._save(self.content / lang / SCRATCH / f"page-{k}.md", body)

    def run(self) -> None:
        try:
            while not self.stop_event.wait(self.every):
                self.step()
        except BaseException as exc:  # reported by the run, which then fails
            self.error = exc

    def step(self) -> None:
        op = self.rng.random()
        lang = self.rng.choice(("en", "zh"))
        k = self.rng.randrange(SCRATCH_PAGES)
        scratch = self.content / lang / SCRATCH / f"page-{k}.md"
        if op < 0.25 and self.edited:
            file = self.content / self.rng.choice(self.edited)
            self.version += 1
            self._save(
                file, file.read_text("utf-8") + f"\nEdited by the load test ({self.version}).\n"
            )
        elif op < 0.6 or not scratch.exists():
            self.write_scratch(lang, k)  # adds the page, or edits it
        elif op < 0.8:
            self.break_scratch(lang, k)
        else:
            scratch.unlink()
            self.changes += 1


def run_scenario(
    scenario: str,
    connections: int,
    seconds: float,
    content: Path | None = None,
    edit_every: float = EDIT_EVERY,
) -> Result:
    """Start the scenario's server, load it, stop it; the verified figures."""
    source = content or ROOT / "content"
    with tempfile.TemporaryDirectory(prefix="docsite-load-") as scratch_dir:
        work = Path(scratch_dir)
        log = work / "server.log"
        if scenario == "gunicorn":
            result = _gunicorn(source, log, connections, seconds)
        elif scenario == "live":
            result = _live(source, work / "content", log, connections, seconds, edit_every)
        else:
            raise ValueError(f"unknown scenario {scenario!r}")
        traceback = first_traceback(log) if result.wrong["5xx"] else None
        if traceback:
            result.examples["server traceback"] = traceback
        return result


def _gunicorn(content: Path, log: Path, connections: int, seconds: float) -> Result:
    expect, pages = page_expectations(content)
    port = free_port()
    with server(gunicorn_command(content, port), port, log) as base:
        return run_load("gunicorn", base, _mix(pages), expect, connections, seconds)


def _live(
    source: Path, copy: Path, log: Path, connections: int, seconds: float, edit_every: float
) -> Result:
    shutil.copytree(source, copy)
    expect, pages = page_expectations(copy)
    rng = random.Random(1)
    en_pages = sorted(p.relative_to(copy).as_posix() for p in (copy / "en").rglob("*.md"))
    edited = rng.sample(en_pages, min(EDITED_PAGES, len(en_pages)))
    editor = Editor(copy, expect, edited, seed=2, every=edit_every)
    for k in range(SCRATCH_PAGES // 2):  # some exist from the start, the rest come later
        editor.write_scratch("en", k)
    scratch = [Editor.scratch_url(lang, k) for lang in ("en", "zh") for k in range(SCRATCH_PAGES)]
    expect.may_vanish.update(scratch)
    expect.may_break.update(scratch)
    port = free_port()
    with server(serve_command(copy, port), port, log) as base:
        editor.start()
        try:
            result = run_load("live", base, _mix(pages, scratch), expect, connections, seconds)
        finally:
            editor.stop_event.set()
            editor.join(timeout=10)
    if editor.error is not None:
        raise RuntimeError(f"the editor thread failed: {editor.error!r}") from editor.error
    result.edits = editor.changes
    return result


def record(results: list[Result], seconds: float, note: str) -> str:
    """A new section for bench/RESULTS.md (appended; earlier sections stay as they are)."""
    today = dt.date.today().isoformat()
    lines = [
        f"## Load under {results[0].connections} connections ({today})",
        "",
        f"`python -m bench.load --scenario {' '.join(r.scenario for r in results)} "
        f"--connections {results[0].connections} --seconds {seconds:g}` on "
        f"{os.cpu_count()} cores, the load generator on the same machine. {note}",
        "",
        "| scenario | requests | requests/s | p50 (ms) | p99 (ms) | 5xx | other status | "
        "truncated | wrong page | connection errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = {
        "gunicorn": "gunicorn, 2 sync workers, project content",
        "live": "`build.py serve` while an editor thread changes the content",
    }
    for r in results:
        w = r.wrong
        lines.append(
            f"| {names[r.scenario]} | {r.requests} | {r.rps:.0f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {w['5xx']} | {w['status']} | {w['truncated']} | "
            f"{w['wrong page']} | {w['connection']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--scenario", nargs="+", choices=("gunicorn", "live"), default=["gunicorn", "live"]
    )
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--content", type=Path, default=None, help="default: content/")
    parser.add_argument(
        "--edit-every",
        type=float,
        default=EDIT_EVERY,
        help=f"live: seconds between two changes of the editor (default {EDIT_EVERY})",
    )
    parser.add_argument(
        "--record", action="store_true", help="append the figures to bench/RESULTS.md"
    )
    args = parser.parse_args(argv)
    results = []
    for scenario in args.scenario:
        result = run_scenario(
            scenario, args.connections, args.seconds, args.content, args.edit_every
        )
        print(result.report(), flush=True)
        results.append(result)
    if args.record:
        edits = [r.edits for r in results if r.scenario == "live"]
        note = f"The live editor made {edits[0]} file changes during its run." if edits else ""
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + record(results, args.seconds, note))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
