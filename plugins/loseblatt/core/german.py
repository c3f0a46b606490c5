"""German text helpers shared by the core, the web pages and print."""

from __future__ import annotations

import unicodedata


def german_sort_key(word: str) -> tuple[str, str]:
    """Dictionary order (DIN 5007-1) without relying on the machine's locale: umlauts sort with
    their base letter («Ergänzung» before «Ergebnis»), ß as ss; the word breaks ties."""
    base = word.casefold().replace("ß", "ss")
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    return (base, word)


def contracted_forms(dativ: str) -> dict[str, str]:
    """Preposition and article as German writes them: «beim Landespräventionsrat», «bei der
    Leitstelle»; «vom …», «von der …»; «zum …», «zur …». `dativ` carries its article."""
    article, _, rest = dativ.partition(" ")
    forms = {"dem": ("beim", "vom", "zum"), "der": ("bei der", "von der", "zur")}.get(article)
    if forms is None or not rest:  # no article to contract (or a plural): keep it as written
        return {"bei": f"bei {dativ}", "von": f"von {dativ}", "zu": f"zu {dativ}"}
    return {key: f"{prep} {rest}" for key, prep in zip(("bei", "von", "zu"), forms, strict=True)}


MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def date_long(iso: str) -> str:
    """'2026-12-01' -> '1. Dezember 2026' (the style sheet's form)."""
    y, m, d = iso.split("-")
    return f"{int(d)}. {MONTHS[int(m) - 1]} {y}"
