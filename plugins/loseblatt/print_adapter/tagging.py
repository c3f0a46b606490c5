"""PDF/UA details for our PDFs that WeasyPrint 70 leaves out, and the catalogue entries every
tagged PDF of ours carries (also the joined ones, which pikepdf writes).

- Table header cells get `/Scope`: WeasyPrint links headers to cells by `/ID`/`/Headers`
  only (only `scope="row"` in the HTML makes a row header). A header is a row header where a
  data cell of its own row names it, a column header where cells of other rows name it or it
  stands in the table head, else (a line of its own, naming no cell) a row header.
- Every `/ID` is listed in the structure tree's `/IDTree`, so `/Headers` can be resolved.
- Page furniture (running head, footer with page numbers) is marked as a pagination artifact:
  WeasyPrint tags the content of page margins but leaves it outside the structure tree
  (WeasyPrint issue #1836), which PDF/UA-1 does not allow.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

import pikepdf

Name = pikepdf.Name
PRODUCER = "loseblatt (WeasyPrint, pikepdf)"


def kids(elem: pikepdf.Object) -> list:
    k = elem.get(Name.K)
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def number_tree(node: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """All (key, value) pairs of a number tree, such as the structure tree's /ParentTree."""
    out: list[tuple[int, pikepdf.Object]] = []
    stack = [node]
    while stack:
        n = stack.pop()
        nums = n.get(Name.Nums)
        if nums is not None:
            out += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
        stack.extend(n.get(Name.Kids, []))
    return out


def marked_ids(page: pikepdf.Page) -> list[int]:
    """The marked-content ids (MCID) a page's content stream uses, in order."""
    out = []
    for instruction in pikepdf.parse_content_stream(page, "BDC"):
        props = instruction.operands[1] if len(instruction.operands) > 1 else None
        if isinstance(props, pikepdf.Dictionary) and Name.MCID in props:
            out.append(int(props.MCID))
    return out


def outside_the_tree(pdf: pikepdf.Pdf) -> dict[int, set[int]]:
    """Per page index, the MCIDs whose parent-tree entry is no element reachable from the
    structure tree's root (what WeasyPrint writes for page margins)."""
    root = pdf.Root.StructTreeRoot
    reachable = {e.objgen for e in struct_elements(root) if e.is_indirect}
    parents = dict(number_tree(root.ParentTree)) if Name.ParentTree in root else {}
    out: dict[int, set[int]] = {}
    for index, page in enumerate(pdf.pages):
        key = page.obj.get(Name.StructParents)
        entries = parents.get(int(key)) if key is not None else None
        if not isinstance(entries, pikepdf.Array):
            continue
        lost = {
            mcid
            for mcid in marked_ids(page)
            if mcid >= len(entries)
            or not isinstance(entries[mcid], pikepdf.Dictionary)
            or entries[mcid].objgen not in reachable
        }
        if lost:
            out[index] = lost
    return out


def pagination_artifacts(pdf: pikepdf.Pdf) -> int:
    """Marked content outside the structure tree becomes `/Artifact <</Type /Pagination>>`, and
    its parent-tree entries become null. Returns how many sequences were changed."""
    lost = outside_the_tree(pdf)
    if not lost:
        return 0
    parents = dict(number_tree(pdf.Root.StructTreeRoot.ParentTree))
    changed = 0
    for index, mcids in lost.items():
        page = pdf.pages[index]
        ops: list = []
        for instruction in pikepdf.parse_content_stream(page):
            props = instruction.operands[1] if str(instruction.operator) == "BDC" else None
            if isinstance(props, pikepdf.Dictionary) and int(props.get(Name.MCID, -1)) in mcids:
                artifact = [Name.Artifact, pikepdf.Dictionary(Type=Name.Pagination)]
                ops.append(pikepdf.ContentStreamInstruction(artifact, instruction.operator))
                changed += 1
            else:
                ops.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        entries = parents[int(page.obj.StructParents)]
        for mcid in mcids:
            if mcid < len(entries):
                entries[mcid] = None
    return changed


def struct_elements(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below `root` (the StructTreeRoot or an element), depth first."""
    stack = list(reversed(kids(root)))
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get(Name.Type) in (Name.OBJR, Name.MCR):
            continue
        if Name.S not in node:
            continue
        yield node
        stack.extend(reversed(kids(node)))


def _attributes(elem: pikepdf.Dictionary) -> pikepdf.Dictionary:
    a = elem.get(Name.A)
    if isinstance(a, pikepdf.Array):  # several attribute objects: take the table one
        for item in a:
            if isinstance(item, pikepdf.Dictionary) and item.get(Name.O) == Name.Table:
                return item
        table = pikepdf.Dictionary(O=Name.Table)
        a.append(table)
        return table
    if not isinstance(a, pikepdf.Dictionary):
        a = pikepdf.Dictionary(O=Name.Table)
        elem[Name.A] = a
    return a


def scope_headers(elements: list[pikepdf.Dictionary]) -> int:
    """Give every TH a /Scope; returns how many it set."""
    rows = [e for e in elements if e.get(Name.S) == Name.TR]
    named_in_row: dict[int, set[str]] = {}
    named_anywhere: set[str] = set()
    for i, tr in enumerate(rows):
        named_in_row[i] = set()
        for td in (c for c in kids(tr) if isinstance(c, pikepdf.Dictionary) and c.get(Name.S) == Name.TD):
            headers = _attributes(td).get(Name.Headers)
            if isinstance(headers, pikepdf.Array):
                named_in_row[i].update(str(h) for h in headers)
        named_anywhere |= named_in_row[i]
    n = 0
    for i, tr in enumerate(rows):
        in_head = tr.get(Name.P) is not None and tr.P.get(Name.S) == Name.THead
        for th in (c for c in kids(tr) if isinstance(c, pikepdf.Dictionary) and c.get(Name.S) == Name.TH):
            attrs = _attributes(th)
            if Name.Scope in attrs:
                continue
            key = str(th.get(Name.ID, ""))
            if key in named_in_row[i]:
                scope = Name.Row
            elif key in named_anywhere or in_head:
                scope = Name.Column
            else:  # heads a row of its own (e.g. a register's line in the contents), no column
                scope = Name.Row
            attrs[Name.Scope] = scope
            n += 1
    return n


def id_tree(pdf: pikepdf.Pdf, elements: list[pikepdf.Dictionary]) -> None:
    """/IDTree for the structure elements' /ID (a flat name tree, sorted as the spec asks)."""
    ids = sorted(((bytes(e[Name.ID]), e) for e in elements if Name.ID in e), key=lambda item: item[0])
    root = pdf.Root.StructTreeRoot
    if not ids:
        if Name.IDTree in root:
            del root[Name.IDTree]
        return
    names = pikepdf.Array()
    for key, elem in ids:
        names.append(pikepdf.String(key))
        names.append(elem)
    root[Name.IDTree] = pdf.make_indirect(pikepdf.Dictionary(Names=names))


def xmp(title: str, lang: str, creator: str = "") -> bytes:
    """XMP metadata with the PDF/UA identifier; no dates, so that it is the same every time."""
    t, la, c = escape(title), escape(lang), escape(creator)
    creator_xml = f"<dc:creator><rdf:Seq><rdf:li>{c}</rdf:li></rdf:Seq></dc:creator>" if creator else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f"<pdfuaid:part>1</pdfuaid:part><pdf:Producer>{escape(PRODUCER)}</pdf:Producer>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:language><rdf:Bag><rdf:li>{la}</rdf:li></rdf:Bag></dc:language>{creator_xml}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def mark_document(pdf: pikepdf.Pdf, title: str, lang: str = "de", creator: str = "") -> None:
    """What PDF/UA-1 asks of the catalogue: language, marked, title shown, XMP with pdfuaid."""
    root = pdf.Root
    root.Lang = pikepdf.String(lang)
    root.MarkInfo = pikepdf.Dictionary(Marked=True)
    root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    meta = pdf.make_stream(xmp(title, lang, creator))
    meta.Type = Name.Metadata
    meta.Subtype = Name.XML
    root.Metadata = meta
    pdf.docinfo[Name.Title] = title
    pdf.docinfo[Name.Producer] = PRODUCER
    if creator:
        pdf.docinfo[Name.Author] = creator


def complete_sheet(data: bytes) -> bytes:
    """A WeasyPrint PDF with page furniture as artifacts, header scopes and an IDTree; everything
    else as WeasyPrint wrote it."""
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get(Name.StructTreeRoot)
        if root is None:
            return data
        pagination_artifacts(pdf)
        elements = list(struct_elements(root))
        scope_headers(elements)
        id_tree(pdf, elements)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
