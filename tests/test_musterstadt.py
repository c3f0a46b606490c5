"""End to end: the main binder's sn package → the fictional Musterstadt's own binder (beispiele/).

Build the main binder (sn), scaffold Musterstadt from its package, add the example's three
sheets (one internal, one referring to 2.3, one with a checklist), build the public and the
internal binder; change 2.3 upstream, record a delivery, update Musterstadt and check the
report, the drift warning, the combined supplement and the public/internal split.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from loseblatt.cli import main
from loseblatt.core import pipeline
from loseblatt.core.deliveries import FOLDER, record
from loseblatt.core.package import write_packages

EXAMPLE = ROOT / "beispiele" / "musterstadt"
SECRET = ("Interne Erreichbarkeit", "Mitglieder und Erreichbarkeit")


def build(path, **env):
    run_env = dict(
        os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="0", LOSEBLATT_CACHE=str(ROOT / ".cache/loseblatt")
    )
    run_env.pop("LOSEBLATT_AUSGABE", None)
    run_env.pop("LOSEBLATT_INTERN", None)
    run_env.update(env)
    args = [sys.executable, "-m", "mkdocs", "build"]
    if "SITE" in env:
        args += ["-d", run_env.pop("SITE")]
    proc = subprocess.run(args, cwd=path, env=run_env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def texts(folder):
    """Every file of a built site as text; PDFs through pdftotext."""
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        if f.suffix == ".pdf":
            yield f, subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True).stdout
        elif f.suffix == ".gz":
            import gzip

            yield f, gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
        else:
            yield f, f.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def musterstadt(tmp_path_factory):
    """The whole story once per module; returns (the municipal binder's folder, the update report)."""
    tmp_path = tmp_path_factory.mktemp("musterstadt")
    main_dir = tmp_path / "hauptordner"
    for name in ("binder", "docs"):
        shutil.copytree(ROOT / name, main_dir / name)
    shutil.copy(ROOT / "mkdocs.yml", main_dir / "mkdocs.yml")
    build(main_dir, LOSEBLATT_AUSGABE="sn")
    package = main_dir / "site" / "sn" / "pakete" / "aktuell.zip"
    index = json.loads((main_dir / "site" / "sn" / "pakete" / "index.json").read_text())
    first = index["aktuell"]

    mst = tmp_path / "musterstadt"
    gremium = "Kommunaler Präventionsrat Musterstadt"
    assert main(["kommune", "neu", "--land", "sn", "--name", "Musterstadt", "--gremium", gremium,
                 "--datei", str(package), "--ziel", str(mst)]) == 0  # fmt: skip
    (mst / "blaetter" / "L2-1-gruendung.md").unlink()  # the scaffold's example; ours replace it
    for f in (EXAMPLE / "blaetter").glob("*.md"):
        shutil.copy(f, mst / "blaetter" / f.name)
    assert main(["kommune", "geprueft", "L2.1", "--ordner", str(mst)]) == 0
    # Musterstadt's police station fills the state's templates too (core/platzhalter.py).
    yml = mst / "kommune.yml"
    text = yml.read_text(encoding="utf-8").replace(
        "variablen:\n", "variablen:\n  polizei: Polizeiinspektion Musterstadt\n"
    )
    yml.write_text(text + "platzhalter:\n  Polizeidienststelle: var.polizei\n", encoding="utf-8")
    assert main(["kommune", "lieferung", "--ordner", str(mst), "--datum", "2026-12-01"]) == 0

    # Upstream: sheet 2.3 changes, a delivery is recorded, the edition's packages are published.
    sheet = next(p for p in (main_dir / "binder").rglob("*.md") if 'blatt: "2.3"' in p.read_text(encoding="utf-8"))
    head, body = sheet.read_text(encoding="utf-8").split("\n---\n", 1)
    keep = [ln for ln in head.split("\n") if not ln.startswith(("fassung:", "stand:", "aenderung:", "grund:"))]
    fassung = int(next(ln for ln in head.split("\n") if ln.startswith("fassung:")).split(":")[1])
    head = (
        "\n".join(keep)
        + f"\nfassung: {fassung + 1}\nstand: 2027-01\naenderung: inhaltlich\ngrund: Beschlussfähigkeit ergänzt"
    )
    sheet.write_text(head + "\n---\n" + body.rstrip() + "\n\nBeschlussfähig ist das Gremium, wenn die Hälfte da ist.\n")
    result = pipeline.check(main_dir / "binder", main_dir)
    assert not result.problems, [p.format() for p in result.problems]
    data = record("2027-1", "2027-01-20", result.binder, result.editions, {})
    (main_dir / "binder" / FOLDER / "2027-1.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    )
    result = pipeline.check(main_dir / "binder", main_dir, only=["sn"])
    write_packages(result.editions["sn"], result.binder, result.snapshots, result.withdrawals, tmp_path / "neu")

    # Musterstadt changes its checklist sheet too: the combined supplement carries both.
    l41 = mst / "blaetter" / "L4-1-handlungsplan.md"
    l41.write_text(
        l41.read_text(encoding="utf-8")
        .replace(
            "fassung: 1\nstand: 2026-11", "fassung: 2\nstand: 2027-01\naenderung: inhaltlich\ngrund: Zeitplan ergänzt"
        )
        .rstrip()
        + "\n    - [ ] Zeitplan im Gremium abstimmen {#zeitplan}\n",
        encoding="utf-8",
    )
    update = ["kommune", "aktualisieren", "--ordner", str(mst), "--datum", "2027-01-25"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*update, "--datei", str(tmp_path / "neu" / "pakete" / "2027-1.zip")]) == 0
    build(mst, LOSEBLATT_PDF="1")
    build(mst, LOSEBLATT_PDF="1", LOSEBLATT_INTERN="1", SITE=str(mst / "site-intern"))
    return mst, first, out.getvalue()


@pytest.mark.slow  # builds the sn edition and the municipal binder three times, with PDFs
def test_musterstadt_end_to_end(musterstadt):
    mst, first, report = musterstadt
    assert f"Bisher: Lieferung {first}" in report and "Jetzt: Lieferung 2027-1 vom 20.1.2027." in report
    assert "Register 2 (Gremiengründung), hinter Blatt 2.2 |" in report, report
    assert "- Blatt 2.3: Beschlussfähigkeit ergänzt" in report
    assert (
        "- Blatt L2.1 verweist auf Blatt 2.3, das mit Lieferung 2027-1 geändert wurde (Grund: "
        "Beschlussfähigkeit ergänzt). Bitte prüfen. (blaetter/L2-1-gruendungsbeschluss.md, Zeile 12)" in report
    ), report
    assert (mst / "lieferungen" / "2027-1.json").is_file()
    public, internal = mst / "site" / "musterstadt", mst / "site-intern" / "musterstadt"

    # Own sheets after the state's in their register, in the navigation and the manifest.
    manifest = json.loads((public / "manifest.json").read_text())
    reg2 = [e["blatt"] for e in manifest["blaetter"] if e["register"] == 2]
    assert reg2[-1] == "L2.1" and "L2.2" not in reg2
    assert [e["blatt"] for e in manifest["blaetter"] if e["register"] == 4][-1] == "L4.1"
    page = (public / "02-gremiengruendung" / "blatt-L2-1" / "index.html").read_text()
    assert "Kommunaler Präventionsrat Musterstadt" in page and "Blatt 2.3" in page
    # The checklist of the own sheet is on the checklist pages; the running header names Musterstadt.
    assert "Handlungsplan beschließen" in (public / "checklisten" / "index.html").read_text()
    pdf_text = subprocess.run(
        ["pdftotext", str(public / "pdf" / "blatt-L4-1.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Musterstadt – Ausgabe Sachsen" in pdf_text and "Zeitplan im Gremium abstimmen" in pdf_text

    # The state's templates with Musterstadt's values, on the web page and in the files; what
    # has no value stays highlighted.
    from docx import Document

    page = (public / "09-arbeitshilfen" / "blatt-9-3" / "index.html").read_text()
    block = page.split('<div class="highlight lb-vorlage-text"><pre><code>', 1)[1].split("</code>")[0]
    assert "des Gremiums „Kommunaler Präventionsrat Musterstadt“" in block
    assert "Der Leitung der Polizeiinspektion Musterstadt wird" in block
    assert '<mark class="lb-platzhalter">[Datum]</mark>' in block and "[Name des Gremiums]" not in block
    doc = "\n".join(p.text for p in Document(public / "vorlagen" / "9-3-gruendungsbeschluss.docx").paragraphs)
    assert "Kommunaler Präventionsrat Musterstadt" in doc and "[Polizeidienststelle]" not in doc and "[Datum]" in doc

    # Keyword index, list of valid sheets and «Was ist neu» cover own sheets too.
    assert "Handlungsplan" in (public / "stichwortverzeichnis" / "index.html").read_text()
    assert "L4.1" in (public / "verzeichnis" / "index.html").read_text()
    assert "L4.1" in (public / "neu" / "index.html").read_text()
    # The combined supplement: the state's 2.3 and Musterstadt's L4.1.
    supplement = (public / "lieferungen" / "2027-1" / "index.html").read_text()
    assert "Blatt 2.3" in supplement and "Blatt L4.1" in supplement, supplement[:3000]
    supplement_pdf = next((public / "lieferungen").glob("*2027-1*.pdf"))
    text = subprocess.run(["pdftotext", str(supplement_pdf), "-"], capture_output=True, text=True).stdout
    assert "2.3" in text and "L4.1" in text

    # The internal sheet: in the internal build and its PDFs, nowhere in the public output.
    for f, content in texts(mst / "site"):
        for secret in SECRET:
            assert secret not in content, f"{secret!r} in {f}"
    assert (internal / "02-gremiengruendung" / "blatt-L2-2" / "index.html").is_file()
    edition_pdf = subprocess.run(
        ["pdftotext", str(internal / "pdf" / "kommune-beugt-vor-musterstadt.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Interne Erreichbarkeit" in edition_pdf
    assert "Interne Erreichbarkeit" in (internal / "search" / "search_index.json").read_text()


@pytest.mark.slow
@pytest.mark.browser
def test_musterstadt_in_the_browser(musterstadt):
    """The municipal site passes axe like the editions; search finds own sheets, not internal ones."""
    from browser import chromium, serve
    from test_site_browser import AXE, AXE_RUN, AXE_TAGS

    mst = musterstadt[0]
    failures: list[str] = []
    with serve(mst / "site") as url, chromium() as browser:
        page = browser.new_page()
        # The chooser page at the root is the main site's (test_site_browser checks it).
        for rel in ("musterstadt/", "musterstadt/02-gremiengruendung/", "musterstadt/02-gremiengruendung/blatt-L2-1/",
                    "musterstadt/04-strategie/blatt-L4-1/", "musterstadt/lieferungen/2027-1/",
                    "musterstadt/09-arbeitshilfen/blatt-9-3/"):  # fmt: skip
            page.goto(f"{url}/{rel}", wait_until="networkidle")
            page.add_script_tag(path=str(AXE))
            failures += [f"/{rel}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]

        def search(words: str) -> list[str]:
            page.goto(f"{url}/musterstadt/", wait_until="networkidle")
            query = page.locator("input[data-md-component='search-query']")
            query.click()
            query.press_sequentially(words, delay=10)
            page.locator(".md-search-result__meta").first.wait_for(timeout=15000)
            return page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")

        assert any("blatt-L4-1" in h for h in search("Handlungsplan beschließen"))
        assert not any("L2-2" in h for h in search("Erreichbarkeit Mitglieder"))
    assert failures == []
