"""The binder's real content against the numbers of the content issue."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT
from loseblatt.core import pipeline
from loseblatt.core.statistics import base_statistics, state_statistics

STATES = ("bb", "bw", "mv", "rp", "sh", "sn")


@pytest.fixture(scope="module")
def real():
    result = pipeline.check(ROOT / "binder", ROOT)
    assert result.problems == [], "\n".join(p.format() for p in result.problems)
    return result


def test_nine_registers_each_with_registerblatt(real):
    assert sorted(real.binder.registers) == list(range(1, 10))
    for reg in real.binder.registers.values():
        assert reg.path.name == "register.md" and len(reg.body.split()) >= 80, reg.path


def test_base_sheets_count_and_words(real):
    rows = base_statistics(real.binder, real.editions["bund"])
    sheets = sum(r.sheets for r in rows)
    words = sum(r.words for r in rows)
    assert sheets >= 50
    assert words / sheets >= 400
    assert all(r.sheets >= 1 for r in rows)


def test_every_state_has_four_own_sheets(real):
    rows = {r.label.split()[0]: r for r in state_statistics(real.binder, real.editions)}
    assert set(STATES) <= set(rows)
    for code in STATES:
        assert rows[code].sheets >= 4, code
        full = [s for s in real.binder.state_sheets[code] if not s.ergaenzt]
        assert len(full) >= 3 and all(len(s.body.split()) >= 350 for s in full), code
        # The state edition uses the overlay: at least one replacement or extension of a base sheet.
        assert any(s.ersetzt or s.ergaenzt for s in real.binder.state_sheets[code]), code


def all_sheets(real):
    yield from real.binder.base_sheets
    for sheets in real.binder.state_sheets.values():
        yield from sheets


def test_every_sheet_names_its_sources(real):
    for sheet in all_sheets(real):
        if sheet.ergaenzt:
            assert re.search(r"Quellen", sheet.body), sheet.path
        else:
            assert "## Quellen und weiterführende Hinweise" in sheet.body, sheet.path


def test_no_placeholder_text(real):
    pattern = re.compile(r"\b(lorem|ipsum|todo|tbd|xxx|fixme)\b", re.I)
    for sheet in all_sheets(real):
        assert not pattern.search(sheet.body), sheet.path
    for page in (ROOT / "docs").glob("*.md"):
        assert not pattern.search(page.read_text()), page


def test_actionable_sheets_have_checklists(real):
    bund = real.editions["bund"]
    with_lists = [s for s in bund.sheets if s.checklists]
    assert len(with_lists) >= 40
    assert sum(len(cl.items) for s in with_lists for cl in s.checklists) >= 250


def test_glossary_and_abbreviations(real):
    terms = real.binder.glossary
    assert len(terms) >= 30
    abbrs = {t.begriff for t in terms if t.langform}
    assert {"KKP", "KPR", "LPR", "PKS", "CTC", "DFK", "ASSKomm", "InSiKo", "LfK"} <= abbrs
    assert "Dunkelfeld" in {t.begriff for t in terms}
    glossary_sheet = next(s for s in real.editions["bund"].sheets if s.titel == "Glossar")
    assert all(t.begriff in glossary_sheet.markdown for t in terms)


def test_keywords_for_the_index(real):
    for code, ed in real.editions.items():
        keywords = {w for s in ed.sheets for w in s.schlagworte}
        assert len(keywords) >= 100, code


def test_site_pages_exist():
    for name in (
        "index",
        "ueber-den-ordner",
        "mitmachen",
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "leichte-sprache",
    ):
        text = (ROOT / "docs" / f"{name}.md").read_text()
        assert text.startswith("# ") and len(text.split()) >= 150, name


def test_statistics_command_reports_the_table():
    proc = subprocess.run(
        [sys.executable, "-m", "loseblatt.cli", "statistik"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| 2 Gremiengründung |" in proc.stdout and "| sn Sachsen |" in proc.stdout
