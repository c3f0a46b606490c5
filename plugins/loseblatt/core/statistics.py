"""Counts of sheets and words per register and per state, for editors and the content tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assemble import AssembledEdition
from .laender import LAENDER
from .model import Binder

WORD = re.compile(r"\w+", re.UNICODE)


def words(markdown: str) -> int:
    # Markup is not text: drop HTML tags, link targets and the checklist ids of the canonical form.
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    return len(WORD.findall(text))


@dataclass
class Row:
    label: str
    sheets: int = 0
    words: int = 0
    word_counts: list[int] = field(default_factory=list)

    @property
    def average(self) -> int:
        return round(self.words / self.sheets) if self.sheets else 0

    @property
    def minimum(self) -> int:
        return min(self.word_counts) if self.word_counts else 0


def base_statistics(binder: Binder, bund: AssembledEdition) -> list[Row]:
    """Per register of the general edition (words as rendered: variables and glossary inserted)."""
    rows = {n: Row(f"{n} {r.titel}") for n, r in sorted(binder.registers.items())}
    for sheet in bund.sheets:
        n = words(sheet.markdown)
        row = rows[sheet.register.number]
        row.sheets += 1
        row.words += n
        row.word_counts.append(n)
    return list(rows.values())


def state_statistics(binder: Binder, editions: dict[str, AssembledEdition]) -> list[Row]:
    """Per Land: its own sheets (new, replacing or extending)."""
    out = []
    for code, sheets in sorted(binder.state_sheets.items()):
        row = Row(f"{code} {binder.editions[code].name}")
        for sheet in sheets:
            n = words(sheet.body)
            row.sheets += 1
            row.words += n
            row.word_counts.append(n)
        out.append(row)
    return out


def table(title: str, rows: list[Row]) -> str:
    lines = [f"| {title} | Blätter | Wörter | Mittel | kleinstes |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.label} | {r.sheets} | {r.words} | {r.average} | {r.minimum} |")
    total = Row(
        "Summe", sum(r.sheets for r in rows), sum(r.words for r in rows), [c for r in rows for c in r.word_counts]
    )
    lines.append(f"| **{total.label}** | {total.sheets} | {total.words} | {total.average} | {total.minimum} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Minimum:
    label: str
    value: int
    target: int

    @property
    def met(self) -> bool:
        return self.value >= self.target


def minimums(binder: Binder, editions: dict[str, AssembledEdition]) -> list[Minimum]:
    """What the binder must hold to be useful to a council (content issue): base sheets and
    their length, templates, the states' own sheets, and every Land in the contacts sheet 9.1."""
    bund = editions["bund"]
    counts = [words(s.markdown) for s in bund.sheets]
    out = [
        Minimum("Grundblätter", len(counts), 50),
        Minimum("Wörter je Grundblatt im Mittel", round(sum(counts) / len(counts)) if counts else 0, 400),
        Minimum("Vorlagen", sum(1 for s in bund.sheets if s.titel.startswith("Vorlage")), 11),
    ]
    for code, sheets in sorted(binder.state_sheets.items()):
        out.append(Minimum(f"Eigene Blätter {binder.editions[code].name}", len(sheets), 6))
    contacts = next((s.markdown for s in bund.sheets if s.blatt == "9.1"), "")
    out.append(Minimum("Länder in Blatt 9.1", sum(1 for name in set(LAENDER.values()) if name in contacts), 16))
    return out


def minimums_table(rows: list[Minimum]) -> str:
    lines = ["| Mindestwert | Ist | Soll | |", "|---|---:|---:|---|"]
    lines += [f"| {m.label} | {m.value} | {m.target} | {'erfüllt' if m.met else 'NICHT erfüllt'} |" for m in rows]
    return "\n".join(lines)
