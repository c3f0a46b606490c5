"""Folder trees of an old site, kept to build the next one in.

Every page of an edition lives in a folder of its own (`blatt-2-3/index.html`). On this kind of
disk making a folder costs about 0.4 ms of CPU, linking a file into it 0.01 ms and removing a
folder 0.09 ms: at 1,000 sheets a rebuild made and removed about 7,500 folders, two to three
seconds of CPU on two cores, to lay out the same tree again, and a build that changed nothing
half a second for the real binder. So the editions' folders of the site a build replaces are not
removed but kept empty of files (a skeleton per edition, beside the site folder: under
`mkdocs serve` in the temporary folder, removed when the session ends; beside `site/`
otherwise, hidden, and `make clean` removes it) and handed to the next build of that edition,
which writes and links its files into folders that are already there. Only the build holding
the site's lock (publish.py) touches them.

A build must come out the same with or without a skeleton: the skeleton is emptied of every
file before anything is written into it, and afterwards every folder it brought that still holds
no file is removed. A site never has empty folders (MkDocs and our steps make a folder only for
a file in it), so what remains is exactly the folders a build without skeleton makes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

# Inside an edition's site folder while MkDocs builds there: MkDocs empties the folder when the
# build starts, but leaves hidden entries alone.
INSIDE = ".geruest"


def root_beside(target: Path) -> Path:
    """Where a serve session keeps its skeletons: beside the folder it serves."""
    return target.parent / f".{target.name}-geruest"


def keep(old_site: Path, codes: Iterable[str], root: Path) -> None:
    """Keep the folders of the editions `codes` of a replaced site as skeletons, emptied of
    files (a session that is killed leaves empty folders behind, not a copy of the site); any
    older skeleton of the same edition goes."""
    root.mkdir(parents=True, exist_ok=True)
    for code in codes:
        tree = old_site / code
        if not tree.is_dir() or tree.is_symlink():
            continue
        inner = tree / INSIDE
        if inner.is_dir() and all(entry.name == INSIDE for entry in os.scandir(tree)):
            tree = inner  # placed for a build that did not run (a superseded serve rebuild)
        _empty(os.fspath(tree))
        dest = root / code
        if dest.exists():
            shutil.rmtree(dest, ignore_errors=True)
        os.replace(tree, dest)


def _empty(tree: str) -> None:
    """Remove every file below `tree` and every link to a folder; the folders stay."""
    for folder, dirs, names in os.walk(tree):
        for name in names:
            os.unlink(os.path.join(folder, name))
        for name in [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            os.unlink(os.path.join(folder, name))
            dirs.remove(name)


def place(root: Path | None, code: str, site_dir: Path) -> bool:
    """Put edition `code`'s skeleton, if there is one, inside `site_dir` for its build."""
    if root is None:
        return False
    tree = root / code
    if not tree.is_dir():
        return False
    try:
        site_dir.mkdir(parents=True, exist_ok=True)
        os.replace(tree, site_dir / INSIDE)
    except OSError:  # another file system, say: this build makes its folders
        return False
    return True


def unpack(site_dir: Path) -> list[str]:
    """Move the skeleton inside `site_dir` into it, emptied of files; returns the folders it
    brought (absolute paths). Nothing to do without a skeleton."""
    inside = os.path.join(os.fspath(site_dir), INSIDE)
    if not os.path.isdir(inside):
        return []
    brought: list[str] = []
    _empty(inside)  # emptied when kept too, but what is written into it must be this build's alone
    for entry in os.scandir(inside):
        dest = os.path.join(os.fspath(site_dir), entry.name)
        if os.path.lexists(dest):
            continue  # already there: the skeleton's folder goes with the rest below
        try:
            os.replace(entry.path, dest)
        except OSError:
            continue
        brought += [folder for folder, _dirs, _names in os.walk(dest)]
    shutil.rmtree(inside, ignore_errors=True)
    return brought


def prune(brought: list[str]) -> int:
    """Remove the folders a skeleton brought that hold no file now, the deepest first; returns
    how many."""
    removed = 0
    for folder in sorted(brought, key=lambda p: p.count(os.sep), reverse=True):
        try:
            os.rmdir(folder)  # only an empty folder goes
            removed += 1
        except OSError:
            continue
    return removed
