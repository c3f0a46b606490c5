"""HTML documents for the Druckfassung: one per sheet, register divider, cover and contents,
register checklists. The print adapter turns them into PDFs."""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from .. import addresses
from ..core.assemble import AssembledEdition, AssembledRegister, AssembledSheet
from ..core.german import date_long, extent_de, stand_long, stand_short
from ..core.glossary import used_abbreviations
from .trusted import esc, sheet_head

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BINDER_TITLE = "Kommune beugt vor!"
AUTHOR = "Stiftung Deutsches Forum für Kriminalprävention (DFK) und Landespräventionsgremien"
# A checklist box and its label (checklist_ext). WeasyPrint takes a form field's description
# (/TU) from a label only inside a <form>; elsewhere from the title, which the box gets here.
CHECKBOX_LABEL = re.compile(
    r'(<input\b(?=[^>]*\stype="checkbox")(?![^>]*\stitle=)[^>]*?)(\s*/?>\s*<label for="[^"]*">(.*?)</label>)', re.S
)
TAG = re.compile(r"<[^>]+>")
# A link to another page of the site (relative, not an anchor of this document). WeasyPrint would
# resolve it against the build folder (file:///…), dead for readers and different between
# checkouts. A Blattverweis (data-blatt) becomes the absolute address of that sheet's web page,
# which joined PDFs turn into a jump inside the document (print_adapter/assemble.py); any other
# such link, and every one when the site has no address, prints as the words the author wrote.
SITE_LINK = re.compile(r'<a\b(?=[^>]*\shref="(?![a-z][a-z0-9+.-]*:|#)[^"]*")([^>]*)>(.*?)</a>', re.S)
SHEET_OF_LINK = re.compile(r'\sdata-blatt="([^"]+)"')


# Double-sided editions (ausgabe.yml «druck: beidseitig»): the punch margin of print.css's
# @page (27 mm left, 16 mm right) is mirrored on left-hand pages, where the holes are on the right.
MIRRORED_MARGIN = "margin-left: 16mm; margin-right: 27mm;"
DUPLEX_CSS = "@page :left { " + MIRRORED_MARGIN + " }"
BLANK_TEXT = "Diese Seite bleibt frei."


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Running:
    """Texts of the running header and footer of one printed document."""

    left: str
    right: str
    foot: str
    page_numbers: bool = True

    def css(self) -> str:
        foot = css_string(self.foot)
        if self.page_numbers:
            foot += ' " · Seite " counter(page) " von " counter(pages)'
        return (
            "@page { @top-left { content: " + css_string(self.left) + "; } "
            "@top-right { content: " + css_string(self.right) + "; } "
            "@bottom-left { content: " + foot + "; } }"
        )


class PrintRenderer:
    """Markdown → HTML with the site's extensions (minus web-only bits), wrapped for print."""

    def __init__(self, extensions: list, extension_configs: dict, site_url: str = ""):
        self.extensions = list(extensions)
        # The site's address (mkdocs.yml site_url): Blattverweise link to the sheets' web pages.
        # Not in the fingerprint: only documents with such links depend on it (link_inputs).
        self.site_url = site_url
        configs = copy.deepcopy(extension_configs or {})
        if "toc" in configs:
            configs["toc"] = {k: v for k, v in configs["toc"].items() if not k.startswith("permalink")}
        self.extension_configs = configs
        self._md: markdown.Markdown | None = None
        # What shapes every document besides its own inputs and our code (which every cache key
        # covers): the Markdown settings.
        self.fingerprint = repr((self.extensions, sorted((k, repr(v)) for k, v in configs.items())))

    def __getstate__(self) -> dict:
        # Sent to worker processes without the Markdown converter (each worker makes its own).
        return {**self.__dict__, "_md": None}

    # ----- links -------------------------------------------------------------
    def sheet_address(self, edition: AssembledEdition, blatt: str) -> str:
        """The web address of a sheet of `edition`; empty when the site has no address or the
        edition no such sheet."""
        target = edition.targets().get(blatt)
        if target is None:
            return ""
        return addresses.absolute_url(addresses.edition_url(self.site_url, edition.code), target.doc_path)

    def link_inputs(self, edition: AssembledEdition, text: str) -> list[tuple[str, str]]:
        """What the links of a document depend on besides its text: the address of every sheet
        it refers to (a delivered sheet keeps its old relative links, data-blatt names the sheet)."""
        return [(b, self.sheet_address(edition, b)) for b in sorted(set(SHEET_OF_LINK.findall(text)))]

    def _site_link(self, edition: AssembledEdition | None, m: re.Match) -> str:
        sheet = SHEET_OF_LINK.search(m.group(1))
        href = self.sheet_address(edition, html.unescape(sheet.group(1))) if sheet and edition else ""
        if not href:
            return f'<span class="lb-link">{m.group(2)}</span>'
        return f'<a class="lb-verweis" href="{esc(href)}">{m.group(2)}</a>'

    # ----- cache inputs --------------------------------------------------------
    def sheet_inputs(self, edition: AssembledEdition, sheet: AssembledSheet) -> str:
        return repr(
            (
                "blatt",
                edition.definition.titel,
                edition.definition.druck,
                sheet.blatt,
                sheet.titel,
                sheet.fassung_label,
                sheet.stand,
                sheet.grund,
                sheet.aenderung,
                sheet.schlagworte,
                sheet.register.number,
                sheet.register.titel,
                sheet.display_markdown,
                used_abbreviations(edition.abbreviations, sheet.display_markdown),
                self.link_inputs(edition, sheet.display_markdown),
            )
        )

    def checklists_inputs(self, edition: AssembledEdition, reg: AssembledRegister) -> str:
        from ..core.references import resolve

        targets = edition.targets()
        lists = [
            (s.blatt, s.stand, cl.id, cl.title, [(i.id, resolve(i.text, targets, s.doc_path)[0]) for i in cl.items])
            for s in reg.sheets
            for cl in s.checklists
        ]
        return repr(
            (
                "checklisten",
                edition.definition.titel,
                edition.definition.druck,
                reg.register.number,
                reg.register.titel,
                reg.register.stand,
                lists,
                self.link_inputs(edition, repr(lists)),
            )
        )

    def divider_inputs(self, edition: AssembledEdition, reg: AssembledRegister) -> str:
        r = reg.register
        return repr(
            (
                "register",
                edition.definition.titel,
                edition.definition.druck,
                r.number,
                r.titel,
                reg.fassung,
                reg.stand,
                reg.markdown,
                [(s.blatt, s.titel) for s in reg.sheets],
                used_abbreviations(edition.abbreviations, reg.markdown),
                self.link_inputs(edition, reg.markdown),
            )
        )

    def markdown(self, text: str, edition: AssembledEdition | None = None) -> str:
        """`edition`: the edition whose sheets the Blattverweise of `text` point to."""
        if self._md is None:
            self._md = markdown.Markdown(extensions=self.extensions, extension_configs=self.extension_configs)
        self._md.reset()
        out = self._md.convert(text)
        out = CHECKBOX_LABEL.sub(_titled_checkbox, out)
        return SITE_LINK.sub(lambda m: self._site_link(edition, m), out)

    def document(
        self,
        title: str,
        body: str,
        running: Running | None,
        *,
        keywords: list[str] | None = None,
        date: str | None = None,
        css_extra: str = "",
        duplex: bool = False,
    ) -> str:
        head = [
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">',
            f"<title>{esc(title)}</title>",
            f'<meta name="author" content="{AUTHOR}">',
            '<meta name="generator" content="loseblatt">',
        ]
        if keywords:
            head.append(f'<meta name="keywords" content="{esc(", ".join(keywords))}">')
        if date:
            # The sheet's Stand, not the build time: the same content gives the same PDF.
            head.append(f'<meta name="dcterms.created" content="{date}">')
            head.append(f'<meta name="dcterms.modified" content="{date}">')
        head.append('<link rel="stylesheet" href="fonts.css"><link rel="stylesheet" href="print.css">')
        style = (running.css() if running else "") + (DUPLEX_CSS if duplex else "") + css_extra
        if style:
            head.append(f"<style>{style}</style>")
        head.append("</head>")
        return "".join(head) + f'<body class="lb-druck">{body}</body></html>'

    # ----- documents ---------------------------------------------------------
    def running_for(self, edition: AssembledEdition, register_title: str, foot: str) -> Running:
        return Running(f"{BINDER_TITLE} · {edition.definition.titel}", register_title, foot)

    def sheet(self, edition: AssembledEdition, sheet: AssembledSheet) -> str:
        reg = sheet.register
        grund = ""
        if sheet.grund and sheet.fassung_label != "1":
            art = "Inhaltliche" if sheet.aenderung == "inhaltlich" else "Redaktionelle"
            grund = f'<p class="lb-aenderung"><strong>{art} Änderung in dieser Fassung:</strong> {esc(sheet.grund)}</p>'
        body = (
            f"<article><h1>{esc(sheet.titel)}</h1>"
            + sheet_head(reg.number, reg.titel, sheet.blatt, sheet.fassung_label, stand_long(sheet.stand), web=False)
            + grund
            + self.markdown(
                sheet.display_markdown + "\n\n" + used_abbreviations(edition.abbreviations, sheet.display_markdown),
                edition,
            )
            + "</article>"
        )
        foot = f"Blatt {sheet.blatt} · Fassung {sheet.fassung_label} · Stand {stand_short(sheet.stand)}"
        running = self.running_for(edition, f"Register {reg.number} · {reg.titel}", foot)
        return self.document(
            f"Blatt {sheet.blatt} – {sheet.titel}",
            body,
            running,
            keywords=sheet.schlagworte,
            date=f"{sheet.stand}-01",
            duplex=edition.definition.duplex,
        )

    def register_divider(self, edition: AssembledEdition, reg: AssembledRegister) -> str:
        r = reg.register
        # Ids and titles only: a sheet's new Fassung must not force a new divider page.
        rows = "".join(f"<tr><td>{esc(s.blatt)}</td><td>{esc(s.titel)}</td></tr>" for s in reg.sheets)
        table = (
            (f"<table><thead><tr><th>Blatt</th><th>Titel</th></tr></thead><tbody>{rows}</tbody></table>")
            if rows
            else "<p>In dieser Ausgabe enthält das Register noch keine Blätter.</p>"
        )
        body = (
            f'<article class="lb-register-trenner"><h1>Register {r.number}: {esc(r.titel)}</h1>'
            + self.markdown(reg.markdown + "\n\n" + used_abbreviations(edition.abbreviations, reg.markdown), edition)
            + f"<h2>Blätter in diesem Register</h2>{table}</article>"
        )
        # Derived from the deliveries (core/derived.py): a new sheet in the list is a new Fassung.
        foot = f"Registerblatt {r.number} · Fassung {reg.fassung} · Stand {stand_short(reg.stand)}"
        running = self.running_for(edition, f"Register {r.number} · {r.titel}", foot)
        return self.document(
            f"Register {r.number} – {r.titel}", body, running, date=f"{reg.stand}-01", duplex=edition.definition.duplex
        )

    def cover_and_contents(
        self,
        edition: AssembledEdition,
        pages: dict[str, int],
        latest: tuple[str, str] | None = None,
        contents: list[tuple[int, str, list[tuple[str, str]]]] | None = None,
        version: tuple[int, str] | None = None,
    ) -> str:
        """Cover and table of contents of the whole edition; `pages` counts each sheet's pages.
        `contents` (register number, title, [(blatt, titel)]) and `version` (Fassung, Stand)
        give it as of a delivery; by default the edition as it is now."""
        # Only what rarely changes (ids, titles, page counts): editing one sheet's text must not
        # force a new cover. Fassung and Stand of every sheet are in the list of valid sheets.
        d = edition.definition
        if contents is None:
            contents = [
                (r.register.number, r.register.titel, [(s.blatt, s.titel) for s in r.sheets]) for r in edition.registers
            ]
        if version is None:
            v = edition.cover_version
            version = (v.fassung, v.stand) if v else (1, max(s.stand for s in edition.sheets))
        rows = []
        for number, reg_titel, sheets in contents:
            rows.append(f'<tr class="lb-reg"><th colspan="3" scope="row">Register {number}: {esc(reg_titel)}</th></tr>')
            for blatt, titel in sheets:
                rows.append(
                    f"<tr><td>{esc(blatt)}</td><td>{esc(titel)}</td>"
                    f'<td class="lb-zahl">{extent_de(pages.get(blatt), d.duplex)}</td></tr>'
                )
        body = (
            '<section class="lb-deckblatt">'
            '<p class="lb-reihe">Beratungsordner zur kommunalen Kriminalprävention</p>'
            f"<h1>{BINDER_TITLE}</h1>"
            f'<p class="lb-ausgabe">{esc(d.titel)}</p>'
            '<p class="lb-angaben">'
            "Herausgegeben von der Stiftung Deutsches Forum für Kriminalprävention (DFK) "
            "mit den Landespräventionsgremien"
            + (f"<br>Für diese Ausgabe: {esc(d.gremium.name)}" if not d.is_base else "")
            + "</p>"
            + '<p class="lb-angaben">'
            + f"Stand: {stand_long(version[1])}<br>"
            + (
                f"Letzte Ergänzungslieferung: {esc(latest[0])} vom {date_long(latest[1])}"
                if latest
                else "Noch keine Ergänzungslieferung"
            )
            + "</p>"
            + (
                '<p class="lb-angaben"><strong>Bitte beidseitig drucken.</strong> Jedes Blatt beginnt auf einer '
                f"Vorderseite; freie Rückseiten sind mit „{BLANK_TEXT}“ gekennzeichnet. Jedes Blatt zählt seine "
                "Seiten für sich und wird bei einer Änderung einzeln ausgetauscht.</p></section>"
                if d.duplex
                else '<p class="lb-angaben"><strong>Bitte einseitig drucken.</strong> Jedes Blatt zählt seine Seiten '
                "für sich und wird bei einer Änderung einzeln ausgetauscht.</p></section>"
            )
            + '<section class="lb-inhalt"><h1>Inhalt</h1>'
            "<p>Jedes Blatt zählt seine Seiten für sich, damit es bei einer Änderung allein ausgetauscht werden kann.</p>"
            '<table><thead><tr><th>Blatt</th><th>Titel</th><th class="lb-zahl">Umfang</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
        running = Running(
            f"{BINDER_TITLE} · {d.titel}",
            "Deckblatt und Inhalt",
            f"Deckblatt und Inhalt · Fassung {version[0]} · Stand {stand_short(version[1])}",
        )
        return self.document(f"{BINDER_TITLE} – {d.titel}", body, running, duplex=d.duplex)

    def register_checklists(self, edition: AssembledEdition, reg: AssembledRegister) -> str:
        from ..core.references import resolve
        from .checklist_ext import dom_id

        parts = [
            f"<article><h1>Checklisten: Register {reg.register.number} – {esc(reg.register.titel)}</h1>",
            "<p>Zum Ausdrucken und Abhaken in der Sitzung. Die Kästchen lassen sich auch am Bildschirm ankreuzen.</p>",
        ]
        for sheet in reg.sheets:
            for cl in sheet.checklists:
                items = "".join(
                    f'<li><input type="checkbox" id="{dom_id(i.id)}" name="{dom_id(i.id)}" title="{esc(self._plain(i.text))}">'
                    f'<label for="{dom_id(i.id)}">{self._inline(resolve(i.text, edition.targets(), sheet.doc_path)[0], edition)}</label></li>'
                    for i in cl.items
                )
                parts.append(
                    f'<fieldset class="lb-checkliste"><legend>{esc(cl.title)} (Blatt {esc(sheet.blatt)})</legend>'
                    f'<ul class="lb-punkte">{items}</ul></fieldset>'
                )
        parts.append("</article>")
        r = reg.register
        running = self.running_for(edition, f"Register {r.number} · {r.titel}", f"Checklisten Register {r.number}")
        latest = max([s.stand for s in reg.sheets if s.checklists] or [r.stand])
        return self.document(
            f"Checklisten Register {r.number} – {r.titel}",
            "".join(parts),
            running,
            date=f"{latest}-01",
            duplex=edition.definition.duplex,
        )

    def blank_page(self, edition: AssembledEdition) -> str:
        """The left-hand page after a part that ends on a front page, in double-sided editions."""
        d = edition.definition
        running = Running(f"{BINDER_TITLE} · {d.titel}", "", "", page_numbers=False)
        body = f'<p class="lb-frei">{BLANK_TEXT}</p>'
        # A document of one page starts on a right-hand page; this one is printed on the back.
        return self.document(BLANK_TEXT, body, running, css_extra="@page { " + MIRRORED_MARGIN + " }")

    def _inline(self, text: str, edition: AssembledEdition) -> str:
        out = self.markdown(text, edition)
        return re.sub(r"^<p>(.*)</p>$", r"\1", out.strip(), flags=re.S)

    @staticmethod
    def _plain(text: str) -> str:
        return re.sub(r"[*_`\[\]]|\(.*?\)|\{.*?\}", "", text).strip()


def _titled_checkbox(m: re.Match) -> str:
    text = " ".join(html.unescape(TAG.sub("", m.group(3))).split())
    return f'{m.group(1)} title="{esc(text)}"{m.group(2)}'


def sheet_from_record(record, marked_against=None) -> AssembledSheet:
    """A delivered sheet (core.deliveries.SheetRecord) in the shape the print renderer takes;
    with `marked_against` (the record before), its changed passages carry revision marks."""
    from ..core.model import Register
    from ..core.revisions import mark

    reg = Register(record.register, "", Path(), record.register_titel, 1, record.stand, "", 1)
    sheet = AssembledSheet(
        blatt=record.blatt,
        titel=record.titel,
        fassung=record.fassung,
        stand=record.stand,
        register=reg,
        doc_path="",
        markdown=record.markdown,
        sources=[],
        origin="",
        aenderung=record.aenderung,
        grund=record.grund,
        extension_fassung=record.fassung_ergaenzung,
    )
    if marked_against is not None and record.aenderung == "inhaltlich":
        marked, n = mark(marked_against.markdown, record.markdown)
        if n:
            sheet.marked_markdown = marked
    return sheet


def register_as_delivered(state, version, fallback_markdown: str) -> AssembledRegister:
    """A register sheet as a delivery recorded it (core.derived.RegisterState and PageVersion),
    in the shape the print renderer takes. Deliveries before 2027 did not keep the assembled
    introduction: then the current one stands in (it has the same register.md)."""
    from ..core.derived import PageVersion
    from ..core.model import Register

    reg = Register(state.number, "", Path(), state.titel, version.fassung, version.stand, "", 1)
    sheets = [
        AssembledSheet(
            blatt=b,
            titel=t,
            fassung=1,
            stand=version.stand,
            register=reg,
            doc_path="",
            markdown="",
            sources=[],
            origin="",
        )
        for b, t in state.sheets
    ]
    markdown = state.markdown if state.markdown is not None else fallback_markdown
    out = AssembledRegister(reg, "", markdown, sheets)
    out.version = PageVersion(version.key, version.fassung, version.stand, version.seiten, version.delivery)
    return out


def supplement_cover(
    renderer: PrintRenderer,
    edition: AssembledEdition,
    name: str,
    datum: str,
    rows: list[tuple[str, str]],
    changed: list[tuple[str, str, str]],
) -> str:
    """Cover and filing instructions of a supplement; `changed` is (blatt, titel, grund)."""
    y, m, d = datum.split("-")
    table = "".join(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td></tr>" for a, b in rows)
    reasons = "".join(
        f"<li><strong>Blatt {esc(b)} – {esc(t)}</strong>{': ' + esc(g) if g else ''}</li>" for b, t, g in changed
    )
    body = (
        '<section class="lb-deckblatt lb-lieferung">'
        '<p class="lb-reihe">Beratungsordner zur kommunalen Kriminalprävention</p>'
        f"<h1>{BINDER_TITLE}</h1>"
        f'<p class="lb-ausgabe">{esc(edition.definition.titel)}<br>Ergänzungslieferung {esc(name)} vom {int(d)}.{int(m)}.{y}</p>'
        "</section>"
        '<section class="lb-inhalt lb-lieferung"><h1>Ablageanweisung</h1>'
        "<p>Nehmen Sie die links genannten Blätter aus Ihrem Ordner und heften Sie die rechts genannten an "
        "derselben Stelle ein. Die neuen Blätter folgen nach dieser Anweisung. Geänderte Abschnitte sind "
        "am linken Rand mit einem Strich markiert.</p>"
        + (
            "<p><strong>Bitte beidseitig drucken.</strong> Jedes Blatt beginnt auf einer Vorderseite; "
            "die Angaben nennen Blätter (Papier) und Seiten.</p>"
            if edition.definition.duplex
            else "<p><strong>Bitte einseitig drucken.</strong></p>"
        )
        + f"<table><thead><tr><th>Herausnehmen</th><th>Einfügen</th></tr></thead><tbody>{table}</tbody></table>"
        + (f"<h2>Was sich geändert hat</h2><ul>{reasons}</ul>" if reasons else "")
        + "</section>"
    )
    running = Running(
        f"{BINDER_TITLE} · {edition.definition.titel}",
        f"Ergänzungslieferung {name}",
        f"Ergänzungslieferung {name} · Ablageanweisung",
    )
    return renderer.document(
        f"{BINDER_TITLE} – {edition.definition.titel} – Ergänzungslieferung {name}",
        body,
        running,
        date=datum,
        duplex=edition.definition.duplex,
    )
