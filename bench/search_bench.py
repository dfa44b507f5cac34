"""Search figures: index build time and size, query latency, and quality (MRR@10).

    python -m bench.search_bench [--project DIR] [--corpus DIR] [--runs N]

- server search (whoosh) on the project content, with the queries of tests/search/queries.yaml,
  and on a generated corpus, with the title of 60 random pages per language as the query and
  that page as the answer;
- static search (the frozen site's index) in headless Chromium, against the project built with
  `build.py build` and served by `python -m http.server`: MRR@10 on the same queries, and the
  bytes a query downloads (first query, with nothing cached, and the following ones).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from docsite.config import load_config
from docsite.pages import load_page
from docsite.search import SearchIndex
from docsite.site import Site
from docsite.theme import Theme

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # this repository
QUERIES = PROJECT_ROOT / "tests" / "search" / "queries.yaml"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Query:
    text: str
    lang: str
    expect: list[str]  # page URLs below the site root: /zh/user-guide/blueprints/


def page_url(lang: str, path: str) -> str:
    url = path.removesuffix(".md").removesuffix("index")
    return f"/{lang}/{url}/".replace("//", "/")


def project_queries() -> list[Query]:
    data = yaml.safe_load(QUERIES.read_text("utf-8"))
    return [
        Query(item["q"], lang, [page_url(lang, p) for p in item["expect"]])
        for lang in ("en", "zh")
        for item in data[lang]
    ]


def title_queries(content: Path, per_language: int = 60, seed: int = 7) -> list[Query]:
    rng = random.Random(seed)
    queries = []
    for lang in ("en", "zh"):
        files = sorted((content / lang).rglob("*.md"))
        rng.shuffle(files)
        for file in files[:per_language]:
            page = load_page(content, lang, file.relative_to(content / lang).as_posix())
            queries.append(Query(page.title, lang, [f"/{lang}/{page.url}"]))
    return queries


def reciprocal_rank(urls: list[str], expect: list[str]) -> float:
    pages = [u.split("#")[0] for u in urls]
    return next((1 / (i + 1) for i, p in enumerate(pages) if p in expect), 0.0)


def mrr(ranks: list[tuple[str, float]], lang: str) -> float:
    values = [r for code, r in ranks if code == lang]
    return sum(values) / len(values) if values else 0.0


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def server_search(
    content: Path | None, queries: list[Query] | None, runs: int
) -> dict[str, object]:
    """Build a fresh index, then time every query `runs` times (after one warm-up pass)."""
    config = load_config(content_dir=content) if content else load_config()
    site = Site(config, Theme(config).gettext)
    folder = Path(tempfile.mkdtemp(prefix="docsite-bench-index-"))
    try:
        index = SearchIndex(folder)
        started = time.perf_counter()
        stats = index.sync(site)
        build_seconds = time.perf_counter() - started
        queries = queries or title_queries(config.content_dir)
        ranks = [
            (
                q.lang,
                reciprocal_rank([h.url for h in index.search(q.text, q.lang).results], q.expect),
            )
            for q in queries
        ]
        latencies = []
        for _ in range(runs):
            for q in queries:
                t = time.perf_counter()
                index.search(q.text, q.lang, 10)
                latencies.append((time.perf_counter() - t) * 1000)
        latencies.sort()
        return {
            "pages": stats["pages"],
            "index_seconds": build_seconds,
            "index_bytes": float(folder_size(folder)),
            "queries": len(queries),
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "mrr_en": mrr(ranks, "en"),
            "mrr_zh": mrr(ranks, "zh"),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def static_search(queries: list[Query], project: Path) -> dict[str, float]:
    """MRR and download size of the frozen site's search, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="docsite-bench-static-"))
    server = None
    try:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--content", str(project),
             "--out", str(root / "site")],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
        )  # fmt: skip
        build_seconds = time.perf_counter() - started
        index_bytes = folder_size(root / "site" / "_search")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(root / "site")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/en/").read()
                break
            except OSError:
                time.sleep(0.1)
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        ranks: list[tuple[str, float]] = []
        first_bytes: list[int] = []
        later_bytes: list[int] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for lang in ("en", "zh"):
                page = browser.new_page()
                page.goto(f"{base}/{lang}/")
                page.wait_for_function("window.DocsiteSearch !== undefined")
                page.evaluate("window.DocsiteSearch.engine()")
                for n, q in enumerate(x for x in queries if x.lang == lang):
                    before = page.evaluate("window.DocsiteSearch.engine().then(e => e.bytes)")
                    data = page.evaluate(
                        "([q, l]) => window.DocsiteSearch.engine().then(e => e.search(q, l, 10))",
                        [q.text, lang],
                    )
                    after = page.evaluate("window.DocsiteSearch.engine().then(e => e.bytes)")
                    (first_bytes if n == 0 else later_bytes).append(after - before)
                    ranks.append(
                        (lang, reciprocal_rank([r["url"] for r in data["results"]], q.expect))
                    )
                page.close()
            browser.close()
        return {
            "build_seconds": build_seconds,
            "index_bytes": float(index_bytes),
            "mrr_en": mrr(ranks, "en"),
            "mrr_zh": mrr(ranks, "zh"),
            "first_query_bytes": float(statistics.median(first_bytes)),
            "query_bytes_median": float(statistics.median(later_bytes)),
            "query_bytes_max": float(max(later_bytes)),
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def report(
    project_content: Path, corpus: Path | None, runs: int
) -> tuple[list[str], list[tuple[str, str, float]]]:
    """Markdown lines for bench/RESULTS.md, and the figures the targets are checked against."""
    queries = project_queries()
    project = server_search(project_content, queries, runs)
    figures: list[tuple[str, str, float]] = [
        ("search_p50", "project", project["p50_ms"]),
        ("search_p99", "project", project["p99_ms"]),
        ("mrr", "server en", project["mrr_en"]),
        ("mrr", "server zh", project["mrr_zh"]),
    ]
    rows = [
        "| search | pages | index build | index size | p50 | p99 | MRR@10 en | MRR@10 zh |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        _row("server, project content, queries.yaml", project),
    ]
    if corpus is not None:
        generated = server_search(corpus, None, runs)
        rows.append(
            _row(f"server, generated corpus ({generated['pages']} pages), titles", generated)
        )
        figures += [
            ("search_p50", "generated corpus", generated["p50_ms"]),
            ("search_p99", "generated corpus", generated["p99_ms"]),
        ]
    static = static_search(queries, project_content)
    rows += [
        "",
        "| static search (frozen site, Chromium) | value |",
        "| --- | --- |",
        f"| MRR@10 en / zh (queries.yaml) | {static['mrr_en']:.3f} / {static['mrr_zh']:.3f} |",
        f"| index size (all languages) | {static['index_bytes'] / 1024:.0f} KiB |",
        f"| download, first query of a visit | {static['first_query_bytes'] / 1024:.1f} KiB |",
        f"| download, later queries (median / max) | {static['query_bytes_median'] / 1024:.1f} / "
        f"{static['query_bytes_max'] / 1024:.1f} KiB |",
    ]
    figures += [
        ("mrr", "static en", static["mrr_en"]),
        ("mrr", "static zh", static["mrr_zh"]),
    ]
    return rows, figures


def _row(name: str, data: dict[str, float]) -> str:
    return (
        f"| {name} | {data['pages']} | {data['index_seconds']:.1f} s | "
        f"{data['index_bytes'] / 1024 / 1024:.1f} MiB | {data['p50_ms']:.1f} ms | "
        f"{data['p99_ms']:.1f} ms | {data['mrr_en']:.3f} | {data['mrr_zh']:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=None, help="a generated corpus (bench.corpus)"
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=PROJECT_ROOT / "content",
        help="the project's content (the pages tests/search/queries.yaml expects)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="lines and figures, for bench.run")
    args = parser.parse_args()
    lines, figures = report(args.project, args.corpus, args.runs)
    print(json.dumps({"lines": lines, "figures": figures}) if args.json else "\n".join(lines))


if __name__ == "__main__":
    main()
