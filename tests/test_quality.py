"""Quality gates on built sites: reproducible, atomic, and every internal link resolves."""

from __future__ import annotations

import hashlib
import html.parser
import os
import posixpath
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import make_project

pytestmark = pytest.mark.slow


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path):
    a = make_project(tmp_path / "a")
    b = make_project(tmp_path / "b")
    env = {"LOSEBLATT_PDF": "1", "SOURCE_DATE_EPOCH": "1790000000"}
    a.build(env=env)
    time.sleep(1.1)  # a different wall-clock second must not matter
    b.build(env=env)
    da, db = tree_digest(a.site), tree_digest(b.site)
    assert set(da) == set(db)
    differing = [k for k in da if da[k] != db[k]]
    assert differing == []
    assert any(k.endswith(".pdf") for k in da) and any(k.endswith("sitemap.xml.gz") for k in da)


def test_killed_build_leaves_previous_site(project):
    project.build()
    before = tree_digest(project.site)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(project.path.glob(".site-ausgaben-*/sn/*")):
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_digest(project.site) == before
    # The next build cleans up what the killed one left behind.
    project.build()
    assert not list(project.path.glob(".site-staging-*")) and not list(project.path.glob(".site-ausgaben-*"))


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical", "alternate")):
                self.links.append(a[key])


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def broken_links(site: Path) -> list[str]:
    parsed: dict[Path, _Links] = {}

    def get(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in get(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "tel:")):
                continue
            if parts.path.startswith("/"):  # root-relative, as in 404 pages: the site is served at /
                target = site / unquote(parts.path).lstrip("/")
            else:
                target = page if not parts.path else (page.parent / unquote(parts.path))
            target = Path(posixpath.normpath(str(target)))
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
                continue
            if parts.fragment and target.suffix == ".html" and parts.fragment not in get(target).ids:
                broken.append(f"{page.relative_to(site)} → {link} (Anker fehlt)")
    return broken


def test_every_internal_link_and_anchor_resolves_in_every_edition(real_site):
    assert len(list(real_site.glob("*/index.html"))) == 7
    assert broken_links(real_site) == []


def forget_kept_editions(project) -> None:
    """Without the kept edition outputs a rebuild builds every edition again: the way to see
    what the Markdown and page caches do on their own."""
    shutil.rmtree(project.path / ".cache/loseblatt/ausgaben", ignore_errors=True)


def build_stats(project) -> dict:
    import json

    return json.loads((project.path / ".cache/loseblatt/build-stats.json").read_text())


def test_markdown_is_converted_once_and_reused(project):
    project.edit("mkdocs.yml", "binder_dir: binder", "binder_dir: binder\n      parallel: 1")  # deterministic order
    project.build()
    first = build_stats(project)["markdown"]
    generated = first["umgewandelt"] + first["aus_cache"]
    # Base sheets read the same in bund and sn: the second edition takes many from the cache.
    assert first["aus_cache"] > 0 and first["umgewandelt"] < generated
    before = tree_digest(project.site)
    project.build()  # nothing changed: both editions are linked from their last output
    assert build_stats(project)["wiederverwendet"] == ["bund", "sn"]
    assert tree_digest(project.site) == before
    forget_kept_editions(project)
    project.build()
    second = build_stats(project)["markdown"]
    # Not from a worker's memory: that is kept only by a serve session's workers.
    assert second == {"umgewandelt": 0, "aus_cache": generated, "aus_gedaechtnis": 0}
    assert tree_digest(project.site) == before  # the cache changes nothing in the output
    # An edit converts exactly that sheet again, once: bund and sn read it the same.
    project.edit("binder/02-gremiengruendung/blatt-2.md", "Text von Blatt 2.2.", "Geänderter Text von Blatt 2.2.")
    project.build()
    assert build_stats(project)["markdown"]["umgewandelt"] == 1
    for code in ("bund", "sn"):
        assert "Geänderter Text von Blatt 2.2." in project.html(f"{code}/02-gremiengruendung/blatt-2-2/index.html")


def test_finished_pages_are_shared_by_editions_and_builds(project, tmp_path):
    """Material's page template runs once for a page that reads and sits the same in several
    editions, and not again until its content, navigation or settings change; the output is
    byte for byte what a build without the page cache gives."""
    project.edit("mkdocs.yml", "binder_dir: binder", "binder_dir: binder\n      parallel: 1")  # deterministic order
    # A register that reads the same in bund and sn (sn adds a sheet to register 1 and leaves
    # out 2.9).
    project.write(
        "binder/03-analyse/register.md",
        """
        ---
        register: 3
        titel: Analyse
        fassung: 1
        stand: 2026-10
        ---
        Wie eine Kommune ihre Lage erkennt.
        """,
    )
    for n in (1, 2):
        project.write(
            f"binder/03-analyse/blatt-{n}.md",
            f"""
            ---
            blatt: "3.{n}"
            titel: Analyse, Teil {n}
            fassung: 1
            stand: 2026-10
            ---
            Dieser Text ist in jeder Ausgabe derselbe.
            """,
        )
    project.build()
    first = build_stats(project)["seiten"]
    pages = first["gerendert"] + first["aus_cache"]
    # bund is built first; sn takes the pages that are the same in both from the cache.
    assert pages > 20 and first["aus_cache"] > 0
    before = tree_digest(project.site)
    forget_kept_editions(project)
    project.build()
    # The kept editions are gone: every page comes from the cache, none is linked.
    assert build_stats(project)["seiten"] == {"gerendert": 0, "aus_cache": pages, "verlinkt": 0}
    assert tree_digest(project.site) == before

    def same_as_uncached() -> None:
        fresh = make_project(tmp_path / "fresh")
        for rel in ("binder", "docs", "mkdocs.yml"):
            src, dest = project.path / rel, fresh.path / rel
            if src.is_dir():
                shutil.rmtree(dest)
                shutil.copytree(src, dest)
            else:
                shutil.copy(src, dest)
        fresh.edit("mkdocs.yml", "binder_dir: binder", "binder_dir: binder\n      seitencache: false")
        fresh.build()
        assert build_stats(fresh)["seiten"] == {"gerendert": 0, "aus_cache": 0, "verlinkt": 0}
        assert tree_digest(project.site) == tree_digest(fresh.site)
        shutil.rmtree(fresh.path)

    same_as_uncached()
    # A changed sentence on a sheet that reads and sits the same in both editions: one page
    # rendered, for both.
    project.edit("binder/03-analyse/blatt-2.md", "derselbe.", "derselbe. Ein neuer Satz.")
    project.build()
    assert build_stats(project)["seiten_gerendert"] == ["bund/03-analyse/blatt-3-2.md"]
    # The others are linked from each edition's last output (page_cache.KeptPages); sn takes
    # the changed page from the cache.
    assert build_stats(project)["seiten"] == {"gerendert": 1, "aus_cache": pages - 1, "verlinkt": pages - 2}
    # sn leaves out 2.9, so register 2's navigation differs: a change on 2.2 is rendered once
    # per edition.
    project.edit("binder/02-gremiengruendung/blatt-2.md", "Text von Blatt 2.2.", "Geänderter Text von Blatt 2.2.")
    project.build()
    assert build_stats(project)["seiten"] == {"gerendert": 2, "aus_cache": pages - 2, "verlinkt": pages - 2}
    same_as_uncached()
    # A changed title shows in its register's navigation, in its neighbours' links and in the
    # lists of sheets: those pages are rendered again, the others not.
    project.edit("binder/02-gremiengruendung/blatt-2.md", "titel: Thema 2", "titel: Neues Thema 2")
    project.build()
    again = build_stats(project)["seiten"]["gerendert"]
    assert 2 < again < first["gerendert"]
    same_as_uncached()
    # So is a changed setting of the site.
    project.edit("mkdocs.yml", "copyright: ", "copyright: Neu – ")
    project.build()
    assert build_stats(project)["seiten"] == first
    assert "Neu – " in project.html("sn/index.html")
