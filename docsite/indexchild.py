"""The doc server's big indexing, in a child process: `python -m docsite.indexchild PARENT`.

Indexing every page (the first start on a corpus, or after most pages changed) renders and
analyses them all: the renderings, the analysis memos and whoosh's writer take hundreds of
megabytes that a server, once grown, would keep for the rest of its life. The server
(`docsite.state.index_in_child`) starts this module by fork-and-exec, which is safe in a threaded
process, unlike a bare fork, and gives it its configuration as JSON on the standard input; the
child makes the very site the server has (same render keys, same index folder), syncs the index
under its file lock, and exits, giving its memory back. It ends when the server ends.
"""

from __future__ import annotations

import sys

from docsite.config import config_from_json
from docsite.parallel import die_with_parent
from docsite.search.server import SearchIndex
from docsite.state import make_snapshot, search_folder

# Renderings kept in memory: the child reads the pages in one order twice (a pass to measure
# the field lengths, then the writing), so any fewer than all of them are gone before they are
# asked for again, and the disk cache answers (on the generated corpus, keeping the server's
# 512 raised the child's peak from 297 to 347 MB and saved no time).
CHILD_RENDERS = 8


def main() -> None:
    die_with_parent(int(sys.argv[1]))
    config = config_from_json(sys.stdin.read())
    snap = make_snapshot(config, server=True)
    snap.site.renderer.limit_memory(CHILD_RENDERS)
    SearchIndex(search_folder(config)).sync(snap.site)


if __name__ == "__main__":
    main()
