"""Templates (core/vorlagen.py) as Word (.docx, python-docx) and LibreOffice (.odt, odfdo) files.

Both carry the same structure: the title, headings (§ 3, capitals), numbered paragraphs with a
hanging indent, list items, tables, placeholders «[…]» highlighted in yellow, the font Lato
named in every style, German as the language, and a closing note where the template comes from.
The bytes are reproducible: every date is the Stand of the sheet (no «now»), and the archive is
written anew with fixed entry times and a fixed order.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.metadata import version
from xml.sax.saxutils import escape

from .. import caching, zipped
from ..core.vorlagen import Block, Run, structure

FONT = "Lato"
PUBLISHER = "Kommune beugt vor!"
HIGHLIGHT = "#ffff00"


@dataclass(frozen=True)
class TemplateMeta:
    titel: str  # the template's title
    blatt: str
    blatt_titel: str
    fassung: str
    stand: str  # JJJJ-MM
    ausgabe: str  # the edition's title, e.g. «Ausgabe Sachsen»
    stand_text: str  # «Dezember 2026»

    @property
    def date(self) -> dt.datetime:
        year, month = int(self.stand[:4]), int(self.stand[5:7])
        return dt.datetime(year, month, 1, tzinfo=dt.UTC)

    def note(self) -> str:
        return (
            f"Vorlage aus „{PUBLISHER}“, {self.ausgabe}, Blatt {self.blatt} „{self.blatt_titel}“, "
            f"Fassung {self.fassung}, Stand {self.stand_text}. Ersetzen Sie die gelb markierten Angaben "
            "in eckigen Klammern und löschen Sie diesen Hinweis."
        )


def _zip_time(meta: TemplateMeta) -> tuple[int, int, int, int, int, int]:
    d = meta.date
    return (max(d.year, 1980), d.month, d.day, 0, 0, 0)


def normalized_zip(
    data: bytes,
    date_time: tuple[int, int, int, int, int, int],
    first: str | None = None,
    change: Callable[[bytes], bytes] = lambda entry: entry,
) -> bytes:
    """The archive with every entry at `date_time`, in a fixed order, `first` stored uncompressed
    (ODF requires «mimetype» first and uncompressed); `change` is applied to every entry. An
    entry that `change` leaves as it is keeps its packed bytes (zipped.py): an edition's file
    differs from the edition-neutral one in two entries of ten or more."""
    entries = zipped.members(data)
    entries.sort(key=lambda e: e[0] != first)  # stable: the others keep their order
    out = []
    for name, member, stored in entries:
        content = zipped.unpacked(member, stored)
        changed = change(content)
        keep = changed == content and stored == (name == first)
        out.append((name, member if keep else zipped.packed(changed, stored=name == first)))
    return zipped.archive(out, date_time, stored=[first] if first else [])


# ----- Word ---------------------------------------------------------------------------


def _docx_font(style) -> None:
    """Lato for every script, replacing the theme fonts (which would win over a named font)."""
    from docx.oxml.ns import qn

    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _docx_runs(paragraph, line: list[Run | str]) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    for item in line:
        if isinstance(item, str):
            paragraph.add_run().add_tab()
            continue
        run = paragraph.add_run(item.text)
        if item.platzhalter:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _docx_lines(paragraph, lines: list[list[Run | str]]) -> None:
    for k, line in enumerate(lines):
        if k:
            paragraph.add_run().add_break()
        _docx_runs(paragraph, line)


def docx_bytes(text: str, meta: TemplateMeta) -> bytes:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    _docx_font(normal)
    normal.font.size = Pt(11)
    lang = normal.element.get_or_add_rPr().makeelement(qn("w:lang"), {qn("w:val"): "de-DE", qn("w:eastAsia"): "de-DE"})
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("Title", "Heading 1", "List Bullet", "Table Grid"):
        _docx_font(styles[name])
    for name in ("Title", "Heading 1"):
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
    styles["Title"].font.size = Pt(18)
    styles["Heading 1"].font.size = Pt(13)
    absatz = styles.add_style("Absatz", WD_STYLE_TYPE.PARAGRAPH)
    absatz.base_style = normal
    absatz.paragraph_format.left_indent = Cm(1)
    absatz.paragraph_format.first_line_indent = Cm(-1)
    absatz.paragraph_format.tab_stops.add_tab_stop(Cm(1))
    hinweis = styles.add_style("Quelle der Vorlage", WD_STYLE_TYPE.PARAGRAPH)
    hinweis.base_style = normal
    hinweis.font.size = Pt(9)
    hinweis.font.italic = True
    hinweis.paragraph_format.space_before = Pt(18)

    # Each style's id looked up once: python-docx looks it up for every paragraph given a style
    # and scans all of the document's styles for the default each time (two thirds of a file's
    # time). Setting the id is what its style setter does with the id it found.
    style_ids = {
        name: doc.part.get_style_id(styles[name], WD_STYLE_TYPE.PARAGRAPH)
        for name in ("Normal", "Title", "Heading 1", "Absatz", "List Bullet", "Quelle der Vorlage")
    }
    for block in structure(text):
        _docx_block(doc, block, style_ids)
    doc.add_paragraph(meta.note()).paragraph_format.element.style = style_ids["Quelle der Vorlage"]

    props = doc.core_properties
    props.title = meta.titel
    props.subject = f"Blatt {meta.blatt} – {meta.blatt_titel}"
    props.author = PUBLISHER
    props.last_modified_by = PUBLISHER
    props.comments = meta.note()
    props.keywords = "Vorlage; Kommune beugt vor!"
    props.language = "de-DE"
    props.revision = 1
    naive = meta.date.replace(tzinfo=None)
    props.created = props.modified = props.last_printed = naive
    out = io.BytesIO()
    doc.save(out)
    return normalized_zip(out.getvalue(), _zip_time(meta))


def _docx_block(doc, block: Block, style_ids: dict[str, str | None]) -> None:
    if block.kind == "tabelle":
        cols = max(len(r) for r in block.rows)
        table = doc.add_table(rows=len(block.rows), cols=cols)
        table.style = doc.styles["Table Grid"]
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                para = table.cell(r, c).paragraphs[0]
                _docx_runs(para, cell)
                if r == 0:
                    for run in para.runs:
                        run.bold = True
        doc.add_paragraph()
        return
    style = {
        "titel": "Title",
        "ueberschrift": "Heading 1",
        "absatz": "Absatz",
        "nummer": "Absatz",
        "punkt": "List Bullet",
    }.get(block.kind, "Normal")
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.element.style = style_ids[style]
    _docx_lines(paragraph, block.lines)


# ----- LibreOffice --------------------------------------------------------------------


def _odt_styles(doc) -> None:
    from odfdo import Element, Style

    decls = doc.get_part("styles.xml").get_element("//office:font-face-decls")
    face = Element.from_tag(
        f'<style:font-face style:name="{FONT}" svg:font-family="{FONT}" '
        'style:font-family-generic="swiss" style:font-pitch="variable"/>'
    )
    decls.append(face)
    content_decls = doc.get_part("content.xml").get_element("//office:font-face-decls")
    if content_decls is not None:
        content_decls.append(face.clone)

    # Numbers are part of the written text (§ 3): no outline numbering from the template.
    for level in doc.get_part("styles.xml").get_elements("//text:outline-level-style"):
        level.set_attribute("style:num-format", "")
        for attr in ("style:num-suffix", "loext:num-list-format"):
            level.del_attribute(attr) if level.get_attribute(attr) is not None else None

    def paragraph_style(name, display, size="11pt", bold=False, parent="Standard", **para):
        style = Style("paragraph", name=name, display_name=display, parent_style=parent)
        style.set_properties(
            area="text",
            **{
                "style:font-name": FONT,
                "fo:font-size": size,
                "fo:font-weight": "bold" if bold else "normal",
                "fo:font-style": "normal",
                "fo:language": "de",
                "fo:country": "DE",
            },
        )
        style.set_properties(area="paragraph", **{"fo:margin-bottom": "0.2cm", **para})
        doc.insert_style(style, automatic=False)

    paragraph_style("Standard", "Standard", parent=None)
    paragraph_style("Title", "Titel", "18pt", True, **{"fo:margin-bottom": "0.4cm"})
    paragraph_style("Heading_20_1", "Überschrift 1", "13pt", True, **{"fo:margin-top": "0.4cm"})
    paragraph_style("Absatz", "Absatz", **{"fo:margin-left": "1cm", "fo:text-indent": "-1cm"})
    paragraph_style("Aufzaehlung", "Aufzählung", **{"fo:margin-left": "0.6cm", "fo:text-indent": "-0.4cm"})
    paragraph_style("Tabelleninhalt", "Tabelleninhalt", **{"fo:margin-bottom": "0cm"})
    paragraph_style("Quelle_20_der_20_Vorlage", "Quelle der Vorlage", "9pt", **{"fo:margin-top": "0.6cm"})
    mark = Style("text", name="Platzhalter", display_name="Platzhalter", background_color=HIGHLIGHT)
    doc.insert_style(mark, automatic=False)
    bold = Style("text", name="Kopfzelle", display_name="Kopfzelle", bold=True)
    doc.insert_style(bold, automatic=False)


def _odt_fill(paragraph, lines: list[list[Run | str]], bold: bool = False) -> None:
    from odfdo import LineBreak, Span, Tab

    for k, line in enumerate(lines):
        if k:
            paragraph.append(LineBreak())
        for item in line:
            if isinstance(item, str):
                paragraph.append(Tab())
            elif item.platzhalter:
                paragraph.append(Span(item.text, style="Platzhalter"))
            elif bold:
                paragraph.append(Span(item.text, style="Kopfzelle"))
            else:
                paragraph.append(item.text)


def odt_bytes(text: str, meta: TemplateMeta) -> bytes:
    from odfdo import Cell, Column, Document, Header, Paragraph, Row, Tab, Table

    doc = Document("text")
    body = doc.body
    body.clear()
    _odt_styles(doc)
    table_no = 0
    for block in structure(text):
        if block.kind == "tabelle":
            table_no += 1
            cols = max(len(r) for r in block.rows)
            table = Table(f"Tabelle{table_no}")
            table.append(Column(repeated=cols))
            for r, row in enumerate(block.rows):
                trow = Row(width=0)
                for c in range(cols):
                    cell = Cell()
                    para = Paragraph(style="Tabelleninhalt")
                    _odt_fill(para, [row[c]] if c < len(row) else [], bold=r == 0)
                    cell.append(para)
                    trow.append(cell)
                table.append(trow)
            body.append(table)
            continue
        if block.kind in ("titel", "ueberschrift"):
            level = 1 if block.kind == "titel" else 2
            # Numbers are part of the written text (§ 3): no outline numbering of the template.
            element: Header | Paragraph = Header(level)
            element.style = "Title" if level == 1 else "Heading_20_1"
            _odt_fill(element, block.lines)
        else:
            style = {"absatz": "Absatz", "nummer": "Absatz", "punkt": "Aufzaehlung"}.get(block.kind, "Standard")
            element = Paragraph(style=style)
            if block.kind == "punkt":
                element.append("–")
                element.append(Tab())
            _odt_fill(element, block.lines)
        body.append(element)
    body.append(Paragraph(meta.note(), style="Quelle_20_der_20_Vorlage"))

    m = doc.meta
    naive = meta.date.replace(tzinfo=None)
    m.set_title(meta.titel)
    m.set_subject(f"Blatt {meta.blatt} – {meta.blatt_titel}")
    m.set_description(meta.note())
    m.set_creator(PUBLISHER)
    m.set_initial_creator(PUBLISHER)
    m.set_language("de-DE")
    m.set_creation_date(naive)
    m.set_modification_date(naive)
    m.set_editing_cycles(1)
    m.set_generator(f"loseblatt (odfdo {_versions()['odfdo']})")
    m.set_keywords("Vorlage, Kommune beugt vor!")
    out = io.BytesIO()
    doc.save(out)
    return normalized_zip(out.getvalue(), _zip_time(meta), FIRST_ENTRY["odt"])


# ----- cache --------------------------------------------------------------------------

WRITERS = {"docx": docx_bytes, "odt": odt_bytes}
LIBRARIES = ("python-docx", "odfdo", "lxml")


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    # Reading the packages' metadata costs milliseconds, for each of an edition's templates.
    return {name: version(name) for name in LIBRARIES}


def cache_key(kind: str, text: str, meta: TemplateMeta) -> str:
    """The one key rule (caching.py): our code and the writers' versions, the text and metadata."""
    versions = _versions()
    return caching.cache_key(f"vorlage-{kind}", versions, text, vars(meta))


# The edition's title is the only part of a template file that differs between the editions
# showing the same sheet (in the closing note, in the text and in the properties). A template is
# written once with this mark in the title's place, and each edition's file is that archive with
# the mark replaced: python-docx and odfdo take 30-50 ms for a file, the replacement 1-6 ms.
EDITION_MARK = "\ue000Ausgabe\ue001"
FIRST_ENTRY = {"docx": None, "odt": "mimetype"}


def _by_mark(kind: str, text: str, meta: TemplateMeta) -> bool:
    """Whether the file can be made from the edition-neutral one: the title needs no escaping
    beyond what XML text gets, and nothing else contains the mark."""
    fields = (text, *(v for k, v in vars(meta).items() if k != "ausgabe"))
    plain = all(c.isprintable() and c not in "\"'" for c in meta.ausgabe)
    return kind in FIRST_ENTRY and plain and not any(EDITION_MARK[0] in f for f in (*fields, meta.ausgabe))


def written_meta(kind: str, text: str, meta: TemplateMeta) -> TemplateMeta:
    """The metadata the writer is called with for this file: edition-neutral (the mark in the
    title's place) when the file can be made from the neutral one, else the edition's own."""
    return replace(meta, ausgabe=EDITION_MARK) if _by_mark(kind, text, meta) else meta


def _for_edition(neutral: bytes, kind: str, meta: TemplateMeta) -> bytes:
    mark, title = EDITION_MARK.encode(), escape(meta.ausgabe).encode()
    return normalized_zip(neutral, _zip_time(meta), FIRST_ENTRY[kind], lambda entry: entry.replace(mark, title))


def template_file(kind: str, text: str, meta: TemplateMeta, cache: caching.CacheFolder | None = None) -> bytes:
    """The file's bytes, from the cache when the same text, metadata and code made it before;
    else from the edition-neutral file of the same template (made once for every edition)."""
    if cache is None:
        return WRITERS[kind](text, meta)
    key = cache_key(kind, text, meta)
    data = cache.read(key, f".{kind}")
    if data is not None:
        return data
    written = written_meta(kind, text, meta)
    if written is not meta:
        neutral_key = cache_key(f"{kind}-neutral", text, written)
        neutral = cache.read(neutral_key, f".{kind}")
        if neutral is None:
            neutral = WRITERS[kind](text, written)
            cache.write(neutral_key, f".{kind}", neutral)
        data = _for_edition(neutral, kind, meta)
    else:
        data = WRITERS[kind](text, meta)
    cache.write(key, f".{kind}", data)
    return data
