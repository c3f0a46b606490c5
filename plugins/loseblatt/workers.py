"""Worker processes for editions and PDFs: one way to start them, for the web and the print side.

Workers are never forked from the build process: it runs threads (the background production,
MkDocs' file watcher under serve), and a fork can copy a lock another thread holds and hang
(Python 3.12+ warns about it). On Linux a fork server is used instead: a small single-threaded
process, started once, that imports MkDocs, Material and WeasyPrint one time and forks every
worker from that clean state; elsewhere workers are spawned. Either way a worker gets
everything it needs as arguments, nothing from the parent's memory.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any

_PR_SET_PDEATHSIG = 1
_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
# Imported once in the fork server, so that each worker starts with them loaded.
PRELOAD = (
    "loseblatt.mkdocs_adapter.editions",
    "loseblatt.print_adapter.build",
    "mkdocs.commands.build",
    "material",
    "weasyprint",
)


def die_with_parent() -> None:
    """On Linux the kernel sends SIGTERM to this worker when the process that started it ends,
    also when it is killed (kill -9), so no worker keeps rendering for nobody."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers then end with the pool as before
        return


def return_freed_memory() -> bool:
    """Give the heap pages freed since the last call back to the system (glibc keeps them for
    reuse). A long-lived `mkdocs serve` process frees a whole check result on every rebuild: at
    1,000 sheets its resident size wandered between 227 and 314 MB over six rebuilds while its
    live Python objects stayed at 70 MB, and between 119 and 148 MB with this after each rebuild.
    False where there is no glibc (nothing to do there)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Let glibc give this process's threads at most `arenas` heaps (it makes up to eight per core,
    one more whenever a new thread finds the others busy). A `mkdocs serve` process starts threads
    at every rebuild and for every request: at 1,000 sheets its resident size rose in steps of
    16-18 MB over the first nine rebuilds (137 -> 191 MB), as each new heap filled with what that
    thread left behind; with two heaps 126 -> 148 MB, nearly all of it at the first rebuild. The
    threads hardly allocate at the same time, so they do not wait for each other. False where
    there is no glibc."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))


def stop_like_ctrl_c() -> Callable[[], None]:
    """Make SIGTERM end this process the way Ctrl-C does (KeyboardInterrupt), so that `mkdocs
    serve` shuts down in order when a service manager, a container or an editor stops it: MkDocs
    removes its temporary site, and the plugin's session its workers and kept folders. Killed by
    the default SIGTERM, both stayed in the temporary folder. Only in the main thread, and only
    where nobody handles SIGTERM yet. Returns what puts the default back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    def restore() -> None:
        main = threading.current_thread() is threading.main_thread()
        if main and signal.getsignal(signal.SIGTERM) is signal.default_int_handler:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return restore


def engine_name() -> str:
    """'mkdocs' or 'properdocs': which one runs this build (properdocs stands in for mkdocs)."""
    module = sys.modules.get("mkdocs")
    return getattr(module, "__name__", "mkdocs") if module is not None else "mkdocs"


@lru_cache(maxsize=1)
def _context() -> multiprocessing.context.BaseContext:
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # properdocs replaces the mkdocs module; the server must do the same before importing MkDocs.
        first = ["properdocs.replacement"] if engine_name() == "properdocs" else []
        ctx.set_forkserver_preload([*first, *PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def start_early() -> bool:
    """Start the fork server now, so that it imports MkDocs, Material and WeasyPrint (about
    0.85 s) while the build process checks the binder, not after it, when the first worker is
    wanted: a cold build of the real binder 0.6 s sooner (5 paired builds). Only for a build
    that will start workers: the server, once started, finishes its imports before it notices
    that the build has ended, and holds the build's output open until then. False where
    workers are spawned (nothing to start early)."""
    if start_method() != "forkserver":
        return False
    import multiprocessing.forkserver

    multiprocessing.forkserver.ensure_running()
    return True


def start_method() -> str:
    return _context().get_start_method()


def _log_level() -> int:
    """The level of the build's console output (-v, -q), to use the same in the workers."""
    logger = logging.getLogger(engine_name())
    for handler in logger.handlers:
        if handler.get_name() == "MkDocsStreamHandler":
            return handler.level or logger.level or logging.INFO
    return logger.level or logging.WARNING


def _setup(engine: str, level: int, scratch: str, initializer: Callable[..., None] | None, args: tuple) -> None:
    die_with_parent()
    # Ctrl-C reaches every process of the terminal's group: a worker ends at once, as before,
    # but without printing a KeyboardInterrupt traceback; the build process cleans up.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    tempfile.tempdir = os.environ["TMPDIR"] = scratch
    if engine == "properdocs":
        import properdocs.replacement  # noqa: F401 - makes `import mkdocs` give properdocs
    # The worker prints what MkDocs and our plugin log, as the build process does.
    import mkdocs
    from mkdocs.__main__ import ColorFormatter

    logger = logging.getLogger(mkdocs.__name__)
    if not any(h.get_name() == "MkDocsStreamHandler" for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(ColorFormatter())
        handler.set_name("MkDocsStreamHandler")
        handler.setLevel(level)
        logger.addHandler(handler)
        # Warnings always reach the logger: a strict build counts them, also when -q hides them.
        logger.setLevel(min(level, logging.WARNING))
        logger.propagate = False
    if initializer is not None:
        initializer(*args)


class _Pool(ProcessPoolExecutor):
    """Its workers keep their temporary files in one folder, removed when the pool has shut
    down. WeasyPrint copies a document's fonts into a temporary folder that it removes only
    when the document is garbage-collected, and a worker ends without a last collection: each
    run of the PDF tests left 26 such folders of 370 KB in /tmp, every PDF build a few more."""

    def __init__(self, scratch: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Also when the pool is never shut down: at the latest when the process ends.
        self._remove_scratch = weakref.finalize(self, shutil.rmtree, scratch, True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:  # the workers have ended: nothing writes there any more
            self._remove_scratch()


def process_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Any:
    """A ProcessPoolExecutor whose workers die with the build, log like it and leave no
    temporary files behind."""
    scratch = tempfile.mkdtemp(prefix="loseblatt-arbeit-")
    return _Pool(
        scratch,
        max_workers=max(1, workers),
        mp_context=_context(),
        initializer=_setup,
        initargs=(engine_name(), _log_level(), scratch, initializer, initargs),
    )


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
