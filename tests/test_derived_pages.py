"""Register sheets and «Deckblatt und Inhalt» are versioned from the deliveries and delivered
like sheets (issue 17, requirement 4): the 8.52 scenario with two deliveries."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

REGISTER_8 = """
---
register: 8
titel: Landesstrategie
fassung: 1
stand: 2026-11
---
Was das Land {{ var.im_land }} anbietet.
"""

SHEET_8_51 = """
---
blatt: "8.51"
titel: Die Allianz
fassung: 1
stand: 2026-11
---
Text von Blatt 8.51.
"""

SHEET_8_52 = """
---
blatt: "8.52"
titel: Die ersten Kommunen der Allianz
fassung: 1
stand: 2027-01
---
Text von Blatt 8.52.
"""


def add_register_8(project):
    project.write("binder/08-landesstrategie/register.md", REGISTER_8)
    project.write("binder/laender/sn/allianz.md", SHEET_8_51)


def versions(project, code):
    from loseblatt.core.derived import COVER

    result = project.check()
    assert result.problems == []
    ed = result.editions[code]
    return {reg.register.number: (reg.fassung, reg.stand) for reg in ed.registers}, (
        ed.cover_version.fassung if ed.cover_version and ed.cover_version.key == COVER else None
    )


@pytest.mark.slow  # records deliveries through the CLI (renders PDFs for the page counts)
def test_new_sheet_brings_new_register_sheet_and_contents(project):
    add_register_8(project)
    first = project.record("2026-1", "2026-11-20")
    # The record keeps each register sheet as printed, with its page count.
    reg8 = next(r for r in first["ausgaben"]["sn"]["registerblaetter"] if r["register"] == 8)
    assert reg8["seiten"] == 1 and "in Sachsen anbietet" in first["quellen"][reg8["quelle"]]
    assert first["ausgaben"]["sn"]["deckblatt_seiten"] >= 1
    assert versions(project, "sn") == ({1: (1, "2026-11"), 2: (1, "2026-12"), 8: (1, "2026-11")}, 1)

    project.write("binder/laender/sn/erste-kommunen.md", SHEET_8_52)
    # Not delivered yet: the site and the PDFs already show the next Fassung.
    assert versions(project, "sn") == ({1: (1, "2026-11"), 2: (1, "2026-12"), 8: (2, "2027-01")}, 2)
    assert versions(project, "bund")[1] == 1  # bund has no register 8 sheet and nothing new

    project.record("2027-1", "2027-01-15")
    project.build(env={"LOSEBLATT_PDF": "1"})

    pdf = PdfReader(project.site / "sn/lieferungen/2027-1.pdf")
    pages = [p.extract_text() for p in pdf.pages]
    text = "\n".join(pages)
    # Every page the holder must exchange, with the Fassung he has and where the new one goes.
    assert "Deckblatt und Inhalt, Fassung 1" in text and "Deckblatt und Inhalt, Fassung 2" in text
    assert "Registerblatt 8, Fassung 1 (1 Seite)" in text and "Registerblatt 8, Fassung 2 (1 Seite)" in text
    assert "Blatt 8.52, Fassung 1 (1 Seite) – hinter Blatt 8.51" in text
    assert "Registerblatt 2" not in text.split("Was sich geändert hat")[0]  # register 2 is unchanged
    assert [o.title for o in pdf.outline] == [
        "Ablageanweisung",
        "Deckblatt und Inhalt",
        "Registerblatt 8 – Landesstrategie",
        "Blatt 8.52 – Die ersten Kommunen der Allianz",
    ]
    # The delivered pages themselves: the new contents lists 8.52 and names this delivery, the
    # new register sheet lists 8.52 and carries its own Fassung and Stand.
    cover = next(p for p in pages if "Inhalt" in p and "Letzte Ergänzungslieferung" in p)
    assert "2027-1" in cover
    contents = "\n".join(p for p in pages if "Deckblatt und Inhalt · Fassung 2 · Stand 01/2027" in p)
    assert "8.52" in contents and "Die ersten Kommunen der Allianz" in contents
    register = next(p for p in pages if "Register 8: Landesstrategie" in p and "Registerblatt 8 ·" in p)
    assert "Registerblatt 8 · Fassung 2 · Stand 01/2027" in register and "8.52" in register

    # The edition's own PDFs print the same Fassung.
    divider = PdfReader(project.site / "sn/pdf/registerblatt-8.pdf").pages[0].extract_text()
    assert "Registerblatt 8 · Fassung 2 · Stand 01/2027" in divider
    # bund: nothing changed, so no supplement and nothing to exchange.
    assert not (project.site / "bund/lieferungen/2027-1.pdf").exists()

    # The web: the filing instructions and the list of valid sheets say the same.
    page = project.html("sn/lieferungen/2027-1/index.html")
    assert "<td>Registerblatt 8, Fassung 1 (1 Seite)</td>" in page
    assert "<td>Registerblatt 8, Fassung 2 (1 Seite)</td>" in page
    assert "<td>Blatt 8.52, Fassung 1 (1 Seite) – hinter Blatt 8.51</td>" in page
    verzeichnis = project.html("sn/verzeichnis/index.html")
    cover_row = verzeichnis.split("<td>Deckblatt und Inhalt</td>", 1)[1].split("</tr>")[0]
    assert "<td>2</td>" in cover_row and "01/2027" in cover_row
    row = verzeichnis.split("Registerblatt 8", 1)[1].split("</tr>")[0]
    assert "<td>2</td>" in row and "01/2027" in row
    register_page = project.html("sn/08-landesstrategie/index.html")
    assert "Fassung 2" in register_page and "Januar 2027" in register_page


def test_register_sheet_fassung_only_rises_when_its_printed_content_changes():
    from loseblatt.core.derived import COVER, advance, register_key, register_state

    def state(sheets, unit="u", markdown="m"):
        return {8: register_state(8, "Landesstrategie", unit, "2026-11", sheets, markdown)}

    one = [("8.1", "Eins", "2026-11")]
    first = advance(None, state(one), True, "2026-11", 3, "2026-1")
    assert first.changed == [] and first.versions[register_key(8)].fassung == 1
    # A sheet's text changed (its Stand too), the list did not: the register sheet stays.
    same = advance(first, state([("8.1", "Eins", "2027-02")]), True, "2027-02", 3, "2027-1")
    assert [new.key for _, new in same.changed] == [COVER]
    assert same.versions[register_key(8)].fassung == 1
    # A new sheet in the register: new Fassung, Stand of the newest thing it shows.
    more = advance(same, state([*one, ("8.2", "Zwei", "2027-03")]), True, "2027-03", 3, "2027-2")
    old, new = next(pair for pair in more.changed if pair[1].key == register_key(8))
    assert (old.fassung, new.fassung, new.stand, new.delivery) == (1, 2, "2027-03", "2027-2")
    # Snapshots from before 2027 kept no introduction: register.md's hash decides then.
    legacy = advance(None, state(one, markdown=None), True, "2026-11", 3, "2026-1")
    assert advance(legacy, state(one), False, "2026-11", 3, None).changed == []
    assert advance(legacy, state(one, unit="v"), False, "2026-11", 3, None).changed != []
    # Before 2027 a register sheet printed register.md's own Fassung: the first delivery keeps it,
    # so «Herausnehmen» names the page the holder has.
    printed = {8: register_state(8, "Landesstrategie", "u", "2026-11", one, None, unit_fassung=2)}
    assert advance(None, printed, True, "2026-11", 3, "2026-1").versions[register_key(8)].fassung == 2
