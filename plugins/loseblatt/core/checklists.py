"""Checklists written in sheets, with stable item ids.

Syntax in a sheet:

    !!! checkliste "Gründung vorbereiten"

        - [ ] Lagebilder der Polizei zusammentragen
        - [ ] Rückhalt der Verwaltungsspitze sichern {#rueckhalt}

Ids: checklist = "<blatt>/<slug of its title>"; item = "<checklist>/<key>", where the key is
the explicit `{#name}` at the end of the item or else a hash of the item's wording. Rewording
an item without an explicit name therefore gives it a new id, so a tick never carries over to
a different meaning; editors who only fix a typo keep ticks by adding `{#name}` beforehand.

The core validates the blocks and rewrites them to a canonical form that carries the ids;
the Markdown extension `loseblatt.render.checklist_ext` renders that form.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from .problems import Finding
from .textblocks import code_line_flags

OPEN = re.compile(r'^(?P<indent>[ ]*)!!!\s+checkliste(?:\s+"(?P<title>[^"]*)")?\s*(?P<rest>.*)$')
ITEM = re.compile(r"^- \[(?P<mark>[ xX]?)\]\s+(?P<text>.+?)\s*$")
EXPLICIT = re.compile(r"\s*\{#(?P<key>[a-z0-9][a-z0-9-]*)\}$")
CANON_OPEN = re.compile(r'^(?P<indent>[ ]*)!!! checkliste "(?P<title>[^"]*)" \{(?P<id>[^}]+)\}$')
CANON_ITEM = re.compile(r"^- \[ \] \{(?P<id>[^}]+)\} (?P<text>.+)$")


@dataclass
class Item:
    id: str
    text: str


@dataclass
class Checklist:
    id: str
    title: str
    items: list[Item] = field(default_factory=list)


def slugify(text: str) -> str:
    text = text.lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "liste"


STRAY_ITEM = re.compile(r"^\s*[-*+]\s*\[[ xX]?\]")


def item_key(text: str) -> str:
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:10]


def canonicalize(text: str, blatt: str) -> tuple[str, list[Finding]]:
    """Validate checklist blocks and rewrite them with ids; line numbers are kept."""
    lines = text.split("\n")
    flags = code_line_flags(lines)
    problems: list[Finding] = []
    out = list(lines)
    seen_lists: dict[str, int] = {}
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i]) if not flags[i] else None
        if not m:
            i += 1
            continue
        start, indent = i, m.group("indent")
        title = (m.group("title") or "").strip()
        if not title:
            problems.append(
                Finding(i + 1, 'Die Checkliste braucht einen Titel in Anführungszeichen: !!! checkliste "Titel".')
            )
        elif m.group("rest"):
            problems.append(Finding(i + 1, f"Unerwarteter Text nach dem Titel der Checkliste: „{m.group('rest')}“."))
        slug = slugify(title)
        list_id = f"{blatt}/{slug}"
        if title and list_id in seen_lists:
            problems.append(
                Finding(
                    i + 1, f"Eine Checkliste „{title}“ gibt es auf diesem Blatt schon (Zeile {seen_lists[list_id]})."
                )
            )
        seen_lists[list_id] = i + 1
        out[i] = f'{indent}!!! checkliste "{title}" {{{list_id}}}'
        body_indent = indent + "    "
        keys: dict[str, int] = {}
        n_items = 0
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if not line.startswith(body_indent):
                if STRAY_ITEM.match(line) and len(line) - len(line.lstrip()) > len(indent):
                    # An item with too little indentation would silently drop out of the list.
                    problems.append(
                        Finding(
                            i + 1,
                            "Dieser Punkt ist nicht um vier Leerzeichen eingerückt und gehört so nicht zur "
                            "Checkliste darüber: bitte genau vier Leerzeichen vor „- [ ]“.",
                        )
                    )
                    i += 1
                    continue
                break
            content = line[len(body_indent) :]
            im = ITEM.match(content)
            if not im:
                problems.append(
                    Finding(
                        i + 1,
                        "In einer Checkliste stehen nur Punkte der Form „- [ ] Text“, eingerückt um vier Leerzeichen.",
                    )
                )
            elif im.group("mark").strip():
                problems.append(
                    Finding(
                        i + 1, "Punkte einer Checkliste werden leer geschrieben („- [ ]“): abgehakt wird im Browser."
                    )
                )
            else:
                text_ = im.group("text")
                em = EXPLICIT.search(text_)
                key = em.group("key") if em else item_key(text_)
                text_ = text_[: em.start()] if em else text_
                if key in keys:
                    what = f"Der Name „{{#{key}}}“" if em else "Derselbe Punkt"
                    problems.append(Finding(i + 1, f"{what} steht in dieser Checkliste schon (Zeile {keys[key]})."))
                keys[key] = i + 1
                n_items += 1
                out[i] = f"{body_indent}- [ ] {{{list_id}/{key}}} {text_.strip()}"
            i += 1
        if n_items == 0:
            problems.append(
                Finding(
                    start + 1,
                    "Die Checkliste hat keine Punkte: Darunter folgen, um vier Leerzeichen "
                    "eingerückt, Zeilen wie „- [ ] Text“.",
                )
            )
    return "\n".join(out), problems


def extract(markdown: str) -> list[Checklist]:
    """Checklists of canonical Markdown (as produced by canonicalize), in order."""
    found: list[Checklist] = []
    current: Checklist | None = None
    current_indent = ""
    for line in markdown.split("\n"):
        m = CANON_OPEN.match(line)
        if m:
            current = Checklist(m.group("id"), m.group("title"))
            current_indent = m.group("indent") + "    "
            found.append(current)
            continue
        if current is None:
            continue
        if not line.strip():
            continue
        if not line.startswith(current_indent):
            current = None
            continue
        im = CANON_ITEM.match(line[len(current_indent) :])
        if im:
            current.items.append(Item(im.group("id"), im.group("text")))
    return found
