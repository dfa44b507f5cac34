"""Sphinx-style reST docstrings through docutils: roles, fields, directives, code, messages."""

from __future__ import annotations

import re

import pytest

from docsite.apiref.catalog import Translation
from docsite.apiref.model import Param
from docsite.apiref.rst import RstOptions, summary, units
from docsite.apiref.rsthtml import render_docstring

OBJECTS = {
    "flask.Flask.add_url_rule": "/api/app#flask.Flask.add_url_rule",
    "flask.Flask.route": "/api/app#flask.Flask.route",
    "flask.Flask": "/api/app#flask.Flask",
    "flask.url_for": "/api/helpers#flask.url_for",
    "flask.g": "/api/globals#flask.g",
    "flask.Flask.config": "/api/app#flask.Flask.config",
    "flask.Request.json": "/api/request#flask.Request.json",
    "flask.json": "/api/json#flask.json",
    "flask.abort": "/api/helpers#flask.abort",
    "werkzeug.exceptions.NotFound": "https://werkzeug.example/ex#NotFound",
}
LABELS = {"url-route-registrations": "/api/routes#url-route-registrations"}
DOCS = {"/quickstart": "/guide/quickstart"}


def resolve(role: str, target: str) -> str | None:
    """The resolver the renderer is given: a plain table, suffix search for '.name'."""
    if role == "ref":
        return LABELS.get(target)
    if role == "doc":
        return DOCS.get(target)
    if target.startswith("."):
        hits = sorted(p for p in OBJECTS if p.endswith(target))
        return OBJECTS[hits[0]] if hits else None
    return OBJECTS.get(target)


def html_of(text: str, **options: object) -> str:
    return render_docstring(text, RstOptions(resolve=resolve, **options)).html  # type: ignore[arg-type]


def links(html: str) -> dict[str, str]:
    """Link text (tags removed) -> href."""
    return {
        re.sub(r"<[^>]+>", "", text): href
        for href, text in re.findall(r'<a class="xref" href="([^"]+)">(.*?)</a>', html)
    }


@pytest.mark.parametrize(
    ("source", "text", "href"),
    [
        (":meth:`flask.Flask.route`", "flask.Flask.route()", "/api/app#flask.Flask.route"),
        (":func:`flask.url_for`", "flask.url_for()", "/api/helpers#flask.url_for"),
        (":class:`flask.Flask`", "flask.Flask", "/api/app#flask.Flask"),
        (":attr:`flask.Request.json`", "flask.Request.json", "/api/request#flask.Request.json"),
        (":data:`flask.g`", "flask.g", "/api/globals#flask.g"),
        (":mod:`flask.json`", "flask.json", "/api/json#flask.json"),
        (":obj:`flask.abort`", "flask.abort", "/api/helpers#flask.abort"),
        (
            ":exc:`werkzeug.exceptions.NotFound`",
            "werkzeug.exceptions.NotFound",
            "https://werkzeug.example/ex#NotFound",
        ),
        (":py:class:`flask.Flask`", "flask.Flask", "/api/app#flask.Flask"),
    ],
)
def test_each_object_role_links_through_the_resolver(source, text, href):
    assert links(html_of(f"See {source} here.")) == {text: href}


def test_tilde_shortens_and_explicit_titles_win():
    html = html_of(
        ":meth:`~flask.Flask.route` and :func:`build a URL <flask.url_for>` and "
        ":class:`~flask.Flask`"
    )
    assert links(html) == {
        "route()": "/api/app#flask.Flask.route",
        "build a URL": "/api/helpers#flask.url_for",
        "Flask": "/api/app#flask.Flask",
    }


def test_relative_names_are_looked_up_in_scopes_then_by_suffix():
    scopes = ("flask.Flask", "flask")
    html = html_of(
        "Calls :meth:`add_url_rule`, uses :attr:`config`, :func:`url_for` and :mod:`.json`.",
        scopes=scopes,
    )
    assert links(html) == {
        "add_url_rule()": "/api/app#flask.Flask.add_url_rule",
        "config": "/api/app#flask.Flask.config",
        "url_for()": "/api/helpers#flask.url_for",
        "json": "/api/json#flask.json",  # '.json' is found in a scope first, as in Sphinx
    }
    html = html_of("Use :meth:`.route` or :attr:`.Request.json`.", scopes=("flask.json",))
    assert links(html) == {
        "route()": "/api/app#flask.Flask.route",  # the only object whose path ends so
        "Request.json": "/api/request#flask.Request.json",
    }


def test_ref_doc_pep_rfc_and_issue_roles():
    html = html_of(
        "See :ref:`url-route-registrations`, :doc:`the quickstart </quickstart>`, "
        ":pep:`8`, :rfc:`2616` and :issue:`5612`."
    )
    assert links(html) == {
        "url-route-registrations": "/api/routes#url-route-registrations",
        "the quickstart": "/guide/quickstart",
        "PEP 8": "https://peps.python.org/pep-0008/",
        "RFC 2616": "https://datatracker.ietf.org/doc/html/rfc2616.html",
        "#5612": "https://github.com/pallets/flask/issues/5612",
    }


def test_unresolved_references_render_as_code_and_are_reported_with_their_line():
    # docutils gives inline markup the line its paragraph starts on
    doc = render_docstring(
        "First line.\n\nThen :class:`~werkzeug.routing.Rule` and\n:ref:`nowhere`.\n\n"
        "Last :func:`gone`.",
        RstOptions(resolve=resolve),
    )
    assert '<span class="xref xref-missing"><code>Rule</code></span>' in doc.html
    assert '<span class="xref xref-missing">nowhere</span>' in doc.html
    assert [(u.role, u.target, u.line) for u in doc.unresolved] == [
        ("class", "werkzeug.routing.Rule", 3),
        ("ref", "nowhere", 3),
        ("func", "gone", 6),
    ]


def test_bang_prefix_never_links_and_is_not_reported():
    doc = render_docstring(":class:`!flask.Flask`", RstOptions(resolve=resolve))
    assert "<a " not in doc.html and doc.unresolved == []


def test_text_roles_and_inline_markup():
    html = html_of("*em* **strong** ``code`` :file:`app.py` :envvar:`FLASK_APP` `cited`")
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert "<code>code</code>" in html
    assert '<code class="file">app.py</code>' in html
    assert '<code class="envvar">FLASK_APP</code>' in html
    assert "<cite>cited</cite>" in html


def test_lists_and_definition_lists():
    html = html_of("- one\n- two\n\n1. first\n2. second\n\nterm\n    its definition\n")
    assert "<ul><li><p>one</p></li><li><p>two</p></li></ul>" in html
    assert "<ol><li><p>first</p></li>" in html
    assert "<dl><dt>term</dt><dd><p>its definition</p></dd></dl>" in html


FIELDS = """Register a rule.

:param rule: The URL rule string.
:param endpoint: The endpoint name.
:type endpoint: :class:`str`
:param options: Extra options.
:return: The decorator.
:rtype: ``Callable``
:raises ValueError: If the rule is bad.
:raise flask.abort: Never, really.
:meta private:
"""


def test_field_lists_become_a_parameters_table_and_return_and_raise_notes():
    params = (
        Param("rule", "positional", "str"),
        Param("endpoint", "positional", "str | None", "None"),
        Param("options", "var-keyword", "t.Any", "{}"),
    )
    doc = render_docstring(FIELDS, RstOptions(resolve=resolve, params=params))
    assert [(p.name, p.default) for p in doc.params] == [
        ("rule", None),
        ("endpoint", "None"),
        ("**options", None),
    ]
    assert doc.params[0].type_html == "<code>str</code>"  # from the annotation
    assert "xref" in doc.params[1].type_html  # from :type:, a role of its own
    assert doc.params[2].html == "<p>Extra options.</p>"
    assert "<th>Default</th>" in doc.html and "<td><code>None</code></td>" in doc.html
    assert doc.returns == "<p>The decorator.</p>" and doc.returns_type == "<code>Callable</code>"
    assert [r.type_html for r in doc.raises] == [
        "<code>ValueError</code>",
        '<a class="xref" href="/api/helpers#flask.abort"><code>flask.abort</code></a>',
    ]
    assert "meta" not in doc.html and "private" not in doc.html
    assert doc.html.index("Register a rule.") < doc.html.index('class="api-params"')


def test_version_directives_are_badges_with_their_text():
    doc = render_docstring(
        "Text.\n\n.. versionadded:: 2.0\n\n.. versionchanged:: 2.2\n    Calls ``x``.\n\n"
        ".. deprecated:: 3.0 Use :func:`flask.url_for`.\n",
        RstOptions(
            resolve=resolve,
            gettext=lambda m: {"New in version {version}": "{version} 新增"}.get(m, m),
        ),
    )
    assert [(v.kind, v.version, v.text) for v in doc.versions] == [
        ("added", "2.0", ""),
        ("changed", "2.2", "Calls x."),
        ("deprecated", "3.0", "Use flask.url_for()."),
    ]
    assert '<span class="api-badge api-badge-added">2.0 新增</span>' in doc.html
    assert (
        '<div class="api-version api-version-changed"><p>'
        '<span class="api-badge api-badge-changed">Changed in version 2.2</span> '
        "Calls <code>x</code>.</p></div>"
    ) in doc.html
    assert 'api-badge-deprecated">Deprecated since version 3.0</span> Use <a' in doc.html


def test_code_blocks_are_highlighted_like_the_site():
    html = html_of(".. code-block:: python\n    :emphasize-lines: 1\n\n    app = Flask(__name__)\n")
    assert '<div class="codeblock" data-lang="python"><pre class="highlight">' in html
    assert '<span class="n">app</span>' in html


def test_literal_blocks_are_python_when_they_parse_and_doctest_blocks_are_pycon():
    html = html_of("Example::\n\n    x = {'a': 1}\n\nShell::\n\n    $ flask run --debug\n")
    assert html.count('data-lang="python"') == 1 and 'data-lang="text"' in html
    assert "<p>Example:</p>" in html
    html = html_of(">>> 1 + 1\n2\n")
    assert 'data-lang="pycon"' in html and '<span class="gp">&gt;&gt;&gt; </span>' in html


def test_notes_warnings_and_admonitions_use_the_site_markup():
    html = html_of(
        ".. note:: Keep it short.\n\n.. warning:: Not in production.\n\n"
        ".. admonition:: About the name\n\n    Use ``__name__``.\n",
        gettext=lambda m: {"Note": "注意"}.get(m, m),
    )
    assert '<div class="admonition note"><p class="admonition-title">注意</p>' in html
    assert '<div class="admonition warning"><p class="admonition-title">Warning</p>' in html
    assert '<p class="admonition-title">About the name</p>' in html


def test_bad_rest_never_raises_and_becomes_messages_with_lines():
    doc = render_docstring("Fine.\n\nThen :nosuchrole:`x` and *open\n\n.. nosuchdirective::\n")
    assert [(m.line, m.level) for m in doc.messages] == [
        (3, "error"),
        (3, "warning"),
        (5, "error"),
    ]
    assert "Unknown interpreted text role" in doc.messages[0].text
    assert "system_message" not in doc.html and "Docutils" not in doc.html


def test_units_are_paragraphs_terms_and_field_texts_but_not_types_or_code():
    text = (
        "First para\nwraps.\n\n:param x: The x.\n:type x: int\n\n"
        ".. code-block:: python\n\n    a = 1\n"
    )
    assert [u.msgid for u in units(text)] == ["First para wraps.", "The x."]
    assert summary("Do this. Then that.\n\nMore.") == "Do this."


def test_translations_replace_units_or_mark_them():
    states = {
        "The x.": Translation("translated", "那个:class:`~flask.Flask`和``y``。"),
        "First.": Translation("outdated"),
    }
    doc = render_docstring(
        "First.\n\nSecond.\n\n:param x: The x.\n",
        RstOptions(
            resolve=resolve,
            translate=lambda m: states.get(m, Translation("missing")),
            gettext=lambda m: m,
        ),
    )
    assert '<p class="i18n-outdated" lang="en" title="Outdated translation' in doc.html
    assert '<p class="i18n-missing" lang="en" title="Not translated yet' in doc.html
    # inline markup right against Chinese characters is still markup
    assert (
        '<p>那个<a class="xref" href="/api/app#flask.Flask"><code>Flask</code></a>和'
        "<code>y</code>。</p>"
    ) in doc.html
    assert doc.translation == {"outdated": 1, "missing": 1, "translated": 1}
