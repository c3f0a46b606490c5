"""Load binder/: registers, base sheets, edition definitions and state sheets.

Every problem is collected (never raised) so that `loseblatt check` reports all
of them in one run.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from .check_memo import last_check
from .fields import (
    AENDERUNG,
    CONTACT_FIELDS,
    EDITION_FIELDS,
    GREMIUM_CASES,
    GREMIUM_FIELDS,
    PLAIN_FIELD,
    PRINT_MODES,
    REGISTER_FIELDS,
    SHEET_FIELDS,
    STAND,
    VARIABLE_NAME,
    WEB_ADDRESS,
    keys,
)
from .frontmatter import FrontMatter, FrontMatterError, ParsedFile, parse_yaml_mapping, split
from .glossary import load_glossary
from .inputs import read_text
from .laender import BASE, LAENDER
from .model import LOCAL_ID, SHEET_ID, Binder, Body, Contact, EditionDef, Register, Sheet
from .problems import Problems

REGISTER_FOLDER = re.compile(r"^(\d{2})-[a-z0-9-]+$")
REGISTER_FILE = "register.md"
EDITION_FILE = "ausgabe.yml"
BASE_EDITION_FILE = "ausgabe.yml"  # binder/ausgabe.yml: generic values of the bund edition

# The keys come from the one field table (core/fields.py) that the schemas and the form editor share.
SHEET_REQUIRED = keys(SHEET_FIELDS, required=True)
SHEET_OPTIONAL = keys(SHEET_FIELDS, required=False)
REGISTER_REQUIRED = keys(REGISTER_FIELDS, required=True)
REGISTER_OPTIONAL = keys(REGISTER_FIELDS, required=False)
EDITION_REQUIRED = keys(EDITION_FIELDS, required=True)
EDITION_OPTIONAL = keys(EDITION_FIELDS, required=False)
GREMIUM_KEYS = tuple(f.key for f in GREMIUM_FIELDS)
CONTACT_KEYS = tuple(f.key for f in CONTACT_FIELDS)
# A municipality's own sheets cannot replace a state's sheet, but may be internal and record the
# delivery they were last checked against (core/kommune.py).
LOCAL_SHEET_OPTIONAL = (*(k for k in SHEET_OPTIONAL if k != "ersetzt"), "intern", "geprueft")
DELIVERY_NAME = re.compile(r"^\d{4}-\d{1,2}$")
# {{ var.items }} would find the dict's method, not the value: such names are refused.
_DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("_"))


def _closest(word: str, options: tuple[str, ...] | list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" Meinten Sie „{match[0]}“?" if match else ""


def _check_keys(problems, path, front, required, optional, what) -> bool:
    """Report unknown and missing keys; False only if a required key is missing.

    Unknown keys do not stop the other checks of the file, so that one run shows everything.
    """
    ok = True
    allowed = tuple(required) + tuple(optional)
    for key in front.data:
        if key not in allowed:
            problems.add(path, front.lines[key], f"Unbekannter Schlüssel „{key}“ im {what}.{_closest(key, allowed)}")
    for key in required:
        if key not in front.data:
            problems.add(path, front.start_line, f"Pflichtangabe „{key}“ fehlt im {what}.")
            ok = False
    return ok


def read_settings_file(
    path: Path, problems: Problems, required, optional, what: str
) -> tuple[FrontMatter, bool] | None:
    """A YAML settings file (ausgabe.yml, kommune.yml): its mapping with line numbers and whether
    every required key is there; None after reporting why it cannot be read."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        front = parse_yaml_mapping(text, first_line=1)
    except FrontMatterError as exc:
        problems.add(path, exc.line, exc.message)
        return None
    return front, _check_keys(problems, path, front, required, optional, what)


def _int_field(problems, path, front, key) -> int | None:
    value = front.data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.add(
            path, front.lines.get(key, front.start_line), f"„{key}“ muss eine ganze Zahl ab 1 sein, nicht „{value}“."
        )
        return None
    return value


def _stand_field(problems, path, front) -> str | None:
    value = front.data.get("stand")
    text = str(value) if value is not None else ""
    if not STAND.match(text):
        problems.add(
            path,
            front.lines.get("stand", front.start_line),
            f"„stand“ muss Jahr und Monat in der Form JJJJ-MM angeben (z. B. 2026-11), nicht „{text}“.",
        )
        return None
    return text


def _web_ok(problems, path, line, entry: dict) -> bool:
    """Web addresses in ausgabe.yml are https or http addresses, nothing else."""
    web = entry.get("web")
    if web in (None, "") or (isinstance(web, str) and WEB_ADDRESS.match(web)):
        return True
    problems.add(path, line, f"„web“ muss eine Adresse mit https:// oder http:// sein, nicht „{web}“.")
    return False


def _text_field(problems, path, front, key, required=True) -> str | None:
    value = front.data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(path, front.lines.get(key, front.start_line), f"„{key}“ muss ein Text sein.")
        return None
    if not PLAIN_FIELD.match(value):
        # Titles and names reach navigation, <title>, PDF bookmarks and search: the theme strips
        # tags and decodes entities there, so markup characters are refused at the source.
        problems.add(
            path,
            front.lines.get(key, front.start_line),
            f"„{key}“ darf keine spitzen Klammern (< >), Zeilenumbrüche oder Steuerzeichen enthalten.",
        )
        return None
    return value.strip()


@last_check(lasting=False)
def _parsed(text: str) -> ParsedFile | FrontMatterError:
    # Under `mkdocs serve` every rebuild reads the whole binder again: parsing the front matter
    # of 1,000 unchanged sheets took a fifth of a second before the first edition could start.
    try:
        return split(text)
    except FrontMatterError as exc:
        return exc


def _read(path: Path, problems: Problems) -> ParsedFile | None:
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = _parsed(text)
    if isinstance(parsed, FrontMatterError):
        problems.add(path, parsed.line, parsed.message)
        return None
    return copy.deepcopy(parsed)  # the memo's own stays as parsed, whatever the caller does


def load_register(folder: Path, problems: Problems) -> Register | None:
    m = REGISTER_FOLDER.match(folder.name)
    number = int(m.group(1)) if m else 0
    path = folder / REGISTER_FILE
    if not path.is_file():
        problems.add(
            folder / REGISTER_FILE, 1, f"Das Registerblatt „{REGISTER_FILE}“ fehlt im Register „{folder.name}“."
        )
        return None
    parsed = _read(path, problems)
    if parsed is None:
        return None
    if parsed.front is None:
        problems.add(path, 1, "Der Kopfbereich (YAML zwischen zwei Zeilen „---“) fehlt.")
        return None
    front = parsed.front
    ok = _check_keys(problems, path, front, REGISTER_REQUIRED, REGISTER_OPTIONAL, "Registerblatt")
    reg_no = front.data.get("register")
    if "register" in front.data and reg_no != number:
        problems.add(
            path,
            front.lines["register"],
            f"„register: {reg_no}“ passt nicht zum Ordner „{folder.name}“ (erwartet: {number}).",
        )
        ok = False
    titel = _text_field(problems, path, front, "titel") if "titel" in front.data else None
    fassung = _int_field(problems, path, front, "fassung") if "fassung" in front.data else None
    stand = _stand_field(problems, path, front) if "stand" in front.data else None
    if not parsed.body.strip():
        problems.add(
            path, parsed.body_line, "Das Registerblatt hat keinen Text: Bitte eine kurze Einführung schreiben."
        )
        ok = False
    if not ok or titel is None or fassung is None or stand is None:
        return None
    return Register(number, folder.name, path, titel, fassung, stand, parsed.body, parsed.body_line, front.lines)


def load_sheet(path: Path, problems: Problems, edition: str | None, local: bool = False) -> Sheet | None:
    """`local`: a municipality's own sheet (L-number) or its notes on a state sheet."""
    parsed = _read(path, problems)
    if parsed is None:
        return None
    if parsed.front is None:
        problems.add(path, 1, "Der Kopfbereich (YAML zwischen zwei Zeilen „---“) fehlt: Jedes Blatt beginnt mit „---“.")
        return None
    front = parsed.front
    ok = _check_keys(problems, path, front, SHEET_REQUIRED, LOCAL_SHEET_OPTIONAL if local else SHEET_OPTIONAL, "Blatt")

    blatt = front.data.get("blatt")
    ergaenzt = front.data.get("ergaenzt")
    if edition is None:
        for key in ("ersetzt", "ergaenzt"):
            if key in front.data:
                problems.add(
                    path, front.lines[key], f"„{key}“ gibt es nur in Blättern einer Länderausgabe (binder/laender/…)."
                )
                ok = False
    if ergaenzt is not None:
        if blatt is not None:
            problems.add(
                path,
                front.lines["blatt"],
                "Ein ergänzendes Blatt hat kein eigenes „blatt“: „ergaenzt“ nennt das Blatt, das es ergänzt.",
            )
            ok = False
        if not isinstance(ergaenzt, str) or not SHEET_ID.match(ergaenzt):
            problems.add(
                path, front.lines["ergaenzt"], f"„ergaenzt“ muss eine Blattnummer wie „2.3“ nennen, nicht „{ergaenzt}“."
            )
            ok = False
        sheet_id = ergaenzt if isinstance(ergaenzt, str) else ""
    else:
        if blatt is None:
            problems.add(path, front.start_line, "Pflichtangabe „blatt“ fehlt im Blatt.")
            return None
        if local and isinstance(blatt, str) and SHEET_ID.match(blatt):
            problems.add(
                path,
                front.lines["blatt"],
                f"„{blatt}“ ist eine Nummer der Landesausgabe. Eigene Blätter tragen ein „L“ vor der "
                f'Nummer (z. B. "L{blatt}"); Hinweise zu Blatt {blatt} schreiben Sie mit „ergaenzt: "{blatt}"“.',
            )
            return None
        if local and (not isinstance(blatt, str) or not LOCAL_ID.match(blatt)):
            problems.add(
                path,
                front.lines["blatt"],
                f'„blatt“ eines eigenen Blattes hat die Form L Register.Nummer (z. B. "L2.1"), nicht „{blatt}“.',
            )
            return None
        if not local and (not isinstance(blatt, str) or not SHEET_ID.match(blatt)):
            problems.add(
                path,
                front.lines["blatt"],
                f'„blatt“ muss die Form Register.Nummer haben (z. B. "2.3"), nicht „{blatt}“.',
            )
            return None
        sheet_id = blatt

    ersetzt = front.data.get("ersetzt", False)
    if not isinstance(ersetzt, bool):
        problems.add(path, front.lines["ersetzt"], "„ersetzt“ muss „true“ oder „false“ sein.")
        ok = False

    titel = _text_field(problems, path, front, "titel") if "titel" in front.data else None
    fassung = _int_field(problems, path, front, "fassung") if "fassung" in front.data else None
    stand = _stand_field(problems, path, front) if "stand" in front.data else None
    aenderung = front.data.get("aenderung")
    if aenderung is not None and aenderung not in AENDERUNG:
        problems.add(
            path,
            front.lines["aenderung"],
            f"„aenderung“ ist entweder „inhaltlich“ oder „redaktionell“, nicht „{aenderung}“.",
        )
        ok = False
    grund = _text_field(problems, path, front, "grund", required=False) if "grund" in front.data else None
    schlagworte = front.data.get("schlagworte", [])
    if not isinstance(schlagworte, list) or not all(isinstance(s, str) and s.strip() for s in schlagworte):
        problems.add(
            path,
            front.lines.get("schlagworte", front.start_line),
            "„schlagworte“ ist eine Liste von Wörtern, z. B. [Geschäftsordnung, Vorsitz].",
        )
        ok = False
        schlagworte = []
    if not parsed.body.strip():
        problems.add(path, parsed.body_line, "Das Blatt hat keinen Text unter dem Kopfbereich.")
        ok = False
    if isinstance(fassung, int) and fassung > 1:
        # Readers and the supplements need to know what changed and why.
        for key in ("aenderung", "grund"):
            if key not in front.data:
                problems.add(
                    path,
                    front.lines.get("fassung", front.start_line),
                    f"Ab Fassung 2 braucht ein Blatt „{key}“: "
                    + (
                        "„inhaltlich“ oder „redaktionell“."
                        if key == "aenderung"
                        else "den Grund der Änderung in einem Satz."
                    ),
                )
                ok = False
    intern, geprueft = front.data.get("intern", False), front.data.get("geprueft")
    if not isinstance(intern, bool):
        problems.add(path, front.lines["intern"], "„intern“ muss „true“ oder „false“ sein.")
        ok = False
    if geprueft is not None and not (isinstance(geprueft, str) and DELIVERY_NAME.match(geprueft)):
        problems.add(
            path,
            front.lines["geprueft"],
            f'„geprueft“ nennt die Lieferung, gegen die das Blatt zuletzt geprüft wurde, z. B. "2027-1", nicht „{geprueft}“.',
        )
        ok = False
    if not ok or titel is None or fassung is None or stand is None:
        return None
    return Sheet(
        path=path,
        blatt=sheet_id,
        titel=titel,
        fassung=fassung,
        stand=stand,
        body=parsed.body,
        body_line=parsed.body_line,
        aenderung=aenderung,
        grund=grund,
        schlagworte=[s.strip() for s in schlagworte],
        ersetzt=ersetzt,
        ergaenzt=ergaenzt if isinstance(ergaenzt, str) else None,
        lines=front.lines,
        edition=edition,
        intern=intern is True,
        geprueft=geprueft if isinstance(geprueft, str) else None,
    )


def _mapping_of(problems, path, line, value, keys, what) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        problems.add(path, line, f"„{what}“ muss aus Angaben der Form „schluessel: wert“ bestehen.")
        return None
    for key in value:
        if key not in keys:
            problems.add(path, line, f"Unbekannter Schlüssel „{key}“ in „{what}“.{_closest(str(key), keys)}")
            return None
    return value


def load_edition_def(path: Path, code: str, problems: Problems) -> EditionDef | None:
    settings = read_settings_file(path, problems, EDITION_REQUIRED, EDITION_OPTIONAL, "Ausgabe")
    if settings is None:
        return None
    front, ok = settings
    name = _text_field(problems, path, front, "name") if "name" in front.data else None
    titel = _text_field(problems, path, front, "titel") if "titel" in front.data else None
    gremium = None
    if "gremium" in front.data:
        g = _mapping_of(problems, path, front.lines["gremium"], front.data["gremium"], GREMIUM_KEYS, "gremium")
        if g is not None:
            missing = [k for k in ("name", *GREMIUM_CASES) if not isinstance(g.get(k), str) or not g.get(k)]
            if missing:
                problems.add(
                    path,
                    front.lines["gremium"],
                    "„gremium“ braucht "
                    + ", ".join(f"„{k}“" for k in missing)
                    + " (die Fälle mit Artikel, z. B. dativ: „der Leitstelle Kriminalprävention“).",
                )
            elif _web_ok(problems, path, front.lines["gremium"], g):
                gremium = Body(**{k: str(v) for k, v in g.items()})
    kontakte: list[Contact] = []
    raw_contacts = front.data.get("kontakte", [])
    if not isinstance(raw_contacts, list):
        problems.add(path, front.lines["kontakte"], "„kontakte“ ist eine Liste von Einträgen mit „name“, „rolle“ …")
        ok = False
    else:
        for entry in raw_contacts:
            c = _mapping_of(problems, path, front.lines["kontakte"], entry, CONTACT_KEYS, "kontakte")
            if c is None or not isinstance(c.get("name"), str):
                ok = False
                if c is not None:
                    problems.add(path, front.lines["kontakte"], "Jeder Kontakt braucht einen „name“.")
                continue
            if _web_ok(problems, path, front.lines["kontakte"], c):
                kontakte.append(Contact(**{k: str(v) for k, v in c.items()}))
            else:
                ok = False
    variablen = front.data.get("variablen", {})
    if not isinstance(variablen, dict):
        problems.add(path, front.lines["variablen"], "„variablen“ muss aus Angaben der Form „name: wert“ bestehen.")
        ok = False
        variablen = {}
    else:
        for key in variablen:
            if isinstance(key, str) and key in _DICT_METHODS:
                problems.add(
                    path,
                    front.lines["variablen"],
                    f"Der Variablenname „{key}“ ist reserviert ({{{{ var.{key} }}}} fände nicht Ihren Wert); "
                    "bitte einen anderen Namen wählen.",
                )
                ok = False
            elif not isinstance(key, str) or not VARIABLE_NAME.match(key):
                problems.add(
                    path,
                    front.lines["variablen"],
                    f"Variablennamen bestehen aus Kleinbuchstaben, Ziffern und „_“: „{key}“ geht nicht.",
                )
                ok = False
    ohne = front.data.get("ohne", [])
    if not isinstance(ohne, list) or not all(isinstance(x, (str, float, int)) for x in ohne):
        problems.add(path, front.lines.get("ohne", 1), '„ohne“ ist eine Liste von Blattnummern, z. B. ["8.2"].')
        ok = False
        ohne = []
    ohne_ids = []
    for x in ohne:
        if not isinstance(x, str):
            problems.add(
                path,
                front.lines["ohne"],
                f'Blattnummern in „ohne“ bitte in Anführungszeichen schreiben ("{x}"), sonst liest YAML eine Zahl.',
            )
            ok = False
        elif not SHEET_ID.match(x):
            problems.add(path, front.lines["ohne"], f"„{x}“ in „ohne“ ist keine Blattnummer wie „2.3“.")
            ok = False
        else:
            ohne_ids.append(x)
    if code == "bund" and ohne_ids:
        problems.add(path, front.lines["ohne"], "Die allgemeine Ausgabe kann keine Blätter weglassen.")
        ok = False
    druck = print_mode(front, path, problems)
    if druck is None:
        ok = False
    if not ok or name is None or titel is None or gremium is None:
        return None
    return EditionDef(
        code,
        path,
        name,
        titel,
        gremium,
        kontakte,
        dict(variablen),
        ohne_ids,
        front.lines,
        path.parent if code != BASE else None,
        druck or PRINT_MODES[0],
    )


def print_mode(front: FrontMatter, path: Path, problems: Problems) -> str | None:
    """«druck» of ausgabe.yml or kommune.yml: how the PDFs are meant to be printed (None if wrong)."""
    druck = front.data.get("druck", PRINT_MODES[0])
    if druck not in PRINT_MODES:
        problems.add(path, front.lines.get("druck", 1), f"„druck“ ist „einseitig“ oder „beidseitig“, nicht „{druck}“.")
        return None
    return str(druck)


def load_binder(root: Path, problems: Problems) -> Binder:
    """Read binder/ completely; problems go to `problems`, what is valid is returned."""
    root = Path(root)
    refused: list[Path] = []  # sheet files that could not be loaded
    registers: dict[int, Register] = {}
    base_sheets: list[Sheet] = []
    if not root.is_dir():
        problems.add(root, 1, f"Der Ordner „{root}“ mit den Blättern fehlt.")
        return Binder(root, {}, [], {}, {})
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name in ("laender", "lieferungen") or folder.name.startswith("."):
            continue
        if not REGISTER_FOLDER.match(folder.name):
            problems.add(
                folder,
                1,
                f"Der Ordner „{folder.name}“ ist kein Register: Register heißen „NN-name“, z. B. „02-gremiengruendung“.",
            )
            continue
        reg = load_register(folder, problems)
        if reg is not None:
            registers[reg.number] = reg
        for path in sorted(folder.glob("*.md")):
            if path.name == REGISTER_FILE:
                continue
            sheet = load_sheet(path, problems, None)
            if sheet is None:
                refused.append(path)
                continue
            if sheet.register_number != int(folder.name[:2]):
                problems.add(
                    path,
                    sheet.line_of("blatt"),
                    f"Blatt {sheet.blatt} gehört zu Register {sheet.register_number}, liegt aber im Ordner „{folder.name}“.",
                )
                continue
            base_sheets.append(sheet)

    editions: dict[str, EditionDef] = {}
    base_def_path = root / BASE_EDITION_FILE
    if base_def_path.is_file():
        base_def = load_edition_def(base_def_path, BASE, problems)
        if base_def is not None:
            editions[BASE] = base_def
    else:
        problems.add(base_def_path, 1, "Die Angaben der allgemeinen Ausgabe (binder/ausgabe.yml) fehlen.")

    state_sheets: dict[str, list[Sheet]] = {}
    laender_dir = root / "laender"
    if laender_dir.is_dir():
        for folder in sorted(p for p in laender_dir.iterdir() if p.is_dir()):
            code = folder.name
            if code not in LAENDER:
                problems.add(folder, 1, f"„{code}“ ist kein Länderkürzel. Erlaubt sind: {', '.join(sorted(LAENDER))}.")
                continue
            def_path = folder / EDITION_FILE
            if not def_path.is_file():
                problems.add(def_path, 1, f"Die Ausgabe „{code}“ braucht eine Datei „{EDITION_FILE}“.")
                continue
            edef = load_edition_def(def_path, code, problems)
            sheets = []
            for path in sorted(folder.rglob("*.md")):
                sheet = load_sheet(path, problems, code)
                if sheet is not None:
                    sheets.append(sheet)
                else:
                    refused.append(path)
            if edef is not None:
                editions[code] = edef
                state_sheets[code] = sheets
    return Binder(
        root, registers, base_sheets, editions, state_sheets, load_glossary(root, problems), *_unreadable(refused)
    )


_BLATT_LINE = re.compile(r"^(?:blatt|ergaenzt):\s*[\"']?([1-9]\d?\.[1-9]\d{0,2})[\"']?\s*$", re.M)


def _unreadable(refused: list[Path]) -> tuple[set[str], list[tuple[Path, str, int]]]:
    """The ids that the refused sheet files still name (read as plain lines), and their bodies,
    so that a broken head neither causes errors elsewhere nor hides the body's own problems."""
    ids: set[str] = set()
    bodies: list[tuple[Path, str, int]] = []
    for path in refused:
        text = read_text(path, Problems(path.parent))  # its problems are already reported
        if text is None:
            continue
        ids.update(_BLATT_LINE.findall(text[:4000]))
        lines = text.split("\n")
        if lines and lines[0].rstrip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
            if end is not None:
                bodies.append((path, "\n".join(lines[end + 1 :]), end + 2))
    return ids, bodies
