"""A municipality's own binder: its state edition as delivered (a pinned package) plus its own
sheets (L-numbers), its notes on state sheets, and its own deliveries.

A municipal binder is a small repository of its own:

    kommune.yml            name, council, state, pinned delivery and its checksum, variables
    paket/<land>-<lieferung>.zip   the pinned edition package (core/package.py)
    blaetter/…             own sheets «L2.1» and notes on state sheets (`ergaenzt: "2.3"`)
    lieferungen/           the municipality's deliveries (same format as the main binder's)
    entfallen.yml          own sheets taken out (optional, as in the main binder)

Its edition is assembled like any other (core/assemble.py's text processing), from the
package's sheets as delivered and the local sheets; the result is an AssembledEdition that the
site and print adapters build like a state edition. Nothing here knows MkDocs.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..addresses import register_page, sheet_page
from . import platzhalter
from .assemble import (
    AssembledEdition,
    AssembledRegister,
    AssembledSheet,
    _indent,
    process_text,
)
from .deliveries import Withdrawal, check_integrity, load_snapshots, load_withdrawals, name_key
from .fields import PRINT_MODES
from .german import contracted_forms
from .glossary import abbreviations_markdown, glossary_markdown
from .laender import LAENDER
from .load import DELIVERY_NAME, PLAIN_FIELD, _closest, load_sheet, print_mode, read_settings_file
from .model import SHEET_ID, Binder, Body, EditionDef, Register, Sheet, sheet_sort_key
from .package import Package, PackageError, read_package
from .problems import Problem, Problems
from .references import Target, find_references
from .templating import TrustedMarkdown

KOMMUNE_FILE = "kommune.yml"
SHEETS_DIR = "blaetter"
PACKAGE_DIR = "paket"
KOMMUNE_REQUIRED = ("kommune", "gremium", "land", "lieferung", "sha256")
KOMMUNE_OPTIONAL = ("kuerzel", "quelle", "variablen", "druck", platzhalter.KEY)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
CODE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")


@dataclass
class KommuneDef:
    path: Path
    name: str  # «Musterstadt»
    gremium: str  # «Kommunaler Präventionsrat Musterstadt»
    land: str  # the state edition's code, «sn»
    lieferung: str  # the pinned delivery, «2026-1»
    sha256: str  # of the pinned package
    code: str  # the binder's own edition code (folder in site/), from the name unless `kuerzel`
    quelle: str = ""  # address of the state edition (…/sn/), where updates come from
    variablen: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # Template placeholder (without brackets) → field of kommune.yml (core/platzhalter.py), and
    # the line of each entry that kommune.yml declares itself.
    platzhalter: dict[str, str] = field(default_factory=lambda: dict(platzhalter.STANDARD))
    platzhalter_lines: dict[str, int] = field(default_factory=dict)
    druck: str = PRINT_MODES[0]  # how this binder's PDFs are meant to be printed, as in ausgabe.yml

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def root(self) -> Path:
        return self.path.parent

    def placeholder_values(self) -> dict[str, str]:
        """What this binder fills into its templates: placeholder → plain text."""
        return platzhalter.values(self.platzhalter, self.name, self.gremium, self.variablen)


def is_municipal(project_root: Path) -> bool:
    return (Path(project_root) / KOMMUNE_FILE).is_file()


def code_of(name: str) -> str:
    """«Bad Musterstadt» → «bad-musterstadt» (the edition's folder in site/)."""
    text = name.lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "kommune"


def package_name(land: str, lieferung: str) -> str:
    return f"{land}-{lieferung}.zip"


def load_kommune_def(root: Path, problems: Problems) -> KommuneDef | None:
    path = Path(root) / KOMMUNE_FILE
    settings = read_settings_file(path, problems, KOMMUNE_REQUIRED, KOMMUNE_OPTIONAL, "kommune.yml")
    if settings is None:
        return None
    front, ok = settings
    data, lines = front.data, front.lines
    texts: dict[str, str] = {}
    for key in ("kommune", "gremium", "land", "lieferung", "sha256", "quelle", "kuerzel"):
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip() or not PLAIN_FIELD.match(value):
            problems.add(path, lines[key], f"„{key}“ muss ein Text in einer Zeile sein (ohne < und >).")
            ok = False
            continue
        texts[key] = value.strip()
    land = texts.get("land")
    if land is not None and land not in LAENDER:
        problems.add(path, lines["land"], f"„{land}“ ist kein Länderkürzel.{_closest(land, list(LAENDER))}")
        ok = False
    lieferung = texts.get("lieferung")
    if lieferung is not None and not DELIVERY_NAME.match(lieferung):
        problems.add(path, lines["lieferung"], f'„lieferung“ nennt eine Lieferung wie "2027-1", nicht „{lieferung}“.')
        ok = False
    sha = texts.get("sha256")
    if sha is not None and not SHA256.match(sha):
        problems.add(path, lines["sha256"], "„sha256“ ist die Prüfsumme des Pakets: 64 Zeichen 0–9 und a–f.")
        ok = False
    quelle = texts.get("quelle", "")
    if quelle and not re.match(r"^https?://[^\s<>\"']+/$", quelle):
        problems.add(path, lines["quelle"], "„quelle“ ist die Adresse der Landesausgabe mit https:// und „/“ am Ende.")
        ok = False
    code = texts.get("kuerzel") or code_of(texts.get("kommune", ""))
    if not CODE.match(code) or code in LAENDER or code == "bund":
        problems.add(
            path,
            lines.get("kuerzel", lines.get("kommune", 1)),
            f"„{code}“ taugt nicht als Kürzel des Ordners (Kleinbuchstaben, Ziffern, „-“; kein Länderkürzel): "
            "bitte „kuerzel“ angeben.",
        )
        ok = False
    variablen = data.get("variablen", {})
    if not isinstance(variablen, dict):
        problems.add(path, lines["variablen"], "„variablen“ muss aus Angaben der Form „name: wert“ bestehen.")
        ok = False
        variablen = {}
    for key, value in variablen.items():
        if not isinstance(key, str) or not re.match(r"^[a-z_][a-z0-9_]*$", key) or key in dir(dict):
            problems.add(
                path,
                lines["variablen"],
                f"Variablennamen bestehen aus Kleinbuchstaben, Ziffern und „_“: „{key}“ geht nicht.",
            )
            ok = False
        elif not isinstance(value, (str, int)) or isinstance(value, bool):
            problems.add(path, lines["variablen"], f"Die Variable „{key}“ muss ein Text oder eine Zahl sein.")
            ok = False
    mapping, mapping_lines, mapping_problems = platzhalter.declared(
        data.get(platzhalter.KEY),
        # The entries' own lines are read from the text (the reader above checked the file).
        path.read_text(encoding="utf-8") if platzhalter.KEY in data else "",
        lines.get(platzhalter.KEY, 1),
        texts.get("kommune", ""),
        texts.get("gremium", ""),
        variablen,
    )
    for problem in mapping_problems:
        problems.add(path, problem.line, problem.message)
        ok = False
    druck = print_mode(front, path, problems)
    if druck is None:
        ok = False
    if not ok or druck is None:
        return None
    return KommuneDef(
        path=path,
        name=texts["kommune"],
        gremium=texts["gremium"],
        land=texts["land"],
        lieferung=texts["lieferung"],
        sha256=texts["sha256"],
        code=code,
        quelle=quelle,
        variablen=dict(variablen),
        lines=lines,
        platzhalter=mapping,
        platzhalter_lines=mapping_lines,
        druck=druck,
    )


def load_pinned(kdef: KommuneDef, problems: Problems) -> Package | None:
    """The pinned package from paket/, verified against kommune.yml."""
    path = kdef.root / PACKAGE_DIR / package_name(kdef.land, kdef.lieferung)
    if not path.is_file():
        problems.add(
            kdef.path,
            kdef.line_of("lieferung"),
            f"Das Paket der Lieferung {kdef.lieferung} fehlt ({PACKAGE_DIR}/{path.name}). "
            "„loseblatt kommune aktualisieren“ holt es.",
        )
        return None
    data = path.read_bytes()
    try:
        pkg = read_package(data, f"Das Paket {PACKAGE_DIR}/{path.name}")
    except PackageError as exc:
        problems.add(path, 1, str(exc))
        return None
    if pkg.sha256 != kdef.sha256:
        problems.add(
            kdef.path,
            kdef.line_of("sha256"),
            f"Die Prüfsumme von {PACKAGE_DIR}/{path.name} stimmt nicht mit „sha256“ überein: Das Paket wurde "
            "verändert oder ausgetauscht. Bitte mit „loseblatt kommune aktualisieren“ neu holen.",
        )
        return None
    if pkg.code != kdef.land or pkg.delivery != kdef.lieferung:
        problems.add(
            kdef.path,
            kdef.line_of("land"),
            f"{PACKAGE_DIR}/{path.name} enthält die Lieferung {pkg.delivery} der Ausgabe „{pkg.code}“, "
            f"nicht {kdef.lieferung} von „{kdef.land}“.",
        )
        return None
    return pkg


def load_local(root: Path, code: str, problems: Problems) -> list[Sheet]:
    folder = Path(root) / SHEETS_DIR
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*.md")):
        sheet = load_sheet(path, problems, code, local=True)
        if sheet is not None:
            out.append(sheet)
    return out


# ----- assembling ----------------------------------------------------------------------


def template_context(kdef: KommuneDef, pkg: Package, titel: str) -> dict[str, Any]:
    """What local sheets may use: the state's values ({{ land.name }}), the municipality's
    ({{ kommune.name }}, {{ kommune.gremium }}) and its variables ({{ var.vorsitz }})."""
    a = pkg.meta["ausgabe"]
    gremium = {str(k): str(v) for k, v in a["gremium"].items()}
    return {
        "land": {
            "code": a["code"],
            "name": a["name"],
            "titel": a["titel"],
            "gremium": {**gremium, **contracted_forms(gremium.get("dativ", ""))},
            "kontakte": [dict(c) for c in a.get("kontakte", [])],
        },
        "kommune": {"name": kdef.name, "gremium": kdef.gremium, "code": kdef.code},
        "ausgabe": {"code": kdef.code, "titel": titel},
        "var": dict(kdef.variablen),
        "glossar": TrustedMarkdown(glossary_markdown(pkg.glossary)),
    }


def edition_def(kdef: KommuneDef, pkg: Package) -> EditionDef:
    from .model import Contact

    a = pkg.meta["ausgabe"]
    kontakte = [
        Contact(**{k: str(v) for k, v in c.items() if k in Contact.__dataclass_fields__}) for c in a["kontakte"]
    ]
    return EditionDef(
        code=kdef.code,
        path=kdef.path,
        name=kdef.name,
        # The running header of every printed page and the site's name.
        titel=f"{kdef.name} – {a['titel']}",
        gremium=Body(kdef.gremium),
        kontakte=kontakte,
        variablen=dict(kdef.variablen),
        lines=kdef.lines,
        druck=kdef.druck,
    )


@dataclass
class Municipal:
    """A municipal binder, loaded and assembled."""

    kommune: KommuneDef
    package: Package
    local: list[Sheet]
    binder: Binder  # the local sheets as a Binder (for validation, units and deliveries)
    edition: AssembledEdition
    withdrawals: list[Withdrawal]
    findings: list[Problem] = field(default_factory=list)  # drift: reminders and errors


def _extract_images(pkg: Package, cache: Path) -> Path:
    """The package's images on disk, where the site and print adapters read images from."""
    folder = cache / f"paket-{pkg.sha256[:20]}"
    for name, data in pkg.files.items():
        if name.startswith("bilder/"):
            dest = folder / name
            if not dest.is_file() or dest.read_bytes() != data:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
    return folder / "bilder"


def assemble_municipal(
    kdef: KommuneDef, pkg: Package, local: list[Sheet], problems: Problems, intern: bool, cache: Path
) -> AssembledEdition:
    edef = edition_def(kdef, pkg)
    context = template_context(kdef, pkg, edef.titel)
    # The municipality's values in the placeholders of every template, the state's sheets
    # included: web page, files and print show the same text (core/platzhalter.py).
    filled = kdef.placeholder_values()
    images_root = _extract_images(pkg, cache)
    registers = {
        r.number: Register(
            r.number,
            r.slug,
            kdef.root / PACKAGE_DIR / f"register-{r.number}.md",
            r.titel,
            r.fassung,
            r.stand,
            r.markdown,
            1,
        )
        for r in pkg.registers
    }
    state_ids = {s.blatt for s in pkg.sheets}
    withdrawn = {w.blatt: w for w in pkg.withdrawals}
    notes: dict[str, Sheet] = {}
    own: dict[str, Sheet] = {}
    internal = {s.blatt for s in local if s.intern and not s.ergaenzt}
    for sheet in local:
        if sheet.ergaenzt:
            if sheet.blatt not in state_ids:
                gone = withdrawn.get(sheet.blatt)
                why = f" (entfallen: {gone.grund})" if gone else ""
                problems.add(
                    sheet.path,
                    sheet.line_of("ergaenzt"),
                    f"„ergaenzt“ nennt Blatt {sheet.blatt}, das es in der Lieferung {pkg.delivery} nicht gibt{why}.",
                )
            elif sheet.blatt in notes:
                problems.add(
                    sheet.path,
                    sheet.line_of("ergaenzt"),
                    f"Blatt {sheet.blatt} hat schon Hinweise in {problems.relative(notes[sheet.blatt].path)}.",
                )
            elif intern or not sheet.intern:
                notes[sheet.blatt] = sheet
            continue
        if sheet.blatt in own:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blattnummer {sheet.blatt} ist doppelt vergeben (auch in {problems.relative(own[sheet.blatt].path)}).",
            )
            continue
        if sheet.register_number not in registers:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blatt {sheet.blatt} gehört zu Register {sheet.register_number}, das es nicht gibt.",
            )
            continue
        own[sheet.blatt] = sheet
    # A public page may not lead to an internal one: the public site does not have it.
    for sheet in local:
        if sheet.intern:
            continue
        for line, ref in find_references(sheet.body):
            if ref in internal:
                problems.add(
                    sheet.path,
                    sheet.body_line + line - 1,
                    f"Blatt {sheet.blatt} verweist auf das interne Blatt {ref}, das die öffentliche Website nicht "
                    "zeigt: bitte den Verweis entfernen oder das Blatt ebenfalls intern machen.",
                )
    shown_own = {b: s for b, s in own.items() if intern or not s.intern}

    targets: dict[str, Target] = {s.blatt: Target(s.titel, s.doc_path) for s in pkg.sheets}
    for blatt, own_sheet in own.items():
        targets[blatt] = Target(own_sheet.titel, sheet_page(registers[own_sheet.register_number].slug, blatt))
    for blatt in withdrawn:  # reported by drift() with its reason, not a second time here
        reg = registers.get(int(blatt.split(".")[0].lstrip("L")))
        if blatt not in targets and reg is not None:
            targets[blatt] = Target(f"Blatt {blatt}", sheet_page(reg.slug, blatt))

    by_register: dict[int, list[AssembledSheet]] = {n: [] for n in registers}
    for ps in pkg.sheets:
        reg = registers.get(ps.register)
        if reg is None:
            continue
        markdown, marked = ps.markdown, ps.marked
        sources: list[Path] = []
        origin, checklists = ps.herkunft or pkg.code, list(ps.checklists)
        schlagworte = list(ps.schlagworte)
        note = notes.get(ps.blatt)
        if note is not None:
            note_md, note_lists = process_text(
                note.body, note.path, note.body_line, kdef.code, context, targets, ps.doc_path, problems,
                f"{ps.blatt}/{kdef.code}",
            )  # fmt: skip
            box = f'\n\n!!! land "Hinweise für {kdef.name}: {note.titel}"\n\n' + _indent(note_md) + "\n"
            markdown = markdown.rstrip("\n") + box
            marked = marked.rstrip("\n") + box if marked is not None else None
            sources.append(note.path)
            origin = f"{origin}+{kdef.code}"
            checklists += note_lists
            schlagworte += [w for w in note.schlagworte if w not in schlagworte]
        markdown = platzhalter.fill(markdown, filled)
        marked = platzhalter.fill(marked, filled) if marked is not None else None
        # The package's sheet as a source: its images are read from where they were extracted.
        base = Sheet(images_root / ps.doc_path, ps.blatt, ps.titel, ps.fassung, ps.stand, ps.markdown, 1)
        by_register[reg.number].append(
            AssembledSheet(
                blatt=ps.blatt,
                titel=ps.titel,
                fassung=ps.fassung,
                stand=ps.stand,
                register=reg,
                doc_path=ps.doc_path,
                markdown=markdown,
                sources=sources,
                origin=origin,
                aenderung=ps.aenderung,
                grund=ps.grund,
                schlagworte=schlagworte,
                extension_fassung=ps.fassung_ergaenzung,
                base=base,
                extension=note,
                checklists=checklists,
                marked_markdown=marked,
            )
        )
    for blatt, sheet in sorted(shown_own.items(), key=lambda x: sheet_sort_key(x[0])):
        reg = registers[sheet.register_number]
        doc_path = targets[blatt].doc_path
        markdown, checklists = process_text(
            sheet.body, sheet.path, sheet.body_line, kdef.code, context, targets, doc_path, problems, blatt
        )
        markdown = platzhalter.fill(markdown, filled)
        by_register[reg.number].append(
            AssembledSheet(
                blatt=blatt,
                titel=sheet.titel,
                fassung=sheet.fassung,
                stand=sheet.stand,
                register=reg,
                doc_path=doc_path,
                markdown=markdown,
                sources=[sheet.path],
                origin=kdef.code,
                aenderung=sheet.aenderung,
                grund=sheet.grund,
                schlagworte=list(sheet.schlagworte),
                base=sheet,
                checklists=checklists,
            )
        )
    assembled_registers = []
    for number in sorted(registers):
        reg = registers[number]
        sheets = sorted(by_register[number], key=lambda x: sheet_sort_key(x.blatt))
        assembled_registers.append(AssembledRegister(reg, register_page(reg.slug), reg.body, sheets))
    return AssembledEdition(edef, assembled_registers, context, abbreviations_markdown(pkg.glossary))


# ----- drift: own sheets that refer to changed state sheets -----------------------------


def _last_change(pkg: Package, blatt: str, since: str) -> tuple[str, str | None] | None:
    """(delivery, reason) of the newest change of `blatt` after delivery `since`, if any."""
    history = pkg.history
    names = [h[0] for h in history]
    if since not in names:
        return None
    start = names.index(since)
    baseline = history[start][2].get(blatt)
    current = history[-1][2].get(blatt)
    if baseline is None or current is None or baseline.sha256 == current.sha256:
        return None
    found: tuple[str, str | None] | None = None
    for i in range(start + 1, len(history)):
        before, after = history[i - 1][2].get(blatt), history[i][2].get(blatt)
        if after is not None and (before is None or before.sha256 != after.sha256):
            found = (history[i][0], after.grund)
    return found


def drift(pkg: Package, local: list[Sheet], problems: Problems) -> list[Problem]:
    """Own sheets and notes whose state sheets changed since the delivery they were checked against
    (warnings), and references to state sheets that were withdrawn (errors)."""
    findings: list[Problem] = []
    state = {s.blatt for s in pkg.sheets}
    withdrawn = {w.blatt: w for w in pkg.withdrawals}
    names = [h[0] for h in pkg.history]
    for sheet in local:
        note = sheet.ergaenzt is not None
        subject = f"Die Hinweise zu Blatt {sheet.blatt}" if note else f"Blatt {sheet.blatt}"
        refs: list[tuple[int, str]] = [(sheet.line_of("ergaenzt"), sheet.blatt)] if note else []
        refs += [(sheet.body_line + ln - 1, ref) for ln, ref in find_references(sheet.body) if SHEET_ID.match(ref)]
        rel = problems.relative(sheet.path)
        seen: set[str] = set()
        for line, ref in refs:
            if ref in seen:
                continue
            seen.add(ref)
            extends = note and ref == sheet.blatt
            phrase = f"ergänzen Blatt {ref}" if extends else f"{'verweisen' if note else 'verweist'} auf Blatt {ref}"
            if ref not in state:
                w = withdrawn.get(ref)
                if w is not None:
                    todo = "die Hinweise entfernen" if extends else "den Verweis entfernen oder ändern"
                    findings.append(
                        Problem(rel, line, f"{subject} {phrase}, das entfallen ist (Grund: {w.grund}). Bitte {todo}.")
                    )
                continue
            if sheet.geprueft is None:
                findings.append(
                    Problem(
                        rel,
                        sheet.line_of("titel"),
                        f"{subject} {phrase} und {'nennen' if note else 'nennt'} noch keine Lieferung, gegen die "
                        f'{"sie" if note else "es"} geprüft wurde: Bitte prüfen und „geprueft: "{pkg.delivery}"“ '
                        "in den Kopfbereich schreiben.",
                        hinweis=True,
                    )
                )
                break
            if sheet.geprueft not in names:
                findings.append(
                    Problem(
                        rel,
                        sheet.line_of("geprueft"),
                        f"„geprueft: {sheet.geprueft}“ nennt eine Lieferung, die das Paket nicht kennt "
                        f"(bekannt: {', '.join(names)}).",
                        hinweis=True,
                    )
                )
                break
            change = _last_change(pkg, ref, sheet.geprueft)
            if change is not None:
                reason = f" (Grund: {change[1]})" if change[1] else ""
                findings.append(
                    Problem(
                        rel,
                        line,
                        f"{subject} {phrase}, das mit Lieferung {change[0]} geändert wurde{reason}. Bitte prüfen.",
                        hinweis=True,
                    )
                )
    return findings


def unused_placeholders(kdef: KommuneDef, pkg: Package, local: list[Sheet]) -> list[Problem]:
    """Hints for placeholders that kommune.yml fills but no template of the binder has (a typing
    error, or a template that a delivery changed): a reminder, since the next delivery may differ."""
    found: set[str] = set()
    for text in [s.markdown for s in pkg.sheets] + [s.body for s in local]:
        found |= platzhalter.used(text)
    out = []
    for name, line in sorted(kdef.platzhalter_lines.items(), key=lambda x: x[1]):
        if name in kdef.platzhalter and name not in found:
            close = difflib.get_close_matches(name, sorted(found), n=1, cutoff=0.6)
            hint = f" Meinten Sie „[{close[0]}]“?" if close else ""
            out.append(
                Problem(
                    KOMMUNE_FILE,
                    line,
                    f"„platzhalter“ nennt „[{name}]“, aber keine Vorlage dieses Ordners hat diesen Platzhalter.{hint}",
                    hinweis=True,
                )
            )
    return out


# ----- the whole check -----------------------------------------------------------------


def load_municipal(root: Path, problems: Problems, intern: bool = True, cache: Path | None = None) -> Municipal | None:
    root = Path(root)
    kdef = load_kommune_def(root, problems)
    if kdef is None:
        return None
    pkg = load_pinned(kdef, problems)
    local = load_local(root, kdef.code, problems)
    if pkg is None:
        return None
    from .validate import validate_safety

    binder = Binder(root / SHEETS_DIR, {}, [], {}, {kdef.code: local})
    validate_safety(binder, problems)
    edition = assemble_municipal(kdef, pkg, local, problems, intern, cache or root / ".cache" / "loseblatt")
    withdrawals = pkg.withdrawals + load_withdrawals(root, problems)
    findings = drift(pkg, local, problems) + unused_placeholders(kdef, pkg, local)
    for f in findings:
        if not f.hinweis:
            problems.add(root / f.path, f.line, f.message)
    return Municipal(kdef, pkg, local, Binder(root, {}, [], {}, {kdef.code: local}), edition, withdrawals, findings)


def check(root: Path, intern: bool = False, cache: Path | None = None):
    """The municipal binder as a pipeline.CheckResult: one edition, its own deliveries.

    `intern`: the internal build (internal sheets included); the public one leaves them out
    everywhere, the history too."""
    from .pipeline import CheckResult

    root = Path(root)
    problems = Problems(root)
    m = load_municipal(root, problems, intern=True, cache=cache)
    if m is None:
        return CheckResult(Binder(root, {}, [], {}, {}), {}, problems.sorted(), [], []), None
    snapshots = load_snapshots(root, problems)
    # Integrity (Fassungen only rise, nothing vanishes unlisted) is a matter of the full binder.
    check_integrity(m.binder, {m.kommune.code: m.edition}, snapshots, m.withdrawals, problems)
    if not intern:
        hidden = {s.blatt for s in m.local if s.intern and not s.ergaenzt}
        quiet = Problems(root)  # the full assembly reported every problem already
        m.edition = assemble_municipal(
            m.kommune, m.package, m.local, quiet, False, cache or root / ".cache" / "loseblatt"
        )
        for snap in snapshots:
            for records in snap.editions.values():
                for blatt in hidden & set(records):
                    del records[blatt]
    _mark_local(m.edition, snapshots)
    binder = m.binder
    binder.editions = {m.kommune.code: m.edition.definition}
    result = CheckResult(binder, {m.kommune.code: m.edition}, problems.sorted(), snapshots, m.withdrawals)
    return result, m


def _mark_local(edition: AssembledEdition, snapshots) -> None:
    """Revision marks for own sheets (state sheets carry the package's marks)."""
    from .deliveries import previous_version
    from .revisions import mark

    for sheet in edition.sheets:
        if not sheet.blatt.startswith("L") or sheet.aenderung != "inhaltlich":
            continue
        before = previous_version(snapshots, edition.code, sheet.blatt, sheet.fassung_label)
        if before is not None:
            marked, n = mark(before.markdown, sheet.markdown)
            if n:
                sheet.marked_markdown = marked


def newer(a: str, b: str) -> bool:
    return name_key(a) > name_key(b)


# LOSEBLATT_INTERN=1 builds the internal binder (internal sheets included) instead of the public one.
INTERN_ENV = "LOSEBLATT_INTERN"


def check_project(project_root: Path, binder_dir: Path, only: list[str] | None, cache: Path, memo=None):
    """What a build checks: a municipal binder where kommune.yml is, else the main binder (with
    `memo`, a core.assemble.TextMemo kept across the checks of one serve session)."""
    import logging
    import os

    from . import pipeline

    if is_municipal(project_root):
        result, m = check(project_root, intern=os.environ.get(INTERN_ENV) == "1", cache=cache)
        # Drift is a reminder, not an error: outside MkDocs' loggers, so a strict build still runs.
        for f in m.findings if m is not None else []:
            if f.hinweis:
                logging.getLogger("loseblatt.kommune").warning("%s", f.format())
        return result
    return pipeline.check(binder_dir, project_root, only=only, memo=memo)
