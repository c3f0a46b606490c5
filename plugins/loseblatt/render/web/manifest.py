"""manifest.json (effective sheets of an edition, a public interface) and versions.json."""

from __future__ import annotations

import json
from pathlib import Path

from ...addresses import url
from ...caching import write_new
from ...core.assemble import AssembledEdition


def manifest_data(edition: AssembledEdition, pdfs=None) -> dict:
    """`pdfs` (print_adapter.build.EditionPdfs) adds each sheet's PDF and page count."""
    sheets = []
    for s in edition.sheets:
        entry = {
            "blatt": s.blatt,
            "titel": s.titel,
            "fassung": s.fassung,
            "stand": s.stand,
            "url": url(s.doc_path),
            "sha256": s.sha256,
            "register": s.register.number,
            "herkunft": s.origin,
            # Corresponding pages across editions share this (the edition switcher uses it).
            "kennung": s.identity,
        }
        if s.extension_fassung is not None:
            entry["fassung_ergaenzung"] = s.extension_fassung
        if pdfs is not None and s.blatt in pdfs.sheets:
            name, pages = pdfs.sheets[s.blatt]
            entry["pdf"] = f"pdf/{name}"
            entry["seiten"] = pages
        sheets.append(entry)
    data = {
        "ausgabe": edition.code,
        "titel": edition.definition.titel,
        "blaetter": sheets,
    }
    if pdfs is not None:
        data["pdf"] = f"pdf/{pdfs.edition}"
    return data


def write_json(path: Path, data) -> None:
    # A fixed format: the same content gives byte-identical files. A new file (write_new): the
    # edition's folder may hold links to its kept output (mkdocs_adapter/finishing.py).
    write_new(path, (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8"))


def write_manifest(edition: AssembledEdition, site_dir: Path, pdfs=None) -> None:
    write_json(site_dir / "manifest.json", manifest_data(edition, pdfs))


def write_versions(versions: list[dict], site_dir: Path) -> None:
    write_json(site_dir / "versions.json", versions)
