"""The text stages as one ordered list; the memo key comes from what each stage reads."""

from loseblatt.core.references import Target
from loseblatt.core.text_stages import STAGES, TextInputs, memo_key, run_stages

TARGETS = {"2.3": Target("Geschäftsordnung", "02-gremien/blatt-2-3.md")}


def inputs(edition="sn", **kw):
    base = {
        "context": {"land": {"name": "Sachsen"}},
        "targets": TARGETS,
        "doc_path": "01-x/blatt-1-1.md",
        "blatt": "1.1",
    }
    base.update(kw)
    return TextInputs(edition, **base)


def test_stages_run_in_the_declared_order():
    assert [s.name for s in STAGES] == ["passagen", "variablen", "vorlagen", "checklisten", "verweise"]
    # A variable inside another edition's passage is dropped before variables are filled:
    # it cannot fail there. The reference is resolved after the variable.
    text = "::: nur by\n{{ gibt_es_nicht }}\n:::\nIn {{ land.name }} gilt [[2.3]]."
    out = run_stages(text, inputs())
    assert not out.findings
    assert "In Sachsen gilt" in out.text
    assert "blatt-2-3.md" in out.text
    assert out.text.count("\n") == text.count("\n"), "line numbers of findings must stay those of the source"


def test_findings_and_checklists_of_all_stages_are_collected():
    text = '{{ gibt_es_nicht }}\n\n!!! checkliste "Vorbereiten"\n    - [ ] Erster Punkt\n\nSiehe [[9.99]].'
    out = run_stages(text, inputs())
    lines = sorted(f.line for f in out.findings)
    assert lines == [1, 6], out.findings
    assert [(c.title, len(c.items)) for c in out.checklists] == [("Vorbereiten", 1)]


def test_plain_text_is_shared_by_editions():
    text = "Ein Satz ohne Abschnitte, Variablen und Verweise."
    assert memo_key(text, inputs("sn")) == memo_key(text, inputs("by"))


def test_each_declared_input_separates_the_key():
    passages = "::: nur sn\nNur Sachsen.\n:::"
    assert memo_key(passages, inputs("sn")) != memo_key(passages, inputs("by"))
    variables = "In {{ land.name }}."
    assert memo_key(variables, inputs("sn", context_id="a")) != memo_key(variables, inputs("sn", context_id="b"))
    assert memo_key(variables, inputs("sn", context_id="a")) == memo_key(variables, inputs("by", context_id="a"))
    reference = "Siehe [[2.3]]."
    renamed = {"2.3": Target("Neue Geschäftsordnung", "02-gremien/blatt-2-3.md")}
    assert memo_key(reference, inputs()) != memo_key(reference, inputs(targets=renamed))
    assert memo_key(reference, inputs()) != memo_key(reference, inputs(doc_path="09-x/blatt-9-1.md"))
    # A target the text does not name does not matter.
    other = {**TARGETS, "8.1": Target("Anderes", "08-x/blatt-8-1.md")}
    assert memo_key(reference, inputs()) == memo_key(reference, inputs(targets=other))
    checklist = '!!! checkliste "Liste"\n    - [ ] Punkt'
    assert memo_key(checklist, inputs(blatt="1.1")) != memo_key(checklist, inputs(blatt="1.2"))
