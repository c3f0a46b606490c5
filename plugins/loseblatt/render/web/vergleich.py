"""«Fassungsvergleich»: a page per sheet with more than one Fassung, the current one against
each earlier one, word by word. Insertions and deletions are `ins` and `del` with a text label
for screen readers, underlined and struck through (not told by colour alone), also in print."""

from __future__ import annotations

import html
import json
from functools import lru_cache

from ... import addresses
from ...addresses import page_link
from ...caching import CacheFolder, cache_key
from ...core.assemble import AssembledEdition, AssembledSheet
from ...core.fassungen import DiffBlock, Fassung, compare
from ...core.german import stand_long
from ...core.references import escape_markdown
from ..trusted import trusted_html


def anchor(f: Fassung) -> str:
    return "fassung-" + f.label.replace("/", "-")


def _label(f: Fassung) -> str:
    return f"Fassung {f.label}"


def _where(f: Fassung) -> str:
    return f"Lieferung {f.lieferung}" if f.lieferung else "auf der Website, noch in keiner Lieferung"


def diff_html(diff: list[DiffBlock]) -> str:
    parts = ['<div class="lb-vergleich">']
    for block in diff:
        cls = "lb-vgl-block lb-vgl-ueberschrift" if block.heading else "lb-vgl-block"
        if block.changed:
            cls += " lb-vgl-geaendert"
        inner = []
        for k, p in enumerate(block.pieces):
            after = block.pieces[k + 1].text[:1] if k + 1 < len(block.pieces) else "x"
            text = html.escape(p.text, quote=False)
            if p.kind == "eingefuegt":
                inner.append(
                    f'<ins><span class="lb-sr">[eingefügt:] </span>{text}<span class="lb-sr"> [Ende]</span></ins>'
                )
            elif p.kind == "gestrichen":
                inner.append(
                    f'<del><span class="lb-sr">[gestrichen:] </span>{text}<span class="lb-sr"> [Ende]</span></del>'
                )
                # Deleted words stand apart from what follows them.
                inner.append(" " if after and not after.isspace() and k + 1 < len(block.pieces) else "")
            else:
                inner.append(text)
        parts.append(f'<p class="{cls}">{"".join(inner)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def comparison_page(sheet: AssembledSheet, fassungen: list[Fassung], comparisons: Comparisons) -> str:
    """fassungen: oldest first, the last one is the current Fassung."""
    doc = addresses.comparison_page(sheet.blatt)
    current = fassungen[-1]
    earlier = list(reversed(fassungen[:-1]))
    lines = [
        "---\nsearch:\n  exclude: true\n---\n",
        f"# Fassungsvergleich: Blatt {sheet.blatt} {escape_markdown(sheet.titel)}\n",
        f"Hier sehen Sie, was sich in [Blatt {sheet.blatt}]({page_link(doc, sheet.doc_path)}) gegenüber früheren "
        "Fassungen geändert hat, Wort für Wort. Eingefügter Text ist **unterstrichen**, gestrichener Text "
        "**durchgestrichen**; Bildschirmleser sagen „eingefügt“ und „gestrichen“ an. Grundlage sind die "
        "veröffentlichten Lieferungen.\n",
        "| Fassung | Stand | Änderung | Grund | veröffentlicht |\n|---|---|---|---|---|",
    ]
    for f in reversed(fassungen):
        art = {"inhaltlich": "inhaltlich", "redaktionell": "redaktionell"}.get(f.aenderung or "", "–")
        grund = escape_markdown(f.grund) if f.grund and f.label != "1" else "–"
        lines.append(f"| {f.label} | {stand_long(f.stand)} | {art} | {grund} | {_where(f)} |")
    lines.append("")
    if len(earlier) > 1:
        lines.append("Vergleichen Sie die aktuelle Fassung mit:\n")
        lines += [f"- [{_label(f)} vom {stand_long(f.stand)}](#{anchor(f)})" for f in earlier]
        lines.append("")
    for f in earlier:
        marked, n = comparisons.marked(f.markdown, current.markdown)
        title_change = f" Der Titel lautete „{escape_markdown(f.titel)}“." if f.titel != current.titel else ""
        lines.append(f"## {_label(current)} gegenüber {_label(f)} {{ #{anchor(f)} }}\n")
        lines.append(
            f"{_label(f)}: Stand {stand_long(f.stand)}, {_where(f)}. "
            f"{_label(current)}: Stand {stand_long(current.stand)}"
            + (f", Grund: {escape_markdown(current.grund)}" if current.grund else "")
            + f". {n} {'Absatz' if n == 1 else 'Absätze'} geändert.{title_change}\n"
        )
        lines.append(trusted_html(marked) + "\n")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=256)
def _diff(old: str, new: str) -> tuple[str, int]:
    diff = compare(old, new)
    return diff_html(diff), sum(1 for b in diff if b.changed)


class Comparisons:
    """Marked-up comparisons of two texts and the number of changed paragraphs, each worked out
    once: comparing is most of an edition's plan, and the same Fassungen of a general sheet are
    compared in every edition and every build (by whichever worker builds it). With a cache
    folder (caching.py) they are kept there; `record` keeps what the edition used."""

    def __init__(self, folder: CacheFolder | None = None):
        self.folder = folder

    def marked(self, old: str, new: str) -> tuple[str, int]:
        if self.folder is None:
            return _diff(old, new)
        key = cache_key("vergleich", old, new)
        kept = self.folder.read(key, ".json")
        if kept is not None:
            marked, n = json.loads(kept)
            return marked, n
        found = _diff(old, new)
        self.folder.write(key, ".json", json.dumps(found, ensure_ascii=False).encode("utf-8"))
        return found

    def record(self, owner: str) -> None:
        if self.folder is not None:
            self.folder.record(owner)


def comparison_pages(
    edition: AssembledEdition, fassungen: dict[str, list[Fassung]], comparisons: Comparisons
) -> dict[str, str]:
    """doc path -> Markdown for every sheet with more than one Fassung."""
    out = {}
    for sheet in edition.sheets:
        versions = fassungen.get(sheet.blatt, [])
        if len(versions) > 1:
            out[addresses.comparison_page(sheet.blatt)] = comparison_page(sheet, versions, comparisons)
    return out


def sheet_link(sheet: AssembledSheet, fassungen: list[Fassung]) -> str:
    """Under the sheet's head: where to compare with earlier Fassungen (Markdown)."""
    if len(fassungen) < 2:
        return ""
    earlier = ", ".join(f.label for f in fassungen[:-1])
    word = "Fassung" if len(fassungen) == 2 else "Fassungen"
    return (
        f"[Mit früherer Fassung vergleichen]({page_link(sheet.doc_path, addresses.comparison_page(sheet.blatt))}) "
        f"({word} {earlier})\n{{: .lb-vergleich-link }}"
    )
