"""Double-sided printing (ausgabe.yml «druck: beidseitig»): every sheet starts on a front page,
blank backs say so, the punch margin changes sides, filing instructions count leaves."""

from __future__ import annotations

import re

import pytest
from conftest import make_project, misplaced_jumps, pdf_links
from loseblatt.core.german import extent_de, leaves_de
from pypdf import PdfReader
from test_deliveries import NEW_PARAGRAPH, SHEET, raise_fassung

MM = 72 / 25.4
A4_WIDTH = 595.28


def test_leaves_count_paper_and_pages():
    assert leaves_de(1) == "1 Blatt/1 Seite"
    assert leaves_de(2) == "1 Blatt/2 Seiten"
    assert leaves_de(3) == "2 Blätter/3 Seiten"
    assert leaves_de(4) == "2 Blätter/4 Seiten"
    assert leaves_de(None) == "–"
    # One wording for filing instructions, contents and the list of valid sheets.
    assert extent_de(3, duplex=True) == "2 Blätter/3 Seiten" and extent_de(3) == "3 Seiten"
    assert extent_de(1) == "1 Seite" and extent_de(None, duplex=True) == "–"


def test_unknown_print_mode_is_an_editors_error(project):
    project.edit("binder/laender/sn/ausgabe.yml", "name: Sachsen\n", "name: Sachsen\ndruck: doppelt\n")
    messages = [p.format() for p in project.check().problems]
    assert any(
        "ausgabe.yml" in m and "„druck“ ist „einseitig“ oder „beidseitig“, nicht „doppelt“" in m for m in messages
    )
    assert "sn" not in project.check().editions


def test_default_is_single_sided(project):
    assert project.check().editions["sn"].definition.druck == "einseitig"
    project.edit("binder/laender/sn/ausgabe.yml", "name: Sachsen\n", "name: Sachsen\ndruck: beidseitig\n")
    assert project.check().editions["sn"].definition.duplex


@pytest.fixture(scope="module")
def duplex(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("duplex"))
    proj.edit("binder/laender/sn/ausgabe.yml", "name: Sachsen\n", "name: Sachsen\ndruck: beidseitig\n")
    proj.record("2026-1", "2026-11-20")
    proj.edit(SHEET, "Text von Blatt 2.2. Zurück zu [[1.1]].", NEW_PARAGRAPH)
    raise_fassung(proj)
    proj.record("2026-2", "2026-12-01")
    proj.build(env={"LOSEBLATT_PDF": "1", "LOSEBLATT_AUSGABE": "sn", "SITE_URL": "https://beispiel.invalid/"})
    return proj


def starts(reader: PdfReader) -> dict[str, int]:
    """Bookmark title → first page (1-based), the whole tree."""
    out: dict[str, int] = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return out


def text_xs(page) -> list[float]:
    xs: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    return xs


@pytest.mark.slow
def test_every_part_starts_on_a_front_page_and_blank_backs_say_so(duplex):
    for name in ("pdf/kommune-beugt-vor-sn.pdf", "pdf/register-2.pdf", "lieferungen/2026-2.pdf"):
        reader = PdfReader(duplex.site / "sn" / name)
        first_pages = starts(reader)
        assert len(first_pages) > 1
        assert {t: p for t, p in first_pages.items() if p % 2 == 0} == {}, name
        assert len(reader.pages) % 2 == 0, name
        firsts = set(first_pages.values())
        blanks = 0
        for number, page in enumerate(reader.pages, 1):
            text = " ".join(page.extract_text().split())
            # A blank page has the sentence and no page number of a part (the cover quotes it).
            blank = "Diese Seite bleibt frei." in text and not re.search(r"Seite \d+ von \d+", text)
            # A blank page only where the part before ended on a front page, i.e. before a start.
            if blank:
                blanks += 1
                assert number % 2 == 0 and (number + 1 in firsts or number == len(reader.pages)), (name, number)
                assert len(text) < 120, text  # the running head and the sentence, nothing else
            elif number % 2 == 0:
                assert number not in firsts
        assert blanks or name.startswith("lieferungen"), name


@pytest.mark.slow
def test_punch_margin_is_mirrored_on_back_pages(duplex):
    reader = PdfReader(duplex.site / "sn/pdf/kommune-beugt-vor-sn.pdf")
    fronts = backs = 0
    for number, page in enumerate(reader.pages, 1):
        xs = text_xs(page)
        if not xs:
            continue
        if number % 2:  # front (right-hand) page: holes on the left
            assert min(xs) >= 20 * MM, number
            fronts += 1
        else:  # back (left-hand) page: holes on the right, text starts further left
            assert min(xs) < 20 * MM, number
            assert max(xs) < A4_WIDTH - 20 * MM, number
            backs += 1
    assert fronts and backs
    # A sheet's own PDF: its second page is a back page as well.
    sheet = PdfReader(duplex.site / "sn/pdf/blatt-1-1.pdf")
    assert min(text_xs(sheet.pages[0])) >= 20 * MM
    if len(sheet.pages) > 1:
        assert min(text_xs(sheet.pages[1])) < 20 * MM


@pytest.mark.slow
def test_filing_instructions_count_leaves_and_cover_says_double_sided(duplex):
    supplement = PdfReader(duplex.site / "sn/lieferungen/2026-2.pdf")
    text = " ".join(" ".join(p.extract_text() for p in supplement.pages).split())
    assert "Blatt 2.2, Fassung 2 (1 Blatt/1 Seite)" in text and "Blatt 2.2, Fassung 3 (1 Blatt/1 Seite)" in text
    assert "Bitte beidseitig drucken." in text
    html = duplex.html("sn/lieferungen/2026-2/index.html")
    assert "Blatt 2.2, Fassung 3 (1 Blatt/1 Seite)" in html
    edition = PdfReader(duplex.site / "sn/pdf/kommune-beugt-vor-sn.pdf")
    cover = " ".join(edition.pages[0].extract_text().split())
    assert "Bitte beidseitig drucken." in cover and "einseitig" not in cover
    # The contents count leaves like the filing instructions, and so does the list of valid sheets.
    contents = " ".join(" ".join(p.extract_text() for p in edition.pages[:3]).split())
    assert "Umfang" in contents and "Warum kommunale Prävention 1 Blatt/1 Seite" in contents
    assert "<td>1 Blatt/1 Seite</td>" in duplex.html("sn/verzeichnis/index.html")


@pytest.mark.slow
def test_duplex_pdfs_pass_the_structure_check(duplex):
    from loseblatt.print_adapter.pdfcheck import problems, qpdf_check

    pdfs = sorted((duplex.site / "sn").glob("pdf/*.pdf")) + sorted((duplex.site / "sn").glob("lieferungen/*.pdf"))
    found = {p.name: [*problems(p), qpdf_check(p)] for p in pdfs}
    assert {name: p for name, p in found.items() if any(p)} == {}


@pytest.mark.slow
def test_blank_back_looks_right_as_a_picture(duplex, tmp_path):
    """The reviewers' sample set shows a blank back: its punch margin (right) free of ink, the
    sentence in the middle, the running head at the top."""
    from loseblatt.page_images import render_site
    from PIL import Image
    from test_pdf import ink

    dpi = 50
    pictures = {p.stem: p for p in render_site(duplex.site, tmp_path, ["sn"], dpi)}
    assert "sn-ausgabe-leerseite" in pictures, sorted(pictures)
    image = Image.open(pictures["sn-ausgabe-leerseite"]).convert("L")
    mm = dpi / 25.4
    assert ink(image, mm, (190, 0, 210, 297)) == 0  # the holes are on the right of a back page
    assert ink(image, mm, (16, 0, 190, 18)) > 0  # running head
    assert ink(image, mm, (16, 100, 190, 200)) > 0  # «Diese Seite bleibt frei.»
    assert ink(image, mm, (16, 280, 190, 297)) == 0  # no page number: the page belongs to no sheet


@pytest.mark.slow
def test_blattverweise_jump_to_the_front_page_of_their_sheet(duplex):
    """Blank backs shift the pages: jumps still land on the sheet's own first page. A supplement
    holds only the changed sheet: its link to Blatt 1.1 leads to the web page."""
    edition = duplex.site / "sn/pdf/kommune-beugt-vor-sn.pdf"
    assert any(kind == "seite" for _, kind, *_ in pdf_links(edition))
    assert misplaced_jumps(edition) == []
    supplement = pdf_links(duplex.site / "sn/lieferungen/2026-2.pdf")
    assert [(kind, target) for _, kind, target, _, _ in supplement] == [
        ("uri", "https://beispiel.invalid/sn/01-grundlagen/blatt-1-1/")
    ]
