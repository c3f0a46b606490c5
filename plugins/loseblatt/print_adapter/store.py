"""Content-addressed cache of rendered PDFs: a key is a hash of everything that shapes a PDF."""

from __future__ import annotations

import os
from pathlib import Path


class PdfStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.root / f"{key}.pdf", self.root / f"{key}.seiten"

    def get(self, key: str) -> tuple[bytes, int] | None:
        pdf, pages = self._paths(key)
        try:
            return pdf.read_bytes(), int(pages.read_text())
        except (OSError, ValueError):
            return None

    def pages(self, key: str) -> int | None:
        try:
            return int(self._paths(key)[1].read_text())
        except (OSError, ValueError):
            return None

    def pdf(self, key: str) -> bytes:
        return self._paths(key)[0].read_bytes()

    def place(self, key: str, target: Path) -> None:
        """Put the cached PDF at `target`: a hard link where possible (no bytes copied).
        Safe because cache files are only ever replaced (os.replace), never changed in place."""
        source = self._paths(key)[0]
        target = Path(target)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            target.write_bytes(source.read_bytes())

    def has(self, key: str) -> bool:
        pdf, pages = self._paths(key)
        return pdf.is_file() and pages.is_file()

    def put(self, key: str, data: bytes, pages: int) -> None:
        pdf, count = self._paths(key)
        # Write then rename: a killed build never leaves a half-written PDF in the cache.
        for path, content in ((pdf, data), (count, str(pages).encode())):
            tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
            tmp.write_bytes(content)
            os.replace(tmp, path)
