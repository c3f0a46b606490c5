"""Finer revision marks (issue 17, requirement 6): inside code blocks (templates too), lists and
tables the bar covers only the changed lines, items and rows, on the web and in print."""

from __future__ import annotations

import subprocess

import markdown
import pytest
from conftest import FIXTURES, ROOT
from loseblatt.core.revisions import mark

EXTENSIONS = ["loseblatt.render.safe_markdown", "tables", "pymdownx.superfences", "pymdownx.tasklist", "attr_list"]

# A Mustergeschäftsordnung like sheet 2.3's: a long template block, one line added.
PARAGRAPHS = [f"§ {n} Regel {n}\n({n}) Das Gremium regelt Punkt {n} in dieser Geschäftsordnung." for n in range(1, 21)]
OLD_TEMPLATE = "Einleitung.\n\n```vorlage Mustergeschäftsordnung\n" + "\n\n".join(PARAGRAPHS) + "\n```\n\nSchluss.\n"
ADDED = "(3) Das Gremium ist beschlussfähig, wenn die Hälfte der Mitglieder anwesend ist."
NEW_TEMPLATE = OLD_TEMPLATE.replace(
    "Punkt 7 in dieser Geschäftsordnung.", "Punkt 7 in dieser Geschäftsordnung.\n" + ADDED
)


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def test_one_added_line_in_a_long_template_marks_that_line_only():
    marked, n = mark(OLD_TEMPLATE, NEW_TEMPLATE)
    assert n == 1 and "%%% geaendert\n" not in marked  # no container around the whole block
    html = html_of(marked)
    assert html.count('class="hll"') == 1
    assert f'<span class="hll">{ADDED}\n</span>' in html
    # Line 21 inside the block (7 paragraphs of two lines, 6 blank lines between, then the new line).
    assert '<p class="lb-sr">Geändert in dieser Fassung: Zeile 21 des folgenden Textblocks.</p>' in html
    assert "lb-geaendert" not in html and "%%%" not in html and "hl_lines" not in html


def test_plain_code_block_and_two_changed_lines():
    old = "```\n" + "\n".join(f"zeile {i}" for i in range(30)) + "\n```\n"
    new = old.replace("zeile 3\n", "zeile 3 neu\n").replace("zeile 20\n", "zeile 20 neu\n")
    html = html_of(mark(old, new)[0])
    assert html.count('class="hll"') == 2
    assert '<span class="hll">zeile 3 neu\n</span>' in html and '<span class="hll">zeile 20 neu\n</span>' in html
    assert "Zeilen 4 und 21 des folgenden Textblocks" in html
    new = old.replace("zeile 3\n", "zeile 3 neu\n").replace("zeile 5\n", "zeile 5 a\nzeile 5 b\nzeile 5 c\n")
    assert "Zeilen 4, 6 bis 8 und 23 des folgenden" in html_of(
        mark(old, new.replace("zeile 20\n", "zeile 20 neu\n"))[0]
    )


def test_new_block_is_marked_whole():
    # Nothing there before: the whole block is new, so the whole block is marked.
    html = html_of(mark("Eins.\n", "Eins.\n\n```\nneu\nauch neu\n```\n")[0])
    assert html.count('<div class="lb-geaendert">') == 1 and 'class="hll"' not in html


def test_one_changed_list_item_marks_that_item():
    items = [f"- Punkt {i} mit einem Satz." for i in range(12)]
    old = "Liste:\n\n" + "\n".join(items) + "\n"
    new = old.replace("- Punkt 5 mit einem Satz.", "- Punkt 5 mit einem **geänderten** Satz.")
    marked, n = mark(old, new)
    html = html_of(marked)
    assert n == 1 and 'lb-geaendert"' not in html
    assert html.count('class="lb-geaendert-punkt"') == 1
    assert (
        '<li class="lb-geaendert-punkt"><span class="lb-sr">Geändert in dieser Fassung: </span>'
        "Punkt 5 mit einem <strong>geänderten</strong> Satz.</li>"
    ) in html
    # Numbered lists and added items too.
    old = "1. eins\n2. zwei\n3. drei\n"
    html = html_of(mark(old, "1. eins\n2. zwei\n3. drei\n4. vier\n")[0])
    assert html.count("lb-geaendert-punkt") == 1 and "vier</li>" in html.split("lb-geaendert-punkt")[1]


def test_one_changed_table_row_marks_that_row():
    rows = [f"| {i} | Zeile {i} |" for i in range(10)]
    old = "| Nr | Text |\n|---|---|\n" + "\n".join(rows) + "\n"
    new = old.replace("| 4 | Zeile 4 |", "| 4 | Zeile vier |")
    html = html_of(mark(old, new)[0])
    assert html.count('class="lb-geaendert-zeile"') == 1
    row = html.split('<tr class="lb-geaendert-zeile">')[1].split("</tr>")[0]
    assert '<td><span class="lb-sr">Geändert in dieser Fassung: </span>4</td>' in row and "Zeile vier" in row
    assert 'lb-geaendert"' not in html


def test_marked_html_passes_the_sanitizer():
    from loseblatt.render.sanitize import refused

    marked = mark(OLD_TEMPLATE + "\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n- x\n- y\n",
                  NEW_TEMPLATE + "\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 5 |\n\n- x\n- y neu\n")[0]  # fmt: skip
    assert refused(html_of(marked)) is None


# ----- print: the bar beside exactly the changed line -----------------------------------------


def _bar_extent(png, x_range: tuple[int, int]) -> list[tuple[int, int]]:
    """Vertical runs (top, bottom) of dark pixels in the columns x_range of a 72-dpi page image."""
    from PIL import Image

    img = Image.open(png).convert("L")
    dark = [any(img.getpixel((x, y)) < 100 for x in range(*x_range)) for y in range(img.height)]
    runs, start = [], None
    for y, d in enumerate([*dark, False]):
        if d and start is None:
            start = y
        elif not d and start is not None:
            runs.append((start, y))
            start = None
    return runs


def _words(pdf, tmp_path) -> list[tuple[float, float, float, float, str]]:
    import re

    out = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), str(out)], check=True)
    return [
        (float(a), float(b), float(c), float(d), w)
        for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out.read_text()
        )
    ]


@pytest.mark.slow  # renders a PDF with WeasyPrint
@pytest.mark.parametrize(
    ("old", "new", "changed_words"),
    [
        (OLD_TEMPLATE, NEW_TEMPLATE, "beschlussfähig,"),
        ("Vorher.\n\n" + "\n".join(f"- Punkt {i}" for i in range(8)) + "\n",
         "Vorher.\n\n" + "\n".join(f"- Punkt {i}" + (" geändert" if i == 3 else "") for i in range(8)) + "\n",
         "geändert"),
        ("| A | B |\n|---|---|\n" + "\n".join(f"| {i} | alt {i} |" for i in range(8)) + "\n",
         "| A | B |\n|---|---|\n" + "\n".join(f"| {i} | {'neu' if i == 5 else 'alt'} {i} |" for i in range(8)) + "\n",
         "neu"),
    ],
    ids=["vorlage", "liste", "tabelle"],
)  # fmt: skip
def test_printed_bar_sits_beside_exactly_the_changed_line(tmp_path, old, new, changed_words):
    from loseblatt.cli import _markdown_settings
    from loseblatt.core import pipeline
    from loseblatt.core.deliveries import SheetRecord
    from loseblatt.print_adapter.render import render_pdf
    from loseblatt.render.print_html import PrintRenderer, sheet_from_record

    edition = pipeline.check(FIXTURES / "binder", FIXTURES.parent).editions["bund"]

    def record(text: str, fassung: int) -> SheetRecord:
        return SheetRecord("2.3", "Geschäftsordnung", fassung, "2027-01", 2, "Gremiengründung", str(fassung), text,
                           aenderung="inhaltlich", grund="Beschlussfähigkeit ergänzt")  # fmt: skip

    sheet = sheet_from_record(record(new, 2), record(old, 1))
    assert sheet.marked_markdown is not None
    renderer = PrintRenderer(*_markdown_settings(str(ROOT / "mkdocs.yml")))
    pdf = tmp_path / "blatt.pdf"
    pdf.write_bytes(render_pdf(renderer.sheet(edition, sheet))[0])
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "s")], check=True)
    png = next(tmp_path.glob("s*.png"))

    words = _words(pdf, tmp_path)
    line = next(w for w in words if w[4] == changed_words)
    # The bar: left of the text column (27 mm = 76.5 pt), right of the punch holes.
    runs = _bar_extent(png, (55, 72))
    assert len(runs) == 1, runs  # one bar on the page, nothing else in the margin
    top, bottom = runs[0]
    # It covers the changed line and reaches no further than the next or previous line would start.
    height = line[3] - line[1]
    assert top <= line[1] + 1 and bottom >= line[3] - 1, (runs, line)
    assert top >= line[1] - height and bottom <= line[3] + height, (runs, line)


# ----- web: the marks in a real browser --------------------------------------------------------


@pytest.mark.slow  # records a delivery and builds the fixture site
@pytest.mark.browser
def test_web_marks_cover_one_line_item_and_row_with_text_alternative(project, tmp_path):
    from browser import chromium, serve
    from test_site_browser import AXE, AXE_RUN, AXE_TAGS

    lines = "\n".join(f"({i}) Regel {i} des Gremiums." for i in range(1, 25))
    items = "\n".join(f"- Punkt {i} der Liste" for i in range(1, 8))
    rows = "\n".join(f"| {i} | Aufgabe {i} |" for i in range(1, 8))
    body = f"Einleitung.\n\n```vorlage Muster\nGeschäftsordnung\n\n{lines}\n```\n\n{items}\n\n| Nr | Aufgabe |\n|---|---|\n{rows}\n"
    head = '---\nblatt: "2.11"\ntitel: Muster\nfassung: {}\nstand: {}\n{}---\n'
    project.write("binder/02-gremiengruendung/blatt-11.md", head.format(1, "2026-11", "") + body)
    project.record("2026-1", "2026-11-20")
    changed = (
        body.replace("(5) Regel 5 des Gremiums.", "(5) Regel 5 des Gremiums.\n(5a) Neue Regel.")
        .replace("- Punkt 3 der Liste", "- Punkt 3 der Liste, geändert")
        .replace("| 4 | Aufgabe 4 |", "| 4 | Aufgabe vier |")
    )
    reason = "aenderung: inhaltlich\ngrund: Regel 5a ergänzt\n"
    project.write("binder/02-gremiengruendung/blatt-11.md", head.format(2, "2026-12", reason) + changed)
    project.build()
    with serve(project.site) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(url + "/bund/02-gremiengruendung/blatt-2-11/")
        found = page.evaluate(
            """() => ({
                lines: [...document.querySelectorAll('.hll')].map(e => e.textContent.trim()),
                items: [...document.querySelectorAll('li.lb-geaendert-punkt')].map(e => e.textContent.trim()),
                rows: [...document.querySelectorAll('tr.lb-geaendert-zeile')].map(e => e.textContent.trim()),
                blocks: document.querySelectorAll('.lb-geaendert').length,
                note: [...document.querySelectorAll('p.lb-sr')].map(e => e.textContent),
                bars: [getComputedStyle(document.querySelector('.hll')).boxShadow,
                       getComputedStyle(document.querySelector('li.lb-geaendert-punkt'), '::before').borderLeftWidth,
                       getComputedStyle(document.querySelector('tr.lb-geaendert-zeile td')).boxShadow],
                copied: document.querySelector('.highlight code').textContent,
            })"""
        )
        page.screenshot(path=str(tmp_path / "marken.png"), full_page=True)
        if AXE.is_file():
            page.add_script_tag(path=str(AXE))
            assert page.evaluate(AXE_RUN, AXE_TAGS) == []
    assert found["lines"] == ["(5a) Neue Regel."]
    assert found["items"] == ["Geändert in dieser Fassung: Punkt 3 der Liste, geändert"]
    assert [" ".join(r.split()) for r in found["rows"]] == ["Geändert in dieser Fassung: 4 Aufgabe vier"]
    assert found["blocks"] == 0
    assert "Geändert in dieser Fassung: Zeile 8 des folgenden Textblocks." in found["note"]
    assert "inset" in found["bars"][0] and found["bars"][1] != "0px" and "inset" in found["bars"][2]
    # The template's text is copied as written: the marks add no characters.
    assert "Geändert" not in found["copied"] and "(5a) Neue Regel.\n(6)" in found["copied"]
