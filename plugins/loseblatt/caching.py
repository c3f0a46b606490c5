"""One rule for every cache: rendered Markdown, finished pages and PDFs.

* A key is made by `cache_key` only: the kind of entry, the entry's own inputs, our package's
  code (every source, asset and template file) and the versions of the libraries that shape
  the output. Nothing machine-specific goes in (no absolute path, no modification time), so a
  moved checkout reuses its caches and another version of our code never finds them.
* An entry is stored with the key it was made for (`CacheFolder`) and read back only if that
  key matches, so a file written by another version, cut short or damaged is never served.
* Every build records the keys it used per owner (an edition); `prune` keeps what the owners'
  last builds used and deletes the rest, so a cache does not grow with every edit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SCHEMA = "loseblatt-cache 3"
CODE_SUFFIXES = (".py", ".css", ".js", ".ttf", ".txt", ".html", ".json", ".yml")
LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "nh3",
    "selectolax",
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pikepdf",
)
LISTING_SUFFIX = ".schluessel"


def file_state(path: str) -> list[int]:
    """What says that a kept file is still the one written then, without reading it: its size and
    modification time (any rewrite changes them; hard links and renames do not)."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Our own code and the libraries' versions: any change to either is a new key for every entry."""
    h = hashlib.sha256(f"{SCHEMA}\npython {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-\n".encode())
    return h.hexdigest()


def _encode(part: object) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    return json.dumps(part, sort_keys=True, ensure_ascii=False, default=repr).encode("utf-8")


def cache_key(kind: str, *inputs: object) -> str:
    """The key of an entry of `kind` made from `inputs` (strings, bytes or JSON-able values).
    Each input is length-prefixed, so two different input lists never hash alike."""
    h = hashlib.sha256(f"{kind}\0{code_fingerprint()}\0".encode())
    for part in inputs:
        data = _encode(part)
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_new(path: Path, data: bytes) -> None:
    """Write then rename: `path` becomes a new file, never half written, and a file it was before
    is not written in place (in a site it may be a hard link to a kept output). Errors rise: a
    site's file that cannot be written fails the build."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:
            # The folder is made only when missing: an mkdir before every write was 14 % of
            # a cold build's cache-writing time (one failed system call and a stat each).
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """write_new for the caches: an entry that cannot be written only means work next time."""
    with contextlib.suppress(OSError):
        write_new(path, data)


class SessionMemo:
    """Entries a worker of a serve session read from the caches or wrote, kept in its memory by
    key: its next rebuild finds the unchanged pages there instead of opening and unpickling a
    file for each (at 1,000 sheets a seventh of an edition's run).

    Bounded twice. An entry no job used in the last `keep_jobs` jobs goes (an edited page's
    old versions: the memo does not grow with the session). And it is filled only up to
    `limit` bytes (as stored on disk), then new entries are left out until old ones go: every
    rebuild walks all pages in the same order, and a memo that dropped its oldest entry for
    each new one would drop every page just before it is needed again."""

    def __init__(self, limit: int, keep_jobs: int):
        self.limit = limit
        self.keep_jobs = keep_jobs
        self.size = 0
        self.job = 0
        self.items: dict[str, tuple[object, int, int]] = {}  # key -> (value, size, last job)

    def next_job(self) -> None:
        """A job (an edition build) begins: forget what the last `keep_jobs` jobs did not use."""
        self.job += 1
        oldest = self.job - self.keep_jobs
        for key in [k for k, (_, _, used) in self.items.items() if used < oldest]:
            self.size -= self.items.pop(key)[1]

    def get(self, key: str) -> object | None:
        item = self.items.get(key)
        if item is None:
            return None
        self.items[key] = (item[0], item[1], self.job)
        return item[0]

    def put(self, key: str, value: object, size: int) -> None:
        if key not in self.items and self.size + size <= self.limit:
            self.items[key] = (value, size, self.job)
            self.size += size


class CacheFolder:
    """Entries `<key><suffix>` in two-letter subfolders; each starts with its key and a newline.
    `used` collects the keys this process read or wrote, for `record`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()

    def path(self, key: str, suffix: str) -> Path:
        return self.folder / key[:2] / f"{key}{suffix}"

    def read(self, key: str, suffix: str) -> bytes | None:
        try:
            data = self.path(key, suffix).read_bytes()
        except OSError:
            return None
        head, sep, body = data.partition(b"\n")
        if not sep or head != key.encode("ascii"):
            return None
        self.used.add(key)
        return body

    def write(self, key: str, suffix: str, body: bytes) -> None:
        write_atomically(self.path(key, suffix), key.encode("ascii") + b"\n" + body)
        self.used.add(key)

    def touch(self, key: str) -> None:
        """Mark an entry as used without reading it (its reader checked it another way)."""
        self.used.add(key)

    def record(self, owner: str, keys: Iterable[str] | None = None) -> None:
        """Remember which entries `owner`'s build used (by default: all this process used)."""
        keys = self.used if keys is None else set(keys)
        write_atomically(self.folder / f"{owner}{LISTING_SUFFIX}", ("\n".join(sorted(keys)) + "\n").encode())

    def prune(self, owners: Iterable[str]) -> int:
        """Keep the entries some live owner's last build used; forget owners that are gone."""
        owners = set(owners)
        keep: set[str] = set()
        for listing in self.folder.glob(f"*{LISTING_SUFFIX}"):
            if listing.name[: -len(LISTING_SUFFIX)] in owners:
                keep.update(listing.read_text(encoding="utf-8").split())
            else:
                listing.unlink(missing_ok=True)
        removed = 0
        for sub in self.folder.iterdir():
            if not sub.is_dir() or len(sub.name) != 2:
                continue
            for entry in os.scandir(sub):
                if entry.name.split(".", 1)[0] not in keep:
                    os.unlink(entry.path)
                    removed += 1
        return removed


def project_files_fingerprint(folders: Iterable[Path], root: Path) -> list[tuple[str, str]]:
    """(path relative to the project, content hash) of every file under `folders` — for a
    theme's custom_dir or other project files that shape the output. Paths outside the project
    are named by their position inside the folder only, never by an absolute path."""
    out: list[tuple[str, str]] = []
    for given in folders:
        folder = Path(given)
        try:
            label = folder.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            label = folder.name
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.append((f"{label}/{path.relative_to(folder).as_posix()}", content_hash(path.read_bytes())))
    return out
