"""Atomic publishing: build into a staging folder beside site/, swap only on success.

A build that fails or is killed leaves the previous site/ untouched. One build at a time
writes to a site folder: a lock file beside it is held for the whole build, and only the
build holding it removes leftovers of earlier, killed builds.
"""

from __future__ import annotations

import fcntl
import filecmp
import os
import shutil
from pathlib import Path


class SiteBusy(Exception):
    """Another build holds the site folder (German message for editors)."""


class Publisher:
    def __init__(self, target: Path):
        self.target = Path(target).resolve()
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        self._lock = (parent / f".{self.target.name}.lock").open("a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise SiteBusy(
                f"Ein anderer Build schreibt gerade nach „{self.target.name}/“. "
                "Bitte warten, bis er fertig ist, und dann erneut bauen."
            ) from None
        # Leftovers of killed builds: safe to remove now that no other build can be running.
        for pattern in (f".{self.target.name}-staging-*", f".{self.target.name}-old-*", ".loseblatt-ausgaben-*"):
            for stale in parent.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)
        self.staging = parent / f".{self.target.name}-staging-{os.getpid()}"
        self.staging.mkdir(parents=True, exist_ok=True)

    def publish(self) -> int:
        """Swap the new site in; returns how many files kept their published copy."""
        kept = keep_unchanged(self.staging, self.target) if self.target.is_dir() else 0
        old = self.target.parent / f".{self.target.name}-old-{os.getpid()}"
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.staging, self.target)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        self._release()
        return kept

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


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
