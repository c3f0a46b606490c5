"""Checks across files of the base binder (per-edition checks happen while assembling)."""

from __future__ import annotations

from pathlib import Path

from .model import Binder
from .problems import Problems
from .safety import check_text


def _dir_in_binder(binder: Binder, path: Path) -> str:
    """The file's folder relative to binder/, to tell whether a path leaves the binder."""
    try:
        return Path(path).resolve().parent.relative_to(binder.root.resolve()).as_posix()
    except ValueError:
        return ""


def validate_safety(binder: Binder, problems: Problems) -> None:
    """Safe content is a property of the file, not of an edition: each text is scanned once."""
    texts = [(r.path, r.body, r.body_line) for r in binder.registers.values()]
    texts += [(s.path, s.body, s.body_line) for s in binder.base_sheets]
    texts += [(s.path, s.body, s.body_line) for sheets in binder.state_sheets.values() for s in sheets]
    for path, body, first_line in texts:
        for p in check_text(body, _dir_in_binder(binder, path)):
            problems.add(path, first_line + p.line - 1, p.message)


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
