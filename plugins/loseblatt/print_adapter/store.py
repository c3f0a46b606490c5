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
