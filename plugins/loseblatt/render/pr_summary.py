"""The German summary of a pull request: which editions and sheets change between its base and
head, which need a raised Fassung before the next delivery, and where the preview is.

The workflow appends it to the job summary (`loseblatt pr-zusammenfassung origin/main`). The
change lists come from the delivery code (snapshot_of, compare, unit_keys), as in `loseblatt diff`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.deliveries import _unit_name, compare, snapshot_of, unit_keys
from ..core.pipeline import CheckResult
from ..core.references import escape_markdown
from .changes import change_list

MAX_PROBLEMS = 30


@dataclass
class FassungNote:
    what: str  # «Blatt 2.3», «Die Ergänzung zu Blatt 9.1 (sn)»
    path: str
    fassung: int
    delivered: int | None  # Fassung in the last delivery, None if never delivered
    delivery: str | None

    @property
    def needs_raise(self) -> bool:
        return self.delivered is not None and self.fassung <= self.delivered


def fassung_notes(base: CheckResult, head: CheckResult, root) -> list[FassungNote]:
    """Every source file whose text this pull request changes, with its Fassung against the last delivery."""
    before = unit_keys(base.binder)
    after = unit_keys(head.binder)
    last = head.snapshots[-1] if head.snapshots else None
    notes = []
    for key in sorted(after):
        path, _lines, fassung, _stand, digest = after[key]
        old = before.get(key)
        if old is not None and old[4] == digest:
            continue  # unchanged by this pull request
        delivered = last.units.get(key) if last is not None else None
        notes.append(
            FassungNote(
                _unit_name(key),
                _relative(path, root),
                fassung,
                delivered["fassung"] if delivered else None,
                last.name if last is not None and delivered else None,
            )
        )
    return notes


def _relative(path, root) -> str:
    from pathlib import Path

    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _escaped_name(blatt: str, titel: str) -> str:
    return f"Blatt {blatt} – {escape_markdown(titel)}"


def summary(
    base: CheckResult, head: CheckResult, root, base_label: str, preview_url: str = "", images_url: str = ""
) -> str:
    """Markdown for GitHub's job summary (German, for the state councils' editors)."""
    out = ["## Vorschau dieses Pull Requests", ""]
    if head.problems:
        out.append(
            f"**Prüfung: {len(head.problems)} Fehler.** Die Ausgaben werden erst gebaut, wenn alle behoben sind."
        )
        out.append("")
        for p in head.problems[:MAX_PROBLEMS]:
            out.append(f"- `{p.path}`, Zeile {p.line}: {escape_markdown(p.message)}")
        if len(head.problems) > MAX_PROBLEMS:
            out.append(f"- … und {len(head.problems) - MAX_PROBLEMS} weitere (siehe „loseblatt check“).")
    else:
        out.append("**Prüfung: keine Fehler.**")
    out.append("")

    before = snapshot_of(base.editions)
    after = snapshot_of(head.editions)
    out += [f"### Was sich gegenüber {base_label} ändert", ""]
    rows, details = [], []
    for code, ed in head.editions.items():
        changes = compare(before.get(code, {}), after[code], head.withdrawals, code)
        if not changes:
            continue
        titel = escape_markdown(ed.definition.titel)
        rows.append(f"| {titel} (`{code}`) | {len(changes.new)} | {len(changes.changed)} | {len(changes.withdrawn)} |")
        details += [f"#### {titel}", ""]
        details += change_list(changes, name=_escaped_name, heading="#####")
    if rows:
        out += [
            "| Ausgabe | neue Blätter | geänderte Blätter | entfallene Blätter |",
            "|---|---:|---:|---:|",
            *rows,
            "",
        ]
        out.append(f"{len(rows)} von {len(head.editions)} Ausgaben betroffen.")
        out.append("")
        out += ["<details><summary>Blätter je Ausgabe</summary>", "", *details, "</details>", ""]
    else:
        out += ["Keine Änderungen an Blättern in irgendeiner Ausgabe.", ""]

    notes = fassung_notes(base, head, root)
    if notes:
        out += ["### Fassungen vor der nächsten Lieferung", ""]
        raise_ = [n for n in notes if n.needs_raise]
        if raise_:
            out.append("Diese Dateien sind geändert, ihre Fassung ist aber noch die der letzten Lieferung:")
            out.append("")
            for n in raise_:
                out.append(
                    f"- **{n.what}** (`{n.path}`): Fassung {n.fassung} wie in Lieferung {n.delivery} – "
                    f"bitte auf {(n.delivered or n.fassung) + 1} erhöhen, "
                    "„stand“, „aenderung“ und „grund“ anpassen."
                )
            out.append("")
        ok = [n for n in notes if not n.needs_raise]
        if ok:
            out.append("Geändert, Fassung in Ordnung:")
            out.append("")
            for n in ok:
                why = (
                    f"Fassung {n.fassung}, in Lieferung {n.delivery} war es {n.delivered}"
                    if n.delivered is not None
                    else f"Fassung {n.fassung}, noch in keiner Lieferung"
                )
                out.append(f"- {n.what} (`{n.path}`): {why}")
            out.append("")

    out += ["### Vorschau", ""]
    if preview_url:
        out.append(
            f"Die gebaute Website liegt als Artefakt „website“ bei diesem Lauf: [Artefakte des Laufs]({preview_url}). "
            "Herunterladen, entpacken und `site/index.html` öffnen (oder `python3 -m http.server -d site`)."
        )
    else:
        out.append("Die gebaute Website liegt als Artefakt „website“ bei diesem Lauf.")
    if images_url:
        out.append("")
        out.append(
            "Seitenbilder der Druckfassung (Deckblatt, Register, Checklisten, ein Blatt, die neueste Lieferung) "
            f"liegen als Artefakt „seitenbilder“ bei diesem Lauf: [Artefakte des Laufs]({images_url})."
        )
    out.append("")
    return "\n".join(out)
