"""`loseblatt` command line for editors and CI: check (and later diff, lieferung)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from .core import pipeline


def _project_root(binder: Path) -> Path:
    return binder.resolve().parent


def cmd_check(args: argparse.Namespace) -> int:
    binder = Path(args.binder)
    result = pipeline.check(binder, _project_root(binder))
    for problem in result.problems:
        print(problem.format_github() if args.format == "github" else problem.format())
    if result.problems:
        n = len(result.problems)
        print(f"\n{n} Fehler gefunden." if n != 1 else "\n1 Fehler gefunden.", file=sys.stderr)
        return 1
    editions = ", ".join(result.editions)
    n_sheets = sum(len(e.sheets) for e in result.editions.values())
    print(f"Keine Fehler: {len(result.editions)} Ausgaben ({editions}), {n_sheets} Blätter insgesamt.", file=sys.stderr)
    return 0


def _print_problems(result) -> None:
    for problem in result.problems:
        print(problem.format())


def _markdown_settings(config_file: str) -> tuple[list, dict]:
    """Markdown extensions as the site uses them (the print adapter renders with the same)."""
    from mkdocs.config import load_config

    return _markdown_settings_of(load_config(config_file))


def _markdown_settings_of(cfg) -> tuple[list, dict]:
    from .render import MARKDOWN_EXTENSIONS

    return list(cfg.markdown_extensions) + [e for e in MARKDOWN_EXTENSIONS if e not in cfg.markdown_extensions], dict(
        cfg.mdx_configs
    )


def _print_renderer(config_file: str):
    """The print renderer as the build makes it: the site's Markdown settings and its address
    (the links of the PDFs), so that the build's cached PDFs are found."""
    from mkdocs.config import load_config

    from .print_adapter.build import renderer_from

    cfg = load_config(config_file)
    return renderer_from(*_markdown_settings_of(cfg), cfg.site_url or "")


def page_counts(
    result, config_file: str, cache_dir: Path, latest: tuple[str, str] | None = None
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Pages of every sheet in every edition, and of its register sheets and «Deckblatt und
    Inhalt» (naming `latest` as the last delivery), from the PDF cache (rendering what is missing)."""
    import tempfile

    from .print_adapter.build import PdfBuilder, worker_count
    from .print_adapter.store import PdfStore

    builder = PdfBuilder(
        _print_renderer(config_file),
        PdfStore(cache_dir / "pdf"),
        worker_count(0),
        lambda done, total: print(f"PDF {done}/{total}", file=sys.stderr) if done == total else None,
    )
    with tempfile.TemporaryDirectory() as tmp:
        eds = list(result.editions.values())
        out = builder.build(
            eds,
            {ed.code: Path(tmp) / ed.code for ed in eds},
            dict.fromkeys(result.editions, latest) if latest else None,
        )
    sheets = {code: {b: n for b, (_, n) in info.sheets.items()} for code, info in out.items()}
    return sheets, {code: info.derived_pages for code, info in out.items()}


def cmd_lieferung(args: argparse.Namespace) -> int:
    import datetime
    import json

    from .core.deliveries import FOLDER, NAME, name_key, record

    binder = Path(args.binder)
    if not NAME.match(args.name):
        print(f"Lieferungen heißen JJJJ-N, z. B. 2027-1; „{args.name}“ passt nicht.", file=sys.stderr)
        return 2
    result = pipeline.check(binder, _project_root(binder))
    if result.problems:
        _print_problems(result)
        print(
            f"\nDie Lieferung wird nicht aufgezeichnet: „loseblatt check“ meldet {len(result.problems)} Fehler.",
            file=sys.stderr,
        )
        return 1
    if result.snapshots and name_key(args.name) <= name_key(result.snapshots[-1].name):
        print(f"Die letzte Lieferung heißt {result.snapshots[-1].name}; eine neue muss später liegen.", file=sys.stderr)
        return 2
    datum = args.datum or datetime.date.today().isoformat()
    pages, derived = page_counts(result, args.config, _project_root(binder) / ".cache/loseblatt", (args.name, datum))
    data = record(args.name, datum, result.binder, result.editions, pages, derived)
    target = binder / FOLDER / f"{args.name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    n = sum(len(e["blaetter"]) for e in data["ausgaben"].values())
    print(f"Lieferung {args.name} vom {datum} aufgezeichnet: {target} ({len(data['ausgaben'])} Ausgaben, {n} Blätter).")
    return 0


@contextlib.contextmanager
def _state_at(ref: str, binder: Path) -> Iterator[pipeline.CheckResult]:
    """The binder checked as it was at a git ref, unpacked into a temporary folder that is
    removed when the caller is done (its files may be read until then)."""
    import io
    import subprocess
    import tarfile
    import tempfile

    rel = binder.resolve().relative_to(_git_root(binder))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, str(rel)], cwd=_git_root(binder), capture_output=True
    )
    if archive.returncode != 0:
        raise SystemExit(f"„{ref}“ ist weder eine Lieferung noch ein Git-Stand: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="loseblatt-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            _extract_regular_files(tar, Path(tmp))
        yield pipeline.check(Path(tmp) / rel, Path(tmp))


def _extract_regular_files(tar, target: Path) -> None:
    """Only regular files below `target`: what extractall(filter="data") does, also on Python
    3.11.2 (Debian 12), where that filter does not exist yet."""
    for member in tar.getmembers():
        dest = (target / member.name).resolve()
        if not member.isfile() or not dest.is_relative_to(target.resolve()):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is not None:
            dest.write_bytes(source.read())


def _git_root(path: Path) -> Path:
    import subprocess

    out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("Kein Git-Arbeitsverzeichnis: „loseblatt diff“ braucht eine Lieferung oder einen Git-Stand.")
    return Path(out.stdout.strip())


def cmd_diff(args: argparse.Namespace) -> int:
    from .core.deliveries import compare, snapshot_of
    from .render.changes import change_list

    binder = Path(args.binder)
    result = pipeline.check(binder, _project_root(binder))
    snap = next((s for s in result.snapshots if s.name == args.ref), None)
    if snap is not None:
        before, label = snap.editions, f"Lieferung {snap.name}"
    else:
        with _state_at(args.ref, binder) as old:
            before, label = snapshot_of(old.editions), f"`{args.ref}`"
    after = snapshot_of(result.editions)
    print(f"## Änderungen gegenüber {label}\n")
    touched = 0
    for code, ed in result.editions.items():
        changes = compare(before.get(code, {}), after[code], result.withdrawals, code)
        if not changes:
            continue
        touched += 1
        print(f"### {ed.definition.titel} (`{code}`)\n")
        print("\n".join(change_list(changes, heading="####")))
    if not touched:
        print("Keine Änderungen an Blättern in irgendeiner Ausgabe.")
    else:
        print(f"{touched} von {len(result.editions)} Ausgaben betroffen.")
    if result.problems:
        print(f"\n**Achtung:** `loseblatt check` meldet {len(result.problems)} Fehler.")
    return 0


def cmd_pr_summary(args: argparse.Namespace) -> int:
    from .render.pr_summary import summary

    binder = Path(args.binder)
    head = pipeline.check(binder, _project_root(binder))
    with _state_at(args.basis, binder) as base:
        print(summary(base, head, _project_root(binder), f"`{args.basis}`", args.vorschau, args.seitenbilder))
    return 0


def cmd_statistik(args: argparse.Namespace) -> int:
    from .core.statistics import base_statistics, minimums, minimums_table, state_statistics, table

    binder = Path(args.binder)
    result = pipeline.check(binder, _project_root(binder))
    if "bund" not in result.editions:
        print("Die allgemeine Ausgabe fehlt.", file=sys.stderr)
        return 1
    print("## Grundbestand (allgemeine Ausgabe)\n")
    print(table("Register", base_statistics(result.binder, result.editions["bund"])))
    print("\n## Eigene Blätter der Länder\n")
    print(table("Land", state_statistics(result.binder, result.editions)))
    rows = minimums(result.binder, result.editions)
    print("\n## Mindestwerte\n")
    print(minimums_table(rows))
    return 1 if result.problems or not all(m.met for m in rows) else 0


def cmd_links(args: argparse.Namespace) -> int:
    from .links import report

    site = Path(args.site)
    if not site.is_dir():
        print(f"Der Ordner „{site}“ fehlt: erst bauen (make build).", file=sys.stderr)
        return 1
    text, dead = report(site, online=args.pruefen)
    print(text)
    return 1 if dead else 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .core.schemas import write

    written = write(Path(args.ziel))
    for path in written:
        print(f"geschrieben: {path}")
    if not written:
        print(f"Die Schemas in „{args.ziel}“ sind aktuell.", file=sys.stderr)
    return 0


def cmd_formular(args: argparse.Namespace) -> int:
    from .cms import cms_config, write_admin

    binder = Path(args.binder)
    root = _project_root(binder)
    auth = {"base_url": args.anmeldung, "auth_endpoint": "auth"} if args.anmeldung else None
    config = cms_config(binder, root, args.repo, args.zweig, local_backend=args.lokal or None, auth=auth)
    # Decap's files come from the npm tools of this checkout (or of the binder's project).
    tools = next((d for d in (Path.cwd(), root) if (d / "node_modules").is_dir()), root)
    problems = write_admin(Path(args.ziel), config, tools)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"Formular-Editor geschrieben: {args.ziel}/index.html ({len(config['collections'])} Sammlungen)")
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loseblatt", description="Werkzeuge für den Ordner «Kommune beugt vor!»")
    parser.add_argument("--binder", default="binder", help="Ordner mit den Blättern (Standard: binder)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="prüft alle Blätter in allen Ausgaben")
    p.add_argument(
        "--format", choices=["text", "github"], default="text", help="github: Anmerkungen für GitHub Actions"
    )
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("lieferung", help="zeichnet eine Ergänzungslieferung auf (binder/lieferungen/<name>.json)")
    p.add_argument("name", help="Name der Lieferung, JJJJ-N, z. B. 2027-1")
    p.add_argument("--datum", help="Datum der Lieferung (JJJJ-MM-TT), Standard: heute")
    p.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml (Markdown-Einstellungen für die Seitenzahlen)")
    p.set_defaults(func=cmd_lieferung)
    p = sub.add_parser("seitenbilder", help="Bilder ausgewählter Druckseiten (PNG) aus den PDFs einer gebauten Website")
    p.add_argument("ziel", help="Ordner für die Bilder")
    p.add_argument("--site", default="site", help="die gebaute Website (Standard: site)")
    p.add_argument("--ausgabe", action="append", help="nur diese Ausgabe(n), z. B. --ausgabe sn")
    p.set_defaults(func=cmd_seitenbilder)
    p = sub.add_parser("diff", help="Markdown-Zusammenfassung der Änderungen seit einer Lieferung oder einem Git-Stand")
    p.add_argument("ref", help="Name einer Lieferung (z. B. 2026-1) oder ein Git-Stand (z. B. origin/main)")
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser(
        "pr-zusammenfassung", help="Zusammenfassung eines Pull Requests (Markdown): Ausgaben, Blätter, Fassungen"
    )
    p.add_argument("basis", help="Git-Stand, gegen den verglichen wird, z. B. origin/main")
    p.add_argument("--vorschau", default="", help="Adresse der Artefakte des Laufs (gebaute Website)")
    p.add_argument("--seitenbilder", default="", help="Adresse der Seitenbilder der Druckfassung, falls vorhanden")
    p.set_defaults(func=cmd_pr_summary)
    p = sub.add_parser("statistik", help="zählt Blätter und Wörter je Register und Land")
    p.set_defaults(func=cmd_statistik)
    p = sub.add_parser("links", help="listet die externen Links einer gebauten Website; --pruefen ruft sie auf")
    p.add_argument("site", nargs="?", default="site", help="Ordner der gebauten Website (Standard: site)")
    p.add_argument("--pruefen", action="store_true", help="jede Adresse aufrufen (braucht Internet)")
    p.set_defaults(func=cmd_links)
    p = sub.add_parser(
        "formular", help="schreibt den Formular-Editor (Decap CMS) mit Konfiguration aus den Felddefinitionen"
    )
    p.add_argument("ziel", nargs="?", default="site/admin", help="Zielordner (Standard: site/admin)")
    p.add_argument("--repo", default="kommune-beugt-vor/kommune-beugt-vor", help="GitHub-Repository (Besitzer/Name)")
    p.add_argument("--zweig", default="main", help="Zweig, gegen den Änderungen vorgeschlagen werden")
    p.add_argument(
        "--lokal",
        nargs="?",
        const="http://127.0.0.1:8081/api/v1",
        default="",
        help="mit decap-server auf diesem Rechner arbeiten (Adresse, Standard: http://127.0.0.1:8081/api/v1)",
    )
    p.add_argument(
        "--anmeldung", default="", help="Adresse des OAuth-Helfers für die Anmeldung mit GitHub (siehe README)"
    )
    p.set_defaults(func=cmd_formular)
    p = sub.add_parser("schemas", help="schreibt die JSON-Schemas der Kopfbereiche und YAML-Dateien (für Editoren)")
    p.add_argument("ziel", nargs="?", default="schemas", help="Zielordner (Standard: schemas)")
    p.set_defaults(func=cmd_schemas)
    from .kommune_cli import add_parser as add_kommune

    add_kommune(sub)
    return parser


def cmd_seitenbilder(args: argparse.Namespace) -> int:
    from .page_images import render_site

    site = Path(args.site)
    if not site.is_dir():
        print(f"Fehler: „{site}“ ist keine gebaute Website (erst „make build“).", file=sys.stderr)
        return 2
    try:
        written = render_site(site, Path(args.ziel), args.ausgabe or None)
    except RuntimeError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


# Commands that read the binder's folder (the others take their own paths).
NEEDS_BINDER = {"cmd_check", "cmd_lieferung", "cmd_diff", "cmd_pr_summary", "cmd_statistik"}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.func.__name__ in NEEDS_BINDER and not Path(args.binder).is_dir():
        hint = (
            " Hier liegt der Ordner einer Kommune: dafür gibt es „loseblatt kommune …“."
            if Path("kommune.yml").is_file()
            else " Mit --binder lässt sich ein anderer Ordner angeben."
        )
        print(f"Der Ordner „{args.binder}“ mit den Blättern wurde nicht gefunden.{hint}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
