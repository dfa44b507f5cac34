from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner

from flask_greeting import Greeting
from greeting_app import create_app, greeting


def test_greets_the_visitor_by_name(client: FlaskClient) -> None:
    assert client.get("/?name=Ada").text == "Hello, Ada!"
    assert client.get("/").text == "Hello, World!"


def test_the_name_is_escaped(client: FlaskClient) -> None:
    response = client.get("/?name=<b>Ada</b>")
    assert response.text == "Hello, &lt;b&gt;Ada&lt;/b&gt;!"


def test_counts_greetings_across_requests(client: FlaskClient) -> None:
    client.get("/?name=Ada")
    client.get("/?name=Ada")
    client.get("/?name=Grace")
    assert client.get("/count/Ada").json == {"name": "Ada", "count": 2}
    assert client.get("/count/Linus").json == {"name": "Linus", "count": 0}


def test_defaults_do_not_override_the_app_config(tmp_path: Path) -> None:
    app = create_app(
        {
            "GREETING_TEMPLATE": "Hi {name}.",
            "GREETING_DATABASE": str(tmp_path / "db.sqlite"),
        }
    )
    assert app.config["GREETING_TEMPLATE"] == "Hi {name}."
    assert app.config["GREETING_DEFAULT_NAME"] == "World"
    assert app.test_client().get("/").text == "Hi World."


def test_database_defaults_to_the_instance_folder(tmp_path: Path) -> None:
    app = Flask("demo", instance_path=str(tmp_path / "instance"))
    Greeting(app)
    expected = tmp_path / "instance" / "greeting.sqlite"
    assert app.config["GREETING_DATABASE"] == str(expected)
    with app.test_request_context("/?name=Ada"):
        app.extensions["greeting"].greet()
    assert expected.is_file()


def test_one_extension_object_serves_two_apps(tmp_path: Path) -> None:
    english = create_app({"GREETING_DATABASE": str(tmp_path / "en.sqlite")})
    french = create_app(
        {
            "GREETING_TEMPLATE": "Bonjour, {name} !",
            "GREETING_DEFAULT_NAME": "tout le monde",
            "GREETING_DATABASE": str(tmp_path / "fr.sqlite"),
        }
    )
    assert english.extensions["greeting"] is french.extensions["greeting"] is greeting
    assert english.test_client().get("/").text == "Hello, World!"
    assert french.test_client().get("/").text == "Bonjour, tout le monde !"
    with french.app_context():
        assert greeting.count("World") == 0


def test_visitor_is_read_once_per_request(app: Flask) -> None:
    with app.test_request_context("/?name=%20Ada%20"):
        assert greeting.visitor == "Ada"
        assert g._greeting_visitor == "Ada"
        assert greeting.greet() == "Hello, Ada!"
    with app.test_request_context("/?name="):
        assert greeting.visitor == "World"


def test_connection_is_closed_at_teardown(app: Flask) -> None:
    with app.app_context():
        greeting.greet("Ada")
        db = g._greeting_db
        assert greeting.count("Ada") == 1
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")


def test_in_memory_database(tmp_path: Path) -> None:
    app = create_app({"GREETING_DATABASE": ":memory:"})
    with app.app_context():
        greeting.greet("Ada")
        assert greeting.count("Ada") == 1


def test_app_without_init_app_gets_a_clear_error() -> None:
    app = Flask("demo")
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        greeting.count("Ada")


def test_greetings_command(client: FlaskClient, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["greetings"]).output == "Nobody has been greeted yet.\n"
    client.get("/?name=Grace")
    client.get("/?name=Ada")
    client.get("/?name=Ada")
    assert runner.invoke(args=["greetings"]).output == "Ada: 2\nGrace: 1\n"
