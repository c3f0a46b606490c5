"""The PDF step of the build: every sheet, register and edition as PDF under site/<code>/pdf/.

Per-sheet documents are rendered once per distinct content (cache keyed by a hash of HTML,
styles, fonts and WeasyPrint's version) and spread over worker processes; register and
edition PDFs are joined from them with pikepdf (tags kept, assemble.py) and cached by the keys of
their parts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import addresses, caching
from ..core.assemble import AssembledEdition
from ..render import print_html as names
from ..render.print_html import AUTHOR, PrintRenderer
from ..workers import cpu_count, process_pool
from .assemble import Part, join
from .render import cache_key, render_pdf
from .store import PdfStore

# A part of a joined PDF: (cache key of its PDF, bookmark, bookmark level, web address of the
# sheet it prints or "").
JoinPart = tuple[str, str, int, str]


class Doc:
    """A document to print. Its cache key comes from its inputs, so a cached PDF is found
    without building the HTML; the HTML is built only when the PDF must be rendered."""

    def __init__(
        self,
        label: str,
        make_html: Callable[[], str],
        inputs: str | None = None,
        forms: bool = False,
        fingerprint: str = "",
    ):
        self.label = label  # "<edition>:<file name>", for progress and stats
        self._make_html = make_html
        self._html: str | None = None
        self.inputs = inputs
        self.forms = forms
        self.fingerprint = fingerprint
        self._key: str | None = None

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = self._make_html()
        return self._html

    @property
    def key(self) -> str:
        if self._key is None:
            material = self.inputs if self.inputs is not None else self.html
            self._key = cache_key(self.fingerprint + "\0" + material, self.forms)
        return self._key


@dataclass
class EditionPdfs:
    """What the manifest and the pages need: file name and page count per sheet."""

    sheets: dict[str, tuple[str, int]] = field(default_factory=dict)
    registers: dict[int, str] = field(default_factory=dict)
    # Page counts of the derived pages, for the delivery record: "register:N" and "deckblatt".
    derived_pages: dict[str, int] = field(default_factory=dict)
    checklists: dict[int, str] = field(default_factory=dict)
    edition: str = ""


@dataclass
class PdfStats:
    rendered: list[str] = field(default_factory=list)  # labels of documents rendered by WeasyPrint
    reused: int = 0  # documents taken from the cache
    joined: list[str] = field(default_factory=list)  # register/edition PDFs joined anew


def _render(doc_html: str, forms: bool) -> tuple[bytes, int]:
    return render_pdf(doc_html, forms)


# The documents one pool renders: handed to each worker once, as its start-up argument (the
# HTML is built in the workers, so the parent does not convert Markdown while workers wait).
_worker_docs: list[Doc] = []


def _init_worker(docs: list[Doc]) -> None:
    global _worker_docs  # noqa: PLW0603 - this worker process's own list, set once at its start
    _worker_docs = docs


def _render_at(index: int) -> tuple[bytes, int]:
    doc = _worker_docs[index]
    return render_pdf(doc.html, doc.forms)


class PdfBuilder:
    def __init__(
        self, renderer: PrintRenderer, store: PdfStore, workers: int, progress: Callable[[int, int], None] | None = None
    ):
        self.renderer = renderer
        self.store = store
        self.workers = max(1, workers)
        self.progress = progress or (lambda done, total: None)
        self.stats = PdfStats()
        self.used: dict[str, set[str]] = {}  # edition code -> keys its documents use

    def _use(self, label: str, key: str) -> None:
        self.used.setdefault(label.split(":", 1)[0], set()).add(key)

    def record_and_prune(self, editions: set[str]) -> int:
        """Remember what each edition built now used; drop what no edition's last build used."""
        for code, keys in self.used.items():
            self.store.record(code, keys)
        return self.store.prune(editions)

    # ----- rendering ------------------------------------------------------------
    def render_all(self, docs: list[Doc]) -> dict[str, int]:
        """Render every distinct document that is not cached; return the page count by key.
        The PDFs themselves stay in the store until they are placed or joined."""
        results: dict[str, int] = {}
        missing: dict[str, Doc] = {}
        for doc in docs:
            key = doc.key
            self._use(doc.label, key)
            if key in results or key in missing:
                continue
            pages = self.store.pages(key)
            if pages is not None:
                results[key] = pages
                self.stats.reused += 1
            else:
                missing[key] = doc
        total = len(missing)
        if not total:
            return results
        done = 0
        self.progress(0, total)
        if self.workers == 1 or total == 1:
            for key, doc in missing.items():
                results[key] = self._store(key, doc, _render(doc.html, doc.forms))
                done += 1
                self.progress(done, total)
        else:
            todo = list(missing.items())
            pool = process_pool(min(self.workers, total), _init_worker, ([doc for _, doc in todo],))
            with pool:
                futures = {pool.submit(_render_at, i): (key, doc) for i, (key, doc) in enumerate(todo)}
                for future in as_completed(futures):
                    key, doc = futures[future]
                    results[key] = self._store(key, doc, future.result())
                    done += 1
                    self.progress(done, total)
        return results

    def _store(self, key: str, doc: Doc, result: tuple[bytes, int]) -> int:
        self.store.put(key, *result)
        self.stats.rendered.append(doc.label)
        return result[1]

    def joined(
        self, label: str, title: str, parts: list[JoinPart], pdfs: dict[str, int], blank: str | None = None
    ) -> str:
        """Join parts (key, bookmark, level, web address of the sheet it prints or ""); cached by
        the parts' keys and addresses; returns the key. Links to a part's address jump to it.
        With `blank` (double-sided editions), a part with an odd page count is followed by that
        blank page, so that every part starts on a front page."""
        if blank is not None:
            parts = [q for p in parts for q in ([p, (blank, "", p[2], "")] if pdfs[p[0]] % 2 else [p])]
        key = cache_key_of_join(title, parts)
        self._use(label, key)
        if self.store.has(key):
            return key
        data = join(
            [Part(bookmark, self.store.pdf(k), level, address) for k, bookmark, level, address in parts],
            title,
            key,
            creator=AUTHOR,
        )
        self.store.put(key, data, sum(pdfs[p[0]] for p in parts))
        self.stats.joined.append(label)
        return key

    # ----- the documents: one way to make each kind, for the edition and its deliveries --------
    def _sheet_doc(self, label: str, ed: AssembledEdition, sheet) -> Doc:
        r = self.renderer
        return Doc(
            f"{label}:{addresses.sheet_pdf(sheet.blatt)}",
            partial(r.sheet, ed, sheet),
            r.sheet_inputs(ed, sheet),
            fingerprint=r.fingerprint,
        )

    def _divider_doc(self, label: str, ed: AssembledEdition, reg) -> Doc:
        r = self.renderer
        return Doc(
            f"{label}:{addresses.divider_pdf(reg.register.number)}",
            partial(r.register_divider, ed, reg),
            r.divider_inputs(ed, reg),
            fingerprint=r.fingerprint,
        )

    def _blank_doc(self, ed: AssembledEdition) -> Doc:
        return Doc(f"{ed.code}:leerseite", partial(self.renderer.blank_page, ed), fingerprint=self.renderer.fingerprint)

    # ----- editions -------------------------------------------------------------
    def build(
        self,
        editions: list[AssembledEdition],
        site_dirs: dict[str, Path],
        latest: dict[str, tuple[str, str]] | None = None,
    ) -> dict[str, EditionPdfs]:
        """`latest`: per edition the last delivery (name, date) for the cover."""
        r = self.renderer
        fp = r.fingerprint
        plans: dict[str, dict] = {}
        docs: list[Doc] = []
        for ed in editions:
            code = ed.code
            plan: dict[str, dict] = {"sheets": {}, "dividers": {}, "checklists": {}}
            for reg in ed.registers:
                n = reg.register.number
                d = self._divider_doc(code, ed, reg)
                plan["dividers"][n] = d
                docs.append(d)
                for s in reg.sheets:
                    d = self._sheet_doc(code, ed, s)
                    plan["sheets"][s.blatt] = d
                    docs.append(d)
                if any(s.checklists for s in reg.sheets):
                    d = Doc(
                        f"{code}:{addresses.checklists_pdf(n)}",
                        partial(r.register_checklists, ed, reg),
                        r.checklists_inputs(ed, reg),
                        forms=True,
                        fingerprint=fp,
                    )
                    plan["checklists"][n] = d
                    docs.append(d)
            plans[code] = plan
        blanks = {ed.code: self._blank_doc(ed) for ed in editions}
        docs += [blanks[ed.code] for ed in editions if ed.definition.duplex]
        pdfs = self.render_all(docs)

        # Covers need the page counts of the sheets.
        covers = {}
        for ed in editions:
            pages = {b: pdfs[d.key] for b, d in plans[ed.code]["sheets"].items()}
            cover = partial(r.cover_and_contents, ed, pages, (latest or {}).get(ed.code))
            covers[ed.code] = Doc(f"{ed.code}:deckblatt", cover, fingerprint=fp)
        pdfs.update(self.render_all(list(covers.values())))

        out: dict[str, EditionPdfs] = {}
        for ed in editions:
            code, plan = ed.code, plans[ed.code]
            target = site_dirs[code] / "pdf"
            target.mkdir(parents=True, exist_ok=True)
            info = EditionPdfs()
            blank = blanks[code].key if ed.definition.duplex else None
            edition_parts: list[JoinPart] = [(covers[code].key, "Deckblatt und Inhalt", 0, "")]
            info.derived_pages["deckblatt"] = pdfs[covers[code].key]
            for reg in ed.registers:
                n = reg.register.number
                divider = plan["dividers"][n]
                self.store.place(divider.key, target / addresses.divider_pdf(n))
                info.derived_pages[f"register:{n}"] = pdfs[divider.key]
                reg_title = f"Register {n}: {reg.register.titel}"
                parts: list[JoinPart] = [(divider.key, f"Registerblatt {n}", 0, "")]
                edition_parts.append((divider.key, reg_title, 0, ""))
                for s in reg.sheets:
                    doc = plan["sheets"][s.blatt]
                    name = addresses.sheet_pdf(s.blatt)
                    self.store.place(doc.key, target / name)
                    info.sheets[s.blatt] = (name, pdfs[doc.key])
                    address = r.sheet_address(ed, s.blatt)
                    parts.append((doc.key, f"Blatt {s.blatt} – {s.titel}", 0, address))
                    edition_parts.append((doc.key, f"Blatt {s.blatt} – {s.titel}", 1, address))
                reg_name = addresses.register_pdf(n)
                self.store.place(
                    self.joined(f"{code}:{reg_name}", f"{ed.definition.titel} – {reg_title}", parts, pdfs, blank),
                    target / reg_name,
                )
                info.registers[n] = reg_name
                if n in plan["checklists"]:
                    name = addresses.checklists_pdf(n)
                    self.store.place(plan["checklists"][n].key, target / name)
                    info.checklists[n] = name
            ed_name = addresses.edition_pdf(code)
            self.store.place(
                self.joined(
                    f"{code}:{ed_name}", f"Kommune beugt vor! – {ed.definition.titel}", edition_parts, pdfs, blank
                ),
                target / ed_name,
            )
            info.edition = ed_name
            out[code] = info
        return out

    def build_supplements(
        self, editions: list[AssembledEdition], histories: dict, site_dirs: dict[str, Path]
    ) -> dict[str, list[str]]:
        """A PDF per delivery and edition: cover with filing instructions, then the new and changed
        sheets as delivered, with revision marks. Editions without changes get no PDF."""
        from ..core.derived import COVER, page_sort_key
        from ..core.history import filing_rows
        from ..core.model import sheet_sort_key

        r = self.renderer
        fp = r.fingerprint
        plans = []
        docs: list[Doc] = []
        for ed in editions:
            current_registers = {reg.register.number: reg for reg in ed.registers}
            for d in histories[ed.code].deliveries:
                if d.previous is None or not d:
                    continue
                before = {old.blatt: old for old, _ in d.changes.changed}
                label = f"{ed.code}:lieferung-{d.name}"
                pieces: list[tuple[tuple[int, int], Doc, str, str]] = []
                for rec in d.changes.inserted():
                    sheet = names.sheet_from_record(rec, before.get(rec.blatt))
                    doc = self._sheet_doc(label, ed, sheet)
                    pieces.append(
                        (
                            sheet_sort_key(rec.blatt),
                            doc,
                            f"Blatt {rec.blatt} – {rec.titel}",
                            r.sheet_address(ed, rec.blatt),
                        )
                    )
                # Register sheets and «Deckblatt und Inhalt» as this delivery has them.
                for version in d.derived.inserted():
                    if version.key == COVER:
                        contents = [(n, st.titel, list(st.sheets)) for n, st in sorted(d.derived.registers.items())]
                        make = partial(
                            r.cover_and_contents,
                            ed,
                            d.derived.pages,
                            (d.name, d.datum),
                            contents,
                            (version.fassung, version.stand),
                        )
                        doc = Doc(f"{label}:deckblatt", make, fingerprint=fp)
                        pieces.append((page_sort_key(version.key), doc, "Deckblatt und Inhalt", ""))
                        continue
                    n = int(version.key.partition(":")[2])
                    state = d.derived.registers[n]
                    current = current_registers.get(n)
                    reg = names.register_as_delivered(state, version, current.markdown if current else "")
                    doc = self._divider_doc(label, ed, reg)
                    pieces.append((page_sort_key(version.key), doc, f"Registerblatt {n} – {state.titel}", ""))
                sheet_docs = [(doc, title, address) for _, doc, title, address in sorted(pieces, key=lambda p: p[0])]
                reasons = [(new.blatt, new.titel, new.grund or "") for _, new in d.changes.changed]
                rows = filing_rows(d.changes, derived=d.derived, duplex=ed.definition.duplex)
                cover = Doc(
                    f"{label}:ablageanweisung",
                    partial(names.supplement_cover, r, ed, d.name, d.datum, rows, reasons),
                    fingerprint=fp,
                )
                docs += [cover] + [doc for doc, _, _ in sheet_docs]
                plans.append((ed, d, cover, sheet_docs))
        blanks = {ed.code: self._blank_doc(ed) for ed in editions if ed.definition.duplex}
        pdfs = self.render_all(docs + list(blanks.values()))
        written: dict[str, list[str]] = {}
        for ed, d, cover, sheet_docs in plans:
            parts: list[JoinPart] = [(cover.key, "Ablageanweisung", 0, "")]
            parts += [(doc.key, title, 0, address) for doc, title, address in sheet_docs]
            name = f"{d.name}.pdf"
            key = self.joined(
                f"{ed.code}:lieferungen/{name}",
                f"Kommune beugt vor! – {ed.definition.titel} – Ergänzungslieferung {d.name}",
                parts,
                pdfs,
                blanks[ed.code].key if ed.code in blanks else None,
            )
            target = site_dirs[ed.code] / "lieferungen"
            target.mkdir(parents=True, exist_ok=True)
            self.store.place(key, target / name)
            written.setdefault(ed.code, []).append(name)
        return written

    def write_stats(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "gerendert": sorted(self.stats.rendered),
                    "aus_cache": self.stats.reused,
                    "zusammengefuegt": sorted(self.stats.joined),
                },
                indent=1,
                ensure_ascii=False,
            )
        )


def cache_key_of_join(title: str, parts: list[JoinPart]) -> str:
    return caching.cache_key("pdf-zusammengefuegt", title, [list(p) for p in parts])


def renderer_from(markdown_extensions: list, mdx_configs: dict, site_url: str = "") -> PrintRenderer:
    """`site_url`: the site's address (mkdocs.yml site_url), for the links of the PDFs."""
    return PrintRenderer(markdown_extensions, mdx_configs, site_url)


def worker_count(parallel: int) -> int:
    return cpu_count() if parallel <= 0 else parallel
