"""Blattverweise: `[[2.3]]` becomes a link «Blatt 2.3 – Titel» to the edition's version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..addresses import page_link
from .model import is_sheet_id
from .problems import Finding
from .textblocks import mask_code

REFERENCE = re.compile(r"\[\[([^\[\]\n]*)\]\]")


@dataclass
class Target:
    titel: str
    doc_path: str


# Link text «Blatt 2.3 – Titel»: the rendering splits off the title at this separator so that
# print can show «Blatt 2.3» alone (render/safe_markdown.py).
TITLE_SEPARATOR = " – "
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+.!|>-])")


def escape_markdown(text: str) -> str:
    """A field as text inside Markdown: every character that could start markup is escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+.!|>-])")


def unescape_markdown(text: str) -> str:
    """The characters a backslash escapes in Markdown, as readers see them (escape_markdown's
    counterpart)."""
    return _ESCAPED.sub(r"\1", text)


def link_markdown(blatt: str, target: Target, from_doc: str) -> str:
    """A Blattverweis as a Markdown link that names its sheet (data-blatt); how it looks on the
    web and in print is the renderers' business (render/safe_markdown.py)."""
    href = page_link(from_doc, target.doc_path)
    return f'[Blatt {blatt}{TITLE_SEPARATOR}{escape_markdown(target.titel)}]({href}){{: data-blatt="{blatt}" }}'


def find_references(text: str) -> list[tuple[int, str]]:
    """(line, id) of every reference outside code."""
    masked = mask_code(text).text
    found = []
    for m in REFERENCE.finditer(masked):
        found.append((masked.count("\n", 0, m.start()) + 1, m.group(1).strip()))
    return found


def resolve(text: str, targets: dict[str, Target], from_doc: str) -> tuple[str, list[Finding]]:
    if "[[" not in text:
        return text, []  # nothing to resolve (checklist items, most paragraphs): no masking needed
    problems: list[Finding] = []
    masked = mask_code(text)

    def repl(m: re.Match) -> str:
        ref = m.group(1).strip()
        line = masked.text.count("\n", 0, m.start()) + 1
        if not is_sheet_id(ref):
            problems.append(
                Finding(line, f"„[[{ref}]]“ ist kein Blattverweis: Verweise nennen eine Blattnummer, z. B. [[2.3]].")
            )
            return m.group(0)
        target = targets.get(ref)
        if target is None:
            problems.append(
                Finding(line, f"Der Verweis [[{ref}]] zeigt auf ein Blatt, das es in dieser Ausgabe nicht gibt.")
            )
            return m.group(0)
        return link_markdown(ref, target, from_doc)

    out = REFERENCE.sub(repl, masked.text)
    return masked.restore(out), problems
