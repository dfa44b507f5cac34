"""Flask-Greeting: greet each visitor by name and count the greetings."""

from __future__ import annotations

import os
import sqlite3

import click
from flask import Flask, current_app, g, request
from flask.cli import with_appcontext
from markupsafe import Markup

SCHEMA = """
CREATE TABLE IF NOT EXISTS greeting (
    name TEXT PRIMARY KEY,
    count INTEGER NOT NULL
)
"""


class Greeting:
    """Greet visitors by name and remember how often each name was greeted."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the extension on app: config defaults, teardown, CLI."""
        app.config.setdefault("GREETING_TEMPLATE", "Hello, {name}!")
        app.config.setdefault("GREETING_DEFAULT_NAME", "World")
        app.config.setdefault(
            "GREETING_DATABASE", os.path.join(app.instance_path, "greeting.sqlite")
        )
        app.extensions["greeting"] = self
        app.teardown_appcontext(self._close_db)
        app.cli.add_command(greetings_command)

    @property
    def visitor(self) -> str:
        """The visitor's name: the ?name= argument, or GREETING_DEFAULT_NAME."""
        if "_greeting_visitor" not in g:
            name = request.args.get("name", "").strip()
            g._greeting_visitor = name or current_app.config["GREETING_DEFAULT_NAME"]
        return g._greeting_visitor

    def greet(self, name: str | None = None) -> Markup:
        """Count a greeting for name (default: the visitor) and return its text."""
        name = name or self.visitor
        db = self._db()
        db.execute(
            "INSERT INTO greeting (name, count) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET count = count + 1",
            (name,),
        )
        db.commit()
        # Markup.format escapes the name, so the result is safe in HTML.
        return Markup(current_app.config["GREETING_TEMPLATE"]).format(name=name)

    def count(self, name: str) -> int:
        """How many times name has been greeted."""
        query = "SELECT count FROM greeting WHERE name = ?"
        row = self._db().execute(query, (name,)).fetchone()
        return row[0] if row is not None else 0

    def totals(self) -> dict[str, int]:
        """Every name greeted so far, with its count, most greeted first."""
        query = "SELECT name, count FROM greeting ORDER BY count DESC, name"
        return dict(self._db().execute(query).fetchall())

    def _db(self) -> sqlite3.Connection:
        """The connection of the current app context, opened on first use."""
        if current_app.extensions.get("greeting") is not self:
            raise RuntimeError(
                "Flask-Greeting is not registered on this application."
                " Call greeting.init_app(app) in your application factory."
            )
        if "_greeting_db" not in g:
            path = current_app.config["GREETING_DATABASE"]
            if path != ":memory:":
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            g._greeting_db = sqlite3.connect(path)
            g._greeting_db.execute(SCHEMA)
        return g._greeting_db

    def _close_db(self, exc: BaseException | None) -> None:
        db = g.pop("_greeting_db", None)
        if db is not None:
            db.close()


@click.command("greetings")
@with_appcontext
def greetings_command() -> None:
    """Show how often each name was greeted."""
    totals = current_app.extensions["greeting"].totals()
    if not totals:
        click.echo("Nobody has been greeted yet.")
    for name, count in totals.items():
        click.echo(f"{name}: {count}")
