"""Every cache follows one rule: a warm rebuild after any change equals a cold build byte for byte.

A cache is primed by building the fixture project once. Then, for each kind of change, the
change is made and the project is built twice: once with a copy of the primed cache (warm) and
once with an empty cache (cold). Every file of both sites — HTML, JSON, sitemaps, PDFs — must be
identical. Changes to our own code run the build from a changed copy of the package
(PYTHONPATH first on sys.path), like a developer's edit or an upgrade would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Project, make_municipal, make_project

pytestmark = pytest.mark.slow

PACKAGE = ROOT / "plugins" / "loseblatt"


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Project, cache: Path, code: Path | None = None, env: dict | None = None) -> dict[str, bytes]:
    run_env = {"LOSEBLATT_PDF": "1", "LOSEBLATT_CACHE": str(cache), "SITE_URL": "https://beispiel.invalid/kbv/"}
    run_env.update(env or {})
    if code is not None:
        run_env["PYTHONPATH"] = str(code)
    project.build(env=run_env)
    return site_files(project.site)


def differences(warm: dict[str, bytes], cold: dict[str, bytes]) -> list[str]:
    out = [f"nur warm: {p}" for p in sorted(set(warm) - set(cold))]
    out += [f"nur kalt: {p}" for p in sorted(set(cold) - set(warm))]
    out += [f"verschieden: {p}" for p in sorted(set(warm) & set(cold)) if warm[p] != cold[p]]
    return out


def changed_code(tmp: Path, rel: str, old: str, new: str) -> Path:
    """A copy of our package with one edit, importable through PYTHONPATH."""
    dest = tmp / "code"
    shutil.copytree(PACKAGE, dest / "loseblatt", ignore=shutil.ignore_patterns("__pycache__"))
    target = dest / "loseblatt" / rel
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def add_sheet(project: Project) -> None:
    project.write(
        "binder/02-gremiengruendung/blatt-5.md",
        """
        ---
        blatt: 2.5
        titel: Ein neues Blatt in der Mitte
        fassung: 1
        stand: 2026-11
        ---
        Dieses Blatt steht zwischen Blatt 2.3 und Blatt 2.9. Mehr in [[2.1]].
        """,
    )


def remove_references(project: Project, sheet: str) -> None:
    for path in project.binder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if f"[[{sheet}]]" in text:
            path.write_text(text.replace(f"[[{sheet}]]", "ein anderes Blatt"), encoding="utf-8")


def remove_sheet(project: Project) -> None:
    (project.binder / "02-gremiengruendung" / "blatt-10.md").unlink()
    remove_references(project, "2.10")


def add_glossary(project: Project) -> None:
    project.edit("binder/02-gremiengruendung/blatt-1.md", "Text von Blatt 2.1.", "Text von Blatt 2.1 über den KPR.")
    project.write(
        "binder/glossar.yml",
        """
        - begriff: KPR
          langform: Kommunaler Präventionsrat
          erklaerung: Gremium einer Kommune für die Vorbeugung von Straftaten.
        """,
    )


def drop_in_sn(project: Project) -> None:
    remove_references(project, "2.10")
    project.edit("binder/laender/sn/ausgabe.yml", 'ohne: ["2.9"]', 'ohne: ["2.9", "2.10"]')


# Each change: (what it does to the project, or None) and the code edit (file, old, new), or None.
Change = tuple[Callable[[Project], None] | None, tuple[str, str, str] | None]

CHANGES: dict[str, Change] = {
    "blatt_text": (
        lambda p: p.edit("binder/02-gremiengruendung/blatt-1.md", "Text von Blatt 2.1.", "Geänderter Text."),
        None,
    ),
    "variable": (
        lambda p: p.edit("binder/laender/sn/ausgabe.yml", "im_land: in Sachsen", "im_land: im Freistaat"),
        None,
    ),
    "glossar": (add_glossary, None),
    "verwiesener_titel": (
        lambda p: p.edit(
            "binder/01-grundlagen/warum.md", "titel: Warum kommunale Prävention", "titel: Warum Prävention wirkt"
        ),
        None,
    ),
    "site_name": (
        lambda p: p.edit("mkdocs.yml", "site_name: Kommune beugt vor!", "site_name: Kommune beugt vor"),
        None,
    ),
    "theme_feature": (
        lambda p: p.edit("mkdocs.yml", "    - toc.follow\n", "    - toc.follow\n    - navigation.tabs\n"),
        None,
    ),
    "palette": (lambda p: p.edit("mkdocs.yml", "    scheme: default", "    scheme: slate"), None),
    "docs_titel": (lambda p: p.edit("docs/impressum.md", "# Impressum", "# Impressum und Kontakt"), None),
    "blatt_hinzu": (add_sheet, None),
    "blatt_weg": (remove_sheet, None),
    "asset": (None, ("assets/loseblatt.css", "\n", "\n/* geändert */\n")),
    "stand": (lambda p: p.edit("binder/02-gremiengruendung/blatt-1.md", "stand: 2026-02", "stand: 2026-03"), None),
    "site_url": (None, None),  # the build below uses another SITE_URL
    "ohne": (drop_in_sn, None),
    # Double-sided print: mirrored margins and blank backs in every PDF of the edition.
    "druck": (
        lambda p: p.edit("binder/laender/sn/ausgabe.yml", "name: Sachsen\n", "name: Sachsen\ndruck: beidseitig\n"),
        None,
    ),
    "checklisten_code": (
        None,
        ("render/checklist_ext.py", '{"class": "lb-punkte"}', '{"class": "lb-punkte lb-geaendert"}'),
    ),
}


@pytest.fixture(scope="module")
def primed(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("vorrat")
    project = make_project(tmp)
    cache = tmp / "cache"
    return cache, build(project, cache)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_warm_rebuild_equals_cold_build(name: str, primed, tmp_path: Path) -> None:
    cache, before = primed
    change, code_edit = CHANGES[name]
    warm_cache = tmp_path / "warm-cache"
    shutil.copytree(cache, warm_cache)
    env = {"SITE_URL": "https://anders.invalid/"} if name == "site_url" else {}
    code = changed_code(tmp_path, *code_edit) if code_edit else None

    warm_project = make_project(tmp_path / "warm")
    cold_project = make_project(tmp_path / "kalt")
    for p in (warm_project, cold_project):
        if change is not None:
            change(p)
    warm = build(warm_project, warm_cache, code, env)
    cold = build(cold_project, tmp_path / "cold-cache", code, env)
    assert warm != before, "the change must show in the output, or the scenario tests nothing"
    assert differences(warm, cold) == []


# A municipal binder (conftest.make_municipal) is built with the same caches; its templates
# carry values from kommune.yml (core/platzhalter.py).
MUNICIPAL_CHANGES: dict[str, Callable[[Project], None]] = {
    "kommune_wert": lambda p: p.edit("kommune.yml", "Polizeirevier Musterstadt-Mitte", "Polizeirevier Nord"),
    "kommune_platzhalter": lambda p: p.edit(
        "kommune.yml",
        "\nplatzhalter:\n  Polizeidienststelle: var.polizei\n",
        "\nplatzhalter:\n  Polizeidienststelle: kommune\n  Name des Gremiums: ~\n",
    ),
}


@pytest.fixture(scope="module")
def primed_municipal(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("kommune-vorrat")
    cache = tmp / "cache"
    return cache, build(make_municipal(tmp / "p"), cache)


@pytest.mark.parametrize("name", sorted(MUNICIPAL_CHANGES))
def test_municipal_warm_rebuild_equals_cold_build(name: str, primed_municipal, tmp_path: Path) -> None:
    cache, before = primed_municipal
    warm_cache = tmp_path / "warm-cache"
    shutil.copytree(cache, warm_cache)
    builds = []
    for folder, used_cache in (("warm", warm_cache), ("kalt", tmp_path / "cold-cache")):
        project = make_municipal(tmp_path / folder)
        MUNICIPAL_CHANGES[name](project)
        builds.append(build(project, used_cache))
    warm, cold = builds
    changed = {p for p in warm if warm[p] != before.get(p)}
    # The change shows in the template's files, its page and the printed sheet.
    assert {"musterstadt/vorlagen/2-3-einladung.docx", "musterstadt/pdf/blatt-2-3.pdf"} <= changed, sorted(changed)
    assert differences(warm, cold) == []


def test_moved_checkout_reuses_caches_and_builds_the_same_bytes(primed, tmp_path: Path) -> None:
    """Same commit, other folder: identical files, from the other checkout's cache as from none."""
    cache, before = primed
    moved_cache = tmp_path / "cache"
    shutil.copytree(cache, moved_cache)
    project = make_project(tmp_path / "ganz" / "anderswo")
    warm = build(project, moved_cache)
    assert differences(warm, before) == []
    pdf_stats = json.loads((moved_cache / "pdf-stats.json").read_text(encoding="utf-8"))
    assert pdf_stats["gerendert"] == [], "a moved checkout must reuse every cached PDF"
    html_stats = json.loads((moved_cache / "build-stats.json").read_text(encoding="utf-8"))
    assert html_stats["markdown"]["umgewandelt"] == 0, html_stats
    assert html_stats["seiten"]["gerendert"] == 0, html_stats
    # Every edition is taken whole from the other checkout's last build: no key holds a path.
    assert html_stats["ausgaben"] == {}, html_stats["ausgaben"]  # no edition built
    assert html_stats["fertig_uebernommen"] == html_stats["wiederverwendet"] != [], html_stats
    cold = build(make_project(tmp_path / "dritter-ort"), tmp_path / "leer")
    assert differences(cold, before) == []


def test_every_cache_is_pruned_to_what_the_last_build_used(primed, tmp_path: Path) -> None:
    cache, _ = primed
    own = tmp_path / "cache"
    shutil.copytree(cache, own)
    project = make_project(tmp_path / "p")
    sizes = []
    for i in range(3):
        project.edit(
            "binder/02-gremiengruendung/blatt-1.md",
            "Text von Blatt 2.1" if i == 0 else f"Fassung {i}",
            f"Fassung {i + 1}",
        )
        build(project, own)
        sizes.append(sum(len(f) for f in site_files(own).values()))
    # Each edit replaces the entries of one sheet; the cache must not grow with every edit.
    assert sizes[2] <= sizes[0] * 1.02, sizes


def test_cache_from_another_version_is_not_trusted(primed, tmp_path: Path) -> None:
    """Entries that do not belong to their key (another version wrote them, or a disk error
    damaged them) are rendered anew, never served."""
    cache, before = primed
    own = tmp_path / "cache"
    shutil.copytree(cache, own)
    for path in own.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".pickle", ".pdf"):
            path.write_bytes(b"verdorben")
    project = make_project(tmp_path / "p")
    assert differences(build(project, own), before) == []


if __name__ == "__main__":  # pragma: no cover - a developer's shortcut
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", __file__, *sys.argv[1:]], env=dict(os.environ)))


def test_rebuild_without_change_keeps_every_published_file(tmp_path: Path) -> None:
    """A no-op rebuild publishes the same files: none gets a new modification time, so tools that
    sync or cache by date see no change; an edit replaces only the files it changed."""
    project = make_project(tmp_path)
    cache = tmp_path / "cache"
    build(project, cache)
    times = {p: p.stat().st_mtime_ns for p in project.site.rglob("*") if p.is_file()}
    folder = (project.site / "bund" / "01-grundlagen").stat().st_ino
    # With nothing kept, the worker processes were prepared before the check (workers.start_early).
    steps = json.loads((cache / "build-stats.json").read_text())["zeitleiste"]
    assert steps["arbeitsprozesse_vorbereitet"] < steps["geprueft"]
    build(project, cache)
    assert [p for p in project.site.rglob("*") if p.is_file() and p.stat().st_mtime_ns != times.get(p)] == []
    # A rebuild that may take everything from the last build does not start them.
    assert "arbeitsprozesse_vorbereitet" not in json.loads((cache / "build-stats.json").read_text())["zeitleiste"]
    project.edit("binder/02-gremiengruendung/blatt-1.md", "Text von Blatt 2.1.", "Ein anderer Text.")
    warm = build(project, cache)
    changed = {
        p.relative_to(project.site).as_posix()
        for p in project.site.rglob("*")
        if p.is_file() and p.stat().st_mtime_ns != times.get(p)
    }
    assert "bund/02-gremiengruendung/blatt-2-1/index.html" in changed
    assert "bund/01-grundlagen/blatt-1-1/index.html" not in changed
    # The second build replaced the first one's site and kept its editions' folders: the third
    # was built into them, not into folders made anew (skeletons.py).
    assert (project.site / "bund" / "01-grundlagen").stat().st_ino == folder
    # Files and folders as a build from nothing makes them.
    cold_project = make_project(tmp_path / "kalt")
    cold_project.edit("binder/02-gremiengruendung/blatt-1.md", "Text von Blatt 2.1.", "Ein anderer Text.")
    cold = build(cold_project, tmp_path / "kalt-cache")
    assert differences(warm, cold) == []

    def folders(site: Path) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}

    assert folders(project.site) == folders(cold_project.site)


def test_a_glossary_entry_redoes_only_the_pages_that_use_it(tmp_path: Path) -> None:
    """Changing what an abbreviation stands for re-renders the sheets and pages that use it,
    not the whole binder (each page carries only the definitions of the terms it uses)."""
    project = make_project(tmp_path)
    add_glossary(project)  # KPR, used on sheet 2.1 only
    cache = tmp_path / "cache"
    build(project, cache)
    project.edit("binder/glossar.yml", "langform: Kommunaler Präventionsrat", "langform: Kommunaler Rat für Prävention")
    build(project, cache)
    rendered = json.loads((cache / "pdf-stats.json").read_text(encoding="utf-8"))["gerendert"]
    assert sorted(rendered) == ["bund:blatt-2-1.pdf", "sn:blatt-2-1.pdf"]
    html = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
    # Sheet 2.1 only: the same Markdown in bund and sn, converted once, or twice when both edition
    # workers reach it at the same moment; never the other 28 pages.
    assert html["markdown"]["umgewandelt"] in (1, 2), html
    assert "Kommunaler Rat für Prävention" in (project.site / "sn/02-gremiengruendung/blatt-2-1/index.html").read_text()


def test_only_the_editions_an_edit_touches_are_built_again(tmp_path: Path) -> None:
    """An edition whose inputs did not change is linked from its last output, not built; an edit
    of one state's sheet builds that state's edition, an edit of a general sheet or of a docs/
    page every edition that shows it. (Each warm result equals a cold build: the test above.)"""
    project = make_project(tmp_path)
    cache = tmp_path / "cache"

    def built() -> list[str]:
        build(project, cache, env={"LOSEBLATT_PDF": "0"})
        stats = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
        assert sorted([*stats["ausgaben"], *stats["wiederverwendet"]]) == ["bund", "sn"]
        # An edition not built again is taken finished (with manifest, packages, offline copy).
        assert stats["fertig_uebernommen"] == stats["wiederverwendet"]
        return sorted(stats["ausgaben"])

    assert built() == ["bund", "sn"]
    assert built() == []
    project.edit("binder/laender/sn/asskomm.md", "\n---\n", "\n---\nEin neuer erster Satz.\n\n")
    assert built() == ["sn"]
    assert "Ein neuer erster Satz." in (project.site / "sn").joinpath(*_asskomm_page(project)).read_text()
    project.edit("binder/02-gremiengruendung/blatt-1.md", "Text von Blatt 2.1.", "Ein anderer Text.")
    assert built() == ["bund", "sn"]
    project.edit("docs/impressum.md", "# Impressum", "# Impressum und Kontakt")
    assert built() == ["bund", "sn"]
    assert built() == []


def _asskomm_page(project: Project) -> tuple[str, ...]:
    result = project.check()
    sheet = next(s for s in result.editions["sn"].sheets if s.blatt == "1.51")  # asskomm.md
    return (*sheet.doc_path.removesuffix(".md").split("/"), "index.html")


def test_a_checklist_edit_redoes_its_sheet_and_its_registers_checklists_once_per_edition(tmp_path: Path) -> None:
    """Issue 16: a changed checklist item re-renders exactly the sheet's PDF and its register's
    checklist PDF, once in each edition that shows the sheet; nothing else is typeset."""
    project = make_project(tmp_path)
    cache = tmp_path / "cache"
    build(project, cache)
    project.edit(
        "binder/02-gremiengruendung/blatt-1.md", "Lagebilder zusammentragen", "Lagebilder der Polizei erbitten"
    )
    build(project, cache)
    rendered = json.loads((cache / "pdf-stats.json").read_text(encoding="utf-8"))["gerendert"]
    assert sorted(rendered) == [
        "bund:blatt-2-1.pdf",
        "bund:checklisten-register-2.pdf",
        "sn:blatt-2-1.pdf",
        "sn:checklisten-register-2.pdf",
    ]
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(project.site / "sn/pdf/checklisten-register-2.pdf").pages)
    assert "Lagebilder der Polizei erbitten" in text and "Lagebilder zusammentragen" not in text


def test_a_kept_file_written_in_place_is_never_published_again(tmp_path: Path) -> None:
    """The kept editions are hard links of the published site. A published page written in place
    (by hand, by a tool) changes the kept file too: the next build notices by the file's size and
    time and builds the edition instead of bringing the change back."""
    project = make_project(tmp_path)
    cache = tmp_path / "cache"
    first = build(project, cache)
    page = project.site / "bund" / "01-grundlagen" / "blatt-1-1" / "index.html"
    with page.open("r+b") as f:
        f.write(b"<!-- von Hand -->")
    again = build(project, cache)
    assert differences(again, first) == []
    stats = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
    assert "bund" in stats["ausgaben"] and "bund" not in stats["wiederverwendet"], stats
    assert "sn" in stats["wiederverwendet"], stats
