"""Cache of rendered PDFs by key (caching.py's rule).

A PDF is kept as is, so that it can be hard-linked into the site; beside it a small record
holds its key, page count and checksum. An entry is used only when the record belongs to its
key and the PDF's bytes match the checksum.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..caching import CacheFolder, content_hash, write_atomically


class PdfStore:
    def __init__(self, root: Path):
        self.folder = CacheFolder(root)
        self._checked: dict[str, int] = {}

    def _pdf(self, key: str) -> Path:
        return self.folder.path(key, ".pdf")

    def pages(self, key: str) -> int | None:
        """Page count of a sound cached PDF, or None."""
        if key in self._checked:
            return self._checked[key]
        record = self.folder.read(key, ".seiten")
        if record is None:
            return None
        try:
            info = json.loads(record)
            pages = int(info["seiten"])
            sound = content_hash(self._pdf(key).read_bytes()) == info["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not sound:
            return None
        self._checked[key] = pages
        return pages

    def has(self, key: str) -> bool:
        return self.pages(key) is not None

    def pdf(self, key: str) -> bytes:
        return self._pdf(key).read_bytes()

    def place(self, key: str, target: Path) -> None:
        """Put the cached PDF at `target`: a hard link where possible (no bytes copied).
        Safe because cache files are only ever replaced (os.replace), never changed in place."""
        source = self._pdf(key)
        target = Path(target)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            target.write_bytes(source.read_bytes())
        self.folder.touch(key)

    def put(self, key: str, data: bytes, pages: int) -> None:
        # The PDF first, its record last: a record never points at a PDF that is not there.
        write_atomically(self._pdf(key), data)
        self.folder.write(key, ".seiten", json.dumps({"seiten": pages, "sha256": content_hash(data)}).encode())
        self._checked[key] = pages

    def record(self, owner: str, keys: set[str]) -> None:
        self.folder.record(owner, keys)

    def prune(self, owners: set[str]) -> int:
        return self.folder.prune(owners)
