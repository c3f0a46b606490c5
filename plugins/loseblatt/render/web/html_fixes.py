"""Small corrections of Material's HTML so that every page validates (Nu Html Checker).

Material writes autocomplete="off" on its checkbox toggles (not allowed on checkboxes), and on
section index pages a label for the table-of-contents toggle that the page does not render.
"""

from __future__ import annotations

import re

CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?)\s+autocomplete="off"')
TOC_LABEL = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)


def fix_html(output: str) -> str:
    output = CHECKBOX_AUTOCOMPLETE.sub(r"\1", output)
    if 'id="__toc"' not in output:
        output = TOC_LABEL.sub(r'<div class="md-nav__title">\1</div>', output)
    return output


# Where whitespace is content, lines stay as they are.
_VERBATIM = re.compile(r"(<(pre|code|textarea)\b.*?</\2>)", re.S | re.I)
_BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")


def drop_blank_lines(output: str) -> str:
    """Remove the whitespace-only lines Material's templates leave (two thirds of a page's lines).

    How many there are depends on things the page does not show, such as how many sheets a
    collapsed register holds; without them a page reads the same in every edition that shows
    the same things, so its HTML can be shared (page_cache.py)."""
    parts = _VERBATIM.split(output)
    # split() yields text, verbatim element, tag name, text, ...
    for i in range(0, len(parts), 3):
        parts[i] = _BLANK_LINES.sub("", parts[i])
    return "".join(p for i, p in enumerate(parts) if i % 3 != 2)


def tidy(output: str) -> str:
    """Every page and theme template of an edition, as written."""
    return drop_blank_lines(fix_html(output))


_SITEMAP_URL = re.compile(r"[ \t]*<url>.*?</url>\n?", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def sort_sitemap(xml: str) -> str:
    """Sitemap entries by address, whatever order MkDocs worked through the pages in."""
    entries = _SITEMAP_URL.findall(xml)
    if not entries:
        return xml
    head = xml[: xml.index(entries[0])]
    tail = xml[xml.rindex(entries[-1]) + len(entries[-1]) :]
    keyed = sorted(entries, key=lambda e: m.group(1) if (m := _LOC.search(e)) else "")
    return head + "".join(e if e.endswith("\n") else e + "\n" for e in keyed) + tail


def finish_template(output: str, template_name: str) -> str:
    """A page template's output as written: sitemaps sorted, HTML tidied."""
    if template_name == "sitemap.xml":
        return sort_sitemap(output)
    return tidy(output) if template_name.endswith(".html") else output
