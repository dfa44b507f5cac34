"""The SQLite connection used by the views, and the init-db command."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext


def get_db() -> sqlite3.Connection:
    """Return this app context's database connection, opening it once."""
    if "db" not in g:
        g.db = sqlite3.connect(
            current_app.config["DATABASE"],
            detect_types=sqlite3.PARSE_DECLTYPES,
        )
        # Rows behave like dicts: row["title"] instead of row[2].
        g.db.row_factory = sqlite3.Row
        # SQLite ignores FOREIGN KEY clauses unless asked to enforce them.
        g.db.execute("PRAGMA foreign_keys = ON")

    return g.db


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection, if this app context opened one."""
    db = g.pop("db", None)

    if db is not None:
        db.close()


def init_db() -> None:
    """Drop the tables and create them again, empty."""
    db = get_db()

    with current_app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        db.executescript(f.read())


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Delete all data and create fresh, empty tables."""
    init_db()
    click.echo("Initialized the database.")


def _convert_timestamp(value: bytes) -> datetime:
    return datetime.fromisoformat(value.decode())


# Columns declared as TIMESTAMP come back as datetime objects.
sqlite3.register_converter("timestamp", _convert_timestamp)


def init_app(app: Flask) -> None:
    """Register the database functions with the application."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
