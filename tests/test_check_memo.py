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
