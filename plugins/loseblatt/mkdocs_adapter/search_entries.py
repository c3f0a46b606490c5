"""Search entries of the generated pages, made once per distinct page.

Material's search plugin parses every page of every edition. Generated pages are marked
`search: exclude` for it (render_cache.EditionPage); this module makes their entries with
Material's own parser and entry format, caches them with the rendered page, and adds them to
the index Material wrote.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from ..core.german import compound_parts

SEARCH_PLUGIN = "material/search"
WORKERS = "assets/javascripts/workers/"
OUR_WORKER = Path(__file__).resolve().parent.parent / "assets" / "suche-worker.js"

# Sheets rank above the pages that only list or collect them (register pages, checklists,
# indexes): Material multiplies the score of every entry of a page by its boost.
SHEET_LOCATION = re.compile(r"^\d\d-[^/]+/blatt-[^/]+/")
OVERVIEW_BOOST = 0.25
# Compound parts of titles («Bürgerbefragung»: «bürger befragung») are searchable, weighted
# below the title itself (Material: title 1000, text 1).
PARTS_FIELD = "teile"
PARTS_BOOST = 100.0
WORD = re.compile(r"[^\W\d_]+")
TAG = re.compile(r"<[^>]*>")


def search_config(config) -> dict | None:
    plugin = config.plugins.get(SEARCH_PLUGIN)
    if plugin is None or not plugin.config.get("enabled", True):
        return None
    return dict(plugin.config)


def entries_for(page, plugin_config: dict) -> list[dict]:
    """What Material's SearchIndex.add_entry_from_context would add for this page."""
    from material.plugins.search.plugin import Parser, SearchIndex

    index = SearchIndex(**plugin_config)
    parser = Parser()
    parser.feed(page.content)
    parser.close()
    for section in parser.data:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
    return index.entries


def add_to_index(site_dir: Path, entries: list[dict], page_order: list[str]) -> None:
    """Add our entries to Material's index, everything in navigation order (the order in which
    MkDocs worked through the pages must not show in the output)."""
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    rank = {url: i for i, url in enumerate(page_order)}
    docs = data["docs"] + entries
    data["docs"] = sorted(docs, key=lambda e: rank.get(e.get("location", "").split("#", 1)[0], len(rank)))
    german_index(data)
    # The same serialisation as Material's own index.
    path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")


@lru_cache(maxsize=50_000)
def _words(text: str) -> tuple[str, ...]:
    """The words of an entry with three letters or more, case-folded. Remembered in the process:
    the editions share most entries, and a serve worker sees the same ones at every rebuild
    (at 1,000 sheets finding them was a third of a second per edition). Tens of thousands of
    entries share a few thousand words: a tuple of interned words is a fifth of the memory of a
    set of its own strings per entry (at 3,000 sheets 31 against 156 MB in each worker)."""
    return tuple(
        sys.intern(w) for w in dict.fromkeys(w.casefold() for w in WORD.findall(TAG.sub(" ", text)) if len(w) >= 3)
    )


def german_index(data: dict) -> None:
    """Our additions to Material's index: compound parts of titles and lower weight for
    overview pages. The query side is assets/suche-worker.js."""
    vocabulary = set().union(*[_words(f"{doc.get('title', '')} {doc.get('text', '')}") for doc in data["docs"]])
    for doc in data["docs"]:
        parts = [p for w in WORD.findall(doc.get("title", "")) for p in compound_parts(w, vocabulary)]
        if parts:
            doc[PARTS_FIELD] = " ".join(dict.fromkeys(parts))
        if not SHEET_LOCATION.match(doc.get("location", "")):
            doc["boost"] = OVERVIEW_BOOST
    data["config"].setdefault("fields", {})[PARTS_FIELD] = {"boost": PARTS_BOOST}


def install_worker(files, config) -> None:
    """Our search worker takes the place of Material's (assets/suche-worker.js says why);
    Material's worker moves beside it under its own name, which ours loads."""
    from mkdocs.structure.files import File

    material = next((f for f in files if re.fullmatch(rf"{WORKERS}search\.[0-9a-f]+\.min\.js", f.src_uri)), None)
    if material is None:
        return
    path = material.src_uri
    name = "material-" + path.rsplit("/", 1)[1]
    files.remove(material)
    files.append(File.generated(config, WORKERS + name, abs_src_path=material.abs_src_path))
    content = OUR_WORKER.read_text(encoding="utf-8").replace("__MATERIAL_WORKER__", name)
    files.append(File.generated(config, path, content=content))
