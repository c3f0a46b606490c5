"""End-to-end builds: the fixture binder in a temporary folder, with mkdocs and properdocs."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

pytestmark = pytest.mark.slow


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', html, re.S)
    assert nav, "primary navigation missing"
    return re.findall(r'<a href="([^"]+)" class="md-nav__link', nav.group(0))


def test_chooser_and_editions(built):
    chooser = built.html("index.html")
    for code in ("bund", "sn"):
        assert (built.site / code / "index.html").is_file()
    # All 16 Länder; Sachsen has its edition, the others lead to bund.
    assert chooser.count("<li>") == 16
    assert '<a href="sn/">Sachsen</a>' in chooser
    assert '<a href="bund/">Bayern</a>' in chooser
    assert '<a href="bund/impressum/">Impressum</a>' in chooser and 'href="bund/datenschutz/"' in chooser
    versions = json.loads((built.site / "versions.json").read_text())
    assert [v["version"] for v in versions] == ["bund", "sn"]


def test_generated_pages_and_no_files_in_sources(built):
    sheet = built.site / "bund/02-gremiengruendung/blatt-2-10/index.html"
    assert sheet.is_file()
    assert (built.site / "bund/02-gremiengruendung/index.html").is_file()
    # The plugin writes nothing into docs/ or binder/.
    assert sorted(p.name for p in built.docs.iterdir()) == ["impressum.md", "index.md"]


def test_nav_order_numeric(built):
    links = nav_links(built.html("bund/02-gremiengruendung/index.html"))
    sheets = [l for l in links if "blatt-2-" in l]
    assert [re.search(r"blatt-2-(\d+)", l).group(1) for l in sheets] == ["1", "2", "3", "9", "10"]
    # Registers in order, hand-written pages after them.
    top = [l for l in links if l.endswith(("-grundlagen/", "-gremiengruendung/")) or "impressum" in l]
    assert top.index(next(l for l in top if "grundlagen" in l)) < top.index(next(l for l in top if "impressum" in l))


def test_sheet_header(built):
    html = built.html("bund/02-gremiengruendung/blatt-2-3/index.html")
    assert (
        "<h1" in html and "Thema 3</h1>" in html.replace('<a class="headerlink"', "</h1><a").split("</h1>")[0] + "</h1>"
    )
    assert "Register 2 · Gremiengründung" in html
    assert "Blatt 2.3" in html and "Fassung 3" in html and "Stand: April 2026" in html


def test_register_page_lists_sheets(built):
    html = built.html("bund/02-gremiengruendung/index.html")
    rows = re.findall(
        r"<tr>\s*<td>([\d.]+)</td>\s*<td><a href=\"([^\"]+)\">([^<]+)</a></td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>",
        html,
    )
    assert [r[0] for r in rows] == ["2.1", "2.2", "2.3", "2.9", "2.10"]
    assert rows[2][1] == "blatt-2-3/" and rows[2][3] == "3" and rows[2][4] == "April 2026"


def test_start_page_lists_registers_and_renders_variables(built):
    html = built.html("sn/index.html")
    assert "Ausgabe für Sachsen" in html
    assert 'href="01-grundlagen/">Grundlagen</a>' in html
    assert 'href="02-gremiengruendung/">Gremiengründung</a>' in html


def test_blattverweis_link(built):
    html = built.html("bund/01-grundlagen/blatt-1-1/index.html")
    assert re.search(
        r'<a class="lb-verweis" data-blatt="2.10" href="../../02-gremiengruendung/blatt-2-10/">'
        r'Blatt 2.10<span class="lb-verweis-titel"> – Thema 10</span></a>',
        html,
    )
    # Template-looking text in code is left alone.
    assert "{{ nicht ersetzen }} und [[9.9]]" in html


def test_manifest(built):
    manifest = json.loads((built.site / "bund/manifest.json").read_text())
    entries = {e["blatt"]: e for e in manifest["blaetter"]}
    assert list(entries) == ["1.1", "2.1", "2.2", "2.3", "2.9", "2.10"]
    e = entries["2.3"]
    assert (e["titel"], e["fassung"], e["stand"], e["url"]) == (
        "Thema 3",
        3,
        "2026-04",
        "02-gremiengruendung/blatt-2-3/",
    )
    assert re.fullmatch(r"[0-9a-f]{64}", e["sha256"])
    assert (built.site / "bund" / e["url"] / "index.html").is_file()


def test_no_requests_to_other_hosts_in_html(built):
    for page in built.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html):
            if 'rel="canonical"' in tag or 'rel="alternate"' in tag:
                continue  # a reference, not a request
            assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), f"{page}: external resource {tag}"


def test_properdocs_builds_same_pages(project, tmp_path):
    project.build(engine="properdocs")
    html = project.html("sn/02-gremiengruendung/blatt-2-3/index.html")
    assert "Hinweise für Sachsen" in html and "Blatt 2.3" in html
    assert json.loads((project.site / "sn/manifest.json").read_text())["ausgabe"] == "sn"


def test_real_binder_builds(real_site):
    for code in ("bund", "bb", "bw", "mv", "rp", "sh", "sn"):
        manifest = json.loads((real_site / code / "manifest.json").read_text())
        assert len(manifest["blaetter"]) >= 60
        assert all(e["seiten"] >= 1 and (real_site / code / e["pdf"]).is_file() for e in manifest["blaetter"])


def test_serve_watches_the_binder(project):
    """`make serve` reloads on edits under binder/ (docs/ and mkdocs.yml MkDocs watches itself)."""
    from mkdocs.config import load_config

    cfg = load_config(str(project.path / "mkdocs.yml"))
    plugin = cfg.plugins["loseblatt"]

    class Server:
        watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=cfg, builder=lambda: None)
    assert server.watched == [str(project.binder.resolve())]


def test_large_registers_are_grouped_in_the_navigation():
    """Navigation cost per page stays bounded: big registers come in groups of sheets."""
    from pathlib import Path

    from loseblatt.core.assemble import AssembledRegister, AssembledSheet
    from loseblatt.core.model import Register
    from loseblatt.render.web.pages import NAV_GROUP, register_nav_items

    reg = Register(2, "02-gremien", Path("register.md"), "Gremien", 1, "2026-11", "", 1)

    def sheets(n):
        return [
            AssembledSheet(f"2.{i}", f"T{i}", 1, "2026-11", reg, f"02-gremien/blatt-2-{i}.md", "x", [], "bund")
            for i in range(1, n + 1)
        ]

    small = register_nav_items(AssembledRegister(reg, "02-gremien/index.md", "", sheets(9)))
    assert [next(iter(i)) for i in small][:2] == ["2.1 T1", "2.2 T2"]
    big = register_nav_items(AssembledRegister(reg, "02-gremien/index.md", "", sheets(111)))
    assert [next(iter(g)) for g in big][:2] == ["Blätter 2.1–2.20", "Blätter 2.21–2.40"]
    assert sum(len(next(iter(g.values()))) for g in big) == 111
    assert max(len(next(iter(g.values()))) for g in big) == NAV_GROUP


# Words that show a printed sentence went wrong: doubled «siehe», a preposition before an added
# «siehe», and template or Markdown debris (an unresolved [[2.3]], {{ }}, {% %}, **). Nested fill-ins
# of templates («[Beitrag in [Gebiet]]») are text, not debris.
PRINT_DEBRIS = re.compile(
    r"\bsiehe\s+siehe\b|\b(in|mit|aus|nach|zu|von)\s+siehe\s+Blatt|\{\{|\}\}|\[\[\s*L?\d+\.\d+\s*\]\]|\*\*|\{%"
    # A sheet number glued to words: part of a hidden title left visible («Blatt 1.4CTC)»).
    r"|\bBlatt\s+L?\d+\.\d+[^\W\d_]"
)


@pytest.mark.slow
def test_printed_words_of_every_pdf_of_the_real_binder(real_site):
    pdfs = sorted(real_site.rglob("*.pdf"))
    assert len(pdfs) > 100
    found = []
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        found += [f"{pdf.relative_to(real_site)}: {m.group(0)!r}" for m in PRINT_DEBRIS.finditer(text)]
    assert found == [], "\n".join(found[:50])
    assert PRINT_DEBRIS.search("Die Liste in siehe Blatt 2.1") and PRINT_DEBRIS.search("wie [[2.3]] zeigt")
    assert PRINT_DEBRIS.search("Blatt 1.4CTC) erläutert")
    assert not PRINT_DEBRIS.search("siehe Blatt 2.1, am [Datum]] in [Gebiet [Ort]]")
    assert not PRINT_DEBRIS.search("Blatt 2.10. Blatt 3.3) und Blatt 4.1 erläutert")


@pytest.mark.slow
def test_links_in_every_pdf_lead_to_the_web_not_the_build_machine(real_site):
    """Every link of every PDF is an https, http or mailto address (no file: URI, no path of the
    build folder) or a jump to a page of the same file; in an edition PDF, which holds all its
    sheets, every Blattverweis is such a jump, on its words and to that sheet's first page."""
    from conftest import misplaced_jumps, pdf_links

    bad, jumps = [], 0
    for pdf in sorted(real_site.rglob("*.pdf")):
        name = pdf.relative_to(real_site).as_posix()
        for page, kind, target, _, _ in pdf_links(pdf):
            if kind == "seite":
                jumps += 1
                bad += [f"{name}: Seite {page} springt ins Leere"] if not target.isdigit() else []
            elif not target.startswith(("https://", "http://", "mailto:")):
                bad.append(f"{name}: {target}")
            elif pdf.name.startswith("kommune-beugt-vor-") and re.search(r"/blatt-\d+-\d+/$", target):
                bad.append(f"{name}: Seite {page} führt ins Netz statt zu Blatt im Dokument: {target}")
    assert bad == [], "\n".join(bad[:30])
    assert jumps > 100
    edition = real_site / "sn/pdf/kommune-beugt-vor-sn.pdf"
    assert misplaced_jumps(edition) == []


@pytest.mark.slow
def test_operator_details_fill_the_legal_pages_and_gate_publishing(project):
    from conftest import ROOT

    for name in ("impressum.md", "datenschutz.md", "barrierefreiheit.md"):
        (project.docs / name).write_text((ROOT / "docs" / name).read_text())
    # A publishing build refuses while the details are missing, and publishes nothing.
    proc = project.build(env={"LOSEBLATT_VEROEFFENTLICHEN": "1"}, check=False)
    assert proc.returncode != 0 and "Angaben zum Betreiber fehlen" in proc.stdout + proc.stderr
    assert not project.site.exists()
    # A preview build warns and shows them as missing.
    proc = project.build()
    assert "WARNUNG: Angaben zum Betreiber fehlen" in proc.stderr
    assert "noch nicht eingetragen" in project.html("sn/impressum/index.html")
    # Filled in, they appear on all three pages, as text.
    mkdocs_yml = project.path / "mkdocs.yml"
    text = mkdocs_yml.read_text()
    for key, value in (
        ("name", "Musterstiftung (Stiftung bürgerlichen Rechts)"),
        ("anschrift", "Musterweg 1, 00000 Musterstadt"),
        ("email", "kontakt@example.org"),
        ("verantwortlich", "Erika Mustermann, Musterweg 1, 00000 Musterstadt"),
        ("barrierefreiheit_kontakt", "barrieren@example.org"),
    ):
        text = text.replace(f'        {key}: ""\n', f'        {key}: "{value}"\n', 1)
    mkdocs_yml.write_text(text)
    proc = project.build(env={"LOSEBLATT_VEROEFFENTLICHEN": "1"})
    impressum = project.html("sn/impressum/index.html")
    assert (
        "Musterstiftung" in impressum and "Erika Mustermann" in impressum and "noch nicht eingetragen" not in impressum
    )
    assert "GitHub Pages" in project.html("sn/datenschutz/index.html")
    assert "barrieren@example.org" in project.html("sn/barrierefreiheit/index.html")


@pytest.mark.slow
def test_chooser_has_no_search_box_editions_do(built):
    """The chooser has no sheets to search; a box there would find nothing (issue 18)."""
    assert 'data-md-component="search"' not in built.html("index.html")
    assert 'data-md-component="search"' in built.html("sn/index.html")


def test_german_404_page_in_every_edition(built):
    for code in ("bund", "sn"):
        page = built.html(f"{code}/404.html")
        assert "<h1>Seite nicht gefunden</h1>" in page and "Not found" not in page
        assert "Zur Auswahl aller Länder" in page


@pytest.mark.slow
def test_state_contacts_on_the_register_8_page(project):
    project.write(
        "binder/08-landesstrategie/register.md",
        "---\nregister: 8\ntitel: Landesstrategie\nfassung: 1\nstand: 2026-11\n---\n" + "Einführung. " * 90 + "\n",
    )
    project.edit(
        "binder/laender/sn/ausgabe.yml",
        "variablen:",
        "kontakte:\n  - name: Geschäftsstelle <b>\n    rolle: Beratung\n    web: https://www.lpr.sachsen.de/\nvariablen:",
    )
    project.build()
    page = project.html("sn/08-landesstrategie/index.html")
    assert "Ansprechstellen in Sachsen" in page and "Geschäftsstelle &lt;b&gt;" in page
    assert 'href="https://www.lpr.sachsen.de/"' in page
    assert "Ansprechstellen" not in project.html("bund/08-landesstrategie/index.html")
