"""Druckfassung on real PDFs: A4, punch margin, footers, page counts, caching."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import make_project, misplaced_jumps, pdf_links, pdf_words, words_in
from pypdf import PdfReader

pytestmark = pytest.mark.slow

A4 = (595.28, 841.89)  # points
MM = 72 / 25.4


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("pdf"))
    proj.build(env={"LOSEBLATT_PDF": "1", "SITE_URL": SITE_URL})
    return proj


SITE_URL = "https://beispiel.invalid/kbv"
SN = SITE_URL + "/sn/"


def stats(project) -> dict:
    return json.loads((project.path / ".cache/loseblatt/pdf-stats.json").read_text())


def manifest(project, code) -> dict:
    return {e["blatt"]: e for e in json.loads((project.site / code / "manifest.json").read_text())["blaetter"]}


def leftmost_text_x(page) -> float:
    xs: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            # Text space → user space: x = tm·cm.
            xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    return min(xs)


def test_every_page_a4_with_free_punch_margin(printed):
    pdfs = sorted((printed.site / "sn/pdf").glob("*.pdf"))
    assert len(pdfs) > 10
    for pdf in pdfs:
        for page in PdfReader(pdf).pages:
            box = page.mediabox
            assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4[0], 1), round(A4[1], 1)), pdf
            assert leftmost_text_x(page) >= 20 * MM, pdf


def test_footer_on_every_page(printed):
    man = manifest(printed, "sn")
    for blatt in ("1.1", "2.3", "1.51"):
        reader = PdfReader(printed.site / "sn" / man[blatt]["pdf"])
        n = len(reader.pages)
        e = man[blatt]
        stand = "/".join(reversed(e["stand"].split("-")))
        fassung = f"{e['fassung']}/{e['fassung_ergaenzung']}" if "fassung_ergaenzung" in e else str(e["fassung"])
        for i, page in enumerate(reader.pages, 1):
            text = page.extract_text()
            assert f"Blatt {blatt} · Fassung {fassung} · Stand {stand} · Seite {i} von {n}" in text, text[-300:]
            assert "Kommune beugt vor! · Ausgabe Sachsen" in text


def test_pdf_metadata_language_and_tags(printed):
    reader = PdfReader(printed.site / "sn/pdf/blatt-2-3.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Blatt 2.3 – Thema 3"
    fonts = {
        str(f["/BaseFont"])
        for p in reader.pages
        for f in p["/Resources"]["/Font"].values()
        if "/BaseFont" in f.get_object()
    }
    assert fonts and all("Lato" in f for f in fonts), fonts


def test_references_print_in_the_authors_words(printed):
    """A Blattverweis prints as «Blatt 2.3» where the author put it: no added «siehe», no title."""
    text = PdfReader(printed.site / "sn/pdf/blatt-1-1.pdf").pages[0].extract_text()
    assert "Blatt 2.3" in text and "Thema 3" not in text
    assert "siehe Blatt" not in text  # the fixture's sentence has no «siehe» of its own


def test_manifest_page_counts_match(printed):
    for code in ("bund", "sn"):
        for blatt, e in manifest(printed, code).items():
            assert e["seiten"] == len(PdfReader(printed.site / code / e["pdf"]).pages), (code, blatt)


def test_edition_and_register_pdfs_are_sums(printed):
    site = printed.site / "sn/pdf"
    man = manifest(printed, "sn")
    sheets = sum(e["seiten"] for e in man.values())
    dividers = [len(PdfReader(site / f"registerblatt-{n}.pdf").pages) for n in (1, 2)]
    cover = PdfReader(site / "kommune-beugt-vor-sn.pdf")
    outline = [o for o in cover.outline if not isinstance(o, list)]
    assert outline[0].title == "Deckblatt und Inhalt"
    cover_pages = cover.get_destination_page_number(outline[1])  # first register starts after cover
    assert len(cover.pages) == cover_pages + sum(dividers) + sheets
    reg2 = PdfReader(site / "register-2.pdf")
    assert len(reg2.pages) == dividers[1] + sum(e["seiten"] for b, e in man.items() if b.startswith("2."))
    assert "Register 2: Gremiengründung" in reg2.pages[0].extract_text()  # begins with its divider


def outline_tree(reader, items=None, level=0) -> list[tuple[int, str]]:
    """The whole bookmark tree as (level, title), depth first."""
    out: list[tuple[int, str]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline_tree(reader, item, level + 1)
        else:
            out.append((level, item.title))
    return out


def test_joined_pdfs_have_exactly_our_bookmarks(printed):
    """The parts' own outlines (WeasyPrint's headings) must not leak into joined PDFs."""
    site = printed.site / "sn/pdf"
    edition = printed.check().editions["sn"]
    expected = [(0, "Deckblatt und Inhalt")]
    for reg in edition.registers:
        n = reg.register.number
        sheets = [(1, f"Blatt {s.blatt} – {s.titel}") for s in reg.sheets]
        expected += [(0, f"Register {n}: {reg.register.titel}"), *sheets]
        register_pdf = PdfReader(site / f"register-{n}.pdf")
        assert outline_tree(register_pdf) == [(0, f"Registerblatt {n}")] + [(0, t) for _, t in sheets]
    assert len(expected) > 5
    assert outline_tree(PdfReader(site / "kommune-beugt-vor-sn.pdf")) == expected


def test_checklist_pdf_has_boxes(printed):
    reader = PdfReader(printed.site / "sn/pdf/checklisten-register-2.pdf")
    fields = reader.get_fields() or {}
    assert len(fields) == 4  # three items of 2.1, one of the Saxon notes on 2.3
    # Named after the item's id and described by its label, not «unknown-12-0».
    for pdf in ("checklisten-register-2.pdf", "blatt-2-1.pdf"):
        named = PdfReader(printed.site / "sn/pdf" / pdf).get_fields() or {}
        assert not [n for n in named if n.startswith("unknown")], (pdf, list(named))
        assert all(
            str(f.get("/TU", "")).strip() and not str(f.get("/TU")).startswith("unknown") for f in named.values()
        )
    assert "Gründung vorbereiten (Blatt 2.1)" in reader.pages[0].extract_text()


def test_pages_link_pdfs(printed):
    html = printed.html("sn/02-gremiengruendung/blatt-2-3/index.html")
    assert 'href="../../pdf/blatt-2-3.pdf"' in html and "Blatt als PDF" in html
    assert 'href="../pdf/register-2.pdf"' in printed.html("sn/02-gremiengruendung/index.html")
    assert 'href="pdf/kommune-beugt-vor-sn.pdf"' in printed.html("sn/index.html")


def test_noop_rebuild_renders_nothing_and_edit_renders_only_that_sheet(tmp_path):
    proj = make_project(tmp_path)
    proj.edit("mkdocs.yml", "binder_dir: binder", "binder_dir: binder\n      parallel: 2")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proj.build(env={"LOSEBLATT_PDF": "1", "TMPDIR": str(scratch)})
    # Two workers typeset; the fonts WeasyPrint copies for each document go with them.
    assert list(scratch.iterdir()) == []
    first = stats(proj)
    assert "sn:blatt-2-3.pdf" in first["gerendert"] and "bund:blatt-2-3.pdf" in first["gerendert"]
    before = {p.name: p.read_bytes() for p in (proj.site / "sn/pdf").glob("*.pdf")}

    proj.build(env={"LOSEBLATT_PDF": "1"})
    again = stats(proj)
    assert again["gerendert"] == [] and again["zusammengefuegt"] == []
    assert {p.name: p.read_bytes() for p in (proj.site / "sn/pdf").glob("*.pdf")} == before

    proj.edit("binder/02-gremiengruendung/blatt-2.md", "Text von Blatt 2.2.", "Neuer Text von Blatt 2.2.")
    proj.build(env={"LOSEBLATT_PDF": "1"})
    changed = stats(proj)
    assert changed["gerendert"] == ["bund:blatt-2-2.pdf", "sn:blatt-2-2.pdf"]
    assert set(changed["zusammengefuegt"]) == {
        "bund:register-2.pdf",
        "sn:register-2.pdf",
        "bund:kommune-beugt-vor-bund.pdf",
        "sn:kommune-beugt-vor-sn.pdf",
    }


def test_pdf_step_can_be_skipped(tmp_path):
    proj = make_project(tmp_path)
    proj.build(env={"LOSEBLATT_PDF": "0"})
    assert not (proj.site / "sn/pdf").exists()
    assert "Blatt als PDF" not in proj.html("sn/02-gremiengruendung/blatt-2-3/index.html")
    assert "pdf" not in json.dumps(manifest(proj, "sn"))


def test_blattverweis_in_a_sheet_pdf_leads_to_the_sheets_web_page(printed):
    """A sheet PDF links «Blatt 2.3» to that sheet's page of the same edition (SITE_URL); the link
    lies on the words, and they print as the author wrote them."""
    pdf = printed.site / "sn/pdf/blatt-1-1.pdf"
    found = pdf_links(pdf)
    assert [(kind, target) for _, kind, target, _, _ in found] == [
        ("uri", SN + "02-gremiengruendung/blatt-2-3/"),
        ("uri", SN + "02-gremiengruendung/blatt-2-10/"),
    ]
    assert [words_in(pdf, page, rect) for page, _, _, rect, _ in found] == ["Blatt 2.3", "Blatt 2.10."]
    text = " ".join(w for *_, w in pdf_words(pdf, 1))
    assert "Siehe Blatt 2.3 und Blatt 2.10." in text and "beispiel.invalid" not in text


def test_blattverweise_in_joined_pdfs_jump_to_the_sheet_in_the_same_file(printed):
    """In the edition PDF every Blattverweis (all its sheets are in it) jumps to the first page of
    that sheet; in a register PDF only to its own sheets, the others lead to the web."""
    pdf = printed.site / "sn/pdf/kommune-beugt-vor-sn.pdf"
    found = pdf_links(pdf)
    sheets_linked = sum(len(pdf_links(p)) for p in (printed.site / "sn/pdf").glob("blatt-*.pdf"))
    assert len(found) >= sheets_linked > 3
    jumps = [f for f in found if f[1] == "seite"]
    assert not [f for f in found if f[1] == "uri" and f[2].startswith(SN)], "a sheet of the edition is in it"
    assert len(jumps) >= sheets_linked
    # On the words «Blatt X.Y», landing on the first page of that sheet.
    assert misplaced_jumps(pdf) == []

    register = pdf_links(printed.site / "sn/pdf/register-1.pdf")
    assert {(kind, target) for _, kind, target, _, _ in register} == {
        ("uri", SN + "02-gremiengruendung/blatt-2-3/"),
        ("uri", SN + "02-gremiengruendung/blatt-2-10/"),
    }
    register2 = pdf_links(printed.site / "sn/pdf/register-2.pdf")
    assert ("uri", SN + "01-grundlagen/blatt-1-1/") in {(k, t) for _, k, t, _, _ in register2}
    assert any(kind == "seite" and contents == "Blatt 2.2 – Thema 2" for _, kind, _, _, contents in register2)


def test_without_site_address_blattverweise_are_words_and_no_link_is_relative(tmp_path):
    proj = make_project(tmp_path)
    proj.build(env={"LOSEBLATT_PDF": "1", "LOSEBLATT_AUSGABE": "sn", "SITE_URL": ""})
    pdfs = sorted((proj.site / "sn/pdf").glob("*.pdf"))
    assert len(pdfs) > 5
    assert [(p.name, f) for p in pdfs for f in pdf_links(p)] == []
    text = " ".join(w for *_, w in pdf_words(proj.site / "sn/pdf/blatt-1-1.pdf", 1))
    assert "Siehe Blatt 2.3 und Blatt 2.10." in text


def test_edition_cover_names_stand_delivery_and_single_sided_printing(printed):
    text = PdfReader(printed.site / "sn/pdf/kommune-beugt-vor-sn.pdf").pages[0].extract_text()
    flat = " ".join(text.split())
    assert "Stiftung Deutsches Forum für Kriminalprävention (DFK)" in flat
    assert re.search(
        r"Stand: (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) 20\d\d", flat
    )
    assert "Noch keine Ergänzungslieferung" in flat  # the fixture has recorded none
    assert "Bitte einseitig drucken." in flat
    # Contents: each sheet's pages in the words of the filing instructions («1 Seite»).
    contents = " ".join(PdfReader(printed.site / "sn/pdf/kommune-beugt-vor-sn.pdf").pages[1].extract_text().split())
    assert "Umfang" in contents and "Warum kommunale Prävention 1 Seite" in contents


def test_printed_pages_look_right_as_pictures(printed, tmp_path):
    """Rendered like a reader sees them: a free punch margin on the left, a running head at the
    top, the footer at the bottom, on every kind of document."""
    from loseblatt.page_images import render_site
    from PIL import Image

    dpi = 50
    pictures = render_site(printed.site, tmp_path, ["sn"], dpi)
    names = {p.stem for p in pictures}
    assert {"sn-ausgabe-deckblatt", "sn-register-1", "sn-blatt-1-1"} <= names, names
    mm = dpi / 25.4
    for path in pictures:
        image = Image.open(path).convert("L")
        width, height = image.size
        assert abs(width / mm - 210) < 2 and abs(height / mm - 297) < 2, path  # A4

        assert ink(image, mm, (0, 0, 20, 297)) == 0, f"{path.name}: Text im Lochrand"
        assert ink(image, mm, (20, 280, 200, 297)) > 0, f"{path.name}: keine Fußzeile"
        if "deckblatt" not in path.name:
            assert ink(image, mm, (20, 0, 200, 18)) > 0, f"{path.name}: keine Kopfzeile"


def ink(image, mm: float, box: tuple[float, float, float, float]) -> int:
    """Dark pixels of a greyscale page picture in a box given in millimetres (left, top, right, bottom)."""
    crop = image.crop(tuple(round(v * mm) for v in box))
    return sum(1 for value in crop.getdata() if value < 160)


def every_pdf(site) -> list:
    return sorted(site.glob("*/pdf/*.pdf")) + sorted(site.glob("*/lieferungen/*.pdf"))


def test_every_pdf_is_tagged_and_passes_the_structure_check(printed):
    """PDF/UA-1 core (pdfcheck.py) and qpdf's check on every PDF, joined ones included: structure
    tree, language, title shown, XMP with pdfuaid, every link and field tagged and described,
    every table header scoped."""
    from loseblatt.print_adapter.pdfcheck import problems, qpdf_check

    pdfs = every_pdf(printed.site)
    assert len(pdfs) > 20
    found = {pdf.relative_to(printed.site).as_posix(): [*problems(pdf), qpdf_check(pdf)] for pdf in pdfs}
    assert {name: p for name, p in found.items() if any(p)} == {}


def test_structure_check_finds_what_is_missing(printed, tmp_path):
    """The check can fail: a sheet stripped of its tags and its fields' descriptions."""
    import pikepdf
    from loseblatt.print_adapter.pdfcheck import problems

    with pikepdf.open(printed.site / "sn/pdf/blatt-2-1.pdf") as pdf:
        del pdf.Root["/StructTreeRoot"]
        del pdf.Root["/MarkInfo"]
        pdf.save(tmp_path / "ohne-tags.pdf")
    assert {
        "kein Strukturbaum (/StructTreeRoot mit /ParentTree)",
        "nicht als getaggt markiert (/MarkInfo /Marked)",
    } <= set(problems(tmp_path / "ohne-tags.pdf"))
    with pikepdf.open(printed.site / "sn/pdf/blatt-2-1.pdf") as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") == "/Widget":
                    annot.TU = annot.T
        pdf.save(tmp_path / "ohne-beschreibung.pdf")
    assert any("ohne Beschreibung (/TU)" in p for p in problems(tmp_path / "ohne-beschreibung.pdf"))
    # A link to the build machine, and a jump to a page of another file.
    with pikepdf.open(printed.site / "sn/pdf/kommune-beugt-vor-sn.pdf") as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        links[0].A = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file:///home/bau/blatt-2-3.pdf"))
        stray = pikepdf.new()
        stray.add_blank_page()
        links[1].A = pikepdf.Dictionary(
            S=pikepdf.Name.GoTo, D=pikepdf.Array([pdf.copy_foreign(stray.pages[0].obj), pikepdf.Name.Fit])
        )
        pdf.save(tmp_path / "falsche-links.pdf")
    found = problems(tmp_path / "falsche-links.pdf")
    assert any("Link auf „file:///home/bau/blatt-2-3.pdf“" in p for p in found), found
    assert any("Sprungziel auf keiner Seite dieses Dokuments" in p for p in found), found


def test_joined_pdfs_keep_the_parts_structure_fields_and_title(printed):
    import pikepdf

    site = printed.site / "sn/pdf"
    with pikepdf.open(site / "kommune-beugt-vor-sn.pdf") as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == "/Document"
        parts = [str(p.get("/T", "")) for p in document.K]
        # One /Part per bookmark, in reading order, titled like it.
        assert parts[0] == "Deckblatt und Inhalt" and "Blatt 2.3 – Thema 3" in parts
        assert all(p.S == "/Part" for p in document.K)
        assert str(pdf.open_metadata()["dc:title"]) == "Kommune beugt vor! – Ausgabe Sachsen"
        assert str(pdf.Root.Lang) == "de"
        widgets = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
        fields = list(pdf.Root.AcroForm.Fields)
        assert widgets and {w.objgen for w in widgets} == {f.objgen for f in fields}
        tips = {str(w.T): str(w.TU) for w in widgets}
    # The field of a checklist item is described by the item's words, in the joined file too.
    assert "Lagebilder zusammentragen" in tips.values()
    assert all(tip and tip != name for name, tip in tips.items())


def test_table_headers_are_scoped(printed):
    import pikepdf
    from loseblatt.print_adapter.tagging import struct_elements

    with pikepdf.open(printed.site / "sn/pdf/kommune-beugt-vor-sn.pdf") as pdf:
        headers = [e for e in struct_elements(pdf.Root.StructTreeRoot) if e.S == "/TH"]
        assert headers and all(str(h.A.Scope) in ("/Column", "/Row") for h in headers)
        # The contents' column heads («Blatt», «Titel», «Umfang») are column headers.
        assert sum(1 for h in headers if h.A.Scope == "/Column") >= 3
        # A register's line in the contents heads its own row, not the sheet numbers of all
        # registers below it.
        register_lines = [h for h in headers if h.A.get("/ColSpan") == 3]
        assert register_lines and all(h.A.Scope == "/Row" for h in register_lines)
        named = {
            str(n) for e in struct_elements(pdf.Root.StructTreeRoot) if e.S == "/TD" for n in e.A.get("/Headers", [])
        }
        assert not named & {str(h.ID) for h in register_lines}


# pdfua 0.1.3 cannot evaluate this rule on WeasyPrint's structure trees (it fails on /K arrays);
# pdfcheck.py checks the same (no empty heading) instead.
PDFUA_CANNOT_EVALUATE = {"UA-14-001"}


def test_every_pdf_passes_the_pdfua_package_rules(printed):
    """A second, independent checker: the `pdfua` package's rules (16 of PDF/UA-1's 106
    machine-checkable rules), with no finding of any severity."""
    import pdfua

    for pdf in every_pdf(printed.site):
        report = pdfua.validate(str(pdf))
        assert [(f.rule_id, f.message) for f in report.findings] == [], pdf
        skipped = {o.rule_id for o in report.outcomes if o.skipped_reason}
        assert skipped <= PDFUA_CANNOT_EVALUATE, (pdf, skipped)


def test_running_head_and_footer_are_artifacts_not_content(printed, tmp_path):
    """Page furniture is a pagination artifact on every page of every PDF (PDF/UA-1; WeasyPrint
    leaves margin content tagged but outside the structure tree). The words still print, and the
    structure check finds content that is neither structure nor artifact."""
    import pikepdf
    from loseblatt.print_adapter.pdfcheck import problems
    from loseblatt.print_adapter.tagging import outside_the_tree

    for path in every_pdf(printed.site):
        with pikepdf.open(path) as pdf:
            assert outside_the_tree(pdf) == {}, path
            for number, page in enumerate(pdf.pages, 1):
                artifacts = [
                    i
                    for i in pikepdf.parse_content_stream(page, "BDC")
                    if i.operands[0] == pikepdf.Name.Artifact
                    and i.operands[1].get(pikepdf.Name.Type) == pikepdf.Name.Pagination
                ]
                # Head (binder and edition) and footer (sheet, Stand, page) at least.
                assert len(artifacts) >= 2, (path, number)
    sheet = printed.site / "sn/pdf/blatt-2-1.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True).stdout
    assert "Kommune beugt vor!" in text and "Seite 1" in text
    # A PDF whose page furniture is tagged outside the tree (as WeasyPrint writes it) is found.
    with pikepdf.open(sheet) as pdf:
        page = pdf.pages[0]
        ops = []
        tagged = [pikepdf.Name.Span, pikepdf.Dictionary(MCID=999)]
        for i in pikepdf.parse_content_stream(page):
            artifact = str(i.operator) == "BDC" and i.operands[0] == pikepdf.Name.Artifact
            ops.append(pikepdf.ContentStreamInstruction(tagged, i.operator) if artifact else i)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        pdf.save(tmp_path / "kopfzeile-getaggt.pdf")
    assert "Seite 1: markierter Inhalt weder im Strukturbaum noch Artefakt" in problems(
        tmp_path / "kopfzeile-getaggt.pdf"
    )
