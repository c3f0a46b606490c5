"""The plugin's coordinator role: the build the user started.

It checks the whole binder, writes the chooser (site/index.html) as its own small MkDocs site,
and meanwhile, in a background thread, makes the PDFs and builds every edition in worker
processes into a folder of its own; at the end everything is moved into place and published
atomically: the new site replaces the old one only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import addresses, skeletons
from ..caching import CacheFolder
from ..check_store import CheckStore
from ..core import kommune, pipeline
from ..core.assemble import AssembledEdition, TextMemo
from ..core.history import edition_history
from ..core.model import Binder
from ..offline import OFFLINE_ZIP
from ..publish import Publisher, SiteBusy, exchange, remove_lock_when_gone, scratch_dir
from ..render import error_page
from ..render.web import pages
from ..render.web.manifest import write_versions
from ..workers import limit_malloc_arenas, return_freed_memory, start_early, stop_like_ctrl_c
from .config import AUSGABE_ENV, PDF_ENV, LoseblattConfig
from .edition_outputs import FINISHED, KEPT, EditionOutputs, edition_key, finished_key, project_files
from .edition_site import EditionAssignment
from .editions import EditionJob, EditionResult, EditionWorkers, build_editions, build_order
from .finishing import (
    OFFLINE_CACHE,
    PACKAGES_CACHE,
    Finishing,
    OfflineJob,
    finish_and_keep,
    finish_offline,
    for_finishing,
)
from .page_cache import KeptPages, LinkedStaticFiles, StaticLinks
from .search_entries import SEARCH_PLUGIN
from .viewers import Viewers

log = get_plugin_logger(__name__)
serve_log = logging.getLogger("loseblatt.pruefung")
STOP = ".ueberholt"  # in the production folder: a newer serve rebuild has begun


def source_date_epoch(project_root: Path, binder: Binder) -> str:
    """The build's date for reproducible output: the last commit's time, else the newest Stand
    of any sheet (as the loader read it), never today."""
    import calendar

    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=project_root, capture_output=True, text=True, timeout=10
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    sheets = [*binder.base_sheets, *(s for own in binder.state_sheets.values() for s in own)]
    stands = [s.stand for s in sheets if len(s.stand) == 7]
    newest = max(stands, default="2021-09")
    return str(calendar.timegm((int(newest[:4]), int(newest[5:7]), 1, 0, 0, 0)))


@dataclass(frozen=True)
class ProductionSettings:
    """What the background production needs from the configuration (read once, not shared)."""

    config_file: str
    site_url: str
    strict: bool
    use_directory_urls: bool
    markdown_extensions: list
    mdx_configs: dict
    epoch: str


@dataclass
class ServeSession:
    """What a `mkdocs serve` session keeps from one rebuild to the next, on the plugin instance
    (MkDocs keeps a plugin with on_startup for the whole session): the check's results for texts
    that did not change, and the edition workers with what they have loaded."""

    memo: TextMemo = field(default_factory=TextMemo)
    workers: EditionWorkers | None = None
    kept: bool = False  # the check's results are on disk (check_store.py)
    removing: Publisher | None = None  # the last rebuild's, while its old site is removed
    # The last rebuild's editions nobody was looking at, placed after the browsers reloaded.
    completing: threading.Thread | None = None
    stop_late: Callable[[], None] | None = None
    viewers: Viewers | None = None  # which editions a browser shows (viewers.py)
    # The rebuild under way, if any: a session stopped during it (Ctrl-C, SIGTERM) ends it like a
    # failed build, since MkDocs' build passes KeyboardInterrupt on without its build_error event.
    current: Coordinator | None = None
    skeleton_root: Path | None = None  # the editions' folders of the last replaced site (skeletons.py)
    site: Path | None = None  # MkDocs' temporary site, which MkDocs removes after the plugins' shutdown
    # The chooser's static files as the last rebuild wrote them into `site` (page_cache.StaticLinks).
    chooser_files: dict = field(default_factory=dict)
    _restore_sigterm: Callable[[], None] = field(default=lambda: None, init=False, repr=False)

    def __post_init__(self) -> None:
        # The server process lives as long as the session: its memory must not creep.
        limit_malloc_arenas()
        self._restore_sigterm = stop_like_ctrl_c()

    def supersede(self) -> None:
        """A new rebuild begins: the last one's editions that no worker has started yet are not
        built (the new rebuild builds them); settle() still waits for those being built."""
        if self.stop_late is not None:
            self.stop_late()
            self.stop_late = None

    def settle(self) -> None:
        if self.completing is not None:
            self.completing.join()  # before the lock goes: it writes into the served folder
            self.completing = None
        if self.removing is not None:
            self.removing.finish()
            self.removing = None

    def close(self) -> None:
        current, self.current = self.current, None
        if current is not None:
            current.supersede()  # its editions still in a worker stop at their next page
            current.build_error()  # its production and staging folders go, its lock too
        self.supersede()
        self.settle()
        if current is not None:
            # Stopped between the publish and the start of the late editions' thread, the
            # rebuild's production folder has no owner left: it goes here.
            current.discard_production()
        if self.workers is not None:
            self.workers.close()
            self.workers = None
        if self.skeleton_root is not None:
            shutil.rmtree(self.skeleton_root, ignore_errors=True)
            self.skeleton_root = None
        if self.site is not None:
            remove_lock_when_gone(self.site)
            self.site = None
        self._restore_sigterm()
        self._restore_sigterm = lambda: None


class Coordinator:
    def __init__(
        self,
        options: LoseblattConfig,
        command: str | None,
        project_root: Path,
        cache_dir: Path,
        session: ServeSession | None = None,
    ):
        self.options = options
        # Under serve: what the last check worked out, for texts that did not change.
        self.session = session
        self.command = command
        self.project_root = project_root
        self.cache_dir = cache_dir
        self.result: pipeline.CheckResult | None = None
        self.codes: list[str] = []
        self.publisher: Publisher | None = None
        self.chooser_static: StaticLinks | None = None
        self.epoch: str | None = None
        self.epoch_was_set = False
        self.timings: dict = {}
        # Seconds since on_config began, at each step of the build: where a rebuild waits.
        self.timeline: dict[str, float] = {}
        self.began = time.perf_counter()
        self.production: ThreadPoolExecutor | None = None
        self.production_future: Future | None = None
        self.production_dir: Path | None = None
        self.site_target = project_root / "site"
        self.skeleton_root: Path | None = None
        # Under `mkdocs serve`, a failed check shows an error page instead of the stale site.
        self.serve_problems: list | None = None
        self.stale_pages: list[str] = []
        # Under serve: the editions a browser shows are built first, and the rebuild is published
        # as soon as they are ready; the others are swapped in after the browsers reloaded.
        self.shown: list[str] = []
        self.ready: set[str] = set()
        self._ready_lock = threading.Lock()
        self.shown_ready = threading.Event()
        self.superseded = False
        self.published = False  # post_build has swapped the new site in
        # Under serve: the editions whose requests wait until they are published (viewers.py),
        # and the recorder that holds them, as it was when this rebuild began.
        self.held: list[str] = []
        self.viewers: Viewers | None = None
        # Shown editions published before their offline copy was made (finishing.finish_offline).
        self.offline_later: dict[str, Finishing] = {}

    @property
    def checked(self) -> pipeline.CheckResult:
        if self.result is None:
            raise PluginError("Interner Fehler: Der Ordner ist noch nicht geprüft.")
        return self.result

    def _production_dir(self) -> Path:
        if self.production_dir is None:
            raise PluginError("Interner Fehler: Die Ausgaben wurden nicht gebaut.")
        return self.production_dir

    def binder_dir(self) -> Path:
        return (self.project_root / self.options.binder_dir).resolve()

    def pdf_enabled(self) -> bool:
        env = os.environ.get(PDF_ENV, "").strip().lower()
        if env:
            return env not in ("0", "nein", "false", "no", "off")
        return bool(self.options.pdf)

    def wanted_editions(self) -> list[str]:
        """Editions asked for by LOSEBLATT_AUSGABE or the config; empty means all."""
        return os.environ.get(AUSGABE_ENV, "").replace(",", " ").split() or list(self.options.ausgaben)

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

    def mark(self, step: str) -> None:
        self.timeline[step] = round(time.perf_counter() - self.began, 3)

    def _workers_certain(self) -> bool:
        """Whether this build will start workers for sure: the first build of a serve session
        (its rebuilds use them), or a build with no edition kept from before."""
        if self.session is not None:
            return self.session.workers is None
        return not EditionOutputs(self.cache_dir / KEPT).anything_kept()

    # ----- events ---------------------------------------------------------------
    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        # LOSEBLATT_AUSGABE (for a fast serve) limits assembling and checking to those editions.
        # A municipal binder (kommune.yml) is checked and assembled from its pinned package.
        self.began = started = time.perf_counter()
        if self.session is not None:
            self.session.supersede()  # the last rebuild's late editions are out of date now
            self.session.current = self
        if self._workers_certain() and start_early():
            self.mark("arbeitsprozesse_vorbereitet")
        memo = self.session.memo if self.session is not None else TextMemo()
        store = CheckStore(self.cache_dir / "pruefung")
        if memo.empty:
            store.load(memo)  # a new process: what the last build's check worked out
        result = kommune.check_project(
            self.project_root, self.binder_dir(), self.wanted_editions() or None, self.cache_dir, memo
        )
        if self.session is None or not self.session.kept:
            # Under serve, the session keeps it; on disk once, for the builds after the session.
            store.save(memo)
            if self.session is not None:
                self.session.kept = True
        self.timings["pruefung"] = round(time.perf_counter() - started, 3)
        self.mark("geprueft")
        self.site_target = Path(config.site_dir)
        if self.command == "serve":
            # The served folder stays whole while the rebuild runs: it is replaced at the end.
            self._stage(config, keep_unchanged=False)
        if result.problems and self.command == "serve":
            # Not MkDocs' logger: strict mode would abort the rebuild, and the server would hang.
            for problem in result.problems:
                serve_log.error(problem.format())
            self.serve_problems = result.problems
            self.stale_pages = error_page.existing_pages(self.site_target)
            config.nav = []
            return config
        if result.problems:
            for problem in result.problems:
                log.error(problem.format())
            n = len(result.problems)
            command = (
                "loseblatt kommune pruefen" if (self.project_root / "kommune.yml").is_file() else "loseblatt check"
            )
            raise PluginError(
                f"Der Ordner enthält {n} Fehler (siehe oben); es wird nichts veröffentlicht. "
                f"Mit „{command}“ lassen sie sich ohne Build prüfen."
            )
        self.result = result
        self.codes = self.selected_editions(list(result.binder.editions))
        if self.session is not None and self.session.viewers is not None:
            shown = self.session.viewers.shown(self.codes)
            # Nobody looking, or every edition shown: one publish when all are done.
            self.shown = shown if len(shown) < len(self.codes) else []
            if self.shown:
                # A reader who switches to another edition now waits for its new version, as for
                # every page while MkDocs builds, rather than seeing the one before the edit.
                self.viewers = self.session.viewers
                self.held = [c for c in self.codes if c not in self.shown]
                self.viewers.hold(self.held)
        # Reproducible output: dates come from SOURCE_DATE_EPOCH. The edition workers get it as an
        # argument; MkDocs reads it only from the environment, so for this build's own sitemap it
        # is set here and removed again when the build ends.
        self.epoch = os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch(self.project_root, result.binder)
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = self.epoch
            self.epoch_was_set = True
        config.nav = ["index.md"]
        # The chooser has nothing of its own to search; no search box rather than one that
        # finds no sheet. Each edition has its own.
        if (search := config.plugins.get(SEARCH_PLUGIN)) is not None:
            search.config.enabled = False
        if self.command == "build":
            self._stage(config, keep_unchanged=True)
        self._start_production(config)
        return config

    def _stage(self, config: MkDocsConfig, keep_unchanged: bool) -> None:
        """MkDocs builds into a staging folder; post_build swaps it in (publish.py)."""
        # The editions' folders of the site this build replaces are kept for the next build.
        self.skeleton_root = skeletons.root_beside(self.site_target.resolve())
        if self.session is not None:
            self.session.settle()  # the last rebuild's old site is gone before this one starts
            self.mark("vorige_abgeschlossen")
            self.session.skeleton_root = self.skeleton_root  # in the temporary folder: removed at the end
            self.session.site = self.site_target.resolve()
        try:
            self.publisher = Publisher(
                self.site_target, keep_unchanged=keep_unchanged, skeleton_root=self.skeleton_root
            )
        except SiteBusy as exc:
            raise PluginError(str(exc)) from None
        config.site_dir = str(self.publisher.staging)

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.serve_problems is not None:
            return Files([])
        # The coordinator's own site is only the chooser; docs/ pages belong to each edition.
        for f in [f for f in files if f.is_documentation_page()]:
            files.remove(f)
        editions = {c: self.checked.editions[c].definition.titel for c in self.codes}
        files.append(File.generated(config, "index.md", content=pages.chooser_page(editions)))
        if self.session is None or self.session.site is None:
            return files
        # Under serve the chooser's assets are linked from the site the rebuild replaces.
        kept = KeptPages(self.session.site, self.session.chooser_files, config.site_dir)
        self.chooser_static = links = StaticLinks()
        return LinkedStaticFiles(list(files), lambda file: links.link(file, kept))

    def post_build(self, config: MkDocsConfig) -> None:
        self.mark("startseite_gebaut")
        site = Path(config.site_dir)
        if self.session is not None:
            links = self.chooser_static if self.serve_problems is None else None
            self.session.chooser_files = links.listing(config.site_dir) if links is not None else {}
            self.timings["startseite_dateien_verlinkt"] = links.linked if links is not None else 0
        late: list[str] = []
        if self.serve_problems is not None:
            error_page.write_error_site(site, self.serve_problems, self.stale_pages)
        else:
            late = self._place_editions(site)
        if self.publisher is not None:
            started = time.perf_counter()
            published = self.codes if self.serve_problems is None else []
            self.timings["unveraendert_behalten"] = self.publisher.publish(published)
            self.timings["veroeffentlichen"] = round(time.perf_counter() - started, 3)
            if self.command != "serve":
                log.info(f"Veröffentlicht: {self.publisher.target} ({len(self.codes)} Ausgaben)")
        self.mark("veroeffentlicht")
        self.published = True
        self._release([c for c in self.held if c not in late])
        if late:
            self.timings["zuerst"] = self.shown
            self.timings["spaeter"] = late
        if self.offline_later:
            self.timings["offline_danach"] = sorted(self.offline_later)
        self._write_stats()
        if self.session is not None and self.publisher is not None:
            # The old site goes while the browser reloads; the next rebuild waits for it.
            self.session.removing = self.publisher
        elif self.publisher is not None:
            self.publisher.finish()
        if self.session is not None and (late or self.offline_later):
            completing = threading.Thread(
                target=self._complete_late, args=(late,), name="loseblatt-spaeter", daemon=True
            )
            completing.start()  # before settle() can see it: a thread not started cannot be joined
            self.session.completing = completing
            self.session.stop_late = self.supersede
        if self.session is not None:
            # The server lives for the session: what the last rebuild freed goes back now.
            return_freed_memory()
            self._done_in_session()

    def _done_in_session(self) -> None:
        if self.session is not None and self.session.current is self:
            self.session.current = None

    def _release(self, codes: list[str]) -> None:
        if self.viewers is not None and codes:
            self.viewers.release(codes)

    def _write_stats(self) -> None:
        """Where the time went, for the benchmark (make bench); not part of the site, so it never
        fails a build."""
        self.timings["zeitleiste"] = dict(self.timeline)
        # A copy: under serve the production thread may add entries while this one writes.
        timings = dict(self.timings)
        stats = self.cache_dir / "build-stats.json"
        part = stats.with_name(f".{stats.name}.{threading.get_ident()}")
        try:
            stats.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(json.dumps(timings, indent=1))
            os.replace(part, stats)  # whole for a reader, also when written again after a late publish
        except (OSError, TypeError, ValueError) as exc:
            part.unlink(missing_ok=True)
            log.debug(f"build-stats.json nicht geschrieben: {exc}")

    def _place_editions(self, site: Path) -> list[str]:
        """The editions' sites into the new site; returns those left to swap in after the publish
        (under serve, the editions no browser shows while they are not built yet: until then the
        new site holds their last version, moved over from the served one)."""
        production_dir = self._production_dir()
        late = self._late_editions()
        try:
            if not late:
                self._finish_production()
                self.mark("herstellung_fertig")
            for code in self.codes:
                target = site / code
                if target.exists():
                    shutil.rmtree(target)
                # No browser waits for the served copy while MkDocs builds: the server answers
                # page requests only when the build is done.
                os.replace(self._served(code) if code in late else production_dir / code, target)
                if code in self.offline_later:
                    # Until its new offline copy is made, the last one, so the link never fails.
                    with contextlib.suppress(OSError):
                        os.link(self._served(code) / OFFLINE_ZIP, target / OFFLINE_ZIP)
        finally:
            if not late:
                shutil.rmtree(production_dir, ignore_errors=True)
            self._restore_epoch()
        write_versions(self.versions_list(), site)
        return late

    def _served(self, code: str) -> Path:
        return self.site_target.resolve() / code

    def _note_ready(self, code: str) -> None:
        """An edition's finished site is in the production folder (called in the production thread)."""
        with self._ready_lock:
            self.ready.add(code)
            if self.shown and self.ready.issuperset(self.shown):
                self.shown_ready.set()

    def _late_editions(self) -> list[str]:
        """Waits until the editions a browser shows are ready (or everything is done or failed);
        returns the editions still being built, if each of them has a served copy to show meanwhile."""
        if not self.shown:
            return []
        self.shown_ready.wait()
        if self.production_future is None or self.production_future.done():
            return []  # all done, or failed: published (or reported) as a whole
        with self._ready_lock:
            if not self.ready.issuperset(self.shown):
                return []  # a shown edition failed: the build fails as a whole
            late = [c for c in self.codes if c not in self.ready]
        return late if all(self._served(c).is_dir() for c in late) else []

    def supersede(self) -> None:
        """A newer rebuild has begun: late editions not started yet are skipped, none is swapped in."""
        self.superseded = True
        if self.production_dir is not None:
            try:
                (self.production_dir / STOP).touch()
            except OSError:  # already done and removed
                pass

    def _complete_late(self, late: list[str]) -> None:
        """Under serve, after the publish: make the offline copies of the editions published
        without one, wait for the editions nobody looked at and swap each into the served site in
        one step. Runs in a thread of its own; the next rebuild waits for it (ServeSession.settle)."""
        production_dir = self._production_dir()
        stop = str(production_dir / STOP)
        offline: list[Future] = []
        try:
            if self.session is not None and self.session.workers is not None:
                # Behind the editions already handed to the workers.
                offline = [
                    self.session.workers.submit(finish_offline, OfflineJob(code, str(self._served(code)), later, stop))
                    for code, later in self.offline_later.items()
                ]
            self._finish_production()
            self.mark("herstellung_fertig")
            # Superseded: the served copies stay until the newer rebuild replaces them, which
            # builds every edition whose inputs differ from its last build.
            for code in [] if self.superseded else late:
                new, served = production_dir / code, self._served(code)
                if not exchange(new, served):
                    aside = production_dir / f".{code}-alt"
                    os.replace(served, aside)  # for a moment this edition is missing
                    os.replace(new, served)
                    os.replace(aside, new)
                self._release([code])
                if self.skeleton_root is not None:
                    skeletons.keep(production_dir, [code], self.skeleton_root)  # for the next rebuild
            if self.superseded and self.skeleton_root is not None:
                # Not swapped in: what was built or placed for them is the next rebuild's skeleton.
                skeletons.keep(production_dir, late, self.skeleton_root)
            for job in offline:
                job.result()
            self.mark("ueberholt" if self.superseded else "alle_veroeffentlicht")
        except Exception as exc:  # noqa: BLE001 - a thread of its own: reported, and the session goes on
            which = ", ".join(late or self.offline_later)
            serve_log.error(f"Die Ausgaben {which} zeigen (teils) weiter den vorigen Stand: {exc}")
        finally:
            for job in offline:
                with contextlib.suppress(Exception):
                    job.result()  # never remove the folder of its stop file under a running job
            self._release(late)  # superseded or failed: the served copy is what there is
            shutil.rmtree(production_dir, ignore_errors=True)
            self._write_stats()
            return_freed_memory()  # as after each rebuild: the server lives for the session

    def build_error(self) -> None:
        self._done_in_session()
        if self.published:
            # MkDocs fails a strict build after post_build when warnings were logged: the site is
            # out already, and the late editions' thread (if any) owns the production folder.
            self._restore_epoch()
            return
        self._release(self.held)
        try:
            self._finish_production()
        except Exception:  # noqa: BLE001, S110 - the build already failed; its own error is reported
            pass
        if self.production_dir is not None:
            shutil.rmtree(self.production_dir, ignore_errors=True)
        if self.publisher is not None:
            self.publisher.discard()
        self._restore_epoch()

    def discard_production(self) -> None:
        """What is left of the production when the session ends: the background work is waited
        for (stopped by supersede() at its next page), the folder goes."""
        with contextlib.suppress(Exception):
            self._finish_production()
        if self.production_dir is not None:
            shutil.rmtree(self.production_dir, ignore_errors=True)

    def _restore_epoch(self) -> None:
        if self.epoch_was_set:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self.epoch_was_set = False

    def versions_list(self) -> list[dict]:
        """versions.json for Material's version selector, here the edition switcher."""
        return [{"version": c, "title": self.checked.editions[c].definition.titel, "aliases": []} for c in self.codes]

    # ----- production: PDFs and edition sites, in the background -------------------
    def _start_production(self, config: MkDocsConfig) -> None:
        """PDFs and edition sites are made in the background, beside the coordinator's own small
        build (the chooser), into a folder of their own; post_build moves them into place."""
        self.production_dir = scratch_dir(self.site_target)
        settings = ProductionSettings(
            config_file=config.config_file_path,
            site_url=config.site_url or "",
            strict=bool(config.strict),
            use_directory_urls=config.use_directory_urls,
            markdown_extensions=list(config.markdown_extensions),
            mdx_configs=dict(config.mdx_configs or {}),
            epoch=self.epoch or "",
        )
        self.production = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loseblatt")
        self.production_future = self.production.submit(self._produce_all, settings, self.production_dir)

    def _produce_all(self, settings: ProductionSettings, out: Path) -> dict:
        try:
            return self._produce(settings, out)
        finally:
            self.shown_ready.set()  # done or failed: nothing more to wait for

    def _finish_production(self) -> None:
        """Wait for the background work; always leaves no temporary folder behind."""
        if self.production is None:
            return
        try:
            if self.production_future is not None:
                self.production_future.result()
        finally:
            self.production.shutdown(wait=True)
            self.production = None

    def _produce(self, settings: ProductionSettings, out: Path) -> dict:
        result = self.checked
        editions = [result.editions[c] for c in self.codes]
        histories = {ed.code: edition_history(ed, result.snapshots, result.withdrawals) for ed in editions}
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
        self._build_editions(settings, out, histories, counts, pdfs)
        CacheFolder(self.cache_dir / OFFLINE_CACHE).prune(set(self.checked.binder.editions))
        self.timings["html"] = round(time.perf_counter() - started, 3)  # with the post steps
        return pdfs

    def _build_editions(
        self,
        settings: ProductionSettings,
        out: Path,
        histories: dict,
        counts: dict,
        pdfs: dict,
    ) -> None:
        """Every edition's finished site into out/<code>: built and finished by the workers, or
        taken from the last build (edition_outputs.py)."""
        jobs = [
            EditionJob(
                config_file=settings.config_file,
                cache_dir=str(self.cache_dir),
                site_dir=str(out / code),
                strict=settings.strict,
                use_directory_urls=settings.use_directory_urls,
                assignment=EditionAssignment(
                    edition=self.checked.editions[code],
                    site_url=addresses.edition_url(settings.site_url, code) or None,
                    pdf=self.pdf_enabled(),
                    history=histories[code],
                    page_counts=counts[code],
                    epoch=settings.epoch,
                ),
            )
            for code in self.codes
        ]
        # An edition whose inputs are unchanged since its last build is linked from there. Each
        # edition's key is worked out in build order, and an edition that must be built goes to
        # a worker at once: the first worker starts before the last key is known.
        kept = EditionOutputs(self.cache_dir / KEPT)
        config_text = Path(settings.config_file).read_text(encoding="utf-8")
        # Keys hold no absolute path (caching.py): the configuration by its name beside the
        # project's files, its text keyed itself, so a moved checkout reuses its editions.
        keyed_settings = replace(settings, config_file=Path(settings.config_file).name)
        # Hidden folders (the production and staging folders) are skipped anyway.
        files = project_files(self.project_root, self.binder_dir(), [self.site_target, self.cache_dir])
        result = self.checked
        keys: dict[str, str | None] = {}
        done_keys: dict[str, str | None] = {}
        finished: list[str] = []  # taken whole from the last build
        reused: list[str] = []  # MkDocs' output taken from the last build, finished here
        keying = {"s": 0.0}
        binder = for_finishing(result.binder)

        def finishing(code: str, offline_later: bool = False) -> Finishing:
            return Finishing(
                cache_dir=str(self.cache_dir),
                pdf_dir=str(out / ".pdf" / code),
                pdfs=pdfs.get(code),
                binder=binder,
                snapshots=result.snapshots,
                withdrawals=result.withdrawals,
                epoch=int(settings.epoch or 0),
                site_key=keys[code],
                finished_key=done_keys[code],
                offline_later=offline_later,
            )

        def to_build() -> Iterator[EditionJob]:
            # What a browser shows first (under serve), else the general edition and the largest.
            for job in sorted(build_order(jobs), key=lambda j: j.edition.code not in self.shown):
                started = time.perf_counter()
                code = job.edition.code
                skeletons.place(self.skeleton_root, code, out / code)
                keys[code] = edition_key(job.assignment, keyed_settings, config_text, files, self.project_root)
                # A finished edition (with PDFs, manifest, packages and offline copy) is taken
                # whole when, besides its site, nothing those steps read has changed either.
                done_keys[code] = finished_key(
                    keys[code],
                    (pdfs.get(code), result.snapshots, result.withdrawals, result.binder.glossary),
                    out / ".pdf" / code,
                    self.project_root,
                )
                if kept.restore(code, done_keys[code], out / code, FINISHED):
                    finished.append(code)
                    self._note_ready(code)
                elif kept.restore(code, keys[code], Path(job.site_dir)):
                    reused.append(code)
                keying["s"] += time.perf_counter() - started
                if code not in finished and code not in reused:
                    if "arbeiter_beauftragt" not in self.timeline:  # the first one
                        self.mark("arbeiter_beauftragt")
                    # An edition a browser shows gets its offline copy after the publish.
                    later = code in self.shown
                    if later:
                        self.offline_later[code] = finishing(code, offline_later=True)
                    # Only a serve session's rebuild can be superseded; its workers live as
                    # long as the session and keep what they read (edition_site.py).
                    stop = str(out / STOP) if self.session is not None else None
                    yield replace(job, finishing=finishing(code, later), stop_file=stop)

        # Each worker finishes the edition it built (finishing.py). These are finished here
        # meanwhile: their MkDocs output was taken from the last build.
        post = {"s": 0.0}

        def finish_reused() -> None:
            for code in reused:
                post["s"] += finish_and_keep(result.editions[code], out / code, finishing(code), built=False)
                self._note_ready(code)

        def done(built: EditionResult) -> None:
            if built.ok and not built.skipped:
                self._note_ready(built.code)
            else:
                self.shown_ready.set()  # the build fails as a whole: reported when all are done

        workers = None
        if self.session is not None:
            workers = self.session.workers = self.session.workers or EditionWorkers(self.options.parallel)
        results = build_editions(
            to_build(), self.options.parallel, workers, done=done, meanwhile=finish_reused, at_most=len(jobs)
        )
        self.mark("ausgaben_fertig")
        self.timings["wiederverwendet"] = sorted(finished + reused)
        self.timings["fertig_uebernommen"] = sorted(finished)
        self.timings["wiederverwenden"] = round(keying["s"], 3)
        self.timings["nachbereitung"] = round(post["s"] + sum(r.finish_seconds for r in results), 3)
        kept.prune(set(self.checked.binder.editions))
        self.timings["ausgaben"] = {r.code: r.seconds for r in results if not r.skipped}
        if skipped := sorted(r.code for r in results if r.skipped):
            self.timings["ueberholt"] = skipped
        self.timings["markdown"] = {
            k: sum(r.render_stats.get(k, 0) for r in results) for k in ("umgewandelt", "aus_cache", "aus_gedaechtnis")
        }
        self.timings["seiten"] = {
            k: sum(r.render_stats.get(f"seiten_{k}", 0) for r in results)
            for k in ("gerendert", "aus_cache", "verlinkt")
        }
        self.timings["dateien_verlinkt"] = sum(r.render_stats.get("dateien_verlinkt", 0) for r in results)
        self.timings["seiten_gerendert"] = sorted(p for r in results for p in r.render_stats.get("seiten_neu", []))
        failed = [r for r in results if not r.ok]
        if failed:
            details = "; ".join(f"{r.code}: {r.error}" for r in failed)
            raise PluginError(
                f"{len(failed)} Ausgabe(n) ließen sich nicht bauen ({details}). Es wird nichts veröffentlicht."
            )
        # Every cache keeps what some edition's last build used (caching.py).
        for name in ("seiten", "html", "vorlagen", "vergleiche", PACKAGES_CACHE):
            folder = self.cache_dir / name
            if folder.is_dir():
                CacheFolder(folder).prune(set(self.checked.binder.editions))

    def _build_pdfs(
        self, settings: ProductionSettings, editions: list[AssembledEdition], histories: dict, out: Path
    ) -> dict:
        from ..print_adapter.build import PdfBuilder, renderer_from, worker_count
        from ..print_adapter.store import PdfStore

        step = {"last": -1}

        def progress(done: int, total: int) -> None:
            # About ten lines per run, and always the last one.
            tenth = max(1, total // 10)
            if done == total or (total >= 20 and done // tenth != step["last"]):
                step["last"] = done // tenth
                log.info(f"PDF {done}/{total}")

        builder = PdfBuilder(
            renderer_from(settings.markdown_extensions, settings.mdx_configs, settings.site_url),
            PdfStore(self.cache_dir / "pdf"),
            worker_count(self.options.parallel),
            progress,
        )
        dirs = {ed.code: out / ed.code for ed in editions}
        latest = {
            code: (h.deliveries[-1].name, h.deliveries[-1].datum) for code, h in histories.items() if h.deliveries
        }
        result = builder.build(editions, dirs, latest)
        builder.build_supplements(editions, histories, dirs)
        builder.record_and_prune(set(self.checked.binder.editions))
        builder.write_stats(self.cache_dir / "pdf-stats.json")
        log.info(f"PDF: {len(builder.stats.rendered)} neu gesetzt, {builder.stats.reused} aus dem Zwischenspeicher")
        return result
