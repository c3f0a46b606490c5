"""Render print HTML to PDF with WeasyPrint, from local files only."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STYLE_FILES = (
    "print.css",
    "fonts.css",
    "fonts/Lato-Regular.ttf",
    "fonts/Lato-Bold.ttf",
    "fonts/Lato-Italic.ttf",
    "fonts/Lato-BoldItalic.ttf",
)
RENDER_VERSION = "1"  # raise when the rendering code changes in a way the inputs do not show


def local_fetcher():
    """A fetcher for our own assets only: PDFs never fetch anything from the network."""
    from weasyprint.urls import URLFetcher

    class LocalAssets(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ValueError(f"Druckfassung lädt nichts aus dem Netz: {url}")
            path = Path(url[len("file://") :].split("?")[0]).resolve()
            if ASSETS not in path.parents:
                raise ValueError(f"Datei außerhalb der Druckvorlagen: {path}")
            return super().fetch(url, headers)

    return LocalAssets(allowed_protocols={"file"})


@lru_cache(maxsize=1)
def style_fingerprint() -> str:
    """Everything besides the HTML that shapes a PDF: stylesheets, fonts, WeasyPrint's version."""
    import weasyprint

    from ..fingerprint import code_fingerprint

    h = hashlib.sha256(f"weasyprint {weasyprint.__version__} render {RENDER_VERSION} {code_fingerprint()}".encode())
    for name in STYLE_FILES:
        h.update(name.encode())
        h.update((ASSETS / name).read_bytes())
    return h.hexdigest()


def cache_key(html: str, forms: bool = False) -> str:
    h = hashlib.sha256(style_fingerprint().encode())
    h.update(b"forms" if forms else b"static")
    h.update(html.encode("utf-8"))
    return h.hexdigest()


def render_pdf(html: str, forms: bool = False) -> tuple[bytes, int]:
    """(PDF bytes, page count). Tagged PDF/UA with document language and title from the HTML."""
    import logging

    from weasyprint import HTML

    # WeasyPrint warns about CSS it ignores (e.g. Material-only properties); not the editor's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=str(ASSETS) + "/", url_fetcher=local_fetcher()).render()
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=forms)
    return pdf, len(document.pages)
