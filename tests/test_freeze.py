"""The frozen site: complete, every internal link and fragment resolves, under / and /docs/."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from docsite.config import load_config
from tests.conftest import (
    CONTENT,
    FASTAPI,
    ROOT,
    http_get,
    needs_fastapi,
    run_cli,
    static_http_server,
    write_tree,
)
from tests.test_server import SMALL_SITE

GOOD_SITE = {k: v for k, v in SMALL_SITE.items() if "broken" not in k}


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.heading_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.heading_ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for attr in ("href", "src"):
            if values.get(attr) and not (tag == "link" and values.get("rel") in ("canonical",)):
                self.refs.append(values[attr])


def parse(file: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(file.read_text("utf-8"))
    return parser


def broken_links(root: Path, base: str) -> list[str]:
    """Every internal href/src of every HTML file below root/base must name a file (and id)."""
    site = root / base.strip("/")
    problems: list[str] = []
    parsed: dict[Path, LinkParser] = {}

    def links_of(file: Path) -> LinkParser:
        if file not in parsed:
            parsed[file] = parse(file)
        return parsed[file]

    def file_for(url_path: str) -> Path:
        rel = unquote(url_path).lstrip("/")
        target = root / rel
        return target / "index.html" if url_path.endswith("/") else target

    html_files = sorted(site.rglob("*.html"))
    assert html_files, f"no HTML in {site}"
    for file in html_files:
        page_url = "/" + file.relative_to(root).as_posix()
        if file.name == "index.html":
            page_url = page_url[: -len("index.html")]
        links = links_of(file)
        for ref in links.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            absolute = urljoin(page_url, ref)
            target_path = urlsplit(absolute).path
            if not target_path.startswith(base):
                problems.append(f"{page_url}: {ref} leaves the base path {base}")
                continue
            target = file_for(target_path)
            if not target.is_file():
                problems.append(f"{page_url}: {ref} -> missing {target_path}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = links_of(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page_url}: {ref} -> no id #{parts.fragment}")
    return problems


def build(content: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", "--content", str(content), "--out", str(out), *extra)


@pytest.fixture(scope="module")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("project") / "site"
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_project_site_freezes_completely(project_build):
    for name in (
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "en/index.html",
        "zh/index.html",
    ):
        assert (project_build / name).is_file(), name
    en_pages = sorted(
        p.relative_to(project_build / "en") for p in (project_build / "en").rglob("index.html")
    )
    zh_pages = sorted(
        p.relative_to(project_build / "zh") for p in (project_build / "zh").rglob("index.html")
    )
    assert en_pages == zh_pages and len(en_pages) > 5


def test_project_site_links_resolve_under_root(project_build, tmp_path):
    assert broken_links(project_build, "/") == []


def test_links_resolve_under_a_base_path_served_over_http(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    served = tmp_path / "www"
    result = build(content, served / "docs", "--base-url", "/docs/")
    assert result.returncode == 0, result.stderr
    assert broken_links(served, "/docs/") == []
    not_found = (served / "docs" / "404.html").read_text("utf-8")
    assert 'href="/docs/_static/css/docsite.' in not_found  # absolute: it is served at any depth
    with static_http_server(served) as base:
        # crawl every page reachable from the start page, over HTTP, like a reader's browser
        seen: set[str] = set()
        queue = [base + "/docs/"]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = http_get(url)
            assert response.status == 200, url
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            parser = LinkParser()
            parser.feed(response.text)
            for ref in parser.refs:
                target = urljoin(url, ref).split("#")[0]
                if target.startswith(base + "/docs/") and target not in seen:
                    queue.append(target)
        assert base + "/docs/zh/guide/only-english/" in seen
        assert any(u.endswith(".css") for u in seen) and any(u.endswith("logo.png") for u in seen)


def test_sitemap_uses_an_absolute_base_url_when_given(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out, "--base-url", "https://docs.example.org/flask/").returncode == 0
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://docs.example.org/flask/en/guide/routing/</loc>" in sitemap
    assert 'hreflang="zh-Hans" href="https://docs.example.org/flask/zh/guide/routing/"' in sitemap
    page = (out / "en" / "guide" / "routing" / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://docs.example.org/flask/en/guide/routing/">' in page
    assert "Sitemap: https://docs.example.org/flask/sitemap.xml" in (out / "robots.txt").read_text()


def test_static_start_page_is_a_language_chooser(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    index = (out / "index.html").read_text("utf-8")
    assert 'href="en/"' in index and 'href="zh/"' in index and "chooser" in index


def test_failed_build_reports_every_bad_page_and_keeps_the_old_site(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    marker = (out / "en" / "index.html").read_bytes()
    write_tree(
        content,
        {
            "en/bad-yaml.md": "---\ntitle: [oops\n---\n",
            "en/bad-type.md": "---\ntitle: T\nsortorder: soon\n---\n",
            "zh/bad-bytes.md": b"---\ntitle: T\n---\n\xc3\x28\n",
            "en/unterminated.md": "---\ntitle: T\n\nno end\n",
            "zh/unclosed.md": "# Script\n\n<script>\n",  # found while rendering, not loading
        },
    )
    (content / "en" / "index.md").write_text(
        "---\ntitle: Changed\n---\nNew home.\n", encoding="utf-8"
    )
    result = build(content, out)
    assert result.returncode == 1
    for expected in (
        "bad-yaml.md:2: error: invalid YAML",
        "bad-type.md:3: error: 'sortorder' must be an integer",
        "bad-bytes.md:4: error: invalid UTF-8",
        "unterminated.md:1: error: front matter opened with '---' is never closed",
        "unclosed.md:3: error: '<script>' is never closed",
    ):
        assert expected in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: 5 error(s) in 5 file(s); nothing was written (the old {rel(out)} is kept)"
    )
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert (out / "en" / "index.html").read_bytes() == marker
    assert [p.name for p in tmp_path.glob(".site.*")] in ([], [".site.spare"]), (
        "no staging folder is left behind (a reused spare goes back to being the spare)"
    )


def test_rebuild_replaces_the_output_and_drops_removed_pages(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    assert (out / "en" / "guide" / "only-english" / "index.html").is_file()
    (content / "en" / "guide" / "only-english.md").unlink()
    (content / "en" / "guide" / "routing.md").write_text(
        "---\ntitle: Routing\n---\nRules.\n", encoding="utf-8"
    )
    assert build(content, out).returncode == 0
    assert not (out / "en" / "guide" / "only-english").exists()


def test_build_summary_and_no_cache(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    result = build(content, tmp_path / "site", "--no-cache")
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert (
        last.startswith("built ")
        and "pages: 4 en, 4 zh; 0 error(s)" in last
        and last.endswith(" s")
    )


@needs_fastapi
def test_fastapi_corpus_builds_without_error(tmp_path):
    out = tmp_path / "site"
    result = build(FASTAPI, out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "0 error(s)" in result.stderr.strip().splitlines()[-1]
    english = list((out / "en").rglob("index.html"))
    chinese = list((out / "zh").rglob("index.html"))
    assert len(english) >= 150 and len(chinese) == len(english)
    # The corpus links to images and includes it does not ship; every link between pages resolves.
    page_problems = [p for p in broken_links(out, "/") if "missing" in p and p.endswith("/")]
    assert page_problems == []


@needs_fastapi
def test_fastapi_pages_keep_their_mkdocs_anchors(tmp_path):
    out = tmp_path / "site"
    assert build(FASTAPI, out).returncode == 0
    chinese = parse(out / "zh" / "tutorial" / "first-steps" / "index.html")
    english = parse(out / "en" / "tutorial" / "first-steps" / "index.html")
    assert len(english.heading_ids) > 5
    assert english.heading_ids == chinese.heading_ids
    assert "step-2-create-a-fastapi-instance" in english.heading_ids


def test_the_outside_corpus_tests_skip_with_their_reason_where_it_is_absent(tmp_path):
    """A fresh clone has no ../shared beside it: its own tests must pass there."""
    args = ["tests/test_freeze.py", "-k", "fastapi", "-q", "-rs", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=ROOT,
        env={**os.environ, "DOCSITE_FASTAPI_CORPUS": str(tmp_path / "absent")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 skipped" in result.stdout
    assert f"the FastAPI corpus is not at {tmp_path / 'absent'}" in result.stdout


def _parallel_tree() -> dict[str, str | bytes]:
    """30 pages per language in 3 folders, each linking to an anchor of a page of its folder."""
    files: dict[str, str | bytes] = {}
    for lang, word in (("en", "Routing"), ("zh", "路由")):
        files[f"{lang}/index.md"] = f"---\ntitle: {word}\nsortorder: 0\n---\nStart.\n"
        for folder in range(3):
            files[f"{lang}/section-{folder}/index.md"] = f"---\ntitle: S{folder}\n---\nIndex.\n"
        for n in range(30):
            after = (n + 3) % 30  # in the same folder, as n % 3 names the folder
            body = "\n\n".join(
                [
                    f"## {word} {n} {{#part-{n}}}",
                    f"See [the page after](p{after}.md#part-{after}).",
                    "```python\n@app.route('/x')\ndef x():\n    return 'x'\n```",
                    "!!! note\n    Admonition text.",
                    "| a | b |\n|---|---|\n| 1 | 2 |",
                ]
            )
            files[f"{lang}/section-{n % 3}/p{n}.md"] = f"---\ntitle: {word} {n}\n---\n{body}\n"
    return files


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_parallel_build_writes_exactly_what_a_single_process_build_writes(tmp_path):
    content = write_tree(tmp_path / "content", _parallel_tree())
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"site-{jobs}"
        result = run_cli(
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
            "--no-cache",
            env={"DOCSITE_JOBS": jobs},
        )
        assert result.returncode == 0, result.stderr
        assert f" with {jobs} process" in result.stderr
        outputs[jobs] = _snapshot(out)
    assert sorted(outputs["1"]) == sorted(outputs["2"])
    assert len([name for name in outputs["2"] if name.endswith("index.html")]) > 60
    different = [name for name in outputs["1"] if outputs["1"][name] != outputs["2"][name]]
    assert different == []


def test_rebuild_with_caches_writes_what_a_cold_build_writes_after_an_edit(tmp_path):
    content = write_tree(tmp_path / "content", _parallel_tree())
    assert build(content, tmp_path / "site").returncode == 0  # fills the render and term caches
    page = content / "zh" / "section-1" / "p4.md"
    page.write_text(page.read_text("utf-8").replace("路由 4", "蓝图 4"), encoding="utf-8")
    warm = build(content, tmp_path / "site")
    cold = build(content, tmp_path / "cold", "--no-cache")
    assert warm.returncode == 0 and cold.returncode == 0, warm.stderr + cold.stderr
    warm_files, cold_files = _snapshot(tmp_path / "site"), _snapshot(tmp_path / "cold")
    assert sorted(warm_files) == sorted(cold_files)
    assert [name for name in cold_files if warm_files[name] != cold_files[name]] == []
    assert "蓝图" in (tmp_path / "site" / "zh" / "section-1" / "p4" / "index.html").read_text()


def rel(path: Path) -> str:
    return os.path.relpath(path)


def manifest(folder: Path) -> dict[str, str] | None:
    """sha256 of every file below a folder by relative path; None when there is no folder."""
    if not folder.exists():
        return None
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


def test_killed_builds_never_leave_a_half_written_output(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "site"
    rng = random.Random(20250501)

    def complete_build(name: str) -> dict[str, str]:
        """What a whole build of the content as it is now writes."""
        result = build(content, tmp_path / name)
        assert result.returncode == 0, result.stderr
        return manifest(tmp_path / name)

    def killed_build(delay: float) -> None:
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "build",
                "--content",
                str(content),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.kill()  # SIGKILL: no handler, no cleanup
        process.wait(timeout=30)  # reaped, so its pid counts as gone

    started = time.monotonic()
    first = complete_build("reference")
    duration = time.monotonic() - started
    # A killed first build leaves no output, or (killed after the swap) the whole build.
    killed_build(rng.uniform(0.2, 0.9) * duration)
    assert manifest(out) in (None, first)
    assert build(content, out).returncode == 0
    assert manifest(out) == first
    page = content / "en" / "user-guide" / "blueprints.md"
    kills = 5
    for n in range(kills):
        before = manifest(out)
        page.write_text(page.read_text("utf-8") + f"\nEdit {n}.\n", encoding="utf-8")
        # one kill in each fifth of the build's duration
        killed_build(rng.uniform(n / kills, (n + 1) / kills) * duration)
        after = manifest(out)
        if after != before:  # killed after the swap: then it is the complete new build
            assert after == complete_build(f"reference-{n}"), f"kill {n}: half-written output"
    assert build(content, out).returncode == 0
    assert manifest(out) == complete_build("reference-last")
    assert leftovers(out) == [".site.spare"], "the last build removes what killed builds left"


def test_a_build_removes_only_the_leftovers_of_builds_that_are_gone(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    dead = subprocess.Popen(["true"])
    dead.wait()  # exited and reaped: its pid is free
    running = os.getpid()  # this test: a build that is still running
    names = [
        f".site.build-{dead.pid}-abc",
        f".site.old-{dead.pid}-123",
        f".site.build-{running}-def",
        ".site.build-q9x_2m",  # the name builds used before they recorded their pid
    ]
    for name in names:
        (tmp_path / name / "en").mkdir(parents=True)
    (tmp_path / ".sitemap.build-1-x").mkdir()  # another output's: not ours to touch
    assert build(content, out).returncode == 0
    assert leftovers(out) == [f".site.build-{running}-def"]
    assert (tmp_path / ".sitemap.build-1-x").is_dir()


def test_output_that_cannot_be_written_is_one_clear_line(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output's folder should be\n")
    result = build(content, blocker / "site")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: cannot write {rel(blocker)}: not a folder; {rel(blocker / 'site')} was not created"
    )
    assert "Traceback" not in result.stderr


def test_a_write_that_fails_midway_keeps_the_old_output(tmp_path):
    """A file-size limit makes writes fail partway through the build, as a full disk does."""
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    before = manifest(out)
    # A page bigger than the limit (the pages that did not change are carried over, not written)
    big = "---\ntitle: Changed\n---\n" + "New words in a long page. " * 1000
    (content / "en" / "index.md").write_text(big, encoding="utf-8")

    def small_files_only():
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, resource.RLIM_INFINITY))

    result = run_cli(
        "build", "--content", str(content), "--out", str(out), preexec_fn=small_files_only
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: cannot write {rel(out)}: File too large; the old {rel(out)} is kept"
    )
    assert "Traceback" not in result.stderr
    assert manifest(out) == before
    assert leftovers(out) == []


def _process_state(pid: int) -> str | None:
    """The state letter of a process (R, S, Z …), None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _forks_of(pid: int) -> list[int]:
    """The child processes of pid that run its own command line (forks, not git or others)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and (stat.parent / "cmdline").read_bytes() == command:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _living(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _process_state(pid) not in (None, "Z")]  # Z: dead, unreaped


def test_a_killed_build_takes_its_workers_with_it(tmp_path):
    content = write_tree(tmp_path / "content", _parallel_tree())
    args = ["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-cache"]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DOCSITE_JOBS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120  # a hang guard, not a timing
        while not workers and process.poll() is None and time.monotonic() < deadline:
            workers = _forks_of(process.pid)
            time.sleep(0.005)
        assert workers, "the build forked no worker"
        process.kill()  # SIGKILL: the build has no chance to stop its workers itself
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _living(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _living(workers) == [], "workers outlived the build"
    finally:
        process.kill()
        for pid in _living(workers):
            os.kill(pid, signal.SIGKILL)


def test_the_next_build_removes_the_cold_caches_of_killed_builds(tmp_path):
    cache = load_config().cache_dir  # where `build --no-cache` makes its cold cache
    content = write_tree(tmp_path / "content", _parallel_tree())
    before = set(cache.glob("cold-*"))
    args = ["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-cache"]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = cache / f"cold-{os.getpid()}-1"  # as if this test were a build: kept
    unnamed = cache / "cold-1733000000000000000"  # named as before pids were recorded
    try:
        deadline = time.monotonic() + 120  # a hang guard, not a timing
        left: set[Path] = set()
        while not left and process.poll() is None and time.monotonic() < deadline:
            new = set(cache.glob("cold-*")) - before  # once it holds a file (compiled templates …)
            left = {f for f in new if any(p.is_file() for p in f.rglob("*"))}
            time.sleep(0.01)
        process.kill()
        process.wait(timeout=30)
        assert left, "the build wrote no cold cache before it ended"
        assert all(folder.is_dir() for folder in left)  # what a killed build leaves
        running.mkdir(parents=True)
        unnamed.mkdir()
        result = build(content, tmp_path / "site")
        assert result.returncode == 0, result.stderr
        assert [folder for folder in left if folder.exists()] == []
        assert not unnamed.exists()
        assert running.is_dir()
    finally:
        process.kill()
        shutil.rmtree(running, ignore_errors=True)
        shutil.rmtree(unnamed, ignore_errors=True)


def lock(folder: Path) -> None:
    """Make the entries of a folder impossible to remove (for root too: chattr +i)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    else:
        folder.chmod(0o555)


def unlock(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=False, capture_output=True)
    else:
        folder.chmod(0o755)


def test_an_old_output_that_cannot_be_removed_is_said_and_retried(tmp_path):
    content = write_tree(tmp_path / "content", GOOD_SITE)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    lock(out / "en" / "guide")
    try:
        # the locked output becomes the spare, which an incremental build may reuse as it is
        assert build(content, out).returncode == 0
        assert leftovers(out) == [".site.spare"]
        for attempt in range(2):  # a cold build removes the spare; still locked, it says so
            result = build(content, out, "--no-cache")
            assert result.returncode == 0, result.stderr
            [left] = [name for name in leftovers(out) if name != ".site.spare"]
            said = [line for line in result.stderr.splitlines() if "could not remove" in line]
            what = "a spare output" if attempt == 0 else "left by an earlier build"
            cause = os.strerror(errno.EPERM if os.geteuid() == 0 else errno.EACCES)
            assert len(said) == 1, result.stderr
            assert said[0].startswith(
                f"warning: could not remove {rel(tmp_path / left)} ({what}): {cause}: "
                f"{rel(tmp_path / left / 'en' / 'guide')}/"
            )
            assert said[0].endswith("; the next build tries again")
    finally:
        for folder in tmp_path.glob("*/en/guide"):
            unlock(folder)
        for folder in tmp_path.glob(".site.*/en/guide"):
            unlock(folder)
    result = build(content, out)
    assert result.returncode == 0 and "could not remove" not in result.stderr
    assert leftovers(out) == [".site.spare"]


def test_a_build_in_a_scratch_cache_writes_the_same_site_and_keeps_nothing(tmp_path):
    """`build --no-cache` builds in a scratch cache, removed afterwards: what it writes is the
    site a build with a cache writes, and the cache gets none of what a next build reads (the
    renderings, their facts, the search index's state, a manifest)."""
    from docsite.freeze import freeze
    from docsite.state import Docsite

    content = write_tree(tmp_path / "content", _parallel_tree())
    config = load_config(content_dir=content)
    kept, scratch = tmp_path / "kept", tmp_path / "scratch"
    freeze(Docsite(config.with_options(cache_dir=kept), server_search=False), tmp_path / "a")
    scratch_config = config.with_options(cache_dir=scratch, cache_scratch=True)
    freeze(Docsite(scratch_config, server_search=False), tmp_path / "b")
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    for pattern in ("render/*/*.json", "render/facts-*.pack", "static-search/*"):
        assert list(kept.glob(pattern)), pattern  # what the cache keeps …
        assert not list(scratch.glob(pattern)), pattern  # … and scratch does not
