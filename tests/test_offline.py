"""The edition to take along (offline.py): addresses for file://, the search index as a script,
a reproducible archive, and in a real browser: opened from disk, it navigates and searches."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from loseblatt import offline


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("02-gremiengruendung/", "02-gremiengruendung/index.html"),
        ("../", "../index.html"),
        ("./", "./index.html"),
        (".", "./index.html"),
        ("..", "../index.html"),
        ("blatt-2-3/#abschnitt", "blatt-2-3/index.html#abschnitt"),
        ("blatt-2-3/?h=x", "blatt-2-3/index.html?h=x"),
        ("../assets/loseblatt/loseblatt.css", "../assets/loseblatt/loseblatt.css"),
        ("pdf/sn-2-3.pdf", "pdf/sn-2-3.pdf"),
        ("#oben", "#oben"),
        ("https://www.kriminalpraevention.de/", "https://www.kriminalpraevention.de/"),
        ("mailto:info@example.org", "mailto:info@example.org"),
        ("/sn/", "/sn/"),
    ],
)
def test_folder_addresses_name_their_page(href, expected):
    assert offline.page_address(href) == expected
    # A page's links are found by one pattern (FOLDER_HREF), not by calling page_address for each.
    assert offline.offline_html(f'<a href="{href}">x</a>') == f'<a href="{expected}">x</a>'


@pytest.mark.parametrize(
    "href",
    ["", "?q=1", "...", ".../", "a..", "x:y/", "Blatt/x:y/", "a/b", "a/b/c/", "./a", "../../", "..#x", ".?a",
     "%C3%A4/", "C:/", "a#b/", "a?b/", "//host/", "data:x/", "1a:b/", "blatt-2-3/index.html"],
)  # fmt: skip
def test_the_links_pattern_changes_exactly_what_page_address_changes(href):
    html = f'<p><a class="x" href="{href}">x</a><link\nhref="{href}"></p>'
    assert offline.offline_html(html) == html.replace(f'href="{href}"', f'href="{offline.page_address(href)}"')


PAGE = """<html><head><link rel="canonical" href="https://example.org/sn/">
<link rel="stylesheet" href="../assets/x.css"></head><body>
<a href="../">Start</a> <a href="blatt-2-3/#ziel">2.3</a>
<p class="lb-downloads lb-offline"><a class="md-button" href="offline.zip" download>Ausgabe zum Mitnehmen (ZIP)</a> Text.</p>
<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script></body></html>"""


def test_offline_pages_link_pages_load_the_shim_and_drop_their_own_download():
    html = offline.offline_html(PAGE)
    assert '<a href="../index.html">Start</a>' in html and 'href="blatt-2-3/index.html#ziel"' in html
    assert 'href="https://example.org/sn/"' in html and 'href="../assets/x.css"' in html
    assert "offline.zip" not in html and "lb-offline" not in html
    shim = html.index('<script src="../assets/loseblatt/iframe-worker-shim.js"></script>')
    assert shim < html.index("bundle.a5f9d56c.min.js")


def make_edition(root: Path) -> Path:
    ed = root / "sn"
    for rel, text in {
        "index.html": PAGE,
        "02-gremiengruendung/blatt-2-3/index.html": PAGE,
        "search/search_index.json": '{"config":{"lang":["de"]},"docs":[{"location":"02-gremiengruendung/blatt-2-3/#ziel","title":"Ziel","text":""},{"location":"","title":"Start","text":""}]}',
        "assets/javascripts/lunr/min/lunr.de.min.js": "de",
        "assets/javascripts/lunr/min/lunr.fr.min.js": "fr",
        "assets/javascripts/lunr/min/lunr.stemmer.support.min.js": "s",
        "assets/javascripts/bundle.a5f9d56c.min.js.map": "{}",
        "pakete/aktuell.zip": "x",
        "pdf/sn-2-3.pdf": "%PDF",
    }.items():
        (ed / rel).parent.mkdir(parents=True, exist_ok=True)
        (ed / rel).write_text(text, encoding="utf-8")
    return ed


def test_archive_is_reproducible_and_holds_what_works_from_disk(tmp_path):
    one, two = make_edition(tmp_path / "a"), make_edition(tmp_path / "b")
    size = offline.write_offline(one, "sn", 1764547200)
    offline.write_offline(two, "sn", 1764547200)
    data = (one / "offline.zip").read_bytes()
    assert data == (two / "offline.zip").read_bytes() and len(data) == size  # any folder, same bytes
    with zipfile.ZipFile(one / "offline.zip") as z:
        names = z.namelist()
        assert names == sorted(names) and all(n.startswith("kommune-beugt-vor-sn/") for n in names)
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 1, 0, 0, 0)}
        rel = {n.split("/", 1)[1] for n in names}
        assert {"index.html", "search/search_index.js", "pdf/sn-2-3.pdf", offline.SHIM_PATH} <= rel
        assert "assets/javascripts/lunr/min/lunr.de.min.js" in rel
        assert not {"assets/javascripts/lunr/min/lunr.fr.min.js", "pakete/aktuell.zip"} & rel
        assert not any(n.endswith(".map") for n in rel)
        script = z.read("kommune-beugt-vor-sn/search/search_index.js").decode()
        assert script.startswith("var __index = {") and '"02-gremiengruendung/blatt-2-3/index.html#ziel"' in script
    # The published start page names the archive's size; the copy in the archive has no link.
    start = (one / "index.html").read_text(encoding="utf-8")
    assert f"Ausgabe zum Mitnehmen (ZIP, {offline.size_label(size)})</a>" in start


def test_an_edit_converts_only_the_pages_it_changed_and_a_repeat_converts_none(tmp_path, monkeypatch):
    from loseblatt.caching import CacheFolder

    cache = CacheFolder(tmp_path / "cache")
    ed = make_edition(tmp_path / "a")
    sheet = ed / "02-gremiengruendung/blatt-2-3/index.html"
    sheet.write_text(PAGE.replace("Start</a>", "Zum Start</a>"), encoding="utf-8")
    converted: list[str] = []
    original = offline.offline_html

    def counting(html: str) -> str:
        converted.append(html)
        return original(html)

    monkeypatch.setattr(offline, "offline_html", counting)
    offline.write_offline(ed, "sn", 1764547200, cache)
    assert len(converted) == 2  # both pages, the first time
    # The same published files again (the start page as MkDocs wrote it): nothing is converted.
    (ed / "index.html").write_text(PAGE, encoding="utf-8")
    converted.clear()
    before = (ed / "offline.zip").read_bytes()
    offline.write_offline(ed, "sn", 1764547200, cache)
    assert converted == [] and (ed / "offline.zip").read_bytes() == before
    # One page edited: only that page is converted, and the archive is what an uncached run writes.
    sheet.write_text(PAGE.replace("Start</a>", "Start neu</a>"), encoding="utf-8")
    (ed / "index.html").write_text(PAGE, encoding="utf-8")
    converted.clear()
    offline.write_offline(ed, "sn", 1764547200, cache)
    assert len(converted) == 1 and "Start neu" in converted[0]
    cached = (ed / "offline.zip").read_bytes()
    with zipfile.ZipFile(ed / "offline.zip") as z:
        assert "Start neu" in z.read("kommune-beugt-vor-sn/02-gremiengruendung/blatt-2-3/index.html").decode()
    (ed / "index.html").write_text(PAGE, encoding="utf-8")
    offline.write_offline(ed, "sn", 1764547200)
    assert (ed / "offline.zip").read_bytes() == cached != before


def test_an_edit_takes_the_other_members_packed_from_the_editions_last_archive(tmp_path, monkeypatch):
    """The members of the last archive are kept in one file per edition (MemberTable): after an
    edit only the edited page is converted and packed, nothing else is read from the cache
    entries, and the archive is what a run without any cache writes."""
    from loseblatt.caching import CacheFolder

    cache = CacheFolder(tmp_path / "cache")
    ed = make_edition(tmp_path / "a")
    offline.write_offline(ed, "sn", 1764547200, cache)
    table = tmp_path / "cache" / f"sn{offline.MemberTable.SUFFIX}"
    assert table.is_file()
    packed: list[bytes] = []
    original = offline.packed_member
    monkeypatch.setattr(offline, "packed_member", lambda data: packed.append(data) or original(data))
    reads: list[str] = []
    read = CacheFolder.read
    monkeypatch.setattr(CacheFolder, "read", lambda self, key, suffix: reads.append(suffix) or read(self, key, suffix))

    # The edition's files are not held in memory: each is read once for its hash, and only the
    # edited page a second time, to be converted.
    opened: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self.name) or read_bytes(self))
    sheet = ed / "02-gremiengruendung/blatt-2-3/index.html"
    sheet.write_text(PAGE.replace("Start</a>", "Start neu</a>"), encoding="utf-8")
    (ed / "index.html").write_text(PAGE, encoding="utf-8")
    offline.write_offline(ed, "sn", 1764547200, cache)
    assert len(packed) == 1 and b"Start neu" in packed[0]
    files = [p for p in offline.offline_sources(ed).values() if p.parent != tmp_path / "cache"]
    assert len(files) > 3 and all(isinstance(p, Path) for p in files)
    edited = [name for name in opened if name == "index.html"]
    assert len(edited) == len([p for p in files if p.name == "index.html"]) + 1
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    # Looked up: only the edited page's member, which no edition packed before.
    assert reads == [".glied"]
    warm = (ed / "offline.zip").read_bytes()
    (ed / "index.html").write_text(PAGE, encoding="utf-8")
    offline.write_offline(ed, "sn", 1764547200)
    assert (ed / "offline.zip").read_bytes() == warm

    # A damaged table, or one another version of the code wrote, is not read: every member is
    # looked up in the cache's entries, and only the edited page is packed anew.
    for damaged in (table.read_bytes()[:-7], b"anderer-stand\n" + table.read_bytes().partition(b"\n")[2]):
        table.write_bytes(damaged)
        sheet.write_text(PAGE.replace("Start</a>", f"Start {len(damaged)}</a>"), encoding="utf-8")
        (ed / "index.html").write_text(PAGE, encoding="utf-8")
        packed.clear()
        reads.clear()
        offline.write_offline(ed, "sn", 1764547200, cache)
        # Every published file but the search index (packed in pieces), and the worker shim.
        assert len(packed) == 1 and len(reads) == len(files) > 4
        cached = (ed / "offline.zip").read_bytes()
        (ed / "index.html").write_text(PAGE, encoding="utf-8")
        offline.write_offline(ed, "sn", 1764547200)
        assert (ed / "offline.zip").read_bytes() == cached


def test_size_in_german():
    assert offline.size_label(4_200_000) == "4,2 MB"
    assert offline.size_label(850_400) == "850 kB"


@pytest.mark.slow
@pytest.mark.browser
def test_offline_edition_works_from_disk(real_site, tmp_path):
    from browser import chromium

    archive = real_site / "sn" / offline.OFFLINE_ZIP
    size = offline.size_label(archive.stat().st_size)
    start = (real_site / "sn" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'href="offline.zip" download>Ausgabe zum Mitnehmen \(ZIP, {size}\)</a>', start)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
    root = tmp_path / "kommune-beugt-vor-sn"
    assert (root / "index.html").is_file()
    assert any((root / "pdf").glob("*.pdf")) == any((real_site / "sn" / "pdf").glob("*.pdf"))
    with chromium() as browser:
        page = browser.new_page()
        page.goto((root / "index.html").as_uri())
        # Navigation: a register, then a sheet, each a page (not a folder listing).
        page.locator('a[href$="02-gremiengruendung/index.html"]').first.click()
        assert page.url.endswith("/02-gremiengruendung/index.html") and "Register 2" in page.title()
        # Search from disk, in German.
        query = page.locator("input[data-md-component='search-query']")
        query.click()
        query.press_sequentially("Geschaeftsordnungen", delay=10)
        first = page.locator(".md-search-result__item a").first
        first.wait_for(timeout=15000)
        first.click()
        page.wait_for_load_state()
        assert "/02-gremiengruendung/blatt-2-3/index.html" in page.url and "Geschäftsordnung" in page.title()
        # Checklists keep their ticks from disk too.
        page.goto((root / "02-gremiengruendung" / "blatt-2-1" / "index.html").as_uri())
        box = page.locator("fieldset.lb-checkliste input").first
        box.check()
        page.reload()
        assert page.locator("fieldset.lb-checkliste input").first.is_checked()


def test_the_search_index_is_packed_in_pieces_and_an_edit_repacks_at_most_two(tmp_path, monkeypatch):
    """The index changes with every edit: it is packed in pieces cut at places the entries fix,
    each referring back into what was unpacked before it. An edit repacks the piece it falls in
    and the next; the bytes are those of packing from nothing, they unpack to the index, and
    the member is about as small as one stream."""
    import json
    import zlib

    from loseblatt.caching import CacheFolder

    docs = [
        {"location": f"0{i % 9 + 1}-register/blatt-{i}/", "title": f"Blatt {i}", "text": f"Text {i} " * 40}
        for i in range(3000)
    ]
    index = {"config": {"lang": ["de"]}, "docs": docs}
    data = json.dumps(index, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert len(offline.index_cuts(data)) > 10
    cache = CacheFolder(tmp_path / "cache")
    first = offline.MemberTable(cache, "sn")
    crc, size, packed = first._index(lambda: data)
    assert zlib.decompress(packed, -15) == data and (crc, size) == (zlib.crc32(data), len(data))
    one_stream = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert len(packed) <= 1.01 * len(one_stream.compress(data) + one_stream.flush())
    first.save()

    docs[1500]["text"] = "Ein geänderter Text."
    edited = json.dumps(index, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    repacked: list[bytes] = []
    original = offline._pack_piece
    monkeypatch.setattr(offline, "_pack_piece", lambda before, piece: repacked.append(piece) or original(before, piece))
    second = offline.MemberTable(cache, "sn")
    _, _, warm = second._index(lambda: edited)
    assert 1 <= len(repacked) <= 2 and b"Ein ge\xc3\xa4nderter Text." in repacked[0]
    assert zlib.decompress(warm, -15) == edited
    assert warm == offline.MemberTable(None, "sn")._index(lambda: edited)[2]
