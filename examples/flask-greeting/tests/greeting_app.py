"""A small application that uses Flask-Greeting, as the tests and the guide use it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from flask_greeting import Greeting

greeting = Greeting()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    greeting.init_app(app)

    @app.get("/")
    def index() -> str:
        return greeting.greet()

    @app.get("/count/<name>")
    def count(name: str) -> dict[str, Any]:
        return {"name": name, "count": greeting.count(name)}

    return app
