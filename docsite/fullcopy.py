"""Each language's llms-full.txt in a build, made again from the last build's file: the
segment of a page whose Markdown copy is what it was is taken from the old file's bytes; only
the others are made (docsite.llms). The manifest keeps which page each segment is, and its
length, beside the file's record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from docsite import llms, urls
from docsite.entry import Entry
from docsite.manifest import intact
from docsite.pagebuild import PageJob

SEPARATOR = b"\n\n"  # between two pages' segments, as llms.llms_full joins them
MANIFEST_KEY = "llms-full"
# what a file's segments were made with, and each one's page, its copy's digest and length
Segments = tuple[str, tuple[tuple[str, str, int], ...]]


def made_with(job: PageJob) -> str:
    """What a segment depends on beside its page's copy: the address its `Source:` line
    starts with, and docsite's code."""
    base = llms.site_base(job.snap.config)
    return hashlib.sha256(f"{base}\0{job.inputs.package}".encode()).hexdigest()


def full_text(
    job: PageJob,
    lang: str,
    copies: Mapping[str, str],
    copy_of: Callable[[Entry], str],
    previous: Segments | None,
) -> tuple[bytes, Segments]:
    """A language's llms-full.txt (the bytes llms.llms_full gives) and its segments.
    `copies`: the digest of each Markdown copy's bytes, by file; `copy_of`: a page's copy;
    `previous`: the segments of the last build's file (`previous_segments`)."""
    site = job.snap.site
    made = made_with(job)
    old = _old_segments(job, urls.llms_full(lang), previous, made)
    parts: list[bytes | memoryview] = []
    table = []
    for entry in site.navs[lang].order:
        digest = copies.get(urls.markdown_copy(entry.site_path), "")
        known = old.get(entry.site_path)
        if known is not None and known[0] == digest:
            part: bytes | memoryview = known[1]
        else:
            part = llms.with_source(site, entry, copy_of(entry)).encode()
        parts.append(part)
        table.append((entry.site_path, digest, len(part)))
    return SEPARATOR.join(parts), (made, tuple(table))


def previous_segments(job: PageJob, path: str) -> Segments | None:
    """The segments the last build recorded for this llms-full.txt, if any."""
    known = job.previous.extra.get(MANIFEST_KEY)
    found = known.get(path) if isinstance(known, dict) else None
    return found if isinstance(found, tuple) and len(found) == 2 else None


def _old_segments(
    job: PageJob, path: str, segments: Segments | None, made: str
) -> dict[str, tuple[str, memoryview]]:
    """The last build's segments of this file by page (its copy's digest, its bytes), when
    they were made the same way and the file is still as it was written; else none."""
    record = job.previous.records.get(path)
    if segments is None or segments[0] != made or record is None:
        return {}
    file = job.out / path
    try:
        data = memoryview(file.read_bytes()) if intact(record, file) else None
    except OSError:
        data = None
    table = segments[1]
    lengths = sum(length for _, _, length in table) + len(SEPARATOR) * max(len(table) - 1, 0)
    if data is None or len(data) != lengths:
        return {}
    found: dict[str, tuple[str, memoryview]] = {}
    start = 0
    for site_path, digest, length in table:
        found[site_path] = (digest, data[start : start + length])
        start += length + len(SEPARATOR)
    return found
