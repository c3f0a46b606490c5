"""Atomic publishing: build into a staging folder beside site/, swap only on success.

A build that fails or is killed leaves the previous site/ untouched. One build at a time
writes to a site folder: a lock file beside it is held for the whole build, and only the
build holding it removes leftovers of earlier, killed builds.
"""

from __future__ import annotations

import fcntl
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

    def publish(self) -> None:
        old = self.target.parent / f".{self.target.name}-old-{os.getpid()}"
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.staging, self.target)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        self._release()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
