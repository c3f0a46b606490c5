"""Edition variables in sheets ({{ land.name }}), rendered in a Jinja2 sandbox.

Sheets are written by many editors through pull requests, so templates are
untrusted: the sandbox refuses attribute tricks (`''.__class__`), the default
globals (`cycler`, `lipsum`, …) are removed, undefined names are errors, and
arithmetic that could blow up memory is capped.
"""

from __future__ import annotations

import operator
import traceback
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .textblocks import mask_code

MAX_RESULT = 10_000  # characters or list items one binary operation may produce


class _BinderSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError("Potenzen mit großen Exponenten sind in Blättern nicht erlaubt")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_RESULT:
                    raise SecurityError("diese Vervielfachung ergäbe einen zu langen Text")
            return operator.mul(left, right)
        result = operator.add(left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > 10 * MAX_RESULT:
            raise SecurityError("dieser Ausdruck ergäbe einen zu langen Text")
        return result


def make_environment() -> SandboxedEnvironment:
    env = _BinderSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # Editors write Markdown, not HTML templates; comments and line statements stay off.
        comment_start_string="{#\x00",
        comment_end_string="\x00#}",
    )
    env.globals.clear()
    return env


_ENV = make_environment()


@lru_cache(maxsize=8192)
def _compile(text: str):
    # A base sheet is rendered in every edition: compile its template once.
    return _ENV.from_string(text)


@dataclass
class TemplateProblem:
    line: int  # 1-based line within the rendered text
    message: str


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


def _german(exc: TemplateError) -> str:
    msg = str(exc.message if getattr(exc, "message", None) else exc)
    if isinstance(exc, SecurityError):
        return f"Unzulässiger Ausdruck in einer Variablen (Sicherheitsgrenze): {msg}"
    if isinstance(exc, UndefinedError):
        name = msg.split("'")[1] if msg.count("'") >= 2 else msg
        if "has no attribute" in msg:
            attr = msg.split("'")[-2] if msg.count("'") >= 4 else name
            return f"Unbekannte Variable „{attr}“ ({msg})"
        return f"Unbekannte Variable „{name}“"
    if isinstance(exc, TemplateSyntaxError):
        return f"Fehler in einer Variablen oder Bedingung ({{{{ … }}}} / {{% … %}}): {msg}"
    return f"Fehler beim Einsetzen der Variablen: {msg}"


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def render(text: str, context: dict[str, Any]) -> tuple[str, TemplateProblem | None]:
    """Render variables in `text` outside code; return (result, problem)."""
    if not has_template(text):
        return text, None
    masked = mask_code(text)
    if not has_template(masked.text):
        return text, None
    try:
        template = _compile(masked.text)
        out = template.render(context)
    except TemplateError as exc:
        return text, TemplateProblem(_line_of(exc, masked.text), _german(exc))
    except (ArithmeticError, TypeError, ValueError, OverflowError, RecursionError) as exc:
        # Sandbox lets plain Python errors through (e.g. 1/0): still the editor's mistake.
        return text, TemplateProblem(_line_of(exc, masked.text), f"Fehler beim Einsetzen der Variablen: {exc}")
    return masked.restore(out), None
