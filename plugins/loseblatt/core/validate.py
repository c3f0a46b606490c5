"""Checks across files of the base binder (per-edition checks happen while assembling)."""

from __future__ import annotations

from pathlib import Path

from .check_memo import last_check
from .markup import images
from .model import Binder, Sheet
from .problems import Problems
from .safety import check_text
from .style import check_grammar


@last_check
def _scan(body: str, folder: str) -> tuple:
    # Texts repeat between checks (every rebuild under `make serve` checks the whole binder).
    return tuple(check_text(body, folder))


@last_check
def _grammar(body: str) -> tuple:
    # Each rebuild under serve checks the whole binder: a quarter of a second at 1,000 sheets.
    return tuple(check_grammar(body))


def validate_safety(binder: Binder, problems: Problems) -> None:
    """Safe content is a property of the file, not of an edition: each text is scanned once."""
    texts = [(r.path, r.body, r.body_line) for r in binder.registers.values()]
    texts += [(s.path, s.body, s.body_line) for s in binder.base_sheets]
    texts += [(s.path, s.body, s.body_line) for sheets in binder.state_sheets.values() for s in sheets]
    texts += binder.unreadable_bodies
    root = binder.root.resolve()
    folders: dict[Path, str] = {}  # resolving is slow; files of one folder share the answer
    for name, body, first_line in texts:
        path = Path(name)
        if path.is_symlink():  # a linked file may lead elsewhere than its folder
            folder = _folder_in_binder(path.resolve().parent, root)
        else:
            cached = folders.get(path.parent)
            if cached is None:
                cached = folders[path.parent] = _folder_in_binder(path.parent.resolve(), root)
            folder = cached
        for p in _scan(body, folder):
            problems.add(path, first_line + p.line - 1, p.message)
        for line, src in images(body):
            target = path.parent / src.split("#", 1)[0].split("?", 1)[0]
            if not target.is_file() or target.is_symlink():
                problems.add(
                    path,
                    first_line + line - 1,
                    f"Das Bild „{src}“ fehlt: Die Datei gehört neben das Blatt (erwartet: {problems.relative(target)}).",
                )


def validate_grammar(binder: Binder, problems: Problems) -> None:
    """Base texts appear in every edition, so their words must agree with every edition's values."""
    texts = [(r.path, r.body, r.body_line) for r in binder.registers.values()]
    texts += [(s.path, s.body, s.body_line) for s in binder.base_sheets]
    for path, body, first_line in texts:
        for f in _grammar(body):
            problems.add(path, first_line + f.line - 1, f.message)


def _folder_in_binder(folder: Path, root: Path) -> str:
    """The folder relative to binder/, "" if it lies outside (paths there may not leave it)."""
    try:
        return folder.relative_to(root).as_posix()
    except ValueError:
        return ""


def validate_base(binder: Binder, problems: Problems) -> None:
    seen: dict[str, Sheet] = {}
    for sheet in binder.base_sheets:
        first = seen.get(sheet.blatt)
        if first is not None:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blattnummer {sheet.blatt} ist doppelt vergeben (auch in {problems.relative(first.path)}). "
                "Jede Nummer gibt es nur einmal, und sie wird nie wiederverwendet.",
            )
        else:
            seen[sheet.blatt] = sheet
