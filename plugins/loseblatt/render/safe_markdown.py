"""The Markdown extension every sheet, register and site page is rendered with.

It applies the content allow-lists of core/markup.py (raw HTML stays text, attribute lists
and addresses are filtered) and turns the plain-Markdown forms that the core writes for its
own constructs into their markup: the title part of a Blattverweis, which print hides, and
the container of a passage changed in this Fassung. So nothing the core or an editor writes
needs raw HTML.
"""

from __future__ import annotations

from xml.etree import ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..core.markup import MarkupRules
from ..core.references import TITLE_SEPARATOR
from ..core.revisions import CHANGED_END, CHANGED_ITEM, CHANGED_LINES, CHANGED_START
from ..core.textblocks import FENCE
from ..core.vorlagen import rewrite
from .trusted import TOKEN, fragment, trusted_html

CHANGED_LABEL = "Geändert in dieser Fassung:"


class ReferenceTitles(Treeprocessor):
    """A Blattverweis (a link naming its sheet in data-blatt) gets its class, and «Blatt 2.3 –
    Titel» becomes «Blatt 2.3» + a span with « – Titel» that print hides."""

    def run(self, root: etree.Element) -> None:
        for a in root.iter("a"):
            if not a.get("data-blatt"):
                continue
            classes = (a.get("class") or "").split()
            if "lb-verweis" not in classes:
                a.set("class", " ".join([*classes, "lb-verweis"]))
            if not a.text or TITLE_SEPARATOR not in a.text:
                continue
            head, tail = a.text.split(TITLE_SEPARATOR, 1)
            a.text = head
            span = etree.Element("span", {"class": "lb-verweis-titel"})
            span.text = TITLE_SEPARATOR + tail
            # Everything after the separator is title, also an abbreviation in it («… (CTC)»):
            # left outside the span, print would show «Blatt 1.4CTC)».
            for child in list(a):
                a.remove(child)
                span.append(child)
            a.append(span)


# A web address written in the text («kriminalpraevention.de/satzung.html», «https://…»): the
# sources of every sheet. Letters before a dot, a known top-level domain, an optional path
# that does not end in punctuation.
WEB_ADDRESS = (
    r"(?<![\w@/.-])((?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:de|org|eu|com|net|info|int)"
    r"(?:/(?:[^\s<>()\[\]„“\"\x02\x03]*[^\s<>()\[\]„“\".,;:!?\x02\x03])?)?)(?![\w-])"
)


class WebAddresses(InlineProcessor):
    """Addresses in the text become links, marked as external (also for screen readers)."""

    def handleMatch(self, m, data):
        text = m.group(1)
        href = text if text.startswith(("http://", "https://")) else f"https://{text}"
        a = etree.Element("a", {"href": href, "class": "lb-extern", "rel": "noopener"})
        a.text = AtomicString(text)  # not matched again
        hint = etree.SubElement(a, "span", {"class": "lb-sr"})
        hint.text = AtomicString(" (externe Seite)")
        return a, m.start(0), m.end(0)


class NoNestedLinks(Treeprocessor):
    """An address inside the text of a link stays text: links do not nest."""

    def run(self, root: etree.Element) -> None:
        for outer in root.iter("a"):
            for inner in [e for e in outer.iter("a") if e is not outer]:
                parent = next(p for p in outer.iter() if inner in list(p))
                index = list(parent).index(inner)
                text = (inner.text or "") + (inner.tail or "")
                parent.remove(inner)
                if index == 0:
                    parent.text = (parent.text or "") + text
                else:
                    prev = parent[index - 1]
                    prev.tail = (prev.tail or "") + text


class Abbreviations(Treeprocessor):
    """A glossary abbreviation (Markdown's abbr: `<abbr title="…">`) becomes reachable by
    keyboard and touch, its expansion part of the text: screen readers read it after the
    abbreviation, the page shows it as a tooltip while the abbreviation has focus or the
    pointer (loseblatt.css). No title: browsers would show it a second time."""

    def run(self, root: etree.Element) -> None:
        # Inside a link the link takes the focus (no focusable element within another); there
        # the abbreviation keeps its title.
        in_links = {id(e) for a in root.iter("a") for e in a.iter("abbr")}
        for abbr in root.iter("abbr"):
            if id(abbr) in in_links:
                continue
            title = abbr.attrib.pop("title", None)
            if not title:
                continue
            abbr.set("class", "lb-abk")
            abbr.set("tabindex", "0")
            span = etree.SubElement(abbr, "span", {"class": "lb-abk-text"})
            span.text = AtomicString(f" ({title})")


class ChangedPassage(BlockProcessor):
    """The blocks between CHANGED_START and CHANGED_END, in a marked container with a text
    alternative for screen readers."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return block.strip() == CHANGED_START

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        blocks.pop(0)
        inner: list[str] = []
        while blocks and blocks[0].strip() != CHANGED_END:
            inner.append(blocks.pop(0))
        if blocks:
            blocks.pop(0)
        div = etree.SubElement(parent, "div", {"class": "lb-geaendert"})
        label = etree.SubElement(div, "p", {"class": "lb-sr"})
        label.text = CHANGED_LABEL
        self.parser.parseBlocks(div, inner)
        return True


class ChangedLines(Preprocessor):
    """A changed-lines note before a fenced code block (core/revisions.py) highlights exactly those
    lines (superfences' `hl_lines`; the page styles draw the bar) and tells screen readers which."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        pending: list[str] | None = None
        for line in lines:
            stripped = line.strip()
            if stripped.startswith(CHANGED_LINES + " "):
                numbers = [n for n in stripped[len(CHANGED_LINES) :].split() if n.isdigit()]
                if numbers:
                    pending = numbers
                    which = ("Zeile " if len(numbers) == 1 else "Zeilen ") + _und(numbers)
                    note = f'<p class="lb-sr">{CHANGED_LABEL} {which} des folgenden Textblocks.</p>'
                    out += ["", trusted_html(note), ""]  # becomes markup in TrustedFragments
                continue
            if pending is not None and FENCE.match(line):
                out.append(f'{line} hl_lines="{" ".join(pending)}"')
                pending = None
                continue
            if pending is not None and line.strip() and not line.strip().startswith("**Vorlage"):
                pending = None  # the block marked itself (a template on the web page: render/web/vorlagen.py)
            out.append(line)
        return out


def _und(items: list[str]) -> str:
    """'3', '3 und 7', '1, 4 bis 10 und 16': runs of lines read as ranges."""
    runs: list[list[int]] = []
    for n in sorted(int(i) for i in items):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    parts = [str(a) if a == b else f"{a} und {b}" if b == a + 1 else f"{a} bis {b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]


class ChangedItems(Treeprocessor):
    """A list item or table row whose text starts with the changed-item note (core/revisions.py)
    gets a class for the bar and the text alternative in place of the note."""

    NOTE = CHANGED_ITEM.strip()

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "li":
                holder = element if (element.text or "").strip() or not len(element) else element[0]
                cls = "lb-geaendert-punkt"
            elif element.tag == "tr" and len(element):
                holder, cls = element[0], "lb-geaendert-zeile"
            else:
                continue
            text = holder.text or ""
            box = text[:4] if text[:4] in ("[ ] ", "[x] ", "[X] ") else ""  # a task list's checkbox
            if not text[len(box) :].startswith(self.NOTE):
                continue
            element.set("class", " ".join(filter(None, [element.get("class"), cls])))
            holder.text = box
            label = etree.Element("span", {"class": "lb-sr"})
            label.text = AtomicString(CHANGED_LABEL + " ")
            label.tail = text[len(box) + len(self.NOTE) :].lstrip()
            holder.insert(0, label)


class TrustedFragments(Preprocessor):
    """Tokens of render/trusted.py become Markdown's own stashed HTML (block fragments are not
    wrapped in a paragraph)."""

    def run(self, lines: list[str]) -> list[str]:
        return [TOKEN.sub(lambda m: self.md.htmlStash.store(fragment(m.group(1))), line) for line in lines]


class Templates(Preprocessor):
    """A template block (core/vorlagen.py) that its page did not present itself (print, any page
    without downloads) shows as its title and a plain text block."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "vorlage" not in text:
            return lines
        return rewrite(text).split("\n")


class SafeMarkdownExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        MarkupRules().extendMarkdown(md)
        md.treeprocessors.register(ReferenceTitles(md), "loseblatt_reference_titles", 5)
        # Below links and autolinks (which handle their own addresses), above plain text.
        md.inlinePatterns.register(WebAddresses(WEB_ADDRESS, md), "loseblatt_web_addresses", 95)
        md.treeprocessors.register(NoNestedLinks(md), "loseblatt_no_nested_links", 6)
        # After Markdown's abbr extension (priority 7) has marked the abbreviations.
        md.treeprocessors.register(Abbreviations(md), "loseblatt_abbreviations", 4)
        md.parser.blockprocessors.register(ChangedPassage(md.parser), "loseblatt_changed", 105)
        md.preprocessors.register(TrustedFragments(md), "loseblatt_trusted", 5)
        # Before fenced code blocks (superfences: 32 and below) see the fence.
        md.preprocessors.register(Templates(md), "loseblatt_templates", 40)
        # After templates became plain fences, before superfences reads the fence's options.
        md.preprocessors.register(ChangedLines(md), "loseblatt_changed_lines", 36)
        # Before the inline patterns (20) read the item's text.
        md.treeprocessors.register(ChangedItems(md), "loseblatt_changed_items", 25)


def makeExtension(**kwargs) -> SafeMarkdownExtension:
    return SafeMarkdownExtension(**kwargs)
