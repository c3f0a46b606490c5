"""The fields editors write, declared once: keys, kinds, patterns, German labels and help.

The loader takes its required and optional keys and its patterns from here; the JSON Schemas for
text editors (`loseblatt schemas`) and the form editor's configuration are generated from the
same table, so that none of them can disagree with `loseblatt check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# No leading zeros: "07.05" and "7.5" would be two spellings of one sheet.
SHEET_ID = re.compile(r"^([1-9]\d?)\.([1-9]\d{0,2})$")
STAND = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Titles and names reach navigation, <title>, PDF bookmarks and search: no markup characters.
PLAIN_FIELD = re.compile(r"^[^<>\x00-\x1f\x7f]*$")
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"']+$")
VARIABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
AENDERUNG = ("inhaltlich", "redaktionell")


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping as editors write it.

    kind: "id" (sheet number, quoted), "text" (one line, no markup), "longtext", "int" (from 1),
    "stand" (JJJJ-MM), "choice", "bool", "words" (list of texts), "ids" (list of sheet numbers),
    "codes" (list of edition codes), "web" (http/https address or empty), "mapping", "list",
    "variables".
    """

    key: str
    kind: str
    label: str
    hint: str
    required: bool = False
    choices: tuple[str, ...] = ()
    state_only: bool = False  # sheets: only in binder/laender/<code>/
    example: str = ""
    form_hint: str = ""  # help in the form editor, where no YAML quoting is needed; else `hint`


SHEET_FIELDS: tuple[Field, ...] = (
    Field(
        "blatt",
        "id",
        "Blattnummer",
        'Register und Nummer, in Anführungszeichen, z. B. "2.3". Wird nie wiederverwendet. '
        "Entfällt bei einem ergänzenden Blatt („ergaenzt“).",
        example='"2.3"',
        form_hint="Register und Nummer, z. B. 2.3. Wird nie wiederverwendet. Leer bei einem ergänzenden Blatt.",
    ),
    Field("titel", "text", "Titel", "Der Titel des Blattes, ohne spitze Klammern.", required=True),
    Field(
        "fassung",
        "int",
        "Fassung",
        "Ganze Zahl ab 1; bei jeder inhaltlichen oder redaktionellen Änderung um 1 erhöhen.",
        required=True,
        example="2",
    ),
    Field("stand", "stand", "Stand", "Monat dieser Fassung in der Form JJJJ-MM, z. B. 2026-11.", required=True),
    Field(
        "aenderung",
        "choice",
        "Art der Änderung",
        "„inhaltlich“ oder „redaktionell“: Art der letzten Änderung; ab Fassung 2 Pflicht.",
        choices=AENDERUNG,
    ),
    Field(
        "grund",
        "text",
        "Grund der Änderung",
        "Ein Satz, was sich geändert hat und warum; die Leserinnen und Leser sehen ihn. Ab Fassung 2 Pflicht.",
    ),
    Field(
        "schlagworte",
        "words",
        "Schlagworte",
        "Wörter für das Stichwortverzeichnis, z. B. [Geschäftsordnung, Vorsitz].",
    ),
    Field(
        "ersetzt",
        "bool",
        "Ersetzt das Grundblatt",
        "true: Dieses Landesblatt ersetzt das Grundblatt mit derselben Nummer in dieser Ausgabe.",
        state_only=True,
    ),
    Field(
        "ergaenzt",
        "id",
        "Ergänzt Blatt",
        'Nummer des Grundblatts, das dieses Landesblatt ergänzt, z. B. "9.1"; dann ohne „blatt“.',
        state_only=True,
        form_hint="Nummer des Grundblatts, das dieses Landesblatt ergänzt, z. B. 9.1; dann bleibt die Blattnummer leer.",
    ),
)

REGISTER_FIELDS: tuple[Field, ...] = (
    Field("register", "int", "Register", "Nummer des Registers, wie im Ordnernamen (02-… → 2).", required=True),
    Field("titel", "text", "Titel", "Der Titel des Registers.", required=True),
    Field("fassung", "int", "Fassung", "Ganze Zahl ab 1.", required=True),
    Field("stand", "stand", "Stand", "JJJJ-MM, z. B. 2026-11.", required=True),
    Field("aenderung", "choice", "Art der Änderung", "„inhaltlich“ oder „redaktionell“.", choices=AENDERUNG),
    Field("grund", "text", "Grund der Änderung", "Ein Satz, was sich geändert hat."),
)

# German needs the article and case: «bei der Leitstelle» but «beim Landespräventionsrat».
GREMIUM_CASES = ("nominativ", "genitiv", "dativ", "akkusativ")
GREMIUM_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Name", "Name des Landespräventionsgremiums.", required=True),
    Field("kurz", "text", "Kurzname", "Kurzform, z. B. LPR Sachsen."),
    Field("adresse", "text", "Anschrift", "Postanschrift in einer Zeile, oder leer."),
    Field("web", "web", "Website", "Adresse mit https://, oder leer."),
    Field("nominativ", "text", "Nominativ", "Mit Artikel: der Landespräventionsrat …", required=True),
    Field("genitiv", "text", "Genitiv", "Mit Artikel: des Landespräventionsrates …", required=True),
    Field("dativ", "text", "Dativ", "Mit Artikel: dem Landespräventionsrat …", required=True),
    Field("akkusativ", "text", "Akkusativ", "Mit Artikel: den Landespräventionsrat …", required=True),
)

CONTACT_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Name", "Stelle oder Person.", required=True),
    Field("rolle", "text", "Aufgabe", "Wofür man sich an diese Stelle wendet."),
    Field("telefon", "text", "Telefon", "Telefonnummer."),
    Field("email", "text", "E-Mail", "E-Mail-Adresse."),
    Field("web", "web", "Website", "Adresse mit https://, oder leer."),
)

# How an edition's PDFs are meant to be printed (ausgabe.yml «druck»); the first is the default.
PRINT_MODES = ("einseitig", "beidseitig")

EDITION_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Land", "Name des Landes, z. B. Sachsen.", required=True),
    Field("titel", "text", "Titel der Ausgabe", "z. B. Ausgabe Sachsen.", required=True),
    Field("gremium", "mapping", "Landespräventionsgremium", "Name und Fälle mit Artikel.", required=True),
    Field("kontakte", "list", "Kontakte", "Liste von Einträgen mit name, rolle, telefon, email, web."),
    Field(
        "variablen",
        "variables",
        "Variablen",
        "Werte für {{ var.name }} in den Blättern; Namen aus Kleinbuchstaben, Ziffern und _.",
    ),
    Field("ohne", "ids", "Weggelassene Blätter", 'Grundblätter, die diese Ausgabe weglässt, z. B. ["8.2"].'),
    Field(
        "druck",
        "choice",
        "Druck",
        "einseitig (Voreinstellung) oder beidseitig: jedes Blatt beginnt auf einer Vorderseite, "
        "der Lochrand wechselt die Seite, freie Rückseiten sind gekennzeichnet.",
        choices=PRINT_MODES,
    ),
)

GLOSSARY_FIELDS: tuple[Field, ...] = (
    Field("begriff", "text", "Begriff", "Der Begriff oder die Abkürzung.", required=True),
    Field("langform", "text", "Langform", "Nur bei Abkürzungen: die ausgeschriebene Form."),
    Field("erklaerung", "longtext", "Erklärung", "Die Erklärung in ganzen Sätzen.", required=True),
)

WITHDRAWN_FIELDS: tuple[Field, ...] = (
    Field("blatt", "id", "Blattnummer", 'Nummer des entfallenen Blattes, in Anführungszeichen, z. B. "7.9".', True),
    Field("grund", "text", "Grund", "Warum das Blatt entfällt.", required=True),
    Field("stand", "stand", "Stand", "Monat, ab dem es entfällt (JJJJ-MM).", required=True),
    Field("ausgaben", "codes", "Ausgaben", "Nur in diesen Ausgaben, z. B. [sn, bw]; ohne Angabe in allen."),
)


def keys(fields: tuple[Field, ...], required: bool) -> tuple[str, ...]:
    return tuple(f.key for f in fields if f.required == required)
