"""Reading the editors' files: every way a file can be unreadable ends in one German message
with its line, never in a traceback.

Only regular files inside the binder are read: symbolic links are refused (they could lead out
of the repository, or nowhere), folders named like files are reported, and a file must be UTF-8
text without NUL characters and below a size that keeps every later step quick.
"""

from __future__ import annotations

from pathlib import Path

from .problems import Problems

MAX_BYTES = 1_000_000  # a long sheet has about 20 KB; the limit keeps check and build bounded


def read_text(path: Path, problems: Problems, what: str = "Die Datei", max_bytes: int = MAX_BYTES) -> str | None:
    """The file's text, or None after reporting why it cannot be used."""
    path = Path(path)
    if path.is_symlink():
        problems.add(
            path,
            1,
            f"{what} ist eine Verknüpfung (Symlink). Verknüpfungen sind im Ordner binder/ nicht erlaubt: "
            "Bitte die Datei selbst ablegen.",
        )
        return None
    if path.is_dir():
        problems.add(path, 1, f"„{path.name}“ ist ein Ordner, keine Datei: Bitte umbenennen oder entfernen.")
        return None
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.add(
                path,
                1,
                f"{what} ist mit {size // 1000} KB zu groß (höchstens {max_bytes // 1000} KB): bitte aufteilen.",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add(path, 1, f"{what} lässt sich nicht lesen ({exc.strerror or exc}).")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(path, line, f"{what} ist nicht in UTF-8 gespeichert (Zeile {line}): Bitte als UTF-8 speichern.")
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.add(path, line, f"{what} enthält ein Nullzeichen (Zeile {line}): Bitte entfernen.")
        return None
    return text.removeprefix("\ufeff")
