"""What an edition's website has beyond its sheets and registers, in one call for the adapter:
template files, Fassungsvergleiche (and the links to them), the Atom feed of deliveries, «Was in dieser Ausgabe anders ist»."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ... import addresses
from ...caching import CacheFolder
from ...core.assemble import AssembledEdition
from ...core.fassungen import sheet_fassungen
from ...core.history import EditionHistory
from ...core.laender import BASE
from ...core.references import escape_markdown
from . import feed, unterschiede, vergleich, vorlagen


@dataclass
class EditionExtras:
    pages: dict[str, str] = field(default_factory=dict)  # doc path -> Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # path in the edition -> content
    heads: dict[str, str] = field(default_factory=dict)  # blatt -> Markdown under the sheet's head
    comparisons: dict[str, str] = field(default_factory=dict)  # blatt -> doc path of its comparison


def edition_extras(
    edition: AssembledEdition,
    history: EditionHistory,
    cache: Path | None = None,
    site_url: str | None = None,
    backwards: bool = False,
) -> EditionExtras:
    extras = EditionExtras()
    extras.files[feed.FILE] = feed.feed_xml(edition, history, site_url)
    extras.files.update(vorlagen.template_files(edition, cache / vorlagen.FOLDER if cache else None, backwards))
    comparisons = vergleich.Comparisons(CacheFolder(cache / "vergleiche") if cache else None)
    extras.pages.update(unterschiede.edition_pages(edition, comparisons))
    fassungen = sheet_fassungen(edition, history)
    extras.pages.update(vergleich.comparison_pages(edition, fassungen, comparisons))
    comparisons.record(edition.code)
    for sheet in edition.sheets:
        link = vergleich.sheet_link(sheet, fassungen.get(sheet.blatt, []))
        if link:
            extras.heads[sheet.blatt] = link
            extras.comparisons[sheet.blatt] = addresses.comparison_page(sheet.blatt)
    return extras


def differences_nav(edition: AssembledEdition) -> list[dict[str, str]]:
    """The navigation entry of «Was in dieser Ausgabe anders ist» (state editions only)."""
    return [] if edition.code == BASE else [{unterschiede.TITLE: unterschiede.DOC}]


def start_page_markdown(edition: AssembledEdition, history: EditionHistory) -> str:
    """Added to the edition's start page: the newest delivery and, in a state edition, what
    makes it different."""
    text = feed.latest_delivery_markdown(history)
    if edition.code != BASE:
        text += (
            f"\nWas die {escape_markdown(edition.definition.titel)} von der allgemeinen Ausgabe unterscheidet: "
            f"[{unterschiede.TITLE}]({unterschiede.DOC})\n"
        )
    return text
