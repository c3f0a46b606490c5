"""The site plan of one edition: every page it publishes, its address, its navigation entry.

Made once from the assembled edition and its delivery history, before MkDocs reads a page; the
navigation and the generated files both come from it, so they can never disagree. Nothing
here imports MkDocs: the adapter turns the plan into `File`s and `config.nav`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .. import addresses
from ..core.assemble import AssembledEdition
from ..core.history import EditionHistory
from ..render.web import checklist_pages, delivery_pages, index_pages, pages
from ..render.web.extras import differences_nav, edition_extras


@dataclass(frozen=True)
class PlannedPage:
    path: str  # the page's source path inside the edition (src_uri), e.g. "02-…/blatt-2-3.md"
    content: str  # its Markdown
    title: str | None  # its navigation title, or None when it is not in the navigation


@dataclass(frozen=True)
class PlannedImage:
    path: str  # where it is published inside the edition
    source: Path  # the file in binder/


@dataclass(frozen=True)
class PlannedFile:
    path: str  # where it is published inside the edition
    content: bytes  # generated: template files (.docx, .odt), the Atom feed


@dataclass
class SitePlan:
    pages: list[PlannedPage] = field(default_factory=list)
    images: list[PlannedImage] = field(default_factory=list)
    files: list[PlannedFile] = field(default_factory=list)
    nav: list = field(default_factory=list)

    def titles(self) -> dict[str, str]:
        return {p.path: p.title for p in self.pages if p.title is not None}


@dataclass(frozen=True)
class PlanSettings:
    with_pdf: bool
    use_directory_urls: bool
    docs: tuple[str, ...]  # Markdown pages in docs/, relative to it
    docs_order: tuple[str, ...]  # the configured order of docs/ pages (plugin option `seiten`)
    site_url: str | None = None  # the edition's address (absolute links in the feed)
    cache: Path | None = None  # the cache folder (caching.py): templates and comparisons are kept there
    backwards: bool = False  # only the order of work (editions built side by side, editions.py)


def plan_edition(
    edition: AssembledEdition, history: EditionHistory, page_counts: dict[str, int], settings: PlanSettings
) -> SitePlan:
    plan = SitePlan()
    extras = edition_extras(edition, history, settings.cache, settings.site_url, settings.backwards)
    nav_titles: dict[str, str] = {}
    nav: list = [{"Start": "index.md"}]
    for reg in edition.registers:
        nav.append({pages.register_nav_title(reg): [reg.doc_path, *pages.register_nav_items(reg)]})
    checklist_regs = checklist_pages.registers_with_checklists(edition)
    if checklist_regs:
        nav.append(
            {
                "Checklisten": [addresses.CHECKLISTEN]
                + [
                    {f"Register {r.register.number}: {r.register.titel}": addresses.checklists_page(r.register.number)}
                    for r in checklist_regs
                ]
            }
        )
    nav.append({"Stichwortverzeichnis": addresses.STICHWORTE})
    nav.append(
        {
            "Loseblattsammlung": [
                # The section's first entry is the same in every edition: a collapsed section
                # shows it as its link, so pages stay shareable between editions (page_cache.py).
                {"Verzeichnis der gültigen Blätter": addresses.VERZEICHNIS},
                {"Was ist neu": addresses.NEU},
                *differences_nav(edition),
                {
                    "Ergänzungslieferungen": [addresses.LIEFERUNGEN]
                    + [{f"Lieferung {d.name}": addresses.delivery_page(d.name)} for d in reversed(history.deliveries)]
                },
            ]
        }
    )
    order = [p for p in settings.docs_order if p in settings.docs]
    order += [p for p in settings.docs if p not in settings.docs_order]
    nav += [p for p in order if p != "index.md"]
    plan.nav = nav
    _collect_titles(nav, nav_titles)

    def add(path: str, content: str) -> None:
        plan.pages.append(PlannedPage(path, content, nav_titles.get(path)))

    dir_urls = settings.use_directory_urls
    plan.files += [PlannedFile(path, data) for path, data in extras.files.items()]
    for path, markdown in extras.pages.items():
        add(path, markdown)
    for reg in edition.registers:
        links = ""
        if settings.with_pdf:
            links = pages.pdf_link(
                reg.doc_path, addresses.register_pdf(reg.register.number), "Register als PDF", dir_urls
            )
            if any(s.checklists for s in reg.sheets):
                links += " " + pages.pdf_link(
                    reg.doc_path,
                    addresses.checklists_pdf(reg.register.number),
                    "Checklisten als PDF",
                    dir_urls,
                )
        contacts = pages.contacts_markdown(edition) if reg.register.number == pages.CONTACT_REGISTER else ""
        add(reg.doc_path, pages.register_page(reg, links, contacts))
        for sheet in reg.sheets:
            link = (
                pages.pdf_link(sheet.doc_path, addresses.sheet_pdf(sheet.blatt), "Blatt als PDF", dir_urls)
                if settings.with_pdf
                else ""
            )
            # On the contacts sheet unless the state's own extension of it lists them already.
            shows_contacts = sheet.blatt == pages.CONTACT_SHEET and sheet.extension is None
            contacts = pages.contacts_markdown(edition) if shows_contacts else ""
            head = extras.heads.get(sheet.blatt, "")
            add(sheet.doc_path, pages.sheet_page(sheet, link, contacts, dir_urls, head))
            # Images sit beside the sheet's file in binder/ and are published beside its page.
            for src, source in sheet.images():
                dest = posixpath.normpath(posixpath.join(posixpath.dirname(sheet.doc_path), src))
                if source.is_file() and all(i.path != dest for i in plan.images):
                    plan.images.append(PlannedImage(dest, source))
    add(addresses.STICHWORTE, index_pages.keyword_page(edition))
    add(addresses.FEHLT, pages.missing_sheet_page())
    add(addresses.VERZEICHNIS, delivery_pages.valid_sheets_page(edition, history, page_counts))
    add(addresses.NEU, delivery_pages.whats_new_page(edition, history, extras.comparisons))
    add(addresses.LIEFERUNGEN, delivery_pages.deliveries_index(edition, history))
    for d in history.deliveries:
        add(addresses.delivery_page(d.name), delivery_pages.delivery_page(edition, d, settings.with_pdf, dir_urls))
    if checklist_regs:
        add(addresses.CHECKLISTEN, checklist_pages.overview_page(edition))
        for reg in checklist_regs:
            add(addresses.checklists_page(reg.register.number), checklist_pages.register_checklists_page(edition, reg))
    return plan


def _collect_titles(item, titles: dict[str, str]) -> None:
    """{page path: title} from a MkDocs-style nav list."""
    if isinstance(item, dict):
        for title, value in item.items():
            if isinstance(value, str):
                titles[value] = title
            else:
                _collect_titles(value, titles)
    elif isinstance(item, list):
        for entry in item:
            _collect_titles(entry, titles)
