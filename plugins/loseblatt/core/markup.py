"""What a sheet's Markdown may turn into: an allow-list, applied by the Markdown parser itself.

Safety comes from how text is processed, not from spotting bad strings: raw HTML is never
passed through (it stays visible text), attribute lists keep only allowed attributes, and
links and images keep only allowed addresses. The same processors run when the site and the
PDFs are rendered (render/safe_markdown.py) and when `check` looks for mistakes (`findings`),
so what check reports is exactly what rendering would have dropped.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .check_memo import last_check

# Attributes an editor may set with {: … }: classes (.name), id (#name) and these.
ALLOWED_ATTRIBUTES = frozenset({"id", "title", "lang", "data-blatt"})
LINK_SCHEMES = ("https", "http", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)


@dataclass(frozen=True)
class Finding:
    snippet: str  # the text as the editor wrote it, to find its line
    message: str


class Findings(list):
    """What the processors refused while converting one text."""


def _clean_url(raw: str) -> str:
    # Browsers decode entities and ignore control characters and spaces in schemes ("java\tscript:").
    return re.sub(r"[\x00-\x20]+", "", html.unescape(raw))


def url_problem(url: str, *, media: bool, doc_dir: str | None) -> str | None:
    """Why `url` may not be used in a link (media=False) or an image (media=True), or None.

    `doc_dir` is the file's folder relative to binder/ (None: do not check relative paths).
    """
    clean = _clean_url(url)
    scheme = _SCHEME.match(clean)
    if media and (scheme or clean.startswith("//")):
        return (
            "Bilder und Medien von anderen Websites sind nicht erlaubt: "
            "Bitte die Datei im Repository unter binder/ ablegen."
        )
    if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
        return (
            f"Adressen der Form „{scheme.group(1).lower()}:“ sind in Blättern nicht erlaubt (nur https, http, mailto)."
        )
    if clean.startswith("//"):
        return None  # protocol-relative link to another website: an ordinary external link
    if not scheme and doc_dir is not None and _leaves(clean, doc_dir):
        return f"Der Pfad „{url}“ führt aus dem Ordner binder/ hinaus."
    return None


def _leaves(url: str, doc_dir: str) -> bool:
    if url.startswith("/"):
        return True
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return False
    joined = posixpath.normpath(posixpath.join(doc_dir or ".", path))
    return joined == ".." or joined.startswith("../")


class RawHtmlAsText(InlineProcessor):
    """Raw HTML (tags, comments) stays visible text: it is escaped when the page is written."""

    def __init__(self, md: Markdown, findings: Findings):
        super().__init__(HTML_RE, md)
        self.findings = findings

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        raw = m.group(0)
        tag = re.match(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)", raw)
        what = f"<{tag.group(1).lower()}>" if tag else "HTML-Kommentare und -Anweisungen"
        self.findings.append(
            Finding(
                raw,
                f"HTML ({what}) ist in Blättern nicht erlaubt und erscheint als Text: Bitte Markdown schreiben "
                "(Hervorhebung **so**, Links [Text](https://…), Hinweiskästen !!! note, Tabellen mit |).",
            )
        )
        return raw, m.start(0), m.end(0)


class AllowedAttributes(AttrListTreeprocessor):
    """Attribute lists ({: … }) set only classes, id and the attributes of ALLOWED_ATTRIBUTES."""

    def __init__(self, md: Markdown, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def assign_attrs(self, elem: Element, attrs_string: str, *, strict: bool = False) -> str:
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        for key, value in attrs:
            if key == ".":
                elem.set("class", f"{elem.get('class')} {value}" if elem.get("class") else value)
            elif key in ALLOWED_ATTRIBUTES and value is not None:
                elem.set(key, value)
            else:
                self.findings.append(
                    Finding(
                        key,
                        f"Das Attribut „{key}“ ist in {{: … }} nicht erlaubt "
                        f"(erlaubt: .klasse, #id, {', '.join(sorted(ALLOWED_ATTRIBUTES - {'id'}))}).",
                    )
                )
        return remainder


class AllowedAddresses(Treeprocessor):
    """Links keep https, http, mailto and relative addresses; images only files of the binder."""

    def __init__(self, md: Markdown, findings: Findings, doc_dir: str | None = None):
        super().__init__(md)
        self.findings = findings
        self.doc_dir = doc_dir
        self.images: list[str] = []  # allowed image addresses (files of the binder), in order

    def run(self, root: Element) -> None:
        for elem in root.iter():
            for attr, media in (("href", False), ("src", True)):
                url = elem.get(attr)
                if url is None:
                    continue
                why = url_problem(url, media=media or elem.tag != "a", doc_dir=self.doc_dir)
                if why is not None:
                    self.findings.append(Finding(url, why))
                    del elem.attrib[attr]
                elif elem.tag == "img" and attr == "src":
                    self.images.append(url)


class MarkupRules(Extension):
    """Registers the three allow-lists; `findings` lists what they refused in the last text."""

    def __init__(self, **kwargs):
        self.findings = Findings()
        self.doc_dir: str | None = None
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.deregister("html_block", strict=False)
        md.inlinePatterns.register(RawHtmlAsText(md, self.findings), "html", 90)
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(AllowedAttributes(md, self.findings), "attr_list", 8)
        self.addresses = AllowedAddresses(md, self.findings)
        md.treeprocessors.register(self.addresses, "loseblatt_addresses", 1)

    def reset(self) -> None:
        self.findings.clear()
        if hasattr(self, "addresses"):
            self.addresses.images.clear()


# The extensions that shape how a sheet is parsed (mkdocs.yml); the rules come last.
_PARSING = ["tables", "admonition", "attr_list", "def_list", "pymdownx.superfences", "pymdownx.details"]


# Every refusal needs one of these in the text: "<" (raw HTML), "{" (attribute list), "](",
# "][" or "]:" (links, images, reference definitions). Texts without them skip the parse.
_CAN_PRODUCE = ("<", "{", "](", "][", "]:")


@lru_cache(maxsize=1)
def _detector() -> tuple[Markdown, MarkupRules]:
    rules = MarkupRules()
    return Markdown(extensions=[*_PARSING, rules]), rules


def findings(text: str, doc_dir: str | None = None) -> tuple[tuple[int, str], ...]:
    """(line, message) for everything in `text` that rendering would refuse."""
    return _parse(text, doc_dir)[0]


def images(text: str) -> tuple[tuple[int, str], ...]:
    """(line, address) of every image the text shows from the binder (relative addresses)."""
    if "![" not in text:
        # Every image in Markdown begins so (inline and by reference); raw HTML is refused as
        # text, and no parsing extension makes images. Parsing every text again here cost each
        # edition build 0.19 s of the real binder (its worker has no memo of the check), and
        # the check itself one more parse per text (`findings` parses with the page's folder).
        return ()
    return _parse(text, None)[1]


@last_check
def _parse(text: str, doc_dir: str | None) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
    if not any(mark in text for mark in _CAN_PRODUCE):
        return (), ()  # no raw HTML, attribute list, link or image: nothing the rules could refuse
    md, rules = _detector()
    md.reset()
    rules.addresses.doc_dir = doc_dir
    md.convert(text)
    shown = tuple((_line_of(text, src), src) for src in rules.addresses.images)
    out = []
    pos = 0
    for f in rules.findings:
        at = text.find(f.snippet, pos)
        if at < 0:
            at = text.find(f.snippet)
        if at >= 0:
            pos = at
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        out.append((line, f.message))
    return tuple(out), shown


def _line_of(text: str, snippet: str) -> int:
    at = text.find(snippet)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
