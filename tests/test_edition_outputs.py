"""The key of a finished edition (mkdocs_adapter/edition_outputs.py): the same inputs give the
same key in every process, whatever its hash seed (else a no-op build would rebuild every
edition), and any change to what the edition shows gives another key."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT

KEYS = """
import sys
from loseblatt.core import pipeline
from loseblatt.core.history import edition_history
from loseblatt.mkdocs_adapter.edition_outputs import edition_key
from loseblatt.mkdocs_adapter.edition_site import EditionAssignment

result = pipeline.check(sys.argv[1], sys.argv[2])
for code, ed in sorted(result.editions.items()):
    history = edition_history(ed, result.snapshots, result.withdrawals)
    job = EditionAssignment(ed, "https://beispiel.invalid/kbv/" + code + "/", False, history, {}, False, "1790000000")
    print(code, edition_key(job, {"strict": False}, "site_name: x", [("docs/index.md", "abc")]))
"""


def keys(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", KEYS, str(FIXTURES / "binder"), str(FIXTURES.parent)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split() for line in out.splitlines())


def test_an_editions_key_is_the_same_in_every_process():
    first, second = keys("1"), keys("2")
    assert set(first) >= {"bund", "sn"} and all(len(k) == 64 for k in first.values())
    assert first == second
    assert len(set(first.values())) == len(first)  # each edition its own key


def test_any_change_to_what_an_edition_shows_is_another_key():
    from loseblatt.core import pipeline
    from loseblatt.mkdocs_adapter.edition_outputs import edition_key
    from loseblatt.mkdocs_adapter.edition_site import EditionAssignment

    ed = pipeline.check(FIXTURES / "binder", FIXTURES.parent).editions["sn"]
    job = EditionAssignment(ed, "https://beispiel.invalid/kbv/sn/", epoch="1790000000")

    def key(assignment: EditionAssignment, config: str = "site_name: x") -> str | None:
        return edition_key(assignment, {"strict": False}, config, [])

    base = key(job)
    assert base is not None and key(job) == base
    # The order of work is not part of the output.
    assert key(dataclasses.replace(job, backwards=True)) == base
    # Nor what was worked out from the edition on the way.
    ed.targets()
    assert key(job) == base
    register = ed.registers[0]
    sheet = register.sheets[0]
    edited = dataclasses.replace(sheet, markdown=sheet.markdown + "\nEin Satz mehr.\n")
    registers = [dataclasses.replace(register, sheets=[edited, *register.sheets[1:]]), *ed.registers[1:]]
    changed = [
        dataclasses.replace(job, edition=dataclasses.replace(ed, registers=registers)),
        dataclasses.replace(job, site_url="https://beispiel.invalid/andere/sn/"),
        dataclasses.replace(job, pdf=True),
        dataclasses.replace(job, page_counts={sheet.blatt: 3}),
        dataclasses.replace(job, epoch="1790000001"),
    ]
    found = [key(j) for j in changed] + [key(job, "site_name: y")]
    assert None not in found and base not in found and len(set(found)) == len(found)


@pytest.mark.slow
def test_a_worker_finishes_and_keeps_the_edition_it_built(project, tmp_path, monkeypatch):
    """The worker that built an edition also finishes it (finishing.py) and keeps both stages:
    MkDocs' output as MkDocs left it, and the finished edition whole."""
    from loseblatt.core.history import edition_history
    from loseblatt.mkdocs_adapter.edition_outputs import FINISHED, EditionOutputs
    from loseblatt.mkdocs_adapter.edition_site import EditionAssignment
    from loseblatt.mkdocs_adapter.editions import EditionJob, build_edition
    from loseblatt.mkdocs_adapter.finishing import Finishing

    cache = tmp_path / "cache"
    for key, value in {"NO_MKDOCS_2_WARNING": "1", "LOSEBLATT_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1"}.items():
        monkeypatch.setenv(key, value)  # restored afterwards, also what the build sets
    monkeypatch.chdir(project.path)
    result = project.check()
    ed = result.editions["sn"]
    history = edition_history(ed, result.snapshots, result.withdrawals)
    site = tmp_path / "out" / "sn"
    job = EditionJob(
        config_file=str(project.path / "mkdocs.yml"),
        site_dir=str(site),
        strict=False,
        use_directory_urls=True,
        assignment=EditionAssignment(ed, None, False, history, history.pages, False, "1790000000"),
        finishing=Finishing(
            cache_dir=str(cache),
            pdf_dir=str(tmp_path / "out" / ".pdf" / "sn"),
            pdfs=None,
            binder=result.binder,
            snapshots=result.snapshots,
            withdrawals=result.withdrawals,
            epoch=1790000000,
            site_key="schluessel-site",
            finished_key="schluessel-fertig",
        ),
    )
    built = build_edition(job)
    assert built.ok and built.finish_seconds > 0
    finished = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"index.html", "manifest.json", "offline.zip", "pakete/index.json"} <= finished
    kept = EditionOutputs(cache / "ausgaben")
    mkdocs_only = tmp_path / "nur-mkdocs"
    assert kept.restore("sn", "schluessel-site", mkdocs_only)
    assert (mkdocs_only / "index.html").is_file()
    assert not (mkdocs_only / "offline.zip").exists() and not (mkdocs_only / "manifest.json").exists()
    whole = tmp_path / "fertig"
    assert kept.restore("sn", "schluessel-fertig", whole, FINISHED)
    assert {p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file()} == finished
    assert (whole / "offline.zip").read_bytes() == (site / "offline.zip").read_bytes()
    assert not kept.restore("sn", "anderer-schluessel", tmp_path / "nichts", FINISHED)
    # The finished edition is kept as what finishing added or replaced, on top of MkDocs' output
    # (a second whole tree of links cost as much as the first): the pages are not in it twice.
    on_top = {p.relative_to(cache / "ausgaben/sn/fertig").as_posix() for p in (cache / "ausgaben/sn/fertig").rglob("*")}
    assert {"manifest.json", "offline.zip", "index.html", "pakete/index.json"} <= on_top
    assert "02-gremiengruendung/blatt-2-3/index.html" not in on_top and len(on_top) < len(finished) / 4
    # A new MkDocs output takes the finished edition that lay on top of the old one with it.
    kept.store("sn", "neue-site", mkdocs_only)
    assert not kept.restore("sn", "schluessel-fertig", tmp_path / "nicht-mehr", FINISHED)
    assert not (tmp_path / "nicht-mehr").exists()


def test_a_kept_edition_is_replaced_by_links_in_its_folders_and_never_written_in_place(tmp_path):
    from loseblatt.mkdocs_adapter.edition_outputs import EditionOutputs

    def tree(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    def write(root, files):
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)

    kept = EditionOutputs(tmp_path / "ausgaben")
    first, second = tmp_path / "erster", tmp_path / "zweiter"
    write(first, {"index.html": b"alt", "a/index.html": b"a", "weg/index.html": b"weg", "b": b"Datei"})
    kept.store("sn", "k1", first)
    stored = tmp_path / "ausgaben" / "sn" / "site"
    published = tmp_path / "veroeffentlicht"
    assert kept.restore("sn", "k1", published)  # a published site links the kept files
    folder_before = (stored / "a").stat().st_ino
    (stored / ".index.html.neu").write_bytes(b"Rest eines abgebrochenen Laufs")

    write(second, {"index.html": b"neu", "a/index.html": b"a2", "b/index.html": b"jetzt ein Ordner", "c.txt": b"c"})
    kept.store("sn", "k2", second)
    assert tree(stored) == tree(second)
    assert (stored / "a").stat().st_ino == folder_before  # the folder was reused
    assert (stored / "index.html").stat().st_ino == (second / "index.html").stat().st_ino  # a link, no copy
    # What was published from the old copy keeps its bytes: nothing was written in place.
    assert tree(published) == {"index.html": b"alt", "a/index.html": b"a", "weg/index.html": b"weg", "b": b"Datei"}
    assert not kept.restore("sn", "k1", tmp_path / "x") and kept.restore("sn", "k2", tmp_path / "y")
    assert tree(tmp_path / "y") == tree(second)
