"""Zip archives from members packed once (zipped.py): the bytes zipfile writes, and an edition's
template file packs only the entries that name the edition."""

from __future__ import annotations

import io
import zipfile

from loseblatt import zipped
from loseblatt.render import office

WHEN = (2026, 12, 1, 13, 45, 30)
FILES = [
    ("mimetype", b"application/vnd.oasis.opendocument.text"),
    ("content.xml", b"<office:text>" + "Gemeinde Groß-Umstadt ".encode() * 400 + b"</office:text>"),
    ("Bilder/Übersicht.txt", "Prävention: Ä Ö Ü ß".encode()),
    ("leer", b""),
]


def _by_zipfile(files, stored):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=WHEN)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data)
    return out.getvalue()


def test_an_archive_has_the_bytes_zipfile_writes_and_reads_back():
    expected = _by_zipfile(FILES, {"mimetype"})
    ours = zipped.archive(
        [(name, zipped.packed(data, stored=name == "mimetype")) for name, data in FILES], WHEN, stored=["mimetype"]
    )
    assert ours == expected
    # Read back as packed members, in order, without unpacking; written again, the same bytes.
    members = zipped.members(ours)
    assert [(n, s) for n, _, s in members] == [(n, n == "mimetype") for n, _ in FILES]
    assert [zipped.unpacked(m, s) for _, m, s in members] == [data for _, data in FILES]
    assert zipped.archive([(n, m) for n, m, _ in members], WHEN, stored=["mimetype"]) == ours
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert z.testzip() is None and z.read("Bilder/Übersicht.txt") == FILES[2][1]


def test_an_editions_template_file_packs_only_the_entries_that_name_the_edition(monkeypatch):
    """The edition's title is set into the edition-neutral file; the other entries keep their
    packed bytes (packing every entry again cost 5-10 ms per file and edition)."""
    text = "# Vorlage\n\n§ 1 Zweck\n\n1. Der Rat tagt.\n- Punkt mit [Datum]"
    meta = office.TemplateMeta("Vorlage", "2.3", "Geschäftsordnung", "1", "2026-12", "Ausgabe Sachsen", "Dezember 2026")
    neutral_meta = office.TemplateMeta(**{**vars(meta), "ausgabe": office.EDITION_MARK})
    deflate = zipped.deflate
    packed: list[bytes] = []

    def counted(data: bytes) -> bytes:
        packed.append(data)
        return deflate(data)

    for kind in ("docx", "odt"):
        neutral = office.WRITERS[kind](text, neutral_meta)
        naming = [n for n, m, s in zipped.members(neutral) if office.EDITION_MARK.encode() in zipped.unpacked(m, s)]
        packed.clear()
        monkeypatch.setattr(zipped, "deflate", counted)
        made = office._for_edition(neutral, kind, meta)
        monkeypatch.setattr(zipped, "deflate", deflate)
        assert made == office.WRITERS[kind](text, meta), kind
        assert 2 <= len(naming) == len(packed) < len(zipped.members(neutral)), (kind, naming)
        assert all(b"Ausgabe Sachsen" in data for data in packed)
