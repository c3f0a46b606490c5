"""manifest.json (effective sheets of an edition, a public interface) and versions.json."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.assemble import AssembledEdition


def sheet_url(doc_path: str) -> str:
    """URL relative to the edition root, as MkDocs writes it with directory URLs."""
    return doc_path.removesuffix(".md") + "/"


def manifest_data(edition: AssembledEdition) -> dict:
    sheets = []
    for s in edition.sheets:
        entry = {
            "blatt": s.blatt,
            "titel": s.titel,
            "fassung": s.fassung,
            "stand": s.stand,
            "url": sheet_url(s.doc_path),
            "sha256": s.sha256,
            "register": s.register.number,
            "herkunft": s.origin,
        }
        if s.extension_fassung is not None:
            entry["fassung_ergaenzung"] = s.extension_fassung
        sheets.append(entry)
    return {
        "ausgabe": edition.code,
        "titel": edition.definition.titel,
        "blaetter": sheets,
    }


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Sorted keys and a fixed format: the same content gives byte-identical files.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def write_manifest(edition: AssembledEdition, site_dir: Path) -> None:
    write_json(site_dir / "manifest.json", manifest_data(edition))


def write_versions(versions: list[dict], site_dir: Path) -> None:
    write_json(site_dir / "versions.json", versions)
