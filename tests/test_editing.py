"""«Bearbeiten»: every page from a file links to exactly that file in GitHub's web editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from loseblatt.editing import edit_path, edit_root, edit_url

REPO = "https://github.com/kommune-beugt-vor/kommune-beugt-vor"


def test_edit_root_takes_the_docs_folder_off():
    assert edit_root(REPO, "edit/main/docs/") == REPO + "/edit/main/"
    assert edit_root(REPO + "/", "edit/entwurf/docs") == REPO + "/edit/entwurf/"
    assert edit_root(REPO, "edit/main/") == REPO + "/edit/main/"
    assert edit_root(None, "edit/main/docs/") is None
    assert edit_root(REPO, None) is None
    assert edit_root(REPO, "https://example.org/edit/main/docs/") == "https://example.org/edit/main/"


def test_the_last_source_is_edited(tmp_path):
    base = tmp_path / "binder" / "02-gremiengruendung" / "geschaeftsordnung.md"
    extension = tmp_path / "binder" / "laender" / "sn" / "hinweise-2-3.md"
    root = edit_root(REPO, "edit/main/docs/")
    assert (
        edit_url(root, edit_path([base], tmp_path))
        == REPO + "/edit/main/binder/02-gremiengruendung/geschaeftsordnung.md"
    )
    assert (
        edit_url(root, edit_path([base, extension], tmp_path)) == REPO + "/edit/main/binder/laender/sn/hinweise-2-3.md"
    )
    assert edit_url(root, edit_path([], tmp_path)) is None
    assert edit_path([Path("/elsewhere/x.md")], tmp_path) is None
    assert edit_url(None, "binder/x.md") is None


def edit_link(html: str) -> str | None:
    m = re.search(r'<a href="([^"]+)" class="md-content__button lb-bearbeiten"[^>]*>', html)
    return m.group(1) if m else None


@pytest.mark.slow
def test_pages_link_their_own_file(built):
    edit = REPO + "/edit/main/"
    # Base sheet in bund; the same sheet extended in sn links the state's extension.
    assert edit_link(built.html("bund/02-gremiengruendung/blatt-2-3/index.html")) == (
        edit + "binder/02-gremiengruendung/blatt-3.md"
    )
    assert (
        edit_link(built.html("sn/02-gremiengruendung/blatt-2-3/index.html"))
        == edit + "binder/laender/sn/hinweise-2-3.md"
    )
    assert edit_link(built.html("sn/02-gremiengruendung/index.html")) == edit + "binder/02-gremiengruendung/register.md"
    assert edit_link(built.html("sn/01-grundlagen/blatt-1-51/index.html")) == edit + "binder/laender/sn/asskomm.md"
    html = built.html("sn/impressum/index.html")
    assert edit_link(html) == edit + "docs/impressum.md" and "Bearbeiten" in html
    generated = [p for p in built.site.rglob("*.html") if "/blatt-" not in p.as_posix()]
    generated = [
        p
        for p in generated
        if not re.search(r"/\d\d-[^/]+/index.html$|/impressum/|/sn/index.html|/bund/index.html", p.as_posix())
    ]
    assert len(generated) > 5
    for path in generated:
        assert edit_link(path.read_text(encoding="utf-8")) is None, path
    # The repository link asks GitHub's API nothing (Material's source component would).
    assert 'data-md-component="source"' not in html


def test_a_source_below_the_resolved_root_is_not_resolved_again(tmp_path, monkeypatch):
    """A thousand sheets' sources lie below the resolved project folder: finding their path in
    it needs no system call each; only a source given through a link is resolved."""
    real = tmp_path / "echt"
    (real / "binder").mkdir(parents=True)
    (real / "binder" / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "verweis").symlink_to(real, target_is_directory=True)
    root = real.resolve()
    resolved: list[Path] = []
    original = Path.resolve

    def counting(self, strict=False):
        resolved.append(self)
        return original(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    assert edit_path([root / "binder" / "a.md"], real, root) == "binder/a.md"
    assert resolved == []
    assert edit_path([tmp_path / "verweis" / "binder" / "a.md"], real, root) == "binder/a.md"
    assert resolved == [tmp_path / "verweis" / "binder" / "a.md"]
