"""Every kind of bad content gives a German message with the right file and line, all at once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


def messages(project) -> list[str]:
    return [p.format() for p in project.check().problems]


def only(project, fragment: str) -> str:
    found = [m for m in messages(project) if fragment in m]
    assert found, f"no message containing {fragment!r} in {messages(project)}"
    return found[0]


def test_fixture_is_clean(project):
    assert messages(project) == []


SHEET = "binder/02-gremiengruendung/neu.md"


@pytest.mark.parametrize(
    "front, line, fragment",
    [
        ('blatt: "2.4"\ntitel: [kaputt\nfassung: 1\nstand: 2026-11\n', 3, "YAML-Syntaxfehler"),
        ('blatt: "2.4"\nfassung: 1\nstand: 2026-11\n', 1, "Pflichtangabe „titel“ fehlt"),
        ('blatt: "2.4"\ntitel: X\nfasung: 1\nstand: 2026-11\n', 4, "Unbekannter Schlüssel „fasung“"),
        ('blatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-13\n', 5, "„stand“ muss Jahr und Monat"),
        ('blatt: "2.4"\ntitel: X\nfassung: 1\nstand: November 2026\n', 5, "„stand“ muss Jahr und Monat"),
        ('blatt: "2.4"\ntitel: X\nfassung: 0\nstand: 2026-11\n', 4, "„fassung“ muss eine ganze Zahl ab 1"),
        ('blatt: "2.4"\ntitel: X\nfassung: zwei\nstand: 2026-11\n', 4, "„fassung“ muss eine ganze Zahl ab 1"),
        ('blatt: "2.3"\ntitel: X\nfassung: 1\nstand: 2026-11\n', 2, "Blattnummer 2.3 ist doppelt vergeben"),
        ('blatt: "3.1"\ntitel: X\nfassung: 1\nstand: 2026-11\n', 2, "gehört zu Register 3"),
        ("blatt: zwei\ntitel: X\nfassung: 1\nstand: 2026-11\n", 2, "„blatt“ muss die Form Register.Nummer"),
    ],
)
def test_bad_front_matter(project, front, line, fragment):
    project.write(SHEET, f"---\n{front}---\nText.\n")
    msg = only(project, fragment)
    assert msg.startswith(f"{SHEET}:{line}: "), msg


def test_unquoted_id_is_read_as_written(project):
    # YAML would read 2.10 as the number 2.1; the loader must keep "2.10" (here: a duplicate).
    project.write(SHEET, "---\nblatt: 2.10\ntitel: X\nfassung: 1\nstand: 2026-11\n---\nText.\n")
    msg = only(project, "doppelt")
    assert "2.10" in msg and msg.startswith(f"{SHEET}:2:")


def test_unresolved_reference_names_line(project):
    project.write(SHEET, '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\nEins.\n\nSiehe [[7.7]].\n')
    msg = only(project, "[[7.7]]")
    assert msg.startswith(f"{SHEET}:9: ")


def test_empty_body(project):
    project.write(SHEET, '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\n\n   \n')
    assert only(project, "keinen Text").startswith(f"{SHEET}:7:")


def test_missing_front_matter_and_register_sheet(project):
    project.write(SHEET, "Nur Text.\n")
    (project.binder / "01-grundlagen" / "register.md").unlink()
    assert only(project, "Kopfbereich").startswith(f"{SHEET}:1:")
    assert only(project, "Registerblatt").startswith("binder/01-grundlagen/register.md:1:")


def test_all_problems_at_once(project):
    project.write("binder/02-gremiengruendung/a.md", '---\nblatt: "2.4"\ntitel: A\nfassung: 1\nstand: 2026-1\n---\nA\n')
    project.write(
        "binder/02-gremiengruendung/b.md", '---\nblatt: "2.5"\ntitle: B\nfassung: 1\nstand: 2026-11\n---\nB [[8.8]]\n'
    )
    project.write("binder/01-grundlagen/c.md", '---\nblatt: "1.2"\ntitel: C\nfassung: -1\nstand: 2026-11\n---\n\n')
    found = messages(project)
    assert any(m.startswith("binder/02-gremiengruendung/a.md:5:") for m in found)
    assert any(m.startswith("binder/02-gremiengruendung/b.md:3:") and "title" in m for m in found)
    assert any(m.startswith("binder/01-grundlagen/c.md:4:") for m in found)
    assert any(m.startswith("binder/01-grundlagen/c.md:7:") for m in found)


def run_cli(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "loseblatt.cli", "--binder", str(project.binder), "check", *args],
        cwd=project.path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.slow  # builds or runs the CLI in a subprocess
def test_cli_check_exit_codes_and_formats(project):
    ok = run_cli(project)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    project.write(SHEET, '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-11\nfoo: 1\n---\nText [[9.9]].\n')
    bad = run_cli(project)
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert f"{SHEET}:6: Unbekannter Schlüssel „foo“ im Blatt." in lines
    assert any(l.startswith(f"{SHEET}:8: Der Verweis [[9.9]]") for l in lines)
    assert "Traceback" not in bad.stdout + bad.stderr
    gh = run_cli(project, "--format", "github")
    assert f"::error file={SHEET},line=6::Unbekannter Schlüssel „foo“ im Blatt." in gh.stdout.splitlines()


def test_garbage_never_tracebacks(project):
    project.write(SHEET, "---\n: : :\n\t- [\n---\n")
    project.write("binder/laender/sn/ausgabe.yml", "- nur\n- eine Liste\n")
    project.write("binder/laender/xx/ausgabe.yml", "name: X\n")
    (project.binder / "01-grundlagen" / "kaputt.md").write_bytes(b"\xff\xfe\x00bad")
    proc = run_cli(project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "binder/01-grundlagen/kaputt.md:1: Die Datei ist nicht in UTF-8 gespeichert" in out
    assert "binder/laender/xx:1: „xx“ ist kein Länderkürzel" in out
    assert "binder/laender/sn/ausgabe.yml:1:" in out


@pytest.mark.slow  # builds or runs the CLI in a subprocess
def test_failed_build_reports_and_publishes_nothing(project):
    project.build()
    before = sorted(p.relative_to(project.site) for p in project.site.rglob("*"))
    project.write(SHEET, '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\nSiehe [[9.9]].\n')
    proc = project.build(check=False)
    assert proc.returncode != 0
    assert f"{SHEET}:7: Der Verweis [[9.9]]" in proc.stderr
    assert "Traceback" not in proc.stderr
    after = sorted(p.relative_to(project.site) for p in project.site.rglob("*"))
    assert before == after
    assert not list(project.path.glob(".site-*"))


def test_broken_glossary_and_withdrawals_lists(project):
    project.write("binder/glossar.yml", "- begriff: KKP\n  erklaerung: [kaputt\n- begriff: X\n")
    project.write("binder/entfallen.yml", "blatt: 2.9\n")
    msgs = [p.format() for p in project.check().problems]
    assert any(m.startswith("binder/glossar.yml:2: YAML-Syntaxfehler in dem Glossar") for m in msgs), msgs
    assert any(m.startswith("binder/entfallen.yml:1: „entfallen.yml“ ist eine Liste") for m in msgs), msgs
    project.write(
        "binder/glossar.yml",
        "- begriff: KKP\n  langform: Kommunale Kriminalprävention\n  erklaerung: Text.\n"
        "- begriff: kkp\n  erklaerung: doppelt\n- begriff: Y\n  erklaerun: Tippfehler\n",
    )
    msgs = [p.format() for p in project.check().problems]
    assert "binder/glossar.yml:4: Der Begriff „kkp“ steht doppelt im Glossar." in msgs
    assert any(m.startswith("binder/glossar.yml:6: Unbekannter Schlüssel „erklaerun“") for m in msgs), msgs
