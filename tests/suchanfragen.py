"""German queries a reader types and the sheets (sn edition) that must come first: at least one
expected sheet among the first three pages found, and a sheet (not an overview page) first.
Measured against Material's real search worker with ours in front (test_search_browser.py)."""

QUERIES: list[tuple[str, tuple[str, ...]]] = [
    # inflected forms
    ("Geschäftsordnungen", ("2-3",)),
    ("Sitzungen", ("2-8",)),
    ("Gründungsbeschlüsse", ("2-2", "9-3")),
    ("Lenkungsgruppen", ("2-5",)),
    ("Bürgerbefragungen", ("3-4", "9-8")),
    ("Ortsbegehungen", ("3-6", "9-9")),
    ("Sozialräume", ("3-7",)),
    ("Wirkungsmodelle", ("4-4",)),
    ("Handlungspläne", ("4-5",)),
    ("Pressemitteilungen", ("9-14", "5-5")),
    ("Wohnungseinbrüche", ("7-6",)),
    ("Kooperationsvereinbarungen", ("8-51", "9-11")),
    ("Tagesordnungen", ("9-4",)),
    ("Jahresberichte", ("9-13",)),
    ("Querschnittsaufgaben", ("1-5",)),
    ("Förderungen", ("5-4", "9-2", "8-3")),
    ("Indikator", ("6-5",)),
    ("Risiken", ("5-7",)),
    # transcriptions ae/oe/ue
    ("geschaeftsordnung", ("2-3",)),
    ("Foerderung", ("5-4", "9-2", "8-3")),
    ("buergerbefragung", ("3-4", "9-8")),
    ("Geschaeftsstelle", ("2-6",)),
    ("Sicherheitsgefuehl", ("1-6", "3-5")),
    ("Oeffentlichkeitsarbeit", ("5-5",)),
    ("Gruene Liste", ("7-2",)),
    ("Gewaltpraevention", ("7-4",)),
    ("Staedtebau", ("7-11",)),
    # compound parts
    ("Befragung", ("3-4", "9-8")),
    ("Einbruch", ("7-6",)),
    ("Sucht", ("7-5",)),
    ("Evaluationsplan", ("9-10",)),
    # plain words and phrases, and overview-heavy words where a sheet must still come first
    ("Gremien", ("2-1", "2-10", "9-13")),
    ("erste Sitzung", ("2-8",)),
    ("Dunkelfeld", ("3-3",)),
    ("Kriminalstatistik", ("3-2",)),
    ("Ziele formulieren", ("4-2",)),
    ("Cannabis", ("7-12",)),
    ("Glossar", ("9-7",)),
    ("Ansprechpartner", ("9-1",)),
    ("häusliche Gewalt", ("7-10",)),
]
