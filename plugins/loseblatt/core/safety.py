"""Safe content: a sheet must not be able to run script, overlay the page or load from elsewhere.

The rules are allow-lists applied by the Markdown parser (core/markup.py): raw HTML never
becomes markup, attribute lists keep only a few attributes, links and images keep only
allowed addresses. `check_text` reports what rendering would refuse, with its line, so
that the editor fixes the source instead of the site silently dropping it.
"""

from __future__ import annotations

from .markup import findings
from .problems import Finding


def check_text(text: str, doc_dir: str = "") -> list[Finding]:
    """`doc_dir`: the file's folder relative to binder/, to tell whether a path leaves the binder."""
    return [Finding(line, message) for line, message in findings(text, doc_dir)]
