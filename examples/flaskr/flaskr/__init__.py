"""Flaskr: the blog application built in the Flask tutorial."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import auth, blog, db


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure a new Flaskr application object."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # A placeholder so that development works out of the box.
        # Production must override it (see the deployment step).
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
    )

    if test_config is None:
        # Normal start: read instance/config.py if it exists, then let
        # FLASK_* environment variables (e.g. FLASK_SECRET_KEY) win.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        # Tests pass their own settings and ignore the machine's ones.
        app.config.from_mapping(test_config)

    # The instance folder holds the database; Flask does not create it.
    os.makedirs(app.instance_path, exist_ok=True)

    @app.get("/hello")
    def hello() -> str:
        return "Hello, World!"

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)

    # The blog's index is the front page: let url_for("index") find it.
    app.add_url_rule("/", endpoint="index")

    return app
