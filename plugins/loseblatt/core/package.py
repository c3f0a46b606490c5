"""Edition packages: an edition as delivered, machine-readable, for binders built on top of it.

Per edition and recorded delivery the build writes `site/<code>/pakete/<lieferung>.zip`, the
newest once more as `aktuell.zip`, and `pakete/index.json` with every package's checksum. A
municipal binder pins one package and builds its own site from it, offline (core/kommune.py).
The format is documented in docs/ausgabenpakete.md; `FORMAT_VERSION` rises with every
change a reader must know about.

A package holds the sheets as the delivery recorded them (assembled: passages chosen, the
state's variables filled in, Blattverweise resolved to the edition's addresses), so a binder
built on it shows exactly what the state delivered. What the snapshot does not record
(keywords, checklists, images, origin) comes from today's edition where the sheet is the same.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..addresses import register_page, sheet_page
from ..caching import CacheFolder, cache_key, write_new
from .assemble import AssembledEdition, AssembledSheet, process_text
from .checklists import Checklist, Item, extract
from .deliveries import SheetRecord, Snapshot, Withdrawal, previous_version
from .derived import derived_history, register_key
from .glossary import Term
from .model import Binder, sheet_sort_key
from .problems import Problems
from .references import REFERENCE, Target
from .revisions import mark

FORMAT = "loseblatt-paket"
FORMAT_VERSION = 1
INDEX_FORMAT = "loseblatt-pakete"
FOLDER = "pakete"
NEWEST = "aktuell.zip"
INDEX = "index.json"
META = "paket.json"
CHECKSUMS = "pruefsummen.sha256"
# A fixed time for every zip entry: the same delivery gives the same bytes in any build.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_PACKAGE = 200_000_000
MAX_MEMBER = 50_000_000

# A resolved Blattverweis (references.link_markdown), turned back into [[id]] for checklist items:
# their text is shown on other pages, which resolve it relative to themselves. Packages made
# before 0.3 also carry the class name the core used to write.
_RESOLVED = re.compile(r'\[Blatt [^\]\n]*?\]\([^)\s]*\)\{: (?:\.lb-verweis )?data-blatt="([^"]+)" \}')


class PackageError(ValueError):
    """A package that cannot be used; the message is German and says why."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sheet_file(blatt: str) -> str:
    return f"blaetter/{blatt.replace('.', '-')}.md"


def _unresolve(text: str) -> str:
    return _RESOLVED.sub(lambda m: f"[[{m.group(1)}]]", text)


def _record_dict(r: SheetRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "blatt": r.blatt,
        "titel": r.titel,
        "fassung": r.fassung,
        "stand": r.stand,
        "register": r.register,
        "register_titel": r.register_titel,
        "sha256": r.sha256,
    }
    for key in ("fassung_ergaenzung", "seiten", "aenderung", "grund"):
        value = getattr(r, key)
        if value is not None:
            out[key] = value
    return out


def _checklists_dict(checklists: list[Checklist]) -> list[dict]:
    return [
        {"id": c.id, "titel": c.title, "punkte": [{"id": i.id, "text": i.text} for i in c.items]} for c in checklists
    ]


def edition_meta(edition: AssembledEdition) -> dict[str, Any]:
    d = edition.definition
    return {
        "code": d.code,
        "name": d.name,
        "titel": d.titel,
        "gremium": dict(vars(d.gremium)),
        "kontakte": [dict(vars(c)) for c in d.kontakte],
        "variablen": d.variablen,
    }


def package_files(
    edition: AssembledEdition,
    binder: Binder,
    snapshots: list[Snapshot],
    withdrawals: list[Withdrawal],
    delivery: str,
) -> dict[str, bytes]:
    """Every file of the package of `edition` as delivered by `delivery` (name -> bytes)."""
    code = edition.code
    index = next(i for i, s in enumerate(snapshots) if s.name == delivery)
    snap = snapshots[index]
    records = snap.editions[code]
    current = {s.blatt: s for s in edition.sheets}
    files: dict[str, bytes] = {}
    registers = []
    # Registerblätter are not recorded by a delivery: today's text, with links only to the sheets
    # the delivery has (a reference to a sheet it lacks stays as words).
    delivered_targets = {
        b: Target(r.titel, sheet_page(reg.register.slug, b))
        for b, r in records.items()
        for reg in edition.registers
        if reg.register.number == r.register
    }
    # The register sheet's Fassung and Stand as this delivery printed it (core/derived.py), not
    # the register.md's own: a new sheet in the list makes a new Fassung of the register sheet.
    printed = derived_history(snapshots, withdrawals, edition).deliveries.get(delivery)
    for reg in edition.registers:
        version = printed.versions.get(register_key(reg.register.number)) if printed else None
        name = f"register/{reg.register.number}.md"
        text, _ = process_text(
            reg.register.body, reg.register.path, reg.register.body_line, code, edition.context,
            delivered_targets, reg.doc_path, Problems(binder.root), f"register-{reg.register.number}",
        )  # fmt: skip
        text = REFERENCE.sub(lambda m: f"Blatt {m.group(1).strip()}", text)
        files[name] = text.encode("utf-8")
        registers.append(
            {
                "nummer": reg.register.number,
                "ordner": reg.register.slug,
                "titel": reg.register.titel,
                "fassung": version.fassung if version else reg.register.fassung,
                "stand": version.stand if version else reg.register.stand,
                "adresse": register_page(reg.register.slug),
                "datei": name,
            }
        )
    by_number = {r.register.number: r.register for r in edition.registers}
    sheets = []
    for blatt in sorted(records, key=sheet_sort_key):
        rec = records[blatt]
        now: AssembledSheet | None = current.get(blatt)
        same = now is not None and now.sha256 == rec.sha256
        register = by_number.get(rec.register)
        if register is None:
            continue  # a register that no longer exists: nothing to file it under
        doc_path = sheet_page(register.slug, blatt)
        entry = _record_dict(rec)
        entry["adresse"] = doc_path
        entry["datei"] = _sheet_file(blatt)
        files[entry["datei"]] = rec.markdown.encode("utf-8")
        before = previous_version(snapshots[: index + 1], code, blatt, rec.fassung_label)
        if rec.aenderung == "inhaltlich" and before is not None:
            marked, n = mark(before.markdown, rec.markdown)
            if n:
                entry["markiert"] = entry["datei"].removesuffix(".md") + ".markiert.md"
                files[entry["markiert"]] = marked.encode("utf-8")
        if now is not None:
            entry["schlagworte"] = list(now.schlagworte)
            entry["herkunft"] = now.origin
            entry["kennung"] = now.identity
        else:
            entry["schlagworte"], entry["herkunft"], entry["kennung"] = [], code, blatt
        checklists = now.checklists if same and now is not None else extract(_unresolve(rec.markdown))
        entry["checklisten"] = _checklists_dict(checklists)
        images = []
        for src, source in now.images() if now is not None else []:
            dest = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), src))
            if dest.startswith("../") or not source.is_file():
                continue
            name = f"bilder/{dest}"
            files[name] = source.read_bytes()
            images.append({"adresse": src, "datei": name})
        entry["bilder"] = images
        sheets.append(entry)
    history = [
        {
            "name": s.name,
            "datum": s.datum,
            "blaetter": [
                _record_dict(r) for b, r in sorted(s.editions[code].items(), key=lambda x: sheet_sort_key(x[0]))
            ],
        }
        for s in snapshots[: index + 1]
        if code in s.editions
    ]
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ausgabe": edition_meta(edition),
        "lieferung": {"name": snap.name, "datum": snap.datum},
        "register": registers,
        "blaetter": sheets,
        "glossar": [
            {k: v for k, v in (("begriff", t.begriff), ("langform", t.langform), ("erklaerung", t.erklaerung)) if v}
            for t in binder.glossary
        ],
        "abkuerzungen": edition.abbreviations,
        "lieferungen": history,
        "entfallen": [{"blatt": w.blatt, "grund": w.grund, "stand": w.stand} for w in withdrawals if w.applies(code)],
    }
    files[META] = (json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    files[CHECKSUMS] = "".join(f"{sha256_bytes(files[n])}  {n}\n" for n in sorted(files)).encode("utf-8")
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip with sorted entries, fixed times and modes: reproducible bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[name], compresslevel=9)
    return buf.getvalue()


def _zipped(files: dict[str, bytes], zips: CacheFolder | None) -> bytes:
    """zip_bytes, kept by the files' contents: every build writes every delivery's package of
    every edition again, and compressing them was most of that."""
    if zips is None:
        return zip_bytes(files)
    key = cache_key("paket", *(part for name in sorted(files) for part in (name, files[name])))
    data = zips.read(key, ".zip")
    if data is None:
        data = zip_bytes(files)
        zips.write(key, ".zip", data)
    return data


def write_packages(
    edition: AssembledEdition,
    binder: Binder,
    snapshots: list[Snapshot],
    withdrawals: list[Withdrawal],
    edition_dir: Path,
    zips: CacheFolder | None = None,
) -> list[Path]:
    """site/<code>/pakete/: one zip per delivery of the edition, aktuell.zip and index.json;
    with `zips`, each zip is kept there by its contents."""
    code = edition.code
    if edition.definition.folder is None and edition.definition.path.name == "kommune.yml":
        return []  # a municipal binder publishes no package of its own
    delivered = [s for s in snapshots if code in s.editions]
    folder = Path(edition_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    listed = []
    data = b""
    for snap in delivered:
        data = _zipped(package_files(edition, binder, snapshots, withdrawals, snap.name), zips)
        path = folder / f"{snap.name}.zip"
        write_new(path, data)
        written.append(path)
        listed.append({"lieferung": snap.name, "datum": snap.datum, "datei": path.name, "sha256": sha256_bytes(data)})
    if delivered:
        write_new(folder / NEWEST, data)
        written.append(folder / NEWEST)
    index = {
        "format": INDEX_FORMAT,
        "format_version": FORMAT_VERSION,
        "ausgabe": code,
        "aktuell": delivered[-1].name if delivered else None,
        "pakete": listed,
    }
    write_new(folder / INDEX, (json.dumps(index, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    written.append(folder / INDEX)
    return written


# ----- reading ------------------------------------------------------------------------


@dataclass
class PackageSheet:
    blatt: str
    titel: str
    fassung: int
    stand: str
    register: int
    sha256: str
    markdown: str
    doc_path: str
    fassung_ergaenzung: int | None = None
    seiten: int | None = None
    aenderung: str | None = None
    grund: str | None = None
    marked: str | None = None
    schlagworte: list[str] = field(default_factory=list)
    herkunft: str = ""
    kennung: str = ""
    checklists: list[Checklist] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (address in the text, file in the package)

    @property
    def fassung_label(self) -> str:
        return f"{self.fassung}/{self.fassung_ergaenzung}" if self.fassung_ergaenzung else str(self.fassung)


@dataclass
class PackageRegister:
    number: int
    slug: str
    titel: str
    fassung: int
    stand: str
    markdown: str


@dataclass
class Package:
    meta: dict[str, Any]
    files: dict[str, bytes]
    sha256: str
    registers: list[PackageRegister]
    sheets: list[PackageSheet]
    glossary: list[Term]
    history: list[tuple[str, str, dict[str, SheetRecord]]]  # (name, datum, blatt -> record), oldest first
    withdrawals: list[Withdrawal]
    raw: bytes = b""  # the package's bytes as read (its checksum is what a binder pins)

    @property
    def code(self) -> str:
        return str(self.meta["ausgabe"]["code"])

    @property
    def delivery(self) -> str:
        return str(self.meta["lieferung"]["name"])

    @property
    def datum(self) -> str:
        return str(self.meta["lieferung"]["datum"])

    def sheet(self, blatt: str) -> PackageSheet | None:
        return next((s for s in self.sheets if s.blatt == blatt), None)


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name and not name.endswith("/")


def _record(d: dict, markdown: str = "") -> SheetRecord:
    return SheetRecord(
        blatt=str(d["blatt"]),
        titel=str(d["titel"]),
        fassung=int(d["fassung"]),
        stand=str(d["stand"]),
        register=int(d["register"]),
        register_titel=str(d.get("register_titel", "")),
        sha256=str(d["sha256"]),
        markdown=markdown,
        seiten=d.get("seiten"),
        fassung_ergaenzung=d.get("fassung_ergaenzung"),
        aenderung=d.get("aenderung"),
        grund=d.get("grund"),
    )


def read_package(data: bytes, what: str = "Das Paket") -> Package:
    """Open and verify a package; PackageError (German) when it is damaged or of another format."""
    if len(data) > MAX_PACKAGE:
        raise PackageError(f"{what} ist größer als {MAX_PACKAGE // 1_000_000} MB.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        files: dict[str, bytes] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            if not _safe_name(info.filename):
                raise PackageError(f"{what} enthält einen unzulässigen Dateinamen „{info.filename}“.")
            if info.file_size > MAX_MEMBER:
                raise PackageError(f"{what} enthält eine zu große Datei „{info.filename}“.")
            files[info.filename] = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, PackageError):
            raise
        raise PackageError(f"{what} ist keine lesbare Zip-Datei.") from None
    if META not in files or CHECKSUMS not in files:
        raise PackageError(f"{what} ist kein Ausgabenpaket (es fehlt „{META}“ oder „{CHECKSUMS}“).")
    listed: dict[str, str] = {}
    for line in files[CHECKSUMS].decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, content in files.items():
        if name == CHECKSUMS:
            continue
        if listed.get(name) != sha256_bytes(content):
            raise PackageError(f"{what} ist beschädigt: Die Prüfsumme von „{name}“ stimmt nicht.")
    missing = sorted(set(listed) - set(files))
    if missing:
        raise PackageError(f"{what} ist unvollständig: „{missing[0]}“ fehlt.")
    try:
        meta = json.loads(files[META].decode("utf-8"))
        if meta.get("format") != FORMAT:
            raise PackageError(f"{what} ist kein Ausgabenpaket (Format „{meta.get('format')}“).")
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise PackageError(
                f"{what} hat die Formatversion {version}; diese Version des Werkzeugs liest Version "
                f"{FORMAT_VERSION}. Bitte das Werkzeug aktualisieren."
            )

        def text(name: str) -> str:
            return files[name].decode("utf-8")

        registers = [
            PackageRegister(
                int(r["nummer"]),
                str(r["ordner"]),
                str(r["titel"]),
                int(r["fassung"]),
                str(r["stand"]),
                text(r["datei"]),
            )
            for r in meta["register"]
        ]
        sheets = []
        for s in meta["blaetter"]:
            rec = _record(s)
            sheets.append(
                PackageSheet(
                    blatt=rec.blatt,
                    titel=rec.titel,
                    fassung=rec.fassung,
                    stand=rec.stand,
                    register=rec.register,
                    sha256=rec.sha256,
                    markdown=text(s["datei"]),
                    doc_path=str(s["adresse"]),
                    fassung_ergaenzung=rec.fassung_ergaenzung,
                    seiten=rec.seiten,
                    aenderung=rec.aenderung,
                    grund=rec.grund,
                    marked=text(s["markiert"]) if s.get("markiert") else None,
                    schlagworte=[str(w) for w in s.get("schlagworte", [])],
                    herkunft=str(s.get("herkunft", "")),
                    kennung=str(s.get("kennung", rec.blatt)),
                    checklists=[
                        Checklist(
                            str(c["id"]), str(c["titel"]), [Item(str(i["id"]), str(i["text"])) for i in c["punkte"]]
                        )
                        for c in s.get("checklisten", [])
                    ],
                    images=[(str(b["adresse"]), str(b["datei"])) for b in s.get("bilder", [])],
                )
            )
            for _, name in sheets[-1].images:
                if name not in files:
                    raise KeyError(name)
        glossary = [Term(str(t["begriff"]), str(t["erklaerung"]), t.get("langform")) for t in meta.get("glossar", [])]
        history = [
            (str(h["name"]), str(h["datum"]), {str(r["blatt"]): _record(r) for r in h["blaetter"]})
            for h in meta.get("lieferungen", [])
        ]
        withdrawals = [
            Withdrawal(str(w["blatt"]), str(w["grund"]), str(w["stand"]), None, 1) for w in meta.get("entfallen", [])
        ]
        for key in ("code", "name", "titel", "gremium"):
            if key not in meta["ausgabe"]:
                raise KeyError(key)
        if "name" not in meta["lieferung"]:
            raise KeyError("lieferung")
    except PackageError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        detail = f" (Angabe {exc} fehlt)" if isinstance(exc, KeyError) else ""
        raise PackageError(f"{what} hat einen unerwarteten Aufbau{detail}.") from None
    return Package(meta, files, sha256_bytes(data), registers, sheets, glossary, history, withdrawals, data)
