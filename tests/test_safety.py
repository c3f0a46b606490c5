"""A sheet cannot run script, overlay the page, or load anything from other hosts."""

from __future__ import annotations

import pytest

REL = "binder/02-gremiengruendung/boese.md"
HEAD = '---\nblatt: "2.4"\ntitel: B\nfassung: 1\nstand: 2026-11\n---\nHarmloser Text.\n'


@pytest.mark.parametrize(
    "payload, fragment",
    [
        ("<script>alert(1)</script>", "HTML (<script>)"),
        ("<SCRIPT src=x.js></SCRIPT>", "HTML (<script>)"),
        ('<iframe src="https://example.org"></iframe>', "HTML (<iframe>)"),
        ('<object data="x.swf"></object>', "HTML (<object>)"),
        ('<embed src="x.swf">', "HTML (<embed>)"),
        ("<style>body{display:none}</style>", "HTML (<style>)"),
        ('<img src="x.png" onerror="alert(1)">', "HTML (<img>)"),
        ('<a href="#" onclick="alert(1)">x</a>', "HTML (<a>)"),
        ("<div onmouseover=alert(1)>x</div>", "HTML (<div>)"),
        ("[klick](javascript:alert(1))", "javascript"),
        ("[klick](JaVaScRiPt:alert(1))", "javascript"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "HTML (<a>)"),
        ('<a href="java\tscript:alert(1)">x</a>', "HTML (<a>)"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data"),
        ('<p style="position:fixed;top:0">x</p>', "HTML (<p>)"),
        ("![Bild](https://example.org/bild.png)", "anderen Websites"),
        ("![Bild](//example.org/bild.png)", "anderen Websites"),
        ('<img src="http://example.org/x.png">', "HTML (<img>)"),
        ('<video src="https://example.org/v.mp4"></video>', "HTML (<video>)"),
        ("![Bild](../../../etc/passwd)", "aus dem Ordner binder/"),
        ("[Datei](../../mkdocs.yml)", "aus dem Ordner binder/"),
        ("[ref]: javascript:alert(1)\n\n[klick][ref]", "javascript"),
        ('## Titel {: onclick="alert(1)" }', "Attribut „onclick“"),
        ('<svg onload="alert(1)"></svg>', "HTML (<svg>)"),
        ('<form action="https://example.org"><input></form>', "HTML (<form>)"),
    ],
)
def test_unsafe_content_is_refused(project, payload, fragment):
    project.write(REL, HEAD + "\n" + payload + "\n")
    msgs = [p.format() for p in project.check().problems]
    assert any(m.startswith(f"{REL}:9: ") and fragment in m for m in msgs), msgs


def test_code_may_show_html(project):
    project.write(REL, HEAD + "\n```html\n<script>alert(1)</script>\n```\n\nSo nicht: `<iframe>`.\n")
    assert project.check().problems == []


def test_ordinary_links_and_local_images_pass(project):
    project.write(REL, HEAD + "\n[Beccaria](https://www.beccaria.de/) und ![Plan](bilder/plan.png) und [[2.3]].\n")
    (project.binder / "02-gremiengruendung/bilder").mkdir()
    (project.binder / "02-gremiengruendung/bilder/plan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert project.check().problems == []


def test_missing_image_is_reported(project):
    project.write(REL, HEAD + "\n![Plan](bilder/fehlt.png)\n")
    msgs = [p.format() for p in project.check().problems]
    assert any(m.startswith(f"{REL}:9: Das Bild „bilder/fehlt.png“ fehlt") for m in msgs), msgs


@pytest.mark.slow
def test_images_are_published_beside_their_sheet_in_every_edition(project):
    (project.binder / "laender/sn/bilder").mkdir()
    (project.binder / "laender/sn/bilder/karte.png").write_bytes(b"\x89PNG\r\n\x1a\nsn")
    project.write("binder/laender/sn/bild.md", HEAD.replace('"2.4"', '"2.53"') + "\n![Karte](bilder/karte.png)\n")
    (project.binder / "02-gremiengruendung/bilder").mkdir()
    (project.binder / "02-gremiengruendung/bilder/plan.png").write_bytes(b"\x89PNG\r\n\x1a\nbund")
    project.write(REL, HEAD + "\n![Plan](bilder/plan.png)\n")
    project.build()
    for code in ("bund", "sn"):
        assert (project.site / code / "02-gremiengruendung/bilder/plan.png").read_bytes().endswith(b"bund")
        page = project.html(f"{code}/02-gremiengruendung/blatt-2-4/index.html")
        assert 'src="../bilder/plan.png"' in page
    assert (project.site / "sn/02-gremiengruendung/bilder/karte.png").read_bytes().endswith(b"sn")
    assert not (project.site / "bund/02-gremiengruendung/bilder/karte.png").exists()


def test_web_addresses_in_text_become_external_links():
    import markdown

    md = markdown.Markdown(extensions=["attr_list", "loseblatt.render.safe_markdown"])
    html = md.convert("Quellen: lpr.sachsen.de, https://www.beccaria.de/ und `code.de`; ausgabe.yml bleibt Text.")
    assert html.count('class="lb-extern"') == 2 and 'href="https://lpr.sachsen.de"' in html
    assert 'href="https://www.beccaria.de/"' in html and 'rel="noopener"' in html
    assert "(externe Seite)" in html and "<code>code.de</code>" in html and "ausgabe.yml bleibt" in html
    md.reset()
    nested = md.convert("[kriminalpraevention.de](https://kriminalpraevention.de)")
    assert nested.count("<a ") == 1


def test_links_command_lists_external_addresses_offline(tmp_path):
    from loseblatt.links import external_links, report

    (tmp_path / "sn/a").mkdir(parents=True)
    (tmp_path / "sn/a/index.html").write_text(
        '<a class="lb-extern" href="https://lpr.sachsen.de" rel="noopener">x</a> <a href="../b/">intern</a>'
    )
    (tmp_path / "sn/index.html").write_text('<a class="lb-extern" href="https://lpr.sachsen.de">y</a>')
    assert external_links(tmp_path) == {"https://lpr.sachsen.de": ["sn/a/index.html", "sn/index.html"]}
    text, dead = report(tmp_path, online=False)
    assert "1 Adressen auf 2 Seiten." in text and dead == 0


@pytest.mark.parametrize(
    "text",
    [
        "![Plan](bilder/plan.png)",
        "Text mit ![Karte][k] und Verweis.\n\n[k]: bilder/karte.png",
        "| A | B |\n|---|---|\n| ![x](bilder/x.png) | y |",
        '!!! note "Hinweis"\n\n    ![Plan](bilder/plan.png){: .rechts }',
        "[Beccaria](https://www.beccaria.de/) ohne Bild, {: .x } und <b>fett</b>",
        '<img src="bilder/plan.png"> als Text',
        "! [kein Bild](bilder/plan.png) und \\![auch keins](bilder/plan.png)",
    ],
)
def test_the_images_of_a_text_are_what_a_full_parse_finds(text, monkeypatch):
    """markup.images skips the parse for texts without «![» (each edition build asked again for
    every text): the same images as parsing, and no parse where there can be none."""
    from loseblatt.core import markup

    parse = markup._parse.fn  # without the check's memo
    parsed = parse(text, None)[1]
    calls: list[str] = []
    monkeypatch.setattr(markup, "_parse", lambda t, d: calls.append(t) or parse(t, d))
    assert markup.images(text) == parsed
    assert ("![" in text) == bool(calls)
    assert bool(parsed) == ("![" in text and "\\![" not in text)
