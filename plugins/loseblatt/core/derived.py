"""Printed pages the binder derives from its sheets: register sheets and «Deckblatt und Inhalt».

They are filed like sheets, so they get a Fassung and Stand like sheets, derived from the
recorded deliveries (never from git, never set by hand):

- A register sheet (Registerblatt N) prints the register's introduction and the list of its
  sheets (ids and titles). It has Fassung 1 in the first delivery that has it; every later
  delivery in which that printed content differs raises it by one. Its Stand is the newest
  Stand among what it shows (register.md and the sheets listed) when it changed.
- «Deckblatt und Inhalt» names the last delivery and the edition's Stand and lists every sheet
  with its page count. It changes with every delivery that changes the edition, and so comes
  with every supplement that brings something.

A change since the last delivery that is not recorded yet gives the next Fassung (what the next
delivery will bring); the site and the PDFs show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .assemble import AssembledEdition
from .deliveries import Snapshot, Withdrawal, compare, snapshot_of, text_hash
from .model import sheet_sort_key

COVER = "deckblatt"


def register_key(number: int) -> str:
    return f"register:{number}"


def page_label(key: str) -> str:
    if key == COVER:
        return "Deckblatt und Inhalt"
    return f"Registerblatt {key.partition(':')[2]}"


def page_sort_key(key: str) -> tuple[int, int]:
    """Deckblatt first, a register sheet before the sheets of its register."""
    if key == COVER:
        return (-1, -1)
    return (int(key.partition(":")[2]), -1)


@dataclass(frozen=True)
class RegisterState:
    """What a register sheet prints, as far as a snapshot knows it."""

    number: int
    titel: str
    unit: str  # hash of register.md as written (title and introduction)
    sheets: tuple[tuple[str, str], ...]  # (blatt, titel) in binder order
    markdown: str | None  # the introduction as assembled for the edition; None in older snapshots
    stand: str  # newest Stand among register.md and the sheets listed
    seiten: int | None = None
    # register.md's own Fassung: what a register sheet printed before 2027 showed, so the first
    # delivered Fassung matches the page a holder has.
    unit_fassung: int = 1

    def same_as(self, other: RegisterState) -> bool:
        if (self.unit, self.sheets) != (other.unit, other.sheets):
            return False
        # Snapshots before 2027 did not keep the assembled introduction: then register.md's hash decides.
        return self.markdown is None or other.markdown is None or self.markdown == other.markdown


@dataclass(frozen=True)
class PageVersion:
    key: str
    fassung: int
    stand: str
    seiten: int | None = None
    delivery: str | None = None  # the delivery that brought it; None while not delivered

    @property
    def label(self) -> str:
        return page_label(self.key)


@dataclass
class DerivedStep:
    """One delivery's (or the pending state's) effect on the derived pages of one edition."""

    changed: list[tuple[PageVersion | None, PageVersion]] = field(default_factory=list)  # (before, after)
    versions: dict[str, PageVersion] = field(default_factory=dict)  # every derived page after it
    registers: dict[int, RegisterState] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)  # blatt -> pages, as listed in the contents

    def inserted(self) -> list[PageVersion]:
        return [after for _, after in self.changed]


def advance(
    previous: DerivedStep | None,
    registers: dict[int, RegisterState],
    edition_changed: bool,
    cover_stand: str,
    cover_pages: int | None,
    delivery: str | None,
) -> DerivedStep:
    """The derived pages after a delivery (or the pending state), given the ones before.

    `edition_changed`: the delivery changes a sheet of the edition (new, changed, withdrawn)."""
    before = previous.versions if previous else {}
    step = DerivedStep(registers=registers)
    for number in sorted(registers):
        key = register_key(number)
        state = registers[number]
        old_state = previous.registers.get(number) if previous else None
        old = before.get(key)
        if old is not None and old_state is not None and state.same_as(old_state):
            step.versions[key] = PageVersion(key, old.fassung, old.stand, state.seiten or old.seiten, old.delivery)
            continue
        new = PageVersion(key, old.fassung + 1 if old else state.unit_fassung, state.stand, state.seiten, delivery)
        step.versions[key] = new
        if previous is not None:
            step.changed.append((old, new))
    old_cover = before.get(COVER)
    if old_cover is None or edition_changed or step.changed:
        cover = PageVersion(COVER, old_cover.fassung + 1 if old_cover else 1, cover_stand, cover_pages, delivery)
        if previous is not None:
            step.changed.insert(0, (old_cover, cover))
    else:
        cover = PageVersion(
            COVER, old_cover.fassung, old_cover.stand, cover_pages or old_cover.seiten, old_cover.delivery
        )
    step.versions[COVER] = cover
    return step


def register_state(
    number: int,
    titel: str,
    unit: str,
    unit_stand: str,
    sheets: list[tuple[str, str, str]],
    markdown: str | None,
    seiten: int | None = None,
    unit_fassung: int = 1,
) -> RegisterState:
    """`sheets`: (blatt, titel, stand) of the sheets listed."""
    ordered = sorted(sheets, key=lambda s: sheet_sort_key(s[0]))
    return RegisterState(
        number,
        titel,
        unit,
        tuple((b, t) for b, t, _ in ordered),
        markdown,
        max([unit_stand] + [s for _, _, s in ordered]),
        seiten,
        unit_fassung,
    )


# ----- from snapshots and from the current edition ----------------------------------


def snapshot_registers(snap: Snapshot, code: str) -> dict[int, RegisterState]:
    records = snap.editions.get(code, {})
    stored = snap.registers.get(code, {})
    numbers = set(stored) | {r.register for r in records.values()}
    out = {}
    for n in numbers:
        listed = [(r.blatt, r.titel, r.stand) for r in records.values() if r.register == n]
        unit = snap.units.get(register_key(n), {})
        entry = stored.get(n, {})
        titel = entry.get("titel") or next((r.register_titel for r in records.values() if r.register == n), "")
        out[n] = register_state(
            n,
            titel,
            unit.get("sha256", ""),
            unit.get("stand", ""),
            listed,
            entry.get("markdown"),
            entry.get("seiten"),
            unit.get("fassung", 1),
        )
    return out


def edition_registers(edition: AssembledEdition, pages: dict[int, int] | None = None) -> dict[int, RegisterState]:
    out = {}
    for reg in edition.registers:
        r = reg.register
        out[r.number] = register_state(
            r.number,
            r.titel,
            text_hash(r.titel + "\n" + r.body),
            r.stand,
            [(s.blatt, s.titel, s.stand) for s in reg.sheets],
            reg.markdown,
            (pages or {}).get(r.number),
            r.fassung,
        )
    return out


@dataclass
class DerivedHistory:
    deliveries: dict[str, DerivedStep] = field(default_factory=dict)  # delivery name -> its step
    current: DerivedStep | None = None  # the edition as built now (pending changes included)


def derived_history(
    snapshots: list[Snapshot], withdrawals: list[Withdrawal], edition: AssembledEdition
) -> DerivedHistory:
    code = edition.code
    out = DerivedHistory()
    step: DerivedStep | None = None
    last: dict | None = None
    for snap in snapshots:
        records = snap.editions.get(code)
        if records is None:
            continue
        changed = bool(last is None or compare(last, records, withdrawals, code))
        stand = max((r.stand for r in records.values()), default="")
        step = advance(step, snapshot_registers(snap, code), changed, stand, snap.cover_pages.get(code), snap.name)
        step.pages = {b: r.seiten for b, r in records.items() if r.seiten}
        out.deliveries[snap.name] = step
        last = records
    current = snapshot_of({code: edition})[code]
    pending = last is None or bool(compare(last, current, withdrawals, code))
    stand = max((s.stand for s in edition.sheets), default="")
    out.current = advance(step, edition_registers(edition), pending, stand, None, None)
    return out


def add_page_versions(
    editions: dict[str, AssembledEdition], snapshots: list[Snapshot], withdrawals: list[Withdrawal]
) -> None:
    """Each register and the cover of every edition learn their current Fassung and Stand."""
    for ed in editions.values():
        current = derived_history(snapshots, withdrawals, ed).current or DerivedStep()
        for reg in ed.registers:
            reg.version = current.versions.get(register_key(reg.register.number))
        ed.cover_version = current.versions.get(COVER)
