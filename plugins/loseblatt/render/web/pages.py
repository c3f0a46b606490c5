"""Markdown of the generated pages: sheets, register pages, edition start, chooser."""

from __future__ import annotations

from ...addresses import PDF_DIR, file_link, page_link
from ...core.assemble import AssembledEdition, AssembledRegister, AssembledSheet
from ...core.german import stand_long
from ...core.laender import BASE, LAENDER
from ...core.references import escape_markdown
from ..trusted import esc, sheet_head, trusted_html
from .vorlagen import web_markdown


def pdf_link(doc_path: str, pdf_name: str, text: str, use_directory_urls: bool = True) -> str:
    href = file_link(doc_path, f"{PDF_DIR}/{pdf_name}", use_directory_urls)
    return f'<a class="md-button lb-pdf" href="{esc(href)}" download>{esc(text)}</a>'


# Navigation titles reach the theme's templates, which insert them unescaped: they are HTML.
def sheet_nav_title(sheet: AssembledSheet) -> str:
    return f"{sheet.blatt} {esc(sheet.titel)}"


NAV_GROUP = 20  # sheets per navigation group in large registers


def register_nav_items(reg: AssembledRegister) -> list:
    """A register's sheets for the navigation. Large registers are split into groups of
    NAV_GROUP sheets, so that with navigation.prune a page renders only its own group: the cost
    of the navigation per page stays bounded instead of growing with the register's size."""
    items = [{sheet_nav_title(s): s.doc_path} for s in reg.sheets]
    if len(items) <= NAV_GROUP + NAV_GROUP // 2:
        return items
    groups = []
    for i in range(0, len(reg.sheets), NAV_GROUP):
        chunk = reg.sheets[i : i + NAV_GROUP]
        groups.append({f"Blätter {chunk[0].blatt}–{chunk[-1].blatt}": items[i : i + NAV_GROUP]})
    return groups


def register_nav_title(reg: AssembledRegister) -> str:
    return f"{reg.register.number} {esc(reg.register.titel)}"


def sheet_header(sheet: AssembledSheet) -> str:
    """The sheet's head: register, number, Fassung and Stand, as on the printed page."""
    reg = sheet.register
    return (
        trusted_html(
            sheet_head(reg.number, reg.titel, sheet.blatt, sheet.fassung_label, stand_long(sheet.stand), web=True)
        )
        + "\n"
    )


def sheet_page(
    sheet: AssembledSheet, pdf: str = "", extra: str = "", use_directory_urls: bool = True, head: str = ""
) -> str:
    """`head`: trusted lines under the sheet's head (the link to the comparison of Fassungen)."""
    grund = ""
    if sheet.grund and sheet.fassung_label != "1":
        art = "Inhaltliche" if sheet.aenderung == "inhaltlich" else "Redaktionelle"
        grund = (
            "\n"
            + trusted_html(
                f'<p class="lb-aenderung"><strong>{art} Änderung in dieser Fassung:</strong> {esc(sheet.grund)}</p>'
            )
            + "\n"
        )
    links = "\n" + trusted_html(f'<p class="lb-downloads">{pdf}</p>') + "\n" if pdf else ""
    title = escape_markdown(sheet.titel)
    body = web_markdown(sheet, sheet.display_markdown, use_directory_urls).strip()
    body += f"\n\n{extra.strip()}" if extra else ""
    head = f"\n{head.strip()}\n" if head else ""
    return f"# {title}\n\n{sheet_header(sheet)}{grund}{head}\n{body}\n{links}"


def register_page(reg: AssembledRegister, pdf: str = "", extra: str = "") -> str:
    r = reg.register
    lines = [
        f"# Register {r.number}: {escape_markdown(r.titel)}\n",
        trusted_html(
            '<div class="lb-kopf" role="group" aria-label="Angaben zum Registerblatt">\n'
            f'<span class="lb-kopf-register">Registerblatt {r.number}</span>\n'
            f'<span class="lb-kopf-fassung">Fassung {reg.fassung}</span>\n'
            f'<span class="lb-kopf-stand">Stand: {stand_long(reg.stand)}</span>\n</div>'
        )
        + "\n",
        reg.markdown.strip() + "\n",
        extra,
        (trusted_html(f'<p class="lb-downloads">{pdf}</p>') + "\n" if pdf else ""),
        "## Blätter in diesem Register\n",
    ]
    if reg.sheets:
        lines.append("| Blatt | Titel | Fassung | Stand |\n|---|---|---|---|")
        for s in reg.sheets:
            lines.append(
                f"| {s.blatt} | [{escape_markdown(s.titel)}]({page_link(reg.doc_path, s.doc_path)}) "
                f"| {s.fassung_label} | {stand_long(s.stand)} |"
            )
    else:
        lines.append("In dieser Ausgabe enthält das Register noch keine Blätter.")
    return "\n".join(lines) + "\n"


def registers_overview(edition: AssembledEdition, from_doc: str = "index.md") -> str:
    lines = ["## Die Register\n"]
    for reg in edition.registers:
        n = len(reg.sheets)
        count = "1 Blatt" if n == 1 else f"{n} Blätter"
        lines.append(
            f"{reg.register.number}. [{escape_markdown(reg.register.titel)}]({page_link(from_doc, reg.doc_path)}) ({count})"
        )
    return "\n".join(lines) + "\n"


def chooser_page(editions: dict[str, str]) -> str:
    """site/index.html: every Land leads to its edition or, without one, to the general edition."""
    if editions and not any(code == BASE or code in LAENDER for code in editions):
        # A municipal binder: its one edition.
        links = "".join(f"- [{escape_markdown(t)}]({c}/)\n" for c, t in editions.items())
        return "---\nhide:\n  - navigation\n  - toc\n---\n\n# Kommune beugt vor!\n\n" + links
    lines = [
        "---\nhide:\n  - navigation\n  - toc\n---\n",
        "# Kommune beugt vor!\n",
        "Den Beratungsordner zur kommunalen Kriminalprävention gibt es als allgemeine Ausgabe "
        "und in Ausgaben der Länder, die eigene Blätter zu Landesstrategie, Förderung und "
        "Ansprechpartnern enthalten. Wählen Sie Ihr Land:\n",
    ]
    items = ['<ul class="lb-laender">']
    for code, name in sorted(LAENDER.items(), key=lambda kv: kv[1]):
        if code in editions:
            items.append(
                f'<li><a href="{code}/">{esc(name)}</a> <span class="lb-hinweis">Landesausgabe</span> '
                f'<a class="lb-anders" href="{code}/anders/">was in der Ausgabe {esc(name)} anders ist</a></li>'
            )
        else:
            items.append(
                f'<li><a href="{BASE}/">{esc(name)}</a> <span class="lb-hinweis">allgemeine Ausgabe</span></li>'
            )
    items.append("</ul>")
    lines.append(trusted_html("\n".join(items)) + "\n")
    if BASE in editions:
        lines.append(f"Ohne Landesbezug: [{escape_markdown(editions[BASE])}]({BASE}/).\n")
        legal = " · ".join(
            f'<a href="{BASE}/{slug}/">{label}</a>'
            for slug, label in (("impressum", "Impressum"), ("datenschutz", "Datenschutz"),
                                ("barrierefreiheit", "Erklärung zur Barrierefreiheit"))
        )  # fmt: skip
        lines.append(trusted_html(f'<p class="lb-rechtliches">{legal}</p>') + "\n")
    return "\n".join(lines)


def missing_sheet_page() -> str:
    """Where the edition switcher leads when this edition has no corresponding sheet; the
    switcher's script names the sheet (assets/ausgaben.js)."""
    return (
        "---\nsearch:\n  exclude: true\n---\n"
        "# Dieses Blatt gibt es hier nicht\n\n"
        + trusted_html(
            '<p class="lb-fehlt" data-lb-fehlt>Das Blatt, das Sie in einer anderen Ausgabe gelesen haben, '
            "gibt es in dieser Ausgabe nicht.</p>"
        )
        + "\n\nDie Ausgaben der Länder enthalten eigene Blätter; Blätter mit derselben Nummer sind "
        "in verschiedenen Ländern verschiedene Blätter.\n\n"
        "- [Zur Startseite dieser Ausgabe](index.md)\n"
        "- "
        + trusted_html('<a data-lb-fehlt-register hidden href="index.html">Register</a>')
        + "\n- "
        + trusted_html('<a href="../../">Zur Auswahl aller Länder</a>')
        + "\n"
    )


# Where the contacts of a state edition (ausgabe.yml → kontakte) are shown.
CONTACT_REGISTER = 8
CONTACT_SHEET = "9.1"


def contacts_markdown(edition: AssembledEdition) -> str:
    """The edition's contacts as a list; every field is text, web addresses become links."""
    contacts = edition.definition.kontakte
    if edition.definition.code == BASE or not contacts:
        return ""
    lines = [f"## Ansprechstellen in {escape_markdown(edition.definition.name)}\n"]
    for c in contacts:
        parts = [f"**{escape_markdown(c.name)}**"]
        if c.rolle:
            parts.append(escape_markdown(c.rolle))
        if c.telefon:
            parts.append(f"Telefon {escape_markdown(c.telefon)}")
        if c.email:
            parts.append(f"[{escape_markdown(c.email)}](mailto:{c.email})")
        if c.web:
            parts.append(c.web)  # checked to be an https/http address; shown as a link
        lines.append("- " + " – ".join(parts))
    return "\n".join(lines) + "\n"
