"""Build several editions in parallel processes, each a complete MkDocs site of its own.

Each worker loads the same mkdocs.yml, hands the plugin instance its assembled
edition, and runs MkDocs' own build into site/<code>/. Nothing in MkDocs is patched.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from ..core.assemble import AssembledEdition
from ..core.history import EditionHistory
from ..core.laender import BASE
from ..workers import die_with_parent


@dataclass
class EditionJob:
    config_file: str
    edition: AssembledEdition
    site_dir: str
    site_url: str | None
    strict: bool
    use_directory_urls: bool
    versions: list[dict]
    pdf: bool = False
    history: EditionHistory | None = None
    page_counts: dict | None = None
    serve_url: str | None = None
    backwards: bool = False  # work through the pages from the last to the first


@dataclass
class EditionResult:
    code: str
    ok: bool
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    render_stats: dict = field(default_factory=dict)
    seconds: float = 0.0


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
    # Under properdocs the `mkdocs` module is properdocs, and so is its logger's name.
    logger = logging.getLogger(mkdocs.__name__)
    prefix, collect = _EditionPrefix(code), _Collect()
    handlers = list(logger.handlers)
    for handler in handlers:
        handler.addFilter(prefix)
    logger.addHandler(collect)
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
            job.edition,
            site_url=job.site_url,
            versions=job.versions,
            pdf=job.pdf,
            history=job.history,
            page_counts=job.page_counts,
            backwards=job.backwards,
        )
        build(cfg, serve_url=job.serve_url)
        return EditionResult(
            code,
            True,
            warnings=collect.messages,
            render_stats=dict(plugin.render_stats),
            seconds=round(time.perf_counter() - started, 3),
        )
    except (Abort, BuildError, ConfigurationError) as exc:
        return EditionResult(code, False, str(exc), collect.messages)
    finally:
        for handler in handlers:
            handler.removeFilter(prefix)
        logger.removeHandler(collect)


def _context():
    # fork: workers inherit the imported modules (and properdocs' import aliasing).
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def workers_for(parallel: int, n_jobs: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    wanted = cores if parallel <= 0 else parallel
    return max(1, min(wanted, n_jobs))


def build_editions(jobs: list[EditionJob], parallel: int) -> list[EditionResult]:
    """Always in worker processes, also for one edition: the coordinator's plugin instance
    (which MkDocs reuses for every config it loads in this process) must not build an edition."""
    n = workers_for(parallel, len(jobs))
    # The general edition first: its pages are the ones the Länder share. Then the largest, so
    # the last worker does not start a big one alone. The first editions run side by side
    # with nothing cached yet; every second one works through its pages backwards, so the two
    # meet in the middle and each takes the other's half from the caches.
    jobs = sorted(jobs, key=lambda j: (j.edition.code != BASE, -len(j.edition.sheets)))
    for i, job in enumerate(jobs):
        job.backwards = i % 2 == 1
    with ProcessPoolExecutor(max_workers=n, mp_context=_context(), initializer=die_with_parent) as pool:
        return list(pool.map(build_edition, jobs))
