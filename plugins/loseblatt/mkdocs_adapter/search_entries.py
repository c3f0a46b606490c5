"""Search entries of the generated pages, made once per distinct page.

Material's search plugin parses every page of every edition. Generated pages are marked
`search: exclude` for it (render_cache.EditionPage); this module makes their entries with
Material's own parser and entry format, caches them with the rendered page, and adds them to
the index Material wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

SEARCH_PLUGIN = "material/search"


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
    # The same serialisation as Material's own index.
    path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
