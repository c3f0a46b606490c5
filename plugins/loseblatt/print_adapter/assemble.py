"""Join per-sheet PDFs into register and edition PDFs with bookmarks (pypdf), deterministically."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject


@dataclass
class Part:
    title: str  # bookmark text
    pdf: bytes
    level: int = 0  # 0: top bookmark, 1: below the last level-0 bookmark


def join(parts: list[Part], title: str, identifier: str) -> bytes:
    writer = PdfWriter()
    parent = None
    for part in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        item = writer.add_outline_item(title=part.title, page_number=start, parent=parent if part.level else None)
        if part.level == 0:
            parent = item
    writer.add_metadata({"/Title": title, "/Producer": "loseblatt (pypdf)"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("de")
    # A fixed file identifier derived from the content: same inputs, same bytes.
    ident = ByteStringObject(bytes.fromhex(identifier[:32]))
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

