"""German search in a real browser: Material's search worker with ours in front
(assets/suche-worker.js), the index with stems, compound parts and lower weight for overview
pages (mkdocs_adapter/search_entries.py). The queries are in suchanfragen.py."""

from __future__ import annotations

import json
import re

import pytest
from suchanfragen import QUERIES

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SEARCH = """q => {
    const input = document.querySelector("input[data-md-component='search-query']")
    input.focus()
    input.value = q
    input.dispatchEvent(new Event('input', {bubbles: true}))
    input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}))
}"""
FIRST_PAGES = """() => [...document.querySelectorAll('.md-search-result__item')].slice(0, 3)
    .map(li => li.querySelector('a').getAttribute('href'))"""


def search(page, query: str) -> list[str]:
    """The first three pages found: sheet numbers («2-3») or the page's address."""
    page.evaluate(SEARCH, query)
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__meta').textContent !== '' && "
        "document.querySelector(\"input[data-md-component='search-query']\").value === q",
        arg=query,
    )
    page.wait_for_timeout(150)  # the result list follows the count
    hrefs = page.evaluate(FIRST_PAGES)
    found = []
    for href in hrefs:
        m = re.search(r"blatt-(\d+-\d+)/", href)
        found.append(m[1] if m else href.split("?", 1)[0])
    return found


def test_german_queries_find_the_sheet_first(real_site):
    from browser import chromium, serve

    assert len(QUERIES) >= 30
    failures = []
    with serve(real_site) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{url}/sn/", wait_until="networkidle")
        for query, expected in QUERIES:
            found = search(page, query)
            sheet_first = bool(found) and re.fullmatch(r"\d+-\d+", found[0]) is not None
            if not sheet_first or not set(expected) & set(found):
                failures.append(f"{query!r}: erwartet {expected}, gefunden {found}")
    assert failures == [], "\n".join(failures)


def test_unknown_words_stay_unknown(real_site):
    """The rewriting does not make everything match: a word nowhere in the edition finds nothing."""
    from browser import chromium, serve

    with serve(real_site) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{url}/sn/", wait_until="networkidle")
        page.evaluate(SEARCH, "Quantenchromodynamik")
        page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent !== ''")
        assert page.text_content(".md-search-result__meta") == "Keine Suchergebnisse"


def test_index_has_stems_parts_and_weights(real_site):
    data = json.loads((real_site / "sn/search/search_index.json").read_text(encoding="utf-8"))
    assert "stemmer" in data["config"]["pipeline"]
    assert data["config"]["fields"]["teile"]["boost"] < data["config"]["fields"]["title"]["boost"]
    docs = {d["location"]: d for d in data["docs"]}
    assert "befragung" in docs["03-situationsanalyse/blatt-3-4/"]["teile"].split()
    assert docs["checklisten/"]["boost"] < 1 and "boost" not in docs["03-situationsanalyse/blatt-3-4/"]
    worker = real_site / "sn/assets/javascripts/workers"
    ours = next(worker.glob("search.*.min.js")).read_text(encoding="utf-8")
    assert "German stem" in ours and (worker / ("material-" + next(worker.glob("search.*.min.js")).name)).is_file()
