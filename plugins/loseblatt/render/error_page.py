"""The German error page that `make serve` shows instead of a stale site while the check fails.

MkDocs-free: the plugin hands over the problems and the site folder. The page takes the place
of every page the browser may be showing (so MkDocs' livereload script is injected and the page
reloads itself after the next rebuild) and of index.html and 404.html.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from ..core.problems import Problem

# What to do, for the mistakes editors make most; the message itself names the place and cause.
FIXES: tuple[tuple[str, str], ...] = (
    (
        "wurde seit der Lieferung",
        "„fassung“ um 1 erhöhen, „stand“ auf den laufenden Monat setzen und „aenderung“ und „grund“ ausfüllen.",
    ),
    ("„stand“ muss Jahr und Monat", "Den Monat als JJJJ-MM schreiben, z. B. stand: 2026-11."),
    ("„fassung“ muss eine ganze Zahl", "Eine Zahl ohne Anführungszeichen schreiben, z. B. fassung: 2."),
    ("Ab Fassung 2 braucht", "Die fehlende Angabe im Kopfbereich ergänzen (siehe Meldung)."),
    ("Unbekannter Schlüssel", "Den Schlüssel richtig schreiben (siehe Vorschlag) oder die Zeile löschen."),
    ("Pflichtangabe", "Die Angabe im Kopfbereich zwischen den beiden Zeilen „---“ ergänzen."),
    (
        "YAML-Syntaxfehler",
        "Die genannte Zeile und die Zeile darüber prüfen: Doppelpunkte, Anführungszeichen, Einrückung.",
    ),
    ("„blatt“ muss die Form", 'Die Blattnummer in Anführungszeichen schreiben, z. B. blatt: "2.3".'),
    ("Der Verweis", "Die Blattnummer im Verweis [[…]] prüfen."),
)


def fix_for(message: str) -> str | None:
    for needle, fix in FIXES:
        if needle in message:
            return fix
    return None


STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5; }
header { background: #8b1a1a; color: #fff; padding: 1rem 1.5rem; }
header h1 { margin: 0; font-size: 1.4rem; }
main { padding: 1rem 1.5rem; max-width: 60rem; }
ol { padding-left: 1.5rem; }
li { margin: 0 0 1rem; }
code { background: #f2f2f2; padding: .1rem .3rem; font-size: 1rem; }
.ort { font-weight: 700; }
.loesung { margin: .2rem 0 0; }
"""


def error_page(problems: Iterable[Problem], refresh: bool = False) -> str:
    """A complete, self-contained HTML page (no requests to anything) listing every problem."""
    items = []
    problems = list(problems)
    for p in problems:
        edition = f" (Ausgabe {html.escape(p.edition)})" if p.edition else ""
        fix = fix_for(p.message)
        items.append(
            "<li>"
            f'<code class="ort">{html.escape(p.path)}, Zeile {p.line}</code>{edition}<br>'
            f'<span class="meldung">{html.escape(p.message)}</span>'
            + (f'<p class="loesung"><strong>So beheben Sie es:</strong> {html.escape(fix)}</p>' if fix else "")
            + "</li>"
        )
    n = len(problems)
    count = "1 Fehler" if n == 1 else f"{n} Fehler"
    meta = '<meta http-equiv="refresh" content="5">' if refresh else ""
    return (
        '<!doctype html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{meta}<title>{count} im Ordner – Kommune beugt vor!</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>Die Prüfung hat {count} gefunden</h1></header>\n<main>\n"
        "<p>Die Vorschau zeigt erst wieder den Ordner, wenn alle Fehler behoben sind. "
        "Sobald Sie eine Datei speichern, wird neu geprüft, und diese Seite lädt von selbst neu.</p>\n"
        f"<ol>\n{''.join(items)}\n</ol>\n"
        "<p>Dieselben Meldungen zeigt <code>loseblatt check</code> im Terminal.</p>\n</main>\n</body>\n</html>\n"
    )


def existing_pages(site: Path) -> list[str]:
    """The pages of the last good build, relative to the site: where the browser may be."""
    if not site.is_dir():
        return []
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def write_error_site(site: Path, problems: list[Problem], pages: list[str]) -> None:
    page = error_page(problems)
    site.mkdir(parents=True, exist_ok=True)
    for rel in {*pages, "index.html"} - {"404.html"}:
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    # MkDocs serves 404.html for any other address without its reload script: refresh instead.
    (site / "404.html").write_text(error_page(problems, refresh=True), encoding="utf-8")
