"""What a searchable document is: one section of one rendered page in one language, and its
analysis (the terms of each field, and which terms follow each other, for phrases)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath

from docsite.lru import LRU
from docsite.search.analysis import Profile, nfkc, normal_text_key, profile_for
from docsite.site import Entry, Site

FIELDS = ("title", "summary", "topic", "section", "breadcrumb", "body", "code")
# Where a phrase can match: the page's names, the heading and the prose (not the breadcrumb,
# whose titles follow each other by accident, nor code).
PHRASE_FIELDS = ("title", "section", "body")
_joined = " ".join  # a pair of terms as `pair_term` makes it, from a tuple


@dataclass
class SearchDoc:
    """One section of one page in one language, as it is indexed."""

    id: str
    page: str
    lang: str
    digest: str
    url: str  # site-absolute path: /zh/user-guide/blueprints/#anchor
    page_title: str
    title: str  # what names the page (title, nav title, slug): on the page's top document only
    summary: str  # the page's own description (`meta`): on the top document only
    topic: str  # what the page is about (its title): on every document of the page
    section: str
    breadcrumb: str  # where the page is: the titles of the sections above it
    body: str
    code: str


def page_key(entry: Entry) -> str:
    return f"{entry.lang}:{entry.page.path}"


def documents_digest(site: Site, entry: Entry) -> str:
    """What a page's documents are made from, without rendering it: its rendering's key (the
    sections' text), its place (breadcrumbs, URL) and its names."""
    crumbs = " › ".join(node.title for node in site.breadcrumbs(entry))
    parts = (
        site.render_key(entry),
        crumbs,
        entry.site_path,
        page_key(entry),
        entry.page.title,
        entry.page.nav_title,
        str(entry.page.meta.get("meta", "")),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def documents(site: Site, entry: Entry) -> list[SearchDoc]:
    """The search documents of a page: its top and each h2/h3 section."""
    rendered = site.render(entry)
    digest = site.render_key(entry)
    crumbs = " › ".join(node.title for node in site.breadcrumbs(entry))
    page = entry.page
    slug = PurePosixPath(page.url.rstrip("/")).name.replace("-", " ").replace("_", " ")
    names = " ".join(dict.fromkeys((page.title, page.nav_title, slug)))
    docs = []
    for section in rendered.sections:
        anchor = f"#{section.id}" if section.id else ""
        docs.append(
            SearchDoc(
                id=f"{page_key(entry)}#{section.id}",
                page=page_key(entry),
                lang=entry.lang,
                digest=digest,
                url=f"/{entry.site_path}{anchor}",
                page_title=page.title,
                title="" if section.id else names,
                summary="" if section.id else str(page.meta.get("meta", "")),
                topic=_topic(page.title, section.id, section.heading),
                section=section.heading if section.id else "",
                breadcrumb=crumbs,
                body=section.text,
                code=" ".join(section.code),
            )
        )
    return docs


def _topic(title: str, ident: str, heading: str) -> str:
    """What a document is about: its page; for an API entry (its id is the object's path,
    ending with its heading: `flask.Flask.route`, `Flask.route`), the object's path too."""
    return f"{title} {ident}" if ident.endswith("." + heading) else title


@dataclass
class DocTerms:
    """One document analysed: how often each term occurs in each field, and the pairs of
    terms that follow each other in a phrase field ("a b", see `Profile.phrase_terms`)."""

    fields: dict[str, Counter[str]]
    pairs: frozenset[str]


def analyze_doc(doc: SearchDoc, profile: Profile | None = None) -> DocTerms:
    profile = profile or profile_for(doc.lang)
    fields: dict[str, Counter[str]] = {}
    pairs: set[str] = set()
    for name in FIELDS:
        normal = nfkc(getattr(doc, name))  # once for the terms, the pairs and the key
        fields[name] = Counter(_analysed(profile, normal, False))
        if name in PHRASE_FIELDS:
            pairs.update(_analysed(profile, normal, True))
    return DocTerms(fields, frozenset(pairs))


# A text's terms (or phrase pairs), kept for the next document that has it: a page's copy in
# another language (a fallback) comes right after it, with the same text, in the same process.
_texts: LRU[tuple[object, bool, str], Counter[str] | frozenset[str]] = LRU(8192)


def clear_texts() -> None:
    """Forget the texts analysed (like the word memos, they speed a full indexing only)."""
    _texts.clear()


def _analysed(profile: Profile, normal: str, pairs: bool) -> Counter[str] | frozenset[str]:
    """The terms of a text in NFKC, counted (read only: `analyze_doc` copies them), or its
    pairs."""
    key = (normal_text_key(profile, normal), pairs, normal)
    found = _texts.get(key)
    if found is None:
        if pairs:
            found = frozenset(map(_joined, pairwise(profile.phrase_terms_of_normal(normal))))
        else:
            found = Counter(profile.index_terms_of_normal(normal))
        _texts.put(key, found)
    return found


def pair_term(first: str, second: str) -> str:
    """Two terms that follow each other (terms hold no spaces)."""
    return _joined((first, second))


def doc_key(doc: SearchDoc) -> str:
    """What a document's analysis depends on: its text and its language's profile."""
    texts = [profile_for(doc.lang).name, *(getattr(doc, name) for name in FIELDS)]
    return hashlib.sha256("\0".join(texts).encode()).hexdigest()
