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
