"""Working tools: templates as .docx/.odt, Fassungsvergleich, Atom feed, what makes an edition
different."""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import ROOT
from loseblatt.core import pipeline
from loseblatt.core.deliveries import record
from loseblatt.core.fassungen import compare, sheet_fassungen, word_diff
from loseblatt.core.history import edition_history
from loseblatt.core.vorlagen import PLACEHOLDER, PLACEHOLDER_WRAPPED, Vorlage, find, structure
from loseblatt.render import office
from loseblatt.render.trusted import TOKEN, fragment
from loseblatt.render.web import vergleich, vorlagen
from lxml import etree

# ----- templates ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return pipeline.check(ROOT / "binder", ROOT, only=["bund", "sn"])


def _template(result, code: str, blatt: str, titel: str):
    ed = result.editions[code]
    sheet = ed.sheet(blatt)
    v = next(v for v in find(sheet.markdown, blatt) if v.titel == titel)
    return ed, sheet, v


def test_every_template_of_the_binder_is_a_block_with_a_title(real):
    """2.3 and the register 9 templates were converted; no plain text block is left in them."""
    ed = real.editions["bund"]
    found = {(s.blatt, v.titel) for s in ed.sheets for v in find(s.markdown, s.blatt)}
    assert ("2.3", "Mustergeschäftsordnung") in found
    assert {b for b, _ in found} >= {"2.3", "9.3", "9.4", "9.5", "9.6", "9.8", "9.9", "9.10", "9.11", "9.12"}
    for s in ed.sheets:
        if s.register.number == 9 or s.blatt == "2.3":
            assert "```text" not in s.markdown, s.blatt


def test_structure_headings_paragraphs_columns_and_wrapped_lines():
    text = (
        "Geschäftsordnung des Gremiums [Name der Kommune]\n\n"
        "§ 1 Name und Zweck\n"
        "(1) Das Gremium führt den Namen [Name des Gremiums] und berät\n"
        "    die Verwaltung.\n"
        "(2) Es tagt [Anzahl] Mal im Jahr.\n\n"
        "TAGESORDNUNG\n"
        "Datum:     [Datum]\n"
        "Zeit:      [Beginn]\n\n"
        "- Protokoll der letzten Sitzung\n\n"
        "Mit freundlichen Grüßen\n[Name, Funktion]\n\n"
        "| Nr. | Ort |\n|---|---|\n| 1 | [Ort] |\n"
    )
    blocks = structure(text)
    assert [(b.kind, b.plain()) for b in blocks] == [
        ("titel", "Geschäftsordnung des Gremiums [Name der Kommune]"),
        ("ueberschrift", "§ 1 Name und Zweck"),
        ("absatz", "(1)\tDas Gremium führt den Namen [Name des Gremiums] und berät die Verwaltung."),
        ("absatz", "(2)\tEs tagt [Anzahl] Mal im Jahr."),
        ("ueberschrift", "TAGESORDNUNG"),
        ("text", "Datum:\t[Datum]\nZeit:\t[Beginn]"),
        ("punkt", "Protokoll der letzten Sitzung"),
        ("text", "Mit freundlichen Grüßen\n[Name, Funktion]"),
        ("tabelle", "Nr. | Ort\n1 | [Ort]"),
    ]
    placeholders = [
        r.text for b in blocks for line in b.lines for r in line if not isinstance(r, str) and r.platzhalter
    ]
    assert placeholders[:3] == ["[Name der Kommune]", "[Name des Gremiums]", "[Anzahl]"]


def _meta(ed, sheet, v):
    return vorlagen.meta_for(ed, sheet, v)


def test_docx_has_title_headings_filled_variables_highlights_and_lato(real):
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    ed, sheet, v = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    doc = Document(io.BytesIO(office.docx_bytes(v.text, _meta(ed, sheet, v))))
    paras = doc.paragraphs
    assert paras[0].style.name == "Title"
    assert paras[0].text == "Geschäftsordnung des Präventionsgremiums [Name der Kommune]"
    headings = [p.text for p in paras if p.style.name == "Heading 1"]
    assert headings[0] == "§ 1 Name und Zweck" and "§ 7 Beschlussfähigkeit" in headings and len(headings) == 13
    absatz = [p for p in paras if p.style.name == "Absatz"]
    assert absatz[0].text == "(1)\tDas Gremium führt den Namen [Name des Gremiums]."
    text = "\n".join(p.text for p in paras)
    # The edition's variables are filled in, as plain text (no Markdown escapes, no Jinja).
    assert "nach dem Kommunalrecht des Freistaates Sachsen" in text
    assert "zum Beispiel Gemeinderat, in Städten Stadtrat, beim Landkreis Kreistag" in text
    assert "{{" not in text and "\\" not in text
    marked = [r.text for p in paras for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert "[Name der Kommune]" in marked and "[Frist]" in marked
    assert all(t.startswith("[") and t.endswith("]") for t in marked)
    for name in ("Normal", "Title", "Heading 1", "Absatz"):
        style = doc.styles[name]
        fonts = style.element.rPr.rFonts if style.element.rPr is not None else None
        assert (fonts is None and name == "Absatz") or fonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii"
        ) == "Lato", name
    assert doc.core_properties.title == "Mustergeschäftsordnung"
    assert doc.core_properties.created == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert "Ausgabe Sachsen, Blatt 2.3" in paras[-1].text and paras[-1].style.name == "Quelle der Vorlage"
    # Every paragraph has the style of its kind (the ids are set directly, office.docx_bytes).
    assert {p.style.name for p in paras} == {"Title", "Heading 1", "Absatz", "Normal", "Quelle der Vorlage"}


def test_the_general_edition_fills_its_own_values(real):
    from docx import Document

    ed, sheet, v = _template(real, "bund", "9.3", "Gründungsbeschluss")
    text = "\n".join(p.text for p in Document(io.BytesIO(office.docx_bytes(v.text, _meta(ed, sheet, v)))).paragraphs)
    assert "z. B. Gemeinderat oder Stadtrat, je nach Land auch Gemeindevertretung" in text
    assert "Allgemeine Ausgabe" in text


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def test_odt_is_structurally_valid_and_carries_the_same_text(real):
    from odfdo import Document

    ed, sheet, v = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    data = office.odt_bytes(v.text, _meta(ed, sheet, v))
    z = zipfile.ZipFile(io.BytesIO(data))
    first = z.infolist()[0]
    # ODF 1.2 part 3, 3.3: «mimetype» first, uncompressed, no extra field.
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    manifest = etree.fromstring(z.read("META-INF/manifest.xml"))
    listed = {e.get(f"{{{ODF['manifest']}}}full-path") for e in manifest}
    assert {"/", "content.xml", "styles.xml", "meta.xml"} <= listed
    assert all(n in listed or n.endswith("/") or n in ("mimetype", "META-INF/manifest.xml") for n in z.namelist())
    content, styles = etree.fromstring(z.read("content.xml")), etree.fromstring(z.read("styles.xml"))
    defined = {
        e.get(f"{{{ODF['style']}}}name") for tree in (content, styles) for e in tree.iter(f"{{{ODF['style']}}}style")
    }
    used = {e.get(f"{{{ODF['text']}}}style-name") for e in content.iter() if e.get(f"{{{ODF['text']}}}style-name")}
    assert used <= defined, used - defined
    fonts = {e.get(f"{{{ODF['style']}}}name") for e in styles.iter(f"{{{ODF['style']}}}font-face")}
    assert "Lato" in fonts
    doc = Document(io.BytesIO(data))
    headers = [h.text_recursive for h in doc.body.get_headers()]
    assert headers[0] == "Geschäftsordnung des Präventionsgremiums [Name der Kommune]"
    assert "§ 7 Beschlussfähigkeit" in headers and len(headers) == 14
    body = doc.body.text_recursive
    assert "nach dem Kommunalrecht des Freistaates Sachsen" in body and "{{" not in body
    spans = [s.text for s in doc.body.get_spans(style="Platzhalter")]
    assert "[Name des Gremiums]" in spans
    assert doc.meta.get_creation_date() == dt.datetime(2026, 12, 1)


def test_table_of_a_template_is_a_table(real):
    from docx import Document
    from odfdo import Document as OdfDocument

    ed, sheet, v = _template(real, "sn", "9.9", "Ergebnisliste")
    meta = _meta(ed, sheet, v)
    table = Document(io.BytesIO(office.docx_bytes(v.text, meta))).tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["Nr.", "Ort", "Befund"]
    odt = OdfDocument(io.BytesIO(office.odt_bytes(v.text, meta)))
    assert odt.body.get_tables()[0].get_cell((1, 0)).text_recursive.strip() == "Ort"


def test_files_are_reproducible_and_dated_by_the_stand(real, tmp_path):
    from loseblatt.caching import CacheFolder

    ed, sheet, v = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    meta = _meta(ed, sheet, v)
    cache = CacheFolder(tmp_path / "a")
    for kind in ("docx", "odt"):
        first = office.template_file(kind, v.text, meta, cache)
        again = office.WRITERS[kind](v.text, meta)
        cached = office.template_file(kind, v.text, meta, cache)
        assert first == again == cached
        assert cache.read(office.cache_key(kind, v.text, meta), f".{kind}") == first
        assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(2026, 12, 1, 0, 0, 0)}
        assert str(tmp_path).encode() not in first
    # Another edition's values give another file.
    other_ed, other_sheet, other_v = _template(real, "bund", "2.3", "Mustergeschäftsordnung")
    assert office.docx_bytes(other_v.text, _meta(other_ed, other_sheet, other_v)) != office.docx_bytes(v.text, meta)


def test_a_template_in_several_editions_is_written_once_and_reads_as_written_for_each(real, tmp_path, monkeypatch):
    """The editions' files of one template differ only in the edition's title: the writers run
    once per kind, and every edition's file has the bytes of writing it for that edition."""
    from loseblatt.caching import CacheFolder

    direct = dict(office.WRITERS)
    calls: list[str] = []

    def counted(kind):
        def write(text, meta):
            calls.append(kind)
            return direct[kind](text, meta)

        return write

    monkeypatch.setattr(office, "WRITERS", {kind: counted(kind) for kind in direct})
    cache = CacheFolder(tmp_path / "vorlagen")
    texts = set()
    for code in real.editions:
        ed, sheet, v = _template(real, code, "9.9", "Ergebnisliste")
        texts.add(v.text)
        meta = _meta(ed, sheet, v)
        for kind in ("docx", "odt"):
            data = office.template_file(kind, v.text, meta, cache)
            assert data == direct[kind](v.text, meta), (code, kind)
    assert len(texts) < len(real.editions)
    assert sorted(calls) == ["docx", "odt"] * len(texts)
    calls.clear()
    # A title XML must escape, and one the replacement leaves to the writers (quotes).
    ed, sheet, v = _template(real, "sn", "9.9", "Ergebnisliste")
    for title in ("Ausgabe Berlin & <Umland>", "Ausgabe „Nord\" 'Süd'"):
        meta = vorlagen.TemplateMeta(**{**vars(_meta(ed, sheet, v)), "ausgabe": title})
        for kind in ("docx", "odt"):
            data = office.template_file(kind, v.text, meta, cache)
            assert data == direct[kind](v.text, meta), (title, kind)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                assert all(office.EDITION_MARK.encode() not in z.read(n) for n in z.namelist())
    # The first title from the edition-neutral file made above, the second written directly.
    assert sorted(calls) == ["docx", "odt"]


def test_cache_key_covers_text_metadata_and_code(real):
    ed, sheet, v = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    meta = _meta(ed, sheet, v)
    key = office.cache_key("docx", v.text, meta)
    assert key != office.cache_key("docx", v.text + "x", meta)
    assert key != office.cache_key("odt", v.text, meta)
    assert key != office.cache_key("docx", v.text, vorlagen.TemplateMeta(**{**vars(meta), "fassung": "9"}))


def test_web_form_keeps_text_and_links_both_files(real):
    ed, sheet, _ = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    md = vorlagen.web_markdown(sheet, sheet.markdown)
    assert "**Vorlage: Mustergeschäftsordnung**" in md and "```vorlage" not in md
    # The text block is our own markup: every placeholder highlighted, the text escaped.
    html = "\n".join(fragment(key) for key in TOKEN.findall(md))
    block = html.split('<div class="highlight lb-vorlage-text"><pre><code>', 1)[1].split("</code></pre></div>")[0]
    assert '<mark class="lb-platzhalter">[Name der Kommune]</mark>' in block
    assert "Geschäftsordnung des Präventionsgremiums" in block
    # A placeholder wrapped onto the next line is one placeholder, as in the files.
    assert (
        '<mark class="lb-platzhalter">[einfacher Mehrheit /</mark>\n    <mark class="lb-platzhalter">'
        "Zweidrittelmehrheit]</mark>" in block
    )
    v = next(v for v in find(sheet.markdown, "2.3") if v.titel == "Mustergeschäftsordnung")
    plain = re.sub(r"</?mark[^>]*>", "", block)
    assert htmlmod.unescape(plain) == v.text.rstrip("\n") + "\n"
    wrapped = [m for m in PLACEHOLDER_WRAPPED.findall(v.text) if "\n" in m]
    assert block.count("<mark") == len(PLACEHOLDER.findall(v.text)) + 2 * len(wrapped) and wrapped
    odd = vorlagen.text_block(Vorlage("T", "<b>[Name & Co]</b> `x`", 1, 1))
    assert '&lt;b&gt;<mark class="lb-platzhalter">[Name &amp; Co]</mark>&lt;/b&gt; `x`' in fragment(
        TOKEN.findall(odd)[0]
    )
    paths = {vorlagen.file_path(v, kind) for _, v in vorlagen.edition_templates(ed) for kind, _ in vorlagen.KINDS}
    assert "vorlagen/2-3-mustergeschaeftsordnung.docx" in paths
    assert "vorlagen/2-3-mustergeschaeftsordnung.odt" in paths
    assert "vorlagen/9-9-ergebnisliste.odt" in paths and len(paths) == 2 * 21


def test_template_block_errors_name_file_and_line(project):
    project.write(
        "binder/02-gremiengruendung/blatt-4.md",
        """
        ---
        blatt: "2.4"
        titel: Vorlagen
        fassung: 1
        stand: 2026-11
        ---
        Text.

        ```vorlage
        Ohne Titel
        ```

        ```vorlage Einladung
        Text
        ```

        ```vorlage Einladung
        Noch einmal
        """,
    )
    messages = {re.sub(r" \[Ausgabe[^]]*\]$", "", p.format()) for p in project.check().problems}
    path = "binder/02-gremiengruendung/blatt-4.md"
    assert f"{path}:9: Eine Vorlage braucht einen Titel in derselben Zeile, z. B. „```vorlage Einladung“." in messages
    assert f"{path}:17: Die Vorlage „Einladung“ gibt es in diesem Blatt schon." in messages
    assert f"{path}:17: Die Vorlage wird nicht mit einer Zeile „```“ geschlossen." in messages


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_both_files(real, tmp_path):
    """LibreOffice's own converter reads both files and finds the text (where it is installed)."""
    ed, sheet, v = _template(real, "sn", "2.3", "Mustergeschäftsordnung")
    meta = _meta(ed, sheet, v)
    for kind in ("docx", "odt"):
        (tmp_path / kind).mkdir()
        (tmp_path / kind / "go").mkdir()
        source = tmp_path / kind / f"go.{kind}"
        source.write_bytes(office.WRITERS[kind](v.text, meta))
        proc = subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "txt:Text",
             "--outdir", str(tmp_path / kind / "go"), str(source)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        text = (tmp_path / kind / "go" / "go.txt").read_text(encoding="utf-8-sig")
        assert "§ 7 Beschlussfähigkeit" in text and "des Freistaates Sachsen" in text, kind


# ----- Fassungsvergleich -------------------------------------------------------------


def test_word_diff_marks_exactly_the_changed_words():
    pieces = word_diff("Das Gremium tagt zweimal im Jahr.", "Das Gremium tagt viermal im Jahr.")
    assert [(p.kind, p.text) for p in pieces] == [
        ("gleich", "Das Gremium tagt "),
        ("gestrichen", "zweimal"),
        ("eingefuegt", "viermal"),
        ("gleich", " im Jahr."),
    ]


def _record(project, name: str, datum: str) -> None:
    result = project.check()
    assert not result.problems, [p.format() for p in result.problems]
    data = record(name, datum, result.binder, result.editions, {})
    target = project.binder / "lieferungen" / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


SHEET = "binder/02-gremiengruendung/blatt-2.md"


@pytest.fixture
def two_deliveries(project):
    """2.2 as delivered in 2026-1, changed in two words and a new paragraph in 2026-2."""
    project.edit(SHEET, "Text von Blatt 2.2. Zurück zu [[1.1]].", "Das Gremium tagt zweimal im Jahr und berät.")
    _record(project, "2026-1", "2026-11-20")
    project.edit(
        SHEET,
        "fassung: 2\nstand: 2026-03\naenderung: inhaltlich\ngrund: Abschnitt ergänzt\n---\n"
        "Das Gremium tagt zweimal im Jahr und berät.",
        "fassung: 3\nstand: 2026-12\naenderung: inhaltlich\ngrund: Sitzungen neu geregelt\n---\n"
        "Das Gremium tagt viermal im Jahr und entscheidet.\n\nNeu ist dieser Absatz.",
    )
    _record(project, "2026-2", "2026-12-15")
    return project


def test_fassungen_come_from_the_deliveries(two_deliveries):
    result = two_deliveries.check()
    ed = result.editions["bund"]
    history = edition_history(ed, result.snapshots, result.withdrawals)
    versions = sheet_fassungen(ed, history)["2.2"]
    assert [(f.label, f.stand, f.lieferung) for f in versions] == [
        ("2", "2026-03", "2026-1"),
        ("3", "2026-12", "2026-2"),
    ]
    assert versions[-1].grund == "Sitzungen neu geregelt"
    assert len(sheet_fassungen(ed, history)["2.3"]) == 1  # unchanged: no comparison


def test_comparison_marks_exactly_the_changed_words_and_paragraphs(two_deliveries):
    result = two_deliveries.check()
    ed = result.editions["bund"]
    versions = sheet_fassungen(ed, edition_history(ed, result.snapshots, result.withdrawals))["2.2"]
    diff = compare(versions[0].markdown, versions[1].markdown)
    changed = [[(p.kind, p.text) for p in b.pieces if p.kind != "gleich"] for b in diff if b.changed]
    assert changed == [
        [
            ("gestrichen", "zweimal"),
            ("eingefuegt", "viermal"),
            ("gestrichen", "berät."),
            ("eingefuegt", "entscheidet."),
        ],
        [("eingefuegt", "Neu ist dieser Absatz.")],
    ]
    page = vergleich.comparison_page(ed.sheet("2.2"), versions, vergleich.Comparisons())
    assert "## Fassung 3 gegenüber Fassung 2" in page
    assert "| 3 | Dezember 2026 | inhaltlich | Sitzungen neu geregelt | Lieferung 2026-2 |" in page
    assert "| 2 | März 2026 |" in page
    from loseblatt.render.trusted import TOKEN, fragment

    html = "".join(fragment(m.group(1)) for m in TOKEN.finditer(page))
    assert re.findall(r"<ins>(.*?)</ins>", html) == [
        '<span class="lb-sr">[eingefügt:] </span>viermal<span class="lb-sr"> [Ende]</span>',
        '<span class="lb-sr">[eingefügt:] </span>entscheidet.<span class="lb-sr"> [Ende]</span>',
        '<span class="lb-sr">[eingefügt:] </span>Neu ist dieser Absatz.<span class="lb-sr"> [Ende]</span>',
    ]
    assert [re.sub("<[^>]+>|\\[[^]]*\\] ?| \\[Ende\\]", "", d) for d in re.findall(r"<del>(.*?)</del>", html)] == [
        "zweimal",
        "berät.",
    ]
    assert "[Mit früherer Fassung vergleichen](../vergleich/blatt-2-2.md) (Fassung 2)" in vergleich.sheet_link(
        ed.sheet("2.2"), versions
    )


def test_comparison_shows_sheet_references_and_escaped_titles_as_readers_see_them():
    """A Fassung's text holds its Blattverweise resolved into Markdown (an attribute list, a
    title with escaped characters); the comparison shows the words of the link, never its
    markup (it used to show «Die Beccaria\\-Standards{: data-blatt="1.3" }»)."""
    from loseblatt.core.references import Target, link_markdown

    ref = link_markdown("1.3", Target("Die Beccaria-Standards (Kurzfassung) [neu]", "01/blatt-3.md"), "02/blatt-2.md")
    old = f"Qualität sichern die Beccaria-Standards ({ref}) und ein Bericht.\n\nGleich bleibt dies {{: #anker }}"
    new = f"Qualität sichern die Beccaria-Standards ({ref}) und zwei Berichte.\n\nGleich bleibt dies {{: #anker }}"
    diff = compare(old, new)
    assert [[(p.kind, p.text) for p in block.pieces] for block in diff] == [
        [
            (
                "gleich",
                "Qualität sichern die Beccaria-Standards (Blatt 1.3 – Die Beccaria-Standards (Kurzfassung) [neu]) und ",
            ),
            ("gestrichen", "ein Bericht."),
            ("eingefuegt", "zwei Berichte."),
        ],
        [("gleich", "Gleich bleibt dies")],
    ]
    html = vergleich.diff_html(diff)
    assert "{:" not in html and "data-blatt" not in html and "\\" not in html and "](" not in html
    # Tables and lists as readers see them: cells, not pipes and delimiter rows; bullets.
    table = "| Säule | Bedeutung |\n|---|:---:|\n| Polizei \\| Staat | vor Ort |\n\n- eins\n- zwei"
    assert [[p.text for p in b.pieces] for b in compare(table, table)] == [
        ["Säule · Bedeutung\nPolizei | Staat · vor Ort"],
        ["• eins\n• zwei"],
    ]
    # In a template (a fenced block) a backslash stays what it is.
    fenced = "```vorlage Muster\nPfad: C:\\Ablage\\-neu\n```"
    assert "C:\\Ablage\\-neu" in "".join(p.text for b in compare(fenced, fenced) for p in b.pieces)


def test_comparisons_are_kept_for_every_process_and_never_served_stale(tmp_path, monkeypatch):
    """Comparing Fassungen is most of an edition's plan; whichever worker builds the edition next
    takes the comparison from the cache folder instead of working it out again."""
    from loseblatt.caching import CacheFolder

    made: list[tuple[str, str]] = []
    original = vergleich.compare

    def counting(old, new):
        made.append((old, new))
        return original(old, new)

    monkeypatch.setattr(vergleich, "compare", counting)
    folder = tmp_path / "vergleiche"
    old, new = "Das Gremium tagt zweimal im Jahr.", "Das Gremium tagt viermal im Jahr."
    first = vergleich.Comparisons(CacheFolder(folder)).marked(old, new)
    assert len(made) == 1 and first[1] == 1 and "viermal" in first[0]
    vergleich._diff.cache_clear()  # as in another process
    assert vergleich.Comparisons(CacheFolder(folder)).marked(old, new) == first and len(made) == 1
    # Other texts are another entry, and a damaged entry is worked out again, not read.
    other = vergleich.Comparisons(CacheFolder(folder)).marked(old, new.replace("viermal", "dreimal"))
    assert "dreimal" in other[0] and len(made) == 2
    for entry in folder.rglob("*.json"):
        entry.write_bytes(b"kaputt")
    vergleich._diff.cache_clear()
    assert vergleich.Comparisons(CacheFolder(folder)).marked(old, new) == first and len(made) == 3


# ----- Atom feed ---------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(project, site_url="https://example.org/kbv/sn/"):
    from loseblatt.render.web.feed import feed_xml

    result = project.check()
    ed = result.editions["sn"]
    return etree.fromstring(feed_xml(ed, edition_history(ed, result.snapshots, result.withdrawals), site_url))


def test_feed_is_valid_atom_with_an_entry_per_delivery(two_deliveries):
    feed = _feed(two_deliveries)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287, 4.1.1: a feed has exactly one id, title and updated, and an author (or every entry has one).
    for tag in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{tag}")) == 1, tag
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Kommune beugt vor!"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/kbv/sn/feed.xml"
    assert feed.find(f"{ATOM}updated").text == "2026-12-15T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Ergänzungslieferung 2026-2 vom 15.12.2026",
        "Ergänzungslieferung 2026-1 vom 20.11.2026",
    ]
    for e in entries:
        # 4.1.2: exactly one id, title, updated; a link rel=alternate where there is no content src.
        for tag in ("id", "title", "updated"):
            assert len(e.findall(f"{ATOM}{tag}")) == 1, tag
        assert e.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", e.find(f"{ATOM}updated").text)
    newest = entries[0]
    assert newest.find(f"{ATOM}link[@rel='alternate']").get("href") == "https://example.org/kbv/sn/lieferungen/2026-2/"
    content = newest.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "Geänderte Blätter" in content.text and "Sitzungen neu geregelt" in content.text
    assert 'href="https://example.org/kbv/sn/02-gremiengruendung/blatt-2-2/"' in content.text
    assert newest.find(f"{ATOM}summary").text == "0 neu, 1 geändert, 0 entfallen."


def test_feed_ids_are_stable_and_the_feed_reproducible(two_deliveries):
    first, again = _feed(two_deliveries), _feed(two_deliveries)
    assert etree.tostring(first) == etree.tostring(again)
    ids = [e.text for e in first.iter(f"{ATOM}id")]
    assert len(set(ids)) == len(ids) == 3
    # The ids name the edition and the delivery, not the address: a moved site keeps them.
    moved = _feed(two_deliveries, "https://anderswo.example/sn/")
    assert [e.text for e in moved.iter(f"{ATOM}id")] == ids
    # Without an address, links are relative to the feed.
    assert _feed(two_deliveries, None).find(f"{ATOM}link[@rel='self']").get("href") == "feed.xml"


# ----- what makes an edition different -----------------------------------------------


def test_differences_page_lists_every_overlay_rule(project):
    """The fixture's sn edition adds 1.51, extends 2.3 and omits 2.9; a replacement is added here."""
    from loseblatt.render.trusted import TOKEN, fragment
    from loseblatt.render.web import unterschiede

    project.write(
        "binder/laender/sn/eigene-2-2.md",
        """
        ---
        blatt: "2.2"
        ersetzt: true
        titel: Thema 2 in Sachsen
        fassung: 1
        stand: 2026-11
        ---
        Text von Blatt 2.2 in Sachsen. Zurück zu [[1.1]].
        """,
    )
    result = project.check()
    assert not result.problems, [p.format() for p in result.problems]
    ed = result.editions["sn"]
    pages = unterschiede.edition_pages(ed, vergleich.Comparisons())
    page = pages["anders.md"]
    html = TOKEN.sub(lambda m: fragment(m.group(1)), page)
    assert "## Eigene Blätter des Landes (1)" in page and "| 1.51 | [ASSKomm](01-grundlagen/blatt-1-51.md)" in page
    assert "## Ersetzte Blätter (1)" in page
    assert "| 2.2 | [Thema 2 in Sachsen](02-gremiengruendung/blatt-2-2.md) | " in page
    assert '<a href="../../bund/02-gremiengruendung/blatt-2-2/">Thema 2</a>' in html
    assert "[Vergleich](vergleich/allgemein-blatt-2-2.md)" in page
    assert "## Ergänzte Blätter (1)" in page
    assert "[Blatt 2.3 – Thema 3](02-gremiengruendung/blatt-2-3.md), ergänzt um „Kooperationsvereinbarung“" in page
    assert "## Weggelassene Blätter (1)" in page and "- Blatt 2.9 – " in page
    assert "| `{{ var.des_landes }}` | des Freistaates Sachsen | " in page
    assert "| `{{ land.name }}` | Sachsen | " in page
    comparison = TOKEN.sub(lambda m: fragment(m.group(1)), pages["vergleich/allgemein-blatt-2-2.md"])
    assert "<ins>" in comparison and "in Sachsen" in re.sub("<span[^>]*>[^<]*</span>", "", comparison)
    # The general edition has no such page.
    assert unterschiede.edition_pages(result.editions["bund"], vergleich.Comparisons()) == {}


# ----- in the built site -------------------------------------------------------------


@pytest.mark.slow
def test_built_edition_has_template_files_feed_link_comparison_and_differences(project):
    project.edit(
        "binder/02-gremiengruendung/blatt-3.md",
        "Text von Blatt 2.3. Zurück zu [[1.1]].",
        "Text von Blatt 2.3. Zurück zu [[1.1]].\n\n```vorlage Einladung\nEinladung des Gremiums [Name]\n\n"
        "§ 1 Ort\n(1) Wir tagen {{ var.im_land }}.\n```",
    )
    project.build(env={"SOURCE_DATE_EPOCH": "1790000000"})
    site = project.site
    for code, words in (("sn", "in Sachsen"), ("bund", "in Ihrem Land")):
        from docx import Document

        doc = Document(site / code / "vorlagen/2-3-einladung.docx")
        assert [p.text for p in doc.paragraphs][:3] == [
            "Einladung des Gremiums [Name]",
            "§ 1 Ort",
            f"(1)\tWir tagen {words}.",
        ]
        assert (site / code / "vorlagen/2-3-einladung.odt").read_bytes()[30:38] == b"mimetype"
        page = project.html(f"{code}/02-gremiengruendung/blatt-2-3/index.html")
        assert "<p><strong>Vorlage: Einladung</strong></p>" in page
        assert 'href="../../vorlagen/2-3-einladung.docx" download' in page
        assert 'href="../../vorlagen/2-3-einladung.odt" download' in page
        assert f"Wir tagen {words}." in page
        head = project.html(f"{code}/index.html").split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml"' in head and 'href="./feed.xml"' in head
        feed = etree.fromstring((site / code / "feed.xml").read_bytes())
        assert feed.tag == f"{ATOM}feed"
        assert 'href="../feed.xml"' in project.html(f"{code}/neu/index.html")
    assert 'href="sn/anders/"' in project.html("index.html")
    start = project.html("sn/index.html")
    assert 'href="anders/">Was in dieser Ausgabe anders ist</a>' in start
    assert "Bisher wurde keine Ergänzungslieferung veröffentlicht." in start
    assert "Eigene Blätter des Landes (1)" in project.html("sn/anders/index.html")
    assert not (site / "bund/anders").exists()
    first = (site / "sn/vorlagen/2-3-einladung.docx").read_bytes()
    # A second build in another folder (no cache) gives the same bytes.
    other = project.path.parent / "zweiter"
    shutil.copytree(project.path, other, ignore=shutil.ignore_patterns("site", ".cache"))
    from conftest import Project

    Project(other).build(env={"SOURCE_DATE_EPOCH": "1790000000"})
    assert (other / "site/sn/vorlagen/2-3-einladung.docx").read_bytes() == first
    assert (other / "site/sn/feed.xml").read_bytes() == (site / "sn/feed.xml").read_bytes()


@pytest.mark.slow
@pytest.mark.browser
def test_copy_button_and_new_since_last_visit_markers(real_site):
    from browser import chromium, serve

    with serve(real_site) as url, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-3/", wait_until="networkidle")
        # «Text kopieren» copies the template's text.
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        copy = page.locator("button[data-lb-aktion='vorlage-kopieren']").first
        copy.click()
        page.wait_for_function("() => document.querySelector('.lb-kopieren').textContent.startsWith('Kopiert')")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith("Geschäftsordnung des Präventionsgremiums [Name der Kommune]\n\n§ 1 Name und Zweck")
        assert "des Freistaates Sachsen" in copied and copied.rstrip().endswith("stimmberechtigten Mitglieder.")
        # The placeholders are highlighted on the page (contrast: axe in test_site_browser), the
        # copied text is the template's text only.
        marks = page.locator(".lb-vorlage-text mark.lb-platzhalter")
        assert marks.first.inner_text() == "[Name der Kommune]" and marks.count() >= 10
        assert page.evaluate(
            "() => getComputedStyle(document.querySelector('mark.lb-platzhalter')).backgroundColor"
        ) == ("rgb(255, 245, 157)")
        assert copied == page.locator(".lb-vorlage-text pre").first.text_content().rstrip("\n")
        # First visit: nothing is marked, what was seen is recorded.
        assert page.locator(".lb-neu-marke").count() == 0
        stored = page.evaluate("() => JSON.parse(localStorage.getItem('loseblatt:/sn/:besuch'))")
        assert stored["blaetter"]["02-gremiengruendung/blatt-2-3/"]
        # Pretend the last visit saw an older 2.3 and no 2.4; a new visit (new tab) marks them.
        stored["blaetter"]["02-gremiengruendung/blatt-2-3/"] = "alt"
        del stored["blaetter"]["02-gremiengruendung/blatt-2-4/"]
        page.evaluate("(s) => localStorage.setItem('loseblatt:/sn/:besuch', JSON.stringify(s))", stored)
        page.close()
        page = context.new_page()
        page.goto(f"{url}/sn/02-gremiengruendung/", wait_until="networkidle")
        page.locator(".lb-neu-marke").first.wait_for(timeout=10000)
        marks = page.evaluate(
            "() => [...document.querySelectorAll('.md-content .lb-neu-marke')]"
            ".map(m => m.previousElementSibling.getAttribute('href') + ' ' + m.textContent)"
        )
        assert sorted(set(marks)) == [
            "blatt-2-3/ geändert seit Ihrem letzten Besuch",
            "blatt-2-4/ neu seit Ihrem letzten Besuch",
        ]
        # Still marked while this visit lasts, also in the sheet's head.
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-3/", wait_until="networkidle")
        page.locator(".lb-kopf .lb-neu-marke").wait_for(timeout=10000)
        context.close()


# ----- templates in a municipal binder ---------------------------------------------------


@pytest.mark.slow
def test_municipal_templates_carry_the_municipalitys_values(tmp_path):
    """Musterstadt's binder (conftest.make_municipal): the state's template on the web page and
    in both files with Musterstadt's name, council and police station; [Datum] left and
    highlighted; the same bytes when built again in another folder."""
    from conftest import make_municipal
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from odfdo import Document as OdfDocument

    mst = make_municipal(tmp_path / "a")
    mst.build(env={"LOSEBLATT_CACHE": str(tmp_path / "cache-a"), "LOSEBLATT_PDF": "1"})
    site = mst.site / "musterstadt"
    page = (site / "02-gremiengruendung/blatt-2-3/index.html").read_text(encoding="utf-8")
    block = page.split('<div class="highlight lb-vorlage-text"><pre><code>', 1)[1].split("</code>")[0]
    assert block == (
        "Einladung des Gremiums Kommunaler Präventionsrat Musterstadt\n\n"
        "Ort:     Polizeirevier Musterstadt-Mitte, Musterstadt\n"
        'Datum:   <mark class="lb-platzhalter">[Datum]</mark>\n\n'
        "§ 1 Ort\n(1) Wir tagen in Sachsen in Musterstadt.\n"
    )
    doc = Document(site / "vorlagen/2-3-einladung.docx")
    texts = [p.text for p in doc.paragraphs]
    assert texts[:4] == [
        "Einladung des Gremiums Kommunaler Präventionsrat Musterstadt",
        "Ort:\tPolizeirevier Musterstadt-Mitte, Musterstadt\nDatum:\t[Datum]",
        "§ 1 Ort",
        "(1)\tWir tagen in Sachsen in Musterstadt.",
    ]
    assert "Musterstadt – Ausgabe Sachsen" in texts[4]
    marked = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert marked == ["[Datum]"]
    odt = OdfDocument(str(site / "vorlagen/2-3-einladung.odt"))
    body = odt.body.text_recursive
    assert "Kommunaler Präventionsrat Musterstadt" in body and "Polizeirevier Musterstadt-Mitte" in body
    assert [s.text for s in odt.body.get_spans(style="Platzhalter")] == ["[Datum]"]
    assert "[Name der Kommune]" not in body and "[Polizeidienststelle]" not in body
    # Printed, the sheet shows the same values.
    printed = subprocess.run(
        ["pdftotext", str(site / "pdf/blatt-2-3.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Einladung des Gremiums Kommunaler Präventionsrat Musterstadt\n" in printed
    assert "Ort: Polizeirevier Musterstadt-Mitte, Musterstadt\nDatum: [Datum]\n" in printed
    # Reproducible: another folder, another (empty) cache, the same bytes.
    other = make_municipal(tmp_path / "b")
    other.build(env={"LOSEBLATT_CACHE": str(tmp_path / "cache-b"), "LOSEBLATT_PDF": "1"})
    for rel in (
        "vorlagen/2-3-einladung.docx",
        "vorlagen/2-3-einladung.odt",
        "02-gremiengruendung/blatt-2-3/index.html",
        "pdf/blatt-2-3.pdf",
    ):
        assert (other.site / "musterstadt" / rel).read_bytes() == (site / rel).read_bytes(), rel
