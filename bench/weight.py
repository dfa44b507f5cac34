"""Page weight: the HTML, CSS and JS a first visit downloads, raw and gzip-compressed.

`python -m bench.weight [--content DIR] [--theme NAME] [--site DIR] [--json]` freezes the
content with the theme (or reads a site built before with --site) and, per language, reports
the start page, the median and the largest page, the search page and the 404 page. The static
search index and its script, which load only when a reader searches, are not counted (the
Search section of the report measures them). The budget is 60 KB compressed for a typical
(median) page, and no request may leave the site.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

BUDGET_KB = 60.0
KB = 1024


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads, and any address outside the site."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.outside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and values.get("rel") == "stylesheet":
            self.add(self.css, values.get("href", ""))
        elif tag == "link" and values.get("rel") in ("icon", "preload", "manifest"):
            self.add([], values.get("href", ""))  # not counted; only checked to stay on site
        elif tag == "script" and values.get("src"):
            self.add(self.js, values["src"])
        elif tag in ("img", "iframe") and values.get("src"):
            self.add([], values["src"])  # content, not counted; only checked to stay on site

    def add(self, bucket: list[str], url: str) -> None:
        if urlsplit(url).scheme or url.startswith("//"):
            self.outside.append(url)
        elif url:
            bucket.append(url)


@dataclass
class Weight:
    name: str
    html: int
    css: int
    js: int
    compressed: int
    outside: int

    @property
    def raw(self) -> int:
        return self.html + self.css + self.js


def gz(data: bytes) -> int:
    """Bytes after gzip at level 6, what static hosts and proxies commonly send."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def weigh(site: Path, page: Path, name: str) -> Weight:
    html = page.read_bytes()
    assets = Assets()
    assets.feed(html.decode("utf-8"))
    sizes = {"css": 0, "js": 0}
    compressed = gz(html)
    folder = PurePosixPath(page.parent.relative_to(site).as_posix())
    for kind, urls in (("css", assets.css), ("js", assets.js)):
        for url in urls:
            path = urlsplit(url).path  # relative, or site-absolute in the 404 page
            file = site / _normalize(
                PurePosixPath(path.lstrip("/")) if path.startswith("/") else folder / path
            )
            data = file.read_bytes()
            sizes[kind] += len(data)
            compressed += gz(data)
    return Weight(name, len(html), sizes["css"], sizes["js"], compressed, len(assets.outside))


def _normalize(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def pages_of(site: Path, lang: str) -> list[tuple[str, Path]]:
    """The page types: start, median and largest content page, search, 404."""
    folder = site / lang
    content = [
        p
        for p in folder.rglob("index.html")
        if p.parent.name not in ("search", "translation-status") and p.parent != folder
    ]
    content.sort(key=lambda p: p.stat().st_size)
    chosen = [("start page", folder / "index.html")]
    if content:
        median = content[len(content) // 2]
        chosen += [
            (f"median page ({median.parent.relative_to(folder).as_posix()})", median),
            (f"largest page ({content[-1].parent.relative_to(folder).as_posix()})", content[-1]),
        ]
    chosen.append(("search page", folder / "search" / "index.html"))
    return chosen


def build(content: Path | None, theme: str, out: Path) -> Path:
    """Freeze the site with the project's own freezer, into out/site."""
    from docsite.app import create_app
    from docsite.config import load_config
    from docsite.freeze import freeze

    config = load_config(content_dir=content, theme=theme, cache_dir=out / "cache")
    freeze(create_app(config, server_search=False), out / "site")
    return out / "site"


def report(site: Path, theme: str) -> tuple[list[str], list[tuple[str, str, float]]]:
    languages = sorted(p.name for p in site.iterdir() if (p / "search").is_dir())
    rows: list[tuple[str, Weight]] = []
    for lang in languages:
        rows += [(lang, weigh(site, page, name)) for name, page in pages_of(site, lang)]
    rows.append(("–", weigh(site, site / "404.html", "404 page")))
    lines = [
        f"| page ({theme} theme) | lang | HTML | CSS | JS | total | gzip | requests off-site |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for lang, w in rows:
        lines.append(
            f"| {w.name} | {lang} | {w.html / KB:.1f} KB | {w.css / KB:.1f} KB | "
            f"{w.js / KB:.1f} KB | {w.raw / KB:.1f} KB | {w.compressed / KB:.1f} KB | {w.outside} |"
        )
    typical = [w.compressed / KB for _, w in rows if w.name.startswith("median")]
    worst = max(w.compressed for _, w in rows) / KB
    outside = sum(w.outside for _, w in rows)
    figures = [
        ("weight", f"{theme}, median page", statistics.median(typical) if typical else worst),
        ("weight_max", f"{theme}, largest page", worst),
        ("offsite", theme, float(outside)),
    ]
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.weight", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--content", type=Path, default=None, help="content folder to build")
    parser.add_argument("--theme", default="default", help="theme to build with")
    parser.add_argument("--site", type=Path, default=None, help="measure this built site")
    parser.add_argument("--json", action="store_true", help="lines and figures, for bench.run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docsite-weight-") as scratch:
        site = args.site or build(args.content, args.theme, Path(scratch))
        lines, figures = report(site, args.theme)
    if args.json:
        print(json.dumps({"lines": lines, "figures": figures}))
        return
    print("\n".join(lines))
    print(
        f"\nBudget: a typical (median) page ≤ {BUDGET_KB:.0f} KB gzip with its CSS and JS, on a "
        "first visit; the search index and static-search.js load only when a reader searches."
    )


if __name__ == "__main__":
    main()
