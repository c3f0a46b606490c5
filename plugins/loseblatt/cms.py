"""The form editor (Decap CMS): its configuration, generated from the field table, and its files.

Every register folder and every Land folder under binder/laender/ becomes a collection, so a new
Land appears in the form without code. Fields, German labels, help texts and patterns come from
core/fields.py, the same definitions the loader checks. The editor's own code is copied from
node_modules (npm: decap-cms) next to the configuration: nothing is loaded from a CDN.

Sheets are read and written by our own format (assets/cms/loseblatt-format.js), which keeps
every unchanged line of a file byte for byte.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .core.fields import AENDERUNG, SHEET_FIELDS, SHEET_ID, STAND, Field
from .core.frontmatter import FrontMatterError, split
from .core.inputs import read_text
from .core.laender import LAENDER
from .core.load import REGISTER_FILE, REGISTER_FOLDER
from .core.problems import Problems

ASSETS = Path(__file__).resolve().parent / "assets" / "cms"
DECAP_DIST = Path("node_modules") / "decap-cms" / "dist"
DECAP_FILE = "decap-cms.js"
LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"

# Patterns with the German message the form shows (Decap adds the final full stop).
PATTERNS: dict[str, tuple[str, str]] = {
    "id": (SHEET_ID.pattern, "Bitte eine Blattnummer wie „2.3“ angeben (Register.Nummer, ohne führende Null)"),
    "stand": (STAND.pattern, "Bitte Jahr und Monat in der Form JJJJ-MM angeben, z. B. 2026-11"),
    "text": (r"^[^<>\n]*\S[^<>\n]*$", "Bitte einen Text ohne spitze Klammern (< >) angeben"),
}


def _widget(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"label": f.label, "name": f.key, "hint": f.form_hint or f.hint, "required": f.required}
    if f.kind in ("id", "stand", "text"):
        out["widget"] = "string"
        out["pattern"] = list(PATTERNS[f.kind])
    elif f.kind == "int":
        out.update(widget="number", value_type="int", min=1, step=1)
    elif f.kind == "choice":
        out.update(widget="select", options=list(f.choices or AENDERUNG))
    elif f.kind == "bool":
        out.update(widget="boolean", default=False)
    elif f.kind == "words":
        out.update(widget="list", allow_add=True)
    else:
        raise ValueError(f"no form widget for field kind {f.kind!r}")
    return out


def _fields(state: bool) -> list[dict[str, Any]]:
    fields = [_widget(f) for f in SHEET_FIELDS if state or not f.state_only]
    fields.append(
        {
            "label": "Text des Blattes",
            "name": "body",
            "widget": "text",
            "hint": "Markdown wie in allen Blättern: ## Überschrift, - Aufzählung, [[2.3]] für einen Blattverweis.",
        }
    )
    # Read by our file format: the file's own head (kept byte for byte) and what kind of file it is.
    fields.append({"name": "__lb_kopf", "widget": "hidden", "required": False})
    fields.append({"name": "__lb_art", "widget": "hidden", "required": False})
    return fields


def _collection(name: str, label: str, folder: str, state: bool) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "label_singular": "Blatt",
        "folder": folder,
        "extension": "md",
        "format": "loseblatt",
        "identifier_field": "titel",
        "summary": "{{blatt}}{{ergaenzt}} – {{titel}} (Fassung {{fassung}})",
        "sortable_fields": ["blatt", "titel"],
        # Registerblätter have other fields; they are edited as files (see Mitmachen).
        "filter": {"field": "__lb_art", "value": "blatt"},
        "create": True,
        "editor": {"preview": False},
        "fields": _fields(state),
    }


def _register_title(folder: Path) -> str:
    path = folder / REGISTER_FILE
    text = read_text(path, Problems(folder)) if path.is_file() else None
    if text:
        try:
            front = split(text).front
        except FrontMatterError:
            front = None
        if front is not None and isinstance(front.data.get("titel"), str):
            return front.data["titel"]
    return folder.name


def cms_config(
    binder: Path,
    project_root: Path,
    repo: str,
    branch: str = "main",
    local_backend: str | None = None,
    auth: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Decap configuration. With `local_backend` (the address of decap-server) the form works on
    the local files; otherwise on GitHub with pull requests (editorial workflow, open authoring)."""
    binder = Path(binder)
    rel = binder.resolve().relative_to(Path(project_root).resolve()).as_posix()
    collections = []
    for folder in sorted(p for p in binder.iterdir() if p.is_dir() and REGISTER_FOLDER.match(p.name)):
        number = int(folder.name[:2])
        collections.append(
            _collection(
                f"register-{number}", f"Register {number}: {_register_title(folder)}", f"{rel}/{folder.name}", False
            )
        )
    laender = binder / "laender"
    if laender.is_dir():
        for folder in sorted(p for p in laender.iterdir() if p.is_dir() and p.name in LAENDER):
            collections.append(
                _collection(f"land-{folder.name}", f"Land {LAENDER[folder.name]}", f"{rel}/laender/{folder.name}", True)
            )
    backend: dict[str, Any] = {"name": "github", "repo": repo, "branch": branch}
    config: dict[str, Any] = {"locale": "de", "slug": {"encoding": "ascii", "clean_accents": True}}
    if local_backend:
        config["local_backend"] = {"url": local_backend, "allowed_hosts": ["127.0.0.1", "localhost"]}
    else:
        # Changes become pull requests; editors without write access work in a fork.
        backend.update(open_authoring=True, **(auth or {}))
        config["publish_mode"] = "editorial_workflow"
    config["backend"] = backend
    config["media_folder"] = f"{rel}/bilder"
    config["collections"] = collections
    return config


def format_script() -> str:
    """Our file format, with the field order and the raw and quoted keys from the field table."""
    text = (ASSETS / "loseblatt-format.js").read_text(encoding="utf-8")
    order = [f.key for f in SHEET_FIELDS]
    raw = {f.key: True for f in SHEET_FIELDS if f.kind in ("id", "stand")}
    quoted = {f.key: True for f in SHEET_FIELDS if f.kind == "id"}
    for name, value in (("__ORDER__", order), ("__RAW__", raw), ("__QUOTED__", quoted)):
        text = text.replace(name, json.dumps(value))
    return text


INDEX = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Blätter bearbeiten – Kommune beugt vor!</title>
<script>window.CMS_MANUAL_INIT = true;</script>
</head>
<body>
<script src="decap-cms.js"></script>
<script src="loseblatt-format.js"></script>
<script>CMS.init();</script>
</body>
</html>
"""


def write_admin(target: Path, config: dict[str, Any], project_root: Path) -> list[str]:
    """Write the form editor into `target`: page, configuration, our format and Decap's files.

    Decap loads its chunks from the folder of decap-cms.js, so they are copied alongside
    (source maps are left out). Returns problems in German; empty when everything is there.
    """
    dist = Path(project_root) / DECAP_DIST
    if not (dist / DECAP_FILE).is_file():
        return [f"Der Formular-Editor fehlt: „{DECAP_DIST / DECAP_FILE}“ – bitte „npm ci --ignore-scripts“ ausführen."]
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(dist.iterdir()):
        if (
            path.is_file()
            and not path.name.endswith(".map")
            and not path.name.endswith(".cms.js")
            and path.name != "cms.js"
        ):
            shutil.copyfile(path, target / path.name)
    (target / "index.html").write_text(INDEX, encoding="utf-8")
    # JSON is YAML: Decap reads config.yml, and no YAML writer can re-quote our patterns.
    (target / "config.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (target / "loseblatt-format.js").write_text(format_script(), encoding="utf-8")
    return []
