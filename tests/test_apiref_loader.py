"""Reading an API with griffe into the model: aliases, inheritance, comments, the cache."""

from __future__ import annotations

import pickle

import pytest

from docsite.apiref.modelcache import cache_key, load_model
from tests.apiref_fixtures import PACKAGE, write_package


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = write_package(tmp_path_factory.mktemp("src"))
    return load_model(PACKAGE, search_paths=[root], base_packages=())


@pytest.fixture(scope="module")
def flask_model(tmp_path_factory):
    return load_model("flask", cache_dir=tmp_path_factory.mktemp("cache"))


def test_exports_and_aliases(demo):
    assert demo.public_names == ("Greeter", "greet")  # __all__
    assert demo.get("demopkg.Greeter").path == "demopkg.core.Greeter"
    assert demo.get("demopkg.greet").canonical == "demopkg.core.greet"
    assert demo.get("demopkg.nothing") is None


def test_parameters_keep_their_kinds_annotations_and_defaults(demo):
    greet = demo.get("demopkg.greet")
    assert greet.kind == "function" and greet.returns == "str"
    assert [(p.name, p.kind, p.annotation, p.default) for p in greet.params] == [
        ("name", "positional-only", "str", None),
        ("greeting", "positional", "str", "'Hello'"),
        ("punctuation", "keyword-only", "str", "'!'"),
    ]
    greeter = demo.get("demopkg.Greeter")  # a class: its __init__ without self
    assert [(p.name, p.kind) for p in greeter.params] == [
        ("name", "positional"),
        ("args", "var-positional"),
        ("kwargs", "var-keyword"),
    ]


def test_members_kinds_and_what_is_left_out(demo):
    greeter = demo.get("demopkg.Greeter")
    assert greeter.bases == ("demopkg.core.Base", "demopkg.extra.mixins.Loud")
    # own members first (an instance attribute set in __init__ too), then inherited ones
    assert greeter.members == ("name", "shout", "upper", "make", "blare", "volume")
    kinds = {m.name: (m.kind, m.decorators) for m in demo.members_of(greeter)}
    assert kinds["upper"] == ("property", ("property",))
    assert kinds["make"] == ("method", ("classmethod",))
    assert kinds["volume"][0] == "attribute"
    assert demo.get("demopkg.Greeter.make").params[0].name == "name"  # cls dropped
    assert demo.get("demopkg.Greeter.internal").private  # :meta private:
    assert demo.get("demopkg.Greeter._private") is None


def test_inherited_members_say_where_they_come_from(demo):
    blare = demo.get("demopkg.Greeter.blare")  # from a folder without __init__.py
    assert blare.inherited_from == "demopkg.extra.mixins.Loud"
    assert blare.file == "demopkg/extra/mixins.py"
    assert demo.get("demopkg.Greeter.volume").inherited_from == "demopkg.core.Base"
    assert demo.get("demopkg.Greeter.shout").inherited_from == ""  # overridden


def test_sphinx_comments_and_overridden_docstrings(demo):
    volume = demo.get("demopkg.Greeter.volume")
    assert volume.docstring == "How loud the greeter is,\nfrom 1 to 5."
    assert (volume.annotation, volume.value, volume.docstring_line) == ("int", "3", 23)
    shout = demo.get("demopkg.Greeter.shout")  # no docstring of its own
    assert shout.docstring == "Shout the text."
    assert shout.docstring_from == "demopkg.core.Base.shout"
    assert (shout.file, shout.lineno, shout.docstring_line) == ("demopkg/core.py", 38, 28)


def test_flask_reexports_inheritance_and_public_names(flask_model):
    flask = flask_model
    assert flask.get("flask.Flask").path == "flask.app.Flask"
    route = flask.get("flask.Flask.route")
    assert route.path == "flask.app.Flask.route"
    assert route.inherited_from == "flask.sansio.scaffold.Scaffold"
    assert route.file == "flask/sansio/scaffold.py" and route.lineno < route.endlineno
    args = flask.get("flask.Request.args")
    assert (args.kind, args.package) == ("property", "werkzeug")
    assert args.inherited_from.startswith("werkzeug.")
    assert len(flask.public_names) == 38
    assert {"url_for", "send_file", "stream_template", "template_rendered"} <= set(
        flask.public_names
    )
    assert flask.get("flask.Flask.config").docstring.startswith("The configuration dictionary")


def test_the_model_is_cached_by_versions_and_code(tmp_path):
    key = cache_key("flask")
    assert key != cache_key("flask", base_packages=())
    model = load_model("flask", cache_dir=tmp_path)
    file = tmp_path / "apiref" / f"flask-{key}.pickle"
    assert file.is_file()
    assert pickle.loads(file.read_bytes()) == model
    file.write_bytes(b"not a pickle")  # a broken cache is read again from the source
    assert load_model("flask", cache_dir=tmp_path).digest == model.digest
    assert pickle.loads(file.read_bytes()) == model
