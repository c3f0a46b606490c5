"""Typed configuration of the `loseblatt` plugin (mkdocs.yml → plugins → loseblatt)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

AUSGABE_ENV = "LOSEBLATT_AUSGABE"  # e.g. "sn" or "bund,sn": build only these editions (for a fast serve)
PDF_ENV = "LOSEBLATT_PDF"  # "0" skips the PDF step
CACHE_ENV = "LOSEBLATT_CACHE"  # another cache folder (e.g. shared by test runs)
PUBLISH_ENV = "LOSEBLATT_VEROEFFENTLICHEN"  # "1": a publishing build; refuses without operator details


class BetreiberConfig(Config):
    """Who operates the published site: shown in Impressum, Datenschutz and Barrierefreiheit
    (docs/ pages use them as {{ betreiber.name }} …). Required before publishing."""

    name = c.Type(str, default="")  # name and legal form of the operating body
    anschrift = c.Type(str, default="")  # postal address for service
    vertretung = c.Type(str, default="")  # who represents the body
    email = c.Type(str, default="")
    telefon = c.Type(str, default="")
    aufsicht = c.Type(str, default="")  # supervisory authority, if any
    verantwortlich = c.Type(str, default="")  # person responsible under § 18 MStV, with address
    hosting = c.Type(str, default="")  # who hosts the site, and where
    barrierefreiheit_kontakt = c.Type(str, default="")  # contact for reports of barriers


BETREIBER_REQUIRED = ("name", "anschrift", "email", "verantwortlich", "hosting", "barrierefreiheit_kontakt")


class LoseblattConfig(Config):
    binder_dir = c.Type(str, default="binder")
    """Folder with registers, sheets, editions and deliveries, relative to mkdocs.yml."""

    ausgaben = c.ListOfItems(c.Type(str), default=[])
    """Editions to build; empty means all. Overridden by the environment variable LOSEBLATT_AUSGABE."""

    parallel = c.Type(int, default=0)
    """Worker processes for the editions; 0 means one per core, 1 builds one after another."""

    seiten = c.ListOfItems(c.Type(str), default=[])
    """Order of the hand-written pages from docs/ in the navigation, after the registers."""

    pdf = c.Type(bool, default=True)
    """Build the PDFs (Druckfassung). The environment variable LOSEBLATT_PDF=0/1 overrides it."""

    cache_dir = c.Type(str, default=".cache/loseblatt")
    """Caches keyed by content hash (rendered Markdown, PDFs), relative to mkdocs.yml."""

    betreiber = c.SubConfig(BetreiberConfig)
    """Operator details for Impressum, Datenschutz and Barrierefreiheit (see BetreiberConfig)."""

    seitencache = c.Type(bool, default=True)
    """Reuse finished pages that another edition or an earlier build rendered identically
    (mkdocs_adapter/page_cache.py). Off only to compare against uncached output."""
