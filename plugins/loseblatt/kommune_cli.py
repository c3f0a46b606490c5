"""`loseblatt kommune …`: set up a municipality's own binder, bring in new deliveries, confirm reviews.

The only network step is fetching a package (`neu` / `aktualisieren` without `--datei`);
building works offline from the pinned package in paket/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import urllib.request
from importlib import metadata
from pathlib import Path

from .addresses import SUPPLEMENT_DIR, supplement_pdf
from .core import kommune
from .core.deliveries import FOLDER as DELIVERIES
from .core.deliveries import EditionChanges, compare, name_key, record
from .core.german import date_de
from .core.history import filing_rows
from .core.laender import LAENDER
from .core.package import INDEX, Package, PackageError, read_package
from .core.problems import Problems

SOURCE_REPO = "https://github.com/kommune-beugt-vor/kommune-beugt-vor"
MAX_DOWNLOAD = 200_000_000
REPORTS = "berichte"


def tool_version() -> str:
    try:
        return metadata.version("loseblatt")
    except metadata.PackageNotFoundError:
        return "0"


# ----- fetching ----------------------------------------------------------------------


def _download(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise PackageError(f"„{url}“ ist keine Web-Adresse.")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - http(s) only, checked above
            data = resp.read(MAX_DOWNLOAD + 1)
    except OSError as exc:
        raise PackageError(f"{url} ließ sich nicht laden ({exc}).") from None
    if len(data) > MAX_DOWNLOAD:
        raise PackageError(f"{url} ist zu groß.")
    return data


def fetch_package(quelle: str, lieferung: str | None) -> Package:
    """From the state edition's address: index.json names every package with its checksum."""
    base = quelle if quelle.endswith("/") else quelle + "/"
    try:
        index = json.loads(_download(base + "pakete/" + INDEX))
        entries = {e["lieferung"]: e for e in index["pakete"]}
        wanted = lieferung or index["aktuell"]
        if not wanted:
            raise PackageError(f"Die Ausgabe unter {base} hat noch keine Lieferung.")
        entry = entries.get(wanted)
        if entry is None:
            raise PackageError(f"Die Lieferung {wanted} gibt es unter {base} nicht (vorhanden: {', '.join(entries)}).")
        name = entry["datei"]
        if not re.match(r"^[0-9-]+\.zip$", name):
            raise PackageError(f"Unerwarteter Dateiname „{name}“ in {base}pakete/{INDEX}.")
        data = _download(base + "pakete/" + name)
        pkg = read_package(data, f"Das Paket {base}pakete/{name}")
        if pkg.sha256 != entry["sha256"]:
            raise PackageError(f"Die Prüfsumme des Pakets {name} stimmt nicht mit {INDEX} überein.")
        return pkg
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, PackageError):
            raise
        raise PackageError(f"{base}pakete/{INDEX} ist kein Verzeichnis von Ausgabenpaketen.") from None


def _package_from(args: argparse.Namespace, quelle: str) -> Package:
    if args.datei:
        path = Path(args.datei)
        if not path.is_file():
            raise PackageError(f"Die Datei „{path}“ gibt es nicht.")
        return read_package(path.read_bytes(), f"Das Paket {path}")
    if not quelle:
        raise PackageError(
            "Woher soll das Paket kommen? Bitte „--datei PAKET.zip“ angeben oder die Adresse der "
            "Landesausgabe („--quelle“ bzw. „quelle“ in kommune.yml)."
        )
    return fetch_package(quelle, getattr(args, "lieferung", None))


# ----- scaffolding -------------------------------------------------------------------


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def scaffold_files(name: str, gremium: str, pkg: Package, quelle: str, code: str, version: str) -> dict[str, str]:
    kommune_yml = (
        "# Der eigene Ordner: Angaben zur Kommune und die festgehaltene Lieferung der Landesausgabe.\n"
        "# „lieferung“ und „sha256“ setzt „loseblatt kommune aktualisieren“; bitte nicht von Hand ändern.\n"
        f"kommune: {_yaml_text(name)}\n"
        f"gremium: {_yaml_text(gremium)}\n"
        f"land: {pkg.code}\n"
        f'lieferung: "{pkg.delivery}"\n'
        f"sha256: {pkg.sha256}\n"
        + (f"quelle: {_yaml_text(quelle)}\n" if quelle else "")
        + "# Werte für die eigenen Blätter: {{ var.vorsitz }} usw.\n"
        "variablen:\n"
        f"  vorsitz: {_yaml_text('Bürgermeisterin oder Bürgermeister der Stadt ' + name)}\n"
        "# Vorlagen: „[Name der Kommune]“ und „[Name des Gremiums]“ füllt der Ordner von selbst aus.\n"
        "# Weitere Platzhalter (ohne Klammern) erhalten hier einen Wert: kommune, gremium oder var.<name>.\n"
        "# platzhalter:\n"
        "#   Polizeidienststelle: var.polizei\n"
    )
    mkdocs_yml = f"""# Der Ordner {name}: die {pkg.meta["ausgabe"]["titel"]} mit den eigenen Blättern.
site_name: Kommune beugt vor!
site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]
docs_dir: docs
dev_addr: 127.0.0.1:8000
use_directory_urls: true
strict: true

theme:
  name: material
  language: de
  font: false            # keine Google Fonts: nichts wird von fremden Servern geladen
  features:
    - navigation.indexes
    - navigation.prune
    - navigation.footer
    - navigation.top
    - search.highlight
    - toc.follow
  # Eine Farbpalette als Eintrag, nicht als Liste: eine Liste fügt einen unsichtbaren
  # Umschalter ein, der trotzdem per Tabulator erreichbar ist.
  palette:
    scheme: default
    primary: custom
    accent: custom

plugins:
  - search:
      lang: de
      # Deutsche Wortstämme im Suchindex, passend zur Suche im Browser.
      pipeline: [stemmer, stopWordFilter, trimmer]
      separator: '[\\s\\-]+'
  - loseblatt:
      # Findet das Plugin kommune.yml, baut es den Ordner der Kommune aus dem Paket in paket/.
      binder_dir: blaetter

markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - tables
  - toc:
      permalink: "¶"
      permalink_title: Link zu diesem Abschnitt
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist
"""
    makefile = f"""# Der Ordner {name}: einrichten, ansehen, prüfen, bauen.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve test build intern aktualisieren

$(STAMP): requirements.txt
\t$(PYTHON) -m venv $(VENV)
\t$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
\ttouch $(STAMP)

setup: $(STAMP)

# Die Website unter http://127.0.0.1:8000 (ohne PDFs, damit es schnell geht).
serve: $(STAMP)
\tLOSEBLATT_PDF=$${{LOSEBLATT_PDF:-0}} $(VENV)/bin/mkdocs serve --livereload

# Prüft alle eigenen Blätter und baut die öffentliche Website ohne PDFs.
test: $(STAMP)
\t$(VENV)/bin/loseblatt kommune pruefen
\tLOSEBLATT_PDF=0 $(VENV)/bin/mkdocs build --strict -d .test-site

# Die öffentliche Website mit PDFs nach site/ (ohne interne Blätter).
build: $(STAMP)
\t$(VENV)/bin/mkdocs build

# Der interne Ordner mit allen Blättern nach site-intern/ (nicht veröffentlichen).
intern: $(STAMP)
\tLOSEBLATT_INTERN=1 $(VENV)/bin/mkdocs build -d site-intern

# Holt die neueste Lieferung des Landes und schreibt den Bericht nach berichte/.
aktualisieren: $(STAMP)
\t$(VENV)/bin/loseblatt kommune aktualisieren
"""
    requirements = (
        f"# Das Werkzeug in genau der Version, mit der dieser Ordner angelegt wurde ({version}).\n"
        f"loseblatt @ git+{SOURCE_REPO}@v{version}\n"
    )
    workflow = """# Prüft jede Änderung und baut die öffentliche Website (ohne interne Blätter).
name: Ordner prüfen
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  pruefen:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1
        with:
          persist-credentials: false
      - uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97  # v7.0.0
        with:
          python-version: "3.12"
      - run: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0
      - run: make test
"""
    readme = f"""# Kommune beugt vor! – Ordner {name}

Dieser Ordner ist die {pkg.meta["ausgabe"]["titel"]} des Beratungsordners „Kommune beugt vor!“, wie
das Land sie mit der Lieferung {pkg.delivery} ausgeliefert hat, ergänzt um die eigenen Blätter
von „{gremium}“. Website, Suche, Checklisten, PDFs und Ergänzungslieferungen entstehen wie in der
Landesausgabe; in der Kopfzeile jeder gedruckten Seite steht {name}.

## Schnellstart

```bash
make serve   # richtet .venv ein und zeigt den Ordner unter http://127.0.0.1:8000
make test    # prüft alle eigenen Blätter und baut die Website
```

## Was wo liegt

| Datei oder Ordner | Inhalt |
|---|---|
| `kommune.yml` | Name der Kommune und des Gremiums, Land, festgehaltene Lieferung mit Prüfsumme, Variablen, Platzhalter der Vorlagen |
| `paket/` | die festgehaltene Lieferung der Landesausgabe (nicht von Hand ändern) |
| `blaetter/` | die eigenen Blätter (L-Nummern) und Hinweise zu Blättern des Landes |
| `docs/` | die Startseite und weitere eigene Seiten |
| `lieferungen/` | die Lieferungen dieses Ordners (für die Ergänzungslieferungen zum Ausdrucken) |
| `berichte/` | die Berichte von „loseblatt kommune aktualisieren“ |

## Eigene Blätter

Ein eigenes Blatt ist eine Markdown-Datei in `blaetter/` mit einem Kopfbereich wie jedes Blatt
des Ordners. Die Nummer beginnt mit „L“ und nennt das Register, in das es gehört: `L2.1` ist das
erste eigene Blatt in Register 2 (Gremiengründung) und steht dort nach den Blättern des Landes.

```yaml
---
blatt: "L2.1"
titel: Unsere Geschäftsordnung
fassung: 1
stand: 2026-12
geprueft: "{pkg.delivery}"     # gegen welche Lieferung des Landes zuletzt geprüft
intern: false          # true: nur im internen Ordner, nie auf der öffentlichen Website
---
```

Im Text gehen Verweise auf Blätter des Landes (`[[2.3]]`) und auf eigene Blätter (`[[L2.1]]`),
Checklisten und Variablen: `{{{{ kommune.name }}}}`, `{{{{ kommune.gremium }}}}`, `{{{{ land.name }}}}`
und alles unter `variablen` in `kommune.yml`, z. B. `{{{{ var.vorsitz }}}}`.

Hinweise zu einem Blatt des Landes schreiben Sie in eine eigene Datei mit `ergaenzt: "2.3"`
statt `blatt`; sie erscheinen am Ende von Blatt 2.3 als „Hinweise für {name}“.

## Vorlagen mit den eigenen Angaben

In den Vorlagen des Ordners (auf der Website, als Word- und LibreOffice-Datei und im Ausdruck)
stehen statt „[Name der Kommune]“ und „[Name des Gremiums]“ schon „{name}“ und „{gremium}“.
Weitere Platzhalter verbinden Sie in `kommune.yml` mit einer Angabe – links der Platzhalter ohne
eckige Klammern, rechts `kommune`, `gremium` oder `var.<name>` für eine Ihrer `variablen`:

```yaml
platzhalter:
  Polizeidienststelle: var.polizei     # dazu unter variablen: polizei: …
  Name des Gremiums: ~                 # „~“: diesen Platzhalter stehen lassen
```

Was keinen Wert hat („[Datum]“), bleibt zum Ausfüllen stehen und ist gelb hinterlegt.

## Neue Lieferungen des Landes

```bash
.venv/bin/loseblatt kommune aktualisieren            # die neueste Lieferung von der Website des Landes
.venv/bin/loseblatt kommune aktualisieren 2027-1     # eine bestimmte Lieferung
.venv/bin/loseblatt kommune aktualisieren --datei sn-2027-1.zip   # aus einer Datei
```

Der Befehl prüft die Prüfsumme, hält die neue Lieferung in `kommune.yml` fest und schreibt einen
Bericht nach `berichte/`: welche Blätter des Landes herauszunehmen und einzufügen sind und welche
eigenen Blätter auf ein geändertes Blatt verweisen („Bitte prüfen“). Haben Sie ein solches Blatt
geprüft, bestätigen Sie das mit

```bash
.venv/bin/loseblatt kommune geprueft L2.1
```

Das setzt `geprueft` auf die festgehaltene Lieferung; der Hinweis verschwindet.

Zugleich zeichnet `aktualisieren` eine Lieferung dieses Ordners auf (`lieferungen/`): Daraus
entstehen „Was ist neu“, das Verzeichnis der gültigen Blätter und die Ergänzungslieferung zum
Ausdrucken mit den Änderungen des Landes und den eigenen. Den Stand, mit dem Sie den Ordner zum
ersten Mal ausdrucken, und eigene Änderungen zwischendurch zeichnen Sie selbst auf:

```bash
.venv/bin/loseblatt kommune lieferung            # unter dem Namen der festgehaltenen Lieferung
.venv/bin/loseblatt kommune lieferung 2027-2     # eigene Änderungen zwischen zwei Lieferungen
```

## Interne Blätter und Datenschutz

Blätter mit `intern: true` (etwa die Mitgliederliste mit Telefonnummern) stehen nur im internen
Ordner (`make intern`, nach `site-intern/`), nie auf der öffentlichen Website, in ihrer Suche,
Sitemap oder in ihren PDFs. Den internen Ordner bitte nicht veröffentlichen. Namen und Telefonnummern
von Personen gehören nur mit deren Einwilligung in den Ordner, und auch dann nur in interne Blätter.

## Werkzeug

`requirements.txt` hält die Version des Werkzeugs `loseblatt` fest ({version}). Bauen geht ohne
Internet: Die Landesausgabe liegt in `paket/`. Nur `loseblatt kommune aktualisieren` lädt etwas.
"""
    index = f"""# Ordner {name}

Der Beratungsordner „Kommune beugt vor!“ in der {pkg.meta["ausgabe"]["titel"]}, mit den eigenen
Blättern von „{gremium}“ (L-Nummern). Die eigenen Blätter stehen in jedem Register nach den
Blättern des Landes.
"""
    example = f"""---
blatt: "L2.1"
titel: Unser Gründungsbeschluss
fassung: 1
stand: {pkg.datum[:7]}
geprueft: "{pkg.delivery}"
schlagworte: [Gründungsbeschluss]
---
Dieses Blatt ist ein Beispiel für ein eigenes Blatt von {{{{ kommune.name }}}}. Es steht in Register 2
nach den Blättern des Landes {{{{ land.name }}}}.

Den Vorsitz führt: {{{{ var.vorsitz }}}}.

Wie ein Gremium gegründet wird, beschreibt [[2.1]].
"""
    files = {
        "kommune.yml": kommune_yml,
        "mkdocs.yml": mkdocs_yml,
        "Makefile": makefile,
        "requirements.txt": requirements,
        ".github/workflows/ordner.yml": workflow,
        "README.md": readme,
        "docs/index.md": index,
        ".gitignore": ".venv/\n.cache/\nsite/\nsite-intern/\n.test-site/\n",
    }
    if pkg.sheet("2.1") is not None:
        files["blaetter/L2-1-gruendung.md"] = example
    else:
        files["blaetter/L2-1-gruendung.md"] = example.replace(
            "Wie ein Gremium gegründet wird, beschreibt [[2.1]].\n", ""
        )
    return files


def cmd_neu(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if args.land not in LAENDER:
        print(f"„{args.land}“ ist kein Länderkürzel.", file=sys.stderr)
        return 2
    code = kommune.code_of(name)
    target = Path(args.ziel or code)
    if target.exists() and any(target.iterdir()):
        print(f"Der Ordner „{target}“ ist nicht leer; bitte einen anderen mit „--ziel“ wählen.", file=sys.stderr)
        return 2
    try:
        pkg = _package_from(args, args.quelle or "")
    except PackageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if pkg.code != args.land:
        print(f"Das Paket gehört zur Ausgabe „{pkg.code}“, nicht zu „{args.land}“.", file=sys.stderr)
        return 1
    gremium = args.gremium or f"Präventionsrat {name}"
    files = scaffold_files(name, gremium, pkg, args.quelle or "", code, tool_version())
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / kommune.PACKAGE_DIR).mkdir(exist_ok=True)
    (target / kommune.PACKAGE_DIR / kommune.package_name(pkg.code, pkg.delivery)).write_bytes(_raw(pkg))
    result, _ = kommune.check(target, intern=True)
    if result.problems:
        for p in result.problems:
            print(p.format())
        return 1
    print(f"Der Ordner {name} liegt in {target}/ (Ausgabe {LAENDER[pkg.code]}, Lieferung {pkg.delivery}).")
    print(f"Weiter mit: cd {target} && make serve")
    return 0


def _raw(pkg: Package) -> bytes:
    return pkg.raw


def _record(root: Path, m, name: str, datum: str) -> Path:
    """The municipality's own delivery: the combined edition as it stands (internal sheets too,
    the printed binder has them; the public site leaves them out of its history)."""
    pages = {m.kommune.code: {s.blatt: s.seiten for s in m.package.sheets if s.seiten}}
    data = record(name, datum, m.binder, {m.kommune.code: m.edition}, pages)
    path = root / DELIVERIES / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


# ----- updating ----------------------------------------------------------------------


def _set_pin(path: Path, lieferung: str, sha: str) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^lieferung:.*$", f'lieferung: "{lieferung}"', text, count=1)
    text = re.sub(r"(?m)^sha256:.*$", f"sha256: {sha}", text, count=1)
    path.write_text(text, encoding="utf-8")


def _position(pkg: Package, blatt: str) -> str:
    """Where a sheet is filed: its register and the sheet it follows."""
    s = pkg.sheet(blatt)
    if s is None:
        return "–"
    reg = next((r for r in pkg.registers if r.number == s.register), None)
    same = [x.blatt for x in pkg.sheets if x.register == s.register]
    i = same.index(blatt)
    where = f"hinter Blatt {same[i - 1]}" if i > 0 else "am Anfang des Registers"
    return f"Register {s.register}{' (' + reg.titel + ')' if reg else ''}, {where}"


def report(old: Package, new: Package, changes: EditionChanges, findings, name: str, code: str) -> str:
    lines = [
        f"# Lieferung {new.delivery} der {new.meta['ausgabe']['titel']} für {name}",
        "",
        f"Bisher: Lieferung {old.delivery} vom {date_de(old.datum)}. "
        f"Jetzt: Lieferung {new.delivery} vom {date_de(new.datum)}.",
        f"Prüfsumme des neuen Pakets: `{new.sha256}`.",
        "",
        "## Blätter des Landes austauschen",
        "",
    ]
    rows = filing_rows(changes, positions=False)  # the «Ablegen» column says where
    if rows:
        lines += ["| Herausnehmen | Einfügen | Ablegen |", "|---|---|---|"]
        order = [r.blatt for r in changes.inserted()] + [o.blatt for o, _ in changes.withdrawn]
        for (out, put), blatt in zip(rows, sorted(order, key=_sort), strict=False):
            lines.append(f"| {out} | {put} | {_position(new, blatt) if put.startswith('Blatt') else '–'} |")
        reasons = [(after.blatt, after.grund) for _, after in changes.changed if after.grund]
        reasons += [(o.blatt, f"entfällt: {w.grund}" if w else "entfällt") for o, w in changes.withdrawn]
        if reasons:
            lines += ["", "Gründe:", ""] + [f"- Blatt {b}: {g}" for b, g in sorted(reasons, key=lambda x: _sort(x[0]))]
    else:
        lines.append("Die Lieferung ändert keine Blätter dieser Ausgabe.")
    errors = [f for f in findings if not f.hinweis]
    warnings = [f for f in findings if f.hinweis]
    lines += ["", "## Eigene Blätter", ""]
    if not findings:
        lines.append("Keines der eigenen Blätter verweist auf ein geändertes oder entfallenes Blatt.")
    for f in errors:
        lines.append(f"- **Fehler:** {f.message} ({f.path}, Zeile {f.line})")
    for f in warnings:
        lines.append(f"- {f.message} ({f.path}, Zeile {f.line})")
    if warnings:
        lines += [
            "",
            "Nach der Prüfung eines Blattes: `loseblatt kommune geprueft <Blatt>` (z. B. "
            f"`loseblatt kommune geprueft {_first_id(warnings)}`) setzt „geprueft“ auf {new.delivery}.",
        ]
    # The table above lists the state's sheets; the paper binder of this municipality also has its
    # own register sheets and contents, which its own supplement brings.
    supplement = f"site/{code}/{SUPPLEMENT_DIR}/{supplement_pdf(new.delivery)}"
    lines += [
        "",
        "## Ausdrucken",
        "",
        f"Für den ausgedruckten Ordner gilt die Ergänzungslieferung {new.delivery} Ihres Ordners. Sie "
        "enthält die geänderten Blätter in der Fassung Ihres Ordners, dazu geänderte Registerblätter "
        "und „Deckblatt und Inhalt“, mit einer Ablageanweisung für jede Seite. Sobald der Ordner "
        f"fehlerfrei ist und die Lieferung aufgezeichnet wurde, legt der nächste Build sie nach `{supplement}`.",
    ]
    return "\n".join(lines) + "\n"


def _sort(blatt: str):
    from .core.model import sheet_sort_key

    return sheet_sort_key(blatt)


def _first_id(findings) -> str:
    m = re.search(r"Blatt (L[0-9.]+)|zu Blatt ([0-9.]+)", findings[0].message)
    return (m.group(1) or m.group(2)) if m else "L2.1"


def _records(pkg: Package):
    from .core.deliveries import SheetRecord

    return {
        s.blatt: SheetRecord(s.blatt, s.titel, s.fassung, s.stand, s.register, "", s.sha256, "", s.seiten,
                             s.fassung_ergaenzung, s.aenderung, s.grund)
        for s in pkg.sheets
    }  # fmt: skip


def cmd_aktualisieren(args: argparse.Namespace) -> int:
    root = Path(args.ordner)
    problems = Problems(root)
    kdef = kommune.load_kommune_def(root, problems)
    old = kommune.load_pinned(kdef, problems) if kdef else None
    if kdef is None or old is None:
        for p in problems.sorted():
            print(p.format())
        return 1
    try:
        new = _package_from(args, kdef.quelle)
    except PackageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if new.code != kdef.land:
        print(f"Das Paket gehört zur Ausgabe „{new.code}“, dieser Ordner zu „{kdef.land}“.", file=sys.stderr)
        return 1
    if name_key(new.delivery) < name_key(old.delivery):
        print(f"Festgehalten ist schon Lieferung {old.delivery}; {new.delivery} ist älter.", file=sys.stderr)
        return 2
    changes = compare(_records(old), _records(new), new.withdrawals, new.code)
    pkg_dir = root / kommune.PACKAGE_DIR
    (pkg_dir / kommune.package_name(new.code, new.delivery)).write_bytes(_raw(new))
    if old.delivery != new.delivery:
        (pkg_dir / kommune.package_name(old.code, old.delivery)).unlink(missing_ok=True)
    _set_pin(kdef.path, new.delivery, new.sha256)
    result, m = kommune.check(root, intern=True)
    findings = m.findings if m is not None else []
    text = report(old, new, changes, findings, kdef.name, kdef.code)
    out = root / REPORTS / f"{new.delivery}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    if result.problems:
        for p in result.problems:
            print(p.format())
        print(
            f"\nLieferung {new.delivery} ist festgehalten, aber der Ordner hat {len(result.problems)} Fehler: bitte "
            "beheben und „loseblatt kommune aktualisieren --datei "
            f"{kommune.PACKAGE_DIR}/{kommune.package_name(new.code, new.delivery)}“ erneut aufrufen.",
            file=sys.stderr,
        )
        return 1
    snapshots = result.snapshots
    if m is not None and not any(s.name == new.delivery for s in snapshots):
        if snapshots and name_key(snapshots[-1].name) > name_key(new.delivery):
            print(f"Die letzte Lieferung dieses Ordners heißt schon {snapshots[-1].name}.", file=sys.stderr)
        else:
            datum = args.datum or datetime.date.today().isoformat()
            path = _record(root, m, new.delivery, datum)
            print(f"Ergänzungslieferung des Ordners aufgezeichnet: {path.relative_to(root)}")
    print(f"Bericht: {out.relative_to(root)}")
    return 0


def cmd_geprueft(args: argparse.Namespace) -> int:
    root = Path(args.ordner)
    problems = Problems(root)
    kdef = kommune.load_kommune_def(root, problems)
    if kdef is None:
        for p in problems.sorted():
            print(p.format())
        return 1
    done = []
    for sheet in kommune.load_local(root, kdef.code, problems):
        key = f"+{sheet.blatt}" if sheet.ergaenzt else sheet.blatt
        if key not in args.blatt and sheet.blatt not in args.blatt:
            continue
        text = sheet.path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        if re.search(r"(?m)^geprueft:", head):
            head = re.sub(r"(?m)^geprueft:.*$", f'geprueft: "{kdef.lieferung}"', head, count=1)
        else:
            head += f'\ngeprueft: "{kdef.lieferung}"'
        sheet.path.write_text(head + sep + body, encoding="utf-8")
        done.append(sheet.blatt)
    missing = [b for b in args.blatt if b.lstrip("+") not in done]
    for b in missing:
        print(f"Ein eigenes Blatt {b} gibt es in {kommune.SHEETS_DIR}/ nicht.", file=sys.stderr)
    if done:
        print(f"Geprüft gegen Lieferung {kdef.lieferung}: {', '.join(done)}.")
    return 1 if missing else 0


def cmd_lieferung(args: argparse.Namespace) -> int:
    """Record the binder as it stands as the municipality's own delivery (for printed binders)."""
    root = Path(args.ordner)
    result, m = kommune.check(root, intern=True)
    if result.problems or m is None:
        for p in result.problems:
            print(p.format())
        print("\nDie Lieferung wird nicht aufgezeichnet: Der Ordner hat Fehler.", file=sys.stderr)
        return 1
    name = args.name or m.kommune.lieferung
    if not re.match(r"^\d{4}-\d{1,2}$", name):
        print(f"Lieferungen heißen JJJJ-N, z. B. 2027-1; „{name}“ passt nicht.", file=sys.stderr)
        return 2
    if result.snapshots and name_key(name) <= name_key(result.snapshots[-1].name):
        print(
            f"Die letzte Lieferung dieses Ordners heißt {result.snapshots[-1].name}; bitte einen späteren Namen "
            "angeben, z. B. „loseblatt kommune lieferung 2027-2“.",
            file=sys.stderr,
        )
        return 2
    path = _record(root, m, name, args.datum or datetime.date.today().isoformat())
    print(f"Lieferung {name} des Ordners aufgezeichnet: {path.relative_to(root)}")
    return 0


def cmd_pruefen(args: argparse.Namespace) -> int:
    root = Path(args.ordner)
    result, m = kommune.check(root, intern=True)
    for p in result.problems:
        print(p.format())
    for f in m.findings if m is not None else []:
        if f.hinweis:
            print(f.format())
    if result.problems:
        print(f"\n{len(result.problems)} Fehler gefunden.", file=sys.stderr)
        return 1
    n = len(m.edition.sheets) if m else 0
    print(f"Keine Fehler: {n} Blätter.", file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    k = sub.add_parser("kommune", help="der eigene Ordner einer Kommune auf ihrer Landesausgabe")
    ks = k.add_subparsers(dest="kommune_command", required=True)
    p = ks.add_parser("neu", help="legt den Ordner einer Kommune an")
    p.add_argument("--land", required=True, help="Kürzel der Landesausgabe, z. B. sn")
    p.add_argument("--name", required=True, help="Name der Kommune, z. B. „Musterstadt“")
    p.add_argument("--gremium", help="Name des Gremiums (Standard: Präventionsrat <Name>)")
    p.add_argument("--quelle", help="Adresse der Landesausgabe, z. B. https://…/sn/")
    p.add_argument("--datei", help="das Paket als Datei statt aus dem Netz")
    p.add_argument("--ziel", help="Ordner für das neue Repository (Standard: Kürzel der Kommune)")
    p.set_defaults(func=cmd_neu)
    p = ks.add_parser("aktualisieren", help="holt eine neue Lieferung des Landes und berichtet, was zu tun ist")
    p.add_argument("lieferung", nargs="?", help="Name der Lieferung (Standard: die neueste)")
    p.add_argument("--datei", help="das Paket als Datei statt aus dem Netz")
    p.add_argument("--datum", help="Datum der Lieferung des Ordners (Standard: heute)")
    p.add_argument("--ordner", default=".", help="der Ordner der Kommune (Standard: hier)")
    p.set_defaults(func=cmd_aktualisieren)
    p = ks.add_parser("geprueft", help="bestätigt, dass eigene Blätter gegen die festgehaltene Lieferung geprüft sind")
    p.add_argument("blatt", nargs="+", help="eigene Blätter, z. B. L2.1; Hinweise zu einem Blatt des Landes: +2.3")
    p.add_argument("--ordner", default=".", help="der Ordner der Kommune (Standard: hier)")
    p.set_defaults(func=cmd_geprueft)
    p = ks.add_parser("lieferung", help="zeichnet den Stand des Ordners als eigene Lieferung auf (für den Ausdruck)")
    p.add_argument("name", nargs="?", help="Name, JJJJ-N (Standard: die festgehaltene Lieferung des Landes)")
    p.add_argument("--datum", help="Datum (JJJJ-MM-TT), Standard: heute")
    p.add_argument("--ordner", default=".", help="der Ordner der Kommune (Standard: hier)")
    p.set_defaults(func=cmd_lieferung)
    p = ks.add_parser("pruefen", help="prüft den Ordner der Kommune")
    p.add_argument("--ordner", default=".", help="der Ordner der Kommune (Standard: hier)")
    p.set_defaults(func=cmd_pruefen)


__all__ = ["add_parser"]
