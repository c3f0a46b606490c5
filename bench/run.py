"""make bench: our build of all editions against one `mkdocs build` per edition, on synthetic
binders of 100 and 1,000 sheets; rebuild after a one-sheet edit as `make serve` does it; PDFs
cold, unchanged and after one edit; peak memory. Writes bench/ergebnis.json and bench/ERGEBNIS.md.

Usage: python bench/run.py [--sizes 100,1000] [--no-pdf-1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import STATES, generate  # noqa: E402

EDITIONS = ["bund", *STATES]
PY = sys.executable


class PeakMemory:
    """Sum of the resident memory of a process and all its descendants, sampled."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry))
                except (OSError, IndexError, ValueError):
                    pass
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += children.get(p, [])
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(cmd: list[str], cwd: Path, env: dict | None = None, measure_memory: bool = False) -> tuple[float, int]:
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1790000000", **(env or {}))
    full_env.pop("LOSEBLATT_AUSGABE", None) if "LOSEBLATT_AUSGABE" not in (env or {}) else None
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if measure_memory:
        with PeakMemory(proc.pid) as mem:
            out, _ = proc.communicate()
        peak = mem.peak
    else:
        out, _ = proc.communicate()
        peak = 0
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} in {cwd} schlug fehl:\n{out[-3000:]}")
    return elapsed, peak


SERVE_SCRIPT = r"""
import os, sys, time, json
from pathlib import Path
from mkdocs.config import load_config
from mkdocs.commands.build import build
sheet = Path(sys.argv[1])
def once():
    cfg = load_config("mkdocs.yml", site_dir=sys.argv[2])
    cfg.plugins.on_startup(command="serve", dirty=False)
    t = time.perf_counter()
    build(cfg, serve_url="http://127.0.0.1:8000/")
    return time.perf_counter() - t
once()                                   # the first build when serve starts
text = sheet.read_text()
sheet.write_text(text.replace("## Hinweise", "## Hinweise\n\nEin geänderter Satz.", 1))
print(json.dumps({"rebuild": once()}))   # what serve does after the edit
"""


def serve_edit(project: Path, editions: str | None) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="0", SOURCE_DATE_EPOCH="1790000000")
    env.pop("LOSEBLATT_AUSGABE", None)
    if editions:
        env["LOSEBLATT_AUSGABE"] = editions
    sheet = next((project / "binder/02-gremien").glob("blatt-2.md"))
    with tempfile.TemporaryDirectory() as site:
        out = subprocess.run(
            [PY, "-c", SERVE_SCRIPT, str(sheet), site], cwd=project, env=env, capture_output=True, text=True
        )
    if out.returncode != 0:
        raise SystemExit(out.stdout[-2000:] + out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])["rebuild"]


def stats(project: Path) -> dict:
    return json.loads((project / ".cache/loseblatt/build-stats.json").read_text())


def pdf_stats(project: Path) -> dict:
    return json.loads((project / ".cache/loseblatt/pdf-stats.json").read_text())


def bench_size(n: int, workdir: Path, with_pdf: bool) -> dict:
    project = generate(workdir / f"binder-{n}", n)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    mk = [PY, "-m", "mkdocs", "build"]
    res: dict = {"blaetter": n}

    # Ours: every edition in one build (HTML only), memory sampled.
    t, peak = run(mk, project, {"LOSEBLATT_PDF": "0"}, measure_memory=True)
    res["alle_ausgaben_s"] = round(t, 2)
    res["alle_ausgaben_html_s"] = stats(project)["html"]
    res["spitzenspeicher_mb"] = round(peak / 2**20)
    res["seiten"] = stats(project)["seiten"]  # pages the theme rendered / took from the page cache

    # The naive reference: one separate `mkdocs build` per edition, same configuration, each on its
    # own (empty) caches, as a tool that builds every variant from scratch would.
    naive = {}
    for code in EDITIONS:
        t, _ = run(
            [*mk, "-d", str(project / f"naiv-{code}")],
            project,
            {"LOSEBLATT_PDF": "0", "LOSEBLATT_AUSGABE": code, "LOSEBLATT_CACHE": str(project / f".naiv-cache-{code}")},
        )
        naive[code] = round(t, 2)
    res["naiv_je_ausgabe_s"] = naive
    res["naiv_summe_s"] = round(sum(naive.values()), 2)
    res["verhaeltnis"] = round(res["alle_ausgaben_s"] / res["naiv_summe_s"], 3)

    # `make serve` after editing one sheet: all editions, and one edition (LOSEBLATT_AUSGABE).
    res["serve_alle_s"] = round(serve_edit(project, None), 2)
    res["serve_eine_ausgabe_s"] = round(serve_edit(project, "sn"), 2)
    res["serve_eine_ausgabe_gerendert"] = stats(project)["seiten_gerendert"]

    if with_pdf:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        t, peak = run(mk, project, {"LOSEBLATT_PDF": "1"}, measure_memory=True)
        res["pdf_kalt"] = {
            "gesamt_s": round(t, 2),
            "pdf_schritt_s": stats(project)["pdf"],
            "gesetzt": len(pdf_stats(project)["gerendert"]),
            "spitzenspeicher_mb": round(peak / 2**20),
        }
        t, _ = run(mk, project, {"LOSEBLATT_PDF": "1"})
        res["pdf_unveraendert"] = {
            "gesamt_s": round(t, 2),
            "pdf_schritt_s": stats(project)["pdf"],
            "gesetzt": len(pdf_stats(project)["gerendert"]),
        }
        sheet = project / "binder/02-gremien/blatt-2.md"
        sheet.write_text(sheet.read_text().replace("## Hinweise", "## Hinweise\n\nNoch ein Satz.", 1))
        t, _ = run(mk, project, {"LOSEBLATT_PDF": "1"})
        res["pdf_ein_blatt_geaendert"] = {
            "gesamt_s": round(t, 2),
            "pdf_schritt_s": stats(project)["pdf"],
            "gesetzt": pdf_stats(project)["gerendert"],
        }
    return res


def markdown_report(results: list[dict], meta: dict) -> str:
    lines = [
        "# Benchmark: alle Ausgaben in einem Build",
        "",
        f"Gemessen am {meta['datum']} auf {meta['rechner']} ({meta['kerne']} Kerne), Python {meta['python']}.",
        "Erzeugt mit `make bench` (bench/run.py); die Rohdaten stehen in `bench/ergebnis.json`.",
        "",
        "| Messung | " + " | ".join(f"{r['blaetter']} Blätter" for r in results) + " | Ziel |",
        "|---|" + "---:|" * len(results) + "---|",
    ]

    def row(label, key, fmt="{:.2f} s", goal=""):
        vals = []
        for r in results:
            v = key(r)
            vals.append(fmt.format(v) if v is not None else "–")
        lines.append(f"| {label} | " + " | ".join(vals) + f" | {goal} |")

    row("Alle 7 Ausgaben, ein Build (HTML)", lambda r: r["alle_ausgaben_s"])
    row("Naiv: 7 einzelne `mkdocs build`", lambda r: r["naiv_summe_s"])
    row("Verhältnis (Ziel ≤ 0,35)", lambda r: r["verhaeltnis"], "{:.3f}", "≤ 0,35")
    row(
        "Seiten gerendert / aus dem Seiten-Zwischenspeicher (alle Ausgaben, kalt)",
        lambda r: f"{r['seiten']['gerendert']} / {r['seiten']['aus_cache']}" if "seiten" in r else None,
        "{}",
    )
    row("Serve nach Änderung eines Blattes, alle Ausgaben", lambda r: r["serve_alle_s"])
    row(
        "Serve nach Änderung, eine Ausgabe (`LOSEBLATT_AUSGABE=sn`)",
        lambda r: r["serve_eine_ausgabe_s"],
        "{:.2f} s",
        "1 s (100) / 3 s (1000)",
    )
    row(
        "Serve, eine Ausgabe: danach neu gerenderte Seiten",
        lambda r: ", ".join(r["serve_eine_ausgabe_gerendert"]) if "serve_eine_ausgabe_gerendert" in r else None,
        "{}",
    )
    row("PDF kalt: PDF-Schritt", lambda r: r.get("pdf_kalt", {}).get("pdf_schritt_s"))
    row("PDF kalt: gesetzte Dokumente", lambda r: r.get("pdf_kalt", {}).get("gesetzt"), "{}")
    row(
        "PDF unverändert: PDF-Schritt",
        lambda r: r.get("pdf_unveraendert", {}).get("pdf_schritt_s"),
        "{:.2f} s",
        "< 2 s (100)",
    )
    row("PDF unverändert: gesetzte Dokumente", lambda r: r.get("pdf_unveraendert", {}).get("gesetzt"), "{}", "0")
    row(
        "PDF nach einer Änderung: gesetzte Dokumente",
        lambda r: len(r["pdf_ein_blatt_geaendert"]["gesetzt"]) if "pdf_ein_blatt_geaendert" in r else None,
        "{}",
        "nur dieses Blatt je Ausgabe",
    )
    row("Spitzenspeicher, alle Ausgaben (HTML)", lambda r: r["spitzenspeicher_mb"], "{} MB", "< 1500 MB (1000)")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--pdf-sizes", default="100,1000", help="sizes for which the PDF steps are measured")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pdf_sizes = {int(s) for s in args.pdf_sizes.split(",") if s}
    meta = {
        "datum": time.strftime("%Y-%m-%d"),
        "rechner": platform.machine(),
        "kerne": os.cpu_count(),
        "python": platform.python_version(),
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="loseblatt-bench-") as tmp:
        for n in sizes:
            print(f"Benchmark mit {n} Blättern …", flush=True)
            results.append(bench_size(n, Path(tmp), n in pdf_sizes))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    (HERE / "ergebnis.json").write_text(
        json.dumps({"meta": meta, "ergebnisse": results}, indent=1, ensure_ascii=False) + "\n"
    )
    report = markdown_report(results, meta)
    notes = HERE / "ANALYSE.md"
    if notes.is_file():
        report += "\n" + notes.read_text()
    (HERE / "ERGEBNIS.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
