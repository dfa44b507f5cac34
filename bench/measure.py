"""Measuring tools: a child process's wall time and peak RSS, HTTP polling, and load generation."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass
class Sample:
    """One run of a command: wall seconds, the child's peak RSS in MB, exit code and its log;
    its CPU seconds (user and system, its own and those of the children it waited for)."""

    seconds: float
    rss_mb: float
    code: int
    log: Path
    cpu: float = 0.0

    @property
    def ok(self) -> bool:
        return self.code == 0

    def tail(self, lines: int = 3) -> str:
        text = self.log.read_text("utf-8", errors="replace").strip().splitlines()
        return " / ".join(text[-lines:])


def run(
    cmd: Sequence[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Sample:
    """Run a command to completion; its peak RSS and CPU come from wait4() on exactly that
    child."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, usage.ru_maxrss / 1024, proc.returncode, log, cpu)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 30.0) -> int:
    """GET a loopback URL and read the body; the HTTP status (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_until_served(
    url: str, proc: subprocess.Popen[bytes], started: float, limit: float = 120.0
) -> float:
    """Seconds from `started` until `url` answers 200, polling every 10 ms; fails if the server
    dies first."""
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            if fetch(url, timeout=limit) == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"{url} not served within {limit:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a server this harness started (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a running process in MB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


@dataclass
class Load:
    """Throughput and tail latency of one load run."""

    rps: float
    p99_ms: float
    requests: int
    unexpected: int  # responses whose status was not the expected one (socket errors included)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_command(url: str, seconds: int, connections: int) -> list[str]:
    return ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]


def load_wrk(url: str, seconds: int, connections: int, expect: int) -> Load:
    """Load a loopback URL with wrk; p99 from its latency distribution."""
    out = subprocess.run(
        wrk_command(url, seconds, connections),
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = sum(int(n) for n in errors.groups()) if errors else 0
    non_ok = int(non_2xx[1]) if non_2xx else 0
    bad += (requests - non_ok) if expect >= 300 else non_ok
    return Load(rps, float(p99[1]) * _UNITS[p99[2]] if p99 else float("nan"), requests, bad)


def load_python(url: str, seconds: int, connections: int, expect: int) -> Load:
    """A fallback load generator when wrk is missing: one thread per connection."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()

    def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status = fetch(url, timeout=10)
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                bad[0] += status != expect

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Load(len(latencies) / elapsed, p99, len(latencies), bad[0])


def load_tool() -> tuple[str, Callable[[str, int, int, int], Load]]:
    """wrk when installed (Debian package `wrk`), else the Python fallback."""
    if shutil.which("wrk"):
        return "wrk", load_wrk
    return "python threads (wrk not installed)", load_python


Report = tuple[list[str], list[tuple[str, str, float]]]  # a table's lines, and figures


def corpus_module_main(doc: str, report: Callable[[Path], Report]) -> None:
    """The command line of a bench module measuring one corpus: `--corpus DIR [--json]`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    _report_main(parser, lambda args: report(args.corpus))


def corpora_module_main(
    doc: str, prog: str, report: Callable[[dict[str, Path], int], Report], runs: int
) -> None:
    """The command line of a bench module measuring several corpora: `NAME=DIR ... [--runs N]
    [--json]`."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parser.add_argument("corpora", nargs="+", help="NAME=DIR of each corpus")
    parser.add_argument("--runs", type=int, default=runs)

    def measured(args: argparse.Namespace) -> Report:
        corpora = {item.split("=", 1)[0]: Path(item.split("=", 1)[1]) for item in args.corpora}
        return report(corpora, args.runs)

    _report_main(parser, measured)


def _report_main(
    parser: argparse.ArgumentParser, measured: Callable[[argparse.Namespace], Report]
) -> None:
    """Parse the command line (with `--json`), measure, and print the table, or (with --json,
    for bench.run) the table's lines and its figures."""
    parser.add_argument("--json", action="store_true", help="lines and figures, for bench.run")
    args = parser.parse_args()
    lines, figures = measured(args)
    print(json.dumps({"lines": lines, "figures": figures}) if args.json else "\n".join(lines))
