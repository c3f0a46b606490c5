"""Edition packages: the state edition as delivered, for municipal binders (core/package.py)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from loseblatt.core.deliveries import FOLDER, record
from loseblatt.core.package import (
    CHECKSUMS,
    FORMAT_VERSION,
    META,
    PackageError,
    package_files,
    read_package,
    write_packages,
    zip_bytes,
)

SHEET = "binder/02-gremiengruendung/blatt-3.md"


def record_delivery(project, name: str, datum: str):
    """What `loseblatt lieferung` writes, without page counts (no PDFs in the fast tests)."""
    result = project.check()
    assert not result.problems, [p.format() for p in result.problems]
    data = record(name, datum, result.binder, result.editions, {})
    target = project.binder / FOLDER / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return project.check()


def change_2_3(project) -> None:
    text = (project.path / SHEET).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    lines = [ln for ln in head.split("\n") if not ln.startswith(("fassung:", "stand:", "aenderung:", "grund:"))]
    head = "\n".join(lines) + "\nfassung: 9\nstand: 2027-02\naenderung: inhaltlich\ngrund: Beschlussfähigkeit ergänzt"
    (project.path / SHEET).write_text(head + "\n---\n" + body + "\nNeu: Beschlussfähig ab der Hälfte.\n")


def test_package_holds_the_edition_as_delivered(project, tmp_path):
    result = record_delivery(project, "2026-1", "2026-11-20")
    change_2_3(project)
    result = record_delivery(project, "2027-1", "2027-02-10")
    ed = result.editions["sn"]
    out = tmp_path / "sn"
    written = write_packages(ed, result.binder, result.snapshots, result.withdrawals, out)
    names = sorted(p.name for p in written)
    assert names == ["2026-1.zip", "2027-1.zip", "aktuell.zip", "index.json"]
    newest = (out / "pakete" / "aktuell.zip").read_bytes()
    assert newest == (out / "pakete" / "2027-1.zip").read_bytes()
    index = json.loads((out / "pakete" / "index.json").read_text())
    assert index["aktuell"] == "2027-1" and [p["lieferung"] for p in index["pakete"]] == ["2026-1", "2027-1"]
    pkg = read_package(newest)
    assert pkg.sha256 == index["pakete"][1]["sha256"]
    assert pkg.meta["format_version"] == FORMAT_VERSION and pkg.code == "sn" and pkg.delivery == "2027-1"
    s = pkg.sheet("2.3")
    assert s is not None and s.fassung == 9 and s.grund == "Beschlussfähigkeit ergänzt"
    assert "Hinweise für Sachsen" in s.markdown and "Beschlussfähig ab der Hälfte" in s.markdown
    assert s.marked is not None and "%%% geaendert" in s.marked  # revision marks against 2026-1
    assert [c.title for c in s.checklists] == ["Sächsische Schritte"]
    assert s.sha256 == ed.sheet("2.3").sha256
    assert [h[0] for h in pkg.history] == ["2026-1", "2027-1"]
    old = read_package((out / "pakete" / "2026-1.zip").read_bytes())
    assert "Beschlussfähig ab der Hälfte" not in old.sheet("2.3").markdown
    assert old.sheet("2.3").marked is None
    # The state's variables are filled in; its own sheets are there.
    assert {x.blatt for x in pkg.sheets} == {x.blatt for x in ed.sheets}
    assert pkg.registers[0].markdown.strip()


def test_package_bytes_are_reproducible(project, tmp_path):
    result = record_delivery(project, "2026-1", "2026-11-20")
    ed = result.editions["sn"]
    a = zip_bytes(package_files(ed, result.binder, result.snapshots, result.withdrawals, "2026-1"))
    b = zip_bytes(package_files(ed, result.binder, result.snapshots, result.withdrawals, "2026-1"))
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert str(project.path) not in zf.read(META).decode()


def test_kept_package_zips_are_the_same_bytes_and_follow_their_contents(project, tmp_path, monkeypatch):
    """write_packages with a cache writes what it writes without one; a later build compresses
    only the packages whose contents changed."""
    from loseblatt.caching import CacheFolder
    from loseblatt.core import package

    record_delivery(project, "2026-1", "2026-11-20")
    change_2_3(project)
    result = record_delivery(project, "2027-1", "2027-02-10")
    ed = result.editions["sn"]
    args = (ed, result.binder, result.snapshots, result.withdrawals)
    write_packages(*args, tmp_path / "ohne")
    zips = CacheFolder(tmp_path / "pakete")
    write_packages(*args, tmp_path / "mit", zips)
    calls = []
    monkeypatch.setattr(package, "zip_bytes", lambda files: calls.append(1) or zip_bytes(files))
    write_packages(*args, tmp_path / "wieder", zips)
    assert calls == []  # both deliveries' zips from the cache
    for name in ("2026-1.zip", "2027-1.zip", "aktuell.zip", "index.json"):
        ohne = (tmp_path / "ohne" / "pakete" / name).read_bytes()
        assert (tmp_path / "mit" / "pakete" / name).read_bytes() == ohne
        assert (tmp_path / "wieder" / "pakete" / name).read_bytes() == ohne
    # Packages carry the working copy's keywords: a change there makes both anew, nothing else.
    sheet = project.path / SHEET
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("\n---\n", "\nschlagworte: [Neu]\n---\n", 1))
    result = project.check()
    assert not result.problems
    write_packages(result.editions["sn"], result.binder, result.snapshots, result.withdrawals, tmp_path / "neu", zips)
    assert len(calls) == 2
    assert read_package((tmp_path / "neu" / "pakete" / "aktuell.zip").read_bytes()).sheet("2.3").schlagworte == ["Neu"]


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    return zip_bytes(files)


def test_damaged_packages_are_refused_in_german(project):
    result = record_delivery(project, "2026-1", "2026-11-20")
    ed = result.editions["sn"]
    good = zip_bytes(package_files(ed, result.binder, result.snapshots, result.withdrawals, "2026-1"))

    def tamper(files):
        files["blaetter/2-3.md"] = b"anders"

    with pytest.raises(PackageError, match=r"Prüfsumme von „blaetter/2-3\.md“ stimmt nicht"):
        read_package(_rezip(good, tamper))

    def newer(files):
        meta = json.loads(files[META])
        meta["format_version"] = FORMAT_VERSION + 1
        files[META] = json.dumps(meta).encode()
        files[CHECKSUMS] = b""

    with pytest.raises(PackageError, match="Prüfsumme"):
        read_package(_rezip(good, newer))
    with pytest.raises(PackageError, match="keine lesbare Zip-Datei"):
        read_package(b"kein zip")


@pytest.mark.slow  # builds the site
def test_build_publishes_the_package_index(built):
    for code in ("bund", "sn"):
        index = json.loads((built.site / code / "pakete" / "index.json").read_text())
        assert index["ausgabe"] == code and index["pakete"] == [] and index["aktuell"] is None


@pytest.mark.slow  # three deliveries of the fixture binder: six checks
def test_register_sheets_in_a_package_carry_the_fassung_the_delivery_printed(project):
    """A new sheet in a register makes a new Fassung of its register sheet (core/derived.py); the
    package says so, so a municipal binder built on it prints the same Fassung (issue 17, req. 4)."""
    project.write(
        "binder/08-landesstrategie/register.md",
        "---\nregister: 8\ntitel: Landesstrategie\nfassung: 1\nstand: 2026-11\n---\nWas das Land anbietet.\n",
    )
    project.write(
        "binder/laender/sn/allianz.md",
        '---\nblatt: "8.51"\ntitel: Die Allianz\nfassung: 1\nstand: 2026-11\n---\nText von Blatt 8.51.\n',
    )
    record_delivery(project, "2026-1", "2026-11-20")
    project.write(
        "binder/laender/sn/allianz-kommunen.md",
        '---\nblatt: "8.52"\ntitel: Die ersten Kommunen\nfassung: 1\nstand: 2027-01\n---\nText von Blatt 8.52.\n',
    )
    result = record_delivery(project, "2027-1", "2027-01-15")
    ed = result.editions["sn"]

    def register_8(delivery):
        files = package_files(ed, result.binder, result.snapshots, result.withdrawals, delivery)
        meta = json.loads(files[META])
        return next((r["fassung"], r["stand"]) for r in meta["register"] if r["nummer"] == 8)

    assert register_8("2026-1") == (1, "2026-11")
    # register.md still says «fassung: 1»; the printed register sheet of 2027-1 lists 8.52.
    assert register_8("2027-1") == (2, "2027-01")
    assert next(r for r in ed.registers if r.register.number == 8).fassung == 2


def test_the_binder_the_edition_workers_get_makes_the_same_packages(project):
    """Edition workers get the binder without its sheets (finishing.for_finishing): every
    package file of every delivery is the same as from the whole binder."""
    from loseblatt.mkdocs_adapter.finishing import for_finishing

    record_delivery(project, "2026-1", "2026-11-01")
    change_2_3(project)
    result = record_delivery(project, "2027-1", "2027-02-01")
    assert len(result.snapshots) == 2
    slim = for_finishing(result.binder)
    assert not slim.base_sheets and not slim.state_sheets
    for code, ed in result.editions.items():
        for snap in [s for s in result.snapshots if code in s.editions]:
            whole = package_files(ed, result.binder, result.snapshots, result.withdrawals, snap.name)
            assert package_files(ed, slim, result.snapshots, result.withdrawals, snap.name) == whole
