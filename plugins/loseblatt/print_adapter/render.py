"""Render print HTML to PDF with WeasyPrint, from local files only."""

from __future__ import annotations

from pathlib import Path

from .. import caching

ASSETS = Path(__file__).resolve().parent.parent / "assets"


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


def cache_key(html: str, forms: bool = False) -> str:
    """Stylesheets, fonts and WeasyPrint's version are covered by every key (caching.py)."""
    return caching.cache_key("pdf", "formular" if forms else "statisch", html)


def render_pdf(html: str, forms: bool = False) -> tuple[bytes, int]:
    """(PDF bytes, page count). Tagged PDF/UA with document language and title from the HTML;
    table header scopes added (tagging.py)."""
    import logging

    from weasyprint import HTML

    from .tagging import complete_sheet

    # WeasyPrint warns about CSS it ignores (e.g. Material-only properties); not the editor's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=str(ASSETS) + "/", url_fetcher=local_fetcher()).render()
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_forms=forms)
    return complete_sheet(pdf), len(document.pages)
