"""The municipality's own binder (core/kommune.py): kommune.yml, local sheets, drift."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from loseblatt.core import kommune
from loseblatt.core.package import package_files, sha256_bytes, zip_bytes
from test_packages import change_2_3, record_delivery


def write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


def sn_package(project, name: str) -> bytes:
    result = project.check()
    ed = result.editions["sn"]
    return zip_bytes(package_files(ed, result.binder, result.snapshots, result.withdrawals, name))


def municipal(root: Path, data: bytes, delivery: str, extra: str = "") -> Path:
    (root / "paket").mkdir(parents=True, exist_ok=True)
    (root / "paket" / f"sn-{delivery}.zip").write_bytes(data)
    write(
        root,
        "kommune.yml",
        f"""
        kommune: Musterstadt
        gremium: Kommunaler Präventionsrat Musterstadt
        land: sn
        lieferung: "{delivery}"
        sha256: {sha256_bytes(data)}
        variablen:
          vorsitz: Bürgermeisterin oder Bürgermeister der Stadt Musterstadt
        {extra}
        """,
    )
    return root


L21 = """
---
blatt: "L2.1"
titel: Unsere Geschäftsordnung
fassung: 1
stand: 2026-12
geprueft: "2026-1"
---
Wir folgen [[2.3]]. Vorsitz: {{ var.vorsitz }} im {{ kommune.gremium }} ({{ land.name }}).
"""


@pytest.fixture
def delivered(project):
    record_delivery(project, "2026-1", "2026-11-20")
    return project


def test_municipal_edition_puts_own_sheets_after_the_state_sheets(delivered, tmp_path):
    root = municipal(tmp_path / "mst", sn_package(delivered, "2026-1"), "2026-1")
    write(root, "blaetter/geschaeftsordnung.md", L21)
    write(
        root,
        "blaetter/mitglieder.md",
        """
        ---
        blatt: "L2.2"
        titel: Mitglieder
        fassung: 1
        stand: 2026-12
        intern: true
        ---
        Telefonliste der Mitglieder (fiktiv).
        """,
    )
    write(
        root,
        "blaetter/hinweise-2-3.md",
        """
        ---
        ergaenzt: "2.3"
        titel: Sitzungen
        fassung: 1
        stand: 2026-12
        geprueft: "2026-1"
        ---
        In Musterstadt tagt der Rat viermal im Jahr.
        """,
    )
    result, m = kommune.check(root, intern=True)
    assert result.problems == [], [p.format() for p in result.problems]
    ed = result.editions["musterstadt"]
    assert ed.definition.titel == "Musterstadt – Ausgabe Sachsen"
    reg2 = [s.blatt for s in ed.registers[1].sheets]
    assert reg2[-2:] == ["L2.1", "L2.2"] and reg2.index("2.10") < reg2.index("L2.1")
    l21 = ed.sheet("L2.1")
    assert "Vorsitz: Bürgermeisterin oder Bürgermeister der Stadt Musterstadt" in l21.markdown
    assert "im Kommunaler Präventionsrat Musterstadt (Sachsen)" in l21.markdown
    assert "[Blatt 2.3 – " in l21.markdown and "(blatt-2-3.md)" in l21.markdown
    s23 = ed.sheet("2.3")
    assert "Hinweise für Sachsen" in s23.markdown and 'Hinweise für Musterstadt: Sitzungen"' in s23.markdown
    assert m.findings == []
    public, _ = kommune.check(root, intern=False)
    assert public.problems == [] and public.editions["musterstadt"].sheet("L2.2") is None


def test_validation_in_german_with_lines(delivered, tmp_path):
    root = municipal(tmp_path / "mst", sn_package(delivered, "2026-1"), "2026-1", extra="farbe: blau")
    write(root, "blaetter/a.md", '---\nblatt: "2.3"\ntitel: A\nfassung: 1\nstand: 2026-12\n---\nText\n')
    write(root, "blaetter/b.md", '---\nblatt: "L2.1"\ntitel: B\nfassung: 1\nstand: 2026-12\nersetzt: true\n---\nText\n')
    write(root, "blaetter/c.md", '---\nblatt: "L2.2"\ntitel: C\nfassung: 1\nstand: 2026-12\n---\nSiehe [[L2.9]].\n')
    result, _ = kommune.check(root)
    messages = [p.format() for p in result.problems]
    assert any(m.startswith("kommune.yml:8: Unbekannter Schlüssel „farbe“") for m in messages), messages
    assert messages[0].startswith("blaetter/a.md:2: „2.3“ ist eine Nummer der Landesausgabe.")
    assert any(m.startswith("blaetter/b.md:6: Unbekannter Schlüssel „ersetzt“") for m in messages)
    assert any(m.startswith("blaetter/c.md:7: Der Verweis [[L2.9]]") for m in messages), messages


def test_tampered_package_is_refused(delivered, tmp_path):
    root = municipal(tmp_path / "mst", sn_package(delivered, "2026-1"), "2026-1")
    (root / "paket" / "sn-2026-1.zip").write_bytes(b"x" * 100)
    result, _ = kommune.check(root)
    assert [p.format() for p in result.problems] == [
        "paket/sn-2026-1.zip:1: Das Paket paket/sn-2026-1.zip ist keine lesbare Zip-Datei."
    ]


def test_drift_warns_until_the_sheet_is_checked_again(delivered, tmp_path):
    old = sn_package(delivered, "2026-1")
    change_2_3(delivered)
    record_delivery(delivered, "2027-1", "2027-02-10")
    new = sn_package(delivered, "2027-1")
    root = municipal(tmp_path / "mst", new, "2027-1")
    assert old != new
    write(root, "blaetter/geschaeftsordnung.md", L21)
    result, m = kommune.check(root)
    assert result.problems == []
    assert [f.format() for f in m.findings] == [
        "blaetter/geschaeftsordnung.md:8: Hinweis: Blatt L2.1 verweist auf Blatt 2.3, das mit Lieferung "
        "2027-1 geändert wurde (Grund: Beschlussfähigkeit ergänzt). Bitte prüfen."
    ]
    write(root, "blaetter/geschaeftsordnung.md", L21.replace('geprueft: "2026-1"', 'geprueft: "2027-1"'))
    assert kommune.check(root)[1].findings == []


def test_internal_notes_stay_out_of_the_public_edition(delivered, tmp_path):
    root = municipal(tmp_path / "mst", sn_package(delivered, "2026-1"), "2026-1")
    write(
        root,
        "blaetter/hinweise-2-3.md",
        """
        ---
        ergaenzt: "2.3"
        titel: Nur intern
        fassung: 1
        stand: 2026-12
        geprueft: "2026-1"
        intern: true
        ---
        Zugangscode des Sitzungsraums (Platzhalter).
        """,
    )
    full, _ = kommune.check(root, intern=True)
    public, _ = kommune.check(root, intern=False)
    assert "Zugangscode" in full.editions["musterstadt"].sheet("2.3").markdown
    assert "Zugangscode" not in public.editions["musterstadt"].sheet("2.3").markdown
    # A public sheet may not lead to an internal one.
    write(root, "blaetter/a.md", '---\nblatt: "L2.1"\ntitel: A\nfassung: 1\nstand: 2026-12\n---\nSiehe [[L2.2]].\n')
    write(root, "blaetter/b.md", '---\nblatt: "L2.2"\ntitel: B\nfassung: 1\nstand: 2026-12\nintern: true\n---\nText\n')
    assert [p.format() for p in kommune.check(root)[0].problems] == [
        "blaetter/a.md:7: Blatt L2.1 verweist auf das interne Blatt L2.2, das die öffentliche Website nicht zeigt: "
        "bitte den Verweis entfernen oder das Blatt ebenfalls intern machen."
    ]


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "0000050001e226059b0000000049454e44ae426082"
)


def test_images_of_state_sheets_travel_in_the_package(project, tmp_path):
    (project.binder / "02-gremiengruendung" / "ablauf.png").write_bytes(PNG)
    project.edit(
        "binder/02-gremiengruendung/blatt-2.md",
        "Text von Blatt 2.2.",
        "![Ablauf der Gründung](ablauf.png)\n\nText von Blatt 2.2.",
    )
    record_delivery(project, "2026-1", "2026-11-20")
    data = sn_package(project, "2026-1")
    root = municipal(tmp_path / "mst", data, "2026-1")
    result, _ = kommune.check(root, cache=tmp_path / "cache")
    assert result.problems == []
    images = result.editions["musterstadt"].sheet("2.2").images()
    assert [src for src, _ in images] == ["ablauf.png"]
    assert images[0][1].read_bytes() == PNG and (tmp_path / "cache") in images[0][1].parents


# ----- templates with the municipality's values (core/platzhalter.py) -------------------

EINLADUNG = (
    "Text von Blatt 2.3. Zurück zu [[1.1]].\n\n```vorlage Einladung\nEinladung des Gremiums [Name des Gremiums]\n\n"
    "Ort:     [Polizeidienststelle], [Name der Kommune]\nDatum:   [Datum]\n\n"
    "§ 1 Ort\n(1) Wir tagen {{ var.im_land }} in [Name  der Kommune].\n```\n\n"
    "Außerhalb der Vorlage bleibt [Name der Kommune] stehen."
)


def template_package(project) -> bytes:
    project.edit("binder/02-gremiengruendung/blatt-3.md", "Text von Blatt 2.3. Zurück zu [[1.1]].", EINLADUNG)
    record_delivery(project, "2026-1", "2026-11-20")
    return sn_package(project, "2026-1")


def with_values(root: Path, variablen: str, mapping: str) -> Path:
    """kommune.yml with more variables and a `platzhalter` section."""
    yml = root / "kommune.yml"
    text = yml.read_text(encoding="utf-8").replace("variablen:\n", "variablen:\n" + variablen)
    yml.write_text(text.rstrip("\n") + "\nplatzhalter:\n" + mapping, encoding="utf-8")
    return yml


def line_of(path: Path, start: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if ln.startswith(start))


def test_templates_carry_the_municipalitys_values(project, tmp_path):
    root = municipal(tmp_path / "mst", template_package(project), "2026-1")
    yml = with_values(root, "  polizei: Polizeirevier `Mitte` *\n", "  Polizeidienststelle: var.polizei\n")
    result, m = kommune.check(root)
    assert result.problems == [] and m.findings == []
    md = result.editions["musterstadt"].sheet("2.3").markdown
    assert "Einladung des Gremiums Kommunaler Präventionsrat Musterstadt\n" in md
    # Values are plain text: the backticks of a value can never close the block.
    assert "Ort:     Polizeirevier 'Mitte' *, Musterstadt\nDatum:   [Datum]" in md
    assert "(1) Wir tagen in Sachsen in Musterstadt." in md
    assert "Außerhalb der Vorlage bleibt [Name der Kommune] stehen." in md
    # ~ leaves a standard placeholder to the reader.
    yml.write_text(yml.read_text(encoding="utf-8") + "  Name des Gremiums: ~\n", encoding="utf-8")
    md = kommune.check(root)[0].editions["musterstadt"].sheet("2.3").markdown
    assert "Einladung des Gremiums [Name des Gremiums]\n" in md and "[Name der Kommune]" not in md.split("Außer")[0]


ORT = '  "[Ort]"'


def test_placeholder_mapping_errors_name_the_line(project, tmp_path):
    root = municipal(tmp_path / "mst", template_package(project), "2026-1")
    mapping = (
        '  Polizeidienststelle: var.polizie\n  Datum: heute\n  "[Ort]": kommune\n'
        "  Telefon: var.telefon\n  Name des Gremiums: gremium\n  Polizeidienstelle: var.vorsitz\n"
    )
    yml = with_values(root, "  polizei: Revier\n  telefon: '[0]'\n", mapping)
    result, m = kommune.check(root)
    assert [p.format() for p in result.problems] == [
        f"kommune.yml:{line_of(yml, '  Polizeidienststelle:')}: Der Platzhalter „[Polizeidienststelle]“ nennt die "
        "Variable „polizie“, die es unter „variablen“ nicht gibt. Meinten Sie „polizei“?",
        f"kommune.yml:{line_of(yml, '  Datum:')}: Der Platzhalter „[Datum]“ nennt „heute“; erlaubt sind „kommune“, "
        "„gremium“ oder „var.<name>“ (eine Angabe unter „variablen“).",
        f"kommune.yml:{line_of(yml, '  Telefon:')}: Der Wert für „[Telefon]“ (var.telefon) enthält eckige Klammern; "
        "in einer Vorlage sähe er wie ein Platzhalter aus. Bitte ohne eckige Klammern schreiben.",
    ]
    # Fixed, the binder builds; a placeholder that no template has is a hint, not an error.
    text = yml.read_text(encoding="utf-8")
    for old, new in (("var.polizie", "var.polizei"), ("  Datum: heute\n", ""), ("'[0]'", "'0351 000'")):
        text = text.replace(old, new)
    yml.write_text(text, encoding="utf-8")
    result, m = kommune.check(root)
    assert result.problems == []
    assert [f.format() for f in m.findings] == [
        f"kommune.yml:{line_of(yml, ORT)}: Hinweis: „platzhalter“ nennt „[Ort]“, aber keine Vorlage dieses "
        "Ordners hat diesen Platzhalter.",
        f"kommune.yml:{line_of(yml, '  Telefon:')}: Hinweis: „platzhalter“ nennt „[Telefon]“, aber keine Vorlage "
        "dieses Ordners hat diesen Platzhalter.",
        f"kommune.yml:{line_of(yml, '  Polizeidienstelle:')}: Hinweis: „platzhalter“ nennt „[Polizeidienstelle]“, aber keine Vorlage dieses "
        "Ordners hat diesen Platzhalter. Meinten Sie „[Polizeidienststelle]“?",
    ]


def test_municipal_binder_chooses_its_print_mode(delivered, tmp_path):
    """«druck» in kommune.yml as in ausgabe.yml: a municipality prints its own binder double-sided."""
    data = sn_package(delivered, "2026-1")
    root = municipal(tmp_path / "mst", data, "2026-1")
    result, _ = kommune.check(root)
    assert result.problems == [] and not result.editions["musterstadt"].definition.duplex
    root = municipal(tmp_path / "mst", data, "2026-1", extra="druck: beidseitig")
    result, _ = kommune.check(root)
    assert result.problems == [] and result.editions["musterstadt"].definition.duplex
    root = municipal(tmp_path / "mst", data, "2026-1", extra="druck: doppelt")
    result, _ = kommune.check(root)
    assert [p.format() for p in result.problems] == [
        "kommune.yml:8: „druck“ ist „einseitig“ oder „beidseitig“, nicht „doppelt“."
    ]
