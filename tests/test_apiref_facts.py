"""Docstrings' summaries and units are kept on disk: a later build parses none of them."""

from __future__ import annotations

import pytest

import docsite.apiref.rst as rst
from docsite.apiref.facts import DocstringFacts

DOCSTRINGS = [
    "Register a rule. It is the same as :meth:`add_url_rule`.\n\n:param rule: the URL rule.",
    "A class.\n\n.. note::\n\n   Called once per request.\n\nMore text here.",
    "",
]


def test_facts_are_what_docutils_finds_and_are_read_back_without_parsing(tmp_path, monkeypatch):
    first = DocstringFacts(tmp_path)
    for text in DOCSTRINGS:
        assert first.summary(text) == rst.summary(text)
        assert first.units(text) == rst.units(text)
    assert any(first.units(text) for text in DOCSTRINGS)  # the test has units to keep
    first.save()

    def no_parsing(*args, **kwargs):
        raise AssertionError("a kept docstring was parsed again")

    monkeypatch.setattr(rst, "parse", no_parsing)
    again = DocstringFacts(tmp_path)
    for text in DOCSTRINGS:
        assert again.summary(text) == first.summary(text)
        assert again.units(text) == first.units(text)
    with pytest.raises(AssertionError, match="parsed again"):
        again.summary("A docstring no build has seen.")


def test_an_unreadable_facts_file_is_parsed_again(tmp_path):
    facts = DocstringFacts(tmp_path)
    facts.summary(DOCSTRINGS[0])
    facts.save()
    assert facts.file is not None and facts.file.is_file()
    facts.file.write_bytes(b"not marshal data")
    assert DocstringFacts(tmp_path).summary(DOCSTRINGS[0]) == rst.summary(DOCSTRINGS[0])
