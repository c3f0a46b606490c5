"""An edition's delivery history, ready for pages and supplements."""

from __future__ import annotations

from dataclasses import dataclass, field

from .assemble import AssembledEdition
from .deliveries import EditionChanges, Snapshot, Withdrawal, compare, delivery_changes, snapshot_of
from .derived import DerivedStep, PageVersion, derived_history, page_sort_key
from .german import extent_de
from .model import sheet_sort_key


@dataclass
class Delivery:
    name: str
    datum: str
    changes: EditionChanges
    previous: str | None  # name of the delivery before, if any
    # Register sheets and «Deckblatt und Inhalt» as of this delivery, and those it exchanges.
    derived: DerivedStep = field(default_factory=DerivedStep)

    def __bool__(self) -> bool:
        return bool(self.changes or self.derived.changed)


@dataclass
class EditionHistory:
    deliveries: list[Delivery] = field(default_factory=list)  # oldest first
    pending: EditionChanges | None = None  # current state vs. the last delivery (not yet delivered)
    pages: dict[str, int] = field(default_factory=dict)  # blatt -> pages as last delivered (same content)
    derived_pending: list[tuple[PageVersion | None, PageVersion]] = field(default_factory=list)


def edition_history(
    edition: AssembledEdition, snapshots: list[Snapshot], withdrawals: list[Withdrawal]
) -> EditionHistory:
    code = edition.code
    history = EditionHistory()
    derived = derived_history(snapshots, withdrawals, edition)
    for i, snap in enumerate(snapshots):
        if code not in snap.editions:
            continue
        history.deliveries.append(
            Delivery(
                snap.name,
                snap.datum,
                delivery_changes(snapshots, i, code, withdrawals),
                snapshots[i - 1].name if i > 0 else None,
                derived.deliveries[snap.name],
            )
        )
    if history.deliveries and derived.current is not None:
        history.derived_pending = derived.current.changed
    if snapshots and code in snapshots[-1].editions:
        last = snapshots[-1].editions[code]
        current = snapshot_of({code: edition})[code]
        pending = compare(last, current, withdrawals, code)
        history.pending = pending if pending else None
        history.pages = {
            b: r.seiten for b, r in last.items() if r.seiten and b in current and current[b].sha256 == r.sha256
        }
    return history


def register_of(blatt: str) -> str:
    """'8.52' -> '8'; a municipality's own 'L2.1' -> 'L2' (filed in its own part of register 2)."""
    return blatt.split(".", 1)[0]


def filing_position(blatt: str, order: list[str]) -> str:
    """Where a new sheet goes in the binder: behind the sheet before it in the same register,
    or first in its register, behind the Registerblatt."""
    register = register_of(blatt)
    before = None
    for other in order:
        if other == blatt:
            break
        if register_of(other) == register:
            before = other
    if before is not None:
        return f"hinter Blatt {before}"
    number = register.lstrip("L")
    return f"am Anfang von Register {number}, hinter dem Registerblatt"


def filing_rows(
    changes: EditionChanges, positions: bool = True, derived: DerivedStep | None = None, duplex: bool = False
) -> list[tuple[str, str]]:
    """(take out, put in) per sheet, in sheet order; a new sheet says where it goes (a changed
    one replaces the page taken out), unless the caller shows positions itself. With `derived`,
    the register sheets and «Deckblatt und Inhalt» it exchanges come first in their place.
    `duplex`: counts leaves besides pages, as a double-sided binder holds them."""

    def label(r) -> str:
        return f"Blatt {r.blatt}, Fassung {r.fassung_label} ({extent_de(r.seiten, duplex)})"

    def where(blatt: str) -> str:
        return f" – {filing_position(blatt, changes.order)}" if positions and changes.order else ""

    def page(v: PageVersion) -> str:
        return f"{v.label}, Fassung {v.fassung}" + (f" ({extent_de(v.seiten, duplex)})" if v.seiten else "")

    def first(v: PageVersion) -> str:
        if v.key == "deckblatt":
            return " – ganz vorn in den Ordner"
        return f" – am Anfang von Register {v.key.partition(':')[2]}" if positions else ""

    derived_rows = [
        (page_sort_key(new.key), page(old) if old else "–", page(new) if old else page(new) + first(new))
        for old, new in (derived.changed if derived else [])
    ]
    rows = [(old.blatt, label(old), label(new)) for old, new in changes.changed]
    rows += [(new.blatt, "–", label(new) + where(new.blatt)) for new in changes.new]
    rows += [(old.blatt, label(old), "– (entfällt ersatzlos)") for old, _ in changes.withdrawn]
    keyed = [(sheet_sort_key(b), out, put) for b, out, put in rows] + derived_rows
    return [(out, put) for _, out, put in sorted(keyed, key=lambda row: row[0])]
