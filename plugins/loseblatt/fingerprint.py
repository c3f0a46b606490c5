"""What every cache key includes besides its own inputs: our own code and the versions of the
libraries that shape the output. A change to either can never serve stale output; nothing
machine-specific (no absolute path, no modification time) goes in, so a moved checkout reuses
its caches."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "weasyprint", "pydyf", "pikepdf")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    h = hashlib.sha256(b"loseblatt code 1\n")
    for path in sorted(PACKAGE.rglob("*")):
        if (
            path.is_file()
            and path.suffix in (".py", ".css", ".js", ".ttf", ".txt", ".html")
            and "__pycache__" not in path.parts
        ):
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-\n".encode())
    return h.hexdigest()
