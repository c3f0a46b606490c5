"""Python-Markdown extension: renders canonical checklist blocks as accessible forms.

    !!! checkliste "Titel" {2.1/titel}
        - [ ] {2.1/titel/abc123} Text

becomes a <fieldset> with a <legend>, native checkboxes and labels, so keyboard and
screen readers work without script; script only remembers the ticks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.blockprocessors import BlockProcessor

from ..core.checklists import CANON_ITEM

OPENER = re.compile(r'^!!! checkliste "(?P<title>[^"]*)" \{(?P<id>[^}]+)\}[ ]*(?:\n|$)')


def dom_id(item_id: str) -> str:
    return "lb-" + re.sub(r"[^A-Za-z0-9]+", "-", item_id).strip("-")


class ChecklistProcessor(BlockProcessor):
    """Like admonitions, a checklist continues over following indented blocks.

    Inside a container (e.g. a state's «Hinweise» box) the parser hands those blocks
    over one at a time, so a block may also continue the fieldset just created.
    """

    def _open_fieldset(self, parent):
        last = self.lastChild(parent)
        if last is not None and last.tag == "fieldset" and last.get("class") == "lb-checkliste":
            return last
        return None

    def test(self, parent, block) -> bool:
        return bool(OPENER.match(block)) or (block.startswith("    ") and self._open_fieldset(parent) is not None)

    def run(self, parent, blocks) -> bool:
        block = blocks.pop(0)
        m = OPENER.match(block)
        if m:
            fieldset = etree.SubElement(
                parent, "fieldset", {"class": "lb-checkliste", "data-checkliste": m.group("id")}
            )
            legend = etree.SubElement(fieldset, "legend")
            legend.text = f"Checkliste: {m.group('title')}"
            etree.SubElement(fieldset, "ul", {"class": "lb-punkte"})
            etree.SubElement(fieldset, "p", {"class": "lb-fortschritt"})
            body = [block[m.end() :]]
        else:
            found = self._open_fieldset(parent)
            if found is None:  # test() only lets indented blocks through after an open list
                raise RuntimeError("checklist continuation without a list")
            fieldset = found
            body = [block]
        while blocks and blocks[0].startswith("    "):
            body.append(blocks.pop(0))
        ul, status = fieldset.find("ul"), fieldset.find("p")
        if ul is None or status is None:  # every fieldset is made by _open_fieldset or above
            raise RuntimeError("checklist fieldset without list or status")
        for line in (line for chunk in body for line in chunk.split("\n")):
            im = CANON_ITEM.match(line[4:] if line.startswith("    ") else line.strip())
            if not im:
                continue
            li = etree.SubElement(ul, "li")
            ident = dom_id(im.group("id"))
            # The name becomes the PDF form field's name (WeasyPrint), the label its tooltip.
            etree.SubElement(
                li, "input", {"type": "checkbox", "id": ident, "name": im.group("id"), "data-punkt": im.group("id")}
            )
            label = etree.SubElement(li, "label", {"for": ident})
            label.text = im.group("text")
        n = len(ul)
        status.set("data-fortschritt", str(n))
        status.text = "1 Punkt" if n == 1 else f"{n} Punkte"
        return True


class ChecklistExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # Above admonition (105), which would otherwise take the "!!!" block.
        md.parser.blockprocessors.register(ChecklistProcessor(md.parser), "loseblatt_checkliste", 106)


def makeExtension(**kwargs) -> ChecklistExtension:
    return ChecklistExtension(**kwargs)
