"""Finished editions kept for the next build: an edition whose inputs did not change is not built
again; its last MkDocs output is linked into place (hard links: no bytes are copied or rewritten).

The key follows the one cache rule (caching.cache_key: our code and the libraries' versions) and
adds everything an edition worker reads: the assignment (the assembled edition with its text,
history, page counts, addresses and build date), the MkDocs configuration file and the
environment variables it or we read, and every project file outside the binder's text (docs/,
theme folders, images, hooks). An edit of one state's sheet therefore rebuilds that state's
edition only; an edit of a general sheet rebuilds the editions that show it.

Files taken from here are never written in place afterwards: what the coordinator adds to an
edition (PDFs, manifest, packages, offline copy) is written as new files (write then rename).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import re
import shutil
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .. import skeletons
from ..caching import cache_key, content_hash, file_state, write_atomically
from ..publish import published_here
from .config import CACHE_ENV

if TYPE_CHECKING:
    from .edition_site import EditionAssignment

KEPT = "ausgaben"  # the folder of kept editions in the cache
KEY_FILE = "schluessel"
SITE = "site"  # MkDocs' output of an edition
PAGES_FILE = "seiten.json"  # the site stage's pages by their keys (page_cache.KeptPages)
FINISHED = "fertig"  # the edition as published, kept as what finishing changed (EditionOutputs)
GONE_FILE = "fertig.entfernt"
STATE_SUFFIX = "dateien"  # <stage>.dateien: each kept file's state when it was kept
# The binder's text reaches a worker only through the assignment; other binder files (images)
# are read from disk and count as project files.
TEXT_SUFFIXES = (".md", ".yml", ".yaml", ".json")
SKIP_DIRS = {"node_modules", "__pycache__"}
ENV_PREFIX = "LOSEBLATT_"
NOT_INPUTS = {CACHE_ENV}  # where the caches lie shapes no output
PICKLE_PROTOCOL = 5  # fixed: the Python version is part of every key (caching.py)


def described(value: object, root: Path) -> bytes | None:
    """Bytes that say exactly what `value` holds: its pickle, which restores the same content and
    so never gives two different values the same bytes. (A canonical JSON form of a whole edition
    cost half a second per build; the pickle a twentieth.) Paths below the project's `root` are
    described relative to it, so a moved checkout has the same keys (caching.py). Equal values
    may still pickle apart, for example a set in another hash order: that costs a rebuild, never
    a wrong reuse, and the test of the key in two processes with different hash seeds watches
    for it. None when something in it cannot be pickled: then the edition is simply built."""
    out = io.BytesIO()
    try:
        _KeyPickler(out, root).dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return out.getvalue()


def in_project(relative: str) -> str:
    """What a path below the project's root is described as in a key (never called)."""
    return relative


class _KeyPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, root: Path) -> None:
        super().__init__(file, protocol=PICKLE_PROTOCOL)
        self.root = root

    def reducer_override(self, obj: object) -> Any:  # a reduction, or NotImplemented
        if isinstance(obj, PurePath) and obj.is_absolute():
            try:
                relative = obj.relative_to(self.root)
            except ValueError:
                return NotImplemented
            # A function of its own, so that no path a value really holds pickles the same.
            return in_project, (relative.as_posix(),)
        return NotImplemented


def project_files(root: Path, binder_dir: Path, skip: list[Path]) -> list[tuple[str, str]]:
    """(path relative to the project, content hash) of every file a worker may read, except the
    binder's text, hidden files and the output and cache folders in `skip`, and any folder a
    build published a site to: under `mkdocs serve` the site folder of the last `mkdocs build`
    is not this build's, and at 1,000 sheets hashing its 8,000 files held up the first worker
    by more than a second on every rebuild."""
    root, binder_dir = root.resolve(), binder_dir.resolve()
    skipped = {p.resolve() for p in skip}
    out: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and (here / d).resolve() not in skipped
            and not published_here(here / d)
        )
        in_binder = here == binder_dir or binder_dir in here.parents
        for name in sorted(names):
            if name.startswith(".") or (in_binder and name.endswith(TEXT_SUFFIXES)):
                continue
            path = here / name
            if path.is_file():
                out.append((path.relative_to(root).as_posix(), content_hash(path.read_bytes())))
    return out


def environment(config_text: str) -> list[tuple[str, str]]:
    """The variables the configuration reads (!ENV) and ours."""
    named = set(re.findall(r"!ENV\s+([A-Za-z_]\w*)", config_text))
    for group in re.findall(r"!ENV\s+\[([^\]]*)\]", config_text):
        named |= {part.strip().strip("'\"") for part in group.split(",")}
    return sorted(
        (k, v) for k, v in os.environ.items() if (k.startswith(ENV_PREFIX) and k not in NOT_INPUTS) or k in named
    )


def edition_key(
    assignment: EditionAssignment, settings: object, config_text: str, files: list, root: Path
) -> str | None:
    """None when an input cannot be described: then the edition is simply built. `root`: the
    project's folder, below which paths are keyed relative to it."""
    # The order in which workers go through the pages does not change the output.
    inputs = described((dataclasses.replace(assignment, backwards=False), settings), root)
    if inputs is None:
        return None
    return cache_key("ausgabe", inputs, config_text, environment(config_text), files)


def link_tree(src: Path, dest: Path, skip: frozenset[str] = frozenset()) -> int:
    """A copy of `src` at `dest` made of hard links (copies where links are impossible), without
    the files `skip` (paths relative to `src`)."""
    n = 0
    src_root, dest_root = os.fspath(src), os.fspath(dest)
    for folder, _dirs, names in os.walk(src_root):
        rel = os.path.relpath(folder, src_root)
        target = dest_root if rel == "." else os.path.join(dest_root, rel)
        os.makedirs(target, exist_ok=True)
        for name in names:
            if skip and _under(rel, name) in skip:
                continue
            _link(os.path.join(folder, name), os.path.join(target, name))
            n += 1
    return n


def _files(root: str) -> list[str]:
    """Every file below `root`, relative to it, with / between folders."""
    out = []
    for folder, _dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        out += [_under(rel, name) for name in names]
    return out


def _under(rel: str, name: str) -> str:
    """`name` in the folder `rel` (as os.path.relpath gives it) relative to the walked root."""
    return name if rel == "." else f"{rel}/{name}"


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _link_over(source: str, target: str) -> None:
    """Replace the file `target` by a link to `source`: a new link renamed over it, so that a
    site linking the old file keeps its bytes."""
    fresh = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.neu")
    if os.path.lexists(fresh):
        os.unlink(fresh)
    _link(source, fresh)
    os.replace(fresh, target)


def overlay(src: Path, base: Path) -> tuple[list[str], list[str]]:
    """What `src` has on top of `base`: the files that are not the same file (hard link) in both,
    and the files of `base` that `src` lacks."""
    src_root, base_root = os.fspath(src), os.fspath(base)
    changed = []
    present = _files(src_root)
    for rel in present:
        try:
            have, under = os.stat(os.path.join(src_root, rel)), os.stat(os.path.join(base_root, rel))
        except OSError:
            changed.append(rel)
            continue
        if not _same(have, under):
            changed.append(rel)
    gone = sorted(set(_files(base_root)) - set(present))
    return changed, gone


def mirror_files(src: Path, dest: Path, rels: list[str]) -> None:
    """Make `dest` hold exactly the files `rels` of `src`, as hard links; like mirror_tree, a file
    is replaced by renaming a new link over it, never written in place."""
    src_root, dest_root = os.fspath(src), os.fspath(dest)
    wanted = set(rels)
    os.makedirs(dest_root, exist_ok=True)
    for folder, _dirs, names in os.walk(dest_root, topdown=False):
        rel = os.path.relpath(folder, dest_root)
        for name in names:
            if _under(rel, name) not in wanted:
                os.unlink(os.path.join(folder, name))
        if rel != "." and not os.listdir(folder):
            os.rmdir(folder)
    for rel in rels:
        source, target = os.path.join(src_root, rel), os.path.join(dest_root, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            if _same(os.stat(target), os.stat(source)):
                continue
        except FileNotFoundError:
            _link(source, target)
            continue
        _link_over(source, target)


def _link(source: str | Path, dest: str | Path) -> None:
    """A hard link at `dest` (which must not exist), a copy where links are impossible."""
    try:
        os.link(source, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, dest)


def mirror_tree(src: Path, dest: Path) -> int:
    """Make `dest` a copy of `src` made of hard links, reusing `dest`'s folders: removing and
    making again one folder per page cost more than linking the pages (0.62 of the 1.06 s it took
    to keep both stages of an edition at 1,000 sheets). A file is replaced by renaming a new link
    over it, never written in place, so a site that links the old file keeps its bytes. Paths are
    plain strings: with two per file, pathlib's objects were a third of the time."""
    n = 0
    src_root, dest_root = os.fspath(src), os.fspath(dest)
    for folder, dirs, names in os.walk(src_root):
        rel = os.path.relpath(folder, src_root)
        target = dest_root if rel == "." else os.path.join(dest_root, rel)
        if os.path.islink(target) or (os.path.lexists(target) and not os.path.isdir(target)):
            os.unlink(target)
        os.makedirs(target, exist_ok=True)
        existing = {entry.name: entry for entry in os.scandir(target)}
        for name, entry in existing.items():
            wanted_dir = name in dirs
            if name not in names and not wanted_dir:
                _remove(entry)
            elif wanted_dir != entry.is_dir(follow_symlinks=False):
                _remove(entry)  # a file where a folder belongs, or the other way round
        for name in names:
            source = os.path.join(folder, name)
            old = existing.get(name)
            if (
                old is not None
                and old.is_file(follow_symlinks=False)
                and _same(old.stat(follow_symlinks=False), os.stat(source))
            ):
                n += 1
                continue
            (_link if old is None else _link_over)(source, os.path.join(target, name))
            n += 1
    return n


def _remove(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


class EditionOutputs:
    """Two stages of each edition `code`, each with the key of the inputs it was made from beside
    it: `<folder>/<code>/site` is MkDocs' output (`schluessel`); the finished edition, with what
    the coordinator adds (PDFs, manifest, packages, offline copy; `fertig.schluessel`), is kept as
    what finishing changed on top of it: `fertig/` holds the new and replaced files and
    `fertig.entfernt` names files it removed. Keeping a second whole tree of hard links cost as
    much as keeping the first (two file operations per page)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def anything_kept(self) -> bool:
        try:
            return any(self.folder.iterdir())
        except OSError:  # no such folder yet
            return False

    def restore(self, code: str, key: str | None, dest: Path, stage: str = SITE) -> bool:
        """Put the kept output at `dest` if it was made from the same inputs."""
        if key is None:
            return False
        entry = self.folder / code
        try:
            if (entry / _key_file(stage)).read_text(encoding="utf-8") != key:
                return False
            gone = (entry / GONE_FILE).read_text(encoding="utf-8").split("\n") if stage == FINISHED else []
        except OSError:
            return False
        if not (entry / SITE).is_dir() or not (entry / stage).is_dir():
            return False
        # A kept file changed since (damaged, or written through a published site that links
        # it): the edition is built instead. Its size and modification time, as for pages.
        if any(_listing(entry / part) != _stored_listing(entry, part) for part in {SITE, stage}):
            return False
        brought = skeletons.unpack(dest)
        if stage == SITE:
            link_tree(entry / SITE, dest)
        else:
            added = _files(os.fspath(entry / FINISHED))
            link_tree(entry / SITE, dest, skip=frozenset(added) | frozenset(g for g in gone if g))
            link_tree(entry / FINISHED, dest)
        skeletons.prune(brought)
        return True

    def store(self, code: str, key: str | None, src: Path, stage: str = SITE, pages: dict | None = None) -> None:
        """Keep `src` for the next build. The key is written last: an interrupted store is
        never mistaken for a complete one. The finished stage is stored on top of the site
        stage that `src` was made from (the files they share are the same files). `pages`:
        the site stage's pages by key, for the next build of the edition (page_cache.KeptPages)."""
        entry = self.folder / code
        (entry / _key_file(stage)).unlink(missing_ok=True)
        if stage == SITE:
            (entry / _key_file(FINISHED)).unlink(missing_ok=True)  # it lay on top of the old one
            (entry / PAGES_FILE).unlink(missing_ok=True)
        if key is None:
            return
        if stage == SITE:
            mirror_tree(src, entry / SITE)
            if pages is not None:
                write_atomically(entry / PAGES_FILE, json.dumps(pages, sort_keys=True).encode("utf-8"))
        else:
            if not (entry / _key_file(SITE)).is_file():
                return  # nothing kept to lie on top of
            changed, gone = overlay(src, entry / SITE)
            mirror_files(src, entry / FINISHED, changed)
            write_atomically(entry / GONE_FILE, "\n".join(gone).encode("utf-8"))
        listing = json.dumps(_listing(entry / stage), sort_keys=True).encode("utf-8")
        write_atomically(entry / f"{stage}.{STATE_SUFFIX}", listing)
        write_atomically(entry / _key_file(stage), key.encode("utf-8"))

    def site_pages(self, code: str) -> tuple[Path, dict] | None:
        """The last kept MkDocs output of the edition, whatever its key, with its pages by key;
        None when there is none, or it was stored without them or not completely."""
        entry = self.folder / code
        try:
            if not (entry / KEY_FILE).is_file():
                return None
            pages = json.loads((entry / PAGES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return (entry / SITE, pages) if isinstance(pages, dict) else None

    def prune(self, codes: set[str]) -> None:
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.is_dir() and entry.name not in codes:
                shutil.rmtree(entry, ignore_errors=True)


def _listing(root: Path) -> dict[str, list[int]]:
    """Every file below `root` with its state (caching.file_state)."""
    root_text = os.fspath(root)
    return {rel: file_state(os.path.join(root_text, rel)) for rel in _files(root_text)}


def _stored_listing(entry: Path, stage: str) -> dict | None:
    try:
        return json.loads((entry / f"{stage}.{STATE_SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _key_file(stage: str) -> str:
    return KEY_FILE if stage == SITE else f"{stage}.{KEY_FILE}"


def finished_key(key: str | None, added: object, pdf_dir: Path, root: Path) -> str | None:
    """The key of a finished edition: its MkDocs output's key, what the coordinator's steps
    read besides it (`added`: the PDFs' page counts, the deliveries, withdrawals and glossary
    for the packages), and the bytes of the PDFs and delivery files it moves in."""
    described_added = described(added, root)
    if key is None or described_added is None:
        return None
    files = (
        sorted(
            (p.relative_to(pdf_dir).as_posix(), content_hash(p.read_bytes())) for p in pdf_dir.rglob("*") if p.is_file()
        )
        if pdf_dir.is_dir()
        else []
    )
    return cache_key("fertig", key, described_added, files)
