"""Pure parts of the page cache: placeholders, blank lines, sitemap order, drawn navigation."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from loseblatt.mkdocs_adapter.page_cache import NAME, URL, NavText, Placeholders, _json, fillable, nav_view
from loseblatt.render.web.html_fixes import drop_blank_lines, sort_sitemap


def test_blank_lines_go_but_not_inside_pre_code_or_textarea():
    html = "<ul>\n   \n\n  <li>a</li>\n<pre>x\n\n  \ny</pre>\n \n<code>a\n\nb</code><textarea>\n\n</textarea>\n\n"
    assert (
        drop_blank_lines(html)
        == "<ul>\n  <li>a</li>\n<pre>x\n\n  \ny</pre>\n<code>a\n\nb</code><textarea>\n\n</textarea>\n"
    )


def test_sitemap_entries_sorted_by_address():
    xml = (
        '<?xml version="1.0"?>\n<urlset>\n    <url>\n         <loc>https://x/b/</loc>\n    </url>\n'
        "    <url>\n         <loc>https://x/a/</loc>\n    </url>\n</urlset>"
    )
    out = sort_sitemap(xml)
    assert out.index("https://x/a/") < out.index("https://x/b/")
    assert out.startswith('<?xml version="1.0"?>\n<urlset>\n') and out.endswith("</urlset>")
    assert out.count("<url>") == 2


def test_placeholders_are_filled_with_the_editions_values():
    ph = Placeholders("Kommune beugt vor! – Ausgabe Sachsen", "https://example.org/sn/")
    neutral_url = ph.neutral_url("https://example.org/sn/02/blatt-2-3/")
    assert neutral_url == URL + "02/blatt-2-3/"
    page = f'<title>{NAME}</title><link href="{neutral_url}">'
    assert ph.fill(page) == (
        '<title>Kommune beugt vor! – Ausgabe Sachsen</title><link href="https://example.org/sn/02/blatt-2-3/">'
    )
    # Names the theme would escape in some places cannot stand behind a placeholder.
    assert fillable("Kommune beugt vor!", "https://example.org/")
    assert not fillable("Stadt & Land", None)


def test_drawn_navigation_ignores_what_a_collapsed_section_hides():
    def page(title, url):
        return NS(title=title, url=url, is_index=False, active=False, meta={})

    def nav(extra_sheet: bool):
        sheets = [page("8.1", "08/8-1/")] + ([page("8.51", "08/8-51/")] if extra_sheet else [])
        here = page("2.1", "02/2-1/")
        here.active = True
        reg2 = NS(title="Register 2", children=[here, page("2.2", "02/2-2/")], active=True)
        reg8 = NS(title="Register 8", children=sheets, active=False)
        return [reg2, reg8], here

    (a, here_a), (b, here_b) = nav(False), nav(True)
    # Register 8 is collapsed on a page of register 2: its extra sheet does not show there.
    assert nav_view(a, here_a) == nav_view(b, here_b)
    # What does show is in the view: the open register's sheets and the collapsed one's link.
    view = nav_view(a, here_a)
    assert view[0][0] == "open" and [i[1] for i in view[0][2]] == ["2.1", "2.2"]
    assert view[1][0] == "collapsed" and view[1][2][2] == "08/8-1/"


def test_navigation_text_of_the_key_is_the_drawn_navigation_serialised():
    """The page key serialises each item's fixed parts once per build (NavText); the text must
    be exactly that of the drawn navigation, for every page, with titles that need escaping."""

    def page(title, url, **meta):
        return NS(title=title, url=url, is_index=False, active=False, meta=meta)

    pages = [page('2.1 „Gremium“ \\ "x"', "02/2-1/", icon="i"), page("2.2", "02/2-2/"), page(None, "02/2-3/")]
    sub = NS(title="Unter", children=[page("2.4.1", "02/s/1/"), page("2.4.2", "02/s/2/")], active=False)
    reg2 = NS(title="Register 2", children=[*pages, sub], active=False)
    reg8 = NS(title="Register 8", children=[NS(title="leer", children=[], active=False)], active=False)
    empty = NS(title="Leer", children=[NS(title="Tiefer", children=[page("9.1", "09/1/")], active=False)], active=False)
    items = [page("Start", ""), reg2, reg8, empty]
    text = NavText()
    for here, parents in [(p, [reg2]) for p in pages] + [(sub.children[1], [reg2, sub])]:
        for item in (here, *parents):
            item.active = True
        assert text.view(items, here) == _json(nav_view(items, here))
        for item in (here, *parents):
            item.active = False


def test_a_serve_workers_memo_shares_pages_copies_search_entries_and_stops_at_its_limit(tmp_path, monkeypatch):
    from loseblatt.caching import CacheFolder, SessionMemo
    from loseblatt.mkdocs_adapter.render_cache import RenderCache, Rendered

    memo = SessionMemo(100_000, keep_jobs=2)
    rendered = Rendered("<p>Text</p>", [], "Titel", {"a"}, {})
    first = RenderCache(tmp_path / "html", ["x"], memo)
    first.put("k1", rendered)
    first.put_search("k1", [{"location": "a/", "text": "Text"}])
    # The worker's next build: nothing is read from the folder, and the entries count as used
    # (pruning keeps them).
    reads: list[str] = []
    monkeypatch.setattr(CacheFolder, "read", lambda self, key, suffix: reads.append(key + suffix))
    second = RenderCache(tmp_path / "html", ["x"], memo)
    assert second.get("k1") is rendered
    entries = second.get_search("k1")
    entries[0]["boost"] = 0.5  # what the index adds to an entry stays in that build
    assert second.get_search("k1") == [{"location": "a/", "text": "Text"}]
    assert reads == [] and second.remembered == 1 and second.store.used == {"k1"}
    # Without a memo (the workers of a build's own pool) the folder is read.
    assert RenderCache(tmp_path / "html", ["x"]).get("k1") is None and reads == ["k1.pickle"]

    # What no job used in the last `keep_jobs` jobs goes (an edited page's old versions).
    memo.next_job()
    assert memo.get("k1.pickle") is rendered
    memo.put("alt", "A", 10)
    memo.next_job()
    memo.next_job()
    assert set(memo.items) == {"k1.pickle", "alt"}  # the search entries, unused since job 0, went
    assert memo.get("k1.pickle") is rendered
    memo.next_job()
    assert set(memo.items) == {"k1.pickle"} and memo.size == memo.items["k1.pickle"][1]
    memo.next_job()
    memo.next_job()
    assert memo.items == {} and memo.size == 0

    # Filled up to its limit, then new entries are left out; what it holds stays.
    full = SessionMemo(100, keep_jobs=5)
    full.put("a", "A", 60)
    full.put("b", "B", 60)
    full.put("a", "anders", 10)
    assert full.get("a") == "A" and full.get("b") is None and full.size == 60
    tiny = RenderCache(tmp_path / "klein", ["x"], SessionMemo(10, keep_jobs=5))
    tiny.put("k2", rendered)
    assert tiny.memo.items == {} and tiny.get("k2") is None  # read (patched): not from memory


def test_write_new_makes_missing_folders_and_never_writes_in_place(tmp_path, monkeypatch):
    import os
    from pathlib import Path

    from loseblatt.caching import write_new

    target = tmp_path / "ab" / "cd" / "eintrag.html"
    write_new(target, b"eins")  # the folders do not exist yet
    assert target.read_bytes() == b"eins"
    # A hard link to the old file (a kept output) keeps the old bytes: a new file replaces it.
    os.link(target, tmp_path / "aufbewahrt.html")
    write_new(target, b"zwei")
    assert target.read_bytes() == b"zwei" and (tmp_path / "aufbewahrt.html").read_bytes() == b"eins"
    # Into a folder that is there, no mkdir: one failed system call and a stat per cache entry.
    made: list[object] = []
    real_mkdir = Path.mkdir
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: made.append(self) or real_mkdir(self, *a, **k))
    write_new(target, b"drei")
    write_new(target.with_name("neu.html"), b"vier")
    assert made == [] and target.with_name("neu.html").read_bytes() == b"vier"
    target.with_name("neu.html").unlink()
    # What cannot be written leaves nothing half written behind.
    (tmp_path / "datei").write_bytes(b"")
    with pytest.raises(OSError):
        write_new(tmp_path / "datei" / "darunter.html", b"x")  # a file cannot be a folder
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["ab", "aufbewahrt.html", "cd", "datei", "eintrag.html"]
