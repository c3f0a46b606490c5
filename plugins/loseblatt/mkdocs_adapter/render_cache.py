"""Rendered HTML of generated pages, shared by all editions and rebuilds (on disk).

A base sheet reads the same in most editions; its Markdown is converted once and the HTML,
table of contents and anchors are reused wherever the same Markdown stands at the same place
with the same link targets. MkDocs still runs its page events; only the conversion is skipped.
"""

from __future__ import annotations

import logging
import pickle
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from ..caching import CacheFolder, SessionMemo, cache_key

MD_LINK_TARGET = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)\s]*)?\)")


@dataclass
class Rendered:
    html: str
    toc: TableOfContents
    title: str | None
    anchors: set[str]
    links: dict[str, dict[str, str]]  # target src_uri -> {anchor: original link}
    # MkDocs' warnings while converting (e.g. a link to a missing page): emitted again on every
    # cache hit, so that a strict build fails as often as the page is built.
    warnings: tuple[tuple[str, int, str], ...] = ()


# Per worker of a serve session, as stored (in memory about twice that): the real binder's
# entries are 15 MB, at 1,000 sheets 40 MB.
SESSION_MEMO_BYTES = 64 * 2**20
# Entries used by none of a worker's last this many edition builds go: two rebuilds of the
# Länder and the general edition, even if one worker built them all.
SESSION_MEMO_JOBS = 2 * 17


@lru_cache(maxsize=1)
def session_memo() -> SessionMemo:
    """The memo of this process, for as long as it lives (a serve session's worker)."""
    return SessionMemo(SESSION_MEMO_BYTES, SESSION_MEMO_JOBS)


class RenderCache:
    """Converted Markdown by key (caching.py's rule); the search entries of a page beside it.
    With `memo` (serve sessions), what was read or written is also kept in memory: a Rendered
    is shared as it is (nothing changes one after it is made: EditionPage.render copies what a
    page may change), search entries are handed out as copies (the index adds to them)."""

    def __init__(self, folder: Path, settings: object, memo: SessionMemo | None = None):
        self.store = CacheFolder(folder)
        self.settings = settings
        self.memo = memo
        self.remembered = 0  # converted pages found in the memo

    def key(self, src_uri: str, markdown: str, existing: set[str]) -> str:
        # Whether each linked page exists decides the HTML (and MkDocs' warnings).
        base = posixpath.dirname(src_uri)
        links = [
            [target, posixpath.normpath(posixpath.join(base, target)) in existing]
            for target in sorted(set(MD_LINK_TARGET.findall(markdown)))
        ]
        return cache_key("html", self.settings, src_uri, markdown, links)

    def _load(self, key: str, suffix: str):
        if self.memo is not None and (found := self.memo.get(key + suffix)) is not None:
            self.store.touch(key)  # used by this build all the same (prune)
            self.remembered += suffix == ".pickle"
            return found
        data = self.store.read(key, suffix)
        if data is None:
            return None
        try:
            found = pickle.loads(data)  # noqa: S301 - our own cache folder, entry checked against its key
        except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return None
        self._remember(key, suffix, found, len(data))
        return found

    def _store(self, key: str, suffix: str, value: object) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.store.write(key, suffix, data)
        self._remember(key, suffix, value, len(data))

    def _remember(self, key: str, suffix: str, value: object, size: int) -> None:
        if self.memo is not None:
            self.memo.put(key + suffix, _copied(value) if isinstance(value, list) else value, size)

    def get(self, key: str) -> Rendered | None:
        found = self._load(key, ".pickle")
        return found if isinstance(found, Rendered) else None

    def get_search(self, key: str) -> list[dict] | None:
        found = self._load(key, ".suche")
        return _copied(found) if isinstance(found, list) else None

    def put_search(self, key: str, entries: list[dict]) -> None:
        self._store(key, ".suche", entries)

    def put(self, key: str, rendered: Rendered) -> None:
        self._store(key, ".pickle", rendered)


def _copied(entries: list) -> list:
    """Search entries as a new list of new dicts (their values are strings and numbers)."""
    return [dict(e) if isinstance(e, dict) else e for e in entries]


def markdown_settings(config) -> list:
    """Everything besides the page's Markdown that shapes its HTML (our code is in every key)."""
    return [
        list(config.markdown_extensions),
        sorted((k, repr(v)) for k, v in (config.mdx_configs or {}).items()),
        config.use_directory_urls,
    ]


class _CollectWarnings(logging.Handler):
    """Records MkDocs' warnings while one page is converted (they still go to the log)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def __enter__(self) -> _CollectWarnings:
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


class EditionPage(Page):
    """A page of an edition (generated, or from docs/) whose converted Markdown may come from the
    cache: `render` then restores HTML, table of contents, title and anchors without setting up a
    Markdown converter (which MkDocs does once per page and which costs about a millisecond each)."""

    prerendered: Rendered | None = None
    searched_by_material = False

    def read_source(self, config) -> None:
        super().read_source(config)
        if "search" in self.meta:
            # Its front matter says how it is searched (excluded, boosted): Material's plugin.
            self.searched_by_material = True
            return
        # Indexed for search by the plugin itself, once per distinct page (search_entries.py);
        # Material's search plugin skips it.
        self.meta["search"] = {"exclude": True}

    render_warnings: tuple[tuple[str, int, str], ...] = ()

    def render(self, config, files) -> None:
        done, self.prerendered = self.prerendered, None
        if done is None:
            with _CollectWarnings() as collected:
                super().render(config, files)
            self.render_warnings = tuple(collected.records)
            return
        for name, level, message in done.warnings:
            logging.getLogger(name).log(level, message)
        self.content = done.html
        self.toc = done.toc
        self._title_from_render = done.title
        self.present_anchor_ids = set(done.anchors)
        self.links_to_anchors = {
            f: dict(anchors)
            for target, anchors in done.links.items()
            if (f := files.get_file_from_path(target)) is not None
        }


def nav_titles(nav: list) -> dict[str, str]:
    """{doc path: title} from a MkDocs nav list; pages made by a plugin keep their nav title only
    when the plugin passes it on creation."""
    titles: dict[str, str] = {}

    def walk(item) -> None:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                else:
                    walk(value)
        elif isinstance(item, list):
            for entry in item:
                walk(entry)

    walk(nav)
    return titles
