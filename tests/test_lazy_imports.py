"""A build that has nothing to render or analyse imports neither the parsers of docstrings
(docutils), nor the reader of the API (griffe), nor the search analysers (rjieba, whoosh);
one that carries every file over does not import Flask (nor Frozen-Flask) either, nor what
templating needs (Jinja2, Babel's catalogs and dates).

Observed in the real process with `python -X importtime`, which lists every module imported.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

from docsite.sourcecache import RECENT_NS
from tests.conftest import ROOT, write_tree

HEAVY = ("docutils", "griffe", "rjieba", "whoosh")
# what only making a file needs: the app (for the URLs Frozen-Flask freezes)
MAKERS = ("flask", "flask_frozen", "werkzeug")
TEMPLATING = ("jinja2", "babel")  # a page templated: the theme's templates and UI catalogs
API_PAGE = "---\ntitle: {title}\n---\nThe URL of an endpoint.\n\n::: flask.url_for\n"


def imported(project: Path, out: Path) -> set[str]:
    build = ["build", "--content", str(project / "content"), "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "build.py"), *build],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", done.stderr, re.M)
    assert names, "python -X importtime printed no module"
    return {name.split(".")[0] for name in names}


def test_a_build_with_nothing_changed_loads_no_heavy_module(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "docsite.toml": 'languages = ["en", "zh"]\n',
            "content/en/index.md": "---\ntitle: Home\n---\nSee [the API](api.md).\n",
            "content/zh/index.md": "---\ntitle: 首页\n---\n请看[接口](api.md)。\n",
            "content/en/api.md": API_PAGE.format(title="API"),
            "content/zh/api.md": API_PAGE.format(title="接口"),
        },
    )
    out = tmp_path / "site"
    first = imported(tmp_path, out)
    unneeded = {*HEAVY, *MAKERS, *TEMPLATING, "markdown_it", "pygments"}
    assert unneeded <= first  # the first build makes every file
    second = imported(tmp_path, out)  # its API pages keyed as before (apiref.pagekeys)
    assert not unneeded & second, sorted(unneeded & second)


def test_a_site_that_places_no_api_object_never_reads_the_api(tmp_path: Path) -> None:
    """Reference-style links (`[text][label]`) are also how autorefs are written, so such a
    page asks the API plugin for its render env; the model need not be read for that."""
    write_tree(
        tmp_path,
        {
            "docsite.toml": 'languages = ["en"]\n',
            "content/en/index.md": "---\ntitle: Home\n---\nSee [the guide][guide].\n\n"
            "[guide]: guide.md\n",
            "content/en/guide.md": "---\ntitle: Guide\n---\nRead [the home page][home].\n\n"
            "[home]: index.md\n",
        },
    )
    first = imported(tmp_path, tmp_path / "site")
    assert "docsite" in first and "griffe" not in first


def test_a_build_that_renders_nothing_imports_no_parser(tmp_path: Path) -> None:
    """Without API pages, a build that carries every page over needs neither markdown-it nor
    Pygments (the fingerprint of pygments.css is kept in the cache), nor Flask, nor PyYAML
    (the pages come from the source cache)."""
    write_tree(
        tmp_path,
        {
            "docsite.toml": 'languages = ["en", "zh"]\n',
            "content/en/index.md": "---\ntitle: Home\n---\nSee [the guide](guide.md).\n",
            "content/zh/index.md": "---\ntitle: 首页\n---\n请看[指南](guide.md)。\n",
            "content/en/guide.md": "---\ntitle: Guide\n---\n```python\nprint('hi')\n```\n",
        },
    )
    parsers = {"markdown_it", "pygments", "yaml", *MAKERS, *TEMPLATING}
    out = tmp_path / "site"
    time.sleep(RECENT_NS / 1e9 + 0.1)  # a file changed just now is read again, not cached
    first = imported(tmp_path, out)
    assert parsers <= first
    second = imported(tmp_path, out)
    assert not parsers & second, sorted(parsers & second)
    css = list(out.rglob("pygments.*.css"))
    assert len(css) == 1  # the name the pages link to is that of the bytes written
    assert css[0].name.split(".")[1] == hashlib.sha256(css[0].read_bytes()).hexdigest()[:10]
    assert css[0].name in (out / "en" / "guide" / "index.html").read_text("utf-8")
