"""The API reference documents the whole public API of the installed Flask, in both languages.

An upgrade of Flask that adds a public name, or a public member to a documented class, fails
here, naming what is missing, until a page places it.
"""

from __future__ import annotations

import importlib
import inspect
import types

import flask
import pytest

from docsite.config import load_config
from docsite.site import Site
from docsite.theme import Theme
from tests.conftest import ROOT

# Classes whose own public members (those Flask defines, not Werkzeug's or Click's) must each be
# documented; the names exported by `flask` itself are required whatever they are.
DOCUMENTED_CLASSES = (
    "flask.Flask",
    "flask.Blueprint",
    "flask.Request",
    "flask.Response",
    "flask.Config",
    "flask.sessions.SessionInterface",
    "flask.sessions.SecureCookieSessionInterface",
    "flask.views.View",
    "flask.views.MethodView",
    "flask.testing.FlaskClient",
    "flask.testing.FlaskCliRunner",
    "flask.ctx.AppContext",
    "flask.ctx.RequestContext",
    "flask.cli.FlaskGroup",
    "flask.cli.AppGroup",
    "flask.cli.ScriptInfo",
    "flask.json.provider.JSONProvider",
    "flask.json.provider.DefaultJSONProvider",
    "flask.json.tag.TaggedJSONSerializer",
)
NOT_API = {"annotations", "t", "typing"}  # names `flask` holds that are not its interface


def _resolve(path: str) -> object:
    """The object at a dotted path, importing the modules on the way."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(path)


def required() -> dict[str, set[str]]:
    """Each public name of `flask`, and each public member Flask defines on a documented class,
    with the names that document it: its own path, or, for a member a documented class
    inherits from another documented class (MethodView.as_view from View), that class's."""
    names: dict[str, set[str]] = {
        f"flask.{name}": {f"flask.{name}"}
        for name, value in vars(flask).items()
        if not name.startswith("_")
        and name not in NOT_API
        and not isinstance(value, types.ModuleType)
    }
    documented_classes = {path: _resolve(path) for path in DOCUMENTED_CLASSES}
    for path, cls in documented_classes.items():
        assert inspect.isclass(cls), path
        for base in cls.__mro__:
            if not base.__module__.startswith("flask"):
                continue
            owners = [p for p, c in documented_classes.items() if c is base and p != path]
            for member in (m for m in vars(base) if not m.startswith("_")):
                name = f"{path}.{member}"
                names.setdefault(name, {name}).update(f"{p}.{member}" for p in owners)
    return names


def required_names() -> set[str]:
    return set(required())


@pytest.fixture(scope="module")
def site() -> Site:
    config = load_config(ROOT / "pyproject.toml")  # this repository, wherever tests run from
    return Site(config, Theme(config).gettext)


def documented(site: Site, lang: str) -> set[str]:
    """Every object an API page of the language places (under any of its names), and every
    heading id of an API page (what prose documents by hand, such as a proxy)."""
    inventory = site.contexts["apiref"].api.inventory  # type: ignore[attr-defined]
    found = set(inventory.objects.get(lang, {}))
    for path, entry in site.entries[lang].items():
        if path.startswith("api/"):
            found.update(toc.id for toc in site.render(entry).toc)
    return found


def test_the_required_set_is_flasks_public_api():
    names = required_names()
    assert {"flask.url_for", "flask.Flask.route", "flask.Blueprint.route"} <= names
    assert "flask.annotations" not in names and not any(n[-9:] == ".wrappers" for n in names)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_public_name_is_documented(site, lang):
    found = documented(site, lang)
    missing = sorted(name for name, ways in required().items() if not ways & found)
    assert missing == []
