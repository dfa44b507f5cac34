"""Live server figures: start to first page, and save to reload event.

    python -m bench.live_bench --corpus DIR [--edits N]

Starts `python build.py serve` on the corpus (a real process), times the first page, then
connects to the live-reload event stream as a browser does, saves pages (appending a line) and
times each save until its reload event arrives. Restores every page it edits.
"""

from __future__ import annotations

import http.client
import json
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench.measure import Report, corpus_module_main

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # this repository


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(content: Path, edits: int = 30) -> dict[str, float]:
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "build.py"), "serve", "--content", str(content),
         "--port", str(port)],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.01)
        first_page = time.perf_counter() - started
        time.sleep(2.0)  # let the watcher and the first background work settle
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/_docsite/events")
        stream = conn.getresponse()
        events: queue.Queue[float] = queue.Queue()

        def read() -> None:
            for line in stream:
                if line.startswith(b"data: "):
                    json.loads(line[6:])
                    events.put(time.perf_counter())

        threading.Thread(target=read, daemon=True).start()
        time.sleep(0.5)
        files = sorted((content / "en").rglob("*.md"))[1 : edits + 1]
        latencies = []
        for file in files:
            original = file.read_bytes()
            try:
                saved = time.perf_counter()
                file.write_bytes(original + b"\nEdited for the benchmark.\n")
                latencies.append((events.get(timeout=10) - saved) * 1000)
            finally:
                file.write_bytes(original)
            events.get(timeout=10)
            time.sleep(0.05)
        conn.close()
        latencies.sort()
        return {
            "first_page_s": first_page,
            "reload_p50_ms": statistics.median(latencies),
            "reload_p90_ms": latencies[int(len(latencies) * 0.9)],
            "reload_max_ms": latencies[-1],
            "edits": len(latencies),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(content: Path) -> Report:
    pages = sum(1 for _ in content.rglob("*.md"))
    data = measure(content)
    figures = [
        ("first_page", content.name, data["first_page_s"]),
        ("reload_p50", content.name, data["reload_p50_ms"]),
    ]
    lines = [
        "| live server | value |",
        "| --- | --- |",
        f"| corpus | {content.name}, {pages} pages |",
        f"| start to first page | {data['first_page_s']:.2f} s |",
        f"| save to reload event, p50 / p90 / max ({data['edits']:.0f} saves) | "
        f"{data['reload_p50_ms']:.0f} / {data['reload_p90_ms']:.0f} / "
        f"{data['reload_max_ms']:.0f} ms |",
    ]
    return lines, figures


def main() -> None:
    corpus_module_main(__doc__ or "", report)


if __name__ == "__main__":
    main()
