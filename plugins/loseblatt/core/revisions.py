"""Revision marks: passages changed since the previous Fassung, found by comparing blocks.

A block is a run of lines up to a blank line, with indented continuations (admonitions,
lists, checklists) and fenced code kept whole. Changed or inserted blocks are wrapped in a
marked container; deletions are not shown (aviation practice marks what is there).
"""

from __future__ import annotations

import difflib

from .textblocks import code_line_flags

# Plain-text fences around a changed passage; render/safe_markdown.py makes the marked container.
CHANGED_START = "%%% geaendert"
CHANGED_END = "%%%"


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


def mark(old: str, new: str) -> tuple[str, int]:
    """`new` with its changed blocks wrapped in a marked container; and how many were marked."""
    parts = blocks(new)
    changed = set(changed_blocks(old, new))
    out = []
    for i, block in enumerate(parts):
        if i in changed and not block.startswith(("#", "<")):
            out.append(f"{CHANGED_START}\n\n{block}\n\n{CHANGED_END}")
        else:
            out.append(block)
    return "\n\n".join(out) + "\n", len(changed)
