"""Language rules that a machine can check in the editors' own text (docs/stil.md).

Only what cannot be right in every edition is an error: an article or a preposition in
front of a name variable agrees with one state's body («beim Landespräventionsrat») and
not with another's («beim Leitstelle»). The case forms of `gremium` carry the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that fix gender or case of what follows.
_GOVERNING = (
    "am an auf aus bei beim durch für gegen im in mit nach ohne über um unter vom von vor zu zum zur "
    "der die das dem den des ein eine einem einen einer eines"
)
_ARTICLE_BEFORE_NAME = re.compile(
    r"\b(?P<word>" + "|".join(_GOVERNING.split()) + r")\s+\{\{-?\s*land\.gremium\.(?P<field>name|kurz)\s*-?\}\}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StyleFinding:
    line: int  # 1-based within the text
    message: str


def check_grammar(text: str) -> list[StyleFinding]:
    findings = []
    for m in _ARTICLE_BEFORE_NAME.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        word = m.group("word")
        findings.append(
            StyleFinding(
                line,
                (
                    f"„{word} {{{{ land.gremium.{m.group('field')} }}}}“ passt nicht in jeder Ausgabe "
                    "(„beim Leitstelle …“). Nehmen Sie die Form mit Artikel: {{ land.gremium.nominativ }}, "
                    "{{ land.gremium.genitiv }}, {{ land.gremium.dativ }} oder {{ land.gremium.akkusativ }}, "
                    "z. B. „bei {{ land.gremium.dativ }}“."
                ),
            )
        )
    return findings
