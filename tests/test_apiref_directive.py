"""The `::: path` directive: options, what it places, and errors with file and line."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from docsite.apiref.directive import (
    DirectiveError,
    DirectiveOptions,
    find_directives,
    parse_options,
)
from docsite.builtins import plugins_for
from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import write_tree

FLASK_VERSION = metadata.version("flask")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")  # one griffe load for the module


@pytest.fixture
def render(tmp_path, cache):
    """Render an English page of a small site; returns (Rendered, source file)."""

    def do(body: str):
        content = write_tree(
            tmp_path / "content",
            {"en/index.md": "# Home\n", "en/api/page.md": "---\ntitle: API\n---\n" + body},
        )
        (content / "zh").mkdir(exist_ok=True)
        config = load_config(content_dir=content, cache_dir=cache)
        site = Site(config, Theme(config).gettext)
        entry = site.entries["en"]["api/page.md"]
        return site.render(entry), str(entry.page.source_file)

    return do


def ids(rendered) -> list[str]:
    return [entry.id for entry in rendered.toc]


def test_options_parse_like_mkdocstrings():
    options = parse_options(
        "options:\n  members: [route, add_url_rule]\n  inherited_members: true\n"
        "  show_source: true\n  heading_level: 3\n  show_root_heading: false\n"
        "  members_order: source\n"
    )
    assert options == DirectiveOptions(
        members=("route", "add_url_rule"),
        inherited_members=True,
        show_source=True,
        heading_level=3,
        show_root_heading=False,
        members_order="source",
    )
    assert parse_options("options: {members: false}").members is False
    assert parse_options("") == DirectiveOptions()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("options:\n  member: [a]", "unknown option 'member'; did you mean 'members'?"),
        ("options:\n  heading_level: 9", "option 'heading_level' must be 1 to 6, not 9"),
        ("options:\n  show_source: yes please", "option 'show_source' must be true or false"),
        ("options:\n  members: route", "option 'members' must be a list of names"),
        ("options:\n  members_order: random", "option 'members_order' must be one of"),
        ("options: [1, 2", "options are not valid YAML (line 1 of the options)"),
        ("members: [a]", "expected 'options:' (a mapping) under the directive"),
        ("handler: crystal", "handler 'crystal' is not supported (only 'python')"),
    ],
)
def test_bad_options_are_explained(text, message):
    with pytest.raises(DirectiveError) as error:
        parse_options(text)
    assert message in str(error.value)


def test_directives_in_code_are_not_directives():
    body = "```\n::: flask.Flask\n```\n\n    ::: flask.g\n\n::: flask.url_for\n"
    assert [(d.path, d.line) for d in find_directives(body)] == [("flask.url_for", 7)]


def test_an_object_renders_as_a_heading_in_the_toc_with_kind_signature_and_source(render):
    out, _ = render("Intro.\n\n::: flask.url_for\n")
    assert out.warnings == []
    assert ids(out) == ["flask.url_for"]
    assert '<h2 class="api-heading" id="flask.url_for"><code>flask.url_for</code>' in out.html
    assert '<span class="api-kind api-kind-function">function</span>' in out.html
    assert '<span class="sig-name">flask.url_for</span>(' in out.html
    assert '<table class="api-params">' in out.html and "api-version-changed" in out.html
    source = re.search(r'<p class="api-source"><a href="([^"]+)">', out.html)
    assert source is not None
    assert re.fullmatch(
        rf"https://github\.com/pallets/flask/blob/{re.escape(FLASK_VERSION)}/src/flask/"
        r"helpers\.py#L\d+-L\d+",
        source.group(1),
    )
    assert [s.id for s in out.sections][1:] == ["flask.url_for"]  # a search section too


def test_members_listed_inherited_or_none(render):
    out, _ = render("::: flask.Flask\n    options:\n      members: [route, config]\n")
    assert ids(out) == ["flask.Flask", "flask.Flask.route", "flask.Flask.config"]
    assert [e.level for e in out.toc] == [2, 3, 3]
    assert '<h3 class="api-heading" id="flask.Flask.route"><code>route</code>' in out.html
    assert (
        '<p class="api-inherited">Inherited from <code>flask.sansio.scaffold.Scaffold</code></p>'
        in out.html
    )
    deeper, _ = render(
        "::: flask.Flask\n    options:\n      members: [route]\n      heading_level: 3\n"
    )
    assert '<h4 class="api-heading" id="flask.Flask.route">' in deeper.html
    assert ids(deeper) == ["flask.Flask"]  # the TOC shows h2 and h3
    out, _ = render("::: flask.Flask\n    options:\n      members: false\n")
    assert ids(out) == ["flask.Flask"]


def test_inherited_members_only_when_asked(render):
    own, _ = render("::: flask.Flask\n")
    everything, _ = render("::: flask.Flask\n    options:\n      inherited_members: true\n")
    assert "flask.Flask.test_client" in ids(own)  # defined on Flask itself
    assert "flask.Flask.route" not in ids(own)  # defined on Scaffold
    assert "flask.Flask.route" in ids(everything)
    some, _ = render("::: flask.Flask\n    options:\n      inherited_members: [route]\n")
    assert "flask.Flask.route" in ids(some) and "flask.Flask.get" not in ids(some)


def test_members_order_and_grouping(render):
    alphabetical, _ = render("::: flask.Config\n")
    source, _ = render("::: flask.Config\n    options:\n      members_order: source\n")
    names = [i.rpartition(".")[2] for i in ids(alphabetical)[1:]]
    assert names == sorted(names)
    in_source = [i.rpartition(".")[2] for i in ids(source)[1:]]
    assert sorted(in_source) == names and in_source != names
    assert in_source.index("from_envvar") < in_source.index("from_object")


def test_root_heading_can_be_left_out_and_the_source_shown(render):
    out, _ = render(
        "::: flask.url_for\n    options:\n      show_root_heading: false\n      show_source: true\n"
    )
    assert ids(out) == []
    assert '<section class="api-object api-function" id="flask.url_for">' in out.html
    assert '<details class="api-source-code"><summary>Source code</summary>' in out.html
    assert '<span class="k">def</span><span class="w"> </span><span class="nf">url_for</span>' in (
        out.html
    )


def test_docstring_references_resolve_within_the_page(render):
    out, _ = render("::: flask.Flask\n    options:\n      members: [route, add_url_rule]\n")
    route = out.html.split('id="flask.Flask.route"')[1]
    assert (
        '<a class="xref" href="#flask.Flask.add_url_rule"><code>add_url_rule()</code></a>' in route
    )


def test_unknown_objects_and_bad_options_are_errors_with_file_and_line(render):
    out, file = render(
        "Intro.\n\n::: flask.Flaks\n\nMore.\n\n::: flask.url_for\n    options:\n"
        "      members_ordr: source\n"
    )
    assert [(w.path, w.line, w.level, w.code) for w in out.warnings] == [
        (file, 6, "error", "api-directive"),
        (file, 10, "error", "api-directive"),
    ]
    assert out.warnings[0].message == (
        f"'::: flask.Flaks': unknown API object 'flask.Flaks' (not in flask {FLASK_VERSION}); "
        "did you mean 'flask.Flask'?"
    )
    assert "unknown option 'members_ordr'; did you mean 'members_order'?" in out.warnings[1].message
    assert "<p>More.</p>" in out.html and '<p class="api-error">' in out.html


def test_another_packages_directive_stays_text_with_a_warning(render):
    out, file = render("::: fastapi.Request\n    options:\n      members: false\n\nText.\n")
    assert [(w.path, w.line, w.level, w.code) for w in out.warnings] == [
        (file, 4, "warning", "unsupported-syntax")
    ]
    assert out.warnings[0].message == (
        "mkdocstrings directive '::: fastapi.Request' is not supported: this site documents "
        "the API of flask; it is shown as text"
    )
    assert out.html == "<p>::: fastapi.Request</p>\n<p>Text.</p>\n"


def test_an_unknown_member_is_an_error(render):
    out, _ = render("::: flask.Flask\n    options:\n      members: [routes]\n")
    assert [w.message for w in out.warnings] == [
        "'::: flask.Flask': 'flask.Flask' has no public member 'routes'"
    ]


def test_docstring_problems_are_diagnostics_naming_the_object_and_its_line(tmp_path):
    from docsite.apiref.engine import ApiEngine, ApiSettings, PageApi
    from docsite.markdown import RenderContext, create_markdown
    from tests.apiref_fixtures import write_package

    src = write_package(
        tmp_path,
        {
            "demopkg/bad.py": '''
                def broken() -> None:
                    """Fine first line.

                    Then :nosuchrole:`x` here.
                    """
            '''
        },
    )
    engine = ApiEngine(ApiSettings(package="demopkg", base_packages=()), search_paths=(src,))
    ctx = RenderContext(
        file="content/en/api/demo.md",
        page_path="api/demo.md",
        page_url="api/demo/",
        line_offset=4,
        resolve_page=lambda _path: None,
        gettext=lambda message: message,
    )
    html = create_markdown(plugins_for(()).markdown).render(
        "Intro.\n\n::: demopkg.bad.broken\n", {"docsite": ctx, "apiref": PageApi(engine)}
    )
    assert [(d.path, d.line, d.code, d.level) for d in ctx.diagnostics] == [
        ("content/en/api/demo.md", 6, "docstring", "warning")
    ]
    assert ctx.diagnostics[0].message == (
        "docstring of demopkg.bad.broken (demopkg/bad.py:4): "
        'Unknown interpreted text role "nosuchrole".'
    )
    assert "<p>Fine first line.</p>" in html  # the rest of the docstring still shows
