"""A `mkdocs serve` session keeps what it worked out from one rebuild to the next (on the plugin
instance): the check's results for texts that did not change and the edition worker processes.
What it serves after each edit is the same, byte for byte, as a cold build of the same binder.

The session is driven in this process the way MkDocs' serve drives it: on_startup("serve")
once, then for every rebuild a freshly loaded configuration (MkDocs hands it the same plugin
instance) and a build, then on_shutdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import zipfile

import pytest
from conftest import make_project
from test_cache_correctness import differences, site_files

SHEET = "binder/02-gremiengruendung/blatt-3.md"


@pytest.mark.slow
def test_a_serve_session_rebuilds_what_an_edit_touches_and_serves_a_cold_builds_bytes(tmp_path, monkeypatch):
    from loseblatt.core import assemble
    from loseblatt.mkdocs_adapter.plugin import LoseblattPlugin
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = make_project(tmp_path)
    served = tmp_path / "served"
    cache = tmp_path / "cache"
    env = {
        "NO_MKDOCS_2_WARNING": "1",
        "LOSEBLATT_PDF": "0",
        "LOSEBLATT_CACHE": str(cache),
        "SITE_URL": "https://beispiel.invalid/kbv/",
        "SOURCE_DATE_EPOCH": "1790000000",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("LOSEBLATT_AUSGABE", raising=False)
    monkeypatch.chdir(project.path)

    processed: list[str] = []
    original = assemble.run_stages

    def counting(text, inputs):
        processed.append(f"{inputs.edition}:{inputs.blatt}")
        return original(text, inputs)

    monkeypatch.setattr(assemble, "run_stages", counting)

    def config():
        return load_config(str(project.path / "mkdocs.yml"), site_dir=str(served))

    first = config()
    plugin = first.plugins["loseblatt"]
    assert isinstance(plugin, LoseblattPlugin)
    first.plugins.on_startup(command="serve", dirty=False)
    try:
        build(first)
        assert processed, "the first check processes every text"
        pids = sorted(plugin.session.workers._pool._processes)
        before = "Text von Blatt 2.3."
        page = served / "sn/02-gremiengruendung/blatt-2-3/index.html"
        for n in (1, 2):
            processed.clear()
            project.edit(SHEET, before, after := f"Text von Blatt 2.3, Änderung {n}.")
            cfg = config()
            assert cfg.plugins["loseblatt"] is plugin
            # While the rebuild runs, the browser still gets the last version of every page.
            seen, building = [], threading.Event()
            building.set()

            def read_page(seen=seen, building=building):
                while building.is_set():
                    try:
                        seen.append(page.read_text("utf-8"))
                    except OSError:
                        seen.append(None)

            reader = threading.Thread(target=read_page)
            reader.start()
            try:
                build(cfg)
            finally:
                building.clear()
                reader.join()
            assert len(seen) > 10 and None not in seen
            assert {before in text for text in seen} == {True, False}  # the old page, then the new
            before = after
            # Only the edited sheet's text went through the text stages again (once: both
            # editions read it alike).
            assert processed == ["bund:2.3"]
            stats = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
            assert stats["seiten"]["gerendert"] >= 2
            # Unchanged pages' converted Markdown came from the workers' memory, at least those
            # a worker built before (which worker builds which edition is not fixed).
            assert 0 < stats["markdown"]["aus_gedaechtnis"] <= stats["markdown"]["aus_cache"], stats["markdown"]
            # Static files read as before: linked from the last site and the editions' last
            # outputs, not copied again (the site still equals a cold build's, below).
            assert stats["startseite_dateien_verlinkt"] > 20
            assert stats["dateien_verlinkt"] > 2 * 20
            # The timeline has every step; those that follow one another are in that order
            # (the chooser is built beside the editions, in another thread).
            steps = stats["zeitleiste"]
            assert set(steps) == {
                "geprueft",
                "vorige_abgeschlossen",
                "arbeiter_beauftragt",
                "startseite_gebaut",
                "ausgaben_fertig",
                "herstellung_fertig",
                "veroeffentlicht",
            }
            assert steps["geprueft"] <= steps["vorige_abgeschlossen"] <= steps["arbeiter_beauftragt"]
            assert steps["geprueft"] <= steps["arbeiter_beauftragt"] <= steps["ausgaben_fertig"]
            assert steps["geprueft"] <= steps["startseite_gebaut"] <= steps["veroeffentlicht"]
            assert (
                steps["geprueft"] <= steps["ausgaben_fertig"] <= steps["herstellung_fertig"] <= steps["veroeffentlicht"]
            )
            assert {"bund/02-gremiengruendung/blatt-2-3.md", "sn/02-gremiengruendung/blatt-2-3.md"} <= set(
                stats["seiten_gerendert"]
            )
            # The same worker processes built the editions again.
            assert sorted(plugin.session.workers._pool._processes) == pids
            assert f"Änderung {n}." in (served / "sn/02-gremiengruendung/blatt-2-3/index.html").read_text("utf-8")
    finally:
        first.plugins.on_shutdown()
    assert plugin.session is None
    # Nothing of the rebuilds is left beside the served folder (staging, old sites, production).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".served")) == [".served.lock"]

    # A cold build of the same binder (fresh cache, subprocess) gives the same files.
    project.build(env={**env, "LOSEBLATT_CACHE": str(tmp_path / "kalt")})
    assert differences(site_files(served), site_files(project.site)) == []
    assert os.listdir(served)


@pytest.mark.slow
def test_a_rebuild_publishes_the_edition_a_browser_shows_first_and_the_others_after(tmp_path, monkeypatch):
    """Under serve the editions open in a browser are built first, and the browsers reload as soon
    as those are published; the others are swapped in afterwards, each whole at every moment, and
    the served site ends as a cold build's bytes. One worker, so the order is certain."""
    from loseblatt.mkdocs_adapter.viewers import Viewers
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = make_project(tmp_path)
    served = tmp_path / "served"
    cache = tmp_path / "cache"
    env = {
        "NO_MKDOCS_2_WARNING": "1",
        "LOSEBLATT_PDF": "0",
        "LOSEBLATT_CACHE": str(cache),
        "SITE_URL": "https://beispiel.invalid/kbv/",
        "SOURCE_DATE_EPOCH": "1790000000",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("LOSEBLATT_AUSGABE", raising=False)
    monkeypatch.chdir(project.path)

    def config():
        cfg = load_config(str(project.path / "mkdocs.yml"), site_dir=str(served))
        cfg.plugins["loseblatt"].config.parallel = 1
        return cfg

    first = config()
    plugin = first.plugins["loseblatt"]
    first.plugins.on_startup(command="serve", dirty=False)
    shown_page = served / "sn/02-gremiengruendung/blatt-2-3/index.html"
    other_page = served / "bund/02-gremiengruendung/blatt-2-3/index.html"
    try:
        build(first)
        # A browser shows a page of the Saxon edition (the request as the server passes it on).
        viewers = plugin.session.viewers = Viewers("/kbv/")
        viewers.wrap(lambda environ, start_response: [])(
            {"PATH_INFO": "/kbv/sn/02-gremiengruendung/blatt-2-3/"}, lambda *a: None
        )
        seen, reading, answering = [], threading.Event(), threading.Event()
        reading.set()

        def read_other():
            # What the server can hand out: MkDocs holds every request while a build runs
            # (serve_request waits for it), and answers again when the build returns.
            while reading.is_set():
                if not answering.wait(0.005):
                    continue
                try:
                    seen.append(other_page.read_text("utf-8"))
                except OSError:
                    seen.append(None)

        reader = threading.Thread(target=read_other)
        reader.start()
        try:
            project.edit(SHEET, "Text von Blatt 2.3.", "Text von Blatt 2.3, geändert.")
            build(config())  # returns when the browsers may reload
            answering.set()
            assert "Blatt 2.3, geändert." in shown_page.read_text("utf-8")
            stats = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
            assert stats["zuerst"] == ["sn"] and stats["spaeter"] == ["bund"]
            # The reader switches to the other edition at once: the request waits until that
            # edition is published, and the server then answers with its new version.
            answered: list[str] = []
            switch = threading.Thread(
                target=viewers.wrap(lambda environ, start_response: answered.append(other_page.read_text("utf-8"))),
                args=({"PATH_INFO": "/kbv/bund/02-gremiengruendung/blatt-2-3/"}, lambda *a: None),
            )
            switch.start()
            plugin.session.settle()  # what the next rebuild waits for: the late edition swapped in
            switch.join(30)
            assert len(answered) == 1 and "Blatt 2.3, geändert." in answered[0]
            assert viewers.held() == set()
        finally:
            reading.clear()
            reader.join()
        # Only the Saxon edition shown again, for the rebuilds below.
        viewers = plugin.session.viewers = Viewers("/kbv/")
        viewers.wrap(lambda environ, start_response: [])(
            {"PATH_INFO": "/kbv/sn/02-gremiengruendung/blatt-2-3/"}, lambda *a: None
        )
        # The other edition was whole at every moment the server answered: its last version
        # while it was still being built, then its new one (swapped in one step).
        assert len(seen) > 10 and None not in seen
        assert {"Blatt 2.3, geändert." in text for text in seen} == {True, False}
        assert "Blatt 2.3, geändert." in other_page.read_text("utf-8")
        stats = json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))
        steps = stats["zeitleiste"]
        assert steps["veroeffentlicht"] < steps["ausgaben_fertig"] <= steps["alle_veroeffentlicht"]
        # The shown edition's offline copy was made after the publish, with the edit in it, and
        # its finished state kept: a rebuild without a change takes both editions whole.
        assert stats["offline_danach"] == ["sn"]
        with zipfile.ZipFile(served / "sn" / "offline.zip") as archive:
            page = next(n for n in archive.namelist() if n.endswith("02-gremiengruendung/blatt-2-3/index.html"))
            assert "Blatt 2.3, geändert." in archive.read(page).decode("utf-8")
        assert "Ausgabe zum Mitnehmen (ZIP, " in (served / "sn" / "index.html").read_text("utf-8")
        build(config())
        plugin.session.settle()
        assert json.loads((cache / "build-stats.json").read_text(encoding="utf-8"))["fertig_uebernommen"] == [
            "bund",
            "sn",
        ]
        # An edit while the other edition is still being built: the next rebuild supersedes that
        # build (not swapped in, or not built at all) and builds the edition again itself.
        project.edit(SHEET, "Blatt 2.3, geändert.", "Blatt 2.3, zweimal geändert.")
        build(config())
        project.edit(SHEET, "Blatt 2.3, zweimal geändert.", "Blatt 2.3, dreimal geändert.")
        build(config())
        plugin.session.settle()
        for page in (shown_page, other_page):
            assert "Blatt 2.3, dreimal geändert." in page.read_text("utf-8")
    finally:
        first.plugins.on_shutdown()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".served")) == [".served.lock"]
    project.build(env={**env, "LOSEBLATT_CACHE": str(tmp_path / "kalt")})
    assert differences(site_files(served), site_files(project.site)) == []


def test_the_checks_memos_hold_what_the_last_check_used_and_nothing_older(project):
    """Each rebuild under serve checks the whole binder: the memory its memos hold must not grow
    with every edit (they used to keep every text ever seen, up to 8,192 per memo)."""
    from loseblatt.core import deliveries, pipeline
    from loseblatt.core.assemble import TextMemo
    from loseblatt.core.check_memo import _MEMOS, forget_unused

    # Start empty: checks by earlier tests in this process left entries that would spare this
    # first check some calls, which the edited text's check then makes.
    forget_unused()
    forget_unused()
    assert not any(m.table for m in _MEMOS)
    project.write("binder/glossar.yml", "- begriff: KKP\n  erklaerung: Kommunale Kriminalprävention.\n")
    memo = TextMemo()
    pipeline.check(project.binder, project.path, memo=memo)
    sizes = [len(m.table) for m in _MEMOS]
    texts, marks = len(memo.texts.entries), len(memo.marks.entries)
    # Every memo holds something, but that of the deliveries: the fixture has none.
    assert all(size for m, size in zip(_MEMOS, sizes, strict=True) if m is not deliveries._snapshot) and texts
    before = "Text von Blatt 2.3."
    for n in range(3):
        project.edit(SHEET, before, after := f"Text von Blatt 2.3, Änderung {n}.")
        before = after
        result = pipeline.check(project.binder, project.path, memo=memo)
        assert not result.problems
        # Not more than after the first check (less where the kept TextMemo spared the work).
        assert all(len(m.table) <= size for m, size in zip(_MEMOS, sizes, strict=True))
        assert (len(memo.texts.entries), len(memo.marks.entries)) == (texts, marks)
        # The memos hold the edited text as it is now, not as it was.
        assert any(after in repr(key) for m in _MEMOS for key in m.table.entries)
        assert not any(f"Änderung {n - 1}." in repr(key) for m in _MEMOS for key in m.table.entries)
        assert any(after in key[0] for key in memo.texts.entries) and not any(
            f"Änderung {n - 1}." in key[0] for key in memo.texts.entries
        )


FREED = """
from loseblatt.workers import return_freed_memory

def resident_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))

# A rebuild's garbage: many blocks freed, every tenth still alive, so the free space lies
# between live blocks and the allocator cannot simply shrink the heap.
blocks = [bytearray(100_000) for _ in range(2000)]
for block in blocks:
    block[::4096] = b"x" * len(block[::4096])
alive = blocks[::10]
del blocks
before = resident_mb()
print(return_freed_memory(), before, resident_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_a_long_lived_process_gives_freed_memory_back():
    """Under serve the server and the edition workers call return_freed_memory after each
    rebuild: freed memory goes back to the system instead of staying resident."""
    out = subprocess.run([sys.executable, "-c", FREED], capture_output=True, text=True, check=True).stdout
    done, before, after = out.split()
    assert done == "True" and int(before) > 150
    assert int(after) < int(before) / 2


HEAPS = """
import ctypes, os, sys, tempfile, threading
if sys.argv[1] == "session":
    from loseblatt.mkdocs_adapter.coordinator import ServeSession
    session = ServeSession()

# Threads that allocate at the same time, as a rebuild's threads and the requests do.
start = threading.Barrier(8)
def work():
    start.wait()
    kept = [bytearray(1000) for _ in range(2000)]
    start.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()

libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "info.xml")
    f = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(f))
    libc.fclose(ctypes.c_void_p(f))
    print(open(path).read().count("<heap nr="))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heaps (malloc_info)")
def test_a_serve_session_keeps_its_threads_to_two_heaps():
    """A serve process starts threads at every rebuild and request; glibc gives new threads heaps
    of their own, up to eight per core, and each one stays resident with what its thread left
    in it: the server's memory rose with the first rebuilds. A session allows two."""
    heaps = {
        mode: int(
            subprocess.run([sys.executable, "-c", HEAPS, mode], capture_output=True, text=True, check=True).stdout
        )
        for mode in ("plain", "session")
    }
    assert heaps["plain"] > 2 and heaps["session"] <= 2


def test_a_session_stopped_between_publish_and_late_editions_leaves_no_production_folder(tmp_path):
    """A stop (SIGTERM, Ctrl-C) can come after a rebuild published its shown editions and before
    the thread for the late ones took over the production folder (seen once in CI): the
    session's end waits for the background work and removes the folder."""
    from concurrent.futures import ThreadPoolExecutor

    from loseblatt.mkdocs_adapter.coordinator import STOP, Coordinator, ServeSession
    from loseblatt.publish import scratch_dir

    session = ServeSession()
    rebuild = Coordinator(None, "serve", tmp_path, tmp_path / ".cache", session)  # type: ignore[arg-type]
    session.current = rebuild
    rebuild.production_dir = scratch_dir(tmp_path / "site")
    late_edition = rebuild.production_dir / "sn"

    def build_late() -> None:  # a late edition, built until the stop file says otherwise
        late_edition.mkdir()
        for _ in range(500):
            if (rebuild.production_dir / STOP).exists():
                return
            threading.Event().wait(0.01)
        raise AssertionError("never stopped")

    rebuild.production = ThreadPoolExecutor(max_workers=1)
    rebuild.production_future = rebuild.production.submit(build_late)
    rebuild.published = True  # the shown editions are out; no late thread was started
    session.close()
    assert rebuild.production is None and rebuild.production_future.done()
    assert not rebuild.production_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_closing_a_serve_session_removes_the_folders_it_kept(tmp_path):
    """The skeletons of a session's last replaced site (skeletons.py) live in a folder beside its
    temporary site; when `mkdocs serve` ends, nothing of them stays behind."""
    from loseblatt import skeletons
    from loseblatt.mkdocs_adapter.coordinator import ServeSession

    site = tmp_path / "site"
    (site / "sn" / "01-register" / "blatt-1-1").mkdir(parents=True)
    (site / "sn" / "01-register" / "blatt-1-1" / "index.html").write_text("x", encoding="utf-8")
    session = ServeSession()
    session.skeleton_root = skeletons.root_beside(site)
    skeletons.keep(site, ["sn"], session.skeleton_root)
    assert session.skeleton_root.is_dir() and any(session.skeleton_root.rglob("blatt-1-1"))
    kept = session.skeleton_root
    session.close()
    assert not kept.exists() and session.skeleton_root is None


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c", "sigterm-im-neubau", "ctrl-c-im-neubau"])
def test_a_stopped_serve_leaves_nothing_in_the_temporary_folder(tmp_path, stop):
    """`mkdocs serve` stopped with SIGTERM (a service manager, a container, an editor's task)
    shuts down as with Ctrl-C: MkDocs' temporary site, the session's kept folders and its
    workers go, and the lock beside the site; before, all of them stayed behind. Ctrl-C in a
    terminal reaches every process of its group, the workers too: none prints a traceback.
    Stopped during a rebuild («im-neubau»), its production and staging folders go too: MkDocs
    passes KeyboardInterrupt on without its build_error event (found in review)."""
    import signal
    import socket
    import time
    import urllib.request

    project = make_project(tmp_path)
    temp = tmp_path / "temp"
    temp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="0", TMPDIR=str(temp))
    env.pop("LOSEBLATT_AUSGABE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal gives it
    )
    errors = ""
    try:
        url, seen = f"http://127.0.0.1:{port}/sn/", ""
        end = time.monotonic() + 240
        while not seen and time.monotonic() < end:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    seen = r.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert "<html" in seen
        # A rebuild, so that the session keeps the replaced site's folders.
        sheet = next((project.binder).glob("0*/*.md"))
        sheet.write_text(sheet.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8")
        end = time.monotonic() + 120
        while not any(p.name.endswith("-geruest") for p in temp.iterdir()) and time.monotonic() < end:
            time.sleep(0.2)
        assert any(p.name.endswith("-geruest") for p in temp.iterdir())
        if stop.endswith("-im-neubau"):
            # Another edit; the signal comes once its rebuild has made its production folder.
            before = {p.name for p in temp.iterdir() if "-ausgaben-" in p.name}
            sheet.write_text(sheet.read_text(encoding="utf-8") + "\nUnd noch einer.\n", encoding="utf-8")
            end = time.monotonic() + 120
            while time.monotonic() < end:
                if {p.name for p in temp.iterdir() if "-ausgaben-" in p.name} - before:
                    break
                time.sleep(0.01)
            else:
                pytest.fail("Der Neubau nach der zweiten Änderung begann nicht.")
        if stop.startswith("sigterm"):
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        _, errors = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sorted(p.name for p in temp.iterdir()) == []
    assert "Traceback" not in errors, errors
