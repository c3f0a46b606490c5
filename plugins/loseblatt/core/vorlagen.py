"""Templates (Vorlagen) in a sheet: a fenced block that readers copy or download as a file.

    ```vorlage Mustergeschäftsordnung
    Geschäftsordnung des Präventionsgremiums [Name der Kommune]

    § 1 Name und Zweck
    (1) Das Gremium führt den Namen [Name des Gremiums].
    ```

The word after the fence is `vorlage`, the rest of the line is the template's title. Inside,
text in square brackets is a placeholder for the municipality to fill in; variables of the
edition ({{ land.name }}, {{ var.… }}) are filled like anywhere in a sheet; a municipal binder
fills the placeholders it has values for (core/platzhalter.py). On the web the block shows as text
with the remaining placeholders highlighted, a copy button and links to a .docx and an .odt file;
in print as text.

The document structure (render/office.py) follows from plain rules that editors can see in
the text (docs/stil.md, «Vorlagen»):
- the first line is the document's title;
- a line «§ 3 Vorsitz» or a line in capitals («TAGESORDNUNG») is a heading;
- «(1) …», «1. …», «TOP 1 …» and «- …» begin a numbered paragraph or a list item;
- a blank line ends a paragraph; a following line continues it, on the same line where the
  previous line was wrapped (at least 40 characters, not ending in «:», «?», «!» or «)» and not
  in «.» unless the new line is indented), otherwise on a new line of the same paragraph;
- two or more spaces inside a line become a tab (columns such as «Datum:     [Datum]»).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .problems import Finding
from .references import escape_markdown

FENCE = re.compile(r"^ *(`{3,}|~{3,})")
OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})[ \t]*vorlage(?:[ \t]+(?P<titel>.*?))?[ \t]*$")
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")
# In the text as written a placeholder may wrap onto the next line («[einfacher Mehrheit /
# Zweidrittelmehrheit]»); the documents join wrapped lines before they look for placeholders.
PLACEHOLDER_WRAPPED = re.compile(r"\[[^\[\]\n]+(?:\n[^\[\]\n]+)?\]")
HEADING_PARAGRAPH = re.compile(r"^§\s*\d+[a-z]?\s+\S")
STARTS = (
    ("absatz", re.compile(r"^\(\d+[a-z]?\)\s+")),
    ("nummer", re.compile(r"^(?:\d+\.|TOP\s+\d+)\s+")),
    ("punkt", re.compile(r"^[-–•]\s+")),
)
COLUMNS = re.compile(r"(?<=\S) {2,}(?=\S)")
NO_WRAP_END = ":?!"
WRAP_IF_INDENTED = ".)]"
TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


@dataclass
class Vorlage:
    titel: str
    text: str  # the lines between the fences, as written (after variables)
    index: int  # 1-based position in the sheet
    line: int  # 1-based line of the opening fence in the Markdown
    slug: str = ""


@dataclass
class Run:
    text: str
    platzhalter: bool = False


@dataclass
class Block:
    kind: str  # titel | ueberschrift | absatz | nummer | punkt | text | tabelle
    lines: list[list[Run | str]] = field(default_factory=list)  # a str item is a tab ("\t")
    rows: list[list[list[Run | str]]] = field(default_factory=list)  # tabelle: rows of cells

    def plain(self) -> str:
        if self.kind == "tabelle":
            return "\n".join(" | ".join(_text(c) for c in row) for row in self.rows)
        return "\n".join("".join(r if isinstance(r, str) else r.text for r in line) for line in self.lines)


def _text(items: list[Run | str]) -> str:
    return "".join(r if isinstance(r, str) else r.text for r in items)


def slugify(text: str) -> str:
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "vorlage"


def _blocks(markdown: str) -> list[tuple[int, int, str, str]]:
    """(first line index, closing line index or -1, fence, title) of every template block."""
    if "vorlage" not in markdown:
        return []  # no line can open a template (OPEN); the planning asks for every sheet
    lines = markdown.split("\n")
    out: list[tuple[int, int, str, str]] = []
    fence: str | None = None  # any open fenced block, a template or not
    for i, line in enumerate(lines):
        if "`" not in line and "~" not in line:
            continue  # neither opens nor closes a fence
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence[0] * len(fence)) and not stripped.lstrip(fence[0]).strip():
                if out and out[-1][1] == -2:
                    out[-1] = (out[-1][0], i, out[-1][2], out[-1][3])
                fence = None
            continue
        m = OPEN.match(line)
        if m:
            fence = m.group("fence")
            out.append((i, -2, fence, (m.group("titel") or "").strip()))
            continue
        fm = FENCE.match(line)
        if fm:
            fence = fm.group(1)
    return [(a, -1 if b == -2 else b, f, t) for a, b, f, t in out]


def template_ranges(markdown: str) -> list[tuple[int, int]]:
    """(opening fence line, closing fence line), 0-based, of every closed template block."""
    return [(start, end) for start, end, _, _ in _blocks(markdown) if end >= 0]


def find(markdown: str, blatt: str = "") -> list[Vorlage]:
    lines = markdown.split("\n")
    found = []
    seen: set[str] = set()
    for n, (start, end, _, titel) in enumerate(_blocks(markdown), 1):
        indent = len(lines[start]) - len(lines[start].lstrip(" "))
        # Inside a box (a state's extension) the block is indented with its box.
        body = "\n".join(
            x[indent:] if x[:indent].strip() == "" else x for x in lines[start + 1 : end if end >= 0 else len(lines)]
        )
        slug = slugify(f"{blatt} {titel}" if blatt else titel)
        base, k = slug, 2
        while slug in seen:
            slug, k = f"{base}-{k}", k + 1
        seen.add(slug)
        found.append(Vorlage(titel, body, n, start + 1, slug))
    return found


def check(markdown: str) -> list[Finding]:
    """Problems by line in `markdown`, in German."""
    problems: list[Finding] = []
    titles: dict[str, int] = {}
    for start, end, fence, titel in _blocks(markdown):
        if not titel:
            problems.append(
                Finding(
                    start + 1, f"Eine Vorlage braucht einen Titel in derselben Zeile, z. B. „{fence}vorlage Einladung“."
                )
            )
        elif titel in titles:
            problems.append(Finding(start + 1, f"Die Vorlage „{titel}“ gibt es in diesem Blatt schon."))
        else:
            titles[titel] = start + 1
        if end < 0:
            problems.append(Finding(start + 1, f"Die Vorlage wird nicht mit einer Zeile „{fence}“ geschlossen."))
        elif not markdown.split("\n")[start + 1 : end] or not any(
            x.strip() for x in markdown.split("\n")[start + 1 : end]
        ):
            problems.append(Finding(start + 1, "Die Vorlage ist leer."))
    return problems


def rewrite(
    markdown: str,
    after: Callable[[Vorlage], str] | None = None,
    blatt: str = "",
    body: Callable[[Vorlage], str] | None = None,
) -> str:
    """Every template block as a title line and a plain text block, followed by `after(v)`
    (the download links on the web; nothing in print); `body(v)` replaces the text block (the
    web page's own markup with highlighted placeholders)."""
    blocks = _blocks(markdown)
    if not blocks:
        return markdown
    lines = markdown.split("\n")
    templates = find(markdown, blatt)
    for (start, end, fence, _), v in reversed(list(zip(blocks, templates, strict=True))):
        indent = " " * (len(lines[start]) - len(lines[start].lstrip(" ")))
        head = [
            f"{indent}**Vorlage: {escape_markdown(v.titel)}**" if v.titel else f"{indent}**Vorlage**",
            "",
            f"{indent}{fence}text",
        ]
        tail = [""] + [f"{indent}{x}" if x else "" for x in after(v).split("\n")] if after else []
        if end < 0:
            lines[start : start + 1] = head
        elif body is not None:
            lines[start : end + 1] = head[:2] + [f"{indent}{x}" if x else "" for x in body(v).split("\n")] + tail
        else:
            lines[end + 1 : end + 1] = tail
            lines[start : start + 1] = head
    return "\n".join(lines)


# ----- structure for the document writers ---------------------------------------------


def runs(line: str) -> list[Run | str]:
    """A line as text, placeholders and tabs."""
    out: list[Run | str] = []
    for k, part in enumerate(COLUMNS.split(line)):
        if k:
            out.append("\t")
        pos = 0
        for m in PLACEHOLDER.finditer(part):
            if m.start() > pos:
                out.append(Run(part[pos : m.start()]))
            out.append(Run(m.group(0), True))
            pos = m.end()
        if pos < len(part):
            out.append(Run(part[pos:]))
    return out


def _is_caps_heading(text: str) -> bool:
    outside = PLACEHOLDER.sub("", text)
    letters = [c for c in outside if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _joins(prev: str, line: str, indented: bool) -> bool:
    prev = prev.rstrip()
    # Lines with columns («Datum:     [Datum]») are lines of a form, never wrapped text.
    if len(prev) < 40 or prev[-1] in NO_WRAP_END or COLUMNS.search(prev) or COLUMNS.search(line):
        return False
    return prev[-1] not in WRAP_IF_INDENTED or indented


def structure(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] | None = None  # the source lines of the open paragraph, joined as they go
    current_kind = ""
    current_indent = 0
    had_continuation = False
    raw_paragraphs: list[tuple[str, list[str]]] = []
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            current = None
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if not raw_paragraphs and not blocks:
            blocks.append(Block("titel", [runs(stripped)]))
            raw_paragraphs.append(("titel", [stripped]))
            continue
        if stripped.startswith("|"):
            # A table in Markdown's pipe form; its separator row («|---|») only marks the head.
            if not TABLE_SEPARATOR.match(stripped):
                if not (raw_paragraphs and raw_paragraphs[-1][0] == "tabelle" and current is raw_paragraphs[-1][1]):
                    current = []
                    raw_paragraphs.append(("tabelle", current))
                current.append(stripped)
            continue
        if current is not None and raw_paragraphs[-1][0] == "tabelle":
            current = None
        kind = next((k for k, rx in STARTS if rx.match(stripped)), None)
        if HEADING_PARAGRAPH.match(stripped) or (kind is None and _is_caps_heading(stripped)):
            raw_paragraphs.append(("ueberschrift", [stripped]))
            current = None
            continue
        if current is not None and kind is None and not (had_continuation and indent <= current_indent):
            indented = indent > current_indent
            if _joins(current[-1], stripped, indented):
                prev = current[-1].rstrip()
                # «E-Mail-» + «Adresse»: a word broken at its hyphen is joined without a space.
                glue = "" if prev.endswith("-") and prev[-2:-1].isalpha() else " "
                current[-1] = prev + glue + stripped
            else:
                current.append(stripped)
            had_continuation = had_continuation or indented
            continue
        current_kind = kind or "text"
        current_indent = indent
        had_continuation = False
        first = stripped
        if current_kind in ("absatz", "nummer"):
            marker = re.match(r"^(\(\d+[a-z]?\)|\d+\.|TOP\s+\d+)\s+", first)
            if marker:
                first = marker.group(1) + "\t" + first[marker.end() :]
        elif current_kind == "punkt":
            first = re.sub(r"^[-–•]\s+", "", first)
        current = [first]
        raw_paragraphs.append((current_kind, current))
    for kind, lines in raw_paragraphs[1:]:
        if kind == "tabelle":
            blocks.append(
                Block(kind, rows=[[runs(c.strip()) for c in row.strip().strip("|").split("|")] for row in lines])
            )
        else:
            blocks.append(Block(kind, [_with_tabs(x) for x in lines]))
    return blocks


def _with_tabs(line: str) -> list[Run | str]:
    out: list[Run | str] = []
    for k, part in enumerate(line.split("\t")):
        if k:
            out.append("\t")
        out += runs(part)
    return out
