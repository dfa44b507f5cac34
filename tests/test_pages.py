"""The content model: both front matter forms, encodings, and every kind of broken page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from docsite.errors import ContentError
from docsite.pages import load_page
from tests.conftest import write_tree


def page_from(tmp_path: Path, data: str | bytes, path: str = "guide/page.md"):
    file = tmp_path / "en" / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data.encode() if isinstance(data, str) else data)
    return load_page(tmp_path, "en", path)


def error_of(tmp_path: Path, data: str | bytes) -> ContentError:
    with pytest.raises(ContentError) as info:
        page_from(tmp_path, data)
    return info.value


def test_yaml_front_matter_fields(tmp_path):
    page = page_from(
        tmp_path,
        "---\ntitle: Blueprints\nsortorder: 14\nsidebartitle: Blueprints\ntoc: false\n"
        "meta: About blueprints.\nauthors: [Ada, Linus]\nupdated: 2025-03-01\n---\n\nBody text.\n",
    )
    assert page.title == "Blueprints"
    assert page.sortorder == 14
    assert page.meta["toc"] is False
    assert page.meta["authors"] == ["Ada", "Linus"]
    assert page.meta["updated"] == dt.date(2025, 3, 1)
    assert page.body.strip() == "Body text."
    assert page.body_line == 10
    assert page.url == "guide/page/"


def test_plain_key_value_header_like_the_seed(tmp_path):
    page = page_from(
        tmp_path,
        "title: Flask\ncategory: page\nslug: flask\nsortorder: 0404\ntoc: False\n"
        "sidebartitle: Flask\nmeta: Flask 是一个 Web 微框架。\nauthors: a.example, b.example\n"
        "updated: 2016-06-15 12:20\n\n# Flask\n\nText.\n",
    )
    assert page.title == "Flask"
    assert page.sortorder == 404
    assert page.meta["toc"] is False
    assert page.meta["authors"] == ["a.example", "b.example"]
    assert page.meta["updated"] == dt.datetime(2016, 6, 15, 12, 20)
    assert page.url == "guide/flask/"  # slug replaces the file name
    assert page.body_line == 11
    assert [w.message.split(" (")[0] for w in page.warnings] == [
        "unknown front matter key 'category'"
    ]
    assert page.warnings[0].line == 2


def test_bom_and_crlf_and_lone_cr_read_like_lf(tmp_path):
    lf = page_from(tmp_path, "---\ntitle: T\n---\nline one\nline two\n", "a.md")
    crlf = page_from(
        tmp_path, b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nline one\r\nline two\r\n", "b.md"
    )
    cr = page_from(tmp_path, b"---\rtitle: T\r---\rline one\rline two\r", "c.md")
    assert lf.body == crlf.body == cr.body
    assert lf.meta == crlf.meta == cr.meta


def test_title_from_first_heading_when_front_matter_has_none(tmp_path):
    page = page_from(tmp_path, "Intro line\n\n# The Real Title { #top }\n\nText\n")
    assert page.title == "The Real Title"


def test_page_without_any_title_warns_and_uses_the_file_name(tmp_path):
    page = page_from(tmp_path, "Just text.\n", "guide/odd-name.md")
    assert page.title == "Odd name"
    assert "no title" in page.warnings[0].message


def test_index_page_urls(tmp_path):
    assert page_from(tmp_path, "# Home\n", "index.md").url == ""
    assert page_from(tmp_path, "# Guide\n", "guide/index.md").url == "guide/"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("---\ntitle: Fine\nsortorder: [1, 2\n---\n", 3, "invalid YAML"),
        ("---\ntitle: a\n  bad: indent\n---\n", 3, "invalid YAML"),
        ('---\ntitle: "never closed\nsortorder: 1\n---\n', 2, "quote opened on this line"),
        ("---\ntitle: [1, 2\nsortorder: 1\n---\n", 2, "bracket opened on this line"),
        ("---\ntitle: T\nmeta: {a: 1\n\nsortorder: 1\n---\n", 3, "bracket opened on this"),
        ("---\n- a\n- b\n---\n", 2, "not a list"),
        ("---\njust a string\n---\n", 2, "not a str"),
        ("---\ntitle: T\nsortorder: first\n---\n", 3, "'sortorder' must be an integer"),
        ("---\ntitle: T\ntoc: maybe\n---\n", 3, "'toc' must be true or false"),
        ("---\ntitle: [1, 2]\n---\n", 2, "'title' must be a non-empty string"),
        ("---\ntitle: T\nupdated: last tuesday\n---\n", 3, "'updated' must be a date"),
        ("---\ntitle: T\nslug: a/b\n---\n", 3, "'slug' must be a single URL segment"),
        ("---\ntitle: never closed\n\nbody\n", 1, "never closed"),
        ("title: T\nsortorder: 3\nthis is not a header line\n\nbody\n", 3, "expected 'key: value'"),
    ],
)
def test_front_matter_errors_name_the_line(tmp_path, source, line, message):
    error = error_of(tmp_path, source)
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(
        f"{os.path.relpath(tmp_path / 'en' / 'guide' / 'page.md')}:{line}: "
    )


def test_invalid_utf8_names_the_line(tmp_path):
    error = error_of(tmp_path, b"---\ntitle: T\n---\nok\nbad \xff\xfe byte\n")
    assert error.line == 5
    assert "invalid UTF-8 byte 0xff" in error.message


def test_utf16_file_is_rejected_with_advice(tmp_path):
    error = error_of(tmp_path, "---\ntitle: T\n---\n".encode("utf-16"))
    assert error.line == 1
    assert "UTF-16" in error.message


def test_nul_byte_names_the_line(tmp_path):
    error = error_of(tmp_path, "---\ntitle: T\n---\n\nfine\nnot\x00fine\n")
    assert error.line == 6
    assert "NUL" in error.message


def test_site_reports_every_broken_page_and_keeps_the_others(make_site):
    site = make_site(
        {
            "en/index.md": "---\ntitle: Home\n---\n",
            "en/a.md": "---\ntitle: A\nsortorder: x\n---\n",
            "en/b.md": "---\ntitle: [oops\n---\n",
            "en/c.md": b"---\ntitle: C\n---\n\xff\n",
            "en/d.md": "---\ntitle: D\n---\nfine\n",
        }
    )
    assert sorted(Path(e.path).name for e in site.errors) == ["a.md", "b.md", "c.md"]
    assert sorted(site.entries["en"]) == ["d.md", "index.md"]
    assert ("en", "a/") in site.broken
    # zh falls back to the English pages that are fine
    assert sorted(site.entries["zh"]) == ["d.md", "index.md"]
    assert site.entries["zh"]["d.md"].fallback


def test_nav_order_sortorder_then_title_and_sections_from_folders(make_site):
    site = make_site(
        {
            "en/index.md": "---\ntitle: Home\n---\n",
            "en/guide/index.md": "---\ntitle: Guide\nsortorder: 2\n---\n",
            "en/guide/zeta.md": "---\ntitle: Zeta\nsortorder: 1\n---\n",
            "en/guide/beta.md": "---\ntitle: Beta\nsortorder: 5\n---\n",
            "en/guide/alpha.md": "---\ntitle: Alpha\nsortorder: 5\n---\n",
            "en/api/index.md": "---\ntitle: API\nsortorder: 1\n---\n",
            "en/loose.md": "---\ntitle: Loose\n---\n",
        }
    )
    nav = site.nav["en"]
    assert [n.title for n in nav.children] == ["API", "Guide", "Loose"]
    guide = nav.children[1]
    assert [n.title for n in guide.children] == ["Zeta", "Alpha", "Beta"]
    order = [e.page.path for e in site.order["en"]]
    assert order == [
        "index.md",
        "api/index.md",
        "guide/index.md",
        "guide/zeta.md",
        "guide/alpha.md",
        "guide/beta.md",
        "loose.md",
    ]
    prev, nxt = site.neighbours(site.entries["en"]["guide/alpha.md"])
    assert (prev.page.path, nxt.page.path) == ("guide/zeta.md", "guide/beta.md")


def test_drafts_are_left_out_unless_asked_for(make_site):
    files = {"en/index.md": "# Home\n", "en/wip.md": "---\ntitle: WIP\ndraft: true\n---\n"}
    assert "wip.md" not in make_site(files).entries["en"]
    assert "wip.md" in make_site(files, include_drafts=True).entries["en"]


def test_two_files_mapping_to_one_url_is_an_error(make_site):
    site = make_site(
        {
            "en/index.md": "# Home\n",
            "en/guide.md": "# Guide page\n",
            "en/guide/index.md": "# Guide folder\n",
        }
    )
    messages = [e.message for e in site.errors]
    assert any("same URL /en/guide/" in m for m in messages), messages


def test_symlink_outside_content_is_refused(make_site, tmp_path):
    secret = write_tree(tmp_path / "outside", {"secret.md": "# Secret\n"})
    site = make_site({"en/index.md": "# Home\n"})
    os.symlink(secret / "secret.md", site.config.content_dir / "en" / "leak.md")
    site = site.reloaded()
    assert "leak.md" not in site.entries["en"]
    assert any("outside the content folder" in e.message for e in site.errors)


def test_translation_pairs_by_path(make_site):
    site = make_site(
        {
            "en/index.md": "# Home\n",
            "en/guide/a.md": "# A\n",
            "zh/index.md": "# 首页\n",
            "zh/guide/a.md": "# 甲\n",
        }
    )
    entry = site.entries["zh"]["guide/a.md"]
    pairs = site.translations_of(entry)
    assert {lang: e.page.title for lang, e in pairs.items()} == {"en": "A", "zh": "甲"}


def test_every_site_of_a_process_has_its_own_generation(make_site):
    """Page and nav caches are keyed by the generation: a site made anew (a new configuration)
    must not reuse the number of one whose pages are cached."""
    first = make_site({"en/index.md": "# Home\n"})
    again = first.reloaded()
    fresh = type(first)(first.config, first.gettext_for)
    assert len({first.generation, again.generation, fresh.generation}) == 3
