"""The list of new, changed and withdrawn sheets: one renderer for the delivery pages, «Was ist
neu» and `loseblatt diff`."""

from __future__ import annotations

from collections.abc import Callable

from ..core.deliveries import EditionChanges
from ..core.german import stand_short


def plain(blatt: str, titel: str) -> str:
    return f"Blatt {blatt} – {titel}"


def change_list(
    changes: EditionChanges,
    name: Callable[[str, str], str] = plain,
    heading: str = "###",
    compare: Callable[[str], str] | None = None,
) -> list[str]:
    """Markdown lines; `name` writes a sheet's name (a link on the web, plain text elsewhere);
    `compare` a link to the comparison of a changed sheet's Fassungen, or nothing."""
    out = []
    if changes.new:
        out.append(f"{heading} Neue Blätter\n")
        out += [
            f"- {name(r.blatt, r.titel)} (Fassung {r.fassung_label}, Stand {stand_short(r.stand)})" for r in changes.new
        ]
        out.append("")
    if changes.changed:
        out.append(f"{heading} Geänderte Blätter\n")
        for old, new in changes.changed:
            kind = {"inhaltlich": "inhaltlich", "redaktionell": "redaktionell"}.get(new.aenderung or "", "")
            why = f": {new.grund}" if new.grund else ""
            out.append(
                f"- {name(new.blatt, new.titel)}, Fassung {old.fassung_label} → {new.fassung_label}"
                + (f" ({kind}{why})" if kind or why else "")
                + (compare(new.blatt) if compare else "")
            )
        out.append("")
    if changes.withdrawn:
        out.append(f"{heading} Entfallene Blätter\n")
        for old, w in changes.withdrawn:
            out.append(
                f"- {name(old.blatt, old.titel)} (zuletzt Fassung {old.fassung_label})" + (f": {w.grund}" if w else "")
            )
        out.append("")
    return out
