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
    def __init__(self, fn: Callable[..., T]):
        self.fn = fn
        self.entries: dict[tuple, T] = {}
        self.used: set[tuple] = set()
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
        return value

    def forget_unused(self) -> None:
        with self._lock:
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
            self.used = set()


def last_check(fn: Callable[..., T]) -> LastCheckMemo[T]:
    return LastCheckMemo(fn)


def forget_unused() -> None:
    """After a check: drop every entry that check did not use."""
    for memo in _MEMOS:
        memo.forget_unused()
