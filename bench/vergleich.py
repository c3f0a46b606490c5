"""Same content, two versions of our code: are the sites identical?

    make vergleich VON=<commit>          (or: .venv/bin/python bench/vergleich.py <commit>)

Builds this checkout's binder, docs and mkdocs.yml twice, once with the plugin as it was at
<commit> and once with the working tree's plugin, each with an empty cache and the same
SITE_URL and SOURCE_DATE_EPOCH, and lists every file that differs. A refactoring that should
change nothing must print «identisch». PDFs are included unless LOSEBLATT_PDF=0 is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def build(code: Path, work: Path, name: str) -> dict[str, bytes]:
    project = work / name
    project.mkdir()
    for item in ("binder", "docs"):
        shutil.copytree(ROOT / item, project / item)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    env = dict(
        os.environ,
        PYTHONPATH=str(code),
        LOSEBLATT_CACHE=str(work / f"{name}-cache"),
        SITE_URL="https://vergleich.invalid/",
        SOURCE_DATE_EPOCH="1780000000",
        NO_MKDOCS_2_WARNING="1",
    )
    env.setdefault("LOSEBLATT_PDF", "1")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, check=True)
    return files(project / "site")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    ref = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="vergleich-") as tmp:
        work = Path(tmp)
        old = work / "alt"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", ref, "plugins/loseblatt"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        before = build(old / "plugins", work, "vorher")
        after = build(ROOT / "plugins", work, "nachher")
    only_before = sorted(set(before) - set(after))
    only_after = sorted(set(after) - set(before))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    for label, paths in (("nur vorher", only_before), ("nur nachher", only_after), ("verschieden", changed)):
        for p in paths:
            print(f"{label}: {p}")
    if not (only_before or only_after or changed):
        print(f"identisch: {len(after)} Dateien")
        return 0
    print(f"{len(only_before) + len(only_after) + len(changed)} Unterschiede in {len(after)} Dateien")
    return 1


if __name__ == "__main__":
    sys.exit(main())
