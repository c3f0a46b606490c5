"""Checks across files of the base binder (per-edition checks happen while assembling)."""

from __future__ import annotations

from .model import Binder
from .problems import Problems


def validate_base(binder: Binder, problems: Problems) -> None:
    seen = {}
    for sheet in binder.base_sheets:
        first = seen.get(sheet.blatt)
        if first is not None:
            problems.add(sheet.path, sheet.line_of("blatt"),
                         f"Blattnummer {sheet.blatt} ist doppelt vergeben (auch in {problems.relative(first.path)}). "
                         "Jede Nummer gibt es nur einmal, und sie wird nie wiederverwendet.")
        else:
            seen[sheet.blatt] = sheet
