"""Where editors change a page: the exact file in GitHub's web editor (no MkDocs here).

MkDocs computes `edit_url` for hand-written pages from `repo_url` and `edit_uri` (which points
into docs/). Sheets and Registerblätter are generated pages, so the plugin asks this module for
the file they come from: the state's own file for a replaced or extended sheet, the base file
otherwise. Generated pages without a source (checklists, index, deliveries) get no link.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import quote


def edit_root(repo_url: str | None, edit_uri: str | None, docs_dir: str = "docs") -> str | None:
    """The address that a path relative to the repository's root is appended to.

    From `repo_url` and MkDocs' `edit_uri` (e.g. "edit/main/docs/"): the docs folder is taken off,
    so that binder/ files are edited on the same branch.
    """
    if not edit_uri or edit_uri.startswith(("?", "#")):
        return None
    absolute = "://" in edit_uri
    if not absolute and not repo_url:
        return None
    rel = edit_uri.strip("/")
    docs = posixpath.normpath(docs_dir).strip("/")
    if rel == docs:
        rel = ""
    elif rel.endswith("/" + docs):
        rel = rel[: -len(docs) - 1]
    if absolute:
        return rel + "/"
    return (repo_url or "").rstrip("/") + "/" + (rel + "/" if rel else "")


def edit_path(sources: list[Path], project_root: Path, resolved_root: Path | None = None) -> str | None:
    """The file an editor changes for a page assembled from `sources` (the last one wins: a
    state's extension is appended to the base sheet and is what the state edits).
    `resolved_root`: the project root already resolved (for many pages at once)."""
    if not sources:
        return None
    path = Path(sources[-1])
    root = resolved_root or Path(project_root).resolve()
    # Sources are absolute paths below the resolved binder folder: resolving each of a
    # thousand again (a system call per part) is only needed for one that is not.
    found = _below(path, root) if path.is_absolute() else None
    return found if found is not None else _below(path.resolve(), root)


def _below(path: Path, root: Path) -> str | None:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    return rel.as_posix() if ".." not in rel.parts else None


def edit_sources(edition) -> dict[str, Path]:
    """Page source path (src_uri) -> the binder/ file of that page, for an assembled edition."""
    out: dict[str, Path] = {}
    for reg in edition.registers:
        out[reg.doc_path] = Path(reg.register.path)
        for sheet in reg.sheets:
            if sheet.sources:
                out[sheet.doc_path] = Path(sheet.sources[-1])
    return out


def edit_url(root: str | None, rel_path: str | None) -> str | None:
    if not root or not rel_path:
        return None
    return root + quote(rel_path)


def edit_urls(edition, repo_url: str | None, edit_uri: str | None, docs_dir: str, project_root: Path) -> dict[str, str]:
    """Page source path -> its «Bearbeiten» address, for every page of `edition` from a file."""
    root = edit_root(repo_url, edit_uri, docs_dir)
    resolved = Path(project_root).resolve()
    out = {}
    for uri, source in edit_sources(edition).items():
        url = edit_url(root, edit_path([source], project_root, resolved))
        if url:
            out[uri] = url
    return out
