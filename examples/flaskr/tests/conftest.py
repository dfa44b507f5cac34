"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from flaskr import create_app
from flaskr.db import get_db, init_db

DATA_SQL = (Path(__file__).parent / "data.sql").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A fresh application with its own database, filled with data.sql."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "test.sqlite"),
        }
    )

    with app.app_context():
        init_db()
        get_db().executescript(DATA_SQL)

    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that sends requests to the app without a server."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner that invokes the app's Click commands."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real views, as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "test", password: str = "test") -> TestResponse:
        return self._client.post(
            "/auth/login",
            data={"username": username, "password": password},
        )

    def logout(self) -> TestResponse:
        return self._client.get("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Log the test client in and out: auth.login(), auth.logout()."""
    return AuthActions(client)
