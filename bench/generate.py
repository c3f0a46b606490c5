"""Synthetic binders for the benchmark: N base sheets in nine registers, six state editions
with replacements, extensions, omissions, own sheets, variables and checklists.
Deterministic: the same N gives the same files."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

WORDS = [
    "Prävention",
    "Kommune",
    "Gremium",
    "Polizei",
    "Verwaltung",
    "Beteiligung",
    "Sicherheit",
    "Projekt",
    "Ziel",
    "Analyse",
    "Maßnahme",
    "Evaluation",
    "Bürgerschaft",
    "Netzwerk",
    "Jugend",
    "Schule",
    "Quartier",
    "Stadtteil",
    "Sitzung",
    "Beschluss",
    "Arbeitsgruppe",
    "Geschäftsstelle",
    "Lenkungsgruppe",
    "Bericht",
    "Kennzahl",
    "Befragung",
    "Ergebnis",
    "Wirkung",
    "Ressourcen",
    "Förderung",
    "Antrag",
    "Zeitplan",
    "Verantwortung",
    "Öffentlichkeit",
    "Dokumentation",
    "Qualität",
    "Standard",
    "Daten",
    "Lagebild",
    "Hellfeld",
    "Dunkelfeld",
    "Angstraum",
    "Begehung",
    "Träger",
    "Verein",
    "Ehrenamt",
    "Koordination",
]
STATES = {
    "bw": "Baden-Württemberg",
    "bb": "Brandenburg",
    "rp": "Rheinland-Pfalz",
    "sh": "Schleswig-Holstein",
    "sn": "Sachsen",
    "mv": "Mecklenburg-Vorpommern",
}
REGISTERS = [
    "grundlagen",
    "gremien",
    "analyse",
    "strategie",
    "projekte",
    "evaluation",
    "programme",
    "land",
    "arbeitshilfen",
]


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def sheet_body(rng: random.Random, ids: list[str], checklist: bool, variables: bool = True) -> str:
    # Variables make a sheet differ between editions; as in the real binder (about a quarter of
    # the sheets use them), only some sheets do.
    im_land = " {{ var.im_land }}" if variables else ""
    beratung = " Beratung: {{ land.gremium.name }}." if variables else ""
    parts = [
        paragraph(rng),
        f"## Worum es geht\n\n{paragraph(rng)} Siehe [[{rng.choice(ids)}]].",
        f"## Vorgehen{im_land}\n\n" + "\n".join(f"{i}. {sentence(rng)}" for i in range(1, 6)),
        f"## Hinweise\n\n{paragraph(rng)}{beratung}",
        paragraph(rng, 4),
    ]
    if checklist:
        items = "\n".join(f"    - [ ] {sentence(rng, 7)}" for _ in range(6))
        parts.append(f'!!! checkliste "Schritte {rng.randint(1, 999)}"\n\n{items}')
    parts.append(f"## Quellen und weiterführende Hinweise\n\n- {sentence(rng, 5)}")
    return "\n\n".join(parts) + "\n"


def front(blatt: str | None, titel: str, extra: str = "") -> str:
    head = f'blatt: "{blatt}"\n' if blatt else ""
    return f"---\n{head}titel: {titel}\nfassung: 1\nstand: 2026-11\n{extra}---\n"


def generate(root: Path, n_sheets: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    binder = root / "binder"
    per_reg = [n_sheets // 9 + (1 if i < n_sheets % 9 else 0) for i in range(9)]
    ids = [f"{r + 1}.{k + 1}" for r in range(9) for k in range(per_reg[r])]
    (binder).mkdir(parents=True)
    (binder / "ausgabe.yml").write_text(
        "name: Ihr Land\ntitel: Allgemeine Ausgabe\ngremium:\n  name: Landespräventionsgremium\n"
        "  nominativ: das Landespräventionsgremium\n  genitiv: des Landespräventionsgremiums\n"
        "  dativ: dem Landespräventionsgremium\n  akkusativ: das Landespräventionsgremium\n"
        "variablen:\n  im_land: in Ihrem Land\n"
    )
    for r, slug in enumerate(REGISTERS, 1):
        folder = binder / f"{r:02d}-{slug}"
        folder.mkdir()
        (folder / "register.md").write_text(
            f"---\nregister: {r}\ntitel: Register {slug.capitalize()}\nfassung: 1\nstand: 2026-11\n---\n{paragraph(rng)}\n"
        )
        for k in range(per_reg[r - 1]):
            blatt = f"{r}.{k + 1}"
            (folder / f"blatt-{k + 1}.md").write_text(
                front(
                    blatt,
                    f"Thema {blatt} {rng.choice(WORDS)}",
                    f"schlagworte: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n",
                )
                + sheet_body(rng, ids[:-7], checklist=k % 2 == 0, variables=k % 4 == 0)
            )
    for i, (code, name) in enumerate(STATES.items()):
        folder = binder / "laender" / code
        folder.mkdir(parents=True)
        (folder / "ausgabe.yml").write_text(
            f"name: {name}\ntitel: Ausgabe {name}\ngremium:\n  name: Landespräventionsrat {name}\n"
            f"  nominativ: der Landespräventionsrat {name}\n  genitiv: des Landespräventionsrates {name}\n"
            f"  dativ: dem Landespräventionsrat {name}\n  akkusativ: den Landespräventionsrat {name}\n"
            f'variablen:\n  im_land: in {name}\nohne: ["{ids[-1 - i]}"]\n'
        )
        own = max(4, n_sheets // 25)
        for k in range(own):
            reg = 8 if k % 2 == 0 else 9
            number = per_reg[reg - 1] + 51 + k  # above every base number, as editors are told
            (folder / f"eigen-{k}.md").write_text(
                front(f"{reg}.{number}", f"{name} {k}") + sheet_body(rng, ids[:-7], True)
            )
        (folder / "ersetzt.md").write_text(
            front("8.1", f"Landesstrategie {name}", "ersetzt: true\n") + sheet_body(rng, ids[:-7], True)
        )
        (folder / "ergaenzt.md").write_text(
            front(None, f"Hinweise {name}", 'ergaenzt: "2.1"\n') + paragraph(rng) + "\n"
        )
    docs = root / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Kommune beugt vor!\n\nAusgabe für {{ land.name }}.\n")
    return root
