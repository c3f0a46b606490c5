"""binder/glossar.yml: terms and abbreviations, the single source for the glossary sheet
({{ glossar }}) and for abbreviations explained wherever they occur on the site."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .fields import GLOSSARY_FIELDS
from .frontmatter import load_yaml_list
from .german import german_sort_key
from .problems import Problems
from .references import escape_markdown

GLOSSARY_FILE = "glossar.yml"
KEYS = tuple(f.key for f in GLOSSARY_FIELDS)


@dataclass(frozen=True)
class Term:
    begriff: str
    erklaerung: str
    langform: str | None = None  # set for abbreviations: «KKP» → «Kommunale Kriminalprävention»


def load_glossary(root: Path, problems: Problems) -> list[Term]:
    path = Path(root) / GLOSSARY_FILE
    if not path.is_file():
        return []
    loaded = load_yaml_list(path, problems, "dem Glossar")
    if loaded is None:
        return []
    data, nodes = loaded
    if nodes is None:
        problems.add(path, 1, "Das Glossar ist eine Liste von Einträgen mit „begriff“ und „erklaerung“.")
        return []
    terms: list[Term] = []
    seen: set[str] = set()
    for entry, item_node in zip(data, nodes, strict=False):
        line = item_node.start_mark.line + 1
        if not isinstance(entry, dict):
            problems.add(path, line, "Jeder Glossareintrag braucht „begriff“ und „erklaerung“.")
            continue
        unknown = [k for k in entry if k not in KEYS]
        for k in unknown:
            problems.add(path, line, f"Unbekannter Schlüssel „{k}“ im Glossar (erlaubt: {', '.join(KEYS)}).")
        begriff, erklaerung, langform = entry.get("begriff"), entry.get("erklaerung"), entry.get("langform")
        if not isinstance(begriff, str) or not isinstance(erklaerung, str) or not erklaerung.strip():
            problems.add(path, line, "Jeder Glossareintrag braucht „begriff“ und „erklaerung“ als Text.")
            continue
        if langform is not None and not isinstance(langform, str):
            problems.add(path, line, "„langform“ muss ein Text sein.")
            continue
        if begriff.lower() in seen:
            problems.add(path, line, f"Der Begriff „{begriff}“ steht doppelt im Glossar.")
            continue
        if unknown:
            continue
        seen.add(begriff.lower())
        terms.append(Term(begriff.strip(), " ".join(erklaerung.split()), langform.strip() if langform else None))
    return sorted(terms, key=lambda t: german_sort_key(t.begriff))


def glossary_markdown(terms: list[Term]) -> str:
    """A definition list (Markdown extension def_list)."""
    out = []
    for t in terms:
        # Glossary fields are data: escaped, so an entry shows its text and forms no markup.
        begriff, langform, erklaerung = (escape_markdown(x) if x else x for x in (t.begriff, t.langform, t.erklaerung))
        head = f"{begriff} ({langform})" if langform else begriff
        out.append(f"{head}\n:   {erklaerung}\n")
    return "\n".join(out)


def abbreviations_markdown(terms: list[Term]) -> str:
    """Definitions for the Markdown extension abbr: every occurrence gets its expansion."""
    return "\n".join(f"*[{t.begriff}]: {t.langform}" for t in terms if t.langform)


_DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:", re.M)


@lru_cache(maxsize=8)
def _definitions(definitions: str) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    out = []
    for line in definitions.splitlines():
        if found := _DEFINITION.match(line):
            term = found.group("term")
            out.append((term, re.compile(rf"\b{re.escape(term)}\b"), line))
    return tuple(out)


def used_abbreviations(definitions: str, text: str) -> str:
    """Only the definitions whose term occurs in `text` (as a word, like the abbr extension
    matches it): a page's output and cache key then change only with the terms it uses."""
    key = (_digest(definitions), hashlib.blake2b(text.encode(), digest_size=16).digest())
    used = _USED.get(key)
    if used is None:
        # The plain substring test first: a match implies it, and it is much cheaper than the search.
        found = (line for term, pattern, line in _definitions(definitions) if term in text and pattern.search(text))
        used = _USED[key] = "\n".join(found)
        if len(_USED) > _USED_MAX:
            del _USED[next(iter(_USED))]  # the oldest
    return used


# What each page used, by digests of the definitions and the page: an edition worker sees the
# same pages in every edition and at every rebuild under serve (searching every page for every
# term was a twenty-fifth of a warm edition build). Bounded, and small: digests and short text.
_USED: dict[tuple[bytes, bytes], str] = {}
_USED_MAX = 20_000


@lru_cache(maxsize=8)
def _digest(definitions: str) -> bytes:
    return hashlib.blake2b(definitions.encode(), digest_size=16).digest()
