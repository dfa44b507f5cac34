"""`python build.py check`: links, anchors, files and front matter, as path:line: level: message."""

from __future__ import annotations

import json
import os

from tests.conftest import run_cli, write_tree

SITE = {
    "en/index.md": "---\ntitle: Home\n---\n[guide](guide/a.md)\n",
    "en/guide/a.md": (
        "---\ntitle: A\nsortorder: 1\n---\n"
        "## Section {#section}\n\n"
        "[ok](b.md#there) [bad anchor](b.md#nowhere) [missing](c.md)\n\n"
        "[self](#section) [self bad](#nope) ![img](pic.png) [file](files/data.csv)\n"
    ),
    "en/guide/b.md": "---\ntitle: B\ncolour: blue\n---\n## There {#there}\n\n```nolang\nx\n```\n",
    "en/guide/files/data.csv": "a,b\n",
    "zh/guide/b.md": "---\ntitle: 乙\n---\n## 那里 {#there}\n",
}


def rel(path: str) -> str:
    return os.path.relpath(path)


def test_check_lists_each_problem_with_file_and_line(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stdout  # warnings only
    a = rel(content / "en" / "guide" / "a.md")
    b = rel(content / "en" / "guide" / "b.md")
    lines = result.stdout.strip().splitlines()
    expected = [
        f"{a}:7: warning: link to missing anchor 'guide/b.md#nowhere'",
        f"{a}:7: warning: link to missing page 'guide/c.md'",
        f"{a}:9: warning: link to missing anchor '#nope'",
        f"{a}:9: warning: link to missing file 'guide/pic.png'",
        f"{b}:3: warning: unknown front matter key 'colour'",
        f"{b}:7: warning: unknown code language 'nolang'; shown as plain text",
    ]
    for line in expected:
        assert any(out.startswith(line) for out in lines), (line, lines)
    assert len(lines) == len(expected) + 1
    assert lines[-1].startswith("pages: 3 en, 1 zh; 0 error(s), 6 warning(s);")


def test_strict_fails_on_warnings_and_passes_when_clean(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    assert run_cli("check", "--strict", "--content", str(content)).returncode == 1
    clean = write_tree(
        tmp_path / "clean",
        {
            "en/index.md": "---\ntitle: Home\n---\n[b](b.md#there)\n",
            "en/b.md": "---\ntitle: B\n---\n## There {#there}\n",
            "zh/index.md": "---\ntitle: 首页\n---\n[b](b.md#there)\n",
        },
    )
    result = run_cli("check", "--strict", "--content", str(clean))
    assert result.returncode == 0, result.stdout
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_anchor_links_are_checked_against_fallback_pages_in_each_language(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "---\ntitle: Home\n---\n[b](b.md#there)\n",
            "en/b.md": "---\ntitle: B\n---\n## There {#there}\n",
            # the zh home links to an anchor the (English) fallback page does not have
            "zh/index.md": "---\ntitle: 首页\n---\n[b](b.md#nicht-da)\n",
        },
    )
    result = run_cli("check", "--content", str(content))
    zh_index = rel(content / "zh" / "index.md")
    assert f"{zh_index}:4: warning: link to missing anchor 'b.md#nicht-da'" in result.stdout


def test_errors_exit_non_zero_and_json_format(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "---\ntitle: Home\n---\n",
            "en/bad.md": "---\ntitle: Bad\nsortorder: ten\n---\n",
        },
    )
    text = run_cli("check", "--content", str(content))
    assert text.returncode == 1
    assert (
        f"{rel(content / 'en' / 'bad.md')}:3: error: 'sortorder' must be an integer" in text.stdout
    )
    result = run_cli("check", "--format", "json", "--content", str(content))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 1
    assert data["diagnostics"][0] == {
        "path": rel(content / "en" / "bad.md"),
        "line": 3,
        "level": "error",
        "message": "'sortorder' must be an integer, not 'ten'",
    }


def test_help_explains_every_command():
    top = run_cli("--help")
    assert top.returncode == 0
    for command in ("serve", "build", "check"):
        assert command in top.stdout
        help_text = run_cli(command, "--help").stdout
        assert "--content" in help_text
    assert "--base-url" in run_cli("build", "--help").stdout
    assert "--port" in run_cli("serve", "--help").stdout
