"""An edition's deliveries as an Atom feed (RFC 4287): `feed.xml` at the edition's root.

Each entry is one delivery with its new, changed and withdrawn sheets, their reasons and
links. Ids are URNs derived from the edition and the delivery's name, so they stay the same
across builds and when the site moves; dates are the deliveries' recorded dates.
"""

from __future__ import annotations

import html
import uuid
from xml.etree import ElementTree as ET

from ...core.assemble import AssembledEdition
from ...core.deliveries import EditionChanges
from ...core.german import date_de, stand_short
from ...core.history import Delivery, EditionHistory

ATOM = "http://www.w3.org/2005/Atom"
FILE = "feed.xml"
PUBLISHER = "Kommune beugt vor!"
TITLE = "Ergänzungslieferungen"


def _id(*parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "kommune-beugt-vor:" + ":".join(parts)))


def feed_id(code: str) -> str:
    return _id(code, "lieferungen")


def entry_id(code: str, delivery: str) -> str:
    return _id(code, "lieferung", delivery)


def _time(day: str) -> str:
    return f"{day}T00:00:00Z"


def _url(base: str, path: str) -> str:
    """`path` (relative to the edition root, directory URL) against the edition's address."""
    return base + path


def _sheet_url(doc_path: str) -> str:
    return doc_path.removesuffix(".md") + "/"


def _changes_html(changes: EditionChanges, edition: AssembledEdition, base: str) -> str:
    targets = {s.blatt: s.doc_path for s in edition.sheets}

    def link(blatt: str, titel: str) -> str:
        label = html.escape(f"Blatt {blatt} – {titel}")
        return (
            f'<a href="{html.escape(_url(base, _sheet_url(targets[blatt])))}">{label}</a>'
            if blatt in targets
            else label
        )

    parts = []
    if changes.new:
        items = "".join(
            f"<li>{link(r.blatt, r.titel)} (Fassung {html.escape(r.fassung_label)}, Stand {stand_short(r.stand)})</li>"
            for r in changes.new
        )
        parts.append(f"<h3>Neue Blätter</h3><ul>{items}</ul>")
    if changes.changed:
        items = ""
        for old, new in changes.changed:
            why = f": {html.escape(new.grund)}" if new.grund else ""
            kind = html.escape(new.aenderung or "")
            items += (
                f"<li>{link(new.blatt, new.titel)}, Fassung {html.escape(old.fassung_label)} → "
                f"{html.escape(new.fassung_label)}" + (f" ({kind}{why})" if kind or why else "") + "</li>"
            )
        parts.append(f"<h3>Geänderte Blätter</h3><ul>{items}</ul>")
    if changes.withdrawn:
        items = "".join(
            f"<li>Blatt {html.escape(old.blatt)} – {html.escape(old.titel)}"
            + (f": {html.escape(w.grund)}" if w else "")
            + "</li>"
            for old, w in changes.withdrawn
        )
        parts.append(f"<h3>Entfallene Blätter</h3><ul>{items}</ul>")
    return "".join(parts)


def summary(d: Delivery) -> str:
    if d.previous is None:
        return f"Erste Lieferung: der Ordner mit {len(d.changes.new)} Blättern."
    if not d:  # a delivery that only brings a new register sheet is one with changes
        return "Für diese Ausgabe keine Änderungen."
    c = d.changes
    return f"{len(c.new)} neu, {len(c.changed)} geändert, {len(c.withdrawn)} entfallen."


def feed_xml(edition: AssembledEdition, history: EditionHistory, site_url: str | None = None) -> bytes:
    """The feed; links are absolute with the edition's address, else relative to the feed."""
    base = site_url if site_url and site_url.endswith("/") else (f"{site_url}/" if site_url else "")
    code = edition.code
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "de"})
    sub(feed, "id", feed_id(code))
    sub(feed, "title", f"{PUBLISHER} – {edition.definition.titel}: {TITLE}")
    sub(feed, "subtitle", "Neue, geänderte und entfallene Blätter des Beratungsordners, je Ergänzungslieferung.")
    deliveries = list(reversed(history.deliveries))
    newest = deliveries[0].datum if deliveries else max(s.stand for s in edition.sheets) + "-01"
    sub(feed, "updated", _time(newest))
    author = sub(feed, "author")
    sub(author, "name", PUBLISHER)
    sub(feed, "link", rel="self", type="application/atom+xml", href=_url(base, FILE))
    sub(feed, "link", rel="alternate", type="text/html", href=_url(base, "neu/"))
    sub(feed, "rights", "Inhalt CC BY-SA 4.0")
    sub(feed, "generator", "loseblatt")
    for d in deliveries:
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(code, d.name))
        sub(entry, "title", f"Ergänzungslieferung {d.name} vom {date_de(d.datum)}")
        sub(entry, "updated", _time(d.datum))
        sub(entry, "published", _time(d.datum))
        sub(entry, "link", rel="alternate", type="text/html", href=_url(base, f"lieferungen/{d.name}/"))
        sub(entry, "summary", summary(d))
        body = f"<p>{html.escape(summary(d))}</p>"
        if d.previous is not None:
            body += _changes_html(d.changes, edition, base)
        sub(entry, "content", body, type="html")
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def latest_delivery_markdown(history: EditionHistory, from_doc: str = "index.md") -> str:
    """For the edition's start page: the newest delivery, «Was ist neu» and the feed."""
    import posixpath

    def rel(to: str) -> str:
        return posixpath.relpath(to, posixpath.dirname(from_doc) or ".")

    if not history.deliveries:
        return (
            "Bisher wurde keine Ergänzungslieferung veröffentlicht. "
            f"[Was ist neu]({rel('neu.md')}) · [Lieferungen abonnieren (Atom-Feed)]({rel(FILE)})\n{{: .lb-neueste }}\n"
        )
    d = history.deliveries[-1]
    return (
        f"**Neueste Ergänzungslieferung:** [{d.name} vom {date_de(d.datum)}]({rel(f'lieferungen/{d.name}.md')}) – "
        f"{summary(d)} [Was ist neu]({rel('neu.md')}) · "
        f"[Lieferungen abonnieren (Atom-Feed)]({rel(FILE)})\n{{: .lb-neueste }}\n"
    )
