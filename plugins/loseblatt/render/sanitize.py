"""The backstop: every converted sheet and register page is run through an allow-list
sanitizer (nh3, the Python binding of Rust's ammonia). Content never reaches a page in a form
the sanitizer would change: if it would remove anything, the build names the page and stops.

The primary defence is the Markdown allow-list (core/markup.py); this one catches what a future
extension, theme feature or bug might let through. The page keeps its own bytes: the sanitizer
only judges. Both runs below use the same serializer, so only the allow-list makes a difference.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

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


class _Seen(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: dict[str, set[str]] = {}
        self.schemes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.setdefault(tag, set()).update(name for name, _ in attrs)
        for name, value in attrs:
            if name in ("href", "src") and value and ":" in value.split("/", 1)[0]:
                self.schemes.add(value.split(":", 1)[0].lower())


def _clean(html: str, attributes: dict[str, set[str]], schemes: set[str]) -> str:
    return nh3.clean(
        html,
        tags=set(attributes),
        attributes=attributes,
        url_schemes=schemes,
        link_rel=None,
        strip_comments=True,
        clean_content_tags=set(),
    )


def refused(html: str) -> str | None:
    """What the allow-list would remove from `html`, as a short excerpt, or None."""
    seen = _Seen()
    seen.feed(html)
    everything = {tag: attrs | ALLOWED.get(tag, set()) for tag, attrs in seen.attributes.items()}
    baseline = _clean(html, everything, seen.schemes | SCHEMES)
    strict = _clean(html, {t: ALLOWED[t] for t in everything if t in ALLOWED}, SCHEMES)
    if strict == baseline:
        return None
    at = next(
        (i for i, (a, b) in enumerate(zip(baseline, strict, strict=False)) if a != b), min(len(baseline), len(strict))
    )
    return baseline[max(0, at - 40) : at + 80].replace("\n", " ")
