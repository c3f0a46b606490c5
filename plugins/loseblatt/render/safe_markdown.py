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
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..core.markup import MarkupRules
from ..core.references import TITLE_SEPARATOR
from ..core.revisions import CHANGED_END, CHANGED_START
from .trusted import TOKEN, fragment

CHANGED_LABEL = "Geändert in dieser Fassung:"


class ReferenceTitles(Treeprocessor):
    """«Blatt 2.3 – Titel» → «Blatt 2.3» + a span with « – Titel» that print hides."""

    def run(self, root: etree.Element) -> None:
        for a in root.iter("a"):
            if "lb-verweis" not in (a.get("class") or "").split() or not a.text or TITLE_SEPARATOR not in a.text:
                continue
            head, tail = a.text.split(TITLE_SEPARATOR, 1)
            a.text = head
            span = etree.Element("span", {"class": "lb-verweis-titel"})
            span.text = TITLE_SEPARATOR + tail
            a.insert(0, span)


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


class TrustedFragments(Preprocessor):
    """Tokens of render/trusted.py become Markdown's own stashed HTML (block fragments are not
    wrapped in a paragraph)."""

    def run(self, lines: list[str]) -> list[str]:
        return [TOKEN.sub(lambda m: self.md.htmlStash.store(fragment(m.group(1))), line) for line in lines]


class SafeMarkdownExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        MarkupRules().extendMarkdown(md)
        md.treeprocessors.register(ReferenceTitles(md), "loseblatt_reference_titles", 5)
        md.parser.blockprocessors.register(ChangedPassage(md.parser), "loseblatt_changed", 105)
        md.preprocessors.register(TrustedFragments(md), "loseblatt_trusted", 5)


def makeExtension(**kwargs) -> SafeMarkdownExtension:
    return SafeMarkdownExtension(**kwargs)
