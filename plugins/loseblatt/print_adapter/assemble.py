"""Join per-sheet PDFs into register and edition PDFs with bookmarks, deterministically, and
keep them tagged (PDF/UA-1): the parts' structure trees become one.

pikepdf (qpdf) joins about ten times faster than pypdf and keeps the checklists' form fields;
`deterministic_id` gives the same bytes for the same parts. Joining the parts' tagged PDFs
instead of setting the whole binder again with WeasyPrint keeps every part's layout cached
(bench/ANALYSE.md, «PDF: getaggte Sammel-PDFs»).

How the structure trees are merged: each part's /Document element becomes a /Part (titled
with its bookmark) below one new /Document; the parent-tree keys of its pages and annotations
are shifted past those of the parts before; table header /IDs get a per-part prefix, so
/Headers stay unambiguous; the form fields are collected in one /AcroForm.

Links: a part may name the web address of the sheet it prints (Part.address). A link to that
address anywhere in the joined document becomes a jump to the part's first page; links to
sheets that are not in the document keep their web address.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pikepdf

from .tagging import id_tree, kids, mark_document, number_tree, struct_elements

Name = pikepdf.Name


@dataclass
class Part:
    title: str  # bookmark text; empty: no bookmark (a blank page)
    pdf: bytes
    level: int = 0  # 0: top bookmark, 1: below the last level-0 bookmark
    address: str = ""  # the web address of the sheet this part prints; links to it jump here


class _Tree:
    """The joined document's structure tree, fed part by part."""

    def __init__(self, out: pikepdf.Pdf):
        self.out = out
        self.document = out.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.Document, K=pikepdf.Array()))
        self.root = out.make_indirect(pikepdf.Dictionary(Type=Name.StructTreeRoot, K=pikepdf.Array([self.document])))
        self.document.P = self.root
        self.nums = pikepdf.Array()
        self.next_key = 0
        self.role_map = pikepdf.Dictionary()
        self.elements: list[pikepdf.Dictionary] = []

    def add(self, src: pikepdf.Pdf, first_page: int, title: str, prefix: str) -> None:
        sroot = src.Root.get(Name.StructTreeRoot)
        if sroot is None:
            return
        out, offset = self.out, self.next_key
        for key, value in sorted(number_tree(sroot.ParentTree), key=lambda kv: kv[0]):
            copied: pikepdf.Object
            if isinstance(value, pikepdf.Array):
                # null: marked content that became an artifact (tagging.pagination_artifacts)
                copied = pikepdf.Array([out.copy_foreign(v) if v is not None and v.is_indirect else v for v in value])
            else:
                copied = out.copy_foreign(value)
            self.nums.append(key + offset)
            self.nums.append(copied)
            self.next_key = max(self.next_key, key + offset + 1)
        for page in out.pages[first_page:]:
            if Name.StructParents in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get(Name.Annots, []):
                if Name.StructParent in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        role_map = sroot.get(Name.RoleMap)
        if isinstance(role_map, pikepdf.Dictionary):
            for name, role in role_map.items():
                if name not in self.role_map:
                    self.role_map[name] = role
        part = pikepdf.Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document)
        if title:
            part.T = pikepdf.String(title)
        part = out.make_indirect(part)
        children = pikepdf.Array()
        for foreign in kids(sroot):
            top = out.copy_foreign(foreign)
            # WeasyPrint's /Document of the part: its children go into the part directly.
            inner = kids(top) if top.get(Name.S) == Name.Document else [top]
            for child in inner:
                if isinstance(child, pikepdf.Dictionary):
                    child.P = part
                children.append(child)
        part.K = children
        self.document.K.append(part)
        elements = list(struct_elements(part))
        for elem in elements:
            if Name.ID in elem:
                elem.ID = pikepdf.String(prefix + str(elem.ID))
            a = elem.get(Name.A)
            for attrs in a if isinstance(a, pikepdf.Array) else [a]:
                if isinstance(attrs, pikepdf.Dictionary) and isinstance(attrs.get(Name.Headers), pikepdf.Array):
                    attrs.Headers = pikepdf.Array([pikepdf.String(prefix + str(h)) for h in attrs.Headers])
        self.elements += elements

    def finish(self) -> None:
        self.root.ParentTree = self.out.make_indirect(pikepdf.Dictionary(Nums=self.nums))
        self.root.ParentTreeNextKey = self.next_key
        if self.role_map:
            self.root.RoleMap = self.role_map
        self.out.Root.StructTreeRoot = self.root
        id_tree(self.out, self.elements)


def _merge_forms(out: pikepdf.Pdf, src: pikepdf.Pdf, fields: pikepdf.Array, resources: pikepdf.Dictionary) -> None:
    """The part's form fields (the same objects as its copied widgets) and their resources."""
    form = src.Root.get(Name.AcroForm)
    if form is None:
        return
    for f in form.get(Name.Fields, []):
        fields.append(out.copy_foreign(f))
    dr = form.get(Name.DR)
    if not isinstance(dr, pikepdf.Dictionary):
        return
    dr = out.copy_foreign(dr if dr.is_indirect else src.make_indirect(dr))
    for category, entries in dr.items():
        if not isinstance(entries, pikepdf.Dictionary):
            continue
        if category not in resources:
            resources[category] = pikepdf.Dictionary()
        target = resources[category]
        for key, value in entries.items():
            if key not in target:
                target[key] = value


def _internal_links(out: pikepdf.Pdf, targets: dict[str, tuple[int, str]]) -> None:
    """Every link to the address of a part (targets: address -> first page, bookmark) jumps to
    that page instead. The annotation objects stay the same, so their structure elements
    (OBJR) and /StructParent keys stay valid."""
    for page in out.pages:
        for annot in page.obj.get(Name.Annots, []):
            action = annot.get(Name.A)
            if annot.get(Name.Subtype) != Name.Link or not isinstance(action, pikepdf.Dictionary):
                continue
            if action.get(Name.S) != Name.URI or str(action.get(Name.URI, "")) not in targets:
                continue
            index, bookmark = targets[str(action.URI)]
            target = out.pages[index]
            top = target.mediabox[3]
            # The top of the page at the reader's zoom (null: unchanged).
            annot.A = pikepdf.Dictionary(
                Type=Name.Action, S=Name.GoTo, D=pikepdf.Array([target.obj, Name.XYZ, None, top, None])
            )
            if bookmark:  # what a screen reader says: where the link leads, not an address
                annot.Contents = pikepdf.String(bookmark)


def join(parts: list[Part], title: str, identifier: str = "", lang: str = "de", creator: str = "") -> bytes:
    out = pikepdf.Pdf.new()
    tree = _Tree(out)
    fields = pikepdf.Array()
    resources = pikepdf.Dictionary()
    sources = []
    targets: dict[str, tuple[int, str]] = {}
    version = "1.7"
    with out.open_outline() as outline:
        parent = None
        for index, part in enumerate(parts):
            src = pikepdf.Pdf.open(io.BytesIO(part.pdf))
            sources.append(src)
            version = max(version, src.pdf_version)
            # Exactly the bookmarks defined here: pikepdf 10.18+ would also copy each part's own
            # outline (WeasyPrint makes one from the headings).
            if Name.Outlines in src.Root:
                del src.Root[Name.Outlines]
            start = len(out.pages)
            # pages.extend, not add_pages_from: the latter copies annotations apart from qpdf's
            # object map, so the structure tree's references to them would point at copies.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # _merge_forms keeps the fields
                out.pages.extend(src.pages)
            _merge_forms(out, src, fields, resources)
            tree.add(src, start, part.title, f"t{index}-")
            if part.address:
                targets.setdefault(part.address, (start, part.title))
            if not part.title:  # a blank page has no bookmark
                continue
            item = pikepdf.OutlineItem(part.title, start)
            if part.level and parent is not None:
                parent.children.append(item)
            else:
                outline.root.append(item)
                parent = item
    tree.finish()
    _internal_links(out, targets)
    if len(fields):
        out.Root.AcroForm = pikepdf.Dictionary(Fields=fields, DR=resources, NeedAppearances=True)
    mark_document(out, title, lang, creator)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version=version)
    for src in sources:
        src.close()
    return buf.getvalue()
