"""Atomic publishing: build into a staging folder beside site/, swap only on success.

A build that fails or is killed leaves the previous site/ untouched. One build at a time
writes to a site folder: a lock file beside it is held for the whole build, and only the
build holding it removes leftovers of earlier, killed builds. `mkdocs serve` publishes the
same way into the folder it serves, so the preview stays whole while a rebuild runs.

The old site is removed after the swap, in a thread: at 1,000 sheets that is about 7,500
folders (a second here), and under serve the browser should not wait for it. Its editions'
folders are kept, emptied, for the next build to write into (skeletons.py); the lock is held
until that is done.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import fcntl
import filecmp
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from . import skeletons

SCRATCH = "ausgaben"  # the editions' production folder (coordinator.py)
# Names of scratch folders before they were named for their target.
LEGACY = {"site": (".loseblatt-ausgaben-*",)}


def scratch_dir(target: Path) -> Path:
    """A new folder beside `target` for a build's work in progress; the next build that
    publishes there removes it if this one was killed."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-{SCRATCH}-", dir=target.parent))


class SiteBusy(Exception):
    """Another build holds the site folder (German message for editors)."""


def lock_file(target: Path) -> Path:
    """The lock of a site folder, beside it: it also marks the folder as one our builds publish."""
    return target.parent / f".{target.name}.lock"


def remove_lock_when_gone(target: Path) -> None:
    """At exit, remove the lock of a site folder that no longer exists: `mkdocs serve` removes
    its temporary site only after the plugins' shutdown, and the lock beside it would stay in the
    temporary folder. A folder that is still there keeps its lock, which marks it as output."""

    def remove() -> None:
        if not target.exists():
            lock_file(target).unlink(missing_ok=True)

    atexit.register(remove)


def published_here(folder: Path) -> bool:
    """A folder some build published a site to (its lock file lies beside it): output, never an
    input, also when the current build writes elsewhere (`mkdocs serve`, `-d`)."""
    return lock_file(folder).exists()


class Publisher:
    def __init__(self, target: Path, keep_unchanged: bool = True, skeleton_root: Path | None = None):
        """`keep_unchanged`: unchanged files keep the published copy and its date (for sites
        that are synced or cached by date; a preview does not need the comparison).
        `skeleton_root`: where the editions' folders of the replaced site are kept for the next
        build instead of being removed (skeletons.py)."""
        self.target = Path(target).resolve()
        self.keep = keep_unchanged
        self.skeleton_root = skeleton_root
        self._removal: threading.Thread | None = None
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        self._lock = lock_file(self.target).open("a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise SiteBusy(
                f"Ein anderer Build schreibt gerade nach „{self.target.name}/“. "
                "Bitte warten, bis er fertig ist, und dann erneut bauen."
            ) from None
        # Leftovers of killed builds: safe to remove now that no other build can be running.
        # Only this target's: under serve the parent is the shared temporary folder.
        name = self.target.name
        for pattern in (f".{name}-staging-*", f".{name}-old-*", f".{name}-{SCRATCH}-*", *LEGACY.get(name, ())):
            for stale in parent.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)
        self.staging = parent / f".{name}-staging-{os.getpid()}"
        self.staging.mkdir(parents=True, exist_ok=True)

    def publish(self, editions: Sequence[str] = ()) -> int:
        """Swap the new site in; returns how many files kept their published copy. The old site
        is removed in a thread (`finish` waits for it), its `editions`' folders kept as
        skeletons if the publisher keeps them."""
        kept = keep_unchanged(self.staging, self.target) if self.keep and self.target.is_dir() else 0
        old = None
        if self.target.exists():
            # A name of its own: the old site of the last rebuild may still be being removed.
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-old-", dir=self.target.parent))
            if exchange(self.staging, self.target):
                os.replace(self.staging, old)  # the staging name now holds the old site
            else:
                os.replace(self.target, old)  # for a moment there is no site at all
                os.replace(self.staging, self.target)
        else:
            os.replace(self.staging, self.target)
        if old is not None:
            self._removal = threading.Thread(target=self._remove, args=(old, tuple(editions)))
            self._removal.start()
        return kept

    def _remove(self, old: Path, editions: tuple[str, ...]) -> None:
        if self.skeleton_root is not None and editions:
            try:
                skeletons.keep(old, editions, self.skeleton_root)
            except OSError:  # none kept: the next build makes its folders
                pass
        shutil.rmtree(old, ignore_errors=True)

    def finish(self) -> None:
        """Wait until the old site is removed; the lock is held until then, so that the next
        build finds the kept folders (skeletons.py) whole."""
        if self._removal is not None:
            self._removal.join()
            self._removal = None
        self._release()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step, so that the site's folder never goes missing, not even
    between two renames (Linux: renameat2 with RENAME_EXCHANGE). False where the system or
    the file system cannot; then the caller renames twice."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def keep_unchanged(staging: Path, published: Path) -> int:
    """Where a new file has the same bytes as the published one, the new site takes the
    published file itself (a hard link), so an unchanged file keeps its modification time and
    tools that sync or cache by date see only what really changed."""
    kept = 0
    for new in staging.rglob("*"):
        if not new.is_file() or new.is_symlink():
            continue
        old = published / new.relative_to(staging)
        try:
            old_stat, new_stat = old.stat(), new.stat()
        except OSError:
            continue
        if old_stat.st_ino == new_stat.st_ino:
            kept += 1  # already the same file (a PDF linked from the cache)
            continue
        if old_stat.st_size != new_stat.st_size or not filecmp.cmp(old, new, shallow=False):
            continue
        link = new.with_name(f".{new.name}.lb-link")
        try:
            os.link(old, link)
            os.replace(link, new)
            kept += 1
        except OSError:
            link.unlink(missing_ok=True)  # another file system: the new copy stays
    return kept
