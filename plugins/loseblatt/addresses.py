"""The address book: where every page and file of an edition lives, in one place.

Page paths are source paths inside an edition (what MkDocs calls src_uri, e.g.
"02-gremiengruendung/blatt-2-3.md"); file names are relative to the edition's folder
site/<code>/. Web pages, print, manifest, deliveries, packages and the CLI all ask here, so
an address can change in one place without links breaking elsewhere.
"""

from __future__ import annotations

import posixpath

# ----- pages -----------------------------------------------------------------------
START = "index.md"
STICHWORTE = "stichwortverzeichnis.md"
FEHLT = "fehlt.md"  # «this sheet is not in this edition», the switcher's notice page
VERZEICHNIS = "verzeichnis.md"
NEU = "neu.md"
LIEFERUNGEN = "lieferungen/index.md"
CHECKLISTEN = "checklisten/index.md"
ANDERS = "anders.md"  # «Was in dieser Ausgabe anders ist»
VERGLEICH_DIR = "vergleich"


def register_page(register_slug: str) -> str:
    return f"{register_slug}/index.md"


def sheet_page(register_slug: str, blatt: str) -> str:
    r, n = blatt.split(".")
    return f"{register_slug}/blatt-{r}-{n}.md"


def comparison_page(blatt: str) -> str:
    """The Fassungsvergleich of a sheet."""
    r, n = blatt.split(".")
    return f"{VERGLEICH_DIR}/blatt-{r}-{n}.md"


def general_comparison_page(blatt: str) -> str:
    """A replaced sheet against the general edition's."""
    r, n = blatt.split(".")
    return f"{VERGLEICH_DIR}/allgemein-blatt-{r}-{n}.md"


def other_edition_link(from_page: str, code: str, to_page: str) -> str:
    """A URL from a page of this edition to a page of edition `code` (directory URLs:
    site/<this>/<page>/ → site/<code>/<to_page>/)."""
    page_dir = (
        posixpath.splitext(from_page)[0] if posixpath.basename(from_page) != START else posixpath.dirname(from_page)
    )
    depth = len([p for p in page_dir.split("/") if p]) + 1
    return "../" * depth + f"{code}/" + url(to_page)


def delivery_page(name: str) -> str:
    return f"lieferungen/{name}.md"


def checklists_page(register_number: int) -> str:
    return f"checklisten/register-{register_number}.md"


# ----- files -----------------------------------------------------------------------
PDF_DIR = "pdf"
SUPPLEMENT_DIR = "lieferungen"
MANIFEST = "manifest.json"
VERSIONS = "versions.json"


def sheet_pdf(blatt: str) -> str:
    r, n = blatt.split(".")
    return f"blatt-{r}-{n}.pdf"


def register_pdf(number: int) -> str:
    return f"register-{number}.pdf"


def divider_pdf(number: int) -> str:
    return f"registerblatt-{number}.pdf"


def checklists_pdf(number: int) -> str:
    return f"checklisten-register-{number}.pdf"


def edition_pdf(code: str) -> str:
    return f"kommune-beugt-vor-{code}.pdf"


def supplement_pdf(name: str) -> str:
    return f"{name}.pdf"


# ----- links -----------------------------------------------------------------------
def url(page: str) -> str:
    """A page's URL relative to the edition root, as MkDocs writes it with directory URLs."""
    if page == START or page.endswith("/index.md"):
        return page.removesuffix("index.md")
    return page.removesuffix(".md") + "/"


def edition_url(site_url: str | None, code: str) -> str:
    """The absolute address of edition `code` (site/<code>/) under the site's address
    (mkdocs.yml site_url, SITE_URL); empty when the site has no address."""
    if not site_url:
        return ""
    return f"{site_url if site_url.endswith('/') else site_url + '/'}{code}/"


def absolute_url(edition_address: str, page: str) -> str:
    """A page's absolute web address, from its edition's (edition_url); empty without one."""
    return edition_address + url(page) if edition_address else ""


def relative(target: str, start: str) -> str:
    """posixpath.relpath(target, start) for the clean relative paths of a site, without its two
    calls of abspath (and so of os.getcwd) per link: at 1,000 sheets they were a quarter of
    planning an edition. Any other path goes to relpath itself."""
    to = target.split("/")
    here = [] if start in ("", ".") else start.split("/")
    if target.startswith("/") or start.startswith("/") or not {"", ".", ".."}.isdisjoint(to + here):
        return posixpath.relpath(target, start or ".")
    common = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def page_link(from_page: str, to_page: str) -> str:
    """A Markdown link from one page to another (MkDocs turns .md links into URLs)."""
    return relative(to_page, posixpath.dirname(from_page))


def file_link(from_page: str, target: str, use_directory_urls: bool = True) -> str:
    """A URL from the page built from `from_page` to a file at `target` (edition root); files
    are not rewritten by MkDocs, so the page's own folder counts."""
    page_dir = posixpath.dirname(from_page)
    if use_directory_urls and posixpath.basename(from_page) != "index.md":
        page_dir = posixpath.join(page_dir, posixpath.splitext(posixpath.basename(from_page))[0])
    return relative(target, page_dir)
