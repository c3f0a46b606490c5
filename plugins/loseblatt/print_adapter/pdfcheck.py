"""A structure check of our PDFs against the machine-checkable core of PDF/UA-1.

veraPDF (the reference validator) needs Java and is not installable here; this check covers
what our PDFs must carry and tests run it on every PDF of a build, together with `qpdf --check`
and the `pdfua` package's rules (see the accessibility statement for what is left unchecked).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf

from .tagging import kids, number_tree, outside_the_tree, struct_elements

Name = pikepdf.Name
HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


def _name_tree_keys(node: pikepdf.Object) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        names = n.get(Name.Names)
        if names is not None:
            out.update(str(names[i]) for i in range(0, len(names), 2))
        stack.extend(n.get(Name.Kids, []))
    return out


def _dict(obj: pikepdf.Object, key: pikepdf.Name) -> pikepdf.Dictionary:
    value = obj.get(key)
    return value if isinstance(value, pikepdf.Dictionary) else pikepdf.Dictionary()


def problems(path: Path) -> list[str]:
    """What keeps the PDF at `path` from our PDF/UA-1 core; empty when nothing does."""
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not str(root.get(Name.Lang, "")).strip():
            found.append("keine Dokumentsprache (/Lang)")
        if not bool(_dict(root, Name.MarkInfo).get(Name.Marked, False)):
            found.append("nicht als getaggt markiert (/MarkInfo /Marked)")
        if not bool(_dict(root, Name.ViewerPreferences).get(Name.DisplayDocTitle, False)):
            found.append("Titel wird nicht angezeigt (/DisplayDocTitle)")
        meta = pdf.open_metadata()
        if not str(meta.get("dc:title", "")).strip():
            found.append("kein Titel in den XMP-Metadaten (dc:title)")
        if str(meta.get("pdfuaid:part", "")) != "1":
            found.append("keine PDF/UA-Kennung in den XMP-Metadaten (pdfuaid:part 1)")
        tree = root.get(Name.StructTreeRoot)
        if tree is None or Name.ParentTree not in tree:
            found.append("kein Strukturbaum (/StructTreeRoot mit /ParentTree)")
            return found
        parent_tree = dict(number_tree(tree.ParentTree))
        pages = {p.obj.objgen for p in pdf.pages}
        elements = list(struct_elements(tree))
        tagged_annots: set[tuple[int, int]] = set()
        ids: list[str] = []
        headers: set[str] = set()
        for e in elements:
            pg = e.get(Name.Pg)
            if pg is not None and pg.objgen not in pages:
                found.append(f"Strukturelement {e.S} verweist auf eine Seite außerhalb des Dokuments")
            for k in kids(e):
                if isinstance(k, pikepdf.Dictionary) and k.get(Name.Type) == Name.OBJR:
                    tagged_annots.add(k.Obj.objgen)
            if Name.ID in e:
                ids.append(str(e.ID))
            a = e.get(Name.A)
            attrs = list(a) if isinstance(a, pikepdf.Array) else [a]
            for d in attrs:
                if isinstance(d, pikepdf.Dictionary) and isinstance(d.get(Name.Headers), pikepdf.Array):
                    headers.update(str(h) for h in d.Headers)
            if str(e.S) in HEADINGS and not kids(e):
                found.append(f"leere Überschrift ({e.S})")
            if e.S == Name.TH and not any(isinstance(d, pikepdf.Dictionary) and Name.Scope in d for d in attrs):
                found.append("Tabellenkopfzelle ohne /Scope")
        if len(ids) != len(set(ids)):
            found.append("Strukturelement-IDs doppelt")
        known = _name_tree_keys(tree.IDTree) if Name.IDTree in tree else set()
        if headers - known:
            found.append(f"/Headers verweisen auf unbekannte IDs: {sorted(headers - known)[:3]}")
        fields = {f.objgen for f in _dict(root, Name.AcroForm).get(Name.Fields, pikepdf.Array())}
        for number, page in enumerate(pdf.pages, 1):
            p = page.obj
            annots = list(p.get(Name.Annots, []))
            if Name.StructParents not in p or int(p.StructParents) not in parent_tree:
                found.append(f"Seite {number}: Inhalt nicht im Strukturbaum (/StructParents)")
            if annots and p.get(Name.Tabs) != Name.S:
                found.append(f"Seite {number}: Tab-Reihenfolge nicht nach Struktur (/Tabs /S)")
            for annot in annots:
                kind = annot.get(Name.Subtype)
                if kind in (Name.Popup,):
                    continue
                if annot.objgen not in tagged_annots:
                    found.append(f"Seite {number}: {kind}-Annotation steht in keinem Strukturelement")
                key = annot.get(Name.StructParent)
                if key is None or int(key) not in parent_tree:
                    found.append(f"Seite {number}: {kind}-Annotation ohne gültigen /StructParent")
                if kind == Name.Widget:
                    name, tip = str(annot.get(Name.T, "")), str(annot.get(Name.TU, ""))
                    if not name or name.startswith("unknown"):
                        found.append(f"Seite {number}: Formularfeld ohne Namen ({name or '–'})")
                    if not tip.strip() or tip == name:
                        found.append(f"Seite {number}: Formularfeld {name} ohne Beschreibung (/TU)")
                    if annot.objgen not in fields:
                        found.append(f"Seite {number}: Formularfeld {name} fehlt in /AcroForm")
                elif not str(annot.get(Name.Contents, "")).strip():
                    found.append(f"Seite {number}: {kind}-Annotation ohne Beschreibung (/Contents)")
                if kind == Name.Link:
                    found += [f"Seite {number}: {p}" for p in _link_problems(annot, pages)]
            for font in _dict(_dict(p, Name.Resources), Name.Font).values():
                descendants = font.get(Name.DescendantFonts, [font])
                for f in descendants:
                    fd = f.get(Name.FontDescriptor)
                    if fd is None or not any(k in fd for k in (Name.FontFile, Name.FontFile2, Name.FontFile3)):
                        found.append(f"Seite {number}: Schrift {f.get(Name.BaseFont)} nicht eingebettet")
        for index in sorted(outside_the_tree(pdf)):
            found.append(f"Seite {index + 1}: markierter Inhalt weder im Strukturbaum noch Artefakt")
    # One message per cause and page is enough to read.
    return list(dict.fromkeys(found))


# Where a link may lead: a web or mail address (never file: or a path of the build machine).
LINK_SCHEMES = ("https://", "http://", "mailto:")


def _link_problems(annot: pikepdf.Object, pages: set[tuple[int, int]]) -> list[str]:
    """A link leads to a web or mail address, or to a page of this document."""
    action = annot.get(Name.A)
    if not isinstance(action, pikepdf.Dictionary):
        return ["Link ohne Aktion"]
    if action.get(Name.S) == Name.URI:
        uri = str(action.get(Name.URI, ""))
        return [] if uri.startswith(LINK_SCHEMES) else [f"Link auf „{uri}“ (nur Web- und Mailadressen)"]
    if action.get(Name.S) == Name.GoTo:
        dest = action.get(Name.D)
        ok = isinstance(dest, pikepdf.Array) and len(dest) > 0 and dest[0].is_indirect and dest[0].objgen in pages
        return [] if ok else ["Sprungziel auf keiner Seite dieses Dokuments"]
    return [f"Link mit unbekannter Aktion {action.get(Name.S)}"]


def qpdf_check(path: Path) -> str:
    """qpdf's own check; empty when it finds nothing, else its report."""
    tool = shutil.which("qpdf")
    if tool is None:
        raise RuntimeError("qpdf fehlt (Debian/Ubuntu: apt-get install qpdf).")
    done = subprocess.run([tool, "--check", str(path)], capture_output=True, text=True)
    return "" if done.returncode == 0 else done.stdout + done.stderr
