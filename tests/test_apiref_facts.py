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


API_PAGE = """# App

Prose first.

::: flask.Flask
    options:
      members: [route]

```markdown
::: flask.NotADirective
```

::: flask.url_for
"""


def test_a_page_s_directives_are_kept_and_read_back_without_a_parse(tmp_path, monkeypatch):
    import docsite.apiref.directive as directive

    first = DocstringFacts(tmp_path)
    specs = first.directives(API_PAGE)
    assert [(s.path, s.line) for s in specs] == [("flask.Flask", 5), ("flask.url_for", 13)]
    assert specs[0].options.members == ("route",)
    assert first.directives("No directive here.") == ()
    first.save()

    def no_scan(body):
        raise AssertionError("a kept page was parsed again")

    monkeypatch.setattr(directive, "scan_directives", no_scan)
    again = DocstringFacts(tmp_path)
    assert again.directives(API_PAGE) == specs
    with pytest.raises(AssertionError, match="parsed again"):
        again.directives(API_PAGE + "\n::: flask.g\n")
