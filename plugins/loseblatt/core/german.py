"""German text helpers shared by the core, the web pages and print."""

from __future__ import annotations

import unicodedata


def german_sort_key(word: str) -> tuple[str, str]:
    """Dictionary order (DIN 5007-1) without relying on the machine's locale: umlauts sort with
    their base letter («Ergänzung» before «Ergebnis»), ß as ss; the word breaks ties."""
    base = word.casefold().replace("ß", "ss")
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    return (base, word)
