"""A slim view of an installed theme folder, for MkDocs to list quickly.

In every build MkDocs lists all files of every theme folder to find the theme's static files,
then drops the ones in hidden folders. Material's folder holds 14,348 icons in `.icons/`
beside 161 other files: listing and dropping them took 45 ms of each MkDocs build, and a serve
rebuild runs eight (seven editions and the chooser). The view has the same files as symbolic
links, and each hidden folder as one link, which a listing does not enter (Jinja walks without
following links). Templates, icons and static files read the same through it.

The view lives in the cache, named by the folder and the state of every file it shows, so an
upgraded theme gets a new one. Only installed themes are viewed: a project's own theme folder
can change while serving, and is small anyway.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..caching import file_state

FOLDER = "thema"
SOURCE = ".quelle"  # in the view: the folder it shows (hidden: MkDocs' listing skips it)
_INSTALLED = ("site-packages", "dist-packages")


def installed(folder: str | Path) -> bool:
    """Whether `folder` lies in an installation (a package's own files, not the project's)."""
    return any(part in Path(folder).parts for part in _INSTALLED)


def _walk(folder: Path) -> tuple[list[str], list[str]]:
    """(folders linked whole, files), relative to `folder`: what the view links. Hidden folders
    are linked whole, and so are linked folders (MkDocs' listing does not enter them either)."""
    whole, shown = [], []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        linked = {d for d in dirnames if d.startswith(".") or os.path.islink(os.path.join(dirpath, d))}
        whole += [os.path.normpath(os.path.join(rel, d)) for d in sorted(linked)]
        dirnames[:] = sorted(d for d in dirnames if d not in linked and d != "__pycache__")
        shown += [os.path.normpath(os.path.join(rel, f)) for f in sorted(filenames)]
    return whole, shown


def view_of(folder: Path, cache_dir: Path) -> Path:
    """The view of `folder`, made if needed; `folder` itself where a view would not help (no
    hidden folder, not installed) or cannot be made (no symbolic links)."""
    folder = Path(folder)
    if not installed(folder):
        return folder
    hidden, shown = _walk(folder)
    if not any(os.path.basename(name).startswith(".") for name in hidden):
        return folder  # nothing a listing would skip
    key = hashlib.sha256(os.fsencode(folder.resolve()))
    for name in [*hidden, *shown]:
        key.update(os.fsencode(name) + b"\0")
    for name in shown:
        key.update(repr(file_state(os.path.join(folder, name))).encode())
    view = Path(cache_dir) / FOLDER / key.hexdigest()[:32]
    links = {name: os.fspath(folder / name) for name in [*hidden, *shown]}
    if _links(view) == links:
        return view
    scratch = view.with_name(f"{view.name}.tmp{os.getpid()}")
    try:
        shutil.rmtree(scratch, ignore_errors=True)
        if view.exists():  # damaged: anything but the links it was made with is not trusted
            shutil.rmtree(view)
        scratch.mkdir(parents=True)
        for name, is_folder in [*((h, True) for h in hidden), *((f, False) for f in shown)]:
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(folder / name, scratch / name, target_is_directory=is_folder)
        (scratch / SOURCE).write_text(os.fspath(folder.resolve()), encoding="utf-8")
        os.replace(scratch, view)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        # Another process made it meanwhile (the rename found it there), or no links here.
        return view if _links(view) == links else folder
    _forget_older(view)
    return view


def _forget_older(view: Path) -> None:
    """Remove the other views of the folder `view` shows: made before the theme changed (an
    upgrade), they would stay in the cache for good. Views of other folders stay."""
    shown = shown_folder(view)
    for other in view.parent.iterdir():
        if other.name != view.name and "." not in other.name and shown_folder(other) == shown:
            shutil.rmtree(other, ignore_errors=True)


def _links(view: Path) -> dict[str, str] | None:
    """Every link in the view and where it points; None if it holds anything else or is not
    there (checked at every use, like every other cache entry: a damaged view is made anew)."""
    out = {}
    try:
        if not (view / SOURCE).is_file():  # as a link it would be listed below and differ
            return None
        for dirpath, dirnames, filenames in os.walk(view):
            rel = os.path.relpath(dirpath, view)
            for name in [*dirnames, *filenames]:
                path = os.path.join(dirpath, name)
                if os.path.islink(path):
                    out[os.path.normpath(os.path.join(rel, name))] = os.readlink(path)
                elif not (rel == "." and name == SOURCE) and not os.path.isdir(path):
                    return None
    except OSError:
        return None
    return out


def slim_theme(theme, cache_dir: Path) -> None:
    """Put views in place of the installed theme folders in `theme.dirs` (MkDocs' Theme)."""
    theme.dirs[:] = [os.fspath(view_of(Path(d), cache_dir)) for d in theme.dirs]


def shown_folder(folder: Path) -> Path:
    """The folder a view shows; any other folder itself (for keys that name the theme)."""
    folder = Path(folder)
    if folder.parent.name != FOLDER:
        return folder
    try:
        return Path((folder / SOURCE).read_text(encoding="utf-8"))
    except OSError:
        return folder
