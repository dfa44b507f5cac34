"""Registering, logging in and logging out, and the login_required guard."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=("GET", "POST"))
def register() -> ResponseReturnValue:
    """Show the sign-up form, and create the account when it is sent."""
    if request.method == "POST":
        username = request.form["username"].strip()
        password = request.form["password"]

        if not username:
            error = "Username is required."
        elif not password:
            error = "Password is required."
        else:
            db = get_db()
            try:
                db.execute(
                    "INSERT INTO user (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except sqlite3.IntegrityError:
                # The UNIQUE constraint on user.username refused a duplicate.
                error = f"User {username} is already registered."
            else:
                flash("Registration complete. You can log in now.")
                return redirect(url_for("auth.login"))

        flash(error)

    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login() -> ResponseReturnValue:
    """Show the login form, and start a session when it is sent."""
    if request.method == "POST":
        username = request.form["username"].strip()
        password = request.form["password"]
        db = get_db()
        user = db.execute(
            "SELECT * FROM user WHERE username = ?", (username,)
        ).fetchone()

        if user is None or not check_password_hash(user["password"], password):
            # One message for both mistakes: don't tell which usernames exist.
            flash("Incorrect username or password.")
        else:
            session.clear()
            session["user_id"] = user["id"]
            return redirect(url_for("index"))

    return render_template("auth/login.html")


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the logged-in user's row (or None) on g.user for every request."""
    user_id = session.get("user_id")

    if user_id is None:
        g.user = None
    else:
        db = get_db()
        g.user = db.execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


@bp.get("/logout")
def logout() -> ResponseReturnValue:
    """Forget the user and go back to the front page."""
    session.clear()
    return redirect(url_for("index"))


def login_required(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    """Send anonymous visitors to the login page instead of running the view."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: Any) -> ResponseReturnValue:
        if g.user is None:
            return redirect(url_for("auth.login"))

        return view(**kwargs)

    return wrapped_view
