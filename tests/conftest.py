"""Shared fixtures: a copy of the fixture project in a temporary folder, and site builds."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

sys.path.insert(0, str(ROOT / "plugins"))


class Project:
    """A throwaway project: fixture binder, docs and the real mkdocs.yml."""

    def __init__(self, path: Path):
        self.path = path
        self.binder = path / "binder"
        self.docs = path / "docs"
        self.site = path / "site"

    def write(self, rel: str, text: str) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.path / rel
        text = p.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        p.write_text(text.replace(old, new), encoding="utf-8")

    def build(
        self, engine: str = "mkdocs", env: dict | None = None, check: bool = True, args: list[str] | None = None
    ) -> subprocess.CompletedProcess:
        run_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="0")
        run_env.pop("LOSEBLATT_AUSGABE", None)
        run_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", engine, "build", *(args or [])],
            cwd=self.path,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{engine} build failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def cli(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """`loseblatt --binder binder …` in this project, as an editor would run it."""
        return subprocess.run(
            [sys.executable, "-m", "loseblatt.cli", "--binder", "binder", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            env={
                "PYTHONPATH": str(ROOT / "plugins"),
                "PATH": "/usr/bin:/bin",
                "NO_MKDOCS_2_WARNING": "1",
                **(env or {}),
            },
        )

    def record(self, name: str, datum: str) -> dict:
        """Record a delivery with `loseblatt lieferung` (page counts from rendered PDFs)."""
        proc = self.cli("lieferung", name, "--datum", datum)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads((self.binder / "lieferungen" / f"{name}.json").read_text())

    def check(self):
        from loseblatt.core import pipeline

        return pipeline.check(self.binder, self.path)

    def html(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def make_project(tmp_path: Path, fixture: str = "binder") -> Project:
    dest = tmp_path / "projekt"
    dest.mkdir(parents=True)
    shutil.copytree(FIXTURES / fixture, dest / "binder")
    shutil.copytree(FIXTURES / "docs", dest / "docs")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return Project(dest)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    """The fixture project built once per test module (both editions)."""
    proj = make_project(tmp_path_factory.mktemp("built"))
    proj.build()
    return proj


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real binder built once per test session, with PDFs (cache shared under .cache/)."""
    dest = tmp_path_factory.mktemp("real")
    for name in ("binder", "docs"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="1", LOSEBLATT_CACHE=str(ROOT / ".cache/loseblatt"))
    env.pop("LOSEBLATT_AUSGABE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=dest, env=env, capture_output=True, text=True, timeout=1800
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dest / "site"


EINLADUNG = """
```vorlage Einladung
Einladung des Gremiums [Name des Gremiums]

Ort:     [Polizeidienststelle], [Name der Kommune]
Datum:   [Datum]

§ 1 Ort
(1) Wir tagen {{ var.im_land }} in [Name der Kommune].
```
"""
MUNICIPAL_VALUES = (
    "  polizei: Polizeirevier Musterstadt-Mitte\n",
    "platzhalter:\n  Polizeidienststelle: var.polizei\n",
)


def make_municipal(tmp_path: Path) -> Project:
    """Musterstadt's own binder on the fixture's sn edition (delivery 2026-1), whose sheet 2.3
    has a template with the placeholders a municipal binder fills: [Name der Kommune] and
    [Name des Gremiums] (standard) and [Polizeidienststelle] (declared in kommune.yml)."""
    from loseblatt.cli import main
    from loseblatt.core.deliveries import FOLDER, record
    from loseblatt.core.package import package_files, zip_bytes

    main_project = make_project(tmp_path / "haupt")
    main_project.edit(
        "binder/02-gremiengruendung/blatt-3.md",
        "Text von Blatt 2.3. Zurück zu [[1.1]].",
        "Text von Blatt 2.3. Zurück zu [[1.1]].\n" + EINLADUNG,
    )
    result = main_project.check()
    assert not result.problems, [p.format() for p in result.problems]
    import json

    data = record("2026-1", "2026-11-20", result.binder, result.editions, {})
    (main_project.binder / FOLDER).mkdir(parents=True, exist_ok=True)
    (main_project.binder / FOLDER / "2026-1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = main_project.check()
    package = tmp_path / "sn-2026-1.zip"
    files = package_files(result.editions["sn"], result.binder, result.snapshots, result.withdrawals, "2026-1")
    package.write_bytes(zip_bytes(files))
    dest = tmp_path / "musterstadt"
    args = ["kommune", "neu", "--land", "sn", "--name", "Musterstadt", "--datei", str(package), "--ziel", str(dest)]
    assert main([*args, "--gremium", "Kommunaler Präventionsrat Musterstadt"]) == 0
    yml = dest / "kommune.yml"
    variables, mapping = MUNICIPAL_VALUES
    text = yml.read_text(encoding="utf-8").replace("variablen:\n", "variablen:\n" + variables)
    yml.write_text(text + mapping, encoding="utf-8")
    return Project(dest)


def pdf_links(path: Path) -> list[tuple[int, str, str, tuple[float, float, float, float], str]]:
    """Every link of a PDF: (page, "uri" or "seite", address or target page (1-based), rectangle
    (x0, y0, x1, y1) from the top left as pdftotext gives words, description /Contents)."""
    import pikepdf

    out = []
    with pikepdf.open(path) as pdf:
        numbers = {p.obj.objgen: i for i, p in enumerate(pdf.pages, 1)}
        for number, page in enumerate(pdf.pages, 1):
            height = float(page.mediabox[3])
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                rect = (min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1))
                action = annot.A
                if action.S == "/GoTo":
                    kind, target = "seite", str(numbers.get(action.D[0].objgen, "?"))
                else:
                    kind, target = "uri", str(action.get("/URI", ""))
                out.append((number, kind, target, rect, str(annot.get("/Contents", ""))))
    return out


def pdf_words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """The words of a page with their boxes (x0, y0, x1, y1 from the top left), by pdftotext."""
    return _pdf_word_pages(str(path), path.stat().st_mtime_ns)[page - 1]


@functools.lru_cache(maxsize=8)
def _pdf_word_pages(path: str, _mtime: int) -> list[list[tuple[float, float, float, float, str]]]:
    """Every page's words, from one pdftotext run over the whole file (big PDFs: once, not per page)."""
    import html
    import re

    xml = subprocess.run(["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [
        [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in word.findall(page)]
        for page in xml.split("<page ")[1:]
    ]


def words_in(path: Path, page: int, rect: tuple[float, float, float, float]) -> str:
    """The words whose middle lies inside a rectangle (pdf_links) of a page."""
    x0, y0, x1, y1 = rect
    return " ".join(w for a, b, c, d, w in pdf_words(path, page) if x0 <= (a + c) / 2 <= x1 and y0 <= (b + d) / 2 <= y1)


def misplaced_jumps(path: Path) -> list[str]:
    """Jumps inside a joined PDF that do not sit on the words «Blatt X.Y» of the sheet they name
    (/Contents) or do not land on that sheet's first page (its footer: «Blatt X.Y · Fassung …
    Seite 1 von …»). A link broken over two lines has a rectangle on each: their words together
    must read «Blatt X.Y»."""
    import re

    bad = []
    jumps = [link for link in pdf_links(path) if link[1] == "seite"]
    # The pieces of one link: consecutive rectangles with the same target.
    pieces: list[list[tuple]] = []
    for link in jumps:
        if pieces and pieces[-1][-1][2] == link[2] and pieces[-1][-1][4] == link[4]:
            pieces[-1].append(link)
        else:
            pieces.append([link])
    for group in pieces:
        page, _, target, _, contents = group[0]
        m = re.match(r"Blatt (L?\d+\.\d+) – ", contents)
        if m is None or not target.isdigit():
            bad.append(f"Seite {page}: Sprung ohne Blatt ({contents!r} → {target})")
            continue
        blatt = m.group(1)
        words = " ".join(words_in(path, p, rect) for p, _, _, rect, _ in group)
        if not re.search(rf"(^|\W)Blatt {re.escape(blatt)}(?!\w|\.\d)", words):
            bad.append(f"Seite {page}: Sprung zu {blatt} liegt auf „{words}“")
        footer = " ".join(w for *_, w in pdf_words(path, int(target)))
        if f"Blatt {blatt} · Fassung" not in footer or "Seite 1 von" not in footer:
            bad.append(f"Seite {page}: Sprung zu {blatt} landet auf Seite {target}")
    return bad
