"""The edition to take along: `site/<code>/offline.zip`, the built edition in a form that works
opened from disk (file://), where the network is poor.

What differs from the published edition, and why:

- links to a folder («blatt-2-3/») name its page («blatt-2-3/index.html»): a browser shows a
  folder from disk as a file listing, not as the page;
- the search index is also a script (`search/search_index.js`), which Material's search reads
  when the page comes from disk, and the search worker runs in a hidden frame
  (iframe-worker, MIT, vendored under assets/vendor): browsers start no workers from disk;
- search results point to pages the same way as links;
- only the search languages the index uses are kept, no source maps, no edition packages
  (`pakete/`), and the start page does not offer the download it is part of.

The archive is reproducible: entries sorted, one timestamp (SOURCE_DATE_EPOCH), fixed
permissions, the same compression. No MkDocs here; the coordinator calls `write_offline`.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from itertools import pairwise
from pathlib import Path

from . import zipped
from .caching import CacheFolder, cache_key, content_hash, write_atomically, write_new

OFFLINE_ZIP = "offline.zip"
SHIM = Path(__file__).resolve().parent / "assets" / "vendor" / "iframe-worker-shim.js"
SHIM_PATH = "assets/loseblatt/iframe-worker-shim.js"
LINK_TEXT = "Ausgabe zum Mitnehmen (ZIP)"
# The start page's link (a trusted fragment, see mkdocs_adapter/edition_site.py); its size is
# filled in once the archive exists.
OFFLINE_LINK = (
    f'<p class="lb-downloads lb-offline"><a class="md-button" href="{OFFLINE_ZIP}" download>{LINK_TEXT}</a> '
    "Zum Lesen ohne Netz: entpacken und darin „index.html“ öffnen; Suche und Checklisten "
    "funktionieren auch so.</p>"
)
SKIP_DIRS = ("pakete/",)
LUNR = "assets/javascripts/lunr/"

BUNDLE = re.compile(r'<script src="([^"]*)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"')
OWN_LINK = re.compile(r'<p class="lb-downloads lb-offline">.*?</p>\n?', re.S)


def page_address(href: str) -> str:
    """A relative address of a folder becomes the address of its page; others stay."""
    if not href or href.startswith(("#", "/")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
        return href
    cut = min((i for i in (href.find("#"), href.find("?")) if i >= 0), default=len(href))
    path, rest = href[:cut], href[cut:]
    if path in (".", ".."):
        path += "/"
    if path.endswith("/"):
        path += "index.html"
    elif not path:
        return href
    return path + rest


# The links page_address changes, found by one pattern: relative (no scheme, not "#" or "/"),
# their path (up to "#", "?" or the end) a folder or "." or "..". Links it leaves alone (files,
# anchors, other hosts) cost no Python call; on the real binder's pages 0.69 → 0.60 s.
FOLDER_HREF = re.compile(r'(\shref=")(?![#/]|[a-zA-Z][a-zA-Z0-9+.-]*:)([^"#?]*/|\.\.?)(?=[#?"])')


def _folder_page(m: re.Match[str]) -> str:
    path = m.group(2)
    return m.group(1) + path + ("/index.html" if path in (".", "..") else "index.html")


def offline_html(html: str) -> str:
    html = FOLDER_HREF.sub(_folder_page, html)
    html = OWN_LINK.sub("", html)
    # The worker shim before Material's bundle, which starts the search worker.
    return BUNDLE.sub(lambda m: f'<script src="{m.group(1)}{SHIM_PATH}"></script>\n    {m.group(0)}', html, count=1)


def offline_index(text: str) -> tuple[str, set[str]]:
    data = json.loads(text)
    for doc in data.get("docs", []):
        doc["location"] = page_address(doc.get("location", "")) or "index.html"
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False), set(data.get("config", {}).get("lang", []))


def _wanted_lunr(rel: str, langs: set[str]) -> bool:
    name = rel[len(LUNR) :].removeprefix("min/")
    keep = {"lunr.stemmer.support.min.js"} | {f"lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if len(langs) > 1:
        keep.add("lunr.multi.min.js")
    return name in keep


def _index_languages(text: str) -> set[str]:
    """The languages of a search index, from its config alone when it comes first (as Material
    and search_entries write it): at 3,000 sheets the whole index is 14 MB of JSON."""
    head = '{"config":'
    config = (
        json.JSONDecoder().raw_decode(text, len(head))[0]
        if text.startswith(head)
        else json.loads(text).get("config", {})
    )
    return set(config.get("lang", []))


def offline_sources(edition_dir: Path) -> dict[str, Path]:
    """The published files the offline edition is made from, by their path in the archive (the
    search index as `search/search_index.json`). Read when needed, not held: at 3,000 sheets an
    edition's files are 140 MB."""
    sources: dict[str, Path] = {}
    langs: set[str] = set()
    index = edition_dir / "search" / "search_index.json"
    if index.is_file():
        sources["search/search_index.json"] = index
        langs = _index_languages(index.read_text(encoding="utf-8"))
    for path in sorted(edition_dir.rglob("*")):
        rel = path.relative_to(edition_dir).as_posix()
        if not path.is_file() or path.is_symlink() or rel in sources or rel == OFFLINE_ZIP:
            continue
        if rel.startswith(SKIP_DIRS) or rel.endswith(".map"):
            continue
        if rel.startswith(LUNR) and not _wanted_lunr(rel, langs):
            continue
        sources[rel] = path
    return sources


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """SOURCE_DATE_EPOCH as a zip timestamp (zip counts from 1980, in two-second steps)."""
    moment = datetime.fromtimestamp(max(epoch, 315532800), tz=UTC)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


# The search index changes with every edit and is the largest member (4.6 MB at 1,000 sheets,
# 0.1 s to pack). It is packed in pieces, cut before the entries whose address hashes to a
# multiple of _CUT_EVERY (places fixed by the entries, not by counting bytes), so an edit
# repacks the piece it falls in and the one after it. Each piece may refer back into the 32 KB
# before it, which a reader has just unpacked (as pigz does): as small as one stream.
_ENTRY_START = re.compile(rb'\{"location":"([^"]*)"')  # JSON: an unescaped quote ends a string
_CUT_EVERY = 128
_WINDOW = 32 * 1024
_LAST_BLOCK = zlib.compressobj(zipped.LEVEL, zlib.DEFLATED, -15).flush()  # an empty final block


def index_cuts(data: bytes) -> list[int]:
    """Where the index's pieces begin and the last ends."""
    cuts = [0]
    for m in _ENTRY_START.finditer(data):
        if m.start() > 0 and zlib.crc32(m.group(1)) % _CUT_EVERY == 0:
            cuts.append(m.start())
    return [*cuts, len(data)]


def _pack_piece(before: bytes, piece: bytes) -> bytes:
    """Raw deflate of `piece` after `before`, ended on a byte boundary without ending the stream."""
    packer = zlib.compressobj(zipped.LEVEL, zlib.DEFLATED, -15, zdict=before)  # empty: as without
    return packer.compress(piece) + packer.flush(zlib.Z_SYNC_FLUSH)


def packed_member(data: bytes) -> zipped.Member:
    return zlib.crc32(data), len(data), zipped.deflate(data)


def write_zip(packed_files: dict[str, zipped.Member], dest: Path, folder: str, epoch: int) -> int:
    """A reproducible archive of the packed members (packed_member) under `folder/`, sorted;
    returns its size in bytes."""
    body = zipped.archive(((f"{folder}/{name}", packed_files[name]) for name in sorted(packed_files)), zip_time(epoch))
    write_new(dest, body)
    return len(body)


SCRIPT_START = b"var __index = "


def _script(index: zipped.Member, index_text: Callable[[], bytes]) -> zipped.Member:
    """The search index as a script, packed: its start, flushed so that nothing after it refers
    back into it, then the index's own packed bytes. The index changes with every edit and is
    the largest member (4.8 MB at 1,000 sheets): packing it twice cost an eighth of a second
    per edition."""
    _crc, size, packed = index
    start = zlib.compressobj(zipped.LEVEL, zlib.DEFLATED, -15)
    head = start.compress(SCRIPT_START) + start.flush(zlib.Z_FULL_FLUSH)
    return zlib.crc32(index_text(), zlib.crc32(SCRIPT_START)), len(SCRIPT_START) + size, head + packed


class MemberTable:
    """The members of an edition's last archive, packed, by the content of the file each was
    made from, in one file of the cache (`<code>.teile`). An edit changes a few of an
    edition's files; finding the others' converted and packed bytes in the cache, two entries
    per file, cost a quarter of a second per edition at 1,000 sheets, reading this one file
    a hundredth. What is not in it comes from the cache entries (made by any edition) or is
    made anew."""

    SUFFIX = ".teile"
    _ENTRY = struct.Struct("<H3L")  # length of the key, CRC-32, size, length of the packed bytes

    def __init__(self, cache: CacheFolder | None, code: str):
        """Without a cache every member is made anew, the same way."""
        self.cache = cache
        self.path = cache.folder / f"{code}{self.SUFFIX}" if cache is not None else None
        # Made by this code from these kinds of input: another version of it reads none of it.
        self.stamp = cache_key("offline-teile", zipped.LEVEL).encode("ascii")
        self.last = self._load()
        self.now: dict[str, zipped.Member] = {}

    def _load(self) -> dict[str, zipped.Member]:
        if self.path is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        head, sep, body = data.partition(b"\n")
        if not sep or head != self.stamp:
            return {}
        table: dict[str, zipped.Member] = {}
        at, size = 0, len(body)
        try:
            while at < size:
                n, crc, length, packed_length = self._ENTRY.unpack_from(body, at)
                at += self._ENTRY.size
                key = body[at : at + n].decode("ascii")
                at += n
                packed = body[at : at + packed_length]
                at += packed_length
                if len(packed) != packed_length:
                    return {}  # cut short
                table[key] = (crc, length, packed)
        except (struct.error, UnicodeDecodeError):
            return {}
        return table

    _SHARED = struct.Struct("<2L")  # CRC-32 and size of a member in the cache, its packed bytes after

    def _member(self, key: str, make: Callable[[], bytes]) -> zipped.Member:
        return self._packed(key, partial(self._shared, key, make))

    def _shared(self, key: str, make: Callable[[], bytes]) -> zipped.Member:
        """A member not in the table: from the cache when any edition packed the same file
        before (editions share most static files and many pages), else made and kept there.
        One entry per file, keyed by the file as published: its converted bytes are not kept,
        which were a cold build's largest cache writes (70 MB for the real binder)."""
        if self.cache is None:
            return packed_member(make())
        entry = cache_key("offline-glied", zipped.LEVEL, key)
        kept = self.cache.read(entry, ".glied")
        if kept is not None and len(kept) >= self._SHARED.size:
            crc, size = self._SHARED.unpack_from(kept)
            return crc, size, kept[self._SHARED.size :]
        member = packed_member(make())
        self.cache.write(entry, ".glied", self._SHARED.pack(member[0], member[1]) + member[2])
        return member

    def _packed(self, key: str, make: Callable[[], zipped.Member]) -> zipped.Member:
        found = self.last.get(key)
        if found is None:
            found = make()
        self.now[key] = found
        return found

    def members(self, sources: dict[str, Path], hashes: dict[str, str]) -> dict[str, zipped.Member]:
        """Every member of the archive made from `sources` (offline_sources), packed: the pages
        converted for reading from disk, the search index also as a script, the worker shim.
        A file is read only if its member is not in the table."""
        out: dict[str, zipped.Member] = {}
        index: list[bytes] = []

        def index_text() -> bytes:
            if not index:
                text = sources["search/search_index.json"].read_text(encoding="utf-8")
                index.append(offline_index(text)[0].encode("utf-8"))
            return index[0]

        def converted(path: Path) -> bytes:
            return offline_html(path.read_bytes().decode("utf-8")).encode("utf-8")

        for rel, path in sources.items():
            h = hashes[rel]
            if rel == "search/search_index.json":
                out[rel] = self._packed(f"index-json-{h}", partial(self._index, index_text))
                out["search/search_index.js"] = self._packed(f"index-js-{h}", partial(_script, out[rel], index_text))
            elif rel.endswith(".html"):
                out[rel] = self._member(f"seite-{h}", partial(converted, path))
            else:
                out[rel] = self._member(f"datei-{h}", path.read_bytes)
        shim = SHIM.read_bytes()
        out[SHIM_PATH] = self._member(f"datei-{content_hash(shim)}", partial(bytes, shim))
        return out

    def _index(self, text: Callable[[], bytes]) -> zipped.Member:
        """The search index packed piece by piece (index_cuts); pieces that are in the table
        with the same 32 KB before them are taken from there."""
        data = text()
        cuts = index_cuts(data)
        packed = []
        for start, end in pairwise(cuts):
            before, piece = data[max(0, start - _WINDOW) : start], data[start:end]
            key = f"indexteil-{content_hash(before + piece)}"
            packed.append(self._packed(key, partial(_index_piece, before, piece))[2])
        return zlib.crc32(data), len(data), b"".join(packed) + _LAST_BLOCK

    def save(self) -> None:
        """Keep the members of this archive for the next one; only these."""
        if self.path is None or self.now == self.last:
            return
        parts = [self.stamp, b"\n"]
        for key in sorted(self.now):
            crc, length, packed = self.now[key]
            encoded = key.encode("ascii")
            parts += [self._ENTRY.pack(len(encoded), crc, length, len(packed)), encoded, packed]
        write_atomically(self.path, b"".join(parts))


def _index_piece(before: bytes, piece: bytes) -> zipped.Member:
    return 0, len(piece), _pack_piece(before, piece)  # only the packed bytes are used


def size_label(size: int) -> str:
    """German size: «4,2 MB», «850 kB» (decimal units, as file managers show them)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} kB"


def write_offline(edition_dir: Path, code: str, epoch: int, cache: CacheFolder | None = None) -> int:
    """offline.zip for the built edition in `edition_dir`, and its size on the start page. With
    a cache, members packed before are taken from there (compressing costs a second or two per
    edition; the files' hashes say whether anything changed). The whole archive is not kept: an
    edition with the same files is kept finished (edition_outputs.py), and its members come from
    the edition's table in a hundredth of a second."""
    sources = offline_sources(edition_dir)
    hashes = {name: content_hash(path.read_bytes()) for name, path in sources.items()}
    table = MemberTable(cache, code)
    size = write_zip(table.members(sources, hashes), edition_dir / OFFLINE_ZIP, f"kommune-beugt-vor-{code}", epoch)
    table.save()
    start = edition_dir / "index.html"
    if start.is_file():
        html = start.read_text(encoding="utf-8")
        labelled = f"{LINK_TEXT[:-1]}, {size_label(size)})"
        # A new file, not written in place: the page may be linked to a kept edition output.
        write_new(start, html.replace(f">{LINK_TEXT}</a>", f">{labelled}</a>", 1).encode("utf-8"))
    return size
