"""Exact output of our Markdown extensions, in the style of pymdown-extensions' MdCase tests:
Markdown in, the HTML a browser and WeasyPrint get out. The whole-site tests show the pages;
these pin down each rule of the extensions on its own."""

from textwrap import dedent

import markdown
import pytest
from loseblatt.render import MARKDOWN_EXTENSIONS

# What mkdocs.yml configures around our extensions, as far as they interact with them.
EXTENSIONS = ["attr_list", "abbr", "admonition", "pymdownx.superfences", *MARKDOWN_EXTENSIONS]


def check(source: str, expected: str) -> None:
    html = markdown.markdown(dedent(source).strip("\n"), extensions=EXTENSIONS)
    assert html == dedent(expected).strip("\n")


CASES = {
    "checklist_as_form": (
        """
        !!! checkliste "Gründung vorbereiten" {2.1/gruendung}
            - [ ] {2.1/gruendung/a1} Ratsbeschluss einholen
            - [ ] {2.1/gruendung/b2} Geschäftsordnung entwerfen
        """,
        """
        <fieldset class="lb-checkliste" data-checkliste="2.1/gruendung">
        <legend>Checkliste: Gründung vorbereiten</legend>
        <ul class="lb-punkte">
        <li><input data-punkt="2.1/gruendung/a1" id="lb-2-1-gruendung-a1" name="2.1/gruendung/a1" type="checkbox" /><label for="lb-2-1-gruendung-a1">Ratsbeschluss einholen</label></li>
        <li><input data-punkt="2.1/gruendung/b2" id="lb-2-1-gruendung-b2" name="2.1/gruendung/b2" type="checkbox" /><label for="lb-2-1-gruendung-b2">Geschäftsordnung entwerfen</label></li>
        </ul>
        <p class="lb-fortschritt" data-fortschritt="2">2 Punkte</p>
        </fieldset>
        """,
    ),
    "one_item_is_one_punkt": (
        """
        !!! checkliste "Kurz" {1.1/kurz}
            - [ ] {1.1/kurz/x} Einziger Punkt
        """,
        """
        <fieldset class="lb-checkliste" data-checkliste="1.1/kurz">
        <legend>Checkliste: Kurz</legend>
        <ul class="lb-punkte">
        <li><input data-punkt="1.1/kurz/x" id="lb-1-1-kurz-x" name="1.1/kurz/x" type="checkbox" /><label for="lb-1-1-kurz-x">Einziger Punkt</label></li>
        </ul>
        <p class="lb-fortschritt" data-fortschritt="1">1 Punkt</p>
        </fieldset>
        """,
    ),
    "reference_gets_class_and_printable_title": (
        'Siehe [Blatt 2.3 – Geschäftsordnung](../blatt-2-3.md){: data-blatt="2.3" }.',
        '<p>Siehe <a class="lb-verweis" data-blatt="2.3" href="../blatt-2-3.md">Blatt 2.3'
        '<span class="lb-verweis-titel"> – Geschäftsordnung</span></a>.</p>',
    ),
    "reference_title_with_abbreviation_is_all_title": (
        """
        Siehe [Blatt 1.4 – Communities That Care \\(CTC\\)](../blatt-1-4.md){: data-blatt="1.4" } dazu.

        *[CTC]: Communities That Care
        """,
        '<p>Siehe <a class="lb-verweis" data-blatt="1.4" href="../blatt-1-4.md">Blatt 1.4'
        '<span class="lb-verweis-titel"> – Communities That Care (<abbr title="Communities That Care">CTC</abbr>)'
        "</span></a> dazu.</p>",
    ),
    "reference_without_title": (
        'Siehe [Blatt 2.3](../blatt-2-3.md){: data-blatt="2.3" }.',
        '<p>Siehe <a class="lb-verweis" data-blatt="2.3" href="../blatt-2-3.md">Blatt 2.3</a>.</p>',
    ),
    "other_links_stay_plain": (
        "Ein [Link](../x.md) bleibt ohne Klasse.",
        '<p>Ein <a href="../x.md">Link</a> bleibt ohne Klasse.</p>',
    ),
    "web_address_becomes_external_link": (
        "Mehr unter kriminalpraevention.de/satzung.html.",
        '<p>Mehr unter <a class="lb-extern" href="https://kriminalpraevention.de/satzung.html" rel="noopener">'
        'kriminalpraevention.de/satzung.html<span class="lb-sr"> (externe Seite)</span></a>.</p>',
    ),
    "no_link_inside_a_link": (
        "[Satzung auf kriminalpraevention.de](https://kriminalpraevention.de)",
        '<p><a href="https://kriminalpraevention.de">Satzung auf kriminalpraevention.de</a></p>',
    ),
    "abbreviation_readable_by_keyboard_and_screen_reader": (
        """
        Die PKS zählt Fälle.

        *[PKS]: Polizeiliche Kriminalstatistik
        """,
        '<p>Die <abbr class="lb-abk" tabindex="0">PKS<span class="lb-abk-text"> (Polizeiliche Kriminalstatistik)'
        "</span></abbr> zählt Fälle.</p>",
    ),
    "abbreviation_in_link_keeps_its_title": (
        """
        [Die PKS](https://example.org)

        *[PKS]: Polizeiliche Kriminalstatistik
        """,
        '<p><a href="https://example.org">Die <abbr title="Polizeiliche Kriminalstatistik">PKS</abbr></a></p>',
    ),
    "raw_html_is_text": (
        "Text <b>fett</b> <script>alert(1)</script>",
        "<p>Text &lt;b&gt;fett&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>",
    ),
    "template_without_downloads_is_title_and_text": (
        """
        ```vorlage Einladung
        Sehr geehrte [Name],

        TOP 1 Begrüßung
        ```
        """,
        """
        <p><strong>Vorlage: Einladung</strong></p>
        <div class="highlight"><pre><span></span><code>Sehr geehrte [Name],

        TOP 1 Begrüßung
        </code></pre></div>
        """,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_exact_output(name):
    check(*CASES[name])


def test_checklists_come_before_admonitions():
    """Both start with «!!!»; the checklist processor must see the block first."""
    blocks = markdown.Markdown(extensions=EXTENSIONS).parser.blockprocessors
    assert blocks.get_index_for_name("loseblatt_checkliste") < blocks.get_index_for_name("admonition")
