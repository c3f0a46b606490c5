"""Stichwortverzeichnis: the keywords (schlagworte) of an edition's sheets, alphabetically."""

from __future__ import annotations

from ...addresses import STICHWORTE, page_link
from ...core.assemble import AssembledEdition
from ...core.german import german_sort_key, group_word_forms
from ...core.model import sheet_sort_key
from ...core.references import escape_markdown


def keyword_index(edition: AssembledEdition) -> dict[str, tuple[list[str], list]]:
    """Head word -> (other forms, sheets). Forms of one word («Sitzung», «Sitzungen») are one
    entry (core.german.group_word_forms); forms that differ only in case are not listed."""
    by_word: dict[str, list] = {}
    for sheet in edition.sheets:
        for word in sheet.schlagworte:
            by_word.setdefault(word, []).append(sheet)
    index: dict[str, tuple[list[str], list]] = {}
    for head, *others in group_word_forms(by_word):
        sheets = {s.blatt: s for w in (head, *others) for s in by_word[w]}
        variants: list[str] = []
        for w in others:
            if w.casefold() not in {v.casefold() for v in (head, *variants)}:
                variants.append(w)
        index[head] = (variants, sorted(sheets.values(), key=lambda s: sheet_sort_key(s.blatt)))
    return index


def keyword_page(edition: AssembledEdition) -> str:
    index = keyword_index(edition)
    lines = [
        "# Stichwortverzeichnis\n",
        "Die Stichwörter der Blätter dieser Ausgabe, alphabetisch. Jedes Stichwort führt zu den Blättern, "
        "die das Thema behandeln.\n",
    ]
    letter = None
    for word, (variants, sheets) in index.items():
        first = german_sort_key(word)[0][:1].upper() or "#"
        if first != letter:
            letter = first
            lines.append(f"\n## {letter}\n")
        refs = ", ".join(f'[{s.blatt}]({page_link(STICHWORTE, s.doc_path)} "{s.titel}")' for s in sheets)
        also = f" (auch: {', '.join(escape_markdown(v) for v in variants)})" if variants else ""
        lines.append(f"- **{escape_markdown(word)}**{also}: {refs}")
    if not index:
        lines.append("Die Blätter dieser Ausgabe haben noch keine Stichwörter.")
    return "\n".join(lines) + "\n"
