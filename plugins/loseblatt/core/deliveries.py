"""Deliveries (Ergänzungslieferungen): snapshots of what was published, and what follows.

A snapshot `binder/lieferungen/<JJJJ-N>.json` records, per edition, every sheet as published
(id, title, Fassung, Stand, pages, hash and the assembled source) and, per source unit (a base
sheet, a state sheet, an extension, a Registerblatt), its Fassung, Stand and a hash of what the
editor wrote. Supplements, the list of valid sheets, «Was ist neu» and revision marks are derived
from these snapshots only, never from git history.

Withdrawn sheets are listed in `binder/entfallen.yml`:

    - blatt: "7.9"
      grund: In Blatt 7.4 aufgegangen
      stand: 2027-03
      ausgaben: [sn]      # optional: only these editions; default all
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .assemble import AssembledEdition, AssembledSheet, sheet_source
from .check_memo import last_check
from .fields import STAND, WITHDRAWN_FIELDS
from .frontmatter import load_yaml_list
from .inputs import read_text
from .model import SHEET_ID, Binder, sheet_sort_key
from .problems import Problems
from .references import TITLE_SEPARATOR, escape_markdown

FOLDER = "lieferungen"
WITHDRAWN_FILE = "entfallen.yml"
NAME = re.compile(r"^(\d{4})-(\d{1,2})$")
FORMAT = "loseblatt-lieferung/1"


def name_key(name: str) -> tuple[int, int]:
    m = NAME.match(name)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SheetRecord:
    """A sheet as published in one edition by one delivery."""

    blatt: str
    titel: str
    fassung: int
    stand: str
    register: int
    register_titel: str
    sha256: str
    markdown: str
    seiten: int | None = None
    fassung_ergaenzung: int | None = None
    aenderung: str | None = None
    grund: str | None = None

    @property
    def fassung_label(self) -> str:
        return f"{self.fassung}/{self.fassung_ergaenzung}" if self.fassung_ergaenzung else str(self.fassung)


@dataclass
class Snapshot:
    name: str
    datum: str
    path: Path
    editions: dict[str, dict[str, SheetRecord]]  # code -> blatt -> record
    editions_titel: dict[str, str]
    units: dict[str, dict]  # unit key -> {"fassung", "stand", "sha256"}
    # Register sheets as printed (since 2027): code -> number -> {"titel", "markdown", "seiten"}
    registers: dict[str, dict[int, dict]] = field(default_factory=dict)
    cover_pages: dict[str, int] = field(default_factory=dict)  # code -> pages of «Deckblatt und Inhalt»


@dataclass
class Withdrawal:
    blatt: str
    grund: str
    stand: str
    ausgaben: list[str] | None
    line: int

    def applies(self, code: str) -> bool:
        return self.ausgaben is None or code in self.ausgaben


@dataclass
class EditionChanges:
    """What one delivery brings to one edition, compared with the one before."""

    new: list[SheetRecord] = field(default_factory=list)
    changed: list[tuple[SheetRecord, SheetRecord]] = field(default_factory=list)  # (before, after)
    withdrawn: list[tuple[SheetRecord, Withdrawal | None]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # every sheet after the delivery, in binder order

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.withdrawn)

    def inserted(self) -> list[SheetRecord]:
        return sorted(self.new + [after for _, after in self.changed], key=lambda r: sheet_sort_key(r.blatt))


# ----- source units: what an editor wrote ------------------------------------------


def unit_keys(binder: Binder) -> dict[str, tuple]:
    """key -> (path, lines, fassung, stand, content hash) for every base/state sheet and Registerblatt."""
    units: dict[str, tuple] = {}
    for reg in binder.registers.values():
        units[f"register:{reg.number}"] = (
            reg.path,
            reg.lines,
            reg.fassung,
            reg.stand,
            text_hash(reg.titel + "\n" + reg.body),
        )
    for sheet in binder.base_sheets:
        units.setdefault(
            f"bund:{sheet.blatt}",
            (sheet.path, sheet.lines, sheet.fassung, sheet.stand, text_hash(sheet.titel + "\n" + sheet.body)),
        )
    for code, sheets in binder.state_sheets.items():
        for sheet in sheets:
            key = f"{code}:+{sheet.blatt}" if sheet.ergaenzt else f"{code}:{sheet.blatt}"
            units.setdefault(
                key, (sheet.path, sheet.lines, sheet.fassung, sheet.stand, text_hash(sheet.titel + "\n" + sheet.body))
            )
    return units


# ----- reading and writing snapshots -------------------------------------------------


def load_withdrawals(root: Path, problems: Problems) -> list[Withdrawal]:
    path = Path(root) / WITHDRAWN_FILE
    if not path.is_file():
        return []
    loaded = load_yaml_list(path, problems, "der Liste der entfallenen Blätter")
    if loaded is None:
        return []
    data, nodes = loaded
    if nodes is None:
        problems.add(path, 1, "„entfallen.yml“ ist eine Liste von Einträgen mit „blatt“, „grund“ und „stand“.")
        return []
    out = []
    for entry, item in zip(data, nodes, strict=False):
        line = item.start_mark.line + 1
        blatt = None
        if isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                if k.value == "blatt" and isinstance(v, yaml.ScalarNode):
                    blatt = v.value  # as written: 2.10 stays "2.10"
        if not isinstance(entry, dict) or set(entry) - {f.key for f in WITHDRAWN_FIELDS}:
            problems.add(
                path,
                line,
                "Ein Eintrag in „entfallen.yml“ hat die Schlüssel „blatt“, „grund“, „stand“ und optional „ausgaben“.",
            )
            continue
        grund, stand, ausgaben = entry.get("grund"), str(entry.get("stand", "")), entry.get("ausgaben")
        if not blatt or not SHEET_ID.match(blatt) or not isinstance(grund, str) or not STAND.match(stand):
            problems.add(
                path, line, 'Jedes entfallene Blatt braucht „blatt“ (z. B. "2.3"), „grund“ und „stand“ (JJJJ-MM).'
            )
            continue
        if ausgaben is not None and not (isinstance(ausgaben, list) and all(isinstance(a, str) for a in ausgaben)):
            problems.add(path, line, "„ausgaben“ ist eine Liste von Kürzeln, z. B. [sn, bw].")
            continue
        out.append(Withdrawal(blatt, grund.strip(), stand, ausgaben, line))
    return out


# Snapshots up to this software's 0.1 stored Blattverweise with the title in raw HTML. They are
# read in today's form, so that an unchanged sheet compares as unchanged and renders without
# raw HTML; the hash follows, where it was the hash of that text.
_LEGACY_REFERENCE = re.compile(r'\[Blatt ([0-9.]+)<span class="lb-verweis-titel"> – (.*?)</span>\]')
_LEGACY_MARK = re.compile(
    r'<div class="lb-geaendert" markdown="1">\n<p class="lb-sr">[^<]*</p>\n\n(.*?)\n\n</div>', re.S
)

# Up to 0.2 the core wrote the web's class name into every Blattverweis; now the link only names
# its sheet and the renderer adds the class.
_CLASSED_REFERENCE = re.compile(r'(\]\([^)\s]*\))\{: \.lb-verweis (data-blatt="[^"]+") \}')


def _current_markdown(text: str) -> str:
    text = _CLASSED_REFERENCE.sub(r"\1{: \2 }", text)
    text = _LEGACY_MARK.sub(lambda m: m.group(1), text)
    return _LEGACY_REFERENCE.sub(
        lambda m: f"[Blatt {m.group(1)}{TITLE_SEPARATOR}{escape_markdown(html.unescape(m.group(2)))}]", text
    )


def _current_hash(record: dict, stored: str, current: str) -> str:
    if stored == current:
        return record["sha256"]
    label = (
        f"{record['fassung']}/{record['fassung_ergaenzung']}"
        if record.get("fassung_ergaenzung")
        else str(record["fassung"])
    )
    fields = (record["blatt"], record["titel"], label, record["stand"])
    if text_hash(sheet_source(*fields, stored)) != record["sha256"]:
        return record["sha256"]
    return text_hash(sheet_source(*fields, current))


_RECORD_TYPES = {
    "blatt": str, "titel": str, "fassung": int, "stand": str, "register": int,
    "register_titel": str, "sha256": str, "quelle": str,
}  # fmt: skip


class SnapshotError(ValueError):
    """A snapshot that is readable JSON but not what `loseblatt lieferung` writes (German text)."""


def _checked_record(record: object) -> bool:
    if not isinstance(record, dict):
        raise SnapshotError("ein Blatt ist kein Eintrag mit Angaben")
    for key, kind in _RECORD_TYPES.items():
        value = record.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise SnapshotError(f"„{key}“ von Blatt {record.get('blatt')!r} fehlt oder hat den falschen Typ")
    return True


def _registers(edition: dict, sources: dict[str, str]) -> dict[int, dict]:
    out = {}
    for entry in edition.get("registerblaetter", []):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("register"), int)
            or entry.get("quelle") not in sources
        ):
            raise SnapshotError("ein Registerblatt ist kein Eintrag mit „register“, „titel“ und „quelle“")
        out[entry["register"]] = {
            "titel": str(entry.get("titel", "")),
            "markdown": sources[entry["quelle"]],
            "seiten": entry.get("seiten"),
        }
    return out


def load_snapshots(root: Path, problems: Problems) -> list[Snapshot]:
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return []
    snapshots = []
    for path in folder.glob("*.json"):
        if not NAME.match(path.stem):
            problems.add(path, 1, f"Lieferungen heißen „JJJJ-N.json“ (z. B. 2027-1.json), nicht „{path.name}“.")
            continue
        text = read_text(path, problems, "Die Lieferung", max_bytes=200_000_000)
        if text is None:
            continue
        read = _snapshot(text, str(path))
        if isinstance(read, str):
            problems.add(
                path,
                1,
                f"Die Lieferung ist beschädigt und lässt sich nicht lesen ({read}). "
                "Lieferungen werden nur mit „loseblatt lieferung“ geschrieben.",
            )
            continue
        snapshots.append(copy.deepcopy(read))  # the memo's own stays as read
    return sorted(snapshots, key=lambda s: name_key(s.name))


@last_check(lasting=False)  # a copy of every delivery on disk is not worth it
def _snapshot(text: str, path: str) -> Snapshot | str:
    """A delivery read from its JSON, or what is wrong with it. Deliveries accumulate and are
    never edited: under `mkdocs serve` each one was read again at every check (20 ms for the
    real binder's first)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("unbekanntes Format")
        sources = {key: _current_markdown(text) for key, text in data["quellen"].items()}
        editions = {}
        for code, ed in data["ausgaben"].items():
            editions[code] = {
                s["blatt"]: SheetRecord(
                    blatt=s["blatt"],
                    titel=s["titel"],
                    fassung=s["fassung"],
                    stand=s["stand"],
                    register=s["register"],
                    register_titel=s["register_titel"],
                    sha256=_current_hash(s, data["quellen"][s["quelle"]], sources[s["quelle"]]),
                    markdown=sources[s["quelle"]],
                    seiten=s.get("seiten"),
                    fassung_ergaenzung=s.get("fassung_ergaenzung"),
                    aenderung=s.get("aenderung"),
                    grund=s.get("grund"),
                )
                for s in ed["blaetter"]
                if _checked_record(s)
            }
        return Snapshot(
            data["lieferung"],
            data["datum"],
            Path(path),
            editions,
            {c: e["titel"] for c, e in data["ausgaben"].items()},
            data["einheiten"],
            {c: _registers(e, sources) for c, e in data["ausgaben"].items()},
            {c: e["deckblatt_seiten"] for c, e in data["ausgaben"].items() if e.get("deckblatt_seiten")},
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            return f"kein gültiges JSON in Zeile {exc.lineno}"
        if isinstance(exc, KeyError):
            return f"Angabe {exc} fehlt"
        return str(exc) if isinstance(exc, ValueError) else "unerwarteter Aufbau"


def record(
    name: str,
    datum: str,
    binder: Binder,
    editions: dict[str, AssembledEdition],
    pages: dict[str, dict[str, int]],
    derived_pages: dict[str, dict[str, int]] | None = None,
) -> dict:
    """The JSON content of a new delivery; identical sources are stored once. `pages`: per
    edition and sheet the page count; `derived_pages`: per edition the page counts of the
    register sheets ("register:N") and of «Deckblatt und Inhalt» ("deckblatt")."""
    sources: dict[str, str] = {}
    out_editions = {}
    for code, ed in editions.items():
        sheets = []
        for s in ed.sheets:
            src_key = text_hash(s.markdown)
            sources[src_key] = s.markdown
            entry = {
                "blatt": s.blatt,
                "titel": s.titel,
                "fassung": s.fassung,
                "stand": s.stand,
                "register": s.register.number,
                "register_titel": s.register.titel,
                "seiten": pages.get(code, {}).get(s.blatt),
                "sha256": s.sha256,
                "quelle": src_key,
            }
            if s.extension_fassung is not None:
                entry["fassung_ergaenzung"] = s.extension_fassung
            if s.aenderung:
                entry["aenderung"] = s.aenderung
            if s.grund:
                entry["grund"] = s.grund
            sheets.append(entry)
        counts = (derived_pages or {}).get(code, {})
        registers = []
        for reg in ed.registers:
            src_key = text_hash(reg.markdown)
            sources[src_key] = reg.markdown
            registers.append(
                {
                    "register": reg.register.number,
                    "titel": reg.register.titel,
                    "quelle": src_key,
                    "seiten": counts.get(f"register:{reg.register.number}"),
                }
            )
        out_editions[code] = {
            "titel": ed.definition.titel,
            "blaetter": sheets,
            "registerblaetter": registers,
            "deckblatt_seiten": counts.get("deckblatt"),
        }
    units = {key: {"fassung": u[2], "stand": u[3], "sha256": u[4]} for key, u in sorted(unit_keys(binder).items())}
    return {
        "format": FORMAT,
        "lieferung": name,
        "datum": datum,
        "ausgaben": out_editions,
        "einheiten": units,
        "quellen": dict(sorted(sources.items())),
    }


def snapshot_of(editions: dict[str, AssembledEdition], name: str = "aktuell") -> dict[str, dict[str, SheetRecord]]:
    """The current state in snapshot form (for comparisons)."""
    return {code: {s.blatt: record_of(s) for s in ed.sheets} for code, ed in editions.items()}


def record_of(s: AssembledSheet, seiten: int | None = None) -> SheetRecord:
    return SheetRecord(
        s.blatt,
        s.titel,
        s.fassung,
        s.stand,
        s.register.number,
        s.register.titel,
        s.sha256,
        s.markdown,
        seiten,
        s.extension_fassung,
        s.aenderung,
        s.grund,
    )


# ----- integrity -------------------------------------------------------------------


def check_integrity(
    binder: Binder,
    editions: dict[str, AssembledEdition],
    snapshots: list[Snapshot],
    withdrawals: list[Withdrawal],
    problems: Problems,
) -> None:
    if not snapshots:
        return
    last = snapshots[-1]
    for key, (path, lines, fassung, stand, digest) in unit_keys(binder).items():
        old = last.units.get(key)
        if old is None:
            continue
        what = _unit_name(key)
        if fassung < old["fassung"]:
            problems.add(
                path,
                lines.get("fassung", 1),
                f"„fassung“ von {what} sinkt von {old['fassung']} (Lieferung {last.name}) auf {fassung}: "
                "Fassungen werden nur erhöht.",
            )
        elif digest != old["sha256"] and fassung == old["fassung"]:
            problems.add(
                path,
                lines.get("fassung", 1),
                f"{what} wurde seit der Lieferung {last.name} geändert, aber „fassung“ ist noch {fassung}: "
                f"bitte auf {fassung + 1} erhöhen, „stand“ anpassen und „aenderung“ und „grund“ angeben.",
            )
        elif digest != old["sha256"] and stand <= old["stand"]:
            problems.add(
                path,
                lines.get("stand", 1),
                f"{what} hat eine neue Fassung, aber „stand“ ist noch {stand}: bitte den Monat der Änderung "
                f"angeben (später als {old['stand']}).",
            )
    for code, ed in editions.items():
        previous = last.editions.get(code, {})
        current = {s.blatt for s in ed.sheets}
        for blatt, rec in previous.items():
            if blatt in current or blatt in binder.unreadable:  # a broken file has its own error
                continue
            if not any(w.blatt == blatt and w.applies(code) for w in withdrawals):
                problems.add(
                    binder.root / WITHDRAWN_FILE,
                    1,
                    f"Blatt {blatt} („{rec.titel}“) ist seit der Lieferung {last.name} nicht mehr in der Ausgabe. "
                    f"Entfallene Blätter werden in binder/{WITHDRAWN_FILE} mit „blatt“, „grund“ und „stand“ "
                    "eingetragen, damit die Ergänzungslieferung sagt, was herauszunehmen ist.",
                    code,
                )
    all_ids = {s.blatt for ed in editions.values() for s in ed.sheets}
    for w in withdrawals:
        if w.blatt in all_ids and any(
            w.applies(c) and w.blatt in {s.blatt for s in e.sheets} for c, e in editions.items()
        ):
            problems.add(
                binder.root / WITHDRAWN_FILE,
                w.line,
                f"Blatt {w.blatt} ist als entfallen eingetragen, steht aber wieder im Ordner: "
                "Blattnummern werden nie wiederverwendet.",
            )


def _unit_name(key: str) -> str:
    kind, _, ident = key.partition(":")
    if kind == "register":
        return f"Registerblatt {ident}"
    if ident.startswith("+"):
        return f"Die Ergänzung zu Blatt {ident[1:]} ({kind})"
    return f"Blatt {ident}"


# ----- what changed ----------------------------------------------------------------


def compare(
    before: dict[str, SheetRecord], after: dict[str, SheetRecord], withdrawals: list[Withdrawal], code: str
) -> EditionChanges:
    changes = EditionChanges(order=sorted(after, key=sheet_sort_key))
    for blatt in sorted(after, key=sheet_sort_key):
        rec = after[blatt]
        old = before.get(blatt)
        if old is None:
            changes.new.append(rec)
        elif old.sha256 != rec.sha256:
            changes.changed.append((old, rec))
    for blatt in sorted(set(before) - set(after), key=sheet_sort_key):
        w = next((w for w in withdrawals if w.blatt == blatt and w.applies(code)), None)
        changes.withdrawn.append((before[blatt], w))
    return changes


def delivery_changes(snapshots: list[Snapshot], index: int, code: str, withdrawals: list[Withdrawal]) -> EditionChanges:
    """What delivery `index` brought to edition `code` (the first delivery brings everything)."""
    after = snapshots[index].editions.get(code, {})
    before = snapshots[index - 1].editions.get(code, {}) if index > 0 else {}
    return compare(before, after, withdrawals, code)


def previous_version(snapshots: list[Snapshot], code: str, blatt: str, fassung_label: str) -> SheetRecord | None:
    """The newest delivered version of a sheet with another Fassung than `fassung_label`."""
    for snap in reversed(snapshots):
        rec = snap.editions.get(code, {}).get(blatt)
        if rec is not None and rec.fassung_label != fassung_label:
            return rec
    return None
