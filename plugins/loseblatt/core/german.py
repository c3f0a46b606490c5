"""German text helpers shared by the core, the web pages and print."""

from __future__ import annotations

import unicodedata

from .fields import STAND


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


# Endings German adds to a word for plural and case («Sitzung» – «Sitzungen», «Rat» – «Räte»,
# «kriminalpräventive» – «kriminalpräventiver»). Two forms differ only by one of them, once
# umlauts are folded to their base vowel (the plural umlaut: «Angstraum» – «Angsträume»).
INFLECTION_ENDINGS = ("e", "n", "en", "er", "r", "s", "es", "ern")


def _fold(word: str) -> str:
    return word.casefold().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


def _same_word(a: str, b: str) -> bool:
    a, b = _fold(a), _fold(b)
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and long_.startswith(short) and long_[len(short) :] in INFLECTION_ENDINGS)


def same_lemma(a: str, b: str) -> bool:
    """Whether two keywords are forms of one word: the same words in the same order, each pair
    equal or differing only by an inflection ending (after folding case and umlauts)."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(_same_word(x, y) for x, y in zip(wa, wb, strict=True))


def _outline(word: str) -> tuple[str, ...]:
    return tuple(_fold(w)[:3] for w in word.split())


def group_word_forms(words) -> list[list[str]]:
    """Groups the forms of one word; each group's head word first (the form whose nouns –
    capitalised words – are shortest, which is the singular: «Rat» before «Räte»; then the
    shortest form), then the others in dictionary order. Groups are in dictionary order of
    their head words."""
    groups: list[list[str]] = []
    # Two forms of one word have the same number of words, and each pair of words begins with
    # the same three folded letters (or is equal): only groups holding a word of the same
    # outline can take a word. The first such group in order takes it, as a full search would.
    by_outline: dict[tuple, list[int]] = {}
    for word in sorted(set(words), key=german_sort_key):
        outline = _outline(word)
        candidates = by_outline.setdefault(outline, [])
        for i in candidates:
            if any(same_lemma(word, other) for other in groups[i]):
                groups[i].append(word)
                break
        else:
            candidates.append(len(groups))
            groups.append([word])
    out = []
    for group in groups:
        head = min(group, key=lambda w: (sum(len(x) for x in w.split() if x[:1].isupper()), len(w), german_sort_key(w)))
        out.append([head, *sorted((w for w in group if w != head), key=german_sort_key)])
    return sorted(out, key=lambda g: german_sort_key(g[0]))


# Linking elements between the parts of a compound («Geschäft-s-ordnung», «Arbeit-s-gruppe»).
LINKING_ELEMENTS = ("s", "es", "n", "en")


def compound_parts(word: str, vocabulary) -> list[str]:
    """The parts of a German compound that occur as words of their own in `vocabulary`
    (lower case): the longest ending of at least four letters that is a word («Bürgerbefragung»
    -> «befragung»), and the beginning before it if that is a word, with or without a linking
    element («geschäfts» -> «geschäft»). A word that is no compound gives []."""
    lower = word.casefold()
    for i in range(3, len(lower) - 3):
        tail = lower[i:]
        if tail in vocabulary:
            head = lower[:i]
            heads = [head[: -len(e)] for e in LINKING_ELEMENTS if head.endswith(e)] + [head]
            return [*[h for h in heads if len(h) >= 3 and h in vocabulary][:1], tail]
    return []


def date_de(iso: str) -> str:
    """'2026-12-01' -> '1.12.2026' (tables and lists)."""
    y, m, d = iso.split("-")
    return f"{int(d)}.{int(m)}.{y}"


def stand_long(stand: str) -> str:
    """'2026-11' -> 'November 2026'."""
    m = STAND.match(stand)
    return f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}" if m else stand


def stand_short(stand: str) -> str:
    """'2026-11' -> '11/2026' (footer of printed sheets)."""
    m = STAND.match(stand)
    return f"{m.group(2)}/{m.group(1)}" if m else stand


def leaves_de(n: int | None) -> str:
    """Printed double-sided: '1 Blatt/1 Seite', '2 Blätter/3 Seiten', or a dash when unknown."""
    if not n:
        return "–"
    leaves = (n + 1) // 2
    return f"{'1 Blatt' if leaves == 1 else f'{leaves} Blätter'}/{pages_de(n)}"


def extent_de(n: int | None, duplex: bool = False) -> str:
    """How much paper a printed sheet takes, worded alike in the Ablageanweisung, the contents and
    the list of valid sheets: '3 Seiten', or printed double-sided (druck: beidseitig)
    '2 Blätter/3 Seiten'."""
    return leaves_de(n) if duplex else pages_de(n)


def pages_de(n: int | None) -> str:
    """'1 Seite', '3 Seiten', or a dash when the count is unknown."""
    if not n:
        return "–"
    return "1 Seite" if n == 1 else f"{n} Seiten"
