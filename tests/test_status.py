"""The translation workflow: status, stamping, outdated notices, --require-translations."""

from __future__ import annotations

import json
import os

from docsite import create_app
from docsite.config import load_config
from tests.conftest import run_cli, write_tree

SITE = {
    "en/index.md": "---\ntitle: Home\nsortorder: 0\n---\nWelcome.\n",
    "en/guide/index.md": "---\ntitle: Guide\nsortorder: 1\n---\nThe guide.\n",
    "en/guide/a.md": "---\ntitle: A\n---\nAlpha text.\n",
    "en/guide/b.md": "---\ntitle: B\n---\nBeta text.\n",
    "en/guide/c.md": "---\ntitle: C\n---\nGamma text.\n",
    "zh/index.md": "---\ntitle: 首页\nsortorder: 0\n---\n欢迎。\n",
    "zh/guide/index.md": "---\ntitle: 指南\nsortorder: 1\n---\n指南。\n",
    "zh/guide/a.md": "---\ntitle: 甲\nsortorder: 3\n---\n甲的正文。\n",
    "zh/guide/b.md": "title: 乙\nsortorder: 4\n\n乙的正文。\n",
}


def status_json(content) -> dict:
    result = run_cli("status", "--json", "--content", str(content))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def states(data: dict) -> dict[str, str]:
    return {page["path"]: page["state"] for section in data["zh"] for page in section["pages"]}


def stamp(content, *paths: str):
    args = [arg for path in paths for arg in ("--stamp", path)]
    return run_cli("status", "--content", str(content), *args)


def test_status_stamp_and_outdated_after_the_original_changes(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    assert states(status_json(content)) == {
        "index.md": "outdated",  # translated, but nothing recorded yet
        "guide/index.md": "outdated",
        "guide/a.md": "outdated",
        "guide/b.md": "outdated",
        "guide/c.md": "missing",
    }
    result = stamp(content, "zh/index.md", "zh/guide/index.md", "zh/guide/a.md", "zh/guide/b.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("stamped zh/") == 4
    assert set(states(status_json(content)).values()) == {"translated", "missing"}
    # the English original changes: its translation is outdated, the others are not
    (content / "en" / "guide" / "a.md").write_text("---\ntitle: A\n---\nAlpha, revised.\n")
    (content / "en" / "guide" / "b.md").write_text("---\ntitle: B\nsortorder: 9\n---\nBeta text.\n")
    now = states(status_json(content))
    assert now["guide/a.md"] == "outdated"
    assert now["guide/b.md"] == "translated"  # front matter changes do not count
    text = run_cli("status", "--content", str(content)).stdout
    assert "outdated  zh/guide/a.md (records " in text
    assert "missing   zh/guide/c.md" in text
    guide = next(line for line in text.splitlines() if line.strip().startswith("guide"))
    assert guide.split()[1:6] == ["2", "1", "1", "4", "50%"]


def test_stamping_keeps_the_rest_of_the_file(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    (content / "zh" / "guide" / "a.md").write_bytes(
        "---\r\ntitle: 甲\r\nsortorder: 3\r\nsource: 00000000\r\n---\r\n甲的正文。\r\n".encode()
    )
    assert stamp(content, "zh/guide/a.md", "zh/guide/b.md").returncode == 0
    a = (content / "zh" / "guide" / "a.md").read_bytes().decode()
    assert a.startswith("---\r\ntitle: 甲\r\nsortorder: 3\r\nsource: ") and a.endswith(
        "\r\n---\r\n甲的正文。\r\n"
    )
    assert "00000000" not in a and a.count("source:") == 1
    b = (content / "zh" / "guide" / "b.md").read_text()
    assert b.startswith("source: ") and b.endswith("title: 乙\nsortorder: 4\n\n乙的正文。\n")
    assert states(status_json(content))["guide/b.md"] == "translated"


def test_stamp_refuses_what_it_cannot_stamp(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    missing = stamp(content, "zh/guide/c.md")
    assert missing.returncode == 1 and "no such translation" in missing.stderr
    orphan = stamp(content, "zh/guide/nothing.md")
    assert orphan.returncode == 1 and "no en original" in orphan.stderr
    assert stamp(content, "fr/guide/a.md").returncode == 1


def test_check_can_require_translations(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    assert stamp(content, "zh/index.md", "zh/guide/index.md", "zh/guide/a.md").returncode == 0
    assert run_cli("check", "--content", str(content)).returncode == 0
    result = run_cli("check", "--require-translations", "--content", str(content))
    assert result.returncode == 1
    c_en = os.path.relpath(content / "en" / "guide" / "c.md")
    b_zh = os.path.relpath(content / "zh" / "guide" / "b.md")
    assert f"{c_en}: error: no zh translation" in result.stdout
    assert f"{b_zh}:1: error: translation is outdated: it records source nothing" in result.stdout


def test_readers_see_outdated_notice_and_status_page(tmp_path):
    content = write_tree(tmp_path / "content", SITE)
    assert stamp(content, "zh/guide/index.md", "zh/guide/a.md").returncode == 0
    (content / "en" / "guide" / "a.md").write_text("---\ntitle: A\n---\nAlpha, revised.\n")
    app = create_app(
        load_config(content_dir=content, cache_dir=tmp_path / "cache"), server_search=False
    )
    client = app.test_client()
    page = client.get("/zh/guide/a/").get_data(as_text=True)
    assert "此译文可能已过时" in page
    assert '<a href="../../../en/guide/a/" hreflang="en" lang="en">阅读英文原文</a>' in page
    assert "此译文可能已过时" not in client.get("/en/guide/a/").get_data(as_text=True)
    status = client.get("/zh/translation-status/").get_data(as_text=True)
    assert "翻译进度" in status
    # guide: its index is up to date, a is outdated, b was never stamped, c is missing
    assert 'aria-label="已翻译 25%"' in status
    assert status.count('class="status-outdated"') == 3  # zh/index.md, a and b
    assert status.count('class="status-missing"') == 1
