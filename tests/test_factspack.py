"""The facts of a built site's pages kept in one file (renderfacts.FactsPack): the next process
reads them from it, without the renderings, and only the pages it was told to keep."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from docsite.errors import Diagnostic
from docsite.mdcontext import LinkRef
from docsite.renderfacts import Facts, FactsPack, PageFacts
from docsite.site import Site
from docsite.theme import Theme


def _fresh(site: Site) -> Site:
    """The site as a new process loads it: a new renderer over the same cache."""
    return Site(site.config, Theme(site.config).gettext)


def test_kept_facts_are_read_from_the_pack_alone(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        {
            "en/index.md": "# Home\n\nSee [a](a.md#part).\n",
            "en/a.md": "---\ntitle: A\n---\n## Part {#part}\n\nText, [gone](gone.md).\n",
            "en/b.md": "---\ntitle: B\n---\n## Other\n",
        }
    )
    a, b = site.entries["en"]["a.md"], site.entries["en"]["b.md"]
    before = {name: site.facts(e) for name, e in (("a", a), ("b", b))}
    site.renderer.keep_facts([site.render_key(a)])  # b's facts are not kept
    render_dir = site.config.cache_dir / "render"
    for file in render_dir.rglob("*.json"):  # the cached renderings
        file.unlink()

    again = _fresh(site)
    pack = FactsPack(render_dir, again.renderer.code_digest, str(again.config.content_dir))
    assert pack.get(again.render_key(a)) is not None
    assert pack.get(again.render_key(b)) is None
    assert again.facts(again.entries["en"]["a.md"]) == before["a"]
    assert not any(render_dir.rglob("*.json")), "a's facts came from the pack, not a rendering"
    assert again.facts(again.entries["en"]["b.md"]) == before["b"]  # rendered again
    assert any(render_dir.rglob("*.json"))


def test_an_unreadable_pack_reads_as_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pack = FactsPack(tmp_path, "0123456789abcdef0123")
    assert pack.file is not None
    pack.file.write_bytes(b"not a pickle")
    assert pack.get("any") is None


def test_the_pack_is_written_again_only_when_it_lacks_more_than_a_few_pages(
    make_site, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """One edited page costs the next build the reading of one rendering; writing the pack of
    every page again costs more, so that waits until the pages it lacks add up."""
    from docsite import renderfacts

    files = {f"en/p{i}.md": f"---\ntitle: P{i}\n---\n## Part {i}\n" for i in range(4)}
    first = make_site({"en/index.md": "# Home\n", **files})
    content = first.config.content_dir / "en"

    def build(site: Site) -> bytes:
        """What a build does with the pack: the facts of every page, then keep them."""
        entries = list(site.entries["en"].values())
        for entry in entries:
            site.facts(entry)
        site.renderer.keep_facts(site.render_key(e) for e in entries)
        scope = str(site.config.content_dir)
        pack = FactsPack(site.config.cache_dir / "render", site.renderer.code_digest, scope).file
        assert pack is not None
        return pack.read_bytes()

    written = build(first)
    # an edit changes one page's key: the pack lacks the new one and holds the old (2 keys)
    monkeypatch.setattr(renderfacts, "DRIFT", 1)
    (content / "p0.md").write_text("---\ntitle: P0\n---\n## New\n")
    after_edit = build(_fresh(first))
    assert after_edit != written, "2 keys otherwise, more than DRIFT: written again"
    monkeypatch.setattr(renderfacts, "DRIFT", 2)
    (content / "p1.md").write_text("---\ntitle: P1\n---\n## New\n")
    again = _fresh(first)
    assert build(again) == after_edit, "2 keys otherwise, within DRIFT: not written"
    assert again.facts(again.entries["en"]["p1.md"]).toc == (("new", "New"),)


def _facts(tag: str) -> Facts:
    """Facts told apart by `tag` (a heading id), with a link and a warning to carry."""
    link = LinkRef(f"{tag}.md", "top", 3, "page")
    warning = Diagnostic(f"{tag}.md", 4, "a warning", "warning", "some-code")
    return {f"{tag}.md": f"{tag}/"}, PageFacts(
        frozenset({tag}), (link,), (warning,), (tag,), ((tag, tag.title()),)
    )


def test_content_folders_sharing_a_cache_keep_a_pack_each(tmp_path: Path) -> None:
    """Two projects built with one cache folder: the build of one must not drop the pack of
    the other (which would make it open a file per page again)."""
    packs = {scope: FactsPack(tmp_path, "0123456789abcdef", scope) for scope in ("a", "b")}
    for scope, pack in packs.items():
        pack.note(f"key-{scope}", _facts(scope))
        pack.keep([f"key-{scope}"])
    again = {scope: FactsPack(tmp_path, "0123456789abcdef", scope) for scope in ("a", "b")}
    assert again["a"].get("key-a") == _facts("a") and again["a"].get("key-b") is None
    assert again["b"].get("key-b") == _facts("b")
    newer = FactsPack(tmp_path, "fedcba9876543210", "a")  # a's code changed: its old pack goes
    newer.note("key-a", _facts("a2"))
    newer.keep(["key-a"])
    assert sorted(p.name.split("-")[1] for p in tmp_path.glob("facts-*.pack")) == sorted(
        {packs["a"].prefix.split("-")[1], packs["b"].prefix.split("-")[1]}
    )


def test_a_pack_that_does_not_read_as_facts_is_as_if_it_lacked_them(tmp_path: Path) -> None:
    pack = FactsPack(tmp_path, "0123456789abcdef", "a")
    pack.note("key", _facts("a"))
    pack.keep(["key"])
    assert pack.file is not None
    pack.file.write_bytes(b"\x80\x05not a pack")  # another version's format, or a torn file
    assert FactsPack(tmp_path, "0123456789abcdef", "a").get("key") is None


def test_facts_made_in_another_process_are_taken_without_rendering(make_site) -> None:  # type: ignore[no-untyped-def]
    """A build's page workers send back their renderings' facts, not the renderings: the
    parent's check and objects.inv take them, with no render cache to fall back on."""
    site = make_site({"en/a.md": "---\ntitle: A\n---\n## Part {#part}\n\nSee [b](b.md).\n"})
    site.render(site.entries["en"]["a.md"])
    found = site.renderer.facts_of(site.render_key(site.entries["en"]["a.md"]))
    assert found is not None and "part" in found[1].ids
    parent = Site(dataclasses.replace(site.config, cache_dir=None), Theme(site.config).gettext)
    entry = parent.entries["en"]["a.md"]
    key = parent.render_key(entry)
    parent.renderer.adopt_facts(key, found)
    assert parent.facts(entry).ids == found[1].ids
    assert parent.renderer.cached(key) is None  # taken as they came: nothing rendered here


def test_a_build_that_asks_no_facts_keeps_the_pack_whole(make_site) -> None:  # type: ignore[no-untyped-def]
    """A warm build reuses the last check and carries objects.inv, so it asks no page's facts:
    keeping them must not write the pack again without them (the next edit would then read
    every page's rendering back)."""
    site = make_site({f"en/p{i}.md": f"---\ntitle: P{i}\n---\n## Part {i}\n" for i in range(3)})
    entries = list(site.entries["en"].values())
    for entry in entries:
        site.facts(entry)
    keys = [site.render_key(e) for e in entries]
    site.renderer.keep_facts(keys)
    warm = _fresh(site)
    warm.renderer.keep_facts(keys)  # nothing asked in between
    scope = str(site.config.content_dir)
    pack = FactsPack(site.config.cache_dir / "render", site.renderer.code_digest, scope)
    assert all(pack.get(key) is not None for key in keys)
