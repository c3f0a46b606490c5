"""Under `mkdocs serve`, a failed check shows every problem in the browser, and the page comes back
by itself once the problem is fixed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from loseblatt.core.problems import Problem
from loseblatt.render.error_page import error_page, existing_pages, fix_for, write_error_site

# `make bilder` sets this to docs/bilder: the screenshots of «Mitmachen» come from these tests.
SCREENSHOTS = os.environ.get("LOSEBLATT_BILDER")


def test_error_page_lists_every_problem_escaped_with_fixes():
    problems = [
        Problem("binder/02-x/a.md", 5, "„stand“ muss Jahr und Monat in der Form JJJJ-MM angeben, nicht „<b>“."),
        Problem("binder/laender/sn/b.md", 2, "Etwas ganz anderes.", "sn"),
    ]
    html = error_page(problems)
    assert "Die Prüfung hat 2 Fehler gefunden" in html and 'lang="de"' in html
    assert "binder/02-x/a.md, Zeile 5" in html and "binder/laender/sn/b.md, Zeile 2" in html and "(Ausgabe sn)" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert html.count("So beheben Sie es:") == 1 and "stand: 2026-11" in html
    assert "http" not in html.replace('http-equiv="refresh"', "")  # nothing from elsewhere
    assert fix_for("Blatt 2.3 wurde seit der Lieferung 2026-1 geändert, aber „fassung“ ist noch 2") is not None
    assert fix_for("Unbekanntes") is None


def test_error_site_takes_the_place_of_every_page(tmp_path):
    (tmp_path / "sn" / "02").mkdir(parents=True)
    (tmp_path / "sn" / "02" / "index.html").write_text("alt")
    (tmp_path / "404.html").write_text("alt")
    pages = existing_pages(tmp_path)
    shutil.rmtree(tmp_path)  # MkDocs cleans the site folder before writing
    write_error_site(tmp_path, [Problem("binder/x.md", 1, "Fehler.")], pages)
    for rel in ("sn/02/index.html", "index.html", "404.html"):
        assert "Die Prüfung hat 1 Fehler gefunden" in (tmp_path / rel).read_text(encoding="utf-8"), rel
    assert 'http-equiv="refresh"' in (tmp_path / "404.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in (tmp_path / "index.html").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 240) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} antwortet nicht")


@pytest.mark.slow
@pytest.mark.browser
def test_serve_shows_the_problems_and_recovers(tmp_path):
    from browser import chromium

    project = tmp_path / "projekt"
    project.mkdir()
    for name in ("binder", "docs"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    port = free_port()
    env = dict(
        os.environ,
        NO_MKDOCS_2_WARNING="1",
        LOSEBLATT_AUSGABE="sn",
        LOSEBLATT_PDF="0",
        LOSEBLATT_CACHE=str(tmp_path / "cache"),
    )
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sheet = project / "binder" / "02-gremiengruendung" / "geschaeftsordnung.md"
    original = sheet.read_text(encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/sn/02-gremiengruendung/blatt-2-3/")
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.goto(f"{base}/sn/02-gremiengruendung/blatt-2-3/")
            assert "Geschäftsordnung" in page.title()
            assert (
                page.get_by_role("link", name="Bearbeiten")
                .get_attribute("href", timeout=5000)
                .endswith("/edit/main/binder/02-gremiengruendung/geschaeftsordnung.md")
            )
            if SCREENSHOTS:
                page.screenshot(
                    path=str(Path(SCREENSHOTS) / "bearbeiten.png"), clip={"x": 0, "y": 0, "width": 1000, "height": 300}
                )
            # A delivered sheet changed without a raised Fassung, and a broken Stand.
            broken = original.replace("\nstand: ", "\nstand: 11/", 1)
            assert broken != original
            sheet.write_text(broken + "\nEin neuer Satz.\n", encoding="utf-8")
            page.wait_for_function("document.title.includes('Fehler im Ordner')", timeout=120_000)
            text = page.inner_text("body")
            assert "binder/02-gremiengruendung/geschaeftsordnung.md, Zeile" in text
            assert "„stand“ muss Jahr und Monat" in text and "So beheben Sie es:" in text
            if SCREENSHOTS:
                page.screenshot(path=str(Path(SCREENSHOTS) / "vorschau-fehler.png"))
            # Fixed: the same address shows the sheet again, without the editor reloading.
            sheet.write_text(original, encoding="utf-8")
            page.wait_for_function("document.title.includes('Geschäftsordnung')", timeout=120_000)
            assert "Prüfung" not in page.inner_text("h1")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    assert "„stand“ muss Jahr und Monat" in (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert not Path(project / "site").exists()
