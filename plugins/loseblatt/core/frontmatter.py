"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Values are read from the YAML node tree so that a sheet id is taken exactly as
written: an unquoted `blatt: 2.10` stays "2.10" and never becomes the float 2.1.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import yaml

from .check_memo import last_check

RAW_KEYS = frozenset({"blatt", "stand", "ergaenzt", "geprueft"})
# libyaml parses about ten times faster; PyYAML's own parser words errors the way YAML_HINTS
# expects, so it reads a text again only when the fast one found a mistake.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line in the file
    start_line: int = 1  # line of the opening '---'


@dataclass
class ParsedFile:
    front: FrontMatter | None
    body: str
    body_line: int  # 1-based line of the body's first line in the file


# PyYAML's messages are English; editors get the common ones explained in German.
YAML_HINTS = (
    (
        "mapping values are not allowed",
        "ein Doppelpunkt steht an unerwarteter Stelle (Texte mit „: “ bitte in Anführungszeichen setzen)",
    ),
    ("expected ',' or ']'", "eine eckige Klammer „[“ wird nicht geschlossen"),
    ("expected ',' or '}'", "eine geschweifte Klammer „{“ wird nicht geschlossen"),
    ("unexpected end of stream", "ein Anführungszeichen wird nicht geschlossen"),
    ("cannot start any token", "Tabulatoren sind nicht erlaubt, bitte Leerzeichen verwenden"),
    ("could not find expected ':'", "nach einem Schlüssel fehlt der Doppelpunkt"),
    ("expected <block end>", "die Einrückung stimmt nicht"),
    ("found duplicate anchor", "ein Anker (&) steht doppelt"),
)


def yaml_hint(problem: str | None) -> str:
    problem = problem or ""
    for needle, german in YAML_HINTS:
        if needle in problem:
            return german
    return f"der Text ist kein gültiges YAML ({problem or 'unbekannter Fehler'})"


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split(text: str) -> ParsedFile:
    """Return front matter and body; raises FrontMatterError with a file line."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return ParsedFile(None, text, 1)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :])
            front = parse_yaml_mapping(yaml_text, first_line=2)
            return ParsedFile(front, body, i + 2)
    raise FrontMatterError(1, "Der Kopfbereich (YAML zwischen zwei Zeilen „---“) wird nicht geschlossen.")


def parse_yaml_mapping(yaml_text: str, first_line: int = 1) -> FrontMatter:
    """Parse a YAML mapping, remembering each top-level key's line; raw scalars for RAW_KEYS."""
    if FAST_LOADER is not yaml.SafeLoader:
        try:
            return _parse_mapping(lambda: FAST_LOADER(yaml_text), first_line)
        except FrontMatterError:
            pass  # reported below, worded by the pure-Python parser
    return _parse_mapping(lambda: yaml.SafeLoader(yaml_text), first_line)


def _refuse_aliases(node, first_line: int) -> None:
    """Anchors and aliases (&a, *a) let a few lines stand for millions of values; editors never
    need them. A node met twice is an alias; each node is visited once, so this stays linear."""
    seen: set[int] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if id(n) in seen:
            raise FrontMatterError(
                first_line + n.start_mark.line,
                "YAML-Anker und -Verweise (&name, *name) sind nicht erlaubt: Bitte die Angaben ausschreiben.",
            )
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            todo.extend(x for pair in n.value for x in pair)
        elif isinstance(n, yaml.SequenceNode):
            todo.extend(n.value)


def _parse_mapping(make_loader, first_line: int) -> FrontMatter:
    loader = None
    try:
        loader = make_loader()
        node = loader.get_single_node()
        if node is None:
            return FrontMatter({}, {}, first_line - 1)
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(
                first_line + node.start_mark.line,
                "Der Kopfbereich muss aus Angaben der Form „schluessel: wert“ bestehen.",
            )
        _refuse_aliases(node, first_line)
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = first_line + key_node.start_mark.line
            if not isinstance(key, str):
                raise FrontMatterError(line, f"Ungültiger Schlüssel {key!r}: Schlüssel müssen Wörter sein.")
            if key in data:
                raise FrontMatterError(line, f"Der Schlüssel „{key}“ steht doppelt im Kopfbereich.")
            if key in RAW_KEYS and isinstance(value_node, yaml.ScalarNode):
                value: Any = value_node.value
            else:
                value = loader.construct_object(value_node, deep=True)
            data[key] = value
            lines[key] = line
        return FrontMatter(data, lines, first_line - 1)
    except yaml.MarkedYAMLError as exc:
        # The context mark (where the broken construct began) is nearer to the editor's mistake.
        mark = exc.context_mark or exc.problem_mark
        line = first_line + (mark.line if mark else 0)
        raise FrontMatterError(line, f"YAML-Syntaxfehler: {yaml_hint(exc.problem)}.") from None
    except yaml.YAMLError as exc:  # non-marked YAML errors carry no position
        raise FrontMatterError(first_line, f"YAML-Syntaxfehler: {yaml_hint(str(exc))}.") from None
    except RecursionError:
        raise FrontMatterError(first_line, "Die YAML-Angaben sind zu tief verschachtelt.") from None
    finally:
        if loader is not None:
            loader.dispose()


@dataclass(frozen=True)
class _YamlListError:
    line: int
    kind: str  # "fehler", "syntax" or "unlesbar"
    detail: str

    def message(self, what: str) -> str:
        if self.kind == "syntax":
            return f"YAML-Syntaxfehler in {what}: {self.detail}."
        if self.kind == "unlesbar":
            return f"{what} lässt sich nicht lesen: {self.detail}."
        return f"Fehler in {what}: {self.detail}"


@last_check(lasting=False)  # YAML nodes live in this process only
def _yaml_list(text: str) -> tuple[Any, Any] | _YamlListError:
    """The parsed document and its node, or what is wrong with it. Under `mkdocs serve` the
    glossary and the list of withdrawn sheets are parsed again only when their text changed."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _refuse_aliases(node, 1)
            data = loader.construct_document(node) if node is not None else []
        finally:
            loader.dispose()
    except FrontMatterError as exc:
        return _YamlListError(exc.line, "fehler", exc.message)
    except RecursionError:
        return _YamlListError(1, "fehler", "Die YAML-Angaben sind zu tief verschachtelt.")
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        return _YamlListError((mark.line + 1) if mark else 1, "syntax", yaml_hint(exc.problem))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return _YamlListError(1, "unlesbar", str(exc))
    return data, node


def load_yaml_list(path, problems, what: str):
    """Read a YAML file that holds a list: (items, their nodes for line numbers) or None.

    Syntax errors are reported with their line; `what` names the file for editors. The items
    are the caller's own copy; the nodes are shared and only to be read.
    """
    from pathlib import Path

    from .inputs import read_text

    text = read_text(Path(path), problems)
    if text is None:
        return None
    parsed = _yaml_list(text)
    if isinstance(parsed, _YamlListError):
        problems.add(path, parsed.line, parsed.message(what))
        return None
    data, node = copy.deepcopy(parsed[0]), parsed[1]
    if data is None:
        return [], []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        return data, None
    return data, node.value
