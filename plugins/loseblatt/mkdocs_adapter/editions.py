"""Build several editions in parallel processes, each a complete MkDocs site of its own.

Each worker loads the same mkdocs.yml, hands the plugin instance its assembled
edition, runs MkDocs' own build into site/<code>/ and then finishes the edition there
(finishing.py), at once or, in a build's own pool, as a job of its own behind the builds.
Nothing in MkDocs is patched.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import skeletons
from ..core.assemble import AssembledEdition
from ..core.laender import BASE
from ..workers import cpu_count, process_pool, return_freed_memory
from .edition_site import EditionAssignment, Superseded
from .finishing import Finishing, finish_and_keep, keep_built, superseded


@dataclass
class EditionJob:
    """One edition build for a worker: the MkDocs settings and what the plugin builds."""

    config_file: str
    site_dir: str
    strict: bool
    use_directory_urls: bool
    assignment: EditionAssignment
    # The steps after MkDocs, done in the worker too (finishing.py); None: MkDocs' output only.
    finishing: Finishing | None = None
    # True: the worker keeps MkDocs' output but leaves the steps after it to a job of their own
    # (finish_built), which `_run` queues behind the builds.
    finish_apart: bool = False
    # The build's cache folder. A worker's environment is the fork server's, as it was when the
    # server started (perhaps for another build in the same process), so LOSEBLATT_CACHE is not
    # read there. None: from the environment (an edition built in this process).
    cache_dir: str | None = None
    # Under serve: a file whose presence means a newer rebuild has begun (coordinator.py); a job
    # that has not started by then is not built, one being built stops at its next page, and
    # the edition is built again by that rebuild.
    stop_file: str | None = None

    def stopped(self) -> bool:
        return superseded(self.stop_file)

    @property
    def edition(self) -> AssembledEdition:
        return self.assignment.edition


@dataclass
class EditionResult:
    code: str
    ok: bool
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    render_stats: dict = field(default_factory=dict)
    seconds: float = 0.0
    finish_seconds: float = 0.0  # of `seconds`: the steps after MkDocs
    skipped: bool = False  # not built, or not whole: a newer rebuild had begun (EditionJob.stop_file)


class _QuietWhenSuperseded(logging.Filter):
    """MkDocs reports an exception in a page's events as an error before passing it on; a build
    stopped for a newer rebuild is not an error (nothing of it is published)."""

    def __init__(self, superseded: Callable[[], bool]):
        super().__init__()
        self.superseded = superseded

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.superseded()


class _EditionPrefix(logging.Filter):
    """Prefix log lines with the edition, so parallel output stays readable."""

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_lb_prefixed", False):
            record.msg = f"[{self.code}] {record.msg}"
            record._lb_prefixed = True
        return True


class _QuietLinked(logging.Filter):
    """MkDocs reports every page with empty output as skipped: a page linked from the edition's
    last output (page_cache.KeptPages) is empty on purpose, and there may be a thousand."""

    SAID = ("Page skipped: '", "'. Generated empty output.")

    def __init__(self, linked: Callable[[], set[str]]):
        super().__init__()
        self.linked = linked

    def filter(self, record: logging.LogRecord) -> bool:
        said = record.getMessage()
        head, tail = self.SAID
        return not (said.startswith(head) and said.endswith(tail) and said[len(head) : -len(tail)] in self.linked())


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_edition(job: EditionJob) -> EditionResult:
    """Build one edition; runs in a worker process (or in-process for a single edition)."""
    import mkdocs
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    code = job.edition.code
    if job.stopped():
        return EditionResult(code, True, skipped=True)
    # Under properdocs the `mkdocs` module is properdocs, and so is its logger's name.
    logger = logging.getLogger(mkdocs.__name__)
    prefix, collect = _EditionPrefix(code), _Collect()
    handlers = list(logger.handlers)
    for handler in handlers:
        handler.addFilter(prefix)
    logger.addHandler(collect)
    pages_logger = logging.getLogger(f"{mkdocs.__name__}.commands.build")
    plugin = None
    quiet = _QuietLinked(lambda: plugin.linked_pages if plugin is not None else set())
    pages_logger.addFilter(quiet)
    hush = _QuietWhenSuperseded(lambda: plugin is not None and plugin.superseded)
    pages_logger.addFilter(hush)
    try:
        started = time.perf_counter()
        cfg = load_config(
            job.config_file, site_dir=job.site_dir, strict=job.strict, use_directory_urls=job.use_directory_urls
        )
        from .plugin import LoseblattPlugin  # the plugin module imports this one

        plugin = cfg.plugins["loseblatt"]
        if not isinstance(plugin, LoseblattPlugin):
            raise TypeError("mkdocs.yml must use the loseblatt plugin")
        plugin.assign_edition(
            job.assignment,
            job.stopped if job.stop_file is not None else None,
            Path(job.cache_dir) if job.cache_dir else None,
        )
        # MkDocs reads the build date only from the environment: this worker process's own.
        if job.assignment.epoch:
            os.environ["SOURCE_DATE_EPOCH"] = job.assignment.epoch
        build(cfg)
        skeletons.prune(plugin.skeleton_folders)
        if job.stopped():  # built, but out of date: not finished, and not swapped in (coordinator.py)
            return EditionResult(code, True, skipped=True)
        finished = 0.0
        if job.finishing is not None and job.finish_apart:
            keep_built(code, Path(job.site_dir), job.finishing, plugin.kept_pages)
        elif job.finishing is not None:
            finished = finish_and_keep(
                job.edition, Path(job.site_dir), job.finishing, built=True, pages=plugin.kept_pages
            )
        return EditionResult(
            code,
            True,
            warnings=collect.messages,
            render_stats=dict(plugin.render_stats),
            seconds=round(time.perf_counter() - started, 3),
            finish_seconds=round(finished, 3),
        )
    except Superseded:
        # What it wrote stays for the coordinator, which keeps its folders as the next build's
        # skeleton (skeletons.keep empties them of files).
        return EditionResult(code, True, skipped=True)
    except (Abort, BuildError, ConfigurationError) as exc:
        return EditionResult(code, False, str(exc), collect.messages)
    finally:
        for handler in handlers:
            handler.removeFilter(prefix)
        logger.removeHandler(collect)
        pages_logger.removeFilter(quiet)
        pages_logger.removeFilter(hush)
        return_freed_memory()  # a session worker lives on: what this build freed goes back


def workers_for(parallel: int, n_jobs: int) -> int:
    wanted = cpu_count() if parallel <= 0 else parallel
    return max(1, min(wanted, n_jobs))


def _owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except ProcessLookupError:
        return False
    except OSError:  # no /proc: the signal test said it lives
        return True


def _watch(pid: int) -> None:
    while _owner_alive(pid):
        time.sleep(1)
    os._exit(0)


def _end_with(pid: int) -> None:
    """A session worker's parent is the fork server, not the server process: when `mkdocs serve`
    is killed (not stopped with Ctrl-C, which closes the workers), nothing else would end them."""
    threading.Thread(target=_watch, args=(pid,), daemon=True).start()


class EditionWorkers:
    """Edition worker processes that outlive one build: under `mkdocs serve` the plugin keeps
    them for the session, so that what a worker has loaded and worked out (MkDocs, Material,
    the comparisons of unchanged Fassungen) is still there at the next rebuild. A worker builds
    several editions one after another in any build, so nothing in it may depend on which
    edition it built before; its caches are keyed by content and bounded."""

    def __init__(self, parallel: int):
        self.parallel = parallel
        self._pool: Any = None

    def run(
        self, jobs: Iterable[EditionJob], done: Callable[[EditionResult], None] | None, meanwhile: Callable[[], None]
    ) -> list[EditionResult]:
        if self._pool is None:
            # As many as the machine allows: later builds may have more editions to build.
            self._pool = process_pool(workers_for(self.parallel, cpu_count()), _end_with, (os.getpid(),))
        try:
            return _run(self._pool, jobs, done, meanwhile)
        except BrokenProcessPool:
            self.close()  # a worker died: the next build starts new ones
            raise

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Another job for the session's workers (after the editions already handed to them)."""
        if self._pool is None:
            self._pool = process_pool(workers_for(self.parallel, cpu_count()), _end_with, (os.getpid(),))
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def finish_built(job: EditionJob) -> float:
    """The steps after MkDocs for an edition built with `finish_apart`; their seconds."""
    if job.finishing is None:
        raise ValueError(f"{job.edition.code}: nothing to finish")
    return finish_and_keep(job.edition, Path(job.site_dir), job.finishing, built=False)


def _run(
    pool: Any,
    jobs: Iterable[EditionJob],
    done: Callable[[EditionResult], None] | None,
    meanwhile: Callable[[], None],
    finish_apart: bool = False,
) -> list[EditionResult]:
    """The results in the order of `jobs`; each job goes to the workers as soon as `jobs` yields
    it, `done` is called with each result as soon as it is there, `meanwhile` once all are
    handed to the workers. The first editions run side by side with nothing cached yet: every
    second one works through its pages backwards, so the two meet in the middle and each takes
    the other's half from the caches. `finish_apart`: each edition's steps after MkDocs are a
    job of their own, queued behind the builds when its build is done, so that the workers
    share them at the end (built and finished in one job, the last of the real binder's seven
    editions was built alone while the other worker waited about 2 s)."""
    sent: list[EditionJob] = []
    futures = []
    for i, job in enumerate(jobs):
        # Handed over before the next job is asked for: the coordinator works out each
        # edition's key while yielding them (0.2 s for seven at 1,000 sheets, which a serve
        # session's shown edition waited for).
        sent.append(replace(job, assignment=replace(job.assignment, backwards=i % 2 == 1), finish_apart=finish_apart))
        futures.append(pool.submit(build_edition, sent[-1]))
    meanwhile()
    if not finish_apart:
        if done is not None:
            for future in as_completed(futures):
                done(future.result())
        return [f.result() for f in futures]
    results: dict[str, EditionResult] = {}
    finishing: dict[Any, EditionResult] = {}
    jobs_by_code = {job.edition.code: job for job in sent}
    for future in as_completed(futures):
        built = future.result()
        job = jobs_by_code[built.code]
        if built.ok and not built.skipped and job.finishing is not None:
            finishing[pool.submit(finish_built, job)] = built
            continue
        results[built.code] = built
        if done is not None:
            done(built)
    for future in as_completed(finishing):
        built = finishing[future]
        seconds = round(future.result(), 3)
        results[built.code] = finished = replace(
            built, seconds=round(built.seconds + seconds, 3), finish_seconds=seconds
        )
        if done is not None:
            done(finished)
    return [results[job.edition.code] for job in sent]


def build_order(jobs: Iterable[EditionJob]) -> list[EditionJob]:
    """The general edition first: its pages are the ones the Länder share. Then the largest, so
    the last worker does not start a big one alone."""
    return sorted(jobs, key=lambda j: (j.edition.code != BASE, -len(j.edition.sheets)))


def build_editions(
    jobs: Iterable[EditionJob],
    parallel: int,
    workers: EditionWorkers | None = None,
    done: Callable[[EditionResult], None] | None = None,
    meanwhile: Callable[[], None] = lambda: None,
    at_most: int | None = None,
) -> list[EditionResult]:
    """Always in worker processes, also for one edition: the coordinator's plugin instance
    (which MkDocs reuses for every config it loads in this process) must not build an edition.
    `jobs` in build order (build_order), possibly a generator that works out whether an
    edition needs building at all: each one goes to a worker as soon as it is yielded. With
    `workers` (a serve session) in those; else in a pool for this build only, of at most
    `at_most` processes (the number of editions). `done` gets each result as soon as it is
    there (in the calling thread); `meanwhile` runs while the workers build."""
    pending = iter(jobs)
    first = next(pending, None)
    if first is None:  # every edition taken from the last build: no processes to start
        meanwhile()
        return []
    jobs = itertools.chain([first], pending)
    if workers is not None:
        return workers.run(jobs, done, meanwhile)
    with process_pool(workers_for(parallel, at_most or cpu_count())) as pool:
        return _run(pool, jobs, done, meanwhile, finish_apart=True)
