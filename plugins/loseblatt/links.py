"""External links of a built site: listed offline, checked only when asked (scheduled workflow)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

EXTERNAL = re.compile(r'<a class="lb-extern" href="(https?://[^"]+)"')


def external_links(site: Path) -> dict[str, list[str]]:
    """{address: [pages that link to it]} over every HTML page of the built site."""
    found: dict[str, set[str]] = defaultdict(set)
    for page in sorted(Path(site).rglob("*.html")):
        for url in EXTERNAL.findall(page.read_text(encoding="utf-8")):
            found[url].add(page.relative_to(site).as_posix())
    return {url: sorted(pages) for url, pages in sorted(found.items())}


def check(url: str, timeout: float = 15.0) -> str | None:
    """None if the address answers, else the reason (German)."""
    request = urllib.request.Request(  # noqa: S310 - only https/http addresses reach here (EXTERNAL)
        url, method="HEAD", headers={"User-Agent": "loseblatt-linkpruefung"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https/http only
            return None if response.status < 400 else f"Status {response.status}"
    except urllib.error.HTTPError as exc:
        if exc.code in (403, 405):  # some servers refuse HEAD: try GET
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                    return None if response.status < 400 else f"Status {response.status}"
            except (urllib.error.URLError, TimeoutError) as again:
                return str(getattr(again, "reason", again))
        return f"Status {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return str(getattr(exc, "reason", exc))


def report(site: Path, *, online: bool) -> tuple[str, int]:
    """A Markdown report and the number of dead links (0 when not checked online)."""
    links = external_links(site)
    lines = ["## Externe Links", "", f"{len(links)} Adressen auf {sum(len(p) for p in links.values())} Seiten."]
    dead = 0
    if online:
        rows = []
        for url, pages in links.items():
            why = check(url)
            if why is not None:
                dead += 1
                rows.append(f"| {url} | {why} | {', '.join(pages[:3])}{' …' if len(pages) > 3 else ''} |")
        lines += ["", f"Nicht erreichbar: {dead}."]
        if rows:
            lines += ["", "| Adresse | Grund | Seiten |", "|---|---|---|", *rows]
    else:
        lines += ["", *(f"- {url} ({len(pages)} Seiten)" for url, pages in links.items())]
    return "\n".join(lines) + "\n", dead
