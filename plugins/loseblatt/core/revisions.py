"""Revision marks: passages changed since the previous Fassung, found by comparing blocks.

A block is a run of lines up to a blank line, with indented continuations (admonitions,
lists, checklists) and fenced code kept whole. Changed or inserted blocks are wrapped in a
marked container; deletions are not shown (aviation practice marks what is there).

Inside a changed block that was there before, marks are finer, so that a bar never covers
unchanged lines of a long block: in a fenced code block (templates too) only the changed
lines, in a list only the changed items, in a table only the changed rows.
"""

from __future__ import annotations

import difflib
import re

from .textblocks import FENCE, code_line_flags

# Plain-text fences around a changed passage; render/safe_markdown.py makes the marked container.
CHANGED_START = "%%% geaendert"
CHANGED_END = "%%%"
# A line before a fenced code block: its changed lines (1-based, counted inside the block).
CHANGED_LINES = "%%% geaendert-zeilen"
# At the start of a list item's or a table row's text: this item or row changed.
CHANGED_ITEM = "%%%geaendert%%% "

LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
TABLE_ROW = re.compile(r"^\|")


def blocks(markdown: str) -> list[str]:
    lines = markdown.strip("\n").split("\n")
    flags = code_line_flags(lines)
    out: list[list[str]] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        blank = not line.strip()
        if blank and not flags[i]:
            nxt = next((later for later in lines[i + 1 :] if later.strip()), "")
            # A blank line inside an indented container does not end the block.
            if current and nxt.startswith(("    ", "\t")):
                current.append(line)
                continue
            if current:
                out.append(current)
                current = []
            continue
        current.append(line)
    if current:
        out.append(current)
    return ["\n".join(b).rstrip() for b in out]


def _norm(block: str) -> str:
    return " ".join(block.split())


def changed_blocks(old: str, new: str) -> list[int]:
    """Indices of blocks in `new` that are new or changed compared with `old`."""
    a, b = [_norm(x) for x in blocks(old)], [_norm(x) for x in blocks(new)]
    changed: list[int] = []
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            changed.extend(range(j1, j2))
    return changed


def _kind(block: str) -> str:
    lines = block.split("\n")
    if FENCE.match(lines[0]) and not lines[0].startswith((" ", "\t")) and code_line_flags(lines)[-1]:
        return "code"
    if all(TABLE_ROW.match(x) for x in lines) and len(lines) >= 2:
        return "table"
    if LIST_ITEM.match(lines[0]) and all(
        LIST_ITEM.match(x) or x.startswith((" ", "\t")) or not x.strip() for x in lines
    ):
        return "list"
    return "other"


def _items(block: str) -> list[list[str]]:
    """A list block as its top-level items, each with its continuation lines."""
    items: list[list[str]] = []
    for line in block.split("\n"):
        if LIST_ITEM.match(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return items


def _changed(a: list[str], b: list[str]) -> set[int]:
    """Indices into `b` of entries that are new or changed compared with `a`."""
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(a=[_norm(x) for x in a], b=[_norm(x) for x in b], autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            out.update(range(j1, j2))
    return out


def _finer(old: str, new: str, kind: str) -> tuple[str, int] | None:
    """`new` with marks on its changed lines, items or rows only; None when that is not finer."""
    if kind == "code":
        a, b = old.split("\n")[1:-1], new.split("\n")[1:-1]
        lines = sorted(_changed(a, b))
        if not lines or len(lines) == len(b):
            return None
        return f"{CHANGED_LINES} {' '.join(str(n + 1) for n in lines)}\n{new}", 1
    if kind == "list":
        old_items, items = _items(old), _items(new)
        changed = _changed(["\n".join(i) for i in old_items], ["\n".join(i) for i in items])
        if not changed or len(changed) == len(items):
            return None
        for k in changed:
            m = LIST_ITEM.match(items[k][0])
            end = m.end() if m else 0  # every item starts with its marker (_items)
            items[k][0] = items[k][0][:end] + CHANGED_ITEM + items[k][0][end:]
        return "\n".join("\n".join(i) for i in items), 1
    if kind == "table":
        a, b = old.split("\n"), new.split("\n")
        rows = _changed(a, b) - {1}  # the separator line is no row
        if not rows or len(rows) >= len(b) - 1:
            return None
        return "\n".join("| " + CHANGED_ITEM + row[1:].lstrip() if k in rows else row for k, row in enumerate(b)), 1
    return None


def mark(old: str, new: str) -> tuple[str, int]:
    """`new` with its changed passages marked; and how many were marked."""
    old_parts = blocks(old)
    parts = blocks(new)
    a = [_norm(x) for x in old_parts]
    b = [_norm(x) for x in parts]
    counterpart: dict[int, int] = {}  # changed block in new -> the block it replaces in old
    changed: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        changed.update(range(j1, j2))
        for j in range(j1, j2):
            kind = _kind(parts[j])
            same_kind = [i for i in range(i1, i2) if _kind(old_parts[i]) == kind]
            if kind != "other" and same_kind:
                # Compared line by line, ties by the characters they share: an exact comparison by
                # character costs seconds for long blocks (a whole template) and is not needed.
                lines = b[j].split("\n")
                best = max(
                    same_kind,
                    key=lambda i: (
                        difflib.SequenceMatcher(a=a[i].split("\n"), b=lines, autojunk=False).ratio(),
                        difflib.SequenceMatcher(a=a[i], b=b[j], autojunk=False).quick_ratio(),
                    ),
                )
                counterpart[j] = best
    out = []
    count = 0
    for i, block in enumerate(parts):
        if i not in changed or block.startswith(("#", "<")):
            out.append(block)
            continue
        finer = _finer(old_parts[counterpart[i]], block, _kind(block)) if i in counterpart else None
        if finer is not None:
            out.append(finer[0])
            count += finer[1]
        else:
            out.append(f"{CHANGED_START}\n\n{block}\n\n{CHANGED_END}")
            count += 1
    return "\n\n".join(out) + "\n", count
