"""The form editor (Decap CMS): configuration from the field table, byte-exact round trips, and a
real browser session against decap-server on a copy of the binder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from loseblatt.cms import PATTERNS, cms_config, format_script, write_admin
from loseblatt.core.fields import SHEET_FIELDS, STAND

BINDER = ROOT / "binder"
NODE = shutil.which("node")
SCREENSHOTS = os.environ.get("LOSEBLATT_BILDER")
REPO = "kommune-beugt-vor/kommune-beugt-vor"


def test_config_comes_from_the_field_table_and_the_folders(tmp_path):
    config = cms_config(BINDER, ROOT, REPO)
    names = [c["name"] for c in config["collections"]]
    assert names[:9] == [f"register-{n}" for n in range(1, 10)]
    assert {f"land-{p.name}" for p in (BINDER / "laender").iterdir() if p.is_dir()} <= set(names)
    register_2 = next(c for c in config["collections"] if c["name"] == "register-2")
    assert register_2["label"] == "Register 2: Gremiengründung" and register_2["folder"] == "binder/02-gremiengruendung"
    fields = {f["name"]: f for f in register_2["fields"]}
    assert [f.key for f in SHEET_FIELDS if not f.state_only] == list(fields)[: len(fields) - 3]
    assert "ersetzt" not in fields and "ergaenzt" in {f["name"] for f in config["collections"][-1]["fields"]}
    assert (
        fields["stand"]["pattern"] == [STAND.pattern, PATTERNS["stand"][1]]
        and "JJJJ-MM" in fields["stand"]["pattern"][1]
    )
    assert fields["fassung"]["widget"] == "number" and fields["fassung"]["value_type"] == "int"
    assert fields["aenderung"]["options"] == ["inhaltlich", "redaktionell"]
    assert fields["stand"]["label"] == "Stand" and fields["body"]["widget"] == "text"
    # Production: pull requests (editorial workflow, forks for editors without write access).
    assert config["publish_mode"] == "editorial_workflow" and config["backend"]["open_authoring"] is True
    local = cms_config(BINDER, ROOT, REPO, local_backend="http://127.0.0.1:8081/api/v1")
    assert "publish_mode" not in local and local["local_backend"]["url"].startswith("http://127.0.0.1")

    # A new Land is a folder: it appears without code.
    copy = tmp_path / "binder"
    shutil.copytree(BINDER, copy)
    (copy / "laender" / "th").mkdir()
    (copy / "laender" / "th" / "ausgabe.yml").write_text("name: Thüringen\n", encoding="utf-8")
    labels = [c["label"] for c in cms_config(copy, tmp_path, REPO)["collections"]]
    assert "Land Thüringen" in labels


def test_editor_files_are_our_own(tmp_path):
    if not (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file():
        pytest.skip("npm-Werkzeuge fehlen (npm ci)")
    target = tmp_path / "admin"
    assert write_admin(target, cms_config(BINDER, ROOT, REPO), ROOT) == []
    index = (target / "index.html").read_text(encoding="utf-8")
    assert 'src="decap-cms.js"' in index and "http" not in index and 'lang="de"' in index
    assert (target / "decap-cms.js").is_file() and not list(target.glob("*.map"))
    config = json.loads((target / "config.yml").read_text(encoding="utf-8"))
    assert config["collections"][0]["format"] == "loseblatt"
    assert "__ORDER__" not in (target / "loseblatt-format.js").read_text(encoding="utf-8")


def run_format(tmp_path, jobs: list[dict]) -> list[str]:
    """toFile(fromFile(text) with changes) for each job, in node with our format script."""
    if NODE is None:
        pytest.skip("node fehlt")
    script = tmp_path / "format.js"
    script.write_text(format_script(), encoding="utf-8")
    runner = tmp_path / "run.js"
    runner.write_text(
        "const f = require(process.argv[2]); const fs = require('fs');\n"
        "const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(jobs.map(j => f.toFile(Object.assign(f.fromFile(j.text), j.changes || {})))));\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [NODE, str(runner), str(script)], input=json.dumps(jobs), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


def test_every_file_of_the_binder_survives_open_and_save_byte_for_byte(tmp_path):
    paths = sorted(BINDER.rglob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    back = run_format(tmp_path, [{"text": t} for t in texts])
    assert [p for p, a, b in zip(paths, texts, back, strict=True) if a != b] == []
    assert len(paths) > 100


def diff_lines(a: str, b: str) -> list[tuple[int, str, str]]:
    la, lb = a.split("\n"), b.split("\n")
    assert len(la) == len(lb), (len(la), len(lb))
    return [(i + 1, x, y) for i, (x, y) in enumerate(zip(la, lb, strict=True)) if x != y]


def test_edits_change_only_their_own_lines(tmp_path):
    path = BINDER / "laender" / "sn" / "asskomm.md"
    text = path.read_text(encoding="utf-8")
    sentence = "Seitdem gibt es ASSKomm."
    assert sentence in text
    body = text.split("\n---\n", 1)[1]
    [body_edit, head_edit, keywords] = run_format(
        tmp_path,
        [
            {"text": text, "changes": {"body": body.replace(sentence, "Seitdem gibt es die Allianz ASSKomm.")}},
            {"text": text, "changes": {"fassung": 3, "grund": "Neuer Satz: „Allianz“ ergänzt"}},
            {"text": text, "changes": {"schlagworte": ["ASSKomm", "Allianz, Sachsen"]}},
        ],
    )
    changed = diff_lines(text, body_edit)
    assert len(changed) == 1 and "Allianz ASSKomm" in changed[0][2] and changed[0][0] > 10
    assert [(n, new) for n, _old, new in diff_lines(text, head_edit)] == [
        (4, "fassung: 3"),
        (7, "grund: Neuer Satz: „Allianz“ ergänzt".replace("grund: ", 'grund: "', 1) + '"'),
    ]
    assert diff_lines(text, keywords)[0][2] == 'schlagworte: [ASSKomm, "Allianz, Sachsen"]'


def test_new_keys_take_their_place_and_emptied_keys_go(tmp_path):
    text = '---\nblatt: "2.4"\ntitel: X\nfassung: 1\nstand: 2026-11\n---\nText.\n'
    [raised, emptied, fresh] = run_format(
        tmp_path,
        [
            {
                "text": text,
                "changes": {"fassung": 2, "aenderung": "inhaltlich", "grund": "Satz ergänzt", "ersetzt": False},
            },
            {"text": text, "changes": {"titel": ""}},
            {
                "text": "",
                "changes": {"blatt": "2.11", "titel": "Neu", "fassung": 1, "stand": "2027-01", "body": "T.\n"},
            },
        ],
    )
    assert raised == (
        '---\nblatt: "2.4"\ntitel: X\nfassung: 2\nstand: 2026-11\naenderung: inhaltlich\ngrund: Satz ergänzt\n---\nText.\n'
    )
    assert emptied == '---\nblatt: "2.4"\nfassung: 1\nstand: 2026-11\n---\nText.\n'
    assert fresh == '---\nblatt: "2.11"\ntitel: Neu\nfassung: 1\nstand: 2027-01\n---\nT.\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def editor(tmp_path):
    """decap-server on a copy of the binder (127.0.0.1 only) and the editor written for it."""
    server_js = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
    if NODE is None or not server_js.is_file():
        pytest.skip("node oder decap-server fehlt (npm ci)")
    project = tmp_path / "projekt"
    shutil.copytree(BINDER, project / "binder")
    port = free_port()
    config = cms_config(project / "binder", project, REPO, local_backend=f"http://127.0.0.1:{port}/api/v1")
    assert write_admin(tmp_path / "web" / "admin", config, ROOT) == []
    env = dict(os.environ, PORT=str(port), BIND_HOST="127.0.0.1", GIT_REPO_DIRECTORY=str(project), MODE="fs")
    log = (tmp_path / "decap-server.log").open("w")
    proc = subprocess.Popen([NODE, str(server_js)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + 60
        while True:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1",
                    data=b'{"action":"info"}',
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(req, timeout=5):
                    break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.3)
        yield project, tmp_path / "web"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def open_sheet(browser, url: str, collection: str, slug: str):
    page = browser.new_page(viewport={"width": 1000, "height": 720})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None,
    )
    page.goto(f"{url}/admin/index.html")
    page.get_by_role("button", name="Login").click()
    page.goto(f"{url}/admin/index.html#/collections/{collection}/entries/{slug}")
    page.get_by_label("Fassung").wait_for(timeout=60_000)
    return page, outside


def publish(page) -> None:
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Jetzt veröffentlichen").click()


@pytest.mark.slow
@pytest.mark.browser
def test_form_edits_sheet_2_3_and_the_check_passes(editor):
    from browser import chromium, serve
    from loseblatt.core import pipeline

    project, web = editor
    path = project / "binder" / "02-gremiengruendung" / "geschaeftsordnung.md"
    before = path.read_text(encoding="utf-8")
    old, new = "wie Ihr Präventionsgremium arbeitet:", "wie Ihr Präventionsgremium zusammenarbeitet:"
    assert before.count(old) == 1
    with serve(web) as url, chromium() as browser:
        page, outside = open_sheet(browser, url, "register-2", "geschaeftsordnung")
        assert page.get_by_label("Blattnummer").input_value() == "2.3"
        page.get_by_label("Fassung").fill("3")
        page.get_by_label("Grund der Änderung").fill("Satz zur Zusammenarbeit klarer gefasst")
        body = page.get_by_label("Text des Blattes")
        body.fill(body.input_value().replace(old, new))
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / "formular-blatt.png"))
        publish(page)
        end = time.monotonic() + 60
        while path.read_text(encoding="utf-8") == before and time.monotonic() < end:
            time.sleep(0.3)
        assert outside == []
    after = path.read_text(encoding="utf-8")
    changed = diff_lines(before, after)
    assert [(n, line) for n, _old, line in changed[:2]] == [
        (4, "fassung: 3"),
        (7, "grund: Satz zur Zusammenarbeit klarer gefasst"),
    ]
    assert len(changed) == 3 and changed[2][1].replace(old, new) == changed[2][2]
    result = pipeline.check(project / "binder", project)
    assert [p.format() for p in result.problems] == []


@pytest.mark.slow
@pytest.mark.browser
def test_form_refuses_a_bad_stand_in_german(editor):
    from browser import chromium, serve

    project, web = editor
    path = project / "binder" / "laender" / "sn" / "asskomm.md"
    before = path.read_text(encoding="utf-8")
    with serve(web) as url, chromium() as browser:
        page, _ = open_sheet(browser, url, "land-sn", "asskomm")
        page.get_by_label("Stand").fill("12/2026")
        publish(page)
        page.get_by_text(PATTERNS["stand"][1]).first.wait_for(timeout=30_000)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / "formular-fehler.png"))
        time.sleep(1)
    assert path.read_text(encoding="utf-8") == before
