"""Generated pages «Checklisten»: an overview per edition and one page per register."""

from __future__ import annotations

from ...addresses import CHECKLISTEN, checklists_page, page_link
from ...core.assemble import AssembledEdition, AssembledRegister
from ...core.checklists import Checklist
from ...core.references import resolve
from ..trusted import trusted_html


def registers_with_checklists(edition: AssembledEdition) -> list[AssembledRegister]:
    return [r for r in edition.registers if any(s.checklists for s in r.sheets)]


def checklist_markdown(cl: Checklist, edition: AssembledEdition, from_doc: str) -> str:
    lines = [f'!!! checkliste "{cl.title}" {{{cl.id}}}', ""]
    for item in cl.items:
        text, _ = resolve(item.text, edition.targets(), from_doc)  # already checked on the sheet
        lines.append(f"    - [ ] {{{item.id}}} {text}")
    return "\n".join(lines) + "\n"


def controls(scope: str) -> str:
    """Buttons that need script are hidden until the script shows them."""
    return (
        trusted_html(
            f'<div class="lb-steuerung" data-lb-steuerung="{scope}" hidden>\n'
            '<button type="button" class="md-button" data-lb-aktion="export">Stand exportieren</button>\n'
            '<label class="md-button lb-import">Stand importieren '
            '<input type="file" accept="application/json,.json" data-lb-aktion="import"></label>\n'
            '<button type="button" class="md-button" data-lb-aktion="reset">'
            + ("Alle Haken dieser Ausgabe löschen" if scope == "ausgabe" else "Alle Haken dieses Registers löschen")
            + "</button>\n"
            + (
                '<button type="button" class="md-button" data-lb-aktion="drucken">'
                "Stand drucken (für das Protokoll)</button>\n"
                if scope == "ausgabe"
                else ""
            )
            + '<p class="lb-meldung" role="status" aria-live="polite"></p>\n'
            "</div>"
        )
        + "\n"
    )


def overview_page(edition: AssembledEdition) -> str:
    regs = registers_with_checklists(edition)
    total = sum(len(cl.items) for r in regs for s in r.sheets for cl in s.checklists)
    lines = [
        "# Checklisten\n",
        "Hier stehen alle Checklisten dieser Ausgabe, nach Registern geordnet. Haken, die Sie hier "
        "oder auf einem Blatt setzen, speichert nur Ihr Browser auf diesem Gerät; es wird nichts "
        "übertragen. Mit «Stand exportieren» sichern Sie die Haken in einer Datei, die Sie weitergeben "
        "und mit «Stand importieren» auf einem anderen Gerät wieder einlesen können.\n",
        controls("ausgabe"),
        f"Insgesamt {total} Punkte in {sum(len(s.checklists) for r in regs for s in r.sheets)} Checklisten.\n",
        # Filled by the script with today's date and the ticks of this browser: printed, it is the
        # «Stand der Checklisten» for the council's minutes.
        trusted_html(f'<p class="lb-bericht" data-lb-bericht="{total}" hidden></p>') + "\n",
    ]
    for reg in regs:
        lines.append(f"## Register {reg.register.number}: {reg.register.titel}\n")
        lines.append(
            f"[Alle Checklisten dieses Registers auf einer Seite]({page_link(CHECKLISTEN, checklists_page(reg.register.number))})\n"
        )
        for sheet in reg.sheets:
            for cl in sheet.checklists:
                lines.append(
                    f"- [{cl.title}]({page_link(CHECKLISTEN, sheet.doc_path)}) – Blatt {sheet.blatt}, "
                    f"{len(cl.items)} Punkte "
                    + trusted_html(
                        f'<span class="lb-fortschritt-kurz" data-lb-liste="{cl.id}" data-lb-gesamt="{len(cl.items)}"></span>'
                    )
                )
        lines.append("")
    return "\n".join(lines) + "\n"


def register_checklists_page(edition: AssembledEdition, reg: AssembledRegister) -> str:
    path = checklists_page(reg.register.number)
    lines = [f"# Checklisten Register {reg.register.number}: {reg.register.titel}\n", controls("register")]
    for sheet in reg.sheets:
        for cl in sheet.checklists:
            lines.append(f"## {cl.title}\n")
            lines.append(f"Aus [Blatt {sheet.blatt} – {sheet.titel}]({page_link(path, sheet.doc_path)}).\n")
            lines.append(checklist_markdown(cl, edition, path))
    return "\n".join(lines) + "\n"
