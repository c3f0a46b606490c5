"""Checklists: extraction and ids, overlay scoping, errors, collected pages, and a real browser."""

from __future__ import annotations

import json
import re

import pytest
from loseblatt.core.checklists import canonicalize, extract, item_key


def lists(project, code, blatt):
    result = project.check()
    assert not result.problems, [p.format() for p in result.problems]
    return result.editions[code].sheet(blatt).checklists


def test_ids_are_stable_and_follow_wording(project):
    cl = lists(project, "bund", "2.1")[0]
    assert cl.id == "2.1/gruendung-vorbereiten" and cl.title == "Gründung vorbereiten"
    ids = [i.id for i in cl.items]
    assert ids[0] == f"2.1/gruendung-vorbereiten/{item_key('Lagebilder zusammentragen')}"
    assert ids[1] == "2.1/gruendung-vorbereiten/rueckhalt"  # explicit name
    # Same wording (up to case and spaces): same id. Other wording: other id; explicit name: kept.
    project.edit(
        "binder/02-gremiengruendung/blatt-1.md", "- [ ] Lagebilder zusammentragen", "- [ ] lagebilder   Zusammentragen"
    )
    assert next(i.id for i in lists(project, "bund", "2.1")[0].items) == ids[0]
    project.edit(
        "binder/02-gremiengruendung/blatt-1.md", "lagebilder   Zusammentragen", "Lagebilder der Polizei auswerten"
    )
    project.edit(
        "binder/02-gremiengruendung/blatt-1.md", "Rückhalt der Verwaltungsspitze sichern", "Rückhalt der Spitze sichern"
    )
    new = [i.id for i in lists(project, "bund", "2.1")[0].items]
    assert new[0] != ids[0] and new[1] == ids[1]


def test_state_items_only_in_state_edition(project):
    sn = [cl.id for cl in lists(project, "sn", "2.3")]
    assert sn == ["2.3/sn/saechsische-schritte"]
    assert lists(project, "bund", "2.3") == []


@pytest.mark.parametrize(
    "body, line, fragment",
    [
        ("!!! checkliste\n\n    - [ ] a\n", 1, "braucht einen Titel"),
        ('!!! checkliste "T"\n\n    - [x] a\n', 3, "werden leer geschrieben"),
        ('!!! checkliste "T"\n\n    - [ ] a\n    Freier Text\n', 4, "nur Punkte der Form"),
        ('!!! checkliste "T"\n\nKein Punkt.\n', 1, "hat keine Punkte"),
        ('!!! checkliste "T"\n\n    - [ ] a\n    - [ ] A\n', 4, "Derselbe Punkt"),
        ('!!! checkliste "T"\n    - [ ] a\n!!! checkliste "T"\n    - [ ] b\n', 3, "gibt es auf diesem Blatt schon"),
    ],
)
def test_syntax_errors(project, body, line, fragment):
    rel = "binder/01-grundlagen/cl.md"
    project.write(rel, '---\nblatt: "1.2"\ntitel: C\nfassung: 1\nstand: 2026-11\n---\n' + body)
    msgs = [p.format() for p in project.check().problems]
    assert any(m.startswith(f"{rel}:{6 + line}: ") and fragment in m for m in msgs), msgs


def test_code_is_not_a_checklist():
    text = '```\n!!! checkliste "T"\n    - [x] a\n```\n'
    out, problems = canonicalize(text, "1.1")
    assert problems == [] and out == text and extract(out) == []


@pytest.mark.slow
def test_collected_pages(built):
    overview = built.html("sn/checklisten/index.html")
    assert "Register 2: Gremiengründung" in overview
    assert 'href="../02-gremiengruendung/blatt-2-1/">Gründung vorbereiten</a>' in overview
    assert 'href="../02-gremiengruendung/blatt-2-3/">Sächsische Schritte</a>' in overview
    assert "Sächsische Schritte" not in built.html("bund/checklisten/index.html")
    reg = built.html("sn/checklisten/register-2/index.html")
    assert reg.count("data-punkt=") == 4
    # The Blattverweis inside an item is resolved relative to the collected page.
    assert 'href="../../02-gremiengruendung/blatt-2-2/"' in reg
    sheet = built.html("sn/02-gremiengruendung/blatt-2-1/index.html")
    assert "<legend>Checkliste: Gründung vorbereiten</legend>" in sheet
    assert '<label for="lb-2-1-gruendung-vorbereiten-rueckhalt">' in sheet


@pytest.mark.slow
@pytest.mark.browser
def test_ticks_survive_reload_stay_per_edition_and_round_trip(built, tmp_path):
    from browser import chromium, serve

    item = "2.1/gruendung-vorbereiten/rueckhalt"
    box = f'input[data-punkt="{item}"]'
    with serve(built.site) as url, chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{url}/sn/checklisten/register-2/")
        fieldset = page.locator("fieldset.lb-checkliste").first
        assert fieldset.locator(".lb-fortschritt").inner_text() == "0 von 3 erledigt"
        page.get_by_label("Rückhalt der Verwaltungsspitze sichern").check()  # label works
        assert fieldset.locator(".lb-fortschritt").inner_text() == "1 von 3 erledigt"
        page.reload()
        assert page.locator(box).is_checked()
        # Same edition, the sheet itself: ticked too. Another edition: not ticked.
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-1/")
        assert page.locator(box).is_checked()
        page.goto(f"{url}/bund/02-gremiengruendung/blatt-2-1/")
        assert not page.locator(box).is_checked()
        # Keyboard: focus the first box and press space.
        page.locator("fieldset.lb-checkliste input").first.focus()
        page.keyboard.press("Space")
        assert page.locator("fieldset.lb-checkliste input").first.is_checked()
        # Export from sn, reset, import: the tick comes back.
        page.goto(f"{url}/sn/checklisten/")
        assert "(1 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        # The report line for the council's minutes: today's date and the edition's progress.
        total = int(re.search(r"Insgesamt (\d+) Punkte", page.inner_text("article")).group(1))
        report = page.locator("[data-lb-bericht]").inner_text()
        assert re.fullmatch(rf"Stand der Checklisten am \d+\. \w+ \d{{4}}: 1 von {total} Punkten erledigt\.", report), (
            report
        )
        assert page.get_by_role("button", name="Stand drucken (für das Protokoll)").is_visible()
        with page.expect_download() as info:
            page.get_by_role("button", name="Stand exportieren").click()
        exported = tmp_path / "stand.json"
        info.value.save_as(exported)
        data = json.loads(exported.read_text())
        assert data["format"] == "loseblatt-checklisten/1" and data["ausgabe"] == "sn"
        assert data["punkte"] == {item: True}
        # Clearing asks first; declined, nothing changes; accepted, it can be undone.
        dialogs = []
        page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.get_by_role("button", name="Alle Haken dieser Ausgabe löschen").click()
        assert dialogs == ["1 Haken aller Checklisten dieser Ausgabe löschen?"]
        assert "(1 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="Alle Haken dieser Ausgabe löschen").click()
        page.get_by_text("1 Haken gelöscht.").first.wait_for()
        page.get_by_role("button", name="Rückgängig").first.click()
        assert "(1 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="Alle Haken dieser Ausgabe löschen").click()
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-1/")
        assert not page.locator(box).is_checked()
        page.goto(f"{url}/sn/checklisten/")
        page.locator('input[data-lb-aktion="import"]').set_input_files(str(exported))
        # First what the file contains; cancelling imports nothing.
        preview = page.locator(".lb-import-vorschau")
        assert (
            "enthält 1 erledigten Punkt in 1 Checkliste. Davon ist 1 hier noch nicht abgehakt" in preview.inner_text()
        )
        page.get_by_role("button", name="Abbrechen").click()
        page.get_by_text("Nichts importiert.").first.wait_for()
        assert "(0 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        page.locator('input[data-lb-aktion="import"]').set_input_files(str(exported))
        assert page.get_by_role("radio", name=re.compile("^Zusammenführen")).is_checked()  # the default
        page.get_by_role("button", name="Übernehmen").click()
        page.get_by_text("1 erledigte Punkte hinzugefügt").wait_for()
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-1/")
        assert page.locator(box).is_checked()
        # Merging adds to the ticks already set (a colleague's file never clears work).
        other = page.locator("fieldset.lb-checkliste input:not(:checked)").first.get_attribute("data-punkt")
        page.locator(f'input[data-punkt="{other}"]').check()
        page.goto(f"{url}/sn/checklisten/")
        page.locator('input[data-lb-aktion="import"]').set_input_files(str(exported))
        assert "1 hier gesetzter Haken fehlt in der Datei" in page.locator(".lb-import-vorschau").inner_text()
        page.get_by_role("button", name="Übernehmen").click()
        page.get_by_text("0 erledigte Punkte hinzugefügt").wait_for()
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-1/")
        assert page.locator(box).is_checked() and page.locator(f'input[data-punkt="{other}"]').is_checked()
        # Replacing takes the file's state: the tick missing from the file goes, and comes back
        # with «Rückgängig».
        page.goto(f"{url}/sn/checklisten/")
        page.locator('input[data-lb-aktion="import"]').set_input_files(str(exported))
        page.get_by_role("radio", name=re.compile("^Ersetzen: .*1 gesetzter Haken wird gelöscht")).check()
        page.get_by_role("button", name="Übernehmen").click()
        page.get_by_text("Stand der Datei übernommen: 0 Haken hinzugefügt, 1 Haken gelöscht.").first.wait_for()
        assert "(1 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        page.get_by_role("button", name="Rückgängig").first.click()
        assert "(2 von 3 erledigt)" in page.locator('[data-lb-liste="2.1/gruendung-vorbereiten"]').inner_text()
        # Files of the wrong shape or size are refused with a message and change nothing.
        page.goto(f"{url}/sn/checklisten/")
        for name, content in (
            ("null.json", "null"),
            ("liste.json", "[1, 2]"),
            ("punkte-null.json", json.dumps({"format": "loseblatt-checklisten/1", "punkte": None})),
            ("punkte-liste.json", json.dumps({"format": "loseblatt-checklisten/1", "punkte": [item]})),
        ):
            bad = tmp_path / name
            bad.write_text(content)
            page.locator('input[data-lb-aktion="import"]').set_input_files(str(bad))
            page.get_by_text("Diese Datei enthält keinen Stand von Checklisten dieses Ordners.").first.wait_for()
            page.evaluate("document.querySelectorAll('.lb-meldung').forEach(p => p.textContent = '')")
        big = tmp_path / "gross.json"
        big.write_text('{"format": "loseblatt-checklisten/1", "punkte": {}, "x": "' + "a" * (1024 * 1024) + '"}')
        page.locator('input[data-lb-aktion="import"]').set_input_files(str(big))
        page.get_by_text("Die Datei ist zu groß").first.wait_for()
        page.goto(f"{url}/sn/02-gremiengruendung/blatt-2-1/")
        assert page.locator(box).is_checked()
        context.close()


@pytest.mark.parametrize("indent", [" ", "  ", "   ", "\t"])
def test_item_with_wrong_indentation_is_an_error_not_a_lost_item(indent):
    text = '!!! checkliste "Gründung"\n    - [ ] Erster Punkt\n' + indent + "- [ ] Zweiter Punkt\n\nWeiter im Text.\n"
    _, problems = canonicalize(text, "2.1")
    assert [(p.line, "vier Leerzeichen" in p.message) for p in problems] == [(3, True)]
