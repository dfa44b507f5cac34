"""`python build.py check`: links, anchors, files and front matter, as path:line: level: message."""

from __future__ import annotations

import http.server
import json
import os
import socket
import threading

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
    assert data["diagnostics"] == [
        {
            "path": rel(content / "en" / "bad.md"),
            "line": 3,
            "level": "error",
            "code": "front-matter-type",
            "message": "'sortorder' must be an integer, not 'ten'",
        }
    ]
    assert data["summary"] == {
        "pages": {"en": 1, "zh": 0},
        "errors": 1,
        "warnings": 0,
        "external_links": 0,
        "external_urls": 0,
        "external_checked": False,
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


def check_output(content, *args):
    """(exit code, diagnostic lines, other lines) of `check` on a content folder; the
    diagnostics' paths are shortened to below the content folder (en/a.md:3: …)."""
    result = run_cli("check", "--content", str(content), *args)
    lines = result.stdout.strip().splitlines()
    diagnostics = [line for line in lines if ": warning: " in line or ": error: " in line]
    prefix = rel(content) + os.sep
    for line in diagnostics:
        assert line.startswith(prefix), line
    others = [line for line in lines if line not in diagnostics]
    return result.returncode, [line.removeprefix(prefix) for line in diagnostics], others


def run_check(tmp_path, files, *args):
    """Write a content tree and check it: (exit code, diagnostic lines)."""
    return check_output(write_tree(tmp_path / "content", files), *args)[:2]


HOME = "---\ntitle: Home\n---\nWelcome.\n"


def test_two_files_on_one_url_are_an_error_naming_both(tmp_path):
    files = {
        "en/index.md": HOME,
        "en/a.md": "---\ntitle: A\n---\n",
        "en/a/index.md": "---\ntitle: A again\n---\n",
        "en/b.md": "---\ntitle: B\nslug: c\n---\n",
        "en/c.md": "---\ntitle: C\n---\n",
    }
    # reported once, for English: the Chinese fallbacks share the defect, not a second one
    assert run_check(tmp_path, files) == (
        1,
        [
            "en/a/index.md:1: error: maps to the same URL /en/a/ as en/a.md",
            "en/c.md:1: error: maps to the same URL /en/c/ as en/b.md",
        ],
    )


def test_a_translation_on_the_url_of_another_page_is_reported_in_its_language(tmp_path):
    files = {
        "en/index.md": HOME,
        "en/a/index.md": "---\ntitle: A\n---\n",
        "zh/a.md": "---\ntitle: 甲\n---\n",
    }
    assert run_check(tmp_path, files) == (
        1,
        [
            "en/a/index.md:1: error: maps to the same URL /zh/a/ as zh/a.md",
            "zh/a.md:1: warning: orphan translation: there is no en page en/a.md, "
            "so no en nav or language switch leads here",
        ],
    )


def test_a_page_without_a_title_is_reported(tmp_path):
    files = {"en/index.md": HOME, "en/x.md": "Just text.\n"}
    assert run_check(tmp_path, files, "--strict") == (
        1,
        [
            "en/x.md:1: warning: page has no title: "
            "add 'title:' to the front matter or a '# ' heading"
        ],
    )


def test_links_to_drafts_are_named_as_such(tmp_path):
    files = {
        "en/index.md": "---\ntitle: Home\n---\n[soon](soon.md) [gone](gone.md)\n",
        "en/soon.md": "---\ntitle: Soon\ndraft: true\n---\n",
    }
    # once: the Chinese fallback of the home page has the same links
    assert run_check(tmp_path, files) == (
        0,
        [
            "en/index.md:4: warning: link to draft page 'soon.md' (drafts are not published)",
            "en/index.md:4: warning: link to missing page 'gone.md'",
        ],
    )


def test_heading_ids_a_translation_and_its_original_do_not_share(tmp_path):
    files = {
        "en/index.md": HOME,
        "en/guide.md": (
            "---\ntitle: Guide\n---\n# Guide\n\n## Install {#install}\n\n"
            "## Configure {#configure}\n\n### Options\n"
        ),
        "zh/guide.md": (
            "---\ntitle: 指南\n---\n# 指南\n\n## 安装 {#install}\n\n## 配置\n\n### Options\n"
        ),
    }
    code, lines = run_check(tmp_path, files)
    assert code == 0
    en, zh = "zh translation zh/guide.md", "en page en/guide.md"
    assert lines == [
        f"en/guide.md:4: warning: heading id 'guide' is not in the {en}",
        f"en/guide.md:8: warning: heading id 'configure' is not in the {en}",
        f"zh/guide.md:4: warning: heading id '指南' is not in the {zh}",
        f"zh/guide.md:8: warning: heading id '配置' is not in the {zh}",
    ]


def test_empty_sections(tmp_path):
    files = {
        "en/index.md": "---\ntitle: Home\n---\n![logo](images/logo.png)\n",
        "en/images/logo.png": b"\x89PNG",  # an asset folder a page links to
        "en/bundle/index.md": "---\ntitle: Bundle\n---\n",  # a page with its own folder
        "en/old/notes.txt": "left behind\n",
        "en/guide/deep/page.md": "---\ntitle: Deep\n---\n",  # guide/ has pages below it
        "en/_partials/note.txt": "hidden folders are no sections\n",
    }
    content = write_tree(tmp_path / "content", files)
    (content / "zh" / "empty").mkdir(parents=True)
    code, lines, _ = check_output(content)
    assert code == 0
    assert lines == [
        "en/old: warning: empty section: no page in this folder, and no page links to its files",
        "zh/empty: warning: empty section: the folder holds no page",
    ]


def test_code_fence_languages(tmp_path):
    known = ("text", "console", "pycon", "python", "toml", "")
    fences = "".join(f"```{lang}\nx\n```\n\n" for lang in known)
    files = {"en/index.md": f"---\ntitle: Home\n---\n{fences}```pythn\nx\n```\n"}
    assert run_check(tmp_path, files, "--strict") == (
        1,
        ["en/index.md:28: warning: unknown code language 'pythn'; shown as plain text"],
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    """/ok answers; /head-refused answers GET only (as some servers do); the rest is 404."""

    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 405 if "refused" in self.path else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        ok = self.path in ("/ok", "/head-refused")
        self.send_response(200 if ok else 404)
        body = b"fine" if ok else b"no"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_external_links_are_counted_and_fetched_only_when_asked(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        files = {
            "en/index.md": (
                f"---\ntitle: Home\n---\n[good]({base}/ok)\n\n[bad]({base}/missing)\n\n"
                f"[get only]({base}/head-refused) [good again]({base}/ok#part)\n"
            ),
            "zh/index.md": f"---\ntitle: 首页\n---\n[坏]({base}/missing)\n",
        }
        content = write_tree(tmp_path / "content", files)
        code, lines, summary = check_output(content, "--strict")
        assert code == 0 and lines == []  # no network by default
        assert summary[0] == "external links: 5 to 4 URL(s) (not checked; --external fetches them)"
        code, lines, summary = check_output(content, "--strict", "--external")
        assert code == 1
        failed = f"warning: external link {base}/missing failed: HTTP 404"
        assert lines == [
            f"en/index.md:6: {failed}",
            f"zh/index.md:4: {failed}",
        ]
        assert summary[0] == "external links: 5 to 4 URL(s) (checked)"
    finally:
        server.shutdown()
        server.server_close()


def test_external_link_to_a_closed_port_names_the_cause(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before check runs: nothing listens there
    files = {"en/index.md": f"---\ntitle: Home\n---\n[x](http://127.0.0.1:{port}/)\n"}
    assert run_check(tmp_path, files, "--external") == (
        0,
        [
            f"en/index.md:4: warning: external link http://127.0.0.1:{port}/ failed: "
            "[Errno 111] Connection refused"
        ],
    )


def test_the_project_content_passes_strict_check():
    result = run_cli("check", "--strict")
    assert result.returncode == 0, result.stdout
    assert "0 error(s), 0 warning(s)" in result.stdout.splitlines()[-1]


def test_a_second_check_reads_the_render_cache_and_still_sees_a_link_break(tmp_path):
    """The second check takes each page's ids, links and warnings from the render cache's
    renderings and reports what the first did; after a linked page is deleted, it reports the
    broken link."""
    project = write_tree(tmp_path / "project", {f"content/{k}": v for k, v in SITE.items()})
    (project / "docsite.toml").write_text('languages = ["en", "zh"]\n', "utf-8")

    def check() -> list[str]:
        result = run_cli("-f", str(project / "docsite.toml"), "check")
        return result.stdout.strip().splitlines()[:-1]  # the last line has the time taken

    cold = check()
    cached = list((project / ".cache").rglob("render/*/*.json"))
    assert len(cached) >= 4, "the check left no renderings in the render cache"
    assert check() == cold
    (project / "content/en/guide/b.md").unlink()
    (project / "content/zh/guide/b.md").unlink()
    after = check()
    a = os.path.join("content", "en", "guide", "a.md")
    assert any(a in line and "link to missing page 'guide/b.md'" in line for line in after), after


def test_a_build_made_from_the_same_inputs_says_the_same_problems_and_sees_new_ones(tmp_path):
    """A build whose inputs are those of the last one says the last check's report again
    (docsite.freeze keeps it in the manifest); a folder without a page changes no page, but
    is a new problem, so it must be checked again."""
    content = write_tree(
        tmp_path / "content",
        {
            "en/index.md": "---\ntitle: Home\n---\nSee [the guide](guide.md#nowhere).\n",
            "en/guide.md": "---\ntitle: Guide\n---\nText.\n",
        },
    )
    out = tmp_path / "site"

    def problems() -> list[str]:
        result = run_cli("build", "--content", str(content), "--out", str(out))
        assert result.returncode == 0, result.stderr
        return [line for line in result.stderr.splitlines() if ": warning:" in line]

    first = problems()
    assert any("#nowhere" in line for line in first), first
    assert problems() == first  # said again, from the same inputs
    (content / "en" / "empty").mkdir()
    third = problems()
    assert any("empty section" in line for line in third), third
    assert set(first) < set(third)
