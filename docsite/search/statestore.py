"""A language's static index state (staticupdate.LangState) kept in the cache in parts, so that
a build writes again only the parts its changes touched.

One folder per content folder and language holds:

- `head`: the format, the state's small fields (pages, averages, how many documents) and
  which file holds each part;
- `rows-<k>.<gen>`: the rows of documents k*CHUNK … (k+1)*CHUNK-1 and their chunk's JSON;
- `terms-<shard>.<gen>`: the fragments of the terms of one shard (staticupdate.shard_of);
- `pairs-<shard>.<gen>`: one pair shard's JSON.

A save writes the parts an update touched under a new generation, then the head (atomically),
then removes the files the head no longer names. A head whose files are missing or unreadable
(another build removed them, a disk error) reads as no state: the next build analyses
everything again, which costs time and nothing else.
"""

from __future__ import annotations

import marshal
import os
import time
from collections import defaultdict
from pathlib import Path

from docsite.cachefile import no_collection
from docsite.search.staticupdate import CHUNK, LangState, Touched, shard_of

HEAD = "head"


def _parts(state: LangState) -> dict[str, object]:
    """Every part of a state, by name (the values are built only when asked for)."""
    by_shard: dict[str, dict[str, str]] = defaultdict(dict)
    for term, text in state.terms.items():
        by_shard[shard_of(term)][term] = text
    parts: dict[str, object] = {}
    for k in range(len(state.chunks)):
        parts[f"rows-{k}"] = (state.rows[k * CHUNK : (k + 1) * CHUNK], state.chunks[k])
    for shard, terms in by_shard.items():
        parts[f"terms-{shard}"] = terms
    for name, text in state.pair_shards.items():
        parts[f"pairs-{name}"] = text
    return parts


def _touched_names(touched: Touched) -> set[str]:
    rows, shards, pairs = touched
    names = {f"rows-{k}" for k in rows} | {f"terms-{s}" for s in shards}
    return names | {f"pairs-{s}" for s in pairs}


def save(folder: Path, version: str, state: LangState) -> None:
    """Write the parts of `state` that changed since the state it was updated from."""
    parts = _parts(state)
    kept = {} if state.touched is None else dict(state.stored)
    changed = set(parts) if state.touched is None else _touched_names(state.touched)
    gen = f"{os.getpid()}-{time.monotonic_ns()}"
    files = {name: kept[name] for name in parts if name in kept and name not in changed}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in parts:
            if name not in files:
                files[name] = f"{name}.{gen}"
                (folder / files[name]).write_bytes(marshal.dumps(parts[name]))
        head = (version, state.pages, state.averages, len(state.rows), files)
        tmp = folder / f".{HEAD}.{gen}.tmp"
        tmp.write_bytes(marshal.dumps(head))
        os.replace(tmp, folder / HEAD)
    except OSError:
        return  # a cache that cannot be written only costs speed
    state.stored = files
    named = set(files.values()) | {HEAD}
    for path in folder.iterdir():
        if path.name not in named and not path.name.startswith("."):
            path.unlink(missing_ok=True)


def load(folder: Path, version: str) -> LangState:
    """The state the last build left (an empty one when none, another code's or unreadable)."""
    with no_collection():
        return _load(folder, version)


def _load(folder: Path, version: str) -> LangState:
    try:
        head = marshal.loads((folder / HEAD).read_bytes())
        found, pages, averages, count, files = head
        if found != version:
            return LangState()
        rows: list[tuple[object, ...]] = []
        chunks: list[str] = []
        terms: dict[str, str] = {}
        pair_shards: dict[str, str] = {}
        for k in range(-(-count // CHUNK)):
            part_rows, chunk = marshal.loads((folder / files[f"rows-{k}"]).read_bytes())
            rows.extend(part_rows)
            chunks.append(chunk)
        for name, file in files.items():
            if name.startswith("terms-"):
                terms.update(marshal.loads((folder / file).read_bytes()))
            elif name.startswith("pairs-"):
                pair_shards[name.removeprefix("pairs-")] = marshal.loads(
                    (folder / file).read_bytes()
                )
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return LangState()  # no state, or an unreadable one: analyse everything
    if len(rows) != count:
        return LangState()
    return LangState(pages, rows, tuple(averages), terms, pair_shards, chunks, stored=files)
