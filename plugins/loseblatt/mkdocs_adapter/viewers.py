"""Which editions a browser shows right now, from the requests of `mkdocs serve`'s server.

A serve rebuild builds the editions that are open in a browser first and lets the browsers reload
as soon as those are published; the other editions follow a moment later, without a reload, since
nobody looks at them (coordinator.py). Hugo's server does the same with the pages a browser has
open ("fast render mode").

An edition is open while a page of it waits for MkDocs' reload signal: every page MkDocs serves
asks `/livereload/<epoch>/<id>` and the request stays open until the next rebuild, with the page
as its Referer. A page asked for in the last `RECENT` seconds counts too (a page still loading,
or a client without scripts that asks again and again). The recorder wraps the server's WSGI
application through wsgiref's public `set_app`; it never changes what the server answers.

While a rebuild's late editions are not yet swapped in, their served folders hold the last
version. A request for one of them (a reader switching editions right after an edit) is held
until its edition is published, as MkDocs' server holds every request while it builds; at most
`HOLD_AT_MOST` seconds, so a request never hangs on a rebuild that went wrong.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

LIVERELOAD = "/livereload/"
RECENT = 30.0  # seconds
HOLD_AT_MOST = 120.0  # seconds


class Viewers:
    def __init__(self, mount_path: str = "/", clock: Callable[[], float] = time.monotonic):
        self.mount_path = mount_path if mount_path.endswith("/") else mount_path + "/"
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting: Counter[str] = Counter()  # first path segment -> reload signals awaited
        self._seen: dict[str, float] = {}  # first path segment -> when a page of it was last asked for
        self._held: set[str] = set()  # editions whose requests wait until they are published
        self._released = threading.Condition(self._lock)

    def segment(self, path: str) -> str | None:
        """The first segment of a page's path below the mount path ('sn' for /kbv/sn/02-x/)."""
        if not path.startswith(self.mount_path):
            return None
        first = path[len(self.mount_path) :].split("/", 1)
        return first[0] if len(first) == 2 and first[0] else None

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path.startswith(LIVERELOAD):
                shown = self.segment(urlsplit(environ.get("HTTP_REFERER", "")).path)
                if shown is None:
                    return app(environ, start_response)
                self._saw(shown, waits=1)
                try:
                    return app(environ, start_response)  # returns when the next rebuild is published
                finally:
                    self._saw(shown, waits=-1)
            page = self.segment(path)
            if page is not None:
                if path.endswith(("/", ".html")):
                    # Before waiting: a rebuild that begins meanwhile must count this edition
                    # as shown, or it would not build it first and might answer with an old copy.
                    self._saw(page, waits=0)
                self._wait_while_held(page)
            return app(environ, start_response)

        return recording

    def _saw(self, segment: str, waits: int) -> None:
        with self._lock:
            self._seen[segment] = self._clock()
            if waits:
                self._waiting[segment] += waits
                if self._waiting[segment] <= 0:
                    del self._waiting[segment]

    def _wait_while_held(self, segment: str) -> None:
        with self._released:
            self._released.wait_for(lambda: segment not in self._held, timeout=HOLD_AT_MOST)

    def hold(self, codes: Iterable[str]) -> None:
        """Requests for these editions wait from now on until they are released."""
        with self._released:
            self._held.update(codes)

    def release(self, codes: Iterable[str]) -> None:
        with self._released:
            self._held.difference_update(codes)
            self._released.notify_all()

    def held(self) -> set[str]:
        with self._lock:
            return set(self._held)

    def shown(self, codes: Iterable[str]) -> list[str]:
        """Those of `codes` (the editions, in build order) that a browser shows now."""
        now = self._clock()
        with self._lock:
            open_now = {s for s, n in self._waiting.items() if n > 0}
            open_now |= {s for s, t in self._seen.items() if now - t <= RECENT}
            # Forget what is long gone: the table holds a few path segments at most.
            for s in [s for s, t in self._seen.items() if now - t > RECENT and s not in self._waiting]:
                del self._seen[s]
        return [c for c in codes if c in open_now]
