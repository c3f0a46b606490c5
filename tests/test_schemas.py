"""JSON Schemas for text editors: generated from the field table, committed, and in step with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT
from loseblatt.core import schemas
from loseblatt.core.frontmatter import split
from loseblatt.core.load import load_binder
from loseblatt.core.problems import Problems

BINDER = ROOT / "binder"


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = schemas.generate()[name]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def front_matter(text: str) -> dict:
    parsed = split(text)
    assert parsed.front is not None
    # As an editor's YAML tool reads it (plain YAML), not as our loader keeps raw ids.
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def errors(name: str, data) -> list[str]:
    return [e.message for e in validator(name).iter_errors(data)]


def test_committed_schemas_are_generated():
    generated = schemas.generate()
    folder = ROOT / "schemas"
    committed = {p.name for p in folder.glob("*.schema.json")}
    assert committed == set(generated), "schemas/ veraltet: „loseblatt schemas“ ausführen"
    for name, schema in generated.items():
        assert (folder / name).read_text(encoding="utf-8") == schemas.render(schema), (
            f"schemas/{name} veraltet: „loseblatt schemas“ ausführen"
        )


def test_vscode_maps_every_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapped = {Path(k).name for k in settings["yaml.schemas"]}
    assert {"ausgabe.schema.json", "glossar.schema.json", "entfallen.schema.json"} <= mapped
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_schemas_accept_the_real_binder():
    checked = 0
    for path in sorted(BINDER.rglob("*.md")):
        rel = path.relative_to(BINDER)
        if rel.parts[0] == "laender":
            name = "landesblatt.schema.json"
        elif path.name == "register.md":
            name = "registerblatt.schema.json"
        else:
            name = "blatt.schema.json"
        assert errors(name, front_matter(path.read_text(encoding="utf-8"))) == [], rel
        checked += 1
    for path in [BINDER / "ausgabe.yml", *sorted(BINDER.glob("laender/*/ausgabe.yml"))]:
        assert errors("ausgabe.schema.json", yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path
        checked += 1
    assert errors("glossar.schema.json", yaml.safe_load((BINDER / "glossar.yml").read_text(encoding="utf-8"))) == []
    assert checked > 100


GOOD = {"blatt": "2.4", "titel": "Neu", "fassung": 1, "stand": "2026-11"}


@pytest.mark.parametrize(
    "change, loader_says",
    [
        ({"fasung": 1}, "Unbekannter Schlüssel „fasung“"),
        ({"stand": "2026-13"}, "„stand“ muss Jahr und Monat"),
        ({"stand": "November 2026"}, "„stand“ muss Jahr und Monat"),
        ({"fassung": 0}, "„fassung“ muss eine ganze Zahl ab 1"),
        ({"fassung": "zwei"}, "„fassung“ muss eine ganze Zahl ab 1"),
        ({"titel": None}, "Pflichtangabe „titel“ fehlt"),
        ({"titel": "Neu <b>fett</b>"}, "spitzen Klammern"),
        ({"blatt": "zwei"}, "„blatt“ muss die Form Register.Nummer"),
        ({"blatt": "02.4"}, "„blatt“ muss die Form Register.Nummer"),
        ({"aenderung": "inhaltich"}, "„aenderung“ ist entweder"),
        ({"fassung": 2, "aenderung": "inhaltlich"}, "Ab Fassung 2 braucht ein Blatt „grund“"),
        ({"schlagworte": "Vorsitz"}, "„schlagworte“ ist eine Liste"),
        ({"ersetzt": True}, "„ersetzt“ gibt es nur in Blättern einer Länderausgabe"),
    ],
)
def test_schema_and_loader_refuse_the_same_sheet_mistakes(tmp_path, change, loader_says):
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert errors("blatt.schema.json", GOOD) == []
    assert errors("blatt.schema.json", data), data
    # The loader refuses the same file, with its own German message.
    problems = Problems(tmp_path)
    folder = tmp_path / "binder" / "02-gremiengruendung"
    folder.mkdir(parents=True)
    (folder / "neu.md").write_text(
        "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nText.\n", encoding="utf-8"
    )
    load_binder(tmp_path / "binder", problems)
    assert any(loader_says in p.message for p in problems.items), [p.message for p in problems.items]


@pytest.mark.parametrize(
    "data",
    [
        {"blatt": "8.1", "ergaenzt": "8.1", "titel": "X", "fassung": 1, "stand": "2026-11"},
        {"titel": "X", "fassung": 1, "stand": "2026-11"},
        {"blatt": "8.1", "titel": "X", "fassung": 1, "stand": "2026-11", "ersetzt": "ja"},
        {"ergaenzt": 9.1, "titel": "X", "fassung": 1, "stand": "2026-11"},
    ],
)
def test_state_sheet_mistakes(data):
    assert errors("landesblatt.schema.json", data)


def test_state_sheet_forms():
    for data in (
        {"blatt": "8.1", "titel": "X", "fassung": 1, "stand": "2026-11", "ersetzt": True},
        {"ergaenzt": "9.1", "titel": "X", "fassung": 1, "stand": "2026-11"},
    ):
        assert errors("landesblatt.schema.json", data) == []


def edition(**change):
    data = yaml.safe_load((BINDER / "laender" / "sn" / "ausgabe.yml").read_text(encoding="utf-8"))
    data.update(change)
    return data


@pytest.mark.parametrize(
    "data",
    [
        edition(gremium={"name": "LPR", "nominativ": "der LPR"}),  # cases missing
        edition(titl="Ausgabe"),
        edition(gremium={**edition()["gremium"], "web": "www.lpr.sachsen.de"}),
        edition(variablen={"Im-Land": "x"}),
        edition(variablen={"items": "x"}),
        edition(ohne=[8.2]),  # unquoted: YAML reads a number
        edition(kontakte=[{"rolle": "ohne Namen"}]),
    ],
)
def test_edition_mistakes(data):
    assert errors("ausgabe.schema.json", data)


def test_glossary_and_withdrawn_mistakes():
    assert errors("glossar.schema.json", [{"begriff": "KKP"}])
    assert errors("glossar.schema.json", [{"begriff": "KKP", "erklaerung": "x", "lang": "y"}])
    good = [{"blatt": "7.9", "grund": "In Blatt 7.4 aufgegangen", "stand": "2027-03", "ausgaben": ["sn"]}]
    assert errors("entfallen.schema.json", good) == []
    assert errors("entfallen.schema.json", [{**good[0], "stand": "März 2027"}])
    assert errors("entfallen.schema.json", [{**good[0], "blatt": 7.9}])


def test_labels_are_german():
    prop = schemas.generate()["blatt.schema.json"]["properties"]["stand"]
    assert prop["title"] == "Stand" and "JJJJ-MM" in prop["description"]


@pytest.mark.slow
def test_front_matter_is_checked_in_markdown_files():
    """VS Code's YAML extension cannot see front matter; remark (unifiedjs.vscode-remark) validates it
    with the same schemas, configured in .remarkrc.mjs."""
    import subprocess

    remark = ROOT / "node_modules" / ".bin" / "remark"
    if not remark.exists():
        pytest.skip("npm-Werkzeuge fehlen (npm ci)")

    def lint(rel: str, text: str) -> subprocess.CompletedProcess:
        args = [str(remark), "--quiet", "--frail", "--no-stdout", "--no-color", "--file-path", rel]
        return subprocess.run(args, input=text, cwd=ROOT, capture_output=True, text=True, timeout=120)

    real = (BINDER / "laender" / "sn" / "asskomm.md").read_text(encoding="utf-8")
    assert lint("binder/laender/sn/asskomm.md", real).returncode == 0
    bad = lint(
        "binder/02-gremiengruendung/neu.md", '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-13\n---\nT.\n'
    )
    assert bad.returncode == 1 and "stand" in bad.stderr and "blatt.schema.json" in bad.stderr
    state = lint(
        "binder/laender/sn/neu.md",
        '---\nergaenzt: "9.1"\nblatt: "9.1"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\nT.\n',
    )
    assert state.returncode == 1 and "landesblatt.schema.json" in state.stderr
