"""The plugin's events in-process on the small fixture project, the way MkDocs calls them
(through the plugin collection, as MkDocs' build does): what each handler makes of the configuration, the
files and a page, without a whole build in a subprocess."""

from __future__ import annotations

import pytest
from loseblatt.mkdocs_adapter.coordinator import Coordinator
from loseblatt.mkdocs_adapter.edition_site import EditionAssignment, EditionSite
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page


def edition_config(project, code, monkeypatch):
    monkeypatch.setenv("LOSEBLATT_CACHE", str(project.path / ".cache-test"))
    result = project.check()
    assert not result.problems
    cfg = load_config(str(project.path / "mkdocs.yml"), site_dir=str(project.path / "site-test"))
    plugin = cfg.plugins["loseblatt"]
    cfg.plugins.on_startup(command="build", dirty=False)
    plugin.assign_edition(EditionAssignment(edition=result.editions[code], site_url="https://example.org/sn/"))
    cfg = cfg.plugins.on_config(cfg)
    return cfg, plugin, result.editions[code]


def nav_titles(nav) -> list:
    out = []
    for item in nav:
        if isinstance(item, dict):
            for title, sub in item.items():
                out.append(title if isinstance(sub, str) else (title, nav_titles(sub)))
        else:
            out.append(item)
    return out


def test_on_config_makes_the_edition_site_from_its_plan(project, monkeypatch):
    cfg, plugin, edition = edition_config(project, "sn", monkeypatch)
    assert isinstance(plugin.role, EditionSite)
    assert cfg.site_name.endswith(f"– {edition.definition.titel}")
    assert cfg.site_url == "https://example.org/sn/"
    assert cfg.extra["ausgabe"]["code"] == "sn"
    # The navigation is the site plan's, and names every register with its sheets.
    assert cfg.nav == plugin.role.plan.nav
    flat = repr(nav_titles(cfg.nav))
    for register in edition.registers:
        assert register.register.titel in flat
    assert "loseblatt.render.checklist_ext" in cfg.markdown_extensions


def test_on_files_adds_every_planned_page_as_generated_file(project, monkeypatch):
    cfg, plugin, edition = edition_config(project, "sn", monkeypatch)
    files = cfg.plugins.on_files(get_files(cfg), config=cfg)
    planned = {p.path for p in plugin.role.plan.pages}
    generated = {f.src_uri for f in files if f.generated_by}
    assert planned <= generated
    for sheet in (s for r in edition.registers for s in r.sheets):
        assert any(uri.endswith(f"blatt-{sheet.blatt.replace('.', '-')}.md") for uri in generated), sheet.blatt
    assert files.get_file_from_path("assets/loseblatt/loseblatt.css") is not None


def test_on_page_markdown_keeps_the_sheet_text_and_fills_docs_pages(project, monkeypatch):
    cfg, _plugin, edition = edition_config(project, "sn", monkeypatch)
    files = cfg.plugins.on_files(get_files(cfg), config=cfg)
    sheet = next(s for r in edition.registers for s in r.sheets if s.blatt == "2.3")
    file = next(f for f in files if f.src_uri.endswith("blatt-2-3.md"))
    page = Page(None, file, cfg)
    page.read_source(cfg)
    out = cfg.plugins.on_page_markdown(page.markdown, page=page, config=cfg, files=files)
    assert "Hinweise für Sachsen" in out
    assert sheet.titel in (page.title or "") + out


def test_docs_pages_go_through_the_same_text_stages(project, monkeypatch):
    project.write(
        "docs/hinweis.md",
        "# Hinweis\n\n::: nur sn\nNur in Sachsen.\n:::\n\n::: nur bund\nNur allgemein.\n:::\n\n"
        "Hier gilt {{ land.name }}, siehe [[2.3]].\n",
    )
    cfg, _plugin, _edition = edition_config(project, "sn", monkeypatch)
    files = cfg.plugins.on_files(get_files(cfg), config=cfg)
    page = Page(None, files.get_file_from_path("hinweis.md"), cfg)
    page.read_source(cfg)
    out = cfg.plugins.on_page_markdown(page.markdown, page=page, config=cfg, files=files)
    assert "Nur in Sachsen." in out and "Nur allgemein." not in out
    assert "Hier gilt Sachsen" in out
    assert 'data-blatt="2.3"' in out and "[[2.3]]" not in out


def test_without_assignment_the_plugin_coordinates_and_checks_first(project, monkeypatch):
    monkeypatch.setenv("LOSEBLATT_CACHE", str(project.path / ".cache-test"))
    project.write(
        "binder/01-grundlagen/kaputt.md", '---\nblatt: "1.9"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\n[[8.8]]\n'
    )
    cfg = load_config(str(project.path / "mkdocs.yml"), site_dir=str(project.path / "site-test"))
    plugin = cfg.plugins["loseblatt"]
    cfg.plugins.on_startup(command="build", dirty=False)
    with pytest.raises(PluginError, match="Fehler"):
        cfg.plugins.on_config(cfg)
    assert isinstance(plugin.role, Coordinator)
    assert not (project.path / "site-test").exists(), "a failed check publishes nothing"


def test_our_page_context_runs_before_materials_search_and_spares_it_finished_pages(project, monkeypatch):
    """Material's search runs a pattern over page.content in its on_page_context; a page whose
    HTML is already finished (linked or cached whole) and that Material does not index reaches it
    empty, and a page Material indexes keeps its content."""
    from loseblatt.mkdocs_adapter import page_cache

    cfg, plugin, _ = edition_config(project, "sn", monkeypatch)
    order = [getattr(m, "__self__", None) for m in cfg.plugins.events["page_context"]]
    assert order.index(plugin) < order.index(cfg.plugins["material/search"])
    site = plugin.role
    site.shared = None  # no cache lookup here: the context says the page is finished

    class File:
        src_uri = "02-gremiengruendung/blatt-2-3.md"  # no key: its search entries are not looked up

    class Finished:
        searched_by_material = False
        content = "<p>Text</p>"
        file = File()

    class Indexed(Finished):
        searched_by_material = True

    finished, indexed = Finished(), Indexed()
    for page in (finished, indexed):
        site.page_context({page_cache.CONTEXT_KEY: "<html>"}, page, None)
    assert finished.content == "" and indexed.content == "<p>Text</p>"
    rendered = Finished()
    site.page_context({}, rendered, None)  # the theme renders it: the content stays
    assert rendered.content == "<p>Text</p>"
