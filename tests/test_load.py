"""Under load: no 5xx, no truncated or wrong page, from gunicorn and from serve while content
changes. Short runs of bench/load.py (100 connections, 5 s each); no timing is asserted."""

from __future__ import annotations

import http.server
import threading

import pytest

from bench.load import KINDS, Expectations, Tally, run_load, run_scenario, verify

NOTHING_WRONG = dict.fromkeys(KINDS, 0)
PAGE = "<!doctype html><html><head><title>{}</title></head><body>…</body></html>\n"
ERROR = PAGE.replace("…", '<article class="doc content-error" role="alert">…</article>')


@pytest.mark.parametrize("scenario", ["gunicorn", "live"])
def test_every_answer_under_100_connections_is_complete_and_right(scenario):
    result = run_scenario(scenario, connections=100, seconds=5)
    print(result.report())
    assert result.wrong == NOTHING_WRONG, result.report()
    assert result.statuses.get(200, 0) > 100, result.report()
    if scenario == "live":
        assert result.edits > 10, "the editor changed the content during the run"


def expectations() -> Expectations:
    expect = Expectations()
    expect.allow("/en/a/", "A — Docs")
    expect.allow("/en/scratch/", "Scratch v1 — Docs")
    expect.may_vanish.add("/en/scratch/")
    expect.may_break.add("/en/scratch/")
    return expect


@pytest.mark.parametrize(
    ("path", "status", "body", "kind"),
    [
        ("/en/a/", 200, PAGE.format("A — Docs"), None),
        ("/en/a/", 200, PAGE.format("B — Docs"), "wrong page"),  # another page's content
        ("/en/a/", 200, PAGE.format("A — Docs")[:-20], "truncated"),  # no </html>
        ("/en/a/", 404, "not found", "status"),  # a page nobody deletes
        ("/en/a/", 503, "busy", "5xx"),
        ("/en/scratch/", 404, "not found", None),  # the editor deletes it at times
        ("/en/scratch/", 200, PAGE.format("Scratch v1 — Docs"), None),
        ("/en/scratch/", 200, PAGE.format("Scratch v2 — Docs"), "wrong page"),  # never written
        ("/en/scratch/", 500, ERROR, None),  # the editor broke it: its error page
        ("/en/scratch/", 500, "Internal Server Error", "5xx"),  # anything else is wrong
        ("/en/scratch/", 503, ERROR, "5xx"),
        ("/en/a/", 500, ERROR, "5xx"),  # a page nobody breaks
        ("/api/search?q=x", 200, '{"results": [], "total": 0}', None),
        ("/api/search?q=x", 200, '{"results": [', "wrong page"),
        ("/api/search?q=x", 500, "", "5xx"),
    ],
)
def test_the_load_test_tells_right_from_wrong_answers(path, status, body, kind):
    tally = Tally()
    verify(path, status, body.encode(), expectations(), tally)
    assert dict(tally.wrong) == ({kind: 1} if kind else {})


class ShortBody(http.server.BaseHTTPRequestHandler):
    """Promises 1,000 bytes and sends 10, then closes: a truncated answer."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"<html>1234")
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_the_load_test_counts_an_answer_cut_short():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ShortBody)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_load(
            "short",
            ("127.0.0.1", server.server_address[1]),
            [("/en/a/", 1.0)],
            expectations(),
            connections=2,
            seconds=0.5,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.wrong["truncated"] > 0
    assert result.requests == 0  # nothing was answered completely
