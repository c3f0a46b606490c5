"""The least a cold build of these editions costs on two cores, however it is organised.

`make bench` sets our cold build against the plain reference. How close to it can any build of
the same site come? This module measures, on the same work and in the same run, the parts no
build of this site can leave out, each done once and with nothing around it, as CPU seconds
(one process), and halves their sum, as if two cores were kept busy all the time:

* Markdown: every distinct page text converted once, with the reference's extensions (the
  Markdown half of the floor);
* Material's page template and search entries: CPU time per page, measured inside the plain
  builds by a hook (template: between the last on_page_context handler and the first
  on_post_page handler; search: the on_page_context handlers before that), the median over all
  pages. The template counts once for each page our cold build rendered (a page that is the
  same in several editions, navigation included, is rendered once; build-stats.json), the
  search entries once for each distinct page text;
* starting Python and loading MkDocs and Material once, and writing the site's files once;
* outputs of the site that the reference does not make: the check that keeps bad content from
  being published, the offline archives (every distinct member deflated once), the template
  files (every distinct .docx and .odt written once, the edition's name left as a mark).

Left out, though our build pays them: a process per core, the comparison pages, MkDocs' own
work per edition (files, navigation, the theme's static files), the caches. So the sums are
lower bounds, not estimates of what a build could reach.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HOOK = r"""
import json, os, time
from mkdocs.plugins import CombinedEvent, event_priority

_first = {}
_started = {}
_spent = []


@event_priority(100)  # before every other handler, the search plugin's among them
def _context_first(context, page, config, nav):
    _first[page.file.src_uri] = time.process_time()
    return context


@event_priority(-100)  # after every other handler: the template renders next
def _context_last(context, page, config, nav):
    _started[page.file.src_uri] = time.process_time()
    return context


on_page_context = CombinedEvent(_context_first, _context_last)


@event_priority(100)  # before every other handler: the template has just rendered
def on_post_page(output, page, config):
    uri = page.file.src_uri
    now = time.process_time()
    _spent.append([_started[uri] - _first.pop(uri), now - _started.pop(uri)])
    return output


def on_post_build(config):
    with open(os.environ["UNTERGRENZE_AUS"], "a", encoding="utf-8") as out:
        out.write(json.dumps(_spent) + "\n")
"""

PARTS = r"""
import json, sys, time, zipfile
from pathlib import Path
from loseblatt import zipped
from loseblatt.core import pipeline
from loseblatt.render import office
from loseblatt.render.web import vorlagen

sys.path.insert(0, sys.argv[1])
from reference import markdown_and_texts
scratch, project, plain = Path(sys.argv[2]), Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]]
import material.plugins.search.plugin, mkdocs.commands.build  # noqa: E401,F401
out = {"laden_s": time.process_time()}  # starting Python and loading MkDocs, Material, Markdown

md, texts = markdown_and_texts(plain)
start = time.process_time()
for text in texts:
    md.reset()
    md.convert(text)
out["markdown_s"] = time.process_time() - start
out["texte"] = len(texts)

start = time.process_time()
result = pipeline.check(project / "binder", project)
out["pruefung_s"] = time.process_time() - start

members = {}
for archive in sorted((project / "site").glob("*/offline.zip")):
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            data = z.read(info)
            members[data] = None
start = time.process_time()
for data in members:
    zipped.deflate(data)
out["offline_s"] = time.process_time() - start

work = {}
for edition in result.editions.values():
    for sheet, template in vorlagen.edition_templates(edition):
        meta = vorlagen.meta_for(edition, sheet, template)
        for kind in office.WRITERS:
            written = office.written_meta(kind, template.text, meta)
            work[office.cache_key(kind, template.text, written)] = (kind, template.text, written)
start = time.process_time()
for kind, text, meta in work.values():
    office.WRITERS[kind](text, meta)
out["vorlagen_s"] = time.process_time() - start
out["vorlagendateien"] = len(work)

site = project / "site"
files = [p for p in sorted(site.rglob("*")) if p.is_file()]
start = time.process_time()
for path in files:
    target = scratch / "site" / path.relative_to(site)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
out["schreiben_s"] = time.process_time() - start
print(json.dumps(out))
"""


def per_page_ms(plain_projects: list[Path], python: str, env: dict, scratch: Path) -> tuple[float, float]:
    """Material's search entries and its page template: median CPU milliseconds per page over
    all plain editions (the median, not the mean: a few long pages must not raise the bound).
    The sites go to `scratch`."""
    scratch.mkdir(parents=True, exist_ok=True)
    hook = scratch / "zeit.py"
    hook.write_text(HOOK, encoding="utf-8")
    record = scratch / "zeiten.jsonl"
    record.unlink(missing_ok=True)
    for project in plain_projects:
        config = project / "untergrenze.yml"
        config.write_text(
            f"INHERIT: mkdocs.yml\nhooks:\n  - {json.dumps(str(hook))}\n"
            f"site_dir: {json.dumps(str(scratch / project.name))}\n",
            encoding="utf-8",
        )
        try:
            subprocess.run(
                [python, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                cwd=project,
                env={**env, "UNTERGRENZE_AUS": str(record)},
                check=True,
                capture_output=True,
            )
        finally:
            config.unlink()
    spent = [t for line in record.read_text(encoding="utf-8").splitlines() for t in json.loads(line)]
    search, template = (sorted(column) for column in zip(*spent, strict=True))
    return 1000 * search[len(search) // 2], 1000 * template[len(template) // 2]


def lower_bound(
    project: Path, plain_projects: list[Path], rendered: int, python: str, env: dict, scratch: Path
) -> dict:
    """The parts (CPU seconds) and the two sums halved for two cores; `rendered`: the pages our
    cold build rendered with the theme (build-stats.json). What is written goes to `scratch`,
    for the caller to remove when nothing is measured any more: on ext4 without a journal, files
    made soon after others were removed cost more (bench/run.py)."""
    parts = subprocess.run(
        [python, "-c", PARTS, str(Path(__file__).resolve().parent), str(scratch), str(project)]
        + [str(p) for p in plain_projects],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(parts.stdout.strip().splitlines()[-1])
    search_ms, template_ms = per_page_ms(plain_projects, python, env, scratch / "schlicht")
    out["suche_ms_je_seite"] = round(search_ms, 2)
    out["seitenvorlage_ms_je_seite"] = round(template_ms, 2)
    out["seiten_gerendert"] = rendered
    out["seitenvorlage_s"] = template_ms * rendered / 1000
    out["suche_s"] = search_ms * out["texte"] / 1000
    pages = out["markdown_s"] + out["seitenvorlage_s"]
    out["seiten_2_kerne_s"] = pages / 2
    everything = pages + sum(
        out[k] for k in ("suche_s", "schreiben_s", "laden_s", "pruefung_s", "offline_s", "vorlagen_s")
    )
    out["alles_2_kerne_s"] = everything / 2
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


if __name__ == "__main__":
    # python bench/untergrenze.py PROJECT PLAIN_PROJECT...: after a cold build of PROJECT (its
    # build-stats.json counts the rendered pages) and an export of the plain projects (reference.py)
    root = Path(sys.argv[1])
    stats = json.loads((root / ".cache/loseblatt/build-stats.json").read_text(encoding="utf-8"))
    rendered = stats["seiten"]["gerendert"]
    with tempfile.TemporaryDirectory(prefix="untergrenze-") as tmp:
        bound = lower_bound(
            root, [Path(p) for p in sys.argv[2:]], rendered, sys.executable, dict(os.environ), Path(tmp)
        )
    print(json.dumps(bound, indent=1))
