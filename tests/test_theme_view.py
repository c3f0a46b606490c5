"""The slim view of an installed theme (theme_view.py): MkDocs finds the same static files and
the same templates through it, without walking the hidden icon folders."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import material
from loseblatt.mkdocs_adapter.page_cache import site_fingerprint
from loseblatt.mkdocs_adapter.theme_view import shown_folder, slim_theme, view_of
from mkdocs.config import load_config
from mkdocs.structure.files import Files

MATERIAL = Path(material.__file__).resolve().parent / "templates"


def _walked(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def test_material_through_the_view_has_the_same_static_files_and_templates(tmp_path):
    view = view_of(MATERIAL, tmp_path)
    assert view != MATERIAL and shown_folder(view) == MATERIAL
    # What Jinja walks to list the templates: the icons are not entered any more.
    assert _walked(MATERIAL) > 14_000
    assert _walked(view) < 400
    assert view_of(MATERIAL, tmp_path) == view  # made once, then found

    def static_files(dirs: list[str]) -> dict[str, bytes]:
        config = load_config(config_file=None, theme={"name": "material"}, site_dir=str(tmp_path / "site"))
        config.theme.dirs[:] = dirs
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        return {f.src_uri: Path(f.abs_src_path).read_bytes() for f in files}

    real = static_files([str(MATERIAL)])
    assert "assets/javascripts/bundle.js" not in real  # names carry hashes; any will do
    assert any(name.startswith("assets/javascripts/bundle.") for name in real)
    assert static_files([str(view)]) == real

    # Templates, partials and icons read the same.
    by_view, by_real = jinja2.FileSystemLoader([str(view)]), jinja2.FileSystemLoader([str(MATERIAL)])
    env = jinja2.Environment(autoescape=True)
    for name in ("main.html", "partials/header.html", ".icons/material/magnify.svg"):
        assert by_view.get_source(env, name)[0] == by_real.get_source(env, name)[0]


def test_a_theme_outside_an_installation_or_without_hidden_folders_is_used_as_it_is(tmp_path):
    own = tmp_path / "theme"
    (own / ".icons").mkdir(parents=True)
    (own / "main.html").write_text("x")
    assert view_of(own, tmp_path / "cache") == own  # a project's theme may change while serving
    installed = tmp_path / "site-packages" / "plain" / "templates"
    installed.mkdir(parents=True)
    (installed / "main.html").write_text("x")
    assert view_of(installed, tmp_path / "cache") == installed  # nothing to skip


def test_a_changed_theme_gets_a_new_view(tmp_path):
    theme = tmp_path / "site-packages" / "t" / "templates"
    (theme / ".icons").mkdir(parents=True)
    (theme / ".icons" / "a.svg").write_text("<svg/>")
    (theme / "main.html").write_text("eins")
    first = view_of(theme, tmp_path / "cache")
    (theme / "neu.css").write_text("b{}")
    second = view_of(theme, tmp_path / "cache")
    assert second != first
    assert (second / "neu.css").read_text() == "b{}"
    assert (second / ".icons" / "a.svg").read_text() == "<svg/>"
    assert not first.exists()  # the view of the theme before the change is gone
    other = tmp_path / "site-packages" / "u" / "templates"
    (other / ".icons").mkdir(parents=True)
    (other / "main.html").write_text("x")
    assert view_of(other, tmp_path / "cache").is_dir() and second.is_dir()  # another theme's stays


def test_the_view_changes_no_page_key(tmp_path):
    """Pages are keyed by the installed theme's version, not by the folder MkDocs reads."""
    config = load_config(config_file=None, theme={"name": "material"}, site_dir=str(tmp_path / "site"))
    before = site_fingerprint(config, tmp_path, "1700000000")
    slim_theme(config.theme, tmp_path / "cache")
    assert any(Path(d).parent.name == "thema" for d in config.theme.dirs)
    assert site_fingerprint(config, tmp_path, "1700000000") == before


def test_a_damaged_view_is_made_anew(tmp_path):
    theme = tmp_path / "site-packages" / "t" / "templates"
    (theme / ".icons").mkdir(parents=True)
    (theme / "partials").mkdir()
    (theme / "partials" / "kopf.html").write_text("Kopf")
    view = view_of(theme, tmp_path / "cache")
    # A copy of the cache without links, or a disk error: the file is no longer the theme's.
    (view / "partials" / "kopf.html").unlink()
    (view / "partials" / "kopf.html").write_text("verdorben")
    assert view_of(theme, tmp_path / "cache") == view
    assert (view / "partials" / "kopf.html").read_text() == "Kopf"
    (view / "fremd.css").write_text("x")  # anything added would be published as a theme file
    assert not (view_of(theme, tmp_path / "cache") / "fremd.css").exists()


def test_a_linked_folder_in_the_theme_reads_through_the_view(tmp_path):
    """A theme installed with linked folders (a development install): what Jinja loads through
    the real folder, it loads through the view."""
    elsewhere = tmp_path / "quelle" / "partials"
    elsewhere.mkdir(parents=True)
    (elsewhere / "kopf.html").write_text("Kopf")
    theme = tmp_path / "site-packages" / "t" / "templates"
    (theme / ".icons").mkdir(parents=True)
    (theme / "partials").symlink_to(elsewhere, target_is_directory=True)
    view = view_of(theme, tmp_path / "cache")
    assert view != theme
    env = jinja2.Environment(autoescape=True)
    assert jinja2.FileSystemLoader([str(view)]).get_source(env, "partials/kopf.html")[0] == "Kopf"
    # The same listing, but for the view's own mark (hidden: MkDocs' filter drops it).
    listed = jinja2.FileSystemLoader([str(view)]).list_templates()
    assert [t for t in listed if t != ".quelle"] == jinja2.FileSystemLoader([str(theme)]).list_templates()


def test_our_search_settings_are_materials_own_defaults_for_german(tmp_path):
    """mkdocs.yml writes out what Material looks up for German when a search setting is left
    empty: the search index reads the same, and no MkDocs run compiles the language templates
    only to look it up (about 0.05 s per run, eight runs per rebuild)."""
    ours = load_config(str(Path(__file__).resolve().parent.parent / "mkdocs.yml"))["plugins"]["material/search"]
    defaults = load_config(
        config_file=None, theme={"name": "material", "language": "de"}, plugins={"search": {"lang": "de"}}
    )
    search = defaults["plugins"]["material/search"]
    assert search.config.separator is None  # left empty: on_config looks it up
    search.on_config(defaults)
    assert ours.config.separator == search.config.separator == r"[\s\-]+"
    assert ours.config.lang == search.config.lang == ["de"]
