"""Safe content: a sheet must not be able to run script, overlay the page or load from elsewhere.

Checked outside code (code is shown as text): dangerous HTML elements, event-handler
attributes, `javascript:` and other script URLs, inline styles, images and media from other
hosts, and paths that leave the binder.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

from .textblocks import mask_code

DANGEROUS_TAGS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "svg",
    "math",
    "template",
    "portal",
)
TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>", re.S)
EVENT_ATTR = re.compile(r"(?:^|[\s/\"'])on[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"(?:^|[\s/\"'])style\s*=", re.I)
URL_ATTR = re.compile(
    r"(?:href|src|srcset|action|formaction|poster|data|xlink:href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I
)
MD_LINK = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MD_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
SCRIPT_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file)\s*:", re.I)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
MEDIA_TAGS = ("img", "video", "audio", "source", "track", "picture", "input")


@dataclass
class SafetyProblem:
    line: int
    message: str


def _clean_url(raw: str) -> str:
    url = html.unescape(raw.strip().strip("\"'"))
    # Browsers ignore control characters and spaces inside schemes ("java\tscript:").
    return re.sub(r"[\x00-\x20]+", "", url)


def _leaves(url: str, doc_dir: str) -> bool:
    if url.startswith("/"):
        return True
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return False
    joined = posixpath.normpath(posixpath.join(doc_dir or ".", path))
    return joined == ".." or joined.startswith("../")


def check_text(text: str, doc_dir: str = "") -> list[SafetyProblem]:
    """`doc_dir`: the file's folder relative to binder/, to tell whether a path leaves the binder."""
    masked = mask_code(text).text
    problems: list[SafetyProblem] = []

    def line_at(pos: int) -> int:
        return masked.count("\n", 0, pos) + 1

    def check_url(url: str, pos: int, media: bool) -> None:
        url = _clean_url(url)
        if SCRIPT_SCHEME.match(url):
            problems.append(
                SafetyProblem(
                    line_at(pos), f"Adressen der Form „{url.split(':')[0].lower()}:“ sind in Blättern nicht erlaubt."
                )
            )
        elif media and REMOTE.match(url):
            problems.append(
                SafetyProblem(
                    line_at(pos),
                    "Bilder und Medien von anderen Websites sind nicht erlaubt: "
                    "Bitte die Datei im Repository unter binder/ ablegen.",
                )
            )
        elif not REMOTE.match(url) and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) and _leaves(url, doc_dir):
            problems.append(SafetyProblem(line_at(pos), f"Der Pfad „{url}“ führt aus dem Ordner binder/ hinaus."))

    for m in TAG.finditer(masked):
        name, attrs = m.group(1).lower(), m.group(2)
        if name in DANGEROUS_TAGS:
            what = "Skripte" if name == "script" else f"HTML-Elemente <{name}>"
            problems.append(SafetyProblem(line_at(m.start()), f"{what} sind in Blättern nicht erlaubt."))
            continue
        if EVENT_ATTR.search(attrs):
            problems.append(
                SafetyProblem(
                    line_at(m.start()),
                    f"Ereignis-Attribute (on…=) in <{name}> sind nicht erlaubt: Sie würden Skripte ausführen.",
                )
            )
        if STYLE_ATTR.search(attrs):
            problems.append(
                SafetyProblem(
                    line_at(m.start()),
                    f"Stilangaben (style=) in <{name}> sind nicht erlaubt: "
                    "Sie könnten Inhalte verdecken oder überlagern.",
                )
            )
        for um in URL_ATTR.finditer(attrs):
            check_url(
                um.group(1),
                m.start(),
                media=name in MEDIA_TAGS or um.group(0).lower().startswith(("src", "poster", "data")),
            )
    for m in MD_LINK.finditer(masked):
        check_url(m.group(2), m.start(), media=bool(m.group(1)))
    for m in MD_REF_DEF.finditer(masked):
        check_url(m.group(1), m.start(), media=False)
    # Attribute lists ({: onclick=… }) reach the HTML too.
    for m in re.finditer(r"\{:?[^}\n]*\}", masked):
        if EVENT_ATTR.search(" " + m.group(0)[1:]) or STYLE_ATTR.search(" " + m.group(0)[1:]):
            problems.append(
                SafetyProblem(
                    line_at(m.start()), "Attribute mit Skripten oder Stilangaben ({: … }) sind nicht erlaubt."
                )
            )
    return problems
