"""JSON Schemas (draft-07) for text editors, generated from the field table (core/fields.py).

`loseblatt schemas` writes them to schemas/; a test fails when the committed files differ from
what this module generates. The schemas are a little stricter than the loader where YAML allows
two spellings: sheet numbers must be quoted ("2.10", never 2.10).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fields import (
    CONTACT_FIELDS,
    EDITION_FIELDS,
    GLOSSARY_FIELDS,
    GREMIUM_FIELDS,
    PLAIN_FIELD,
    REGISTER_FIELDS,
    SHEET_FIELDS,
    SHEET_ID,
    STAND,
    VARIABLE_NAME,
    WEB_ADDRESS,
    WITHDRAWN_FIELDS,
    Field,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
NOT_BLANK = r"\S"
# {{ var.items }} would find the dict's method, not the value (see core/load.py).
DICT_METHODS = sorted(name for name in dir(dict) if not name.startswith("_"))


def _value(f: Field, plain: bool) -> dict[str, Any]:
    kind = f.kind
    if kind == "id":
        return {"type": "string", "pattern": SHEET_ID.pattern}
    if kind == "text":
        if not plain:
            return {"type": "string", **({"minLength": 1} if f.required else {})}
        return {"type": "string", "pattern": PLAIN_FIELD.pattern, "allOf": [{"pattern": NOT_BLANK}]}
    if kind == "longtext":
        return {"type": "string", "pattern": NOT_BLANK}
    if kind == "int":
        return {"type": "integer", "minimum": 1}
    if kind == "stand":
        return {"type": "string", "pattern": STAND.pattern}
    if kind == "choice":
        return {"type": "string", "enum": list(f.choices)}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "words":
        return {"type": "array", "items": {"type": "string", "pattern": NOT_BLANK}}
    if kind == "ids":
        return {"type": "array", "items": {"type": "string", "pattern": SHEET_ID.pattern}}
    if kind == "codes":
        return {"type": "array", "items": {"type": "string"}}
    if kind == "web":
        return {"type": "string", "anyOf": [{"const": ""}, {"pattern": WEB_ADDRESS.pattern}]}
    if kind == "mapping":  # the prevention body
        return _object(GREMIUM_FIELDS, plain=False)
    if kind == "list":  # contacts
        return {"type": "array", "items": _object(CONTACT_FIELDS, plain=False)}
    if kind == "variables":
        return {
            "type": "object",
            "propertyNames": {"pattern": VARIABLE_NAME.pattern, "not": {"enum": DICT_METHODS}},
        }
    raise ValueError(f"unknown field kind {kind!r}")


def _property(f: Field, plain: bool) -> dict[str, Any]:
    return {"title": f.label, "description": f.hint, **_value(f, plain)}


def _object(fields: tuple[Field, ...], plain: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.key: _property(f, plain) for f in fields},
        "required": [f.key for f in fields if f.required],
        "additionalProperties": False,
    }


def _document(name: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "$id": f"{name}.schema.json", "title": title, "description": description, **body}


def _sheet(state: bool) -> dict[str, Any]:
    fields = tuple(f for f in SHEET_FIELDS if state or not f.state_only)
    body = _object(fields)
    rules: list[dict[str, Any]] = [
        # From Fassung 2 on, readers and the supplements need to know what changed and why.
        {
            "if": {"properties": {"fassung": {"minimum": 2}}, "required": ["fassung"]},
            "then": {"required": ["aenderung", "grund"]},
        }
    ]
    if state:
        # An extension names the sheet it extends instead of having its own number.
        body["oneOf"] = [
            {"required": ["blatt"], "not": {"required": ["ergaenzt"]}},
            {"required": ["ergaenzt"], "not": {"required": ["blatt"]}},
        ]
    else:
        body["required"] = ["blatt", *body["required"]]
    body["allOf"] = rules
    return body


def generate() -> dict[str, dict[str, Any]]:
    """File name -> schema, for everything editors write as YAML."""
    return {
        "blatt.schema.json": _document(
            "blatt",
            "Kopfbereich eines Grundblatts",
            "YAML zwischen den Zeilen „---“ am Anfang eines Blattes in binder/NN-register/.",
            _sheet(state=False),
        ),
        "landesblatt.schema.json": _document(
            "landesblatt",
            "Kopfbereich eines Landesblatts",
            "YAML am Anfang eines Blattes in binder/laender/<kürzel>/: eigenes, ersetzendes oder ergänzendes Blatt.",
            _sheet(state=True),
        ),
        "registerblatt.schema.json": _document(
            "registerblatt",
            "Kopfbereich eines Registerblatts",
            "YAML am Anfang von binder/NN-register/register.md.",
            _object(REGISTER_FIELDS),
        ),
        "ausgabe.schema.json": _document(
            "ausgabe",
            "Angaben einer Ausgabe (ausgabe.yml)",
            "binder/ausgabe.yml (allgemeine Ausgabe) und binder/laender/<kürzel>/ausgabe.yml.",
            _object(EDITION_FIELDS),
        ),
        "glossar.schema.json": _document(
            "glossar",
            "Glossar (glossar.yml)",
            "Liste der Begriffe und Abkürzungen: Quelle für das Glossar-Blatt und die Abkürzungen der Website.",
            {"type": "array", "items": _object(GLOSSARY_FIELDS, plain=False)},
        ),
        "entfallen.schema.json": _document(
            "entfallen",
            "Entfallene Blätter (entfallen.yml)",
            "Liste der Blätter, die nicht mehr erscheinen, mit Grund und Stand.",
            {"type": "array", "items": _object(WITHDRAWN_FIELDS, plain=False)},
        ),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate().items():
        path = folder / name
        text = render(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
