"""Atomic publishing: build into a staging folder beside site/, swap only on success.

A build that fails or is killed leaves the previous site/ untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class Publisher:
    def __init__(self, target: Path):
        self.target = Path(target).resolve()
        parent = self.target.parent
        # Leftovers of killed builds are removed before a new one starts.
        for pattern in (f".{self.target.name}-staging-*", ".loseblatt-ausgaben-*"):
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

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
