"""Fixtures: a fresh application with its own database for every test."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from greeting_app import create_app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app(
        {"TESTING": True, "GREETING_DATABASE": str(tmp_path / "greeting.sqlite")}
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
