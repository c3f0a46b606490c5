"""Markup that our own code writes into generated pages (sheet heads, the Länder list,
checklist controls, download buttons) passes Markdown as a token, never as raw HTML.

Raw HTML in Markdown is refused for everyone (render/safe_markdown.py); a token stands for a
fragment that only code can register, so an editor who copies a token can at most repeat a
fragment our own pages already show.
"""

from __future__ import annotations

import hashlib
import html
import re

# Fragments by content hash, per process: the pages of an edition are generated and converted
# in the same worker, and equal fragments share one entry.
_FRAGMENTS: dict[str, str] = {}
TOKEN = re.compile(r"\u27e6lb-html:([0-9a-f]{20})\u27e7")


def trusted_html(fragment: str) -> str:
    """A token for `fragment`, to place in generated Markdown (on its own line for block markup)."""
    key = hashlib.sha256(fragment.encode("utf-8")).hexdigest()[:20]
    _FRAGMENTS[key] = fragment
    return f"\u27e6lb-html:{key}\u27e7"


def fragment(key: str) -> str:
    """The registered fragment, or nothing for a token that no code registered."""
    return _FRAGMENTS.get(key, "")


def esc(text: str) -> str:
    """A field as text inside generated markup (both quotes escaped, for attributes too)."""
    return html.escape(text, quote=True)


def sheet_head(
    register_number: int, register_title: str, blatt: str, fassung: str, stand_text: str, *, web: bool
) -> str:
    """The sheet's head (register, number, Fassung, Stand), the same on the web page and the
    printed sheet; the web form is a named group with one line per field."""
    spans = [
        f'<span class="lb-kopf-register">Register {register_number} · {esc(register_title)}</span>',
        f'<span class="lb-kopf-blatt">Blatt {esc(blatt)}</span>',
        f'<span class="lb-kopf-fassung">Fassung {esc(fassung)}</span>',
        f'<span class="lb-kopf-stand">Stand: {esc(stand_text)}</span>',
    ]
    if web:
        return '<div class="lb-kopf" role="group" aria-label="Angaben zum Blatt">\n' + "\n".join(spans) + "\n</div>"
    return '<div class="lb-kopf">' + "".join(spans) + "</div>"
