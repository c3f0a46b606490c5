"""Templates on the web: the block as text with a copy button, and its .docx and .odt files."""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

from ...caching import CacheFolder
from ...core.assemble import AssembledEdition, AssembledSheet
from ...core.german import stand_long
from ...core.revisions import CHANGED_LINES
from ...core.vorlagen import PLACEHOLDER_WRAPPED, Vorlage, find, rewrite
from ..office import TemplateMeta, template_file
from ..trusted import esc, trusted_html

FOLDER = "vorlagen"
KINDS = (("docx", "Word-Datei"), ("odt", "LibreOffice-Datei"))


def file_path(v: Vorlage, kind: str) -> str:
    """Where the file lies, relative to the edition root."""
    return f"{FOLDER}/{v.slug}.{kind}"


def _page_url(doc_path: str, target: str, use_directory_urls: bool) -> str:
    page_dir = posixpath.dirname(doc_path)
    if use_directory_urls and posixpath.basename(doc_path) != "index.md":
        page_dir = posixpath.join(page_dir, posixpath.splitext(posixpath.basename(doc_path))[0])
    return posixpath.relpath(target, page_dir or ".")


def downloads(doc_path: str, v: Vorlage, use_directory_urls: bool = True) -> str:
    """The download links under a template, named with its title for screen readers."""
    links = []
    for kind, label in KINDS:
        href = _page_url(doc_path, file_path(v, kind), use_directory_urls)
        links.append(
            f'<a class="md-button lb-vorlage-datei" href="{html.escape(href)}" download>'
            f'<span class="lb-sr">Vorlage „{html.escape(v.titel)}“ als </span>{label} (.{kind})</a>'
        )
    # Our own copy button (assets/besuch.js): Material's content.code.copy wraps each button in
    # a nav landmark, and several unnamed landmarks on a page are not accessible.
    copy = (
        '<button type="button" class="md-button lb-kopieren" data-lb-aktion="vorlage-kopieren">'
        f'Text kopieren<span class="lb-sr"> (Vorlage „{html.escape(v.titel)}“)</span></button>'
    )
    return trusted_html(
        '<p class="lb-downloads lb-vorlage-downloads">' + copy + " Zum Bearbeiten: " + " ".join(links) + "</p>"
    )


def text_block(v: Vorlage, changed: set[int] | None = None) -> str:
    """The template's text as a code block with every placeholder still to fill in highlighted
    (as in the .docx and .odt files). The highlight only repeats what the square brackets say in
    text (WCAG 1.4.1: colour is not the only cue), so the block holds no hidden words and «Text
    kopieren» copies exactly the template's text. Values in it are escaped like all text."""
    parts, pos = [], 0
    for m in PLACEHOLDER_WRAPPED.finditer(v.text):
        parts.append(esc(v.text[pos : m.start()]))
        # A wrapped placeholder is highlighted on each line, without the next line's indent.
        first, _, rest = m.group(0).partition("\n")
        parts.append(f'<mark class="lb-platzhalter">{esc(first)}</mark>')
        if rest:
            indent = rest[: len(rest) - len(rest.lstrip(" "))]
            parts.append(f'\n{indent}<mark class="lb-platzhalter">{esc(rest.lstrip(" "))}</mark>')
        pos = m.end()
    parts.append(esc(v.text[pos:]))
    text = "".join(parts).rstrip("\n")
    if changed:
        # Revision marks (core/revisions.py): exactly the changed lines, as superfences marks them
        # in print; each line's marks are closed within the line.
        text = "\n".join(
            f'<span class="hll">{line}\n</span>' if n in changed else line for n, line in enumerate(text.split("\n"), 1)
        ).replace("\n</span>\n", "\n</span>")
    end = "" if text.endswith("</span>") else "\n"
    return trusted_html(f'<div class="highlight lb-vorlage-text"><pre><code>{text}{end}</code></pre></div>')


def web_markdown(sheet: AssembledSheet, markdown: str, use_directory_urls: bool = True) -> str:
    """The sheet's Markdown with every template as title, text block and download links."""
    # Changed lines of a template (core/revisions.py: a note right before its fence), by the
    # 1-based line of the fence; the note itself stays and becomes the screen reader's text.
    changed: dict[int, set[int]] = {}
    if CHANGED_LINES in markdown:  # in few sheets; the planning asks for every one
        changed = {
            i + 2: {int(n) for n in line.strip()[len(CHANGED_LINES) :].split() if n.isdigit()}
            for i, line in enumerate(markdown.split("\n")[:-1])
            if line.strip().startswith(CHANGED_LINES + " ")
        }
    return rewrite(
        markdown,
        lambda v: downloads(sheet.doc_path, v, use_directory_urls),
        sheet.blatt,
        lambda v: text_block(v, changed.get(v.line)),
    )


def meta_for(edition: AssembledEdition, sheet: AssembledSheet, v: Vorlage) -> TemplateMeta:
    return TemplateMeta(
        titel=v.titel,
        blatt=sheet.blatt,
        blatt_titel=sheet.titel,
        fassung=sheet.fassung_label,
        stand=sheet.stand,
        ausgabe=edition.definition.titel,
        stand_text=stand_long(sheet.stand),
    )


def edition_templates(edition: AssembledEdition) -> list[tuple[AssembledSheet, Vorlage]]:
    return [(s, v) for s in edition.sheets for v in find(s.markdown, s.blatt)]


def template_files(edition: AssembledEdition, cache: Path | None = None, backwards: bool = False) -> dict[str, bytes]:
    """Every template of the edition as .docx and .odt, by path relative to the edition root;
    `cache`: the folder of the cache (caching.py), which keeps what this edition used.
    `backwards` changes only the order of work (two editions built side by side meet in the
    middle, each taking the other's half from the cache), not the result."""
    folder = CacheFolder(cache) if cache is not None else None
    work = [(file_path(v, kind), kind, v, sheet) for sheet, v in edition_templates(edition) for kind, _ in KINDS]
    made = {
        path: template_file(kind, v.text, meta_for(edition, sheet, v), folder)
        for path, kind, v, sheet in (reversed(work) if backwards else work)
    }
    if folder is not None:
        folder.record(edition.code)
    return {path: made[path] for path, *_ in work}
