"""Placeholders in templates that a municipal binder fills with its own values.

A template (core/vorlagen.py) marks what its reader fills in with square brackets:
«[Name der Kommune]», «[Datum]». A state edition cannot know these values; a municipal binder
knows some of them (kommune.yml). Which placeholder takes which value is declared, never
guessed, and decided here only:

- STANDARD: the placeholders every municipal binder fills, from the fields every kommune.yml
  has («[Name der Kommune]» ← `kommune`, «[Name des Gremiums]» ← `gremium`);
- `platzhalter:` in kommune.yml adds placeholders or changes their field:

      platzhalter:
        Polizeidienststelle: var.polizei   # the value of «polizei» under «variablen»
        Name des Gremiums: ~               # this binder leaves the placeholder as it is

A field is `kommune`, `gremium` or `var.<name>`. The placeholder is written without its
brackets and must match the template's text exactly (spaces aside). Filling happens only inside
template blocks; the value is plain text on one line (never Markup), and a placeholder with no
value stays a placeholder, highlighted on the web and in the files. Documented for editors in
docs/kommunen.md and docs/stil.md («Vorlagen»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .templating import as_plain
from .vorlagen import PLACEHOLDER_WRAPPED, template_ranges

STANDARD: dict[str, str] = {"Name der Kommune": "kommune", "Name des Gremiums": "gremium"}
FIELD = re.compile(r"^(?:kommune|gremium|var\.(?P<var>[a-z_][a-z0-9_]*))$")
FIELDS_TEXT = "„kommune“, „gremium“ oder „var.<name>“ (eine Angabe unter „variablen“)"
KEY = "platzhalter"


def normalize(placeholder: str) -> str:
    """«[Name  der Kommune]» and «Name der Kommune» → «Name der Kommune»."""
    text = placeholder.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return " ".join(text.split())


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


def _entry_lines(text: str, section_line: int) -> dict[str, int]:
    """The line of each entry under `platzhalter:` (1-based), found in the text, since the YAML
    parser remembers only the lines of top-level keys."""
    out: dict[str, int] = {}
    lines = text.split("\n")
    for i in range(section_line, len(lines)):  # the line after the section's own
        line = lines[i]
        if line.strip() and not line[:1].isspace() and not line.lstrip().startswith("#"):
            break
        m = re.match(r"^\s+(?:\"([^\"]*)\"|'([^']*)'|([^:#]+?))\s*:", line)
        if m:
            out.setdefault(normalize(next(g for g in m.groups() if g is not None)), i + 1)
    return out


def declared(
    raw: Any, text: str, section_line: int, kommune: str, gremium: str, variablen: dict[str, Any]
) -> tuple[dict[str, str], dict[str, int], list[Problem]]:
    """The mapping placeholder → field: STANDARD with kommune.yml's `platzhalter` over it; the
    line of each declared entry; problems in German (with lines in kommune.yml)."""
    mapping = dict(STANDARD)
    problems: list[Problem] = []
    if raw is None:
        return mapping, {}, problems
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                section_line,
                f"„{KEY}“ besteht aus Angaben der Form „Name der Kommune: kommune“: links der Platzhalter "
                f"ohne Klammern, rechts {FIELDS_TEXT}.",
            )
        )
        return mapping, {}, problems
    lines = _entry_lines(text, section_line)
    where: dict[str, int] = {}
    for key, field in raw.items():
        name = normalize(str(key)) if isinstance(key, (str, int)) else ""
        line = lines.get(name, section_line)
        if not name or "[" in name or "]" in name:
            problems.append(
                Problem(line, f"„{key}“ ist kein Platzhalter: bitte den Text ohne eckige Klammern angeben.")
            )
            continue
        where[name] = line
        if field is None or (isinstance(field, str) and not field.strip()):
            mapping.pop(name, None)  # this binder leaves the placeholder for its readers
            continue
        m = FIELD.match(field.strip()) if isinstance(field, str) else None
        if m is None:
            problems.append(Problem(line, f"Der Platzhalter „[{name}]“ nennt „{field}“; erlaubt sind {FIELDS_TEXT}."))
            continue
        var = m.group("var")
        if var is not None and var not in variablen:
            from .load import _closest

            known = sorted(str(k) for k in variablen)
            hint = _closest(var, known) or (f" Bekannt: {', '.join(known)}." if known else "")
            problems.append(
                Problem(
                    line,
                    f"Der Platzhalter „[{name}]“ nennt die Variable „{var}“, die es unter „variablen“ nicht "
                    f"gibt.{hint}",
                )
            )
            continue
        value = _value(field.strip(), kommune, gremium, variablen)
        if "[" in value or "]" in value:
            problems.append(
                Problem(
                    line,
                    f"Der Wert für „[{name}]“ ({field.strip()}) enthält eckige Klammern; in einer Vorlage sähe er "
                    "wie ein Platzhalter aus. Bitte ohne eckige Klammern schreiben.",
                )
            )
            continue
        mapping[name] = field.strip()
    return mapping, where, problems


def _value(field: str, kommune: str, gremium: str, variablen: dict[str, Any]) -> str:
    if field == "kommune":
        return kommune
    if field == "gremium":
        return gremium
    return str(variablen[field[len("var.") :]])


def values(mapping: dict[str, str], kommune: str, gremium: str, variablen: dict[str, Any]) -> dict[str, str]:
    """Placeholder (without brackets) → the text that replaces it, plain and on one line."""
    out = {}
    for name, field in mapping.items():
        value = as_plain(_value(field, kommune, gremium, variablen))
        if value.strip():  # an empty value would make the placeholder vanish without a trace
            out[name] = value
    return out


def fill(markdown: str, filled: dict[str, str]) -> str:
    """`markdown` with every placeholder that has a value replaced by it, inside template blocks
    only (elsewhere square brackets are links and sheet references)."""
    if not filled or "vorlage" not in markdown:
        return markdown
    lines = markdown.split("\n")
    for start, end in reversed(template_ranges(markdown)):
        text = "\n".join(lines[start + 1 : end])
        text = PLACEHOLDER_WRAPPED.sub(lambda m: filled.get(normalize(m.group(0)), m.group(0)), text)
        lines[start + 1 : end] = text.split("\n") if end > start + 1 else []
    return "\n".join(lines)


def used(markdown: str) -> set[str]:
    """Every placeholder (without brackets) in the template blocks of `markdown`."""
    lines = markdown.split("\n")
    return {
        normalize(m.group(0))
        for start, end in template_ranges(markdown)
        for m in PLACEHOLDER_WRAPPED.finditer("\n".join(lines[start + 1 : end]))
    }
