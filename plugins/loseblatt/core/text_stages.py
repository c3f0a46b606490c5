"""The text steps every sheet and docs/ page goes through, as one ordered list of stages.

Each stage has one signature, `run(text, inputs) -> StageOutput`, and declares which of the
inputs it reads for a given source text (`reads`). The memo that shares results between
editions derives its key from those declarations, so a new stage that reads a new input cannot
be forgotten in the key: it only has to say what it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from . import vorlagen
from .check_memo import last_check
from .checklists import Checklist, canonicalize, extract
from .passages import select
from .problems import Finding
from .references import REFERENCE, Target, resolve
from .templating import has_template, render


@dataclass(frozen=True)
class TextInputs:
    """Everything a stage may read besides the text itself."""

    edition: str
    context: dict[str, Any]
    targets: dict[str, Target]
    doc_path: str
    blatt: str
    # Names the variables' values: editions with equal values share it (memo key).
    context_id: str = ""


@dataclass
class StageOutput:
    text: str
    findings: list[Finding] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)


@dataclass(frozen=True)
class TextTraits:
    """What the keys judge from the source text alone."""

    passages: bool
    template: bool
    references: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[str, TextInputs], StageOutput]
    # What of `inputs` this stage's result depends on, judged from the sheet's source text
    # (conservatively: any text the earlier stages could hand it comes from that source),
    # through its traits (worked out once per text, not per stage and edition).
    reads: Callable[[TextTraits, TextInputs], Hashable]


def _passages(text: str, inputs: TextInputs) -> StageOutput:
    out, found = select(text, inputs.edition)
    return StageOutput(out, found)


def _variables(text: str, inputs: TextInputs) -> StageOutput:
    out, finding = render(text, inputs.context)
    return StageOutput(out, [finding] if finding else [])


def _templates(text: str, inputs: TextInputs) -> StageOutput:
    return StageOutput(text, vorlagen.check(text))


def _checklists(text: str, inputs: TextInputs) -> StageOutput:
    out, found = canonicalize(text, inputs.blatt)
    return StageOutput(out, found, extract(out))


def _references(text: str, inputs: TextInputs) -> StageOutput:
    out, found = resolve(text, inputs.targets, inputs.doc_path)
    return StageOutput(out, found)


@last_check(lasting=False)  # cheap to redo once per text; not worth a second copy of every text on disk
def traits(text: str) -> TextTraits:
    """Once per text and check, not once per edition: the text is the same in every edition."""
    return TextTraits(":::" in text, has_template(text), tuple(sorted({m.strip() for m in REFERENCE.findall(text)})))


def _linked_targets(traits: TextTraits, inputs: TextInputs) -> Hashable:
    targets = inputs.targets
    linked = tuple((r, t.titel, t.doc_path) if (t := targets.get(r)) else (r, None, None) for r in traits.references)
    return (inputs.doc_path, linked)


# In this order: passages pick the edition's text, variables fill it, then templates are
# checked, checklists get their ids and Blattverweise become links.
STAGES: tuple[Stage, ...] = (
    Stage("passagen", _passages, lambda t, i: i.edition if t.passages else None),
    Stage("variablen", _variables, lambda t, i: (i.context_id or i.edition) if t.template else None),
    Stage("vorlagen", _templates, lambda t, i: None),
    Stage("checklisten", _checklists, lambda t, i: i.blatt),
    Stage("verweise", _references, _linked_targets),
)


def run_stages(text: str, inputs: TextInputs) -> StageOutput:
    """All stages in order; findings by line in `text` (the stages keep the line count)."""
    result = StageOutput(text)
    for stage in STAGES:
        step = stage.run(result.text, inputs)
        result = StageOutput(step.text, result.findings + step.findings, result.checklists + step.checklists)
    return result


def memo_key(text: str, inputs: TextInputs) -> tuple:
    found = traits(text)
    return (text, *(stage.reads(found, inputs) for stage in STAGES))
