"""Passages shown only in some editions.

    ::: nur sn bw
    Text only in the Saxon and Baden-Württemberg editions.
    :::

    ::: ausser bund
    Text in every edition except the general one.
    :::

Lines of a hidden passage become empty, so line numbers stay right for later checks.
"""

from __future__ import annotations

import re

from .laender import BASE, LAENDER
from .problems import Finding
from .textblocks import code_line_flags

OPEN = re.compile(r"^:::\s*(?P<kind>\S+)(?P<codes>.*)$")
CLOSE = re.compile(r"^:::\s*$")
KINDS = ("nur", "ausser")


def select(text: str, edition: str) -> tuple[str, list[Finding]]:
    """Keep the passages meant for `edition`; blank out the others and the markers."""
    lines = text.split("\n")
    flags = code_line_flags(lines)
    out: list[str] = []
    problems: list[Finding] = []
    open_at: int | None = None
    keep = True
    for i, (line, in_code) in enumerate(zip(lines, flags, strict=False), 1):
        stripped = line.strip()
        if in_code or not stripped.startswith(":::"):
            out.append(line if keep else "")
            continue
        if CLOSE.match(stripped):
            if open_at is None:
                problems.append(Finding(i, "„:::“ schließt einen Abschnitt, der nicht geöffnet wurde."))
            open_at, keep = None, True
            out.append("")
            continue
        m = OPEN.match(stripped)
        kind = m.group("kind") if m else ""
        codes = m.group("codes").replace(",", " ").split() if m else []
        if kind not in KINDS:
            problems.append(
                Finding(i, f"Unbekannter Abschnitt „::: {kind}“: erlaubt sind „::: nur …“ und „::: ausser …“.")
            )
            out.append(line if keep else "")
            continue
        if open_at is not None:
            problems.append(
                Finding(
                    i, f"Abschnitte lassen sich nicht verschachteln: Der Abschnitt aus Zeile {open_at} ist noch offen."
                )
            )
        unknown = [c for c in codes if c != BASE and c not in LAENDER]
        if not codes:
            problems.append(Finding(i, f"„::: {kind}“ braucht mindestens ein Kürzel, z. B. „::: {kind} sn bw“."))
        for c in unknown:
            problems.append(Finding(i, f"„{c}“ ist kein Ausgabenkürzel (bund oder ein Länderkürzel wie sn, bw)."))
        open_at = i
        keep = (edition in codes) if kind == "nur" else (edition not in codes)
        out.append("")
    if open_at is not None:
        problems.append(Finding(open_at, "Der Abschnitt wird nicht mit einer Zeile „:::“ geschlossen."))
    return "\n".join(out), problems
