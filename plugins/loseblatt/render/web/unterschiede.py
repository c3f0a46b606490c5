"""«Was in dieser Ausgabe anders ist»: a state edition against the general one, generated from
the assembly (so it is always right): the state's own sheets, replaced sheets (with a word by
word comparison against the general sheet), extended sheets, omitted sheets, the state's
variables."""

from __future__ import annotations

import html

from ... import addresses
from ...addresses import page_link
from ...core.assemble import AssembledEdition, AssembledSheet, GeneralSheet
from ...core.german import stand_long
from ...core.laender import BASE
from ...core.model import sheet_sort_key
from ...core.references import escape_markdown
from ..trusted import trusted_html
from .vergleich import Comparisons

DOC = addresses.ANDERS
TITLE = "Was in dieser Ausgabe anders ist"


def _general_link(from_doc: str, sheet: AssembledSheet, text: str) -> str:
    href = addresses.other_edition_link(from_doc, BASE, sheet.doc_path)
    return trusted_html(f'<a href="{html.escape(href)}">{html.escape(text)}</a>')


def own_sheets(edition: AssembledEdition) -> list[AssembledSheet]:
    code = edition.code
    return [s for s in edition.sheets if s.base is not None and s.base.edition == code and not s.base.ersetzt]


def replaced_sheets(edition: AssembledEdition) -> list[AssembledSheet]:
    return [s for s in edition.sheets if s.blatt in edition.overlay.replaced]


def extended_sheets(edition: AssembledEdition) -> list[AssembledSheet]:
    return [s for s in edition.sheets if s.extension is not None]


def _value(value) -> str:
    return escape_markdown(str(value)) if value not in (None, "") else "–"


def variable_rows(edition: AssembledEdition) -> list[tuple[str, str, str]]:
    """(what, this edition, general edition) for the state's name, body and variables."""
    here, general = edition.context, edition.overlay.general_context
    rows = [("{{ land.name }}", here["land"]["name"], general.get("land", {}).get("name", ""))]
    for key in ("name", "nominativ", "kurz"):
        rows.append(
            (
                f"{{{{ land.gremium.{key} }}}}",
                here["land"]["gremium"].get(key, ""),
                general.get("land", {}).get("gremium", {}).get(key, ""),
            )
        )
    names = sorted(set(here["var"]) | set(general.get("var", {})))
    rows += [(f"{{{{ var.{n} }}}}", here["var"].get(n, ""), general.get("var", {}).get(n, "")) for n in names]
    return rows


def _section(title: str, intro: str, head: str, rows: list[str], empty: str) -> list[str]:
    """A section of the page: its heading, then an introduction and the rows, or one sentence."""
    if not rows:
        return [f"## {title}\n", empty, ""]
    return [f"## {title}\n", *([intro] if intro else []), *([head] if head else []), *rows, ""]


def differences_page(edition: AssembledEdition) -> str:
    d = edition.definition
    lines = [
        f"# {TITLE}\n",
        f"Die {escape_markdown(d.titel)} beruht auf der allgemeinen Ausgabe des Ordners. Diese Seite zeigt, "
        f"was {escape_markdown(d.name)} hinzufügt, ersetzt, ergänzt oder weglässt, und welche Angaben des "
        "Landes in den Text eingesetzt werden. Sie entsteht beim Bauen aus der Zusammenstellung der "
        "Ausgabe und ist deshalb immer aktuell.\n",
    ]
    own = own_sheets(edition)
    lines += _section(
        f"Eigene Blätter des Landes ({len(own)})",
        "",
        "| Blatt | Titel | Register | Fassung |\n|---|---|---|---|",
        [
            f"| {s.blatt} | [{escape_markdown(s.titel)}]({page_link(DOC, s.doc_path)}) "
            f"| {s.register.number} {escape_markdown(s.register.titel)} | {s.fassung_label} |"
            for s in own
        ],
        "Diese Ausgabe hat keine eigenen Blätter.",
    )
    replaced = replaced_sheets(edition)
    lines += _section(
        f"Ersetzte Blätter ({len(replaced)})",
        "Diese Blätter hat das Land durch eigene Fassungen ersetzt. Der Vergleich zeigt Wort für Wort, "
        "was hier anders steht als in der allgemeinen Ausgabe.\n",
        "| Blatt | in dieser Ausgabe | in der allgemeinen Ausgabe | Vergleich |\n|---|---|---|---|",
        [
            f"| {s.blatt} | [{escape_markdown(s.titel)}]({page_link(DOC, s.doc_path)}) "
            f"| {_general_link(DOC, s, edition.overlay.replaced[s.blatt].titel)} "
            f"| [Vergleich]({page_link(DOC, addresses.general_comparison_page(s.blatt))}) |"
            for s in replaced
        ],
        "Diese Ausgabe ersetzt keine Blätter der allgemeinen Ausgabe.",
    )
    extended = extended_sheets(edition)
    lines += _section(
        f"Ergänzte Blätter ({len(extended)})",
        f"An diese Blätter der allgemeinen Ausgabe ist ein Kasten „Hinweise für {escape_markdown(d.name)}“ "
        "angefügt; der übrige Text ist derselbe.\n",
        "",
        [
            f"- [Blatt {s.blatt} – {escape_markdown(s.titel)}]({page_link(DOC, s.doc_path)}), ergänzt um "
            f"„{escape_markdown(s.extension.titel if s.extension else '')}“ – allgemeine Fassung: "
            + _general_link(DOC, s, f"Blatt {s.blatt} in der allgemeinen Ausgabe")
            for s in extended
        ],
        "Diese Ausgabe ergänzt keine Blätter der allgemeinen Ausgabe.",
    )
    omitted = sorted(edition.overlay.omitted, key=lambda g: sheet_sort_key(g.blatt))
    lines += _section(
        f"Weggelassene Blätter ({len(omitted)})",
        "Diese Blätter der allgemeinen Ausgabe gehören nicht zu dieser Ausgabe:\n",
        "",
        [f"- Blatt {g.blatt} – {escape_markdown(g.titel)}" for g in omitted],
        "Diese Ausgabe lässt keine Blätter der allgemeinen Ausgabe weg.",
    )
    lines.append("## Angaben des Landes im Text\n")
    lines.append(
        "Wo ein Blatt eine Angabe des Landes enthält, setzt jede Ausgabe ihre eigene ein. Die Spalte rechts zeigt, "
        "was die allgemeine Ausgabe an derselben Stelle sagt.\n"
    )
    lines.append(f"| Angabe | {escape_markdown(d.titel)} | Allgemeine Ausgabe |\n|---|---|---|")
    for what, here, general in variable_rows(edition):
        lines.append(f"| `{what}` | {_value(here)} | {_value(general)} |")
    return "\n".join(lines) + "\n"


def replacement_page(
    sheet: AssembledSheet, general: GeneralSheet, edition: AssembledEdition, comparisons: Comparisons
) -> str:
    doc = addresses.general_comparison_page(sheet.blatt)
    marked, n = comparisons.marked(general.markdown, sheet.markdown)
    return "\n".join(
        [
            "---\nsearch:\n  exclude: true\n---\n",
            f"# Blatt {sheet.blatt}: {escape_markdown(edition.definition.titel)} und allgemeine Ausgabe\n",
            f"[Blatt {sheet.blatt} – {escape_markdown(sheet.titel)}]({page_link(doc, sheet.doc_path)}) ersetzt in dieser "
            f"Ausgabe das Blatt „{escape_markdown(general.titel)}“ der allgemeinen Ausgabe "
            f"(Fassung {general.fassung}, Stand {stand_long(general.stand)}; "
            + _general_link(doc, sheet, "in der allgemeinen Ausgabe lesen")
            + "). Text, der nur hier steht, ist **unterstrichen**; Text, der nur in der allgemeinen Ausgabe "
            f"steht, **durchgestrichen**. {n} {'Absatz unterscheidet' if n == 1 else 'Absätze unterscheiden'} sich.\n",
            f"[Zurück zu „{TITLE}“]({page_link(doc, DOC)})\n",
            trusted_html(marked) + "\n",
        ]
    )


def edition_pages(edition: AssembledEdition, comparisons: Comparisons) -> dict[str, str]:
    if edition.code == BASE:
        return {}
    pages = {DOC: differences_page(edition)}
    for s in replaced_sheets(edition):
        pages[addresses.general_comparison_page(s.blatt)] = replacement_page(
            s, edition.overlay.replaced[s.blatt], edition, comparisons
        )
    return pages
