"""The one rule of the check's memos (core/check_memo.py): keep what the last check used."""

from __future__ import annotations

from loseblatt.core.assemble import TextMemo
from loseblatt.core.check_memo import UsedEntries


def test_a_table_keeps_only_what_was_asked_for_since_the_last_forget():
    table: UsedEntries[str, str] = UsedEntries()
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert [table.get(k, make(k)) for k in ("a", "b", "a")] == ["A", "B", "A"]
    assert made == ["a", "b"] and table.changed
    table.changed = False
    table.forget_unused()
    assert not table.changed and len(table) == 2  # both were used
    assert table.get("a", make("a")) == "A" and made == ["a", "b"]
    table.forget_unused()
    assert table.changed and list(table.entries) == ["a"]  # b was not asked for: dropped
    table.changed = False
    table.add({"c": "C"})
    assert table.get("c", make("c")) == "C" and made == ["a", "b"] and not table.changed


def test_text_memo_keeps_texts_and_marks_by_the_same_rule():
    memo = TextMemo()
    assert memo.empty and not memo.changed
    memo.get(("t1",), lambda: "s1")
    memo.mark("alt", "neu", lambda: ("markiert", 1))
    assert memo.changed and not memo.empty
    memo.kept()
    assert not memo.changed
    memo.keep_used()
    assert not memo.changed and memo.state() == ({("t1",): "s1"}, {("alt", "neu"): ("markiert", 1)})
    memo.get(("t2",), lambda: "s2")
    memo.keep_used()  # the mark and t1 were not used by this "check"
    assert memo.changed and memo.state() == ({("t2",): "s2"}, {})
    fresh = TextMemo()
    fresh.add(memo.state())
    assert fresh.get(("t2",), lambda: "anders") == "s2" and not fresh.changed


def test_a_second_check_reads_and_checks_again_only_the_texts_that_changed(tmp_path, monkeypatch):
    """Under serve each rebuild checks the whole binder: the front matter of an unchanged file is
    not parsed again, an unchanged text not checked again, and what is found is the same."""
    import shutil
    from pathlib import Path

    from loseblatt.core import load, pipeline, validate

    binder = tmp_path / "binder"
    shutil.copytree(Path(__file__).parent / "fixtures" / "binder", binder)
    sheet = binder / "02-gremiengruendung" / "blatt-2.md"
    broken = binder / "02-gremiengruendung" / "kaputt.md"
    broken.write_text("---\nblatt: 2.99\ntitel: [offen\n---\nText.\n", encoding="utf-8")
    parsed: list[str] = []
    checked: list[str] = []
    split, grammar = load.split, validate.check_grammar
    monkeypatch.setattr(load, "split", lambda text: parsed.append(text) or split(text))
    monkeypatch.setattr(validate, "check_grammar", lambda body: checked.append(body) or grammar(body))

    first = pipeline.check(binder, tmp_path)
    assert any("kaputt.md:3:" in p.format() for p in first.problems)
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nEin Satz, den es vorher nicht gab.\n", encoding="utf-8")
    parsed.clear()
    checked.clear()
    second = pipeline.check(binder, tmp_path)
    assert len(parsed) == 1 and "Ein Satz, den es vorher nicht gab." in parsed[0]
    assert len(checked) == 1 and "Ein Satz, den es vorher nicht gab." in checked[0]
    # The broken file is still reported, from the memo, as the first check found it.
    assert [p.format() for p in second.problems] == [p.format() for p in first.problems]
