"""`loseblatt` command line for editors and CI: check (and later diff, lieferung)."""

from __future__ import annotations

import argparse
import sys
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
    print(f"Keine Fehler: {len(result.editions)} Ausgaben ({editions}), {n_sheets} Blätter insgesamt.",
          file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loseblatt", description="Werkzeuge für den Ordner «Kommune beugt vor!»")
    parser.add_argument("--binder", default="binder", help="Ordner mit den Blättern (Standard: binder)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="prüft alle Blätter in allen Ausgaben")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="github: Anmerkungen für GitHub Actions")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
