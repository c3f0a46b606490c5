"""`loseblatt kommune neu / aktualisieren / geprueft` on the fixture binder's sn packages."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from loseblatt.cli import main
from loseblatt.core import kommune
from loseblatt.core.package import write_packages
from mkdocs.utils import yaml_load
from test_packages import change_2_3, record_delivery

MAIN_MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"

L22 = """
---
blatt: "L2.2"
titel: Unsere Geschäftsordnung
fassung: 1
stand: 2026-12
geprueft: "2026-1"
---
Wir folgen [[2.3]] und [[2.10]].
"""


def _search_and_palette(mkdocs_yml: Path) -> tuple:
    config = yaml_load(mkdocs_yml.read_text(encoding="utf-8"))
    search = next(p["search"] for p in config["plugins"] if isinstance(p, dict) and "search" in p)
    return search, config["theme"]["palette"]


def publish(project, out):
    result = project.check()
    write_packages(result.editions["sn"], result.binder, result.snapshots, result.withdrawals, out)
    return out / "pakete"


def test_scaffold_update_and_confirm(project, tmp_path, capsys):
    record_delivery(project, "2026-1", "2026-11-20")
    packages = publish(project, tmp_path / "land" / "sn")
    mst = tmp_path / "mst"
    args = ["kommune", "neu", "--land", "sn", "--name", "Musterstadt", "--datei", str(packages / "2026-1.zip")]
    assert main([*args, "--ziel", str(mst)]) == 0
    for rel in ("kommune.yml", "mkdocs.yml", "Makefile", "README.md", ".github/workflows/ordner.yml",
                "requirements.txt", "docs/index.md", "blaetter/L2-1-gruendung.md", "paket/sn-2026-1.zip"):  # fmt: skip
        assert (mst / rel).is_file(), rel
    assert (
        "loseblatt @ git+https://github.com/kommune-beugt-vor/kommune-beugt-vor@v"
        in (mst / "requirements.txt").read_text()
    )
    assert "binder_dir: blaetter" in (mst / "mkdocs.yml").read_text()
    # The municipal site searches like the state edition's (German stems in the index, which the
    # search worker expects) and has one palette, not an invisible palette switch.
    assert _search_and_palette(mst / "mkdocs.yml") == _search_and_palette(MAIN_MKDOCS_YML)
    assert 'lieferung: "2026-1"' in (mst / "kommune.yml").read_text()
    # A second scaffold into the same folder is refused.
    assert main([*args, "--ziel", str(mst)]) == 2
    (mst / "blaetter" / "go.md").write_text(textwrap.dedent(L22).lstrip(), encoding="utf-8")
    assert kommune.check(mst)[1].findings == []
    assert main(["kommune", "lieferung", "--ordner", str(mst), "--datum", "2026-12-01"]) == 0
    assert (mst / "lieferungen" / "2026-1.json").is_file()
    assert main(["kommune", "lieferung", "--ordner", str(mst)]) == 2  # the same name again

    change_2_3(project)
    record_delivery(project, "2027-1", "2027-02-10")
    publish(project, tmp_path / "land" / "sn")
    capsys.readouterr()
    update = ["kommune", "aktualisieren", "--ordner", str(mst), "--datum", "2027-02-15"]
    assert main([*update, "--datei", str(packages / "2027-1.zip")]) == 0
    out = capsys.readouterr().out
    assert "# Lieferung 2027-1 der Ausgabe Sachsen für Musterstadt" in out
    assert "Bisher: Lieferung 2026-1 vom 20.11.2026. Jetzt: Lieferung 2027-1 vom 10.2.2027." in out
    assert (
        "| Blatt 2.3, Fassung 3/1 (–) | Blatt 2.3, Fassung 9/1 (–) | Register 2 (Gremiengründung), hinter Blatt 2.2 |"
        in out
    ), out
    assert "- Blatt 2.3: Beschlussfähigkeit ergänzt" in out
    assert (
        "- Blatt L2.2 verweist auf Blatt 2.3, das mit Lieferung 2027-1 geändert wurde (Grund: "
        "Beschlussfähigkeit ergänzt). Bitte prüfen. (blaetter/go.md, Zeile 8)" in out
    )
    assert (mst / "berichte" / "2027-1.md").read_text(encoding="utf-8") in out
    # The state's sheets are not all a paper binder needs: the report points to the own supplement.
    assert "## Ausdrucken" in out and "nach `site/musterstadt/lieferungen/2027-1.pdf`." in out
    yml = (mst / "kommune.yml").read_text()
    assert (
        'lieferung: "2027-1"' in yml
        and "sha256: "
        + kommune.load_pinned(kommune.load_kommune_def(mst, kommune.Problems(mst)), kommune.Problems(mst)).sha256
        in yml
    )
    assert not (mst / "paket" / "sn-2026-1.zip").exists() and (mst / "paket" / "sn-2027-1.zip").is_file()
    snap = json.loads((mst / "lieferungen" / "2027-1.json").read_text())
    assert {s["blatt"] for s in snap["ausgaben"]["musterstadt"]["blaetter"]} >= {"2.3", "L2.1", "L2.2"}
    # Confirming the review clears the warning.
    assert main(["kommune", "geprueft", "L2.2", "--ordner", str(mst)]) == 0
    assert 'geprueft: "2027-1"' in (mst / "blaetter" / "go.md").read_text()
    assert kommune.check(mst)[1].findings == []
    assert main(["kommune", "geprueft", "L9.9", "--ordner", str(mst)]) == 1


def test_reference_to_a_withdrawn_sheet_is_an_error(project, tmp_path, capsys):
    record_delivery(project, "2026-1", "2026-11-20")
    packages = publish(project, tmp_path / "land" / "sn")
    mst = tmp_path / "mst"
    assert main(["kommune", "neu", "--land", "sn", "--name", "Musterstadt", "--datei",
                 str(packages / "2026-1.zip"), "--ziel", str(mst)]) == 0  # fmt: skip
    (mst / "blaetter" / "go.md").write_text(textwrap.dedent(L22).lstrip(), encoding="utf-8")
    (project.binder / "02-gremiengruendung" / "blatt-10.md").unlink()
    project.edit("binder/01-grundlagen/warum.md", " und [[2.10]].", ".")
    project.edit(
        "binder/01-grundlagen/warum.md",
        "fassung: 1\nstand: 2026-10",
        "fassung: 2\nstand: 2027-03\naenderung: redaktionell\ngrund: Verweis",
    )
    project.write("binder/entfallen.yml", '- blatt: "2.10"\n  grund: In Blatt 2.3 aufgegangen\n  stand: 2027-03\n')
    record_delivery(project, "2027-1", "2027-03-01")
    publish(project, tmp_path / "land" / "sn")
    capsys.readouterr()
    rc = main(["kommune", "aktualisieren", "--ordner", str(mst), "--datei", str(packages / "2027-1.zip")])
    captured = capsys.readouterr()
    assert rc == 1
    assert "| Blatt 2.10, Fassung 10 (–) | – (entfällt ersatzlos) | – |" in captured.out, captured.out
    assert (
        "- **Fehler:** Blatt L2.2 verweist auf Blatt 2.10, das entfallen ist (Grund: In Blatt 2.3 aufgegangen). "
        "Bitte den Verweis entfernen oder ändern. (blaetter/go.md, Zeile 8)" in captured.out
    )
    assert "blaetter/go.md:8: Blatt L2.2 verweist auf Blatt 2.10, das entfallen ist" in captured.out
    assert not (mst / "lieferungen" / "2027-1.json").exists()  # recorded once the error is fixed


def test_update_fetches_from_the_state_edition_address(project, tmp_path, capsys):
    """The one network step: index.json names the package and its checksum (here a local server)."""
    import functools
    import http.server
    import threading

    record_delivery(project, "2026-1", "2026-11-20")
    site = tmp_path / "land"
    publish(project, site / "sn")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        quelle = f"http://127.0.0.1:{server.server_address[1]}/sn/"
        mst = tmp_path / "mst"
        assert main(["kommune", "neu", "--land", "sn", "--name", "Musterstadt", "--quelle", quelle,
                     "--ziel", str(mst)]) == 0  # fmt: skip
        assert f'quelle: "{quelle}"' in (mst / "kommune.yml").read_text()
        change_2_3(project)
        record_delivery(project, "2027-1", "2027-02-10")
        publish(project, site / "sn")
        assert main(["kommune", "aktualisieren", "--ordner", str(mst)]) == 0
        assert 'lieferung: "2027-1"' in (mst / "kommune.yml").read_text()
        # A package that does not match index.json's checksum is refused; nothing is pinned.
        (site / "sn" / "pakete" / "2026-1.zip").write_bytes((site / "sn" / "pakete" / "2027-1.zip").read_bytes())
        capsys.readouterr()
        assert main(["kommune", "aktualisieren", "2026-1", "--ordner", str(mst)]) == 1
        assert "Die Prüfsumme des Pakets 2026-1.zip stimmt nicht mit index.json überein." in capsys.readouterr().err
        assert main(["kommune", "aktualisieren", "2030-1", "--ordner", str(mst)]) == 1
        assert "Die Lieferung 2030-1 gibt es unter" in capsys.readouterr().err
    finally:
        server.shutdown()


def test_binder_commands_in_a_municipal_folder_say_so_without_traceback(tmp_path, monkeypatch, capsys):
    from loseblatt.cli import main as cli_main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "kommune.yml").write_text("kommune: Musterstadt\n", encoding="utf-8")
    for command in (["diff", "2026-1"], ["check"], ["statistik"]):
        assert cli_main(command) == 2
        err = capsys.readouterr().err
        assert "„binder“" in err and "loseblatt kommune" in err, err
