"""Published pages in a real browser: no third-party requests, WCAG 2.1 AA (axe-core), valid HTML."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EDITIONS = ("bund", "bb", "bw", "mv", "rp", "sh", "sn")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
# WCAG 2.2 AA and axe's best practices; any violation fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = """async (tags) => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def pages_of(code: str) -> list[str]:
    return [
        f"{code}/",
        f"{code}/02-gremiengruendung/",
        f"{code}/02-gremiengruendung/blatt-2-1/",
        f"{code}/08-landesstrategie/blatt-8-1/",
        f"{code}/checklisten/",
        f"{code}/checklisten/register-2/",
        f"{code}/verzeichnis/",
        f"{code}/neu/",
        f"{code}/stichwortverzeichnis/",
        f"{code}/09-arbeitshilfen/blatt-9-7/",  # the glossary
        f"{code}/lieferungen/",
        f"{code}/mitmachen/",  # a hand-written page with code blocks
        f"{code}/fehlt/?blatt=8.51&titel=Die%20Kooperationsvereinbarung&von=Ausgabe%20Sachsen&register=8&eigen=1",
        f"{code}/404.html",
        # Templates with downloads, a Fassungsvergleich, what makes a state edition different.
        f"{code}/02-gremiengruendung/blatt-2-3/",
        f"{code}/vergleich/blatt-2-3/",
        *([f"{code}/anders/", f"{code}/vergleich/allgemein-blatt-8-1/"] if code != "bund" else []),
    ]


def test_pages_request_nothing_elsewhere_and_pass_axe(real_site):
    from browser import chromium, serve

    assert AXE.is_file(), "axe-core fehlt: make test installiert es mit npm"
    failures: list[str] = []
    with serve(real_site) as url, chromium() as browser:
        host = urlsplit(url).netloc
        context = browser.new_context()
        foreign: list[str] = []
        context.on(
            "request",
            lambda r: (
                foreign.append(r.url)
                if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith(("data:", "blob:"))
                else None
            ),
        )
        page = context.new_page()
        for rel in [""] + [p for code in EDITIONS for p in pages_of(code)]:
            page.goto(f"{url}/{rel}", wait_until="networkidle")
            page.add_script_tag(path=str(AXE))
            failures += [f"/{rel}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]
        # Search works, stays in its edition, and still requests nothing elsewhere.
        for code in EDITIONS:
            page.goto(f"{url}/{code}/", wait_until="networkidle")
            query = page.locator("input[data-md-component='search-query']")
            query.click()
            query.press_sequentially("Geschäftsordnung", delay=10)  # Material searches on key events
            results = page.locator(".md-search-result__item a")
            results.first.wait_for(timeout=15000)
            hrefs = results.evaluate_all("els => els.map(e => e.href)")
            assert hrefs and all(f"/{code}/" in h for h in hrefs), (code, hrefs[:5])
            # The search results state: the open dialog, the count, the result list.
            page.add_script_tag(path=str(AXE))
            failures += [f"/{code}/ (Suchergebnisse): {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]
        context.close()
    assert foreign == []
    assert failures == []


def test_generated_html_validates(real_site):
    files = sorted(str(p) for p in real_site.rglob("*.html"))
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m['url']).relative_to(real_site) if m['url'].startswith('/') else m['url']}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], errors[:20]
    assert len(files) > 500
