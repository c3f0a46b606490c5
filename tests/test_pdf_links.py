"""Links in the PDFs (issue 17): a Blattverweis leads to the sheet's web page, and inside a joined
PDF to the sheet's first page in the same file. Fast: the print HTML and the joining, on small
PDFs made here (tests/test_pdf.py checks the built PDFs)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from conftest import FIXTURES
from loseblatt import addresses
from loseblatt.print_adapter.assemble import Part, join
from loseblatt.render import MARKDOWN_EXTENSIONS
from loseblatt.render.print_html import PrintRenderer

SITE = "https://beispiel.invalid/kbv"
SN = "https://beispiel.invalid/kbv/sn/"
SHEET_2_3 = SN + "02-gremiengruendung/blatt-2-3/"


def test_addresses_of_editions_and_pages():
    assert addresses.edition_url(SITE, "sn") == SN
    assert addresses.edition_url(SITE + "/", "sn") == SN
    assert addresses.edition_url("", "sn") == "" and addresses.edition_url(None, "sn") == ""
    assert addresses.absolute_url(SN, "02-gremiengruendung/blatt-2-3.md") == SHEET_2_3
    assert addresses.absolute_url(SN, addresses.CHECKLISTEN) == SN + "checklisten/"
    assert addresses.absolute_url("", "02-gremiengruendung/blatt-2-3.md") == ""


@pytest.fixture(scope="module")
def sn():
    from loseblatt.core import pipeline

    return pipeline.check(FIXTURES / "binder", FIXTURES.parent).editions["sn"]


def renderer(site_url: str) -> PrintRenderer:
    return PrintRenderer(["attr_list", *MARKDOWN_EXTENSIONS], {}, site_url)


def sheet(edition, blatt: str):
    return next(s for s in edition.sheets if s.blatt == blatt)


def test_blattverweis_prints_as_link_to_the_sheets_web_page(sn):
    html = renderer(SITE).sheet(sn, sheet(sn, "1.1"))
    assert f'<a class="lb-verweis" href="{SHEET_2_3}">Blatt 2.3<span class="lb-verweis-titel">' in html
    assert 'href="../' not in html and "file:" not in html and 'class="lb-link"' not in html


def test_without_site_address_blattverweise_print_as_words(sn):
    html = renderer("").sheet(sn, sheet(sn, "1.1"))
    assert '<span class="lb-link">Blatt 2.3<span class="lb-verweis-titel">' in html
    assert "<a " not in html.split("<article>", 1)[1]


def test_other_site_links_and_vanished_sheets_print_as_words(sn):
    r = renderer(SITE)
    out = r.markdown('Das [Glossar](../glossar.md) und [Blatt 7.7](../07/blatt-7-7.md){: data-blatt="7.7" }.', sn)
    assert out == '<p>Das <span class="lb-link">Glossar</span> und <span class="lb-link">Blatt 7.7</span>.</p>'
    # External addresses keep their link.
    assert 'href="https://example.org/"' in r.markdown("Siehe [hier](https://example.org/).", sn)


def test_sheet_addresses_are_inputs_of_the_printed_sheet(sn):
    """Another site address changes a sheet with a Blattverweis, not one without."""
    with_link = sheet(sn, "1.1")
    a, b = renderer(SITE), renderer("https://anders.invalid/")
    assert a.sheet_inputs(sn, with_link) != b.sheet_inputs(sn, with_link)
    plain = next(s for s in sn.sheets if "data-blatt" not in s.display_markdown)
    assert a.sheet_inputs(sn, plain) == b.sheet_inputs(sn, plain)
    assert a.link_inputs(sn, with_link.display_markdown) == [
        ("2.10", SN + "02-gremiengruendung/blatt-2-10/"),
        ("2.3", SHEET_2_3),
    ]


# ----- joining --------------------------------------------------------------------------


def pdf_with_links(pages: int, links: list[str]) -> bytes:
    """A PDF of `pages` empty pages; its first page has a link to each address."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    annots = pikepdf.Array()
    for i, uri in enumerate(links):
        annots.append(
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=[100, 700 - 20 * i, 200, 715 - 20 * i],
                    Contents=pikepdf.String(uri),
                    A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri)),
                )
            )
        )
    pdf.pages[0].obj.Annots = annots
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def links(data: bytes) -> list[tuple[int, str, str]]:
    """(page, target, description) of every link: a 1-based page for jumps, else the address."""
    out = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        numbers = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        for i, page in enumerate(pdf.pages, 1):
            for annot in page.get("/Annots", []):
                action = annot.A
                if action.S == "/GoTo":
                    target = f"Seite {numbers[action.D[0].objgen]}"
                    assert action.D[1] == "/XYZ" and float(action.D[3]) == 842  # the top of that page
                else:
                    target = str(action.URI)
                out.append((i, target, str(annot.Contents)))
    return out


def test_links_to_parts_of_a_joined_pdf_jump_there_others_keep_their_address():
    other = SN + "01-grundlagen/blatt-1-1/"
    parts = [
        Part("Deckblatt", pdf_with_links(2, [])),
        Part("Blatt 2.2 – Thema 2", pdf_with_links(1, [SHEET_2_3, other, "https://example.org/"]), 1, SN + "x/"),
        Part("", pdf_with_links(1, [])),  # a blank back
        Part("Blatt 2.3 – Thema 3", pdf_with_links(2, [SN + "x/"]), 1, SHEET_2_3),
    ]
    assert links(join(parts, "Ausgabe")) == [
        (3, "Seite 5", "Blatt 2.3 – Thema 3"),
        (3, other, other),
        (3, "https://example.org/", "https://example.org/"),
        (5, "Seite 3", "Blatt 2.2 – Thema 2"),
    ]
    # The same parts give the same bytes.
    assert join(parts, "Ausgabe") == join(parts, "Ausgabe")


def test_relative_addresses_are_what_relpath_gives_for_every_kind_of_path():
    """addresses.relative stands in for posixpath.relpath (which asks for the working folder twice
    per link): the same answer for site paths, and relpath's own for anything else."""
    import itertools
    import posixpath

    from loseblatt import addresses

    paths = [
        "",
        ".",
        "index.md",
        "a",
        "a/b.md",
        "a/b",
        "a/b/c.md",
        "a/bb/c.md",
        "ab/c.md",
        "b/a.md",
        "a/b/",
        "a/./b.md",
        "a/../b.md",
        "../a.md",
        "/a/b.md",
        "02-gremien/blatt-2.md",
        "02-gremien",
        "checklisten/register-2.md",
    ]
    for target, start in itertools.product(paths, repeat=2):
        if not target:
            continue  # relpath refuses an empty path, and no link has one
        assert addresses.relative(target, start) == posixpath.relpath(target, start or "."), (target, start)
