"""The interface catalogs: every UI string of the code and templates is translated into zh."""

from __future__ import annotations

import subprocess
import sys

from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOG = ROOT / "themes" / "default" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def test_zh_catalog_translates_every_extracted_string(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "gettext", "-k", "N_", "-k", "ngettext:1,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert len(extracted) > 60
    assert "Pages to work on" in extracted  # every template was read (none failed to parse)
    assert sorted(extracted - translated) == []
