"""The plugin's edition role: one assembled edition becomes one MkDocs site in site/<code>/.

Runs inside an edition worker (editions.py). The pages and the navigation come from the
edition's site plan (plan/site.py); this module only hands them to MkDocs and keeps the two
caches of finished work (render_cache.py: converted Markdown; page_cache.py: whole pages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .. import addresses, skeletons
from ..core.assemble import AssembledEdition
from ..core.glossary import used_abbreviations
from ..core.history import EditionHistory
from ..core.laender import BASE
from ..core.pipeline import process_docs_page
from ..offline import OFFLINE_LINK
from ..plan.site import PlanSettings, SitePlan, plan_edition
from ..render.sanitize import refused
from ..render.trusted import trusted_html
from ..render.web import pages
from ..render.web.extras import start_page_markdown
from ..render.web.html_fixes import finish_template, tidy
from . import page_cache
from .config import LoseblattConfig
from .edition_outputs import KEPT, EditionOutputs
from .render_cache import EditionPage, RenderCache, Rendered, markdown_settings, nav_titles, session_memo
from .search_entries import add_to_index, entries_for, install_worker, search_config

log = get_plugin_logger(__name__)


@dataclass(frozen=True)
class EditionAssignment:
    """What the coordinator hands to an edition worker: everything the edition build needs."""

    edition: AssembledEdition
    site_url: str | None
    pdf: bool = False
    history: EditionHistory = field(default_factory=EditionHistory)
    page_counts: dict[str, int] = field(default_factory=dict)
    backwards: bool = False  # work through the pages from the last to the first
    epoch: str | None = None  # SOURCE_DATE_EPOCH of this build


class Superseded(Exception):
    """A newer serve rebuild has begun while this edition was being built: the build stops at the
    next page (editions.py returns it as not built; the newer rebuild builds the edition)."""


class EditionSite:
    def __init__(
        self,
        job: EditionAssignment,
        options: LoseblattConfig,
        project_root: Path,
        cache_dir: Path,
        stopped: Callable[[], bool] | None = None,
    ):
        self.job = job
        # Under serve, a late edition's build in a worker would hold that worker for the whole
        # build (1.5 s at 1,000 sheets) while the next rebuild's shown edition waits for it.
        self.stopped = stopped
        self.superseded = False
        self.edition = job.edition
        self.options = options
        self.project_root = project_root
        self.cache_dir = cache_dir
        self.plan: SitePlan | None = None
        self.render_cache: RenderCache | None = None
        self.shared: page_cache.SharedPages | None = None
        self.render_keys: dict[str, str] = {}  # pages converted now: src_uri -> key
        self.page_keys: dict[str, str] = {}  # every generated page: src_uri -> key
        self.doc_uris: set[str] = set()
        self.nav_pages: list = []
        self.search_entries: dict[str, list[dict]] = {}
        self.search_config: dict | None = None
        # aus_gedaechtnis: of aus_cache, from a serve worker's memory (render_cache.session_memo).
        self.render_stats: dict = {"umgewandelt": 0, "aus_cache": 0, "aus_gedaechtnis": 0}
        self.site_dir = ""
        self.skeleton_folders: list[str] = []

    # ----- configuration and files --------------------------------------------
    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        ed = self.edition
        config.site_name = f"{config.site_name} – {ed.definition.titel}"
        config.site_url = self.job.site_url
        config.extra["version"] = {"provider": "mike", "default": BASE}
        config.extra["ausgabe"] = {"code": ed.code, "titel": ed.definition.titel, "land": ed.definition.name}
        docs_dir = Path(config.docs_dir)
        docs = tuple(sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")))
        settings = PlanSettings(
            self.job.pdf,
            config.use_directory_urls,
            docs,
            tuple(self.options.seiten),
            config.site_url,
            self.cache_dir,
            self.job.backwards,
        )
        self.plan = plan_edition(ed, self.job.history, self.job.page_counts, settings)
        config.nav = self.plan.nav
        return config

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.plan is None:
            raise PluginError("Interner Fehler: Die Ausgabe ist nicht geplant.")
        # The first event after MkDocs emptied the site folder, before anything is written.
        self.skeleton_folders = skeletons.unpack(Path(config.site_dir))
        titles = self.plan.titles()
        for planned in self.plan.pages:
            file = File.generated(config, planned.path, content=planned.content)
            EditionPage(titles.get(planned.path), file, config)
            files.append(file)
        for image in self.plan.images:
            # A file of the same name in docs/ wins.
            if files.get_file_from_path(image.path) is None:
                files.append(File.generated(config, image.path, abs_src_path=str(image.source)))
        for generated in self.plan.files:
            files.append(File.generated(config, generated.path, content=generated.content))
        # Pages from docs/ too: most read the same in every edition and every build, so their
        # converted Markdown comes from the cache like a sheet's.
        nav_title = nav_titles(self.plan.nav)
        for file in files.documentation_pages():
            if file.page is None:
                EditionPage(nav_title.get(file.src_uri), file, config)
        install_worker(files, config)
        self.doc_uris = {f.src_uri for f in files if f.is_documentation_page()}
        # Only a serve session's jobs have a stop test (coordinator.py). Its workers build the
        # editions again at every edit; a build's own workers end with the build.
        memo = session_memo() if self.stopped is not None else None
        if memo is not None:
            memo.next_job()
        self.render_cache = RenderCache(self.cache_dir / "html", markdown_settings(config), memo)
        self.search_config = search_config(config)
        if self.options.seitencache:
            self.shared = page_cache.SharedPages.for_build(
                config, self.cache_dir / "seiten", self.project_root, self.job.epoch
            )
        self.site_dir = config.site_dir
        if self.shared is not None:
            last = EditionOutputs(self.cache_dir / KEPT).site_pages(self.edition.code)
            self.shared.kept = page_cache.KeptPages.of(last, self.shared.placeholders, config.site_dir)
        if self.job.backwards:
            # Only the order of work changes: sitemap and search index are sorted on output.
            docs = [f for f in files if f.is_documentation_page()]
            files = Files([f for f in files if not f.is_documentation_page()] + docs[::-1])
        if self.shared is not None:
            return page_cache.LinkedStaticFiles(list(files), self.shared.link_static)
        return files

    def nav(self, nav) -> None:
        self.nav_pages = list(nav.pages)

    # ----- pages ----------------------------------------------------------------
    def stop_if_superseded(self) -> None:
        """Called for every page, before it is converted and before it is rendered."""
        if self.stopped is not None and self.stopped():
            self.superseded = True
            raise Superseded(self.edition.code)

    def page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, betreiber: dict) -> str:
        self.stop_if_superseded()
        if page.file.generated_by:
            return self._from_cache(markdown + self._abbreviations(markdown), page)
        # Hand-written pages from docs/ go through the same text steps as sheets.
        ed = self.edition
        text, problems = process_docs_page(
            markdown,
            ed,
            page.file.src_uri,
            Path(page.file.abs_src_path or page.file.src_uri),
            self.project_root,
            betreiber,
        )
        if problems:
            for p in problems.sorted():
                log.error(p.format())
            raise PluginError(f"Fehler in {page.file.src_uri} (Ausgabe {ed.code}).")
        if page.file.src_uri == "index.md":
            text = text.rstrip() + "\n\n" + start_page_markdown(ed, self.job.history) + "\n"
            text += pages.registers_overview(ed) + "\n"
            if self.job.pdf:
                link = pages.pdf_link(
                    "index.md", addresses.edition_pdf(ed.code), "Ganze Ausgabe als PDF", config.use_directory_urls
                )
                text += "\n" + trusted_html(f'<p class="lb-downloads">{link}</p>') + "\n"
            text += "\n" + trusted_html(OFFLINE_LINK) + "\n"  # the size: offline.py
        return self._from_cache(text + self._abbreviations(text), page)

    def _abbreviations(self, text: str) -> str:
        """Glossary abbreviations used on the page, explained wherever they occur (extension abbr)."""
        used = used_abbreviations(self.edition.abbreviations, text)
        return f"\n\n{used}\n" if used else ""

    def _from_cache(self, markdown: str, page: Page) -> str:
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

    def page_content(self, html: str, page: Page) -> str:
        uri = page.file.src_uri
        if self.shared is not None and "template" not in page.meta:
            page.meta["template"] = page_cache.TEMPLATE
        key = self.render_keys.pop(uri, None)
        if key is None or self.render_cache is None:
            return html
        if isinstance(page, EditionPage):
            # Converted now (a cached page passed this when it was converted).
            excess = refused(html)
            if excess is not None:
                raise PluginError(
                    f"{uri} (Ausgabe {self.edition.code}): Die Seite enthielte Markup außerhalb "
                    f"der erlaubten Liste: „…{excess}…“. Bitte melden: Das sollte die Prüfung schon abfangen."
                )
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

    def page_context(self, context, page: Page, nav):
        self.stop_if_superseded()
        # The page as rendered before (by another edition or build) when everything it shows
        # is the same; otherwise the theme renders it edition-neutral (page_cache.py).
        if self.shared is not None and page.meta.get("template") == page_cache.TEMPLATE:
            from markupsafe import Markup

            html = self.shared.lookup(page, nav)
            if html is not None:
                context[page_cache.CONTEXT_KEY] = Markup(html)  # noqa: S704 - our own rendered page
        self._search_entries(page)
        if page_cache.CONTEXT_KEY in context and not getattr(page, "searched_by_material", True):
            # Nothing reads the content any more: the page is linked or comes whole from the
            # cache, and its entries are made. Material's search, next, skips the page but still
            # runs a pattern over all of it (a twentieth of a warm edition build).
            page.content = ""
        return context

    def _search_entries(self, page: Page) -> None:
        """Search entries of generated pages: from the cache, or made once and cached."""
        key = self.page_keys.get(page.file.src_uri)
        if self.search_config is None or key is None or self.render_cache is None:
            return
        if getattr(page, "searched_by_material", False):
            return  # the page says itself how it is searched
        entries = self.render_cache.get_search(key)
        if entries is None:
            entries = entries_for(page, self.search_config)
            self.render_cache.put_search(key, entries)
        self.search_entries[page.file.src_uri] = entries

    def env(self, env):
        if self.shared is not None:
            from jinja2 import ChoiceLoader, DictLoader

            env.loader = ChoiceLoader([env.loader, DictLoader({page_cache.TEMPLATE: page_cache.TEMPLATE_SOURCE})])
        return env

    def post_page(self, output: str, page: Page) -> str:
        if self.shared is None or page.file.src_uri not in self.shared.keys:
            return tidy(output)
        return self.shared.written(page, lambda: tidy(output))

    def post_template(self, output: str, template_name: str) -> str:
        if self.shared is not None:
            output = self.shared.placeholders.fill(output)
        return finish_template(output, template_name)

    def post_build(self, config: MkDocsConfig) -> None:
        # In navigation order, so that the index is the same on every build.
        order = [p.file.src_uri for p in self.nav_pages] if self.nav_pages else sorted(self.search_entries)
        add_to_index(
            Path(config.site_dir),
            [e for uri in order for e in self.search_entries.get(uri, [])],
            [p.url for p in self.nav_pages],
        )
        if self.render_cache is not None:
            self.render_cache.store.record(self.edition.code)
            self.render_stats["aus_gedaechtnis"] = self.render_cache.remembered
        if self.shared is not None:
            self.shared.record(self.edition.code)
            self.render_stats["seiten_gerendert"] = len(self.shared.rendered)
            self.render_stats["seiten_aus_cache"] = len(self.shared.keys) - len(self.shared.rendered)
            self.render_stats["seiten_neu"] = [f"{self.edition.code}/{u}" for u in self.shared.rendered]
            self.render_stats["seiten_verlinkt"] = len(self.shared.linked)
            self.render_stats["dateien_verlinkt"] = self.shared.static.linked

    def kept_pages(self) -> dict | None:
        return self.shared.listing(self.site_dir) if self.shared is not None and self.site_dir else None
