"""Shared fixtures: small content trees on disk, a real server process, the CLI."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bench.search_bench import CHROMIUM_ARGS  # one set of Chromium flags
from docsite.config import SiteConfig, load_config
from docsite.site import Site
from docsite.theme import Theme

ROOT = Path(__file__).resolve().parent.parent  # this repository: its content, build.py
CONTENT = ROOT / "content"
# An outside corpus of pages (MkDocs' FastAPI docs, en and zh) beside the repository, as CI has
# it; DOCSITE_FASTAPI_CORPUS names another place. The tests that build it skip without it.
FASTAPI = Path(
    os.environ.get("DOCSITE_FASTAPI_CORPUS") or ROOT.parent / "shared" / "corpora" / "fastapi"
)
needs_fastapi = pytest.mark.skipif(
    not FASTAPI.is_dir(),
    reason=f"the FastAPI corpus is not at {FASTAPI} (a fresh clone has no ../shared; "
    "CI has it; DOCSITE_FASTAPI_CORPUS may name it)",
)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} below root (text is dedented)."""
    for rel, data in files.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            file.write_bytes(data)
        else:
            file.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    """Build a Site over a content tree written from a dict."""

    def make(files: dict[str, str | bytes], **options: object) -> Site:
        content = write_tree(tmp_path / "content", files)
        for lang in ("en", "zh"):
            (content / lang).mkdir(exist_ok=True)
        config = load_config(content_dir=content, cache_dir=tmp_path / "cache", **options)
        return Site(config, Theme(config).gettext)

    return make


def site_config(content: Path, tmp_path: Path, **options: object) -> SiteConfig:
    return load_config(content_dir=content, cache_dir=tmp_path / "cache", **options)


def run_cli(
    *args: str,
    cwd: Path = ROOT,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    **popen: Any,
) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` as a contributor would (`popen`: more subprocess options)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        **popen,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Response:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _opener.open(request, timeout=30) as resp:
            return Response(
                resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
            )
    except urllib.error.HTTPError as exc:
        return Response(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]
    log: Any = None  # the file its stdout and stderr go to

    def output(self) -> str:
        """What the server printed so far."""
        self.log.seek(0)
        return str(self.log.read())

    def get(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> Response:
        return http_get(self.base + path, headers, method)


def start_server(args: list[str], ready_path: str = "/en/") -> Server:
    port = free_port()
    # The log goes to a file: a pipe nobody reads would fill up and block the server.
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (lives with it)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args, "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read()}")
        try:
            server.get(ready_path)
            return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@contextmanager
def static_http_server(folder: Path) -> Iterator[str]:
    """`python -m http.server` on a folder, as any static host would serve a built site."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                http_get(base + "/")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def project_server() -> Iterator[Server]:
    """`python build.py serve` on the project's own content, as a real process."""
    server = start_server(["serve"])
    yield server
    stop_server(server)


# --- Chromium, driven by Playwright ------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. (Playwright's sync API keeps an asyncio loop running
    while it is open, which would break later tests that call asyncio.run.)"""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page that fails the test on any JavaScript error or CSP violation."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = collect_errors(page)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations: {errors}"


def collect_errors(page: Page) -> list[str]:
    """JavaScript errors, and every script, style or request the Content-Security-Policy
    refuses (Chromium reports those on the console), as they happen in the page."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return errors


def shot(page: Page, name: str, full_page: bool = False) -> None:
    """A screenshot in test-artifacts/ (git-ignored), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


# --- axe-core, from the npm registry ----------------------------------------------------------

AXE_VERSION = "4.14.1"
AXE_INTEGRITY = (  # "dist.integrity" of the release in the npm registry
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2"
    "S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
AXE_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"


def fetch_axe(cache: Path = ROOT / ".cache" / "axe") -> str:
    """axe.min.js of the pinned axe-core release, checked against its npm integrity hash.

    Downloaded once into .cache/ (git-ignored); a cached copy is used as it is.
    """
    script = cache / f"axe-core-{AXE_VERSION}.min.js"
    if not script.is_file():
        with urllib.request.urlopen(AXE_URL, timeout=60) as response:
            tarball = response.read()
        algorithm, _, expected = AXE_INTEGRITY.partition("-")
        actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
        if actual != expected:
            raise RuntimeError(f"{AXE_URL}: integrity {algorithm}-{actual}, expected {expected}")
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.extractfile("package/axe.min.js")
            if member is None:
                raise RuntimeError(f"{AXE_URL}: no package/axe.min.js in the tarball")
            data = member.read()
        cache.mkdir(parents=True, exist_ok=True)
        partial = script.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(script)
    return script.read_text("utf-8")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return fetch_axe()


# --- the classic theme, built -----------------------------------------------------------------


@pytest.fixture(scope="session")
def classic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's content frozen with `theme = "classic"` (the freezer build uses)."""
    from docsite.app import create_app
    from docsite.freeze import freeze

    root = tmp_path_factory.mktemp("classic")
    config = load_config(theme="classic", cache_dir=root / "cache")
    freeze(create_app(config, server_search=False), root / "site")
    return root / "site"


@pytest.fixture(scope="session")
def classic_site(classic_build: Path) -> Iterator[str]:
    """The classic build, served by python -m http.server."""
    with static_http_server(classic_build) as base:
        yield base
