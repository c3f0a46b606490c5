"""Pages of the loose-leaf system: list of valid sheets, «Was ist neu», supplements."""

from __future__ import annotations

from ... import addresses
from ...addresses import (
    LIEFERUNGEN,
    NEU,
    SUPPLEMENT_DIR,
    VERZEICHNIS,
    file_link,
    page_link,
    supplement_pdf,
)
from ...core.assemble import AssembledEdition
from ...core.deliveries import EditionChanges
from ...core.german import date_de as _date
from ...core.german import extent_de, stand_short
from ...core.history import Delivery, EditionHistory, filing_rows
from ..changes import change_list
from ..trusted import esc, trusted_html


def valid_sheets_page(edition: AssembledEdition, history: EditionHistory, pages: dict[str, int]) -> str:
    """Verzeichnis der gültigen Blätter: check a printed binder against it."""
    last = history.deliveries[-1] if history.deliveries else None
    duplex = edition.definition.duplex
    lines = [
        "# Verzeichnis der gültigen Blätter\n",
        f"Dieses Verzeichnis nennt jedes Blatt der {esc(edition.definition.titel)} in seiner gültigen Fassung. "
        "Legen Sie es neben Ihren gedruckten Ordner: Stimmen Blattnummer, Fassung und Stand überein, ist Ihr Ordner "
        "aktuell. Fehlt ein Blatt oder ist eine ältere Fassung abgeheftet, drucken Sie das Blatt neu aus.\n",
    ]
    if last:
        lines.append(
            f"Letzte Ergänzungslieferung: [{last.name} vom {_date(last.datum)}]({page_link(VERZEICHNIS, addresses.delivery_page(last.name))}).\n"
        )
    cover = edition.cover_version
    if cover is not None:
        lines.append("## Deckblatt und Inhalt\n")
        lines.append("| Seiten | Fassung | Stand | Umfang |\n|---|---|---|---|")
        lines.append(
            f"| Deckblatt und Inhalt | {cover.fassung} | {stand_short(cover.stand)} | {extent_de(cover.seiten, duplex)} |\n"
        )
    for reg in edition.registers:
        r = reg.register
        lines.append(f"## Register {r.number}: {r.titel}\n")
        lines.append("| Blatt | Titel | Fassung | Stand | Umfang |\n|---|---|---|---|---|")
        lines.append(
            f"| Registerblatt {r.number} | [{r.titel}]({page_link(VERZEICHNIS, reg.doc_path)}) | {reg.fassung} "
            f"| {stand_short(reg.stand)} | {extent_de(reg.version.seiten if reg.version else None, duplex)} |"
        )
        for s in reg.sheets:
            lines.append(
                f"| {s.blatt} | [{s.titel}]({page_link(VERZEICHNIS, s.doc_path)}) | {s.fassung_label} "
                f"| {stand_short(s.stand)} | {extent_de(pages.get(s.blatt), duplex)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def _changes_markdown(
    changes: EditionChanges,
    from_doc: str,
    edition: AssembledEdition,
    heading: str = "###",
    comparisons: dict[str, str] | None = None,
) -> list[str]:
    targets = {s.blatt: s.doc_path for s in edition.sheets}

    def link(blatt: str, titel: str) -> str:
        return (
            f"[Blatt {blatt} – {titel}]({page_link(from_doc, targets[blatt])})"
            if blatt in targets
            else f"Blatt {blatt} – {titel}"
        )

    def compare(blatt: str) -> str:
        doc = (comparisons or {}).get(blatt)
        return f" – [Fassungen vergleichen]({page_link(from_doc, doc)})" if doc else ""

    return change_list(changes, link, heading, compare)


def whats_new_page(
    edition: AssembledEdition, history: EditionHistory, comparisons: dict[str, str] | None = None
) -> str:
    lines = [
        "# Was ist neu\n",
        "Hier steht, was jede Ergänzungslieferung gebracht hat: neue, geänderte und entfallene Blätter, "
        "jeweils mit dem Grund der Änderung. Die neueste Lieferung steht oben.\n",
        "Sie können die Lieferungen dieser Ausgabe mit einem Feedreader abonnieren: "
        "[Ergänzungslieferungen als Atom-Feed](feed.xml)\n",
    ]
    if history.pending:
        lines.append("## Seit der letzten Lieferung\n")
        lines.append(
            "Diese Änderungen sind schon auf der Website, aber noch in keiner Ergänzungslieferung enthalten.\n"
        )
        lines += _changes_markdown(history.pending, NEU, edition, comparisons=comparisons)
    if not history.deliveries:
        lines.append("Bisher wurde keine Ergänzungslieferung veröffentlicht.\n")
    for d in reversed(history.deliveries):
        lines.append(f"## Lieferung {d.name} vom {_date(d.datum)}\n")
        if d.previous is None:
            lines.append(
                f"Erste Lieferung: der Ordner mit {len(d.changes.new)} Blättern. "
                f"[Zur Lieferung]({page_link(NEU, addresses.delivery_page(d.name))})\n"
            )
            continue
        if not d:
            lines.append("Diese Lieferung brachte für diese Ausgabe keine Änderungen.\n")
            continue
        lines += _changes_markdown(d.changes, NEU, edition, comparisons=comparisons)
        lines.append(
            f"[Ablageanweisung und Blätter dieser Lieferung]({page_link(NEU, addresses.delivery_page(d.name))})\n"
        )
    return "\n".join(lines) + "\n"


def delivery_page(edition: AssembledEdition, d: Delivery, with_pdf: bool, use_directory_urls: bool) -> str:
    doc = addresses.delivery_page(d.name)
    lines = [f"# Ergänzungslieferung {d.name}\n", f"{esc(edition.definition.titel)} · Lieferung vom {_date(d.datum)}\n"]
    if d.previous is None:
        lines.append(
            f"Dies ist die erste Lieferung: der vollständige Ordner mit {len(d.changes.new)} Blättern. "
            f"Drucken Sie ihn als [ganze Ausgabe]({page_link(doc, 'index.md')}) aus und prüfen Sie ihn mit dem "
            f"[Verzeichnis der gültigen Blätter]({page_link(doc, VERZEICHNIS)}).\n"
        )
        return "\n".join(lines) + "\n"
    if not d:
        lines.append("Für diese Ausgabe enthält diese Lieferung keine Änderungen. Ihr Ordner bleibt, wie er ist.\n")
        return "\n".join(lines) + "\n"
    if with_pdf:
        href = file_link(doc, f"{SUPPLEMENT_DIR}/{supplement_pdf(d.name)}", use_directory_urls)
        lines.append(
            trusted_html(
                f'<p class="lb-downloads"><a class="md-button lb-pdf" href="{esc(href)}" download>'
                "Lieferung als PDF (Ablageanweisung und neue Blätter)</a></p>"
            )
            + "\n"
        )
    lines.append("## Ablageanweisung\n")
    duplex = edition.definition.duplex
    lines.append(
        "Nehmen Sie die links genannten Blätter aus Ihrem Ordner und heften Sie die rechts genannten "
        "an derselben Stelle ein. Jedes Blatt hat eigene Seitenzahlen; es werden immer ganze Blätter "
        "getauscht."
        + (" Diese Ausgabe wird beidseitig gedruckt: jedes Blatt beginnt auf einer Vorderseite." if duplex else "")
        + "\n"
    )
    lines.append("| Herausnehmen | Einfügen |\n|---|---|")
    lines += [f"| {out} | {put} |" for out, put in filing_rows(d.changes, derived=d.derived, duplex=duplex)]
    lines.append("")
    lines.append("## Was sich geändert hat\n")
    lines += _changes_markdown(d.changes, doc, edition)
    if d.derived.changed:
        lines.append("### Registerblätter, Deckblatt und Inhalt\n")
        lines.append(
            "Diese Seiten ergeben sich aus den Blättern: Kommt ein Blatt hinzu, ändert sich ein Titel oder "
            "die Einleitung eines Registers, erhalten sie eine neue Fassung.\n"
        )
        lines += [
            f"- {new.label}, Fassung {old.fassung if old else '–'} → {new.fassung}" for old, new in d.derived.changed
        ]
        lines.append("")
    return "\n".join(lines) + "\n"


def deliveries_index(edition: AssembledEdition, history: EditionHistory) -> str:
    lines = [
        "# Ergänzungslieferungen\n",
        "Eine Ergänzungslieferung enthält nur die neuen und geänderten Blätter und sagt, welche Blätter "
        "Sie aus Ihrem gedruckten Ordner herausnehmen und welche Sie einfügen.\n",
    ]
    for d in reversed(history.deliveries):
        summary = (
            "erste Lieferung"
            if d.previous is None
            else f"{len(d.changes.new)} neu, {len(d.changes.changed)} geändert, {len(d.changes.withdrawn)} entfallen"
        )
        lines.append(
            f"- [Lieferung {d.name} vom {_date(d.datum)}]({page_link(LIEFERUNGEN, addresses.delivery_page(d.name))}): {summary}"
        )
    if not history.deliveries:
        lines.append("Bisher wurde keine Ergänzungslieferung veröffentlicht.")
    return "\n".join(lines) + "\n"
