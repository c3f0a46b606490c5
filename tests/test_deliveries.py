"""Deliveries as scenarios: record, integrity checks, supplements, revision marks, diff."""

from __future__ import annotations

import json
import subprocess

import pytest
from loseblatt.core.revisions import changed_blocks, mark
from pypdf import PdfReader


def messages(project):
    return [p.format() for p in project.check().problems]


SHEET = "binder/02-gremiengruendung/blatt-2.md"
NEW_PARAGRAPH = "Text von Blatt 2.2. Zurück zu [[1.1]].\n\nNeu: Beschlüsse brauchen eine Mehrheit."


def raise_fassung(project, kind="inhaltlich"):
    project.edit(
        SHEET,
        "fassung: 2\nstand: 2026-03\naenderung: inhaltlich\ngrund: Abschnitt ergänzt",
        f"fassung: 3\nstand: 2026-12\naenderung: {kind}\ngrund: Mehrheitsregel ergänzt",
    )


@pytest.mark.slow  # records deliveries through the CLI
def test_record_snapshot(project):
    data = project.record("2026-1", "2026-11-20")
    assert data["lieferung"] == "2026-1" and data["datum"] == "2026-11-20"
    sn = {s["blatt"]: s for s in data["ausgaben"]["sn"]["blaetter"]}
    assert set(sn) == {"1.1", "1.51", "2.1", "2.2", "2.3", "2.10"}
    s = sn["2.3"]
    assert (s["fassung"], s["fassung_ergaenzung"], s["stand"], s["seiten"]) == (3, 1, "2026-12", 1)
    assert "Hinweise für Sachsen" in data["quellen"][s["quelle"]]
    assert data["einheiten"]["bund:2.2"]["fassung"] == 2
    # Recording twice under an older or equal name is refused.
    assert project.cli("lieferung", "2026-1").returncode == 2


def test_recording_refuses_while_check_fails(project):
    project.write(
        "binder/01-grundlagen/x.md", '---\nblatt: "1.9"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\n[[8.8]]\n'
    )
    proc = project.cli("lieferung", "2026-1")
    assert proc.returncode == 1 and "nicht aufgezeichnet" in proc.stderr
    assert not (project.binder / "lieferungen").exists()


@pytest.mark.slow  # records deliveries through the CLI
def test_change_without_new_fassung_fails_then_passes(project):
    project.record("2026-1", "2026-11-20")
    project.edit(SHEET, "Text von Blatt 2.2. Zurück zu [[1.1]].", NEW_PARAGRAPH)
    assert messages(project) == [
        f"{SHEET}:4: Blatt 2.2 wurde seit der Lieferung 2026-1 geändert, aber „fassung“ ist "
        "noch 2: bitte auf 3 erhöhen, „stand“ anpassen und „aenderung“ und „grund“ angeben."
    ]
    project.edit(SHEET, "fassung: 2\nstand: 2026-03", "fassung: 3\nstand: 2026-03")
    assert any(m.startswith(f"{SHEET}:5:") and "„stand“ ist noch 2026-03" in m for m in messages(project))
    raise_fassung_after_edit = "fassung: 3\nstand: 2026-12"
    project.edit(SHEET, "fassung: 3\nstand: 2026-03", raise_fassung_after_edit)
    assert messages(project) == []


@pytest.mark.slow  # records deliveries through the CLI
def test_fassung_must_not_go_down_and_needs_reason(project):
    project.record("2026-1", "2026-11-20")
    project.edit(SHEET, "fassung: 2", "fassung: 1")
    assert any("sinkt von 2" in m for m in messages(project))
    project.edit(SHEET, "fassung: 1", "fassung: 3")
    project.edit(SHEET, "grund: Abschnitt ergänzt\n", "")
    assert f"{SHEET}:4: Ab Fassung 2 braucht ein Blatt „grund“: den Grund der Änderung in einem Satz." in messages(
        project
    )


@pytest.mark.slow
def test_supplement_lists_exactly_the_changed_sheet(project):
    project.record("2026-1", "2026-11-20")
    project.edit(SHEET, "Text von Blatt 2.2. Zurück zu [[1.1]].", NEW_PARAGRAPH)
    raise_fassung(project)
    project.record("2026-2", "2026-12-01")
    project.build(env={"LOSEBLATT_PDF": "1"})
    for code in ("bund", "sn"):
        pdf = PdfReader(project.site / code / "lieferungen/2026-2.pdf")
        text = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Blatt 2.2, Fassung 2 (1 Seite)" in text and "Blatt 2.2, Fassung 3 (1 Seite)" in text
        assert "Mehrheitsregel ergänzt" in text
        # The whole tree, nested items included: no bookmarks copied from the parts.
        # «Deckblatt und Inhalt» names the last delivery: it comes with every delivery.
        assert [o if isinstance(o, list) else o.title for o in pdf.outline] == [
            "Ablageanweisung",
            "Deckblatt und Inhalt",
            "Blatt 2.2 – Thema 2",
        ]
        html = project.html(f"{code}/lieferungen/2026-2/index.html")
        assert "<td>Blatt 2.2, Fassung 2 (1 Seite)</td>" in html and "<td>Blatt 2.2, Fassung 3 (1 Seite)</td>" in html
        assert html.count("<tr>") == 3  # header, «Deckblatt und Inhalt», one sheet
    neu = project.html("sn/neu/index.html")
    assert "Lieferung 2026-2 vom 1.12.2026" in neu and "Fassung 2 → 3" in neu and "Mehrheitsregel ergänzt" in neu
    # Revision marks: only the new paragraph, on the web and in print.
    page = project.html("sn/02-gremiengruendung/blatt-2-2/index.html")
    assert page.count('class="lb-geaendert"') == 1
    marked = page.split('class="lb-geaendert"')[1].split("</div>")[0]
    assert "Beschlüsse brauchen eine Mehrheit" in marked and "Geändert in dieser Fassung:" in marked
    assert "Text von Blatt 2.2" not in marked


@pytest.mark.slow
def test_state_sheet_change_only_in_its_edition_and_empty_edition_says_so(project):
    project.record("2026-1", "2026-11-20")
    project.edit(
        "binder/laender/sn/asskomm.md",
        "fassung: 1\nstand: 2026-11",
        "fassung: 2\nstand: 2026-12\naenderung: redaktionell\ngrund: Tippfehler",
    )
    project.edit("binder/laender/sn/asskomm.md", "Die Allianz", "Die sächsische Allianz")
    project.record("2026-2", "2026-12-01")
    project.build(env={"LOSEBLATT_PDF": "1"})
    assert (project.site / "sn/lieferungen/2026-2.pdf").is_file()
    assert not (project.site / "bund/lieferungen/2026-2.pdf").exists()
    assert "keine Änderungen" in project.html("bund/lieferungen/2026-2/index.html")
    # redaktionell: no marks.
    assert "lb-geaendert" not in project.html("sn/01-grundlagen/blatt-1-51/index.html")


@pytest.mark.slow  # records deliveries through the CLI
def test_withdrawn_sheet_must_be_listed(project):
    project.record("2026-1", "2026-11-20")
    (project.binder / "02-gremiengruendung/blatt-9.md").unlink()
    msgs = messages(project)
    assert any(m.startswith("binder/entfallen.yml:1: Blatt 2.9") and "[Ausgabe bund]" in m for m in msgs), msgs
    project.write("binder/entfallen.yml", '- blatt: "2.9"\n  grund: In Blatt 2.3 aufgegangen\n  stand: 2026-12\n')
    assert any("„ohne“ nennt Blatt 2.9" in m for m in messages(project))  # sn's stale omission is named
    project.edit("binder/laender/sn/ausgabe.yml", 'ohne: ["2.9"]', "ohne: []")
    assert messages(project) == []
    data = project.record("2026-2", "2026-12-01")
    assert "2.9" not in {s["blatt"] for s in data["ausgaben"]["bund"]["blaetter"]}
    diff = project.cli("diff", "2026-1")
    assert "#### Entfallene Blätter" in diff.stdout
    assert "- Blatt 2.9 – Thema 9 (zuletzt Fassung 9): In Blatt 2.3 aufgegangen" in diff.stdout
    assert "Ausgabe Sachsen" not in diff.stdout  # sn never had 2.9


def test_diff_against_git_ref(project, tmp_path):
    def git(*a):
        return subprocess.run(["git", *a], cwd=project.path, capture_output=True, text=True, check=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=T", "add", "-A")
    git("-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-qm", "start")
    project.write(
        "binder/laender/sn/neu.md",
        '---\nblatt: "2.52"\ntitel: Neu in Sachsen\nfassung: 1\nstand: 2026-12\n---\nText.\n',
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = project.cli("diff", "HEAD", env={"TMPDIR": str(scratch)}).stdout
    assert "### Ausgabe Sachsen (`sn`)" in out and "#### Neue Blätter" in out
    assert list(scratch.iterdir()) == []  # the unpacked old state is removed again
    assert "- Blatt 2.52 – Neu in Sachsen (Fassung 1, Stand" in out
    assert "Allgemeine Ausgabe" not in out and "1 von 2 Ausgaben betroffen." in out


def test_marks_only_changed_blocks():
    old = "Eins.\n\nZwei.\n\n- a\n- b\n\nDrei."
    new = "Eins.\n\nZwei, jetzt anders.\n\n- a\n- b\n\nDrei.\n\nVier."
    assert changed_blocks(old, new) == [1, 4]
    marked, n = mark(old, new)
    assert n == 2 and marked.startswith("Eins.")
    # Rendered with the site's extension: two marked containers, each with its text alternative.
    import markdown

    html = markdown.markdown(marked, extensions=["loseblatt.render.safe_markdown"])
    assert html.count('<div class="lb-geaendert">') == 2
    assert html.count('<p class="lb-sr">Geändert in dieser Fassung:</p>') == 2
    assert "%%%" not in html and "<p>Eins.</p>" in html


def test_every_sheet_to_put_in_says_where_it_goes():
    from loseblatt.core.deliveries import SheetRecord, compare
    from loseblatt.core.history import filing_rows

    def rec(blatt: str, fassung: int = 1, digest: str = "a") -> SheetRecord:
        return SheetRecord(
            blatt, f"Titel {blatt}", fassung, "2027-01", int(blatt.split(".", maxsplit=1)[0]), "R", digest, "", 1
        )

    before = {b: rec(b) for b in ("8.1", "8.51", "9.1")}
    after = {**before, "8.52": rec("8.52"), "8.53": rec("8.53"), "7.1": rec("7.1"), "8.1": rec("8.1", 2, "b")}
    rows = dict(filing_rows(compare(before, after, [], "sn")))
    put_in = [put for _, put in filing_rows(compare(before, after, [], "sn"))]
    assert "Blatt 7.1, Fassung 1 (1 Seite) – am Anfang von Register 7, hinter dem Registerblatt" in put_in
    assert "Blatt 8.52, Fassung 1 (1 Seite) – hinter Blatt 8.51" in put_in
    assert "Blatt 8.53, Fassung 1 (1 Seite) – hinter Blatt 8.52" in put_in
    assert rows["Blatt 8.1, Fassung 1 (1 Seite)"] == "Blatt 8.1, Fassung 2 (1 Seite)"  # replaces the page taken out


@pytest.mark.slow  # records deliveries through the CLI
def test_snapshot_from_before_the_core_stopped_writing_class_names_reads_in_todays_form(project):
    """Snapshots of 0.2 carry «{: .lb-verweis data-blatt=…}»; they are read in today's form, so a
    comparison of Fassungen shows no change where none was made, and the hashes follow."""
    from loseblatt.core.assemble import sheet_source
    from loseblatt.core.deliveries import load_snapshots, text_hash
    from loseblatt.core.problems import Problems

    path = project.binder / "lieferungen" / "2026-1.json"
    project.record("2026-1", "2026-11-20")
    today = load_snapshots(project.binder, Problems(project.path))[0]
    data = json.loads(path.read_text())
    old = {k: t.replace("{: data-blatt=", "{: .lb-verweis data-blatt=") for k, t in data["quellen"].items()}
    assert old != data["quellen"], "the fixture's sheets must contain Blattverweise"
    for ed in data["ausgaben"].values():
        for s in ed["blaetter"]:
            label = f"{s['fassung']}/{s['fassung_ergaenzung']}" if s.get("fassung_ergaenzung") else str(s["fassung"])
            s["sha256"] = text_hash(sheet_source(s["blatt"], s["titel"], label, s["stand"], old[s["quelle"]]))
    data["quellen"] = old
    path.write_text(json.dumps(data, ensure_ascii=False))
    problems = Problems(project.path)
    read = load_snapshots(project.binder, problems)[0]
    assert not problems
    assert read.editions == today.editions
    assert messages(project) == []


def test_deliveries_and_the_glossary_are_read_once_per_text(project, monkeypatch):
    """Under `mkdocs serve` every check read each delivery and the glossary again. Now a text is
    parsed once (core/check_memo.py): the next check of the same texts reads nothing again and
    reports the same, a changed text is read anew, and a damaged delivery is still reported."""
    from loseblatt.core import check_memo, deliveries, frontmatter
    from loseblatt.core.problems import Problems

    project.record("2026-1", "2026-11-20")
    project.write("binder/glossar.yml", "- begriff: KKP\n  erklaerung: Kommunale Kriminalprävention.\n")
    check_memo.forget_unused()  # twice: nothing asked for in between, so the memos are empty
    check_memo.forget_unused()
    parsed: list[str] = []
    for memo in (deliveries._snapshot, frontmatter._yaml_list):
        monkeypatch.setattr(memo, "fn", lambda *a, fn=memo.fn, name=memo.__name__: parsed.append(name) or fn(*a))

    def read():
        problems = Problems(project.path)
        snaps = deliveries.load_snapshots(project.binder, problems)
        from loseblatt.core.glossary import load_glossary

        terms = load_glossary(project.binder, problems)
        return snaps, terms, [p.format() for p in problems.sorted()]

    first = read()
    assert sorted(parsed) == ["_snapshot", "_yaml_list"]
    parsed.clear()
    again = read()
    assert parsed == [] and again[0][0].editions == first[0][0].editions and again[1:] == first[1:]
    assert again[0][0] is not first[0][0]  # each check gets its own copy
    glossary = project.binder / "glossar.yml"
    glossary.write_text(glossary.read_text() + "- begriff: Testbegriff\n  erklaerung: Zum Testen.\n")
    path = project.binder / "lieferungen" / "2026-1.json"
    path.write_text(path.read_text().replace('"lieferung"', '"lieferung_"', 1))
    snaps, terms, msgs = read()
    assert sorted(parsed) == ["_snapshot", "_yaml_list"] and snaps == []
    assert any(t.begriff == "Testbegriff" for t in terms)
    assert any("2026-1.json:1: Die Lieferung ist beschädigt" in m and "Angabe 'lieferung' fehlt" in m for m in msgs), (
        msgs
    )
