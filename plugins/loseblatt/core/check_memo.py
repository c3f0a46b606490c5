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
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

_MEMOS: list[LastCheckMemo] = []


_MISSING: Any = object()


class UsedEntries(Generic[K, T]):
    """A table of worked-out values that keeps, at `forget_unused()`, only the entries asked for
    since the last call: the one rule of every memo of the check. Safe across threads (the
    editions are assembled side by side); `make` runs outside the lock."""

    def __init__(self) -> None:
        self.entries: dict[K, T] = {}
        self.used: set[K] = set()
        self.changed = False  # an entry made or dropped since the entries were last kept
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], T]) -> T:
        with self._lock:
            self.used.add(key)
            value = self.entries.get(key, _MISSING)  # one lookup: keys are long tuples, hashed anew each time
        if value is not _MISSING:
            return value
        value = make()
        with self._lock:
            self.entries[key] = value
            self.changed = True
        return value

    def forget_unused(self) -> None:
        with self._lock:
            kept = {k: v for k, v in self.entries.items() if k in self.used}
            self.changed = self.changed or len(kept) != len(self.entries)
            self.entries = kept
            self.used = set()

    def add(self, entries: dict[K, T]) -> None:
        """Entries kept by an earlier build (check_store.py)."""
        with self._lock:
            self.entries.update(entries)

    def __len__(self) -> int:
        return len(self.entries)


class LastCheckMemo(Generic[T]):
    def __init__(self, fn: Callable[..., T], lasting: bool):
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__qualname__}"
        # Whether its entries may be kept on disk for the next build (check_store.py): plain
        # values only, no compiled templates.
        self.lasting = lasting
        self.table: UsedEntries[tuple, T] = UsedEntries()
        functools.update_wrapper(self, fn)
        _MEMOS.append(self)

    def __call__(self, *args: Hashable) -> T:
        return self.table.get(args, lambda: self.fn(*args))


def last_check(fn: Callable[..., T] | None = None, /, *, lasting: bool = True):
    """`@last_check`, or `@last_check(lasting=False)` for values that cannot be kept on disk."""
    if fn is None:
        return lambda f: LastCheckMemo(f, lasting)
    return LastCheckMemo(fn, lasting)


def forget_unused() -> None:
    """After a check: drop every entry that check did not use."""
    for memo in _MEMOS:
        memo.table.forget_unused()


def lasting_entries() -> dict[str, dict]:
    """The entries that may be kept for the next build, by memo."""
    return {m.name: dict(m.table.entries) for m in _MEMOS if m.lasting}


def add_lasting(entries: dict[str, dict]) -> None:
    """Entries kept by an earlier build (check_store.py)."""
    for memo in _MEMOS:
        kept = entries.get(memo.name)
        if memo.lasting and isinstance(kept, dict):
            memo.table.add(kept)


def lasting_changed() -> bool:
    """Whether an entry was made or dropped since `kept()`."""
    return any(m.table.changed for m in _MEMOS if m.lasting)


def kept() -> None:
    for memo in _MEMOS:
        memo.table.changed = False
