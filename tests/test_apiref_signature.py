"""Signatures: one line when short, one parameter per line when long, markers kept."""

from __future__ import annotations

import pytest

from docsite.apiref.model import ApiObject, Param
from docsite.apiref.modelcache import load_model
from docsite.apiref.signature import signature_html, signature_text
from tests.apiref_fixtures import PACKAGE, write_package


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = write_package(tmp_path_factory.mktemp("src"))
    return load_model(PACKAGE, search_paths=[root], base_packages=())


def function(*params: Param, returns: str = "", kind: str = "function") -> ApiObject:
    return ApiObject(
        kind=kind, path="m.f", canonical="m.f", name="f", params=params, returns=returns
    )  # type: ignore[arg-type]


def test_a_short_signature_stays_on_one_line():
    obj = function(Param("rule", "positional", "str"), Param("options", "var-keyword", "t.Any"))
    assert signature_text(obj, "route") == "route(rule: str, **options: t.Any)"


def test_defaults_with_and_without_annotations():
    obj = function(
        Param("a", "positional", "", "1"),
        Param("b", "positional", "int", "2"),
        Param("args", "var-positional", "", None),
        returns="None",
    )
    assert signature_text(obj, "f") == "f(a=1, b: int = 2, *args) -> None"


def test_positional_only_and_keyword_only_markers(demo):
    assert signature_text(demo.get("demopkg.greet"), "greet", width=200) == (
        "greet(name: str, /, greeting: str = 'Hello', *, punctuation: str = '!') -> str"
    )
    # no bare `*` when *args already starts the keyword-only parameters
    obj = function(Param("args", "var-positional"), Param("key", "keyword-only", "", "None"))
    assert signature_text(obj, "f") == "f(*args, key=None)"


def test_a_long_signature_is_wrapped_one_parameter_per_line(demo):
    assert signature_text(demo.get("demopkg.greet"), "demopkg.greet") == (
        "demopkg.greet(\n"
        "    name: str,\n"
        "    /,\n"
        "    greeting: str = 'Hello',\n"
        "    *,\n"
        "    punctuation: str = '!',\n"
        ") -> str"
    )


def test_self_and_cls_are_dropped_for_methods_and_classes(demo):
    assert signature_text(demo.get("demopkg.Greeter"), "Greeter") == (
        "Greeter(name: str, *args: int, **kwargs: str)"
    )
    assert signature_text(demo.get("demopkg.Greeter.make"), "make") == (
        "make(name: str = 'you') -> Greeter"  # griffe reads the string annotation
    )


def test_attributes_and_properties_show_their_type(demo):
    assert signature_text(demo.get("demopkg.Greeter.volume"), "volume") == "volume: int = 3"
    assert signature_text(demo.get("demopkg.Greeter.upper"), "upper") == "upper: str"


def test_real_flask_signatures(tmp_path):
    flask = load_model("flask", cache_dir=tmp_path)
    assert signature_text(flask.get("flask.Flask.route"), "route") == (
        "route(rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]"
    )
    lines = signature_text(flask.get("flask.Flask"), "flask.Flask").splitlines()
    assert lines[0] == "flask.Flask(" and lines[-1] == ")"
    assert "    static_folder: str | os.PathLike[str] | None = 'static'," in lines


def test_html_escapes_and_links_annotation_names():
    obj = function(
        Param("rv", "positional", "Response | dict[str, t.Any]", "None"), returns="Response"
    )
    html = signature_html(
        obj, "make", link=lambda name: "#flask.Response" if name == "Response" else None
    )
    assert html.startswith('<pre class="api-signature"><code><span class="sig-name">make</span>(')
    assert html.count('<a href="#flask.Response">Response</a>') == 2
    assert "dict[str, t.Any]" in html and "<script" not in html
    evil = function(Param("x", "positional", "", "'<b>'"))
    assert "&lt;b&gt;" in signature_html(evil, "f")
