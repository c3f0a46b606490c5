"""Assemble an edition: base sheets + the state's overlay, then passages, variables, references.

Overlay rules (edition before base, in this order):
1. `ohne: [...]` in ausgabe.yml drops base sheets;
2. a state sheet with a new id is added;
3. a state sheet with a base id replaces it only with `ersetzt: true`;
4. a state sheet with `ergaenzt: "2.3"` is appended to sheet 2.3 as a box «Hinweise für <Land>».
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..addresses import register_page, sheet_page
from .check_memo import UsedEntries, last_check
from .checklists import Checklist
from .german import contracted_forms
from .glossary import abbreviations_markdown, glossary_markdown
from .laender import BASE
from .model import Binder, EditionDef, Register, Sheet, sheet_sort_key
from .problems import Problems
from .references import Target
from .templating import TrustedMarkdown
from .text_stages import StageOutput, TextInputs, memo_key, run_stages

if TYPE_CHECKING:
    from .derived import PageVersion


@dataclass
class AssembledSheet:
    blatt: str
    titel: str
    fassung: int
    stand: str
    register: Register
    doc_path: str
    markdown: str
    sources: list[Path]
    origin: str  # "bund", a state code, or "bund+<code>" for an extended base sheet
    aenderung: str | None = None
    grund: str | None = None
    schlagworte: list[str] = field(default_factory=list)
    extension_fassung: int | None = None
    base: Sheet | None = None
    extension: Sheet | None = None
    # Item texts keep Blattverweise unresolved: each page that shows them resolves them itself.
    checklists: list[Checklist] = field(default_factory=list)
    # The markdown with revision marks against the previous Fassung, if there are any.
    marked_markdown: str | None = None

    def images(self) -> list[tuple[str, Path]]:
        """(address relative to the page's Markdown file, source file) of every image shown."""
        from .markup import images

        found = []
        for source in (self.base, self.extension):
            if source is not None:
                for _, src in images(source.body):
                    clean = src.split("#", 1)[0].split("?", 1)[0]
                    found.append((clean, Path(source.path).parent / clean))
        return found

    @property
    def identity(self) -> str:
        """Which sheet this is across editions. A base sheet, its replacement by a state and its
        extended form are one sheet: "2.3". A state's own sheet is no other edition's sheet, even
        one with the same number: "sn:8.51"."""
        own = self.base is not None and self.base.edition is not None and not self.base.ersetzt
        return f"{self.base.edition}:{self.blatt}" if own and self.base is not None else self.blatt

    @property
    def display_markdown(self) -> str:
        return self.marked_markdown if self.marked_markdown is not None else self.markdown

    @property
    def fassung_label(self) -> str:
        return f"{self.fassung}/{self.extension_fassung}" if self.extension_fassung else str(self.fassung)

    @property
    def source(self) -> str:
        """The assembled sheet source: what the reader gets, as one canonical text."""
        return sheet_source(self.blatt, self.titel, self.fassung_label, self.stand, self.markdown)

    @property
    def sha256(self) -> str:
        return source_digest(self.blatt, self.titel, self.fassung_label, self.stand, self.markdown)


@dataclass
class AssembledRegister:
    register: Register
    doc_path: str
    markdown: str
    sheets: list[AssembledSheet]
    # Fassung and Stand of the printed register sheet, derived from the deliveries (core/derived.py).
    version: PageVersion | None = None

    @property
    def fassung(self) -> int:
        return self.version.fassung if self.version else self.register.fassung

    @property
    def stand(self) -> str:
        return self.version.stand if self.version else self.register.stand


@dataclass
class GeneralSheet:
    """A base sheet as the general edition has it (for a state's replacement: what it replaces)."""

    blatt: str
    titel: str
    fassung: int
    stand: str
    markdown: str


@dataclass
class Overlay:
    """What makes a state edition differ from the general one, beyond its sheets' origins."""

    omitted: list[GeneralSheet] = field(default_factory=list)  # «ohne» (markdown left empty)
    replaced: dict[str, GeneralSheet] = field(default_factory=dict)  # blatt -> the general sheet
    general_context: dict[str, Any] = field(default_factory=dict)  # the general edition's variables


@dataclass
class AssembledEdition:
    definition: EditionDef
    registers: list[AssembledRegister]
    context: dict[str, Any]
    abbreviations: str = ""  # Markdown abbr definitions from the glossary
    overlay: Overlay = field(default_factory=Overlay)
    cover_version: PageVersion | None = None  # of «Deckblatt und Inhalt» (core/derived.py)

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def sheets(self) -> list[AssembledSheet]:
        return [s for r in self.registers for s in r.sheets]

    def sheet(self, blatt: str) -> AssembledSheet | None:
        return next((s for s in self.sheets if s.blatt == blatt), None)

    def __getstate__(self) -> dict:
        # The fields only: a pickle (an edition's cache key, edition_outputs.py) must not depend
        # on whether targets() was asked for before.
        return {k: v for k, v in self.__dict__.items() if k != "_targets"}

    def targets(self) -> dict[str, Target]:
        # Asked for by every checklist and reference on generated pages: computed once.
        cached = self.__dict__.get("_targets")
        if cached is None:
            cached = self.__dict__["_targets"] = {s.blatt: Target(s.titel, s.doc_path) for s in self.sheets}
        return cached


def template_context(edef: EditionDef, binder: Binder | None = None) -> dict[str, Any]:
    """What sheets may use: {{ land.name }}, {{ land.gremium.name }}, {{ var.x }}, {{ ausgabe.code }}."""
    land = {
        "code": edef.code,
        "name": edef.name,
        "titel": edef.titel,
        "gremium": {**vars(edef.gremium), **contracted_forms(edef.gremium.dativ)},
        "kontakte": [vars(c).copy() for c in edef.kontakte],
    }
    return {
        "land": land,
        "ausgabe": {"code": edef.code, "titel": edef.titel},
        "var": dict(edef.variablen),
        "glossar": TrustedMarkdown(glossary_markdown(binder.glossary) if binder else ""),
    }


def sheet_source(blatt: str, titel: str, fassung_label: str, stand: str, markdown: str) -> str:
    """One canonical text per assembled sheet; its hash tells whether a reader sees a change."""
    return f"blatt: {blatt}\ntitel: {titel}\nfassung: {fassung_label}\nstand: {stand}\n---\n{markdown}"


@last_check(lasting=False)  # keyed by the texts themselves: not worth a copy of each on disk
def source_digest(blatt: str, titel: str, fassung_label: str, stand: str, markdown: str) -> str:
    """sheet_source's hash, once per text and check: a sheet reads the same in most editions,
    and a check under `mkdocs serve` meets the same texts again (10 % of a check's samples)."""
    return hashlib.sha256(sheet_source(blatt, titel, fassung_label, stand, markdown).encode("utf-8")).hexdigest()


class TextMemo:
    """process_text's results within one check, shared by the editions: a base sheet without
    passages or variables, whose links lead to the same titles, reads the same in all of them.
    The key comes from what each stage declares it reads (text_stages.memo_key).

    Under `mkdocs serve` one memo lives for the whole session (on the plugin instance): a
    rebuild after an edit then processes only the texts whose key changed. `keep_used` after
    each check drops what that check did not ask for, so the memo never outgrows the binder.
    `marks` holds the revision marks (revisions.mark) by old and new text, the same way."""

    def __init__(self) -> None:
        self.texts: UsedEntries[tuple, StageOutput] = UsedEntries()
        self.marks: UsedEntries[tuple[str, str], tuple[str, int]] = UsedEntries()

    def get(self, key: tuple, make: Callable[[], StageOutput]) -> StageOutput:
        return self.texts.get(key, make)

    def mark(self, old: str, new: str, make: Callable[[], tuple[str, int]]) -> tuple[str, int]:
        return self.marks.get((old, new), make)

    def keep_used(self) -> None:
        self.texts.forget_unused()
        self.marks.forget_unused()

    @property
    def empty(self) -> bool:
        return not (self.texts or self.marks)

    @property
    def changed(self) -> bool:
        """Something made or dropped since it was last kept (check_store.py)."""
        return self.texts.changed or self.marks.changed

    def kept(self) -> None:
        self.texts.changed = self.marks.changed = False

    def state(self) -> tuple[dict, dict]:
        """What it holds, to be kept for the next build (check_store.py)."""
        return self.texts.entries, self.marks.entries

    def add(self, state: tuple[dict, dict]) -> None:
        texts, marks = state
        self.texts.add(texts)
        self.marks.add(marks)


def process_text(
    text: str,
    path: Path,
    body_line: int,
    edition: str,
    context: dict[str, Any],
    targets: dict[str, Target],
    doc_path: str,
    problems: Problems,
    blatt: str,
    memo: TextMemo | None = None,
    context_id: str = "",
) -> tuple[str, list[Checklist]]:
    """A sheet's text for one edition; problems carry the file's line numbers."""
    inputs = TextInputs(edition, context, targets, doc_path, blatt, context_id)
    if memo is None:
        done = run_stages(text, inputs)
    else:
        done = memo.get(memo_key(text, inputs), lambda: run_stages(text, inputs))
    problems.add_findings(path, body_line, done.findings, edition)
    return done.text, list(done.checklists)


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.strip("\n").split("\n"))


def overlay(binder: Binder, edef: EditionDef, problems: Problems) -> tuple[dict[str, Sheet], dict[str, Sheet]]:
    """Apply the overlay rules; return (effective sheets by id, extensions by id)."""
    code = edef.code
    effective: dict[str, Sheet] = {}
    for sheet in binder.base_sheets:
        effective.setdefault(sheet.blatt, sheet)  # duplicates are reported by validate
    for blatt in edef.ohne:
        if blatt not in effective:
            problems.add(
                edef.path, edef.line_of("ohne"), f"„ohne“ nennt Blatt {blatt}, das es im Grundbestand nicht gibt.", code
            )
        else:
            del effective[blatt]
    extensions: dict[str, Sheet] = {}
    own = binder.state_sheets.get(code, []) if code != BASE else []
    own_ids: dict[str, Sheet] = {}
    for sheet in own:
        if sheet.ergaenzt:
            if sheet.blatt in extensions:
                problems.add(
                    sheet.path,
                    sheet.line_of("ergaenzt"),
                    f"Blatt {sheet.blatt} wird in dieser Ausgabe schon von {extensions[sheet.blatt].path.name} ergänzt.",
                    code,
                )
            elif sheet.blatt not in effective and sheet.blatt in binder.unreadable:
                continue  # the base sheet's file is broken: its own error says so
            elif sheet.blatt not in effective:
                why = " (es steht in „ohne“)" if sheet.blatt in edef.ohne else ""
                problems.add(
                    sheet.path,
                    sheet.line_of("ergaenzt"),
                    f"„ergaenzt“ nennt Blatt {sheet.blatt}, das es in dieser Ausgabe nicht gibt{why}.",
                    code,
                )
            else:
                extensions[sheet.blatt] = sheet
            continue
        if sheet.blatt in own_ids:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blattnummer {sheet.blatt} ist in dieser Ausgabe doppelt vergeben (auch in {own_ids[sheet.blatt].path.name}).",
                code,
            )
            continue
        own_ids[sheet.blatt] = sheet
        base_has = any(b.blatt == sheet.blatt for b in binder.base_sheets)
        if base_has and not sheet.ersetzt:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blatt {sheet.blatt} gibt es schon im Grundbestand. Soll dieses Blatt es ersetzen, "
                f'schreiben Sie „ersetzt: true“; soll es das Grundblatt ergänzen, „ergaenzt: "{sheet.blatt}"“ '
                f"statt „blatt“; sonst wählen Sie eine freie Nummer.",
                code,
            )
            continue
        if sheet.ersetzt and not base_has:
            problems.add(
                sheet.path,
                sheet.line_of("ersetzt"),
                f"„ersetzt: true“, aber Blatt {sheet.blatt} gibt es im Grundbestand nicht.",
                code,
            )
            continue
        if sheet.ersetzt and sheet.blatt in edef.ohne:
            problems.add(
                sheet.path,
                sheet.line_of("ersetzt"),
                f"Blatt {sheet.blatt} steht in „ohne“ und wird zugleich ersetzt: bitte nur eines von beiden.",
                code,
            )
            continue
        effective[sheet.blatt] = sheet
    return effective, extensions


def assemble_edition(binder: Binder, code: str, problems: Problems, memo: TextMemo | None = None) -> AssembledEdition:
    edef = binder.editions[code]
    context = template_context(edef, binder)
    # Two editions render variables alike only if their values are alike.
    context_id = json.dumps(context, sort_keys=True, default=str)
    effective, extensions = overlay(binder, edef, problems)

    for blatt, sheet in list(effective.items()):
        if sheet.register_number not in binder.registers:
            problems.add(
                sheet.path,
                sheet.line_of("blatt"),
                f"Blatt {blatt} gehört zu Register {sheet.register_number}, das es nicht gibt.",
                code,
            )
            del effective[blatt]

    ordered = sorted(effective.values(), key=lambda s: sheet_sort_key(s.blatt))
    targets = {s.blatt: Target(s.titel, sheet_page(binder.registers[s.register_number].slug, s.blatt)) for s in ordered}
    # A sheet whose file is broken has its own error; references to it are not errors too.
    for blatt in binder.unreadable - set(targets):
        reg_no = int(blatt.split(".")[0])
        if reg_no in binder.registers:
            targets[blatt] = Target(f"Blatt {blatt}", sheet_page(binder.registers[reg_no].slug, blatt))

    by_register: dict[int, list[AssembledSheet]] = {n: [] for n in binder.registers}
    for sheet in ordered:
        reg = binder.registers[sheet.register_number]
        doc_path = targets[sheet.blatt].doc_path
        markdown, checklists = process_text(
            sheet.body,
            sheet.path,
            sheet.body_line,
            code,
            context,
            targets,
            doc_path,
            problems,
            sheet.blatt,
            memo,
            context_id,
        )
        ext = extensions.get(sheet.blatt)
        stand, sources, origin = sheet.stand, [sheet.path], sheet.edition or BASE
        schlagworte = list(sheet.schlagworte)
        if ext is not None:
            # The state's checklists get their own id space, apart from the base sheet's.
            ext_md, ext_checklists = process_text(
                ext.body,
                ext.path,
                ext.body_line,
                code,
                context,
                targets,
                doc_path,
                problems,
                f"{sheet.blatt}/{code}",
                memo,
                context_id,
            )
            markdown = (
                markdown.rstrip("\n")
                + f'\n\n!!! land "Hinweise für {edef.name}: {ext.titel}"\n\n'
                + _indent(ext_md)
                + "\n"
            )
            stand = max(stand, ext.stand)
            sources.append(ext.path)
            origin = f"{origin}+{code}"
            checklists = checklists + ext_checklists
            schlagworte += [w for w in ext.schlagworte if w not in schlagworte]
        by_register[reg.number].append(
            AssembledSheet(
                blatt=sheet.blatt,
                titel=sheet.titel,
                fassung=sheet.fassung,
                stand=stand,
                register=reg,
                doc_path=doc_path,
                markdown=markdown,
                sources=sources,
                origin=origin,
                aenderung=(ext.aenderung if ext and ext.stand >= sheet.stand and ext.aenderung else sheet.aenderung),
                grund=(ext.grund if ext and ext.stand >= sheet.stand and ext.grund else sheet.grund),
                schlagworte=schlagworte,
                extension_fassung=ext.fassung if ext else None,
                base=sheet,
                extension=ext,
                checklists=checklists,
            )
        )

    registers = []
    overlay_info = _overlay_info(binder, edef, effective, targets, memo)
    for number in sorted(binder.registers):
        reg = binder.registers[number]
        doc_path = register_page(reg.slug)
        md, _ = process_text(
            reg.body,
            reg.path,
            reg.body_line,
            code,
            context,
            targets,
            doc_path,
            problems,
            f"register-{number}",
            memo,
            context_id,
        )
        registers.append(AssembledRegister(reg, doc_path, md, by_register[number]))
    return AssembledEdition(edef, registers, context, abbreviations_markdown(binder.glossary), overlay_info)


def _overlay_info(
    binder: Binder, edef: EditionDef, effective: dict[str, Sheet], targets: dict[str, Target], memo: TextMemo | None
) -> Overlay:
    """The general edition's side of a state's overlay: omitted sheets, the text of replaced
    sheets as the general edition reads it, and its variables."""
    info = Overlay()
    general = binder.editions.get(BASE)
    if edef.code == BASE or general is None:
        return info
    context = template_context(general, binder)
    info.general_context = context
    base = {s.blatt: s for s in binder.base_sheets}
    for blatt in edef.ohne:
        if blatt in base:
            o = base[blatt]
            info.omitted.append(GeneralSheet(blatt, o.titel, o.fassung, o.stand, ""))
    for blatt, sheet in effective.items():
        found = base.get(blatt)
        if found is None or not sheet.ersetzt or sheet.edition != edef.code:
            continue
        b = found
        doc_path = targets[blatt].doc_path if blatt in targets else ""
        # Its problems belong to the general edition's check, which reports them.
        markdown, _ = process_text(
            b.body,
            b.path,
            b.body_line,
            BASE,
            context,
            targets,
            doc_path,
            Problems(binder.root),
            blatt,
            memo,
            json.dumps(context, sort_keys=True, default=str),
        )
        info.replaced[blatt] = GeneralSheet(blatt, b.titel, b.fassung, b.stand, markdown)
    return info
