import sqlite3
from datetime import datetime

import pytest

from flaskr.db import get_db


def test_get_db_is_per_context(app):
    with app.app_context():
        db = get_db()
        assert get_db() is db

    # Leaving the app context closed the connection.
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_timestamps_are_datetimes(app):
    with app.app_context():
        post = get_db().execute("SELECT created FROM post").fetchone()

    assert post["created"] == datetime(2024, 1, 1)


def test_init_db_command(app, runner):
    result = runner.invoke(args=["init-db"])

    assert result.exit_code == 0
    assert "Initialized the database." in result.output

    with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM post").fetchone()[0]

    # The tables were recreated, so the test data is gone.
    assert count == 0
