"""The `loseblatt` MkDocs plugin.

One `mkdocs build` runs the plugin in two roles:

* coordinator (the build started by the user): checks the whole binder, writes
  the chooser `site/index.html`, builds every edition into `site/<code>/` in
  parallel worker processes, and publishes atomically: the new site replaces
  the old one only when everything succeeded;
* edition (inside a worker): turns one assembled edition into virtual pages,
  navigation and `manifest.json`.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..core import pipeline
from ..core.assemble import AssembledEdition
from ..core.history import EditionHistory, edition_history
from ..core.laender import BASE
from ..core.package import write_packages
from ..core.problems import Problems
from ..core.references import resolve
from ..core.templating import render
from ..render import print_html as pdf_names
from ..render.sanitize import refused
from ..render.trusted import trusted_html
from . import checklist_pages, delivery_pages, index_pages, page_cache, pages
from .config import AUSGABE_ENV, BETREIBER_REQUIRED, CACHE_ENV, PDF_ENV, PUBLISH_ENV, LoseblattConfig
from .editions import EditionJob, build_editions
from .html_fixes import sort_sitemap, tidy
from .manifest import write_manifest, write_versions
from .publish import Publisher, SiteBusy
from .render_cache import EditionPage, RenderCache, Rendered, markdown_fingerprint, nav_titles
from .search_entries import add_to_index, entries_for, search_config

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSS = ["fonts.css", "loseblatt.css"]
FONTS = ["Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Italic.ttf", "Lato-BoldItalic.ttf", "OFL.txt"]
JS = ["checklisten.js", "ausgaben.js"]
MARKDOWN_EXTENSIONS = ["loseblatt.render.checklist_ext", "loseblatt.render.safe_markdown"]


def source_date_epoch(project_root: Path, binder_dir: Path) -> int:
    import calendar
    import subprocess

    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=project_root, capture_output=True, text=True, timeout=10
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    stands = [
        line.split(":", 1)[1].strip()
        for f in binder_dir.rglob("*.md")
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines()[:15]
        if line.startswith("stand:")
    ]
    newest = max((s for s in stands if len(s) == 7), default="2021-09")
    return calendar.timegm((int(newest[:4]), int(newest[5:7]), 1, 0, 0, 0))


@dataclass(frozen=True)
class ProductionSettings:
    """What the background production needs from the configuration (read once, not shared)."""

    config_file: str
    site_url: str
    strict: bool
    use_directory_urls: bool
    markdown_extensions: list
    mdx_configs: dict


class LoseblattPlugin(BasePlugin[LoseblattConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self._assignment: dict | None = None
        self._reset()

    def _reset(self) -> None:
        """Per-build state. MkDocs keeps plugin instances that have on_startup across config
        loads (serve rebuilds, several editions in one worker), so every build starts here."""
        self.edition: AssembledEdition | None = None  # set in the edition role
        self.edition_site_url: str | None = None
        self.with_pdf = False
        self.history = EditionHistory()
        self.page_counts: dict[str, int] = {}
        self.backwards = False
        self.versions: list[dict] = []
        self.result: pipeline.CheckResult | None = None
        self.codes: list[str] = []
        self.publisher: Publisher | None = None
        self.project_root: Path | None = None
        self.abbreviations = ""
        self.timings: dict = {}
        self.render_cache: RenderCache | None = None
        self.render_keys: dict[str, str] = {}
        self.nav_titles: dict[str, str] = {}
        self.shared: page_cache.SharedPages | None = None
        self.doc_uris: set[str] = set()
        self.page_keys: dict[str, str] = {}
        self.nav_pages: list = []
        self.search_entries: dict[str, list[dict]] = {}
        self.search_config: dict | None = None
        self.render_stats = {"umgewandelt": 0, "aus_cache": 0}
        self.production: ThreadPoolExecutor | None = None
        self.production_future = None
        self.production_dir: Path | None = None

    # ----- roles ---------------------------------------------------------------
    def assign_edition(
        self,
        edition: AssembledEdition,
        *,
        site_url: str | None,
        versions: list[dict],
        pdf: bool = False,
        history: EditionHistory | None = None,
        page_counts: dict[str, int] | None = None,
        backwards: bool = False,
    ) -> None:
        """Called by the edition worker before the build: the next build builds `edition`."""
        self._assignment = {
            "edition": edition,
            "edition_site_url": site_url,
            "versions": versions,
            "with_pdf": pdf,
            "history": history or EditionHistory(),
            "page_counts": page_counts or {},
            "backwards": backwards,
        }

    def pdf_enabled(self) -> bool:
        env = os.environ.get(PDF_ENV, "").strip().lower()
        if env:
            return env not in ("0", "nein", "false", "no", "off")
        return bool(self.config.pdf)

    @property
    def is_edition(self) -> bool:
        return self.edition is not None

    # ----- events --------------------------------------------------------------
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        if self._assignment is not None:
            for key, value in self._assignment.items():
                setattr(self, key, value)
            self._assignment = None
        self.project_root = Path(config.config_file_path).resolve().parent
        for name in CSS:
            if f"assets/loseblatt/{name}" not in config.extra_css:
                config.extra_css.append(f"assets/loseblatt/{name}")
        for name in JS:
            if f"assets/loseblatt/{name}" not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(f"assets/loseblatt/{name}")
        for ext in MARKDOWN_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        # Our templates (a German 404 page) take precedence over the theme's.
        if str(TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(TEMPLATES))
        if self.is_edition:
            return self._configure_edition(config)
        return self._configure_coordinator(config)

    def cache_dir(self) -> Path:
        env = os.environ.get(CACHE_ENV, "").strip()
        return Path(env) if env else self.project_root / self.config.cache_dir

    def _binder_dir(self) -> Path:
        return (self.project_root / self.config.binder_dir).resolve()

    def wanted_editions(self) -> list[str]:
        """Editions asked for by LOSEBLATT_AUSGABE or the config; empty means all."""
        return os.environ.get(AUSGABE_ENV, "").replace(",", " ").split() or list(self.config.ausgaben)

    def selected_editions(self, available: list[str]) -> list[str]:
        wanted = self.wanted_editions()
        if not wanted:
            return available
        unknown = [c for c in wanted if c not in available]
        if unknown:
            raise PluginError(
                f"Unbekannte Ausgabe(n) {', '.join(unknown)} in {AUSGABE_ENV} oder „ausgaben“; "
                f"vorhanden sind: {', '.join(available)}."
            )
        return [c for c in available if c in wanted]

    def _check_operator(self) -> None:
        """Impressum, Datenschutz and Barrierefreiheit need the operator's details: a warning
        while they are missing, a refusal in a publishing build (LOSEBLATT_VEROEFFENTLICHEN=1)."""
        missing = [k for k in BETREIBER_REQUIRED if not str(self.config.betreiber.get(k) or "").strip()]
        if not missing:
            return
        what = ", ".join(f"„{k}“" for k in missing)
        message = (
            f"Angaben zum Betreiber fehlen in mkdocs.yml (plugins → loseblatt → betreiber): {what}. "
            "Impressum, Datenschutz und Barrierefreiheit zeigen sie als „noch nicht eingetragen“."
        )
        if os.environ.get(PUBLISH_ENV) == "1":
            raise PluginError(message + " Ohne sie wird nicht veröffentlicht.")
        # Outside MkDocs' loggers: a reminder while writing must not fail a strict preview build.
        logging.getLogger("loseblatt.betreiber").warning("WARNUNG: %s", message)

    def _configure_coordinator(self, config: MkDocsConfig) -> MkDocsConfig:
        self._check_operator()
        # Reproducible output: dates in sitemaps and archives come from SOURCE_DATE_EPOCH, which
        # MkDocs honours; without it, the commit's time (or the newest Stand) is used, not today.
        if not os.environ.get("SOURCE_DATE_EPOCH"):
            os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(self.project_root, self._binder_dir()))
        # LOSEBLATT_AUSGABE (for a fast serve) limits assembling and checking to those editions.
        result = pipeline.check(self._binder_dir(), self.project_root, only=self.wanted_editions() or None)
        if result.problems:
            for problem in result.problems:
                log.error(problem.format())
            n = len(result.problems)
            raise PluginError(
                f"Der Ordner enthält {n} Fehler (siehe oben); es wird nichts veröffentlicht. "
                "Mit „loseblatt check“ lassen sie sich ohne Build prüfen."
            )
        self.result = result
        self.codes = self.selected_editions(list(result.binder.editions))
        config.nav = ["index.md"]
        if self.command == "build":
            try:
                self.publisher = Publisher(Path(config.site_dir))
            except SiteBusy as exc:
                raise PluginError(str(exc)) from None
            config.site_dir = str(self.publisher.staging)
        self._start_production(config)
        return config

    def _configure_edition(self, config: MkDocsConfig) -> MkDocsConfig:
        ed = self.edition
        # Glossary abbreviations, explained wherever they occur (Markdown extension abbr).
        abbr = ed.abbreviations
        self.abbreviations = f"\n\n{abbr}\n" if abbr else ""
        config.site_name = f"{config.site_name} – {ed.definition.titel}"
        config.site_url = self.edition_site_url
        config.extra["version"] = {"provider": "mike", "default": BASE}
        config.extra["ausgabe"] = {"code": ed.code, "titel": ed.definition.titel, "land": ed.definition.name}
        docs = sorted(p.relative_to(config.docs_dir).as_posix() for p in Path(config.docs_dir).rglob("*.md"))
        nav: list = [{"Start": "index.md"}]
        for reg in ed.registers:
            nav.append({pages.register_nav_title(reg): [reg.doc_path, *pages.register_nav_items(reg)]})
        checklist_regs = checklist_pages.registers_with_checklists(ed)
        if checklist_regs:
            nav.append(
                {
                    "Checklisten": [checklist_pages.OVERVIEW]
                    + [
                        {f"Register {r.register.number}: {r.register.titel}": checklist_pages.register_page_path(r)}
                        for r in checklist_regs
                    ]
                }
            )
        nav.append({"Stichwortverzeichnis": index_pages.STICHWORTE})
        nav.append(
            {
                "Loseblattsammlung": [
                    {"Verzeichnis der gültigen Blätter": delivery_pages.VERZEICHNIS},
                    {"Was ist neu": delivery_pages.NEU},
                    {
                        "Ergänzungslieferungen": [delivery_pages.LIEFERUNGEN]
                        + [
                            {f"Lieferung {d.name}": delivery_pages.delivery_doc(d.name)}
                            for d in reversed(self.history.deliveries)
                        ]
                    },
                ]
            }
        )
        order = [p for p in self.config.seiten if p in docs] + [p for p in docs if p not in self.config.seiten]
        nav += [p for p in order if p != "index.md"]
        config.nav = nav
        self.nav_titles = nav_titles(nav)
        return config

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        server.watch(str(self._binder_dir()))
        return server

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for name in CSS + JS:
            files.append(File.generated(config, f"assets/loseblatt/{name}", abs_src_path=str(ASSETS / name)))
        for name in FONTS:
            files.append(
                File.generated(config, f"assets/loseblatt/fonts/{name}", abs_src_path=str(ASSETS / "fonts" / name))
            )
        if not self.is_edition:
            # The coordinator's own site is only the chooser; docs/ pages belong to each edition.
            for f in [f for f in files if f.is_documentation_page()]:
                files.remove(f)
            editions = {c: self.result.editions[c].definition.titel for c in self.codes}
            files.append(File.generated(config, "index.md", content=pages.chooser_page(editions)))
            return files
        ed = self.edition
        dir_urls = config.use_directory_urls

        def add(path: str, content: str) -> None:
            file = File.generated(config, path, content=content)
            EditionPage(self.nav_titles.get(path), file, config)
            files.append(file)

        for reg in ed.registers:
            links = ""
            if self.with_pdf:
                links = pages.pdf_link(
                    reg.doc_path, pdf_names.register_pdf_name(reg.register.number), "Register als PDF", dir_urls
                )
                if any(s.checklists for s in reg.sheets):
                    links += " " + pages.pdf_link(
                        reg.doc_path,
                        pdf_names.checklists_pdf_name(reg.register.number),
                        "Checklisten als PDF",
                        dir_urls,
                    )
            contacts = pages.contacts_markdown(ed) if reg.register.number == pages.CONTACT_REGISTER else ""
            add(reg.doc_path, pages.register_page(reg, links, contacts))
            for sheet in reg.sheets:
                link = (
                    pages.pdf_link(sheet.doc_path, pdf_names.sheet_pdf_name(sheet.blatt), "Blatt als PDF", dir_urls)
                    if self.with_pdf
                    else ""
                )
                # On the contacts sheet unless the state's own extension of it lists them already.
                shows_contacts = sheet.blatt == pages.CONTACT_SHEET and sheet.extension is None
                contacts = pages.contacts_markdown(ed) if shows_contacts else ""
                add(sheet.doc_path, pages.sheet_page(sheet, link, contacts))
                # Images sit beside the sheet's file in binder/ and are published beside its page.
                for src, source in sheet.images():
                    dest = posixpath.normpath(posixpath.join(posixpath.dirname(sheet.doc_path), src))
                    if files.get_file_from_path(dest) is None and source.is_file():
                        files.append(File.generated(config, dest, abs_src_path=str(source)))
        history = self.history
        add(index_pages.STICHWORTE, index_pages.keyword_page(ed))
        add(pages.FEHLT, pages.missing_sheet_page())
        add(delivery_pages.VERZEICHNIS, delivery_pages.valid_sheets_page(ed, history, self.page_counts))
        add(delivery_pages.NEU, delivery_pages.whats_new_page(ed, history))
        add(delivery_pages.LIEFERUNGEN, delivery_pages.deliveries_index(ed, history))
        for d in history.deliveries:
            add(delivery_pages.delivery_doc(d.name), delivery_pages.delivery_page(ed, d, self.with_pdf, dir_urls))
        checklist_regs = checklist_pages.registers_with_checklists(ed)
        if checklist_regs:
            add(checklist_pages.OVERVIEW, checklist_pages.overview_page(ed))
            for reg in checklist_regs:
                add(checklist_pages.register_page_path(reg), checklist_pages.register_checklists_page(ed, reg))
        self.doc_uris = {f.src_uri for f in files if f.is_documentation_page()}
        self.render_cache = RenderCache(self.cache_dir() / "html", markdown_fingerprint(config))
        self.search_config = search_config(config)
        if self.config.seitencache:
            self.shared = page_cache.SharedPages.for_build(
                config, self.cache_dir() / "seiten", [Path(__file__).with_name("html_fixes.py")]
            )
        if self.backwards:
            # Only the order of work changes: sitemap and search index are sorted on output.
            docs = [f for f in files if f.is_documentation_page()]
            return Files([f for f in files if not f.is_documentation_page()] + docs[::-1])
        return files

    def on_nav(self, nav, /, *, config: MkDocsConfig, files: Files):
        self.nav_pages = list(nav.pages)
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.is_edition:
            return markdown
        if page.file.generated_by:
            return self._from_cache(markdown + self.abbreviations, page, files)
        # Hand-written pages from docs/ may use variables and Blattverweise too.
        ed = self.edition
        problems = Problems(self.project_root)
        path = Path(page.file.abs_src_path)
        text, tproblem = render(markdown, {**ed.context, "betreiber": dict(self.config.betreiber)})
        if tproblem:
            problems.add(path, tproblem.line, tproblem.message, ed.code)
        text, ref_problems = resolve(text, ed.targets(), page.file.src_uri)
        for p in ref_problems:
            problems.add(path, p.line, p.message, ed.code)
        if problems:
            for p in problems.sorted():
                log.error(p.format())
            raise PluginError(f"Fehler in {page.file.src_uri} (Ausgabe {ed.code}).")
        if page.file.src_uri == "index.md":
            text = text.rstrip() + "\n\n" + pages.registers_overview(ed) + "\n"
            if self.with_pdf:
                link = pages.pdf_link(
                    "index.md", pdf_names.edition_pdf_name(ed.code), "Ganze Ausgabe als PDF", config.use_directory_urls
                )
                text += "\n" + trusted_html(f'<p class="lb-downloads">{link}</p>') + "\n"
        return text + self.abbreviations

    def _from_cache(self, markdown: str, page: Page, files: Files) -> str:
        """Skip converting Markdown that was converted before (in another edition or build)."""
        if self.render_cache is None:
            return markdown
        key = self.render_cache.key(page.file.src_uri, markdown, self.doc_uris)
        self.page_keys[page.file.src_uri] = key
        cached = self.render_cache.get(key)
        if cached is None:
            self.render_keys[page.file.src_uri] = key
            self.render_stats["umgewandelt"] += 1
            return markdown
        if isinstance(page, EditionPage):
            page.prerendered = cached
        self.render_stats["aus_cache"] += 1
        return markdown

    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        uri = page.file.src_uri
        if self.shared is not None and "template" not in page.meta:
            page.meta["template"] = page_cache.TEMPLATE
        key = self.render_keys.pop(uri, None)
        if isinstance(page, EditionPage) and key is not None:
            # Converted now (a cached page passed this when it was converted).
            excess = refused(html)
            if excess is not None:
                raise PluginError(
                    f"{uri} (Ausgabe {self.edition.code if self.edition else '?'}): Die Seite enthielte Markup außerhalb "
                    f"der erlaubten Liste: „…{excess}…“. Bitte melden: Das sollte die Prüfung schon abfangen."
                )
        if key is not None:
            links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
            self.render_cache.put(
                key,
                Rendered(
                    html,
                    page.toc,
                    getattr(page, "_title_from_render", None),
                    set(page.present_anchor_ids or ()),
                    links,
                    getattr(page, "render_warnings", ()),
                ),
            )
        return html

    def on_page_context(self, context, /, *, page: Page, config: MkDocsConfig, nav):
        # The page as rendered before (by another edition or build) when everything it shows
        # is the same; otherwise the theme renders it edition-neutral (page_cache.py).
        if self.shared is not None and page.meta.get("template") == page_cache.TEMPLATE:
            from markupsafe import Markup

            html = self.shared.lookup(page, nav)
            if html is not None:
                context[page_cache.CONTEXT_KEY] = Markup(html)  # noqa: S704 - our own rendered page
        self._search_entries(page)
        return context

    def _search_entries(self, page: Page) -> None:
        """Search entries of generated pages: from the cache, or made once and cached."""
        key = self.page_keys.get(page.file.src_uri)
        if not self.is_edition or self.search_config is None or key is None:
            return
        entries = self.render_cache.get_search(key)
        if entries is None:
            entries = entries_for(page, self.search_config)
            self.render_cache.put_search(key, entries)
        self.search_entries[page.file.src_uri] = entries

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        # Material's templates are the same for every edition and every rebuild: compile them
        # once into a bytecode cache instead of once per edition build.
        from jinja2 import FileSystemBytecodeCache

        folder = self.cache_dir() / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        if self.shared is not None:
            from jinja2 import ChoiceLoader, DictLoader

            env.loader = ChoiceLoader([env.loader, DictLoader({page_cache.TEMPLATE: page_cache.TEMPLATE_SOURCE})])
        return env

    @event_priority(-100)  # last: the cached HTML is the page as every plugin left it
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.shared is None or page.file.src_uri not in self.shared.keys:
            return tidy(output)
        return self.shared.written(page, lambda: tidy(output))

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if self.shared is not None:
            output_content = self.shared.placeholders.fill(output_content)
        if template_name == "sitemap.xml":
            return sort_sitemap(output_content)
        return tidy(output_content) if template_name.endswith(".html") else output_content

    def _start_production(self, config: MkDocsConfig) -> None:
        """PDFs and edition sites are made in the background, beside the coordinator's own small
        build (the chooser), into a folder of their own; on_post_build moves them into place."""
        site = Path(config.site_dir)
        site.parent.mkdir(parents=True, exist_ok=True)
        self.production_dir = Path(tempfile.mkdtemp(prefix=".loseblatt-ausgaben-", dir=site.parent))
        settings = ProductionSettings(
            config_file=config.config_file_path,
            site_url=config.site_url or "",
            strict=bool(config.strict),
            use_directory_urls=config.use_directory_urls,
            markdown_extensions=list(config.markdown_extensions),
            mdx_configs=dict(config.mdx_configs or {}),
        )
        self.production = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loseblatt")
        self.production_future = self.production.submit(self._produce, settings, self.production_dir)

    def _produce(self, settings: ProductionSettings, out: Path) -> dict:
        editions = [self.result.editions[c] for c in self.codes]
        histories = {ed.code: edition_history(ed, self.result.snapshots, self.result.withdrawals) for ed in editions}
        pdfs: dict = {}
        # PDFs first: their page counts appear on the pages (list of valid sheets).
        started = time.perf_counter()
        if self.pdf_enabled():
            pdfs = self._build_pdfs(settings, editions, histories, out / ".pdf")
        self.timings["pdf"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        counts = {
            ed.code: (
                {b: n for b, (_, n) in pdfs[ed.code].sheets.items()} if ed.code in pdfs else histories[ed.code].pages
            )
            for ed in editions
        }
        self._build_editions(settings, out, histories, counts)
        self.timings["html"] = round(time.perf_counter() - started, 3)
        for ed in editions:
            for sub in ("pdf", "lieferungen"):
                src = out / ".pdf" / ed.code / sub
                if src.is_dir():
                    dest = out / ed.code / sub
                    dest.mkdir(parents=True, exist_ok=True)
                    for f in src.iterdir():
                        os.replace(f, dest / f.name)
            write_manifest(ed, out / ed.code, pdfs.get(ed.code))
            write_packages(ed, self.result.binder, self.result.snapshots, self.result.withdrawals, out / ed.code)
        return pdfs

    def _finish_production(self) -> None:
        """Wait for the background work; always leaves no temporary folder behind."""
        if self.production is None:
            return
        try:
            self.production_future.result()
        finally:
            self.production.shutdown(wait=True)
            self.production = None

    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.is_edition:
            # In navigation order, so that the index is the same on every build.
            order = [p.file.src_uri for p in self.nav_pages] if self.nav_pages else sorted(self.search_entries)
            add_to_index(
                Path(config.site_dir),
                [e for uri in order for e in self.search_entries.get(uri, [])],
                [p.url for p in self.nav_pages],
            )
            if self.shared is not None:
                self.shared.record(self.edition.code)
                self.render_stats["seiten_gerendert"] = len(self.shared.rendered)
                self.render_stats["seiten_aus_cache"] = len(self.shared.keys) - len(self.shared.rendered)
                self.render_stats["seiten_neu"] = [f"{self.edition.code}/{u}" for u in self.shared.rendered]
            return
        site = Path(config.site_dir)
        try:
            self._finish_production()
            for code in self.codes:
                target = site / code
                if target.exists():
                    shutil.rmtree(target)
                os.replace(self.production_dir / code, target)
        finally:
            shutil.rmtree(self.production_dir, ignore_errors=True)
        write_versions(self.versions_list(), site)
        # Where the time went, for the benchmark (make bench); not part of the site.
        stats = self.cache_dir() / "build-stats.json"
        stats.parent.mkdir(parents=True, exist_ok=True)
        stats.write_text(json.dumps(self.timings, indent=1))
        if self.publisher is not None:
            self.publisher.publish()
            log.info(f"Veröffentlicht: {self.publisher.target} ({len(self.codes)} Ausgaben)")

    def versions_list(self) -> list[dict]:
        """versions.json for Material's version selector, here the edition switcher."""
        return [{"version": c, "title": self.result.editions[c].definition.titel, "aliases": []} for c in self.codes]

    def _build_editions(self, settings: ProductionSettings, out: Path, histories: dict, counts: dict) -> None:
        base_url = settings.site_url
        if base_url and not base_url.endswith("/"):
            base_url += "/"
        jobs = [
            EditionJob(
                config_file=settings.config_file,
                edition=self.result.editions[code],
                site_dir=str(out / code),
                site_url=f"{base_url}{code}/" if base_url else None,
                strict=settings.strict,
                use_directory_urls=settings.use_directory_urls,
                versions=self.versions_list(),
                pdf=self.pdf_enabled(),
                history=histories[code],
                page_counts=counts[code],
            )
            for code in self.codes
        ]
        results = build_editions(jobs, self.config.parallel)
        self.timings["ausgaben"] = {r.code: r.seconds for r in results}
        self.timings["markdown"] = {
            k: sum(r.render_stats.get(k, 0) for r in results) for k in ("umgewandelt", "aus_cache")
        }
        self.timings["seiten"] = {
            k: sum(r.render_stats.get(f"seiten_{k}", 0) for r in results) for k in ("gerendert", "aus_cache")
        }
        self.timings["seiten_gerendert"] = sorted(p for r in results for p in r.render_stats.get("seiten_neu", []))
        failed = [r for r in results if not r.ok]
        if failed:
            details = "; ".join(f"{r.code}: {r.error}" for r in failed)
            raise PluginError(
                f"{len(failed)} Ausgabe(n) ließen sich nicht bauen ({details}). Es wird nichts veröffentlicht."
            )
        pages = self.cache_dir() / "seiten"
        if pages.is_dir():
            page_cache.PageCache(pages).prune(set(self.result.binder.editions))

    def _build_pdfs(
        self, settings: ProductionSettings, editions: list[AssembledEdition], histories: dict, out: Path
    ) -> dict:
        from ..print_adapter.build import PdfBuilder, renderer_from, worker_count
        from ..print_adapter.store import PdfStore

        cache = self.cache_dir()
        step = {"last": -1}

        def progress(done: int, total: int) -> None:
            # About ten lines per run, and always the last one.
            tenth = max(1, total // 10)
            if done == total or (total >= 20 and done // tenth != step["last"]):
                step["last"] = done // tenth
                log.info(f"PDF {done}/{total}")

        builder = PdfBuilder(
            renderer_from(settings.markdown_extensions, settings.mdx_configs),
            PdfStore(cache / "pdf"),
            worker_count(self.config.parallel),
            progress,
        )
        dirs = {ed.code: out / ed.code for ed in editions}
        latest = {
            code: (h.deliveries[-1].name, h.deliveries[-1].datum) for code, h in histories.items() if h.deliveries
        }
        result = builder.build(editions, dirs, latest)
        builder.build_supplements(editions, histories, dirs)
        builder.write_stats(cache / "pdf-stats.json")
        log.info(f"PDF: {len(builder.stats.rendered)} neu gesetzt, {builder.stats.reused} aus dem Zwischenspeicher")
        return result

    def on_build_error(self, *, error: Exception) -> None:
        try:
            self._finish_production()
        except Exception:  # noqa: BLE001, S110 - the build already failed; its own error is reported
            pass
        if self.production_dir is not None:
            shutil.rmtree(self.production_dir, ignore_errors=True)
        if self.publisher is not None:
            self.publisher.discard()
