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
from pathlib import Path
from loseblatt.core import pipeline
from loseblatt.core.history import edition_history
from loseblatt.mkdocs_adapter.edition_outputs import edition_key
from loseblatt.mkdocs_adapter.edition_site import EditionAssignment

result = pipeline.check(sys.argv[1], sys.argv[2])
for code, ed in sorted(result.editions.items()):
    history = edition_history(ed, result.snapshots, result.withdrawals)
    job = EditionAssignment(ed, "https://beispiel.invalid/kbv/" + code + "/", False, history, {}, False, "1790000000")
    print(code, edition_key(job, {"strict": False}, "site_name: x", [("docs/index.md", "abc")], Path(sys.argv[2])))
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
        return edition_key(assignment, {"strict": False}, config, [], FIXTURES.parent)

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


def test_the_project_files_in_a_key_leave_out_every_folder_a_build_published_to(tmp_path):
    """Under `mkdocs serve` the site is built elsewhere, but the project's site folder of the last
    `mkdocs build` is still there: it is output, not something a worker reads."""
    from loseblatt.mkdocs_adapter.edition_outputs import project_files
    from loseblatt.publish import Publisher

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "extra.css").write_text("a { color: red }")
    (tmp_path / "binder").mkdir()
    for name in ("site", "anderswo"):
        (tmp_path / name / "sn").mkdir(parents=True)
        (tmp_path / name / "sn" / "index.html").write_text("<p>alt</p>")
    publisher = Publisher(tmp_path / "site")  # what every build does: its lock lies beside site/
    publisher.discard()

    def listed() -> dict[str, str]:
        return dict(project_files(tmp_path, tmp_path / "binder", []))

    before = listed()
    assert "docs/extra.css" in before and "anderswo/sn/index.html" in before
    assert not any(path.startswith("site/") for path in before)
    (tmp_path / "site" / "sn" / "index.html").write_text("<p>neu</p>")
    assert listed() == before
    (tmp_path / "docs" / "extra.css").write_text("a { color: blue }")
    assert listed()["docs/extra.css"] != before["docs/extra.css"]


def _sn_job(project, cache, out, site_key: str, site_url: str | None = None):
    """The job a worker gets for the sn edition as the project reads now, built into out/sn."""
    from loseblatt.core.history import edition_history
    from loseblatt.mkdocs_adapter.edition_site import EditionAssignment
    from loseblatt.mkdocs_adapter.editions import EditionJob
    from loseblatt.mkdocs_adapter.finishing import Finishing

    result = project.check()
    ed = result.editions["sn"]
    history = edition_history(ed, result.snapshots, result.withdrawals)
    return EditionJob(
        config_file=str(project.path / "mkdocs.yml"),
        site_dir=str(out / "sn"),
        strict=False,
        use_directory_urls=True,
        assignment=EditionAssignment(ed, site_url, False, history, history.pages, False, "1790000000"),
        finishing=Finishing(
            cache_dir=str(cache),
            pdf_dir=str(out / ".pdf" / "sn"),
            pdfs=None,
            binder=result.binder,
            snapshots=result.snapshots,
            withdrawals=result.withdrawals,
            epoch=1790000000,
            site_key=site_key,
            finished_key=f"{site_key}-fertig",
        ),
    )


def _in_project(project, cache, monkeypatch) -> None:
    for key, value in {"NO_MKDOCS_2_WARNING": "1", "LOSEBLATT_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1"}.items():
        monkeypatch.setenv(key, value)  # restored afterwards, also what the build sets
    monkeypatch.chdir(project.path)


def test_a_worker_finishes_and_keeps_the_edition_it_built(project, tmp_path, monkeypatch):
    """The worker that built an edition also finishes it (finishing.py) and keeps both stages:
    MkDocs' output as MkDocs left it, and the finished edition whole."""
    from loseblatt.mkdocs_adapter.edition_outputs import FINISHED, EditionOutputs
    from loseblatt.mkdocs_adapter.editions import build_edition

    cache = tmp_path / "cache"
    _in_project(project, cache, monkeypatch)
    site = tmp_path / "out" / "sn"
    built = build_edition(_sn_job(project, cache, tmp_path / "out", "schluessel-site"))
    assert built.ok and built.finish_seconds > 0
    finished = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"index.html", "manifest.json", "offline.zip", "pakete/index.json"} <= finished
    kept = EditionOutputs(cache / "ausgaben")
    mkdocs_only = tmp_path / "nur-mkdocs"
    assert kept.restore("sn", "schluessel-site", mkdocs_only)
    assert (mkdocs_only / "index.html").is_file()
    assert not (mkdocs_only / "offline.zip").exists() and not (mkdocs_only / "manifest.json").exists()
    whole = tmp_path / "fertig"
    assert kept.restore("sn", "schluessel-site-fertig", whole, FINISHED)
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
    assert not kept.restore("sn", "schluessel-site-fertig", tmp_path / "nicht-mehr", FINISHED)
    assert not (tmp_path / "nicht-mehr").exists()


def test_finishing_writes_new_files_where_the_edition_holds_links(project, tmp_path, monkeypatch):
    """Finishing writes every file anew (caching.write_new): an edition's folder may hold hard
    links to its kept output, and writing through one would change what is kept."""
    from loseblatt.mkdocs_adapter.editions import build_edition
    from loseblatt.mkdocs_adapter.finishing import finish_edition

    cache = tmp_path / "cache"
    _in_project(project, cache, monkeypatch)
    job = _sn_job(project, cache, tmp_path / "out", "schluessel-site")
    assert build_edition(job).ok
    site, kept = tmp_path / "out" / "sn", tmp_path / "behalten"
    names = ["manifest.json", "offline.zip", "index.html", "pakete/index.json"]  # the fixture has no delivery
    for name in names:
        (kept / name).parent.mkdir(parents=True, exist_ok=True)
        (kept / name).write_bytes((site / name).read_bytes() if name == "index.html" else b"alt")
        (site / name).unlink()
        os.link(kept / name, site / name)
    before = {name: (kept / name).read_bytes() for name in names}
    finish_edition(job.assignment.edition, site, job.finishing)
    assert {name: (kept / name).read_bytes() for name in names} == before
    assert all(os.stat(site / name).st_nlink == 1 and (site / name).read_bytes() != b"alt" for name in names)
    assert "Ausgabe zum Mitnehmen (ZIP, " in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_rebuild_links_the_pages_whose_key_did_not_change_from_the_last_output(project, tmp_path, monkeypatch):
    """After an edit, a page that reads as before is linked from the edition's last output
    (page_cache.KeptPages): not read from the cache, not written, the same file. The edited
    page is written anew, and the edition has the bytes of a build without any cache."""
    from loseblatt.mkdocs_adapter.editions import build_edition

    def files(root):
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}

    cache = tmp_path / "cache"
    _in_project(project, cache, monkeypatch)
    attachment = project.path / "docs" / "anhang" / "plan.txt"
    attachment.parent.mkdir()
    attachment.write_text("Plan, Fassung A", encoding="utf-8")
    first = build_edition(_sn_job(project, cache, tmp_path / "eins", "k1"))
    assert first.ok and first.render_stats["seiten_verlinkt"] == first.render_stats["dateien_verlinkt"] == 0
    before = files(tmp_path / "eins" / "sn")
    project.edit("binder/02-gremiengruendung/blatt-2.md", "Text von Blatt 2.2.", "Text von Blatt 2.2, neu gefasst.")
    # A static file with other bytes but the size and time it had: not linked (keyed by bytes).
    state = attachment.stat()
    attachment.write_text("Plan, Fassung B", encoding="utf-8")
    os.utime(attachment, ns=(state.st_atime_ns, state.st_mtime_ns))
    second = build_edition(_sn_job(project, cache, tmp_path / "zwei", "k2"))
    assert second.ok
    after = files(tmp_path / "zwei" / "sn")
    assert after["anhang/plan.txt"].read_text(encoding="utf-8") == "Plan, Fassung B"
    assert not after["anhang/plan.txt"].samefile(before["anhang/plan.txt"])
    edited = "02-gremiengruendung/blatt-2-2/index.html"
    assert "neu gefasst" in after[edited].read_text(encoding="utf-8")
    assert not after[edited].samefile(before[edited])
    linked = {rel for rel, path in after.items() if rel in before and path.samefile(before[rel])}
    pages = {rel for rel in after if rel.endswith(".html")}
    # Linked too: the start page, which finishing then replaces (the offline copy's size).
    assert "index.html" not in linked
    assert second.render_stats["seiten_verlinkt"] == len(linked & pages) + 1 > len(pages) / 2
    assert second.render_stats["seiten_neu"] == ["sn/02-gremiengruendung/blatt-2-2.md"]
    assert edited not in linked
    # Static files with the same bytes are linked too, not copied again: the theme's and our
    # assets, fonts, the search worker, template files.
    static = linked - pages
    assert {"assets/loseblatt/loseblatt.css", "assets/loseblatt/fonts/Lato-Regular.ttf"} <= static
    assert any(rel.startswith("assets/javascripts/bundle.") for rel in static)
    assert second.render_stats["dateien_verlinkt"] == len(static) > 20
    # The same edition built without any cache, in another folder: the same bytes.
    _in_project(project, tmp_path / "kalt", monkeypatch)
    cold = build_edition(_sn_job(project, tmp_path / "kalt", tmp_path / "drei", "k3"))
    assert cold.ok and cold.render_stats["seiten_verlinkt"] == 0
    assert {rel: p.read_bytes() for rel, p in files(tmp_path / "drei" / "sn").items()} == {
        rel: p.read_bytes() for rel, p in after.items()
    }
    # A kept page that something rewrote is not linked, whatever the listing says.
    _in_project(project, cache, monkeypatch)
    damaged = "01-grundlagen/blatt-1-1/index.html"
    (cache / "ausgaben" / "sn" / "site" / damaged).write_bytes(b"verdorben")
    again = build_edition(_sn_job(project, cache, tmp_path / "fuenf", "k5"))
    # Every page reads as before: all are linked (the edited one from the second build) but that one.
    assert again.ok and again.render_stats["seiten_verlinkt"] == again.render_stats["seiten_aus_cache"] - 1
    assert (tmp_path / "fuenf" / "sn" / damaged).read_bytes() == (tmp_path / "drei" / "sn" / damaged).read_bytes()
    # Another address fills the pages otherwise: nothing is linked.
    moved = build_edition(_sn_job(project, cache, tmp_path / "vier", "k4", site_url="https://example.org/sn/"))
    assert moved.ok and moved.render_stats["seiten_verlinkt"] == 0


@pytest.mark.slow
def test_an_edition_built_or_restored_in_the_folders_of_its_last_site_reads_as_built_from_nothing(
    project, tmp_path, monkeypatch
):
    """Under serve the editions' folders of a replaced site are kept (skeletons.py) and the next
    build writes into them: the same folders, and the bytes and folders of a build without."""
    from loseblatt import skeletons
    from loseblatt.mkdocs_adapter.edition_outputs import FINISHED, EditionOutputs
    from loseblatt.mkdocs_adapter.editions import build_edition

    def tree(root):
        found = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))}
        files = {rel: p.read_bytes() for rel, p in found.items() if p.is_file()}
        return files, {rel for rel, p in found.items() if p.is_dir()}

    cache, root = tmp_path / "cache", tmp_path / "geruest"
    _in_project(project, cache, monkeypatch)
    assert build_edition(_sn_job(project, cache, tmp_path / "eins", "k1")).ok
    skeletons.keep(tmp_path / "eins", ["sn"], root)
    assert not [p for p in root.rglob("*") if not p.is_dir()]  # kept empty
    register = root / "sn" / "01-grundlagen"
    folder = register.stat().st_ino
    # What an interrupted run might leave: a file, and folders no page of the edition has.
    (register / "blatt-1-1" / "alt.html").write_text("alt")
    (root / "sn" / "weg" / "tief").mkdir(parents=True)

    project.edit("binder/02-gremiengruendung/blatt-2.md", "Text von Blatt 2.2.", "Text von Blatt 2.2, neu gefasst.")
    assert skeletons.place(root, "sn", tmp_path / "zwei" / "sn")
    assert build_edition(_sn_job(project, cache, tmp_path / "zwei", "k2")).ok
    built = tmp_path / "zwei" / "sn"
    assert (built / "01-grundlagen").stat().st_ino == folder  # the folder was not made again
    files, folders = tree(built)
    assert "neu gefasst" in files["02-gremiengruendung/blatt-2-2/index.html"].decode("utf-8")

    _in_project(project, tmp_path / "kalt", monkeypatch)
    assert build_edition(_sn_job(project, tmp_path / "kalt", tmp_path / "drei", "k3")).ok
    assert tree(tmp_path / "drei" / "sn") == (files, folders)

    # An edition taken whole from the last build goes into the skeleton of its site as well.
    skeletons.keep(tmp_path / "zwei", ["sn"], root)
    folder = (root / "sn" / "01-grundlagen").stat().st_ino
    assert skeletons.place(root, "sn", tmp_path / "vier" / "sn")
    assert EditionOutputs(cache / "ausgaben").restore("sn", "k2-fertig", tmp_path / "vier" / "sn", FINISHED)
    assert (tmp_path / "vier" / "sn" / "01-grundlagen").stat().st_ino == folder
    assert tree(tmp_path / "vier" / "sn") == (files, folders)


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


def test_a_skeleton_placed_for_a_build_that_did_not_run_is_kept_as_it_was(tmp_path):
    """A superseded serve rebuild skips an edition whose skeleton it had already placed
    (coordinator.py): keeping that folder gives back the skeleton itself, not a skeleton nested
    in an empty edition folder, which the next build could not use."""
    from loseblatt import skeletons

    site, root = tmp_path / "site", tmp_path / "geruest"
    (site / "sn" / "01-grundlagen" / "blatt-1-1").mkdir(parents=True)
    (site / "sn" / "01-grundlagen" / "blatt-1-1" / "index.html").write_text("x")
    skeletons.keep(site, ["sn"], root)
    folder = (root / "sn" / "01-grundlagen").stat().st_ino
    production = tmp_path / "ausgaben"
    assert skeletons.place(root, "sn", production / "sn")  # placed, then the job was skipped
    skeletons.keep(production, ["sn"], root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "sn",
        "sn/01-grundlagen",
        "sn/01-grundlagen/blatt-1-1",
    ]
    assert (root / "sn" / "01-grundlagen").stat().st_ino == folder


@pytest.mark.slow
def test_an_edition_build_a_newer_serve_rebuild_supersedes_stops_at_its_next_page(
    project, tmp_path, monkeypatch, caplog
):
    """Under serve, a late edition still being built when the next rebuild begins stops at its
    next page instead of holding its worker for the whole build (1.5 s at 1,000 sheets), while
    the new rebuild's shown edition waits for a worker. It comes back as not built and not
    finished, MkDocs' error for the page it stopped at is not shown, and its folders make a
    skeleton from which the next build comes out as a cold build does."""
    import logging

    from loseblatt import skeletons
    from loseblatt.mkdocs_adapter import edition_site
    from loseblatt.mkdocs_adapter.editions import build_edition
    from test_cache_correctness import differences, site_files

    cache = tmp_path / "cache"
    _in_project(project, cache, monkeypatch)
    (tmp_path / "out").mkdir()
    stop = tmp_path / "out" / ".ueberholt"
    job = dataclasses.replace(_sn_job(project, cache, tmp_path / "out", "k1"), stop_file=str(stop))
    site = tmp_path / "out" / "sn"
    checks, written = [], []
    check = edition_site.EditionSite.stop_if_superseded

    def newer_rebuild_once_pages_are_written(edition) -> None:
        checks.append(edition)
        if not written and site.is_dir() and len(list(site.rglob("index.html"))) >= 3:
            written.append(len(checks))
            stop.touch()  # what ServeSession.supersede does
        check(edition)

    monkeypatch.setattr(edition_site.EditionSite, "stop_if_superseded", newer_rebuild_once_pages_are_written)
    caplog.set_level(logging.WARNING)
    stopped = build_edition(job)
    assert stopped.ok and stopped.skipped and stopped.code == "sn"
    # At the page the newer rebuild began, not at the end of the build.
    assert written and len(checks) == written[0]
    assert len(list(site.rglob("index.html"))) < len(job.edition.sheets)
    assert not (site / "offline.zip").exists() and not (site / "manifest.json").exists()  # not finished
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

    monkeypatch.setattr(edition_site.EditionSite, "stop_if_superseded", check)
    skeletons.keep(tmp_path / "out", ["sn"], tmp_path / "geruest")
    assert any((tmp_path / "geruest" / "sn").iterdir())
    assert skeletons.place(tmp_path / "geruest", "sn", tmp_path / "zwei" / "sn")
    stop.unlink()  # the next rebuild's own
    again = build_edition(dataclasses.replace(job, site_dir=str(tmp_path / "zwei" / "sn")))
    assert again.ok and not again.skipped
    cold = build_edition(_sn_job(project, tmp_path / "kalt", tmp_path / "drei", "k3"))
    assert cold.ok
    assert differences(site_files(tmp_path / "zwei" / "sn"), site_files(tmp_path / "drei" / "sn")) == []
