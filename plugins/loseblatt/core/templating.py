"""Edition variables in sheets ({{ land.name }}), rendered in a Jinja2 sandbox.

Sheets are written by many editors through pull requests, so templates are untrusted.
Safety comes from an allow-list of what a template may contain at all: output of names
and their fields (`{{ land.gremium.dativ }}`), comparisons and `{% if %}`, and a few
text filters. Loops, assignments, calls, arithmetic and macros are refused before
anything runs, so work and output are bounded by the size of the text. The immutable
sandbox, without default globals and with undefined names as errors, stays as backstop.
"""

from __future__ import annotations

import re
import traceback
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .check_memo import last_check
from .problems import Finding
from .textblocks import mask_code
from .vorlagen import OPEN as VORLAGE_OPEN


class TrustedMarkdown(str):
    """Markdown that the core generated from checked data (the glossary): inserted as it is."""


# Characters with which an inserted value could start or complete Markdown markup: a link or
# image ([ ] ( ) !), an attribute list ({ }), code (`), emphasis (* _), a table cell (|), a
# quote (>). Values are escaped, so what a variable holds is always shown as text.
_VALUE_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|>])")


def _as_text(value: Any) -> Any:
    if isinstance(value, TrustedMarkdown) or not isinstance(value, str):
        return value
    return _VALUE_SPECIAL.sub(r"\\\1", value)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        finalize=_as_text,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # Editors write Markdown, not HTML templates; comments and line statements stay off.
        comment_start_string="{#\x00",
        comment_end_string="\x00#}",
    )
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    return env


# What a template may contain (Jinja's syntax tree): anything else is refused unrun.
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.Tuple,
    nodes.List,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Test,
    nodes.Filter,
)
ALLOWED_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "length", "first", "last")
_PLAIN_CONSTANT = re.compile(r"^[\w\s.,;:–-]*$")
MAX_OUTPUT_GROWTH = 100_000  # characters a template may add to its text


def _refused(node: nodes.Node) -> SecurityError | None:
    """The first node that is not allowed, as an error with its line, or None."""
    for n in (node, *node.find_all(nodes.Node)):
        why = _why_refused(n)
        if why is not None:
            error = SecurityError(why)
            error.lineno = n.lineno  # type: ignore[attr-defined]
            return error
    return None


def _why_refused(n: nodes.Node) -> str | None:
    if not isinstance(n, ALLOWED_NODES):
        kind = {
            nodes.For: "Schleifen ({% for %})",
            nodes.Assign: "Zuweisungen ({% set %})",
            nodes.Call: "Aufrufe von Funktionen",
            nodes.Macro: "Makros",
        }.get(type(n), f"„{type(n).__name__}“")
        return f"{kind} sind in Blättern nicht erlaubt; erlaubt sind {{{{ name.feld }}}} und {{% if %}}"
    if isinstance(n, nodes.Name) and n.ctx != "load":
        return "Zuweisungen sind in Blättern nicht erlaubt"
    if isinstance(n, nodes.Getattr) and n.attr.startswith("_"):
        return f"„{n.attr}“ ist kein Feld einer Variablen"
    if isinstance(n, nodes.Getitem) and not (isinstance(n.arg, nodes.Const) and not str(n.arg.value).startswith("_")):
        return "in [ … ] ist nur ein fester Name oder eine Zahl erlaubt"
    if isinstance(n, nodes.Const) and isinstance(n.value, str) and not _PLAIN_CONSTANT.match(n.value):
        return "feste Texte in Variablen bestehen nur aus Buchstaben, Ziffern, Leerzeichen und . , ; : –"
    if isinstance(n, nodes.Filter) and n.name not in ALLOWED_FILTERS:
        return f"der Filter „{n.name}“ ist nicht erlaubt (erlaubt: {', '.join(ALLOWED_FILTERS)})"
    return None


_ENV = make_environment()


@last_check(lasting=False)  # a compiled template lives in this process only
def _compile(text: str):
    # A base sheet is rendered in every edition: compile its template once.
    return _ENV.from_string(text)


def _line_of(exc: Exception, text: str) -> int:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return lineno
    # Jinja rewrites runtime tracebacks so that template frames carry template lines.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    if frames and frames[-1].lineno:
        return frames[-1].lineno
    # Runtime errors carry no line: find the first line that uses a template.
    for i, line in enumerate(text.split("\n"), 1):
        if "{{" in line or "{%" in line:
            return i
    return 1


# Jinja's messages in German; the essential detail (which token, which tag) is kept.
_TOKENS = {
    "end of print statement": "„}}“",
    "end of statement block": "„%}“",
    "end of template": "dem Ende des Textes",
    "name": "einem Namen",
}
_SYNTAX = (
    (re.compile(r"unexpected end of template, expected '(.+?)'\.?", re.I), "„{{“ ohne passendes „}}“ (erwartet: $1)"),
    (
        re.compile(r"unexpected end of template\. Jinja was looking for the following tags: (.+?)\. .*", re.I | re.S),
        "„{% if %}“ ohne „{% endif %}“",
    ),
    (re.compile(r"expected an expression, got '(.+?)'", re.I), "leerer Ausdruck: nach „{{“ fehlt ein Name"),
    (re.compile(r"encountered unknown tag '(.+?)'\.?", re.I), "unbekannter oder überzähliger Befehl $1"),
    (re.compile(r"expected name or number", re.I), "nach einem Punkt fehlt ein Name oder eine Zahl"),
    (re.compile(r"unexpected '(.+?)'", re.I), "unerwartet: $1"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'", re.I), "erwartet $1, gefunden $2"),
)


def _syntax_german(msg: str) -> str:
    for pattern, german in _SYNTAX:
        m = pattern.fullmatch(msg.strip())
        if m:
            text = german
            for i, group in enumerate(m.groups(), 1):
                text = text.replace(f"${i}", _TOKENS.get(group, f"„{group}“"))
            return text
    return msg


def _german(exc: TemplateError) -> str:
    msg = str(exc.message if getattr(exc, "message", None) else exc)
    if isinstance(exc, SecurityError):
        return f"Unzulässiger Ausdruck in einer Variablen (Sicherheitsgrenze): {msg}"
    if isinstance(exc, UndefinedError):
        name = msg.split("'")[1] if msg.count("'") >= 2 else msg
        if "has no attribute" in msg:
            attr = msg.split("'")[-2] if msg.count("'") >= 4 else name
            return f"Unbekannte Variable „{attr}“: Die Ausgabe hat dieses Feld nicht (ausgabe.yml prüfen)"
        return f"Unbekannte Variable „{name}“"
    if isinstance(exc, TemplateSyntaxError):
        return f"Fehler in einer Variablen oder Bedingung ({{{{ … }}}} / {{% … %}}): {_syntax_german(msg)}"
    return f"Fehler beim Einsetzen der Variablen: {msg}"


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def as_plain(value: Any) -> Any:
    """A value inside a template block (core/vorlagen.py): plain text, as it will be copied and
    downloaded; on one line and without backticks, so it can never close the block."""
    if not isinstance(value, str):
        return value
    return " ".join(value.split()).replace("`", "'").replace("~~~", "~ ~ ~")


_PLAIN_ENV = make_environment()
_PLAIN_ENV.finalize = as_plain


def _fill(text: str, context: dict[str, Any], env) -> str:
    refused = _refused(env.parse(text))
    if refused is not None:
        raise refused
    template = _compile(text) if env is _ENV else env.from_string(text)
    out = template.render(context)
    if len(out) > len(text) + MAX_OUTPUT_GROWTH:
        raise SecurityError("die eingesetzten Variablen ergäben einen zu langen Text")
    return out


def render(text: str, context: dict[str, Any]) -> tuple[str, Finding | None]:
    """Render variables in `text` outside code, and inside template blocks (Vorlagen), where
    they are plain text; return (result, problem)."""
    if not has_template(text):
        return text, None
    masked = mask_code(text)
    out = masked.text
    source = masked.text
    try:
        # Template blocks are code to Markdown but text to fill in: their variables are filled.
        for i, piece in enumerate(masked.pieces):
            if has_template(piece) and VORLAGE_OPEN.match(piece.split("\n", 1)[0]):
                source = piece
                offset = masked.text[: masked.text.index(f"\x00{i}\x00")].count("\n")
                try:
                    masked.pieces[i] = _fill(piece, context, _PLAIN_ENV)
                except Exception as exc:
                    exc.loseblatt_offset = offset  # type: ignore[attr-defined]
                    raise
        source = masked.text
        if has_template(masked.text):
            out = _fill(masked.text, context, _ENV)
    except TemplateError as exc:
        return text, Finding(_offset(exc) + _line_of(exc, source), _german(exc))
    except (ArithmeticError, TypeError, ValueError, OverflowError, RecursionError) as exc:
        # Sandbox lets plain Python errors through (e.g. 1/0): still the editor's mistake.
        return text, Finding(_offset(exc) + _line_of(exc, source), f"Fehler beim Einsetzen der Variablen: {exc}")
    return masked.restore(out), None


def _offset(exc: Exception) -> int:
    return getattr(exc, "loseblatt_offset", 0)
