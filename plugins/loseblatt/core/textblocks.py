"""Text helpers that must leave code alone: masking of fenced and inline code."""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
FILLER = "\x00-\x00"
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")


@dataclass
class Masked:
    """Text with code replaced by placeholders; line numbers of the rest are unchanged."""

    text: str
    pieces: list[str]

    def restore(self, text: str) -> str:
        text = text.replace("\n" + FILLER, "")
        return PLACEHOLDER.sub(lambda m: self.pieces[int(m.group(1))], text)


def code_line_flags(lines: list[str]) -> list[bool]:
    """True for every line inside a fenced code block, fences included."""
    flags = [False] * len(lines)
    fence: str | None = None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group("fence")
                flags[i] = True
        else:
            flags[i] = True
            if (
                m
                and m.group("fence")[0] == fence[0]
                and len(m.group("fence")) >= len(fence)
                and not line.strip()[len(m.group("fence")) :].strip()
            ):
                fence = None
    return flags


def mask_code(text: str) -> Masked:
    """Replace code (fenced blocks, inline spans) by placeholders.

    A placeholder is followed by one filler line per newline of the code it
    stands for, so that template and reference errors keep pointing at the
    right line of the file.
    """
    pieces: list[str] = []

    def stash(code: str) -> str:
        pieces.append(code)
        return f"\x00{len(pieces) - 1}\x00" + ("\n" + FILLER) * code.count("\n")

    lines = text.split("\n")
    out: list[str] = []
    block: list[str] = []
    for line, is_code in zip(lines, code_line_flags(lines), strict=False):
        if is_code:
            block.append(line)
            continue
        if block:
            out.append(stash("\n".join(block)))
            block = []
        out.append(line)
    if block:
        out.append(stash("\n".join(block)))
    joined = INLINE_CODE.sub(lambda m: stash(m.group(0)), "\n".join(out))
    return Masked(joined, pieces)
