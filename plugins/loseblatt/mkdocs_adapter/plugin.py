"""The `loseblatt` MkDocs plugin: hands MkDocs' events to the role this build plays.

* coordinator (the build the user started, coordinator.py): checks the binder, writes the
  chooser, builds PDFs and every edition in worker processes, publishes atomically;
* edition (inside a worker, edition_site.py): one assembled edition as one MkDocs site.

The plugin itself holds no build state: each build makes a new role object in on_config.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .. import editing
from ..render import MARKDOWN_EXTENSIONS
from ..render.web.html_fixes import finish_template, tidy
from .config import BETREIBER_REQUIRED, CACHE_ENV, PUBLISH_ENV, LoseblattConfig
from .coordinator import Coordinator, ServeSession
from .edition_site import EditionAssignment, EditionSite
from .theme_view import slim_theme
from .viewers import Viewers

ASSETS = Path(__file__).resolve().parent.parent / "assets"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSS = ["fonts.css", "loseblatt.css"]
FONTS = ["Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Italic.ttf", "Lato-BoldItalic.ttf", "OFL.txt"]
# gemeinsam.js first: the others use its helpers.
JS = ["gemeinsam.js", "checklisten.js", "ausgaben.js", "besuch.js"]


class LoseblattPlugin(BasePlugin[LoseblattConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self._assignment: EditionAssignment | None = None
        self._stopped: Callable[[], bool] | None = None
        self._assigned_cache: Path | None = None
        self.role: Coordinator | EditionSite | None = None
        # State of a serve session, kept on this instance (MkDocs keeps a plugin with on_startup
        # across the rebuilds of `mkdocs serve`).
        self.session: ServeSession | None = None

    def assign_edition(
        self,
        assignment: EditionAssignment,
        stopped: Callable[[], bool] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """Called by the edition worker before the build: the next build builds this edition;
        `stopped` says whether a newer serve rebuild has begun (edition_site.Superseded);
        `cache_dir`: the coordinator's cache folder (else from the environment, as there)."""
        self._assignment = assignment
        self._stopped = stopped
        self._assigned_cache = cache_dir

    @property
    def superseded(self) -> bool:
        """Whether this edition build stopped because a newer serve rebuild had begun."""
        return isinstance(self.role, EditionSite) and self.role.superseded

    def _role(self) -> Coordinator | EditionSite:
        if self.role is None:
            raise PluginError("Interner Fehler: on_config lief nicht.")
        return self.role

    @property
    def render_stats(self) -> dict:
        return self.role.render_stats if isinstance(self.role, EditionSite) else {}

    @property
    def linked_pages(self) -> set[str]:
        """Pages of this edition build linked from its last output, filled in as it runs."""
        if isinstance(self.role, EditionSite) and self.role.shared is not None:
            return self.role.shared.linked
        return set()

    @property
    def skeleton_folders(self) -> list[str]:
        """The folders a skeleton brought into this edition build (skeletons.py)."""
        return self.role.skeleton_folders if isinstance(self.role, EditionSite) else []

    @property
    def kept_pages(self) -> dict | None:
        """The edition's pages by key, kept with its output for the next build (page_cache.py)."""
        return self.role.kept_pages() if isinstance(self.role, EditionSite) else None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.session = ServeSession() if command == "serve" else None

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Under serve this instance lives on: a failure before the new role exists must not reach
        # the last rebuild's coordinator through on_build_error.
        self.role = None
        project_root = Path(config.config_file_path).resolve().parent
        env = os.environ.get(CACHE_ENV, "").strip()
        cache_dir = Path(env) if env else project_root / self.config.cache_dir
        if self._assignment is not None and self._assigned_cache is not None:
            cache_dir = self._assigned_cache
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
        slim_theme(config.theme, cache_dir)
        if self._assignment is not None:
            self.role = EditionSite(self._assignment, self.config, project_root, cache_dir, self._stopped)
            self._assignment = self._assigned_cache = None
            return self.role.configure(config)
        self._check_operator()
        self.role = Coordinator(self.config, self.command, project_root, cache_dir, self.session)
        return self.role.configure(config)

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

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        # The binder lies outside docs/: watch it too (from the configuration alone, so that it
        # holds whatever role the last build had).
        root = Path(config.config_file_path).resolve().parent
        server.watch(str((root / self.config.binder_dir).resolve()))
        if self.session is not None and hasattr(server, "set_app"):
            # Which editions a browser shows: a rebuild publishes those first (viewers.py).
            viewers = Viewers(getattr(server, "mount_path", "/"))
            server.set_app(viewers.wrap(server.get_app()))
            self.session.viewers = viewers
        return server

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for name in CSS + JS:
            files.append(File.generated(config, f"assets/loseblatt/{name}", abs_src_path=str(ASSETS / name)))
        for name in FONTS:
            path = str(ASSETS / "fonts" / name)
            files.append(File.generated(config, f"assets/loseblatt/fonts/{name}", abs_src_path=path))
        files = self._role().files(files, config)
        if isinstance(self.role, EditionSite):
            # «Bearbeiten» for pages from a file of binder/; other generated pages have none.
            docs = Path(config.docs_dir).name
            urls = editing.edit_urls(self.role.edition, config.repo_url, config.edit_uri, docs, self.role.project_root)
            for file in files.documentation_pages():
                if file.generated_by and file.page is not None:
                    file.page.edit_url = urls.get(file.src_uri)
        return files

    def on_nav(self, nav, /, *, config: MkDocsConfig, files: Files):
        if isinstance(self.role, EditionSite):
            self.role.nav(nav)
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if isinstance(self.role, EditionSite):
            return self.role.page_markdown(markdown, page, config, dict(self.config.betreiber))
        return markdown

    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        return self.role.page_content(html, page) if isinstance(self.role, EditionSite) else html

    @event_priority(50)  # before Material's search: see EditionSite.page_context
    def on_page_context(self, context, /, *, page: Page, config: MkDocsConfig, nav):
        return self.role.page_context(context, page, nav) if isinstance(self.role, EditionSite) else context

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        # Material's templates are the same for every edition and every rebuild: compile them
        # once into a bytecode cache instead of once per edition build.
        from jinja2 import FileSystemBytecodeCache

        folder = self._role().cache_dir / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return self.role.env(env) if isinstance(self.role, EditionSite) else env

    @event_priority(-100)  # last: the cached HTML is the page as every plugin left it
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if isinstance(self.role, EditionSite):
            return self.role.post_page(output, page)
        return tidy(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if isinstance(self.role, EditionSite):
            return self.role.post_template(output_content, template_name)
        return finish_template(output_content, template_name)

    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._role().post_build(config)

    def on_build_error(self, *, error: Exception) -> None:
        if isinstance(self.role, Coordinator):
            self.role.build_error()
