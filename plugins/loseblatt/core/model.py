"""Data classes of the binder: sheets, registers, edition definitions."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fields import SHEET_ID

# A municipality's own sheet (core/kommune.py): «L» before a register and number, «L2.1».
LOCAL_ID = re.compile(r"^L([1-9]\d?)\.([1-9]\d{0,2})$")
# Local sheets come after all of the state's sheets of their register.
LOCAL_OFFSET = 10_000


@functools.lru_cache(maxsize=4096)  # called for every sheet in every sort and lookup; ids are few and short
def sheet_sort_key(blatt: str) -> tuple[int, int]:
    """Numeric order: 2.9 before 2.10, and L2.1 after both."""
    m = SHEET_ID.match(blatt)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = LOCAL_ID.match(blatt)
    return (int(m.group(1)), LOCAL_OFFSET + int(m.group(2))) if m else (999, 999)


def is_sheet_id(blatt: str) -> bool:
    """A state's or base sheet's id, or a municipality's own (L) id."""
    return bool(SHEET_ID.match(blatt) or LOCAL_ID.match(blatt))


@dataclass
class Sheet:
    """One sheet as written in a Markdown file (base or state)."""

    path: Path
    blatt: str  # for an extension (ergaenzt), the id of the extended sheet
    titel: str
    fassung: int
    stand: str
    body: str
    body_line: int
    aenderung: str | None = None
    grund: str | None = None
    schlagworte: list[str] = field(default_factory=list)
    ersetzt: bool = False
    ergaenzt: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    edition: str | None = None  # None for base sheets, else the state's code
    # Only a municipality's own sheets (core/kommune.py): left out of the public site, and
    # the delivery of the state edition against which the sheet was last checked.
    intern: bool = False
    geprueft: str | None = None

    @property
    def register_number(self) -> int:
        return sheet_sort_key(self.blatt)[0]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass
class Register:
    """A Themenkomplex: folder binder/NN-slug/ with its Registerblatt register.md."""

    number: int
    slug: str  # folder name, e.g. "02-gremiengruendung"
    path: Path  # the Registerblatt file
    titel: str
    fassung: int
    stand: str
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Body:
    """A prevention body (Landespräventionsrat, Leitstelle …)."""

    name: str
    kurz: str = ""
    adresse: str = ""
    web: str = ""
    # The name with its definite article in each case: «die/der/der/die Leitstelle …».
    nominativ: str = ""
    genitiv: str = ""
    dativ: str = ""
    akkusativ: str = ""


@dataclass
class Contact:
    name: str
    rolle: str = ""
    telefon: str = ""
    email: str = ""
    web: str = ""


@dataclass
class EditionDef:
    """What an ausgabe.yml says: the bund defaults or a Land's edition."""

    code: str
    path: Path
    name: str  # "Sachsen"
    titel: str  # "Ausgabe Sachsen"
    gremium: Body
    kontakte: list[Contact] = field(default_factory=list)
    variablen: dict[str, Any] = field(default_factory=dict)
    ohne: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    folder: Path | None = None  # binder/laender/<code>/ for states
    druck: str = "einseitig"  # "beidseitig": every sheet starts on a front page (duplex printing)

    @property
    def is_base(self) -> bool:
        return self.code == "bund"

    @property
    def duplex(self) -> bool:
        return self.druck == "beidseitig"

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass
class Binder:
    """Everything loaded from binder/: the base and every edition's own sheets."""

    root: Path
    registers: dict[int, Register]
    base_sheets: list[Sheet]
    editions: dict[str, EditionDef]  # code -> definition, "bund" first
    state_sheets: dict[str, list[Sheet]]  # code -> own sheets
    glossary: list = field(default_factory=list)  # core.glossary.Term
    # Ids of sheets whose file could not be read (its own error is reported): references to
    # them and their absence from an edition are not reported a second time.
    unreadable: set[str] = field(default_factory=set)
    # (path, body, first line of the body) of those files: their text is still checked.
    unreadable_bodies: list[tuple[Path, str, int]] = field(default_factory=list)

    def edition_codes(self) -> list[str]:
        return list(self.editions)
