import pytest
from flask import g, session

from flaskr.db import get_db


def test_register(client, app):
    assert client.get("/auth/register").status_code == 200

    response = client.post(
        "/auth/register",
        data={"username": "alice", "password": "s3cret"},
        follow_redirects=True,
    )

    assert response.request.path == "/auth/login"
    assert b"Registration complete." in response.data

    with app.app_context():
        db = get_db()
        user = db.execute("SELECT * FROM user WHERE username = 'alice'").fetchone()

    assert user is not None
    assert user["password"] != "s3cret"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", b"Username is required."),
        ("   ", "s3cret", b"Username is required."),
        ("alice", "", b"Password is required."),
        ("test", "test", b"User test is already registered."),
    ],
)
def test_register_validate_input(client, username, password, message):
    response = client.post(
        "/auth/register", data={"username": username, "password": password}
    )
    assert message in response.data


def test_login(client, auth):
    assert client.get("/auth/login").status_code == 200

    response = auth.login()
    assert response.headers["Location"] == "/"

    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("nobody", "test"),
        ("test", "wrong"),
    ],
)
def test_login_validate_input(auth, username, password):
    response = auth.login(username, password)
    assert b"Incorrect username or password." in response.data


def test_logout(client, auth):
    auth.login()

    with client:
        auth.logout()
        assert "user_id" not in session
