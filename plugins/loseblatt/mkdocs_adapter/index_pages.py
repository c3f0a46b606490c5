"""Stichwortverzeichnis: the keywords (schlagworte) of an edition's sheets, alphabetically."""

from __future__ import annotations

from ..core.assemble import AssembledEdition
from ..core.german import german_sort_key
from ..core.model import sheet_sort_key
from ..core.references import escape_markdown
from .pages import rel

STICHWORTE = "stichwortverzeichnis.md"


def keyword_index(edition: AssembledEdition) -> dict[str, list]:
    index: dict[str, list] = {}
    for sheet in edition.sheets:
        for word in sheet.schlagworte:
            index.setdefault(word, []).append(sheet)
    return {
        w: sorted(sheets, key=lambda s: sheet_sort_key(s.blatt))
        for w, sheets in sorted(index.items(), key=lambda kv: german_sort_key(kv[0]))
    }


def keyword_page(edition: AssembledEdition) -> str:
    index = keyword_index(edition)
    lines = [
        "# Stichwortverzeichnis\n",
        "Die Stichwörter der Blätter dieser Ausgabe, alphabetisch. Jedes Stichwort führt zu den Blättern, "
        "die das Thema behandeln.\n",
    ]
    letter = None
    for word, sheets in index.items():
        first = german_sort_key(word)[0][:1].upper() or "#"
        if first != letter:
            letter = first
            lines.append(f"\n## {letter}\n")
        refs = ", ".join(f'[{s.blatt}]({rel(STICHWORTE, s.doc_path)} "{s.titel}")' for s in sheets)
        lines.append(f"- **{escape_markdown(word)}**: {refs}")
    if not index:
        lines.append("Die Blätter dieser Ausgabe haben noch keine Stichwörter.")
    return "\n".join(lines) + "\n"
