"""The ceiling: a plain "hello world" Flask app, served the same way as docsite."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest possible page."""
    return "Hello, World!"
