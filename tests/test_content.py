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


def test_every_state_has_six_own_sheets(real):
    rows = {r.label.split()[0]: r for r in state_statistics(real.binder, real.editions)}
    assert set(STATES) <= set(rows)
    for code in STATES:
        assert rows[code].sheets >= 6, code
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
        if page.name != "stil.md":  # the style sheet names the forbidden words
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
    from loseblatt.core.references import escape_markdown

    assert all(escape_markdown(t.begriff) in glossary_sheet.markdown for t in terms)  # as text


def test_keywords_for_the_index(real):
    for code, ed in real.editions.items():
        keywords = {w for s in ed.sheets for w in s.schlagworte}
        assert len(keywords) >= 100, code


@pytest.mark.parametrize(
    ("words", "groups"),
    [
        (["Sitzungen", "Sitzung", "Erste Sitzung"], [["Erste Sitzung"], ["Sitzung", "Sitzungen"]]),
        (["Angsträume", "Angstraum"], [["Angstraum", "Angsträume"]]),
        (
            ["kriminalpräventive Räte", "kriminalpräventiver Rat"],
            [["kriminalpräventiver Rat", "kriminalpräventive Räte"]],
        ),
        (
            ["Partnerschaften für Demokratie", "Partnerschaft für Demokratie"],
            [["Partnerschaft für Demokratie", "Partnerschaften für Demokratie"]],
        ),
        # a different word, not a form: the female form, a longer compound, another ending
        (["Landrat", "Landrätin"], [["Landrat"], ["Landrätin"]]),
        (["Bericht", "Berichterstattung"], [["Bericht"], ["Berichterstattung"]]),
        (["Rat", "Ratio"], [["Rat"], ["Ratio"]]),
    ],
)
def test_word_forms_group_by_inflection_endings(words, groups):
    from loseblatt.core.german import group_word_forms

    assert group_word_forms(words) == groups


def test_compound_parts_are_words_of_their_own():
    from loseblatt.core.german import compound_parts

    words = {"bürger", "befragung", "geschäft", "ordnung", "arbeit", "gruppen", "amt", "rat"}
    assert compound_parts("Bürgerbefragung", words) == ["bürger", "befragung"]
    assert compound_parts("Geschäftsordnung", words) == ["geschäft", "ordnung"]  # linking s
    assert compound_parts("Arbeitsgruppen", words) == ["arbeit", "gruppen"]
    assert compound_parts("Ordnungsamt", words) == []  # parts under four letters are no parts
    assert compound_parts("Beratung", words) == []


def test_keyword_index_merges_singular_and_plural(real):
    from loseblatt.render.web.index_pages import keyword_index, keyword_page

    ed = real.editions["sn"]
    index = keyword_index(ed)
    assert "Angsträume" not in index and "Sitzungen" not in index
    variants, sheets = index["Sitzung"]
    assert variants == ["Sitzungen"]
    users = {s.blatt for s in ed.sheets if {"Sitzung", "Sitzungen"} & set(s.schlagworte)}
    assert {s.blatt for s in sheets} == users and len(users) >= 2
    page = keyword_page(ed)
    assert "- **Angstraum** (auch: Angsträume): " in page
    assert "**Angsträume**" not in page and "**Politisch motivierte" not in page


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


@pytest.mark.slow  # builds or runs the CLI in a subprocess
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
    assert "## Mindestwerte" in proc.stdout and "| Länder in Blatt 9.1 | 16 | 16 | erfüllt |" in proc.stdout
    assert "NICHT erfüllt" not in proc.stdout


# ----- the style sheet (docs/stil.md), as far as a machine can check it --------------------------

STYLE_FILES = [
    *sorted((ROOT / "binder").rglob("*.md")),
    *sorted((ROOT / "binder").rglob("*.yml")),
    *(p for p in sorted((ROOT / "docs").glob("*.md")) if p.name not in ("stil.md", "mitmachen.md")),
]
# Code spans and fenced blocks show syntax, not prose.
CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`", re.M | re.S)
RULES = {
    "Name der Stiftung ohne „für“": re.compile(r"Deutsches Forum Kriminal"),
    "das DFK ist sächlich": re.compile(r"\b(die|der|bei der|von der|zur|einer) DFK\b(?!-)"),
    "Guillemets statt „…“": re.compile(r"[«»]"),
    "Datum mit Ziffern statt „12. Juni 2018“": re.compile(r"\b\d{1,2}\.\d{1,2}\.(19|20)\d\d\b"),
    "„Blatt“ vor einem Blattverweis": re.compile(r"\bBlatt \\?\[\["),
    "Platzhalter": re.compile(r"\b(lorem|ipsum|todo|tbd|fixme)\b|\bXY\b", re.I),
}


def prose(path) -> str:
    return CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), path.read_text(encoding="utf-8"))


def test_style_sheet_rules_hold_in_every_file():
    found = []
    for path in STYLE_FILES:
        text = prose(path)
        for rule, pattern in RULES.items():
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {rule}: {m.group(0)!r}")
    assert found == [], "\n".join(found)


def test_style_rules_catch_what_they_should(tmp_path):
    """The patterns themselves: each catches its mistake and lets the right form pass."""
    wrong = {
        "Name der Stiftung ohne „für“": "die Stiftung Deutsches Forum Kriminalprävention",
        "das DFK ist sächlich": "bei der DFK",
        "Guillemets statt „…“": "«so»",
        "Datum mit Ziffern statt „12. Juni 2018“": "am 12.06.2018",
        "„Blatt“ vor einem Blattverweis": "siehe Blatt [[2.3]]",
    }
    right = "das DFK, beim DFK, „so“, am 12. Juni 2018, siehe [[2.3]], `«code»`"
    for rule, text in wrong.items():
        assert RULES[rule].search(text), rule
    page = tmp_path / "seite.md"
    page.write_text(right)
    assert not any(p.search(prose(page)) for p in RULES.values())


def long_sentences(text: str, limit: int = 35) -> list[str]:
    plain = re.sub(r"\[\[[^\]]+\]\]|\{\{[^}]+\}\}|\([^)]*\)", "x", text)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„])|\n\s*\n|\n\s*[-*|#!]", plain)
    return [s for s in sentences if len(s.split()) > limit]


def test_long_sentences_are_reported_as_warnings(real):
    """Sentences over 35 words are a warning for the editors, not an error."""
    import warnings

    count = 0
    for sheet in all_sheets(real):
        for sentence in long_sentences(CODE.sub(" ", sheet.body)):
            count += 1
            warnings.warn(f"{sheet.path.relative_to(ROOT)}: Satz mit {len(sentence.split())} Wörtern", stacklevel=1)
    assert long_sentences("Ein kurzer Satz. " + "Wort " * 40 + "Ende.") and not long_sentences("Kurz. Auch kurz.")
    assert count < 40  # a handful may stay where a list-like sentence reads better


LAENDER = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
    "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)  # fmt: skip


def test_contacts_sheet_serves_all_sixteen_laender(real):
    """Readers from the ten Länder without an edition find their state body in 9.1 of bund."""
    sheet = next(s for s in real.editions["bund"].sheets if s.blatt == "9.1")
    missing = [land for land in LAENDER if not re.search(rf"\b{re.escape(land)}\b", sheet.markdown)]
    assert missing == []


def test_new_topics_and_templates_exist(real):
    titles = {s.blatt: s.titel for s in real.editions["bund"].sheets}
    templates = [b for b, t in titles.items() if t.startswith("Vorlage")]
    assert len(templates) >= 11, templates  # 9.3–9.6 and the seven new ones
    for blatt in ("1.7", "2.9", "2.10", "5.8", "7.10", "7.11", "7.12"):
        assert blatt in titles, blatt
    sheets = {s.blatt: s for s in real.editions["bund"].sheets}
    assert all(len(sheets[b].markdown.split()) >= 400 for b in ("1.7", "2.9", "2.10", "5.8", "7.10", "7.11", "7.12"))


def test_glossary_abbreviations_are_focusable_with_their_expansion_except_inside_links():
    import markdown
    from loseblatt.render.safe_markdown import SafeMarkdownExtension

    md = markdown.Markdown(extensions=["abbr", SafeMarkdownExtension()])
    html = md.convert("Die KKP hilft, [siehe KKP](x.md).\n\n*[KKP]: Kommunale Kriminalprävention")
    assert (
        '<abbr class="lb-abk" tabindex="0">KKP<span class="lb-abk-text"> (Kommunale Kriminalprävention)</span></abbr>'
        in html
    )
    # No focusable element inside a link: there the abbreviation stays as it was.
    assert '<a href="x.md">siehe <abbr title="Kommunale Kriminalprävention">KKP</abbr></a>' in html
