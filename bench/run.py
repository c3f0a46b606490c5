"""make bench: our build against what users would otherwise run, as ratios measured in one run.

The reference ("plain") is the same assembled editions exported as plain MkDocs + Material
projects (bench/reference.py) and built two at a time, as a team without our plugin would on
two cores. Measured on the real binder and on synthetic binders (bench/generate.py):

* cold build of all editions (HTML), ours vs. plain, paired runs, medians, wall and CPU;
* no-op rebuild, and how many files it rewrote with unchanged bytes;
* the floor: converting every distinct page's Markdown once and writing the site's bytes;
* the lower bound on two cores: what no build of this site can leave out, each part done once
  (bench/untergrenze.py);
* our own plugin once per edition (the old "naive" row, for continuity);
* `mkdocs serve`: a real server, one sheet edited 20 times, time until the page shows the new
  text (the edition polled is the one "a browser shows", so it is built first), until every
  edition is published (from build-stats.json), and the server's memory;
* PDFs: cold, unchanged, one glossary entry, one checklist sheet (documents re-rendered);
* peak memory of all processes of a build.

CPU time is sampled from /proc for the whole process tree (workers started by a fork server are
not reaped by the build process, so getrusage would miss them). Tests assert behaviour; this
file only reports times. Usage: python bench/run.py [--arbeiten echt,1000] [--paare 3]

Before a cold build, the last build's outputs (ours and the reference's alike) are moved aside,
not deleted; they are deleted when the benchmark ends. On ext4 without a journal (this machine's
disk) the kernel skips every inode freed in the last minute, or six if its block is not written
back yet, when it allocates a new one (`recently_deleted` in fs/ext4/ialloc.c): a cold build
right after deleting the last one's 10,000 files spent 11-12 s in the kernel instead of 2-3 s,
and the penalty grows with the files a build makes, not with its work. Neither a fresh checkout
nor a disk with a journal pays it (ANALYSE.md, 4 December).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from untergrenze import lower_bound  # noqa: E402

PY = sys.executable
TICKS = os.sysconf("SC_CLK_TCK")
EPOCH = "1790000000"


class TreeSampler:
    """Peak resident memory (sum) and CPU seconds of a process and all its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.cpu_by_pid = pid, 0, {}
        self._stop = threading.Event()
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

    def sample(self) -> int:
        total = 0
        for p in self._tree():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                self.cpu_by_pid[p] = (int(fields[11]) + int(fields[12])) / TICKS
                with open(f"/proc/{p}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
            except (OSError, IndexError, ValueError):
                pass
        self.peak = max(self.peak, total)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.05)

    @property
    def cpu(self) -> float:
        return sum(self.cpu_by_pid.values())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def environment(extra: dict | None = None) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH, SITE_URL="https://beispiel.invalid/")
    env.pop("LOSEBLATT_AUSGABE", None)
    env.update(extra or {})
    return env


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall and CPU seconds and peak memory (MB) of one command with all its processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=environment(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with TreeSampler(proc.pid) as tree:
        out, _ = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} in {cwd} schlug fehl:\n{out[-3000:]}")
    return {"wall": wall, "cpu": tree.cpu, "mb": tree.peak / 2**20}


PLAIN_DRIVER = r"""
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
def one(folder):
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, check=True)
with ThreadPoolExecutor(2) as pool:
    list(pool.map(one, sys.argv[1:]))
"""


class Aside:
    """Where old outputs go before a cold build (see the module's text); deleted at the end."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.count = 0

    def put(self, path: Path) -> None:
        if self.root is None:
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            self.count += 1
            os.replace(path, self.root / str(self.count))


ASIDE = Aside()


def plain_build(projects: list[Path]) -> dict:
    for p in projects:
        ASIDE.put(p / "site")
    return run([PY, "-c", PLAIN_DRIVER, *map(str, projects)], projects[0].parent)


def ours(project: Path, pdf: bool = False, cold: bool = True, env: dict | None = None) -> dict:
    if cold:
        for folder in (".cache", "site", ".site-geruest"):  # .site-geruest: kept folders (skeletons.py)
            ASIDE.put(project / folder)
    return run([PY, "-m", "mkdocs", "build", "-q"], project, {"LOSEBLATT_PDF": "1" if pdf else "0", **(env or {})})


def stats(project: Path, name: str = "build-stats.json") -> dict:
    return json.loads((project / ".cache/loseblatt" / name).read_text())


def file_times(site: Path) -> dict[str, int]:
    return {p.as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def floor(project: Path, plain_projects: list[Path], out: Path) -> float:
    """Markdown converted once per distinct page and the site's bytes written: the least any
    Python pipeline on this content must do (in-process, one core). The pages and Markdown
    extensions are the reference's (raw HTML where our pages carry our own markup), so that
    what is measured is Markdown, not our allow-list. The copy goes to `out`, which is left for the
    benchmark's end: removing it here would slow the next writer (see the module's text)."""
    script = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from reference import markdown_and_texts
out, site = Path(sys.argv[2]), Path(sys.argv[3], "site")
projects = [Path(p) for p in sys.argv[4:]]
start = time.perf_counter()
md, texts = markdown_and_texts(projects)
for t in texts:
    md.reset(); md.convert(t)
for src in site.rglob("*"):
    if src.is_file():
        dest = out / src.relative_to(site)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
print(time.perf_counter() - start)
"""
    done = subprocess.run(
        [PY, "-c", script, str(HERE), str(out), str(project), *map(str, plain_projects)],
        env=environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - our own local server
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0)


def all_published(project: Path, seen_after: float) -> float:
    """Seconds from the edit until every edition was published: a rebuild publishes the editions a
    browser shows first and swaps the others in afterwards (build-stats.json says when). Waits for
    that, so that each edit meets an idle server, as before editions were published one by one."""
    stats = project / ".cache/loseblatt/build-stats.json"
    deadline = time.time() + 600
    while time.time() < deadline:
        data = json.loads(stats.read_text(encoding="utf-8"))
        steps = data.get("zeitleiste", {})
        if not data.get("spaeter") and not data.get("offline_danach"):
            return seen_after  # published all at once
        if "alle_veroeffentlicht" in steps:
            return seen_after + steps["alle_veroeffentlicht"] - steps["veroeffentlicht"]
        time.sleep(0.1)
    raise SystemExit("Die übrigen Ausgaben wurden nicht fertig")


def serve_latency(project: Path, sheet: Path, page: str, edits: int) -> dict:
    """A real `mkdocs serve`; after each edit, poll the page until it shows the new text."""
    port = free_port()
    proc = subprocess.Popen(
        [PY, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--livereload"],
        cwd=project,
        env=environment({"LOSEBLATT_PDF": "0", "SITE_URL": f"http://127.0.0.1:{port}/"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/{page}"
    original = sheet.read_text(encoding="utf-8")
    times, memory, server, everything = [], [], [], []
    try:
        deadline = time.time() + 900
        while fetch(url) is None:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("mkdocs serve startete nicht")
            time.sleep(0.5)
        tree = TreeSampler(proc.pid)
        for i in range(edits):
            marker = f"Messpunkt{i}x{time.time_ns()}"
            text = original.rstrip("\n") + f"\n\n{marker}\n"
            start = time.perf_counter()
            sheet.write_text(text, encoding="utf-8")
            while marker not in (fetch(url) or ""):
                if time.perf_counter() - start > 300:
                    raise SystemExit(f"Änderung {i + 1} erschien nicht")
                time.sleep(0.05)
            times.append(time.perf_counter() - start)
            time.sleep(1.5)  # the watcher's quiet period: edits like a person saving
            everything.append(all_published(project, times[-1]))
            # Memory of the idle server after the rebuild (nothing half done): all its processes,
            # and the server process alone (the edition workers live as long as the session).
            memory.append(tree.sample() / 2**20)
            server.append(rss(proc.pid) / 2**20)
    finally:
        sheet.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=60)
    return {
        "median_s": median(times),
        "max_s": round(max(times), 3),
        "zweite_s": round(times[1], 3),
        "letzte_s": round(times[-1], 3),
        "speicher_mb_erste_letzte": [round(memory[0]), round(memory[-1])],
        "speicher_server_mb_erste_letzte": [round(server[0]), round(server[-1])],
        "speicher_mb_alle": [round(m) for m in memory],
        "speicher_server_mb_alle": [round(m) for m in server],
        "alle_s": [round(t, 3) for t in times],
        "alle_ausgaben_median_s": median(everything),
        "alle_ausgaben_max_s": round(max(everything), 3),
    }


def workload(name: str, tmp: Path) -> tuple[Path, Path, str]:
    """(project, a sheet to edit, that sheet's page in the sn edition)."""
    if name == "echt":
        project = tmp / "echt"
        project.mkdir()
        for item in ("binder", "docs"):
            shutil.copytree(ROOT / item, project / item)
        sheet = project / "binder/02-gremiengruendung/geschaeftsordnung.md"  # Blatt 2.3
    else:
        project = generate(tmp / f"synth-{name}", int(name))
        sheet = project / "binder/02-gremien/blatt-2.md"
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    # The sheet's page address from the front matter: binder/<register>/… → <register>/blatt-r-n/
    blatt = next(
        line.split(":", 1)[1].strip().strip('"') for line in sheet.read_text().splitlines() if line.startswith("blatt:")
    )
    r, n = blatt.split(".")
    return project, sheet, f"sn/{sheet.parent.name}/blatt-{r}-{n}/"


def bench(name: str, tmp: Path, pairs: int, edits: int, with_pdf: bool) -> dict:
    from reference import export

    project, sheet, page = workload(name, tmp)
    plain_projects = export(project, tmp / f"{name}-plain")
    res: dict = {"arbeit": name}

    cold, plain = [], []
    for _ in range(pairs):
        cold.append(ours(project))
        plain.append(plain_build(plain_projects))
    res["kalt_wand_s"] = median([c["wall"] for c in cold])
    res["kalt_cpu_s"] = median([c["cpu"] for c in cold])
    res["plain_wand_s"] = median([p["wall"] for p in plain])
    res["plain_cpu_s"] = median([p["cpu"] for p in plain])
    res["kalt_zu_plain_wand"] = median([c["wall"] / p["wall"] for c, p in zip(cold, plain, strict=True)])
    res["kalt_zu_plain_cpu"] = median([c["cpu"] / p["cpu"] for c, p in zip(cold, plain, strict=True)])
    res["spitzenspeicher_mb"] = round(max(c["mb"] for c in cold))
    res["seiten"] = stats(project).get("seiten")

    before = file_times(project / "site")
    noop = [ours(project, cold=False) for _ in range(pairs)]
    after = file_times(project / "site")
    res["leer_wand_s"] = median([n["wall"] for n in noop])
    res["leer_cpu_s"] = median([n["cpu"] for n in noop])
    res["leer_zu_kalt_wand"] = round(res["leer_wand_s"] / res["kalt_wand_s"], 3)
    res["leer_neu_geschrieben"] = sum(1 for p, t in after.items() if before.get(p) != t)
    res["leer_dateien"] = len(after)

    res["boden_s"] = round(floor(project, plain_projects, tmp / f"{name}-boden"), 3)
    res["boden_zu_plain"] = round(res["boden_s"] / res["plain_wand_s"], 3)
    bound = lower_bound(
        project, plain_projects, res["seiten"]["gerendert"], PY, environment(), tmp / f"{name}-untergrenze"
    )
    res["untergrenze"] = bound
    res["untergrenze_seiten_zu_plain"] = round(bound["seiten_2_kerne_s"] / res["plain_wand_s"], 3)
    res["untergrenze_zu_plain"] = round(bound["alles_2_kerne_s"] / res["plain_wand_s"], 3)

    own = {"wall": 0.0, "cpu": 0.0}
    for code in json.loads((project / "site/versions.json").read_text()):
        r = ours(
            project, env={"LOSEBLATT_AUSGABE": code["version"], "LOSEBLATT_CACHE": str(tmp / f"naiv-{code['version']}")}
        )
        own["wall"] += r["wall"]
        own["cpu"] += r["cpu"]
    res["eigenes_plugin_x7_wand_s"] = round(own["wall"], 3)
    res["eigenes_plugin_x7_zu_plain"] = round(own["wall"] / res["plain_wand_s"], 3)

    res["serve"] = serve_latency(project, sheet, page, edits)
    res["serve_zu_plain"] = round(res["serve"]["median_s"] / res["plain_wand_s"], 3)

    if with_pdf:
        pdf = {}
        r = ours(project, pdf=True)
        pdf["kalt"] = {
            "wand_s": round(r["wall"], 2),
            "cpu_s": round(r["cpu"], 2),
            "gesetzt": len(stats(project, "pdf-stats.json")["gerendert"]),
        }
        r = ours(project, pdf=True, cold=False)
        pdf["unveraendert"] = {
            "wand_s": round(r["wall"], 2),
            "gesetzt": len(stats(project, "pdf-stats.json")["gerendert"]),
        }
        original = sheet.read_text(encoding="utf-8")
        sheet.write_text(original.rstrip("\n") + "\n\nEin weiterer Satz für die Messung.\n", encoding="utf-8")
        r = ours(project, pdf=True, cold=False)
        pdf["ein_blatt"] = {
            "wand_s": round(r["wall"], 2),
            "gesetzt": sorted(stats(project, "pdf-stats.json")["gerendert"]),
        }
        sheet.write_text(original, encoding="utf-8")
        glossary = project / "binder/glossar.yml"
        if glossary.is_file():
            text = glossary.read_text(encoding="utf-8")
            glossary.write_text(
                text.replace("erklaerung: >-\n", "erklaerung: >-\n    Geändert.\n", 1), encoding="utf-8"
            )
            r = ours(project, pdf=True, cold=False)
            pdf["glossar"] = {
                "wand_s": round(r["wall"], 2),
                "gesetzt": len(stats(project, "pdf-stats.json")["gerendert"]),
            }
            glossary.write_text(text, encoding="utf-8")
        res["pdf"] = pdf
    return res


def peak(name: str, tmp: Path, runs: int) -> dict:
    """Peak memory of all processes of cold builds (the issue's target is at 3,000 sheets)."""
    project, _, _ = workload(name, tmp)
    cold = [ours(project) for _ in range(runs)]
    return {
        "arbeit": name,
        "kalt_wand_s": median([c["wall"] for c in cold]),
        "spitzenspeicher_mb": round(max(c["mb"] for c in cold)),
        "seiten": stats(project).get("seiten"),
    }


def filesystem(folder: Path) -> str:
    """The file system the benchmark writes to, and for ext4 whether it keeps a journal."""
    best, kind, device = "", "?", ""
    for line in Path("/proc/mounts").read_text().splitlines():
        dev, mount, fstype, *_ = line.split()
        if str(folder.resolve()).startswith(mount.rstrip("/") + "/") and len(mount) > len(best):
            best, kind, device = mount, fstype, dev
    if kind == "ext4":
        task = Path("/sys/fs/ext4", Path(device).name, "journal_task")
        if task.is_file() and task.read_text().strip() == "<none>":
            return "ext4 ohne Journal"
    return kind


def report(results: list[dict], meta: dict) -> str:
    lines = [
        "# Benchmark: unser Build gegen das, was man sonst bauen würde",
        "",
        f"Gemessen am {meta['datum']} auf {meta['rechner']} ({meta['kerne']} Kerne, {meta['speicher']}), "
        f"Python {meta['python']}, Dateisystem {meta.get('dateisystem', '?')}; {meta['paare']} gepaarte "
        "Läufe, Mediane. Erzeugt mit `make bench` "
        "(bench/run.py); Rohdaten in `bench/ergebnis.json`. Referenz „schlicht“: dieselben "
        "zusammengestellten Ausgaben als schlichte MkDocs-+-Material-Projekte (bench/reference.py), "
        "zwei gleichzeitig gebaut, ohne Zwischenspeicher. Vor einem kalten Build wird der letzte bei "
        "beiden Seiten beiseitegeschoben und erst am Ende gelöscht (bench/run.py, `Aside`). Der Rechner "
        "wird geteilt; nur die Verhältnisse aus demselben Lauf sind vergleichbar.",
        "",
        "| Messung | " + " | ".join(r["arbeit"] for r in results) + " | Ziel |",
        "|---|" + "---:|" * len(results) + "---|",
    ]

    def row(label, get, goal=""):
        cells = []
        for r in results:
            try:
                cells.append(str(get(r)))
            except (KeyError, TypeError, IndexError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")

    row("Schlicht, 7 Ausgaben, 2 gleichzeitig: Wand / CPU (s)", lambda r: f"{r['plain_wand_s']} / {r['plain_cpu_s']}")
    row("Unser Build kalt: Wand / CPU (s)", lambda r: f"{r['kalt_wand_s']} / {r['kalt_cpu_s']}")
    row("Kalt ÷ schlicht (Wand)", lambda r: r["kalt_zu_plain_wand"], "≤ 0,5")
    row("Kalt ÷ schlicht (CPU)", lambda r: r["kalt_zu_plain_cpu"])
    row("Leerer Neubau (s)", lambda r: r["leer_wand_s"])
    row("Leerer Neubau ÷ kalt", lambda r: r["leer_zu_kalt_wand"], "≤ 0,1")
    row(
        "Leerer Neubau: unverändert neu geschriebene Dateien",
        lambda r: f"{r['leer_neu_geschrieben']} von {r['leer_dateien']}",
        "0",
    )
    row("Boden (Markdown einmal + Bytes schreiben) ÷ schlicht", lambda r: r["boden_zu_plain"])
    row(
        "Untergrenze auf 2 Kernen: Markdown je Text + Material-Seite je gerenderter Seite ÷ schlicht",
        lambda r: r["untergrenze_seiten_zu_plain"],
    )
    row(
        "Untergrenze auf 2 Kernen mit allem, was die Site braucht (bench/untergrenze.py) ÷ schlicht",
        lambda r: r["untergrenze_zu_plain"],
        "zeigt, ob ≤ 0,5 erreichbar ist",
    )
    row("Eigenes Plugin je Ausgabe (7 Builds) ÷ schlicht", lambda r: r["eigenes_plugin_x7_zu_plain"])
    row(
        "Serve, ein Blatt geändert: Median / Max (s)",
        lambda r: f"{r['serve']['median_s']} / {r['serve']['max_s']}",
        "≤ 1,0 (echt), ≤ 2,5 (1000)",
    )
    row(
        "Serve: bis alle Ausgaben veröffentlicht sind, Median / Max (s)",
        lambda r: (
            f"{r['serve']['alle_ausgaben_median_s']} / {r['serve']['alle_ausgaben_max_s']}"
            if "alle_ausgaben_median_s" in r["serve"]
            else "–"
        ),
    )
    row(
        "Serve: 2. / letzte Änderung (s)",
        lambda r: f"{r['serve']['zweite_s']} / {r['serve']['letzte_s']}",
        "letzte ≤ 2.",
    )
    row(
        "Serve: Median der Änderungen 2–6 / 16–20 (s)",  # one value against one is mostly noise
        lambda r: f"{median(r['serve']['alle_s'][1:6])} / {median(r['serve']['alle_s'][-5:])}",
        "kein Anstieg",
    )
    row(
        "Serve: Speicher aller Prozesse erste / letzte Änderung (MB)",
        lambda r: " / ".join(map(str, r["serve"]["speicher_mb_erste_letzte"])),
    )
    row(
        "Serve: Speicher des Servers erste / letzte Änderung (MB)",
        lambda r: " / ".join(map(str, r["serve"]["speicher_server_mb_erste_letzte"])),
        "gleich",
    )
    row(
        "Serve: Speicher aller Prozesse kleinster / größter Wert (MB)",
        lambda r: f"{min(r['serve']['speicher_mb_alle'])} / {max(r['serve']['speicher_mb_alle'])}",
    )
    row("PDF kalt: Wand (s), gesetzt", lambda r: f"{r['pdf']['kalt']['wand_s']}, {r['pdf']['kalt']['gesetzt']}")
    row("PDF unverändert: gesetzt", lambda r: r["pdf"]["unveraendert"]["gesetzt"], "0")
    row(
        "PDF ein Blatt geändert: gesetzt",
        lambda r: len(r["pdf"]["ein_blatt"]["gesetzt"]),
        "das Blatt je Ausgabe (+ Checklisten)",
    )
    row(
        "PDF ein Glossareintrag geändert: gesetzt",
        lambda r: r["pdf"]["glossar"]["gesetzt"],
        "nur Blätter mit dem Begriff",
    )
    row("Spitzenspeicher kalt (MB)", lambda r: r["spitzenspeicher_mb"])
    for p in meta.get("speicher_gross", []):
        lines += [
            "",
            f"Spitzenspeicher eines kalten Builds mit {p['arbeit']} Blättern × 7 Ausgaben, alle Prozesse "
            f"zusammen: **{p['spitzenspeicher_mb']} MB** (Ziel: unter 1.500 MB).",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arbeiten", default="echt,1000", help="echt (the real binder) and/or synthetic sizes")
    ap.add_argument("--paare", type=int, default=3)
    ap.add_argument("--aenderungen", type=int, default=20, help="edits under mkdocs serve")
    ap.add_argument("--pdf", default="echt", help="workloads with the PDF measurements")
    ap.add_argument("--speicher", default="3000", help="sizes for the peak memory target (one cold build each)")
    ap.add_argument("--nur", choices=["serve", "speicher"], help="only this measurement; ERGEBNIS.md stays as it is")
    args = ap.parse_args()
    if args.nur == "speicher":  # peak memory of cold builds, e.g. --arbeiten 3000 for the target
        with tempfile.TemporaryDirectory(prefix="loseblatt-bench-") as tmp:
            ASIDE.root = Path(tmp) / "beiseite"
            for name in args.arbeiten.split(","):
                print(json.dumps(peak(name, Path(tmp), args.paare), ensure_ascii=False), flush=True)
        return
    if args.nur == "serve":
        with tempfile.TemporaryDirectory(prefix="loseblatt-bench-") as tmp:
            for name in args.arbeiten.split(","):
                project, sheet, page = workload(name, Path(tmp))
                load = os.getloadavg()[0]
                res = serve_latency(project, sheet, page, args.aenderungen)
                res |= {"arbeit": name, "last_vorher": load, "last_nachher": os.getloadavg()[0]}
                print(json.dumps(res, ensure_ascii=False), flush=True)
        return
    with open("/proc/meminfo") as f:
        mem = f"{round(int(f.readline().split()[1]) / 2**20)} GiB"
    meta = {
        "datum": time.strftime("%Y-%m-%d"),
        "rechner": platform.machine(),
        "kerne": len(os.sched_getaffinity(0)),
        "speicher": mem,
        "python": platform.python_version(),
        "paare": args.paare,
        "last_vorher": os.getloadavg()[0],
    }
    pdf_for = set(args.pdf.split(","))
    results = []
    # The large peak-memory builds last: deleting their files would slow what follows (Aside).
    with tempfile.TemporaryDirectory(prefix="loseblatt-bench-") as tmp:
        meta["dateisystem"] = filesystem(Path(tmp))
        ASIDE.root = Path(tmp) / "beiseite"
        for name in args.arbeiten.split(","):
            print(f"Benchmark: {name} …", flush=True)
            results.append(bench(name, Path(tmp), args.paare, args.aenderungen, name in pdf_for))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        meta["speicher_gross"] = [peak(name, Path(tmp), 1) for name in args.speicher.split(",") if name]
    (HERE / "ergebnis.json").write_text(
        json.dumps({"meta": meta, "ergebnisse": results}, indent=1, ensure_ascii=False) + "\n"
    )
    text = report(results, meta)
    notes = HERE / "ANALYSE.md"
    if notes.is_file():
        text += "\n" + notes.read_text()
    (HERE / "ERGEBNIS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
