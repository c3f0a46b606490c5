"""The honest reference for the benchmark: what a team without our plugin would build.

Every edition, assembled by our core once, is exported as its own plain MkDocs + Material
project: the same pages (Markdown as our site plan makes them, with our generated markup
written in as HTML), the same navigation, theme features, Markdown extensions, CSS, JS and
fonts, and Material's search plugin — but no loseblatt plugin, so no shared work between
editions and no caches. `make bench` builds these projects two at a time.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from loseblatt.core import pipeline
from loseblatt.core.history import edition_history
from loseblatt.plan.site import PlanSettings, plan_edition
from loseblatt.render.trusted import TOKEN, fragment

ASSETS = Path(__import__("loseblatt").__file__).resolve().parent / "assets"
CSS = ["fonts.css", "loseblatt.css"]
JS = ["checklisten.js", "ausgaben.js"]


def _plain_markdown(text: str) -> str:
    """Our trusted-markup tokens as the HTML they stand for (plain MkDocs allows raw HTML)."""
    return TOKEN.sub(lambda m: fragment(m.group(1)), text)


def _search_settings(config: dict) -> dict:
    """Material's search configured as in our mkdocs.yml (language, pipeline, separator)."""
    for entry in config["plugins"]:
        if isinstance(entry, dict) and isinstance(entry.get("search"), dict):
            return dict(entry["search"])
    return {"lang": "de"}


def markdown_and_texts(plain_projects: list[Path]):
    """A Markdown converter configured as the plain projects are (their extensions and options),
    and every distinct page text of those projects: what the floor and the lower bound convert."""
    import markdown

    config = yaml.safe_load((plain_projects[0] / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, conf = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        options[name] = conf or {}
    texts = {p.read_text(encoding="utf-8") for project in plain_projects for p in (project / "docs").rglob("*.md")}
    return markdown.Markdown(extensions=names, extension_configs=options), texts


def export(project: Path, out: Path) -> list[Path]:
    """One plain project per edition under `out`; returns their folders."""
    config = yaml.safe_load(
        re.sub(r"!ENV \[\w+, (\"[^\"]*\")\]", r"\1", (project / "mkdocs.yml").read_text(encoding="utf-8"))
    )
    options = next(p["loseblatt"] for p in config["plugins"] if isinstance(p, dict) and "loseblatt" in p)
    result = pipeline.check(project / options.get("binder_dir", "binder"), project)
    if result.problems:
        raise SystemExit(f"Der Ordner hat {len(result.problems)} Fehler; keine Referenz gebaut.")
    docs_dir = project / config.get("docs_dir", "docs")
    docs = tuple(sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")))
    projects = []
    for code, edition in result.editions.items():
        history = edition_history(edition, result.snapshots, result.withdrawals)
        plan = plan_edition(
            edition, history, history.pages, PlanSettings(False, True, docs, tuple(options.get("seiten", [])))
        )
        root = out / code
        target = root / "docs"
        abbreviations = f"\n\n{edition.abbreviations}\n" if edition.abbreviations else ""
        for page in plan.pages:
            path = target / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_plain_markdown(page.content) + abbreviations, encoding="utf-8")
        for image in plan.images:
            (target / image.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(image.source, target / image.path)
        for name in docs:
            text, _ = pipeline.process_docs_page(
                (docs_dir / name).read_text(encoding="utf-8"),
                edition,
                name,
                docs_dir / name,
                project,
                dict(options.get("betreiber", {})),
            )
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(_plain_markdown(text) + abbreviations, encoding="utf-8")
        shutil.copytree(ASSETS, target / "assets" / "loseblatt", dirs_exist_ok=True)
        plain = {
            "site_name": f"{config['site_name']} – {edition.definition.titel}",
            "site_url": f"https://beispiel.invalid/{code}/",
            "docs_dir": "docs",
            "use_directory_urls": True,
            "theme": config["theme"],
            "plugins": [{"search": _search_settings(config)}],
            "markdown_extensions": [*config["markdown_extensions"], "loseblatt.render.checklist_ext"],
            "extra_css": [f"assets/loseblatt/{n}" for n in CSS],
            "extra_javascript": [f"assets/loseblatt/{n}" for n in JS],
            "extra": {"version": {"provider": "mike", "default": "bund"}},
            "nav": plan.nav,
        }
        (root / "mkdocs.yml").write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
        projects.append(root)
    return projects
