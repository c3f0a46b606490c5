"""Pictures of printed pages, for reviewers and for tests that look at the print like a reader.

`loseblatt seitenbilder ZIEL` renders sample pages of a built site's PDFs to PNG with poppler's
pdftoppm: the first page of a sheet, a register, the edition (cover and contents) and the
newest supplement of each edition. The pull-request workflow uploads them, so a reviewer sees
the printed sheets without building anything.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import addresses


@dataclass(frozen=True)
class Sample:
    label: str  # file name stem of the picture, e.g. "sn-blatt-2-3"
    pdf: Path
    page: int  # 1-based


def samples(site: Path, code: str) -> list[Sample]:
    """Pages worth a look in one edition: cover, a register's first page, a sheet with a
    checklist if there is one, the newest supplement."""
    root = site / code
    pdf_dir = root / addresses.PDF_DIR
    out: list[Sample] = []
    edition = pdf_dir / addresses.edition_pdf(code)
    if edition.is_file():
        out.append(Sample(f"{code}-ausgabe-deckblatt", edition, 1))
        blank = first_blank_page(edition)
        if blank is not None:  # double-sided editions: a blank back, with the punch margin on the right
            out.append(Sample(f"{code}-ausgabe-leerseite", edition, blank))
    registers = sorted(pdf_dir.glob("register-*.pdf"), key=lambda p: int(p.stem.split("-")[1]))
    if registers:
        out.append(Sample(f"{code}-{registers[0].stem}", registers[0], 1))
    checklists = sorted(pdf_dir.glob("checklisten-register-*.pdf"))
    if checklists:
        out.append(Sample(f"{code}-{checklists[0].stem}", checklists[0], 1))
    sheets = sorted(pdf_dir.glob("blatt-*.pdf"))
    if sheets:
        out.append(Sample(f"{code}-{sheets[0].stem}", sheets[0], 1))
    supplements = sorted((root / addresses.SUPPLEMENT_DIR).glob("*.pdf"))
    if supplements:
        out.append(Sample(f"{code}-lieferung-{supplements[-1].stem}", supplements[-1], 1))
    return out


def first_blank_page(pdf: Path, limit: int = 12) -> int | None:
    """The first page (1-based) that only says «Diese Seite bleibt frei.», among the first few."""
    from .render.print_html import BLANK_TEXT

    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    for page in range(1, limit + 1):
        done = subprocess.run(
            [tool, "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:  # past the last page
            return None
        text = " ".join(done.stdout.split())
        if text.endswith(BLANK_TEXT) and "Seite " not in text[: -len(BLANK_TEXT)]:
            return page
    return None


def render(sample: Sample, target: Path, dpi: int = 60) -> Path:
    """The page as PNG at `dpi`; needs pdftoppm (Debian: poppler-utils)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm fehlt (Debian/Ubuntu: apt-get install poppler-utils).")
    target.mkdir(parents=True, exist_ok=True)
    stem = target / sample.label
    subprocess.run(
        [tool, "-png", "-r", str(dpi), "-f", str(sample.page), "-l", str(sample.page), "-singlefile", sample.pdf, stem],
        check=True,
        capture_output=True,
    )
    return stem.with_suffix(".png")


def render_site(site: Path, target: Path, codes: list[str] | None = None, dpi: int = 60) -> list[Path]:
    codes = codes or sorted(p.name for p in site.iterdir() if (p / addresses.MANIFEST).is_file())
    return [render(s, target, dpi) for code in codes for s in samples(site, code)]
