"""Every recorded Fassung of a sheet, and the word-level differences between two of them.

The Fassungen come from the delivery snapshots (through the edition's history) and from the
current assembly, never from git: the first delivery records every sheet, each later one its
new and changed sheets; what the website shows beyond the last delivery is the current Fassung.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .assemble import AssembledEdition
from .history import EditionHistory
from .references import unescape_markdown
from .revisions import blocks


@dataclass
class Fassung:
    label: str
    titel: str
    stand: str
    aenderung: str | None
    grund: str | None
    markdown: str
    lieferung: str | None  # the delivery that first brought it; None: on the website, not yet delivered


def sheet_fassungen(edition: AssembledEdition, history: EditionHistory) -> dict[str, list[Fassung]]:
    """blatt -> its Fassungen, oldest first, for every sheet of the edition."""
    found: dict[str, dict[str, Fassung]] = {}

    def add(rec, lieferung: str | None) -> None:
        versions = found.setdefault(rec.blatt, {})
        # A sheet can change without a new Fassung (a referenced sheet's new title): the newest
        # text of a Fassung stands for it, delivered where that Fassung was first delivered.
        first = versions[rec.fassung_label].lieferung if rec.fassung_label in versions else lieferung
        versions.pop(rec.fassung_label, None)
        versions[rec.fassung_label] = Fassung(
            rec.fassung_label, rec.titel, rec.stand, rec.aenderung, rec.grund, rec.markdown, first
        )

    for d in history.deliveries:
        for old, new in d.changes.changed:
            if old.fassung_label not in found.get(old.blatt, {}):
                add(old, None)
            add(new, d.name)
        for rec in d.changes.new:
            add(rec, d.name)
    if history.pending:
        for _, new in history.pending.changed:
            add(new, None)
        for rec in history.pending.new:
            add(rec, None)
    current = {s.blatt for s in edition.sheets}
    return {b: list(v.values()) for b, v in found.items() if b in current}


# ----- differences -------------------------------------------------------------------

# Link text may hold escaped brackets (a sheet title in a resolved Blattverweis).
LINK = re.compile(r"!?\[((?:\\.|[^\]\\\n])*)\]\([^)\n]*\)")
# Attribute lists: classes, ids and key="value" pairs such as a Blattverweis' data-blatt.
ATTRS = re.compile(r"(?<!\\)\{:?[ \t]*(?:[.#]|[A-Za-z][\w-]*=)[^}\n]*\}")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
HEADING = re.compile(r"^#{1,6}\s+")
ADMONITION = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s*\S+\s*"([^"]*)"\s*$', re.M)
# Tables: the delimiter row goes, cells are separated by a middle dot; list items get a bullet.
TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(?:vorlage\s+(.*)|\S*)\s*$", re.M)


def reading_text(block: str) -> tuple[str, bool]:
    """A Markdown block as readers see its words (links as their text, no markup); and whether
    it is a heading."""
    heading = bool(HEADING.match(block))
    text = HEADING.sub("", block)
    text = ADMONITION.sub(lambda m: m.group(1) + m.group(2), text)
    text = FENCE.sub(lambda m: f"Vorlage: {m.group(2)}" if m.group(2) else "", text)
    text = LINK.sub(lambda m: m.group(1), text)
    text = ATTRS.sub("", text)
    text = EMPHASIS.sub(lambda m: m.group(2), text)
    if not FENCE.search(block):  # in a template, a backslash is a backslash; no tables, no lists
        text = BULLET.sub(lambda m: m.group(1) + "• ", text)
        text = "\n".join(_table_line(line) for line in text.split("\n") if not TABLE_DELIMITER.match(line))
        text = unescape_markdown(text)
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    return text, heading


def _table_line(line: str) -> str:
    row = TABLE_ROW.match(line)
    if row is None:
        return line
    return " · ".join(cell.strip() for cell in CELL_SEPARATOR.split(row.group(1)))


@dataclass
class Piece:
    kind: str  # gleich | eingefuegt | gestrichen
    text: str


@dataclass
class DiffBlock:
    heading: bool
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(p.kind != "gleich" for p in self.pieces)


TOKEN = re.compile(r"\S+\s*|\s+")


def word_diff(old: str, new: str) -> list[Piece]:
    """The words of `new` and the deleted words of `old`, in reading order; whitespace after a
    changed word stays outside the change."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    ka, kb = [t.strip() for t in a], [t.strip() for t in b]
    pieces: list[Piece] = []

    def put(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if kind == "gleich":
            pieces.append(Piece(kind, text))
            return
        core = text.rstrip()
        if core:
            pieces.append(Piece(kind, core))
        # The space after an inserted word is the new text's; after a deleted one it is gone.
        if kind == "eingefuegt" and text[len(core) :]:
            pieces.append(Piece("gleich", text[len(core) :]))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ka, b=kb, autojunk=False).get_opcodes():
        if op == "equal":
            put("gleich", b[j1:j2])
        else:
            put("gestrichen", a[i1:i2])
            put("eingefuegt", b[j1:j2])
    merged: list[Piece] = []
    for p in pieces:
        if merged and merged[-1].kind == p.kind:
            merged[-1].text += p.text
        else:
            merged.append(p)
    return merged


def _parts(markdown: str) -> list[tuple[str, bool]]:
    """Blocks as read; a fenced block (a template) by its own paragraphs, so that a change in
    § 7 of a template does not mark the whole template."""
    out = []
    for block in blocks(markdown):
        text, heading = reading_text(block)
        if FENCE.search(block):
            out += [(p.strip("\n"), False) for p in re.split(r"\n\s*\n", text) if p.strip()]
        else:
            out.append((text, heading))
    return out


def compare(old_markdown: str, new_markdown: str) -> list[DiffBlock]:
    """Paragraph by paragraph; inside a changed paragraph, word by word."""
    old = _parts(old_markdown)
    new = _parts(new_markdown)
    norm = lambda items: [" ".join(t.split()) for t, _ in items]  # noqa: E731
    out: list[DiffBlock] = []
    matcher = difflib.SequenceMatcher(a=norm(old), b=norm(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [DiffBlock(h, [Piece("gleich", t)]) for t, h in new[j1:j2]]
            continue
        out += _align(old[i1:i2], new[j1:j2])
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False).ratio()


def _align(olds: list[tuple[str, bool]], news: list[tuple[str, bool]]) -> list[DiffBlock]:
    """Changed paragraphs: a paragraph that resembles one of the others is compared word by
    word, the rest are whole insertions or deletions."""
    out: list[DiffBlock] = []
    i = j = 0
    while i < len(olds) and j < len(news):
        here = _similar(olds[i][0], news[j][0])
        skip_new = _similar(olds[i][0], news[j + 1][0]) if j + 1 < len(news) else 0.0
        skip_old = _similar(olds[i + 1][0], news[j][0]) if i + 1 < len(olds) else 0.0
        if here >= 0.3 and here >= max(skip_new, skip_old):
            out.append(DiffBlock(news[j][1], word_diff(olds[i][0], news[j][0])))
            i, j = i + 1, j + 1
        elif skip_new >= skip_old and skip_new > here:
            out.append(DiffBlock(news[j][1], [Piece("eingefuegt", news[j][0])]))
            j += 1
        elif skip_old > here:
            out.append(DiffBlock(olds[i][1], [Piece("gestrichen", olds[i][0])]))
            i += 1
        else:
            out.append(DiffBlock(olds[i][1], [Piece("gestrichen", olds[i][0])]))
            out.append(DiffBlock(news[j][1], [Piece("eingefuegt", news[j][0])]))
            i, j = i + 1, j + 1
    out += [DiffBlock(h, [Piece("gestrichen", t)]) for t, h in olds[i:]]
    out += [DiffBlock(h, [Piece("eingefuegt", t)]) for t, h in news[j:]]
    return out
