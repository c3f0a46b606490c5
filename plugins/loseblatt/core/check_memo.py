"""Memos of the check that keep what the last check used, and nothing older.

A check of the whole binder repeats the same work for texts that did not change: under
`mkdocs serve` every rebuild checks the whole binder again. An `lru_cache` kept every text
ever seen (each edit adds one) up to its size, so a long serve session grew by each edit.
These memos hold only the entries the last check asked for: `pipeline.check` calls
`forget_unused()` when it is done, so the memory stays as large as the binder.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_MEMOS: list[LastCheckMemo] = []


class LastCheckMemo(Generic[T]):
    def __init__(self, fn: Callable[..., T], lasting: bool):
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__qualname__}"
        # Whether its entries may be kept on disk for the next build (check_store.py): plain
        # values only, no compiled templates.
        self.lasting = lasting
        self.entries: dict[tuple, T] = {}
        self.used: set[tuple] = set()
        self.changed = False  # an entry made or dropped since the entries were last kept
        self._lock = threading.Lock()
        functools.update_wrapper(self, fn)
        _MEMOS.append(self)

    def __call__(self, *args: Hashable) -> T:
        with self._lock:
            self.used.add(args)
            if args in self.entries:
                return self.entries[args]
        value = self.fn(*args)
        with self._lock:
            self.entries[args] = value
            self.changed = True
        return value

    def forget_unused(self) -> None:
        with self._lock:
            kept = {k: v for k, v in self.entries.items() if k in self.used}
            self.changed = self.changed or len(kept) != len(self.entries)
            self.entries = kept
            self.used = set()


def last_check(fn: Callable[..., T] | None = None, /, *, lasting: bool = True):
    """`@last_check`, or `@last_check(lasting=False)` for values that cannot be kept on disk."""
    if fn is None:
        return lambda f: LastCheckMemo(f, lasting)
    return LastCheckMemo(fn, lasting)


def forget_unused() -> None:
    """After a check: drop every entry that check did not use."""
    for memo in _MEMOS:
        memo.forget_unused()


def lasting_entries() -> dict[str, dict]:
    """The entries that may be kept for the next build, by memo."""
    return {m.name: dict(m.entries) for m in _MEMOS if m.lasting}


def add_lasting(entries: dict[str, dict]) -> None:
    """Entries kept by an earlier build (check_store.py)."""
    for memo in _MEMOS:
        kept = entries.get(memo.name)
        if memo.lasting and isinstance(kept, dict):
            with memo._lock:
                memo.entries.update(kept)


def lasting_changed() -> bool:
    """Whether an entry was made or dropped since `kept()`."""
    return any(m.changed for m in _MEMOS if m.lasting)


def kept() -> None:
    for memo in _MEMOS:
        memo.changed = False
