"""The static search index of an offline build, as scripts a page opened from disk can load.

Browsers refuse `fetch()` of `file://` URLs, but run `<script src>` from the page's own
folder tree. So `build --offline` writes each JSON file of `_search/` as a script that stores
the file's text under its path below `_search/`:

    _search/en/meta.js:  (window.DocsiteSearchFiles = window.DocsiteSearchFiles || {})
                         ["en/meta.json"] = "{\"version\":1,…}";

and search.js reads the index through such scripts instead of fetching it. The JSON files
go: nothing in an offline build fetches them.
"""

from __future__ import annotations

import json
from pathlib import Path

from docsite import urls

STORE = "window.DocsiteSearchFiles"


def index_as_scripts(site: Path) -> int:
    """Replace every JSON file of the site's search index by its script; the files written."""
    folder = site / urls.SEARCH_INDEX
    written = 0
    for file in sorted(folder.rglob("*.json")):
        key = file.relative_to(folder).as_posix()
        text = file.read_text("utf-8")
        script = f"({STORE} = {STORE} || {{}})[{json.dumps(key)}] = {json.dumps(text)};\n"
        file.with_suffix(".js").write_text(script, encoding="utf-8")
        file.unlink()
        written += 1
    return written
