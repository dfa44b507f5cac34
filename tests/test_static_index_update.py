"""The static index brought up to date in place writes exactly what a fresh one writes.

Documents are edited one at a time; each edit changes the mean field lengths, so the rounded
weights of postings of other documents flip, and the updated index must follow them exactly.
"""

from __future__ import annotations

import random

from docsite.search.analysis import profile_for
from docsite.search.documents import SearchDoc, analyze_doc
from docsite.search.static import write_state
from docsite.search.staticupdate import changed_weights, full_state, make_row, updated_state

WORDS = (
    "blueprint route request response session cookie template render view class config "
    "factory extension signal context teardown debug server client test fixture command "
    "url_for MethodView app.route before_request jsonify redirect abort flash static"
).split()


def doc(page: int, section: int, rng: random.Random) -> SearchDoc:
    words = rng.choices(WORDS, k=rng.randint(3, 60))
    heading = " ".join(rng.choices(WORDS, k=2)) if section else ""
    return SearchDoc(
        id=f"en:p{page}.md#s{section}",
        page=f"en:p{page}.md",
        lang="en",
        digest="",
        url=f"/en/p{page:03}/" + (f"#s{section}" if section else ""),
        page_title=f"Page {page}",
        title=f"Page {page} {WORDS[page % len(WORDS)]}" if not section else "",
        summary="",
        topic=f"Page {page} {WORDS[-(page % 9) - 1]}",  # identifiers weigh more where named
        section=heading,
        breadcrumb=f"Guide › Page {page}" if section else "Guide",
        body=" ".join(words),
        code=" ".join(rng.choices(WORDS[-8:], k=rng.randint(0, 4))),
    )


def files(state) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    write_state(state, "", lambda name, data: out.__setitem__(name, data), profile_for("en"))
    return out


def test_an_updated_index_is_the_fresh_index_of_the_same_documents():
    rng = random.Random(15)
    docs = [doc(page, section, rng) for page in range(40) for section in range(3)]
    rows = [make_row(d, analyze_doc(d)) for d in docs]
    pages = {d.page: "v0" for d in docs}
    state = full_state(pages, rows)
    flips = 0
    for edit in range(40):
        number = rng.randrange(len(docs))
        old = docs[number]
        extra = " ".join(rng.choices(WORDS, k=rng.randint(1, 12)))
        # every third edit rewrites the body (terms leave the document), the others add to it
        body = extra if edit % 3 == 0 else old.body + " " + extra
        docs[number] = SearchDoc(**{**vars(old), "body": body})
        rows = list(rows)
        rows[number] = make_row(docs[number], analyze_doc(docs[number]))
        pages = {**pages, old.page: f"v{edit + 1}"}
        before = state
        state = updated_state(before, pages, rows)
        fresh = full_state(pages, rows)
        assert files(state) == files(fresh), f"edit {edit}"
        assert state.terms == fresh.terms and state.pair_shards == fresh.pair_shards
        assert state.chunks == fresh.chunks
        flips += sum(
            bool(changed_weights(row, before.averages, state.averages))
            for n, row in enumerate(rows)
            if n != number
        )
    assert flips > 0, "the edits moved no other document's weights: the test tests nothing"


def same_state(a, b) -> bool:
    fields = ("pages", "rows", "averages", "terms", "pair_shards", "chunks")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def test_the_state_is_kept_in_parts_and_an_edit_rewrites_only_those_it_touched(tmp_path):
    from docsite.search import statestore

    rng = random.Random(7)
    docs = [doc(page, section, rng) for page in range(60) for section in range(3)]
    rows = [make_row(d, analyze_doc(d)) for d in docs]
    pages = {d.page: "v0" for d in docs}
    folder = tmp_path / "state"
    state = full_state(pages, rows)
    statestore.save(folder, "v", state)
    first = {p.name for p in folder.iterdir()}
    loaded = statestore.load(folder, "v")
    assert same_state(loaded, state)
    assert not same_state(statestore.load(folder, "other code"), state)  # another version

    # one short document grows by a word that no other document holds
    number = 100
    docs[number] = SearchDoc(**{**vars(docs[number]), "body": docs[number].body + " zymurgy"})
    rows[number] = make_row(docs[number], analyze_doc(docs[number]))
    pages = {**pages, docs[number].page: "v1"}
    updated = updated_state(loaded, pages, rows)
    statestore.save(folder, "v", updated)
    now = {p.name for p in folder.iterdir()}
    written = now - first
    assert "head" in now and f"rows-{number // 40}" in {n.split(".")[0] for n in written}
    assert "terms-z" in {n.split(".")[0] for n in written}
    assert len(written) < len(first) / 2, sorted(written)  # not the whole state again
    assert same_state(statestore.load(folder, "v"), full_state(pages, rows))

    # a part that went missing reads as no state at all (the next build analyses everything)
    next(folder.glob("terms-*")).unlink()
    assert statestore.load(folder, "v").rows == []
