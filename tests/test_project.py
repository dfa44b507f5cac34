"""docsite as a tool: the `docsite` command on a docs project of its own, anywhere on disk.

The command runs as a real process (the script `pip install` puts next to the interpreter), with
the project as its working directory, as a person who installed docsite would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from docsite.config import find_config
from tests.conftest import ROOT, Server, free_port, stop_server, write_tree

DOCSITE = Path(sys.executable).with_name("docsite")  # not resolved: the venv's bin folder
PAGES = {
    "content/en/index.md": "---\ntitle: Widget manual\n---\nWidgets, explained.\n",
    "content/en/setup.md": "---\ntitle: Setting up\nsortorder: 1\n---\nInstall the widget.\n",
    "content/zh/index.md": "---\ntitle: 小部件手册\n---\n小部件说明。\n",
}
CONFIG = """\
languages = ["en", "zh"]
default_language = "en"

[title]
en = "Widget Docs"
zh = "小部件文档"
"""


def docsite(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`docsite ARGS` in `cwd`, importing this checkout's code (PYTHONPATH)."""
    assert DOCSITE.is_file(), f"no {DOCSITE}: `pip install -e .` installs the docsite command"
    return subprocess.run(
        [str(DOCSITE), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def repository_state() -> dict[str, int]:
    """Every file and folder below the repository's .cache, site and content, with its mtime;
    but the doc server's search index, which an in-process server of an earlier test may still
    be writing in a background thread (a build never writes one)."""
    state: dict[str, int] = {}
    for name in (".cache", "site", "content"):
        folder = ROOT / name
        if folder.exists():
            state[name] = folder.lstat().st_mtime_ns
            for path in folder.rglob("*"):
                where = path.relative_to(ROOT).as_posix()
                if not where.startswith(".cache/search/"):
                    state[where] = path.lstat().st_mtime_ns
    return state


@contextmanager
def serving(project: Path) -> Iterator[Server]:
    """`docsite serve --port P` in the project, as a real process, until /en/ answers."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (lives with it)
    process = subprocess.Popen(
        [str(DOCSITE), "serve", "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise AssertionError(f"docsite serve did not start: {log.read()}")
            try:
                server.get("/en/")
                break
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        stop_server(server)
        log.close()


def test_a_project_builds_with_its_own_config_and_cache_leaving_the_repository_alone(tmp_path):
    project = write_tree(tmp_path, {"docsite.toml": CONFIG, **PAGES})
    before = repository_state()
    result = docsite("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "en" / "setup" / "index.html").read_text("utf-8")
    assert "Setting up — Widget Docs" in page  # the project's pages, with its title
    assert "小部件文档" in (project / "site" / "zh" / "index.html").read_text("utf-8")
    assert (project / ".cache" / "render").is_dir()  # the cache lives in the project
    assert repository_state() == before


def test_the_configuration_is_found_from_a_subfolder_in_pyproject(tmp_path):
    table = CONFIG.replace("[title]", "[tool.docsite.title]")
    pyproject = f"[project]\nname = 'widgets'\n\n[tool.docsite]\n{table}"
    project = write_tree(tmp_path, {"pyproject.toml": pyproject, **PAGES})
    result = docsite("check", "--strict", cwd=project / "content" / "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pages: 2 en, 1 zh; 0 error(s), 0 warning(s)" in result.stdout
    assert (project / ".cache").is_dir() and not (project / "content" / "en" / ".cache").exists()


def test_the_nearest_configuration_wins_and_docsite_toml_before_pyproject(tmp_path):
    write_tree(
        tmp_path,
        {
            "docsite.toml": "",
            "pyproject.toml": "[tool.docsite]\n",
            "docs/pyproject.toml": "[project]\nname = 'no docsite table'\n",
            "docs/guide/page.md": "text\n",
        },
    )
    assert find_config(tmp_path / "docs" / "guide") == tmp_path / "docsite.toml"
    write_tree(tmp_path, {"docs/docsite.toml": ""})
    assert find_config(tmp_path / "docs" / "guide") == tmp_path / "docs" / "docsite.toml"


def test_config_file_option_names_the_project(tmp_path):
    project = write_tree(tmp_path / "widgets", {"docsite.toml": CONFIG, **PAGES})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = docsite("-f", str(project / "docsite.toml"), "status", "--json", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    zh = json.loads(result.stdout)["zh"]
    assert sum(section["missing"] for section in zh) == 1  # setup.md has no translation
    assert list(elsewhere.iterdir()) == []


def test_no_configuration_is_one_clear_line_and_a_failure(tmp_path):
    folder = tmp_path / "not-a-project"
    folder.mkdir()
    result = docsite("build", cwd=folder)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: no docsite configuration found")
    assert "docsite.toml" in lines[0] and "[tool.docsite]" in lines[0]
    assert str(folder) in lines[0] and "docsite new" in lines[0]
    assert list(folder.iterdir()) == []  # no cache, no site


def test_docsite_new_serves_at_once_and_builds_clean(tmp_path):
    created = docsite("new", "handbook", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "handbook"
    assert set((project / ".gitignore").read_text("utf-8").split()) >= {".cache/", "site/"}
    for lang in ("en", "zh"):
        assert len(list((project / "content" / lang).glob("*.md"))) == 2
    with serving(project) as server:
        en, zh = server.get("/en/"), server.get("/zh/")
        assert en.status == 200 and "handbook Documentation" in en.text
        assert zh.status == 200 and "handbook 文档" in zh.text
        assert server.get("/zh/writing-pages/").status == 200
    built = docsite("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert (project / "site" / "zh" / "writing-pages" / "index.html").is_file()
    check = docsite("check", "--strict", cwd=project)
    assert check.returncode == 0 and "0 error(s), 0 warning(s)" in check.stdout, check.stdout
    status = json.loads(docsite("status", "--json", cwd=project).stdout)
    assert [(s["translated"], s["total"]) for s in status["zh"]] == [(2, 2)]


def test_docsite_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = docsite("new", ".", cwd=tmp_path)
    assert result.returncode != 0
    assert "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine\n"


@pytest.mark.parametrize("name", ["mine", "default"])
def test_a_project_theme_overrides_one_template_of_the_packaged_default(tmp_path, name):
    project = write_tree(
        tmp_path,
        {
            "docsite.toml": f'theme = "{name}"\n' + CONFIG,
            f"themes/{name}/theme.toml": 'parent = "default"\n',
            f"themes/{name}/templates/page.html": """
                {% extends "default:page.html" %}
                {% block page_footer %}<p class="widget-footer">Made by widgets</p>{% endblock %}
                """,
            **PAGES,
        },
    )
    result = docsite("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "en" / "setup" / "index.html").read_text("utf-8")
    assert '<p class="widget-footer">Made by widgets</p>' in page  # the project's template
    assert 'class="site-footer"' in page  # the packaged base.html around it
    assert list((project / "site" / "_static" / "css").glob("docsite.*.css"))
    zh = (project / "site" / "zh" / "index.html").read_text("utf-8")
    assert "翻译进度" in zh  # the packaged theme's Chinese catalog


def test_a_configuration_passed_to_another_process_is_the_same(tmp_path):
    """The server's child indexer and the workers get the configuration as JSON: every kind
    of setting (paths, tuples of pairs, tables) comes back equal and hashable."""
    from docsite.config import config_from_json, load_config

    settings = 'plugins = ["tests.plugins.changelog:register"]\n' + CONFIG
    settings += '[inventories]\n"https://docs.python.org/3/" = "python.inv"\n'
    project = write_tree(tmp_path / "widgets", {"docsite.toml": settings, **PAGES})
    config = load_config(project / "docsite.toml")
    assert config.inventories and config.plugins  # the settings the test is about are set
    again = config_from_json(config.to_json())
    assert again == config
    assert hash(again.inventories) == hash(config.inventories)
