"""What an edition gets after MkDocs built it, and keeping it for the next build.

The PDF folders are moved in, then the manifest, the municipalities' packages and the offline
copy are written as new files (caching.write_new): the site may be linked to a kept output
(edition_outputs.py), which writing in place would change.
An edition worker does this for the edition it has just built, beside the other worker: in the
build process all editions were finished one after another, and under `mkdocs serve` that queue,
not the workers, decided when the browser saw an edit. The coordinator does the same for an
edition whose MkDocs output was taken from the last build.

Under `mkdocs serve`, an edition a browser shows is published before its offline copy is made
(`offline_later`): the copy, the start page's note of its size and keeping the finished edition
follow in the published folder (`finish_offline`), while the browser reloads.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..caching import CacheFolder
from ..core.assemble import AssembledEdition
from ..core.model import Binder
from ..core.package import write_packages
from ..offline import write_offline
from ..render.web.manifest import write_manifest
from .edition_outputs import FINISHED, KEPT, EditionOutputs

OFFLINE_CACHE = "offline"
PACKAGES_CACHE = "pakete"


@dataclass(frozen=True)
class Finishing:
    """Everything the steps after MkDocs read, and the keys the edition is kept under."""

    cache_dir: str
    pdf_dir: str  # <production>/.pdf/<code>: the edition's PDFs and delivery files
    pdfs: Any  # the edition's EditionPdfs (file names and page counts), None without PDFs
    binder: Binder  # for_finishing(binder)
    snapshots: list
    withdrawals: list
    epoch: int
    site_key: str | None  # MkDocs' output (edition_outputs.edition_key)
    finished_key: str | None  # the finished edition (edition_outputs.finished_key)
    offline_later: bool = False  # the offline copy and the finished stage by finish_offline


@dataclass(frozen=True)
class OfflineJob:
    """The rest of an edition finished with `offline_later`, in the folder it was published to."""

    code: str
    edition_dir: str
    finishing: Finishing
    stop_file: str | None = None  # a newer serve rebuild has begun: nothing to do (editions.py)


def superseded(stop_file: str | None) -> bool:
    """Whether a newer serve rebuild has begun (coordinator.py writes the stop file): the one
    test for every job a serve rebuild hands to the workers."""
    return stop_file is not None and os.path.exists(stop_file)


def for_finishing(binder: Binder) -> Binder:
    """The binder as the steps after MkDocs read it (its folder, editions and glossary, for the
    packages): its sheets stay behind. Every job carries it to a worker, pickled; at 1,000 sheets
    the sheets were 4.4 of a job's 12 MB, sent seven times per rebuild."""
    return dataclasses.replace(binder, registers={}, base_sheets=[], state_sheets={}, unreadable_bodies=[])


def finish_edition(edition: AssembledEdition, edition_dir: Path, finishing: Finishing, offline: bool = True) -> None:
    for sub in ("pdf", "lieferungen"):
        src = Path(finishing.pdf_dir) / sub
        if src.is_dir():
            dest = edition_dir / sub
            dest.mkdir(parents=True, exist_ok=True)
            for f in src.iterdir():
                os.replace(f, dest / f.name)
    write_manifest(edition, edition_dir, finishing.pdfs)
    zips = CacheFolder(Path(finishing.cache_dir) / PACKAGES_CACHE)
    write_packages(edition, finishing.binder, finishing.snapshots, finishing.withdrawals, edition_dir, zips)
    zips.record(edition.code)
    if offline:
        write_edition_offline(edition.code, edition_dir, finishing)


def write_edition_offline(code: str, edition_dir: Path, finishing: Finishing) -> None:
    offline = CacheFolder(Path(finishing.cache_dir) / OFFLINE_CACHE)
    write_offline(edition_dir, code, finishing.epoch, offline)
    offline.record(code)


def keep_built(code: str, edition_dir: Path, finishing: Finishing, pages: dict | None) -> None:
    """Keep MkDocs' new output of the edition in `edition_dir`, as MkDocs left it, with its
    `pages` by key (page_cache.KeptPages): before finishing changes the folder."""
    EditionOutputs(Path(finishing.cache_dir) / KEPT).store(code, finishing.site_key, edition_dir, pages=pages)


def finish_and_keep(
    edition: AssembledEdition, edition_dir: Path, finishing: Finishing, built: bool, pages: dict | None = None
) -> float:
    """Finish the edition in `edition_dir` and keep it; `built`: MkDocs' output is new and is
    kept first (keep_built). Returns the seconds the finishing steps took."""
    if built:
        keep_built(edition.code, edition_dir, finishing, pages)
    started = time.perf_counter()
    finish_edition(edition, edition_dir, finishing, offline=not finishing.offline_later)
    seconds = time.perf_counter() - started
    if not finishing.offline_later:
        EditionOutputs(Path(finishing.cache_dir) / KEPT).store(
            edition.code, finishing.finished_key, edition_dir, FINISHED
        )
    return seconds


def finish_offline(job: OfflineJob) -> bool:
    """The offline copy of a published edition finished with `offline_later`, and the finished
    edition kept; False if a newer rebuild had begun (that one builds the edition again). Runs
    in an edition worker: files are replaced, never written in place, as the browser may read."""
    if superseded(job.stop_file):
        return False
    edition_dir = Path(job.edition_dir)
    write_edition_offline(job.code, edition_dir, job.finishing)
    EditionOutputs(Path(job.finishing.cache_dir) / KEPT).store(
        job.code, job.finishing.finished_key, edition_dir, FINISHED
    )
    return True
