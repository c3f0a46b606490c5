"""The pull request summary: editions and sheets that change, Fassungen to raise, the preview."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT
from loseblatt.core import pipeline
from loseblatt.core.deliveries import unit_keys
from loseblatt.render.pr_summary import summary

pytestmark = pytest.mark.slow  # checks the real binder twice


def copy_binder(tmp_path, name):
    root = tmp_path / name
    shutil.copytree(ROOT / "binder", root / "binder")
    return root


def pretend_delivered(root, key, fassung, digest):
    """As if the last delivery had this unit in its current form (every real one has moved on)."""
    path = root / "binder" / "lieferungen" / "2026-1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["einheiten"][key] = {**data["einheiten"][key], "fassung": fassung, "sha256": digest}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def test_summary_names_changes_and_fassungen_to_raise(tmp_path):
    base_root = copy_binder(tmp_path, "basis")
    head_root = copy_binder(tmp_path, "kopf")
    unit = unit_keys(pipeline.check(base_root / "binder", base_root).binder)["bund:2.3"]
    for root in (base_root, head_root):
        pretend_delivered(root, "bund:2.3", unit[2], unit[4])
    sheet = head_root / "binder" / "02-gremiengruendung" / "geschaeftsordnung.md"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nEin neuer Satz.\n", encoding="utf-8")
    state = head_root / "binder" / "laender" / "sn" / "asskomm.md"
    text = state.read_text(encoding="utf-8")
    fassung = int(re.search(r"^fassung: (\d+)$", text, re.M).group(1))
    text = text.replace(f"fassung: {fassung}\n", f"fassung: {fassung + 1}\n").replace(
        "stand: 2026-12", "stand: 2027-01"
    )
    state.write_text(text + "\nNoch ein Satz.\n", encoding="utf-8")

    base = pipeline.check(base_root / "binder", base_root)
    head = pipeline.check(head_root / "binder", head_root)
    md = summary(base, head, head_root, "`origin/main`", "https://github.com/o/r/actions/runs/1")

    assert "**Prüfung: 1 Fehler.**" in md and "`binder/02-gremiengruendung/geschaeftsordnung.md`" in md
    # 2.3 is in every edition; 8.1 only in Sachsen's own form.
    assert "| Ausgabe Sachsen (`sn`) |" in md and "7 von 7 Ausgaben betroffen" in md
    # The same change list as the delivery pages and `loseblatt diff` (render/changes.py).
    sachsen = md.split("#### Ausgabe Sachsen", 1)[1].split("####", 1)[1]
    assert sachsen.startswith("# Geänderte Blätter"), sachsen[:80]
    assert re.search(r"- Blatt 8\.1 – .*, Fassung \d+ → \d+", sachsen)
    raise_section = md.split("### Fassungen vor der nächsten Lieferung", 1)[1].split("Geändert, Fassung in Ordnung", 1)
    assert "**Blatt 2.3** (`binder/02-gremiengruendung/geschaeftsordnung.md`)" in raise_section[0]
    assert "bitte auf" in raise_section[0] and "Lieferung 2026-1" in raise_section[0]
    assert "`binder/laender/sn/asskomm.md`" in raise_section[1]
    assert "[Artefakte des Laufs](https://github.com/o/r/actions/runs/1)" in md


def test_summary_without_changes(tmp_path):
    root = copy_binder(tmp_path, "gleich")
    result = pipeline.check(root / "binder", root)
    md = summary(result, result, root, "`origin/main`", images_url="https://github.com/o/r/actions/runs/2#artifacts")
    assert "**Prüfung: keine Fehler.**" in md and "Keine Änderungen an Blättern" in md
    assert "Fassungen vor der nächsten Lieferung" not in md
    assert "Artefakt „seitenbilder“" in md and "(https://github.com/o/r/actions/runs/2#artifacts)" in md
