"""What the check worked out is kept for the next build (check_store.py): a build in a new process
does not work out again what the last one did, finds the same, and works out an edited text
anew. Nothing is taken for other code, and a damaged file only means work."""

from __future__ import annotations

import pytest
from conftest import make_project

SHEET = "binder/02-gremiengruendung/blatt-3.md"


@pytest.fixture
def counting(monkeypatch):
    """The texts that went through the text steps, and the markup scans made."""
    from loseblatt.core import assemble, markup

    processed: list[str] = []
    scanned: list[str] = []
    run_stages, parse = assemble.run_stages, markup._parse.fn

    def stages(text, inputs):
        processed.append(f"{inputs.edition}:{inputs.blatt}")
        return run_stages(text, inputs)

    def scan(text, doc_dir):
        scanned.append(text)
        return parse(text, doc_dir)

    monkeypatch.setattr(assemble, "run_stages", stages)
    monkeypatch.setattr(markup._parse, "fn", scan)
    return processed, scanned


def new_process() -> None:
    """The check's memos as a new build process has them: empty."""
    from loseblatt.core.check_memo import _MEMOS, forget_unused

    forget_unused()
    forget_unused()
    assert not any(m.table for m in _MEMOS)


def check(project, store):
    from loseblatt.core import pipeline
    from loseblatt.core.assemble import TextMemo

    memo = TextMemo()
    loaded = store.load(memo)
    result = pipeline.check(project.binder, project.path, memo=memo)
    return loaded, result, store.save(memo)


def outcome(result) -> tuple:
    return (
        sorted(
            (code, s.blatt, s.markdown, s.marked_markdown) for code, ed in result.editions.items() for s in ed.sheets
        ),
        [p.format() for p in result.problems],
    )


def test_a_new_build_takes_what_the_last_check_worked_out(tmp_path, counting):
    from loseblatt.check_store import CheckStore

    processed, scanned = counting
    project = make_project(tmp_path)
    store = CheckStore(tmp_path / "cache" / "pruefung")
    new_process()
    loaded, first, saved = check(project, store)
    assert (loaded, saved) == (False, True) and processed and scanned
    # A new process: nothing is worked out again, and the check finds the same.
    new_process()
    processed.clear(), scanned.clear()
    loaded, again, _ = check(project, store)
    assert loaded and processed == [] and scanned == []
    assert outcome(again) == outcome(first)
    # That check needed less (texts taken whole need no scan of their images), and kept only
    # that. A third build finds nothing new, and the file is not written again.
    new_process()
    loaded, third, saved = check(project, store)
    assert loaded and not saved and processed == [] and outcome(third) == outcome(first)
    # An edit: only the edited text is worked out, and the result is what a check without the
    # store finds.
    project.edit(SHEET, "Text von Blatt 2.3.", "Text von Blatt 2.3, geändert.")
    new_process()
    processed.clear(), scanned.clear()
    loaded, edited, saved = check(project, store)
    assert loaded and saved
    assert sorted(set(processed)) == ["bund:2.3", "sn:2.3"] or processed == ["bund:2.3"]
    assert scanned and all("geändert" in text for text in scanned)
    new_process()
    from loseblatt.core import pipeline

    assert outcome(edited) == outcome(pipeline.check(project.binder, project.path))


def test_nothing_is_taken_for_other_code_or_from_a_damaged_file(tmp_path, counting, monkeypatch):
    from loseblatt import caching
    from loseblatt.check_store import CheckStore
    from loseblatt.core.assemble import TextMemo

    processed, _ = counting
    project = make_project(tmp_path)
    folder = tmp_path / "cache" / "pruefung"
    new_process()
    check(project, CheckStore(folder))
    kept = next(folder.glob("*/*.pickle"))
    # Other code (or another library version): another key, the kept file is not read.
    with monkeypatch.context() as patch:
        patch.setattr(caching, "code_fingerprint", lambda: "andere-version")
        assert not CheckStore(folder).load(TextMemo())
    # Damaged: read as nothing, no traceback; the check works everything out.
    kept.write_bytes(kept.read_bytes()[:200])
    new_process()
    processed.clear()
    loaded, result, saved = check(project, CheckStore(folder))
    assert not loaded and processed and saved and not result.problems
