"""The backstop: every converted sheet and register page is run through an allow-list
sanitizer (nh3, the Python binding of Rust's ammonia). Content never reaches a page in a form
the sanitizer would change: if it would remove anything, the build names the page and stops.

The primary defence is the Markdown allow-list (core/markup.py); this one catches what a future
extension, theme feature or bug might let through. The page keeps its own bytes: the sanitizer
only judges, by comparing the tree a browser would build from the page with the tree of what the
allow-list keeps of it. Both are parsed by one standard parser (lexbor, via selectolax), so a
difference in serialization is none, and anything the parser sees that the allow-list does not
keep is one: also what a lenient parser would miss, such as a scheme a browser reads through
whitespace and character references ("java&#9;script:", " javascript:").
"""

from __future__ import annotations

import nh3
from selectolax.lexbor import LexborHTMLParser

_HEADINGS = {f"h{n}": {"id"} for n in range(1, 7)}
ALLOWED: dict[str, set[str]] = {
    **_HEADINGS,
    "a": {"href", "title", "class", "rel", "data-blatt", "download", "hidden", "data-lb-fehlt-register"},
    "abbr": {"title", "class", "tabindex"},
    "blockquote": set(),
    "br": set(),
    "button": {"class", "type", "data-lb-aktion"},
    "caption": set(),
    "code": {"class"},
    "dd": set(),
    "del": set(),
    "details": {"class", "open"},
    "div": {"class", "role", "aria-label", "hidden", "data-lb-steuerung"},
    "dl": set(),
    "dt": set(),
    "em": set(),
    "fieldset": {"class", "data-checkliste"},
    "hr": set(),
    "img": {"src", "alt", "title"},
    "input": {"type", "id", "name", "accept", "checked", "disabled", "data-punkt", "data-lb-aktion"},
    "ins": set(),
    "kbd": set(),
    "label": {"class", "for"},
    "legend": set(),
    "li": {"class"},
    "mark": {"class"},
    "ol": {"start"},
    "p": {"class", "role", "aria-live", "hidden", "data-fortschritt", "data-lb-fehlt", "data-lb-bericht"},
    "pre": {"class"},
    "s": set(),
    "span": {"class", "data-lb-liste", "data-lb-gesamt"},
    "strong": set(),
    "sub": set(),
    "summary": set(),
    "sup": set(),
    "table": set(),
    "tbody": set(),
    "td": {"style", "align"},
    "th": {"style", "align"},
    "thead": set(),
    "tr": {"class"},
    "ul": {"class"},
}
SCHEMES = {"https", "http", "mailto"}


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED),
        attributes=ALLOWED,
        url_schemes=SCHEMES,
        link_rel=None,
        strip_comments=True,
        clean_content_tags=set(),
    )


def _parsed(html: str) -> str:
    """`html` as a browser's parser builds it (lexbor implements the HTML standard's parsing
    algorithm), serialized: the two sides of the comparison differ only where the trees do."""
    return LexborHTMLParser(html).html or ""


def refused(html: str) -> str | None:
    """What the allow-list would remove from `html`, as a short excerpt, or None."""
    page = _parsed(html)
    allowed = _parsed(_clean(html))
    if allowed == page:
        return None
    at = next((i for i, (a, b) in enumerate(zip(page, allowed, strict=False)) if a != b), min(len(page), len(allowed)))
    return page[max(0, at - 40) : at + 80].replace("\n", " ")
