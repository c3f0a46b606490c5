"""State editions: overlay rules, variables in a sandbox, per-edition checks, separate sites."""

from __future__ import annotations

import filecmp
import json
import re

import pytest
from conftest import make_project
from loseblatt.core.templating import render


def problems(project) -> list[str]:
    return [p.format() for p in project.check().problems]


def edition(project, code):
    result = project.check()
    assert not result.problems, result.problems
    return result.editions[code]


# ----- overlay rules -------------------------------------------------------------


def test_new_state_sheet_only_in_its_edition(project):
    assert edition(project, "sn").sheet("1.51") is not None
    assert edition(project, "bund").sheet("1.51") is None


def test_replacement_requires_ersetzt(project):
    rel = "binder/laender/sn/eigene-2-2.md"
    project.write(
        rel, '---\nblatt: "2.2"\ntitel: Sächsische Fassung\nfassung: 1\nstand: 2026-11\n---\nNur in Sachsen.\n'
    )
    msgs = problems(project)
    assert any(
        m.startswith(f"{rel}:2: Blatt 2.2 gibt es schon im Grundbestand") and m.endswith("[Ausgabe sn]") for m in msgs
    ), msgs
    project.edit(rel, "fassung: 1", "ersetzt: true\nfassung: 1")
    sn, bund = edition(project, "sn"), edition(project, "bund")
    assert sn.sheet("2.2").titel == "Sächsische Fassung" and "Nur in Sachsen." in sn.sheet("2.2").markdown
    assert bund.sheet("2.2").titel == "Thema 2"


def test_ersetzt_without_base_sheet_fails(project):
    rel = "binder/laender/sn/x.md"
    project.write(rel, '---\nblatt: "2.77"\ntitel: X\nersetzt: true\nfassung: 1\nstand: 2026-11\n---\nX\n')
    assert any(m.startswith(f"{rel}:4: „ersetzt: true“, aber Blatt 2.77") for m in problems(project))


def test_extension_box_and_later_stand(project):
    s = edition(project, "sn").sheet("2.3")
    assert '!!! land "Hinweise für Sachsen: Kooperationsvereinbarung"' in s.markdown
    assert s.stand == "2026-12"  # the extension is newer than the base sheet (2026-04)
    assert s.fassung_label == "3/1"
    assert "Hinweise" not in edition(project, "bund").sheet("2.3").markdown


def test_extension_of_missing_or_omitted_sheet(project):
    project.edit("binder/laender/sn/hinweise-2-3.md", 'ergaenzt: "2.3"', 'ergaenzt: "2.9"')
    msgs = problems(project)
    assert any(
        m.startswith("binder/laender/sn/hinweise-2-3.md:2: „ergaenzt“ nennt Blatt 2.9") and "„ohne“" in m for m in msgs
    ), msgs


def test_ohne_drops_base_sheet_and_checks_ids(project):
    assert edition(project, "sn").sheet("2.9") is None
    assert edition(project, "bund").sheet("2.9") is not None
    project.edit("binder/laender/sn/ausgabe.yml", 'ohne: ["2.9"]', 'ohne: ["2.9", "5.5"]')
    assert any(m.startswith("binder/laender/sn/ausgabe.yml:") and "Blatt 5.5" in m for m in problems(project))


def test_reference_to_dropped_sheet_fails_only_in_that_edition(project):
    project.edit("binder/01-grundlagen/warum.md", "Siehe [[2.3]]", "Siehe [[2.9]]")
    msgs = problems(project)
    assert [m for m in msgs if "[[2.9]]" in m] == [
        "binder/01-grundlagen/warum.md:8: Der Verweis [[2.9]] zeigt auf ein Blatt, das es in dieser Ausgabe nicht gibt. [Ausgabe sn]"
    ]


def test_passages_per_edition(project):
    sn = edition(project, "sn").sheet("1.51").markdown
    assert "Nur in Sachsen sichtbar." in sn and "Nie in Sachsen" not in sn
    project.write(
        "binder/01-grundlagen/p.md",
        '---\nblatt: "1.2"\ntitel: P\nfassung: 1\nstand: 2026-11\n---\n'
        "Alle.\n::: nur sn\nSachsen.\n:::\n::: ausser sn\nAndere.\n:::\n",
    )
    assert "Sachsen." in edition(project, "sn").sheet("1.2").markdown
    bund = edition(project, "bund").sheet("1.2").markdown
    assert "Andere." in bund and "Sachsen." not in bund


def test_passage_errors(project):
    rel = "binder/01-grundlagen/p.md"
    project.write(
        rel,
        '---\nblatt: "1.2"\ntitel: P\nfassung: 1\nstand: 2026-11\n---\n'
        "::: nur xy\nA\n:::\n::: vielleicht sn\n::: nur sn\nB\n",
    )
    msgs = problems(project)
    assert any(m.startswith(f"{rel}:7: „xy“ ist kein Ausgabenkürzel") for m in msgs)
    assert any(m.startswith(f"{rel}:10: Unbekannter Abschnitt") for m in msgs)
    assert any(m.startswith(f"{rel}:11: Der Abschnitt wird nicht") for m in msgs)


# ----- variables and the sandbox -------------------------------------------------


def test_variables_per_edition(project):
    assert "Prävention beginnt vor Ort in Sachsen." in edition(project, "sn").sheet("1.1").markdown
    assert "Prävention beginnt vor Ort in Ihrem Land." in edition(project, "bund").sheet("1.1").markdown
    assert "Landespräventionsrat Sachsen" in edition(project, "sn").sheet("1.51").markdown


def test_undefined_variable_names_edition_and_line(project):
    project.write(
        "binder/laender/sn/v.md",
        '---\nblatt: "1.52"\ntitel: V\nfassung: 1\nstand: 2026-11\n---\nEins.\n{{ var.gibtsnicht }}\n',
    )
    assert "binder/laender/sn/v.md:8: Unbekannte Variable „gibtsnicht“" in "\n".join(problems(project))
    project.edit("binder/laender/sn/ausgabe.yml", "variablen:\n", "variablen:\n  gibtsnicht: jetzt doch\n")
    assert "jetzt doch" in edition(project, "sn").sheet("1.52").markdown


def test_base_variable_missing_in_one_edition(project):
    project.edit("binder/laender/sn/ausgabe.yml", "  im_land: in Sachsen\n", "")
    msgs = [m for m in problems(project) if "im_land" in m]
    assert msgs == [
        "binder/01-grundlagen/warum.md:8: Unbekannte Variable „im_land“: "
        "Die Ausgabe hat dieses Feld nicht (ausgabe.yml prüfen) [Ausgabe sn]"
    ]


INJECTIONS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{{ request.application.__globals__ }}",
    "{{ land.__class__.__base__.__subclasses__() }}",
    "{{ land.name.__class__.__mro__ }}",
    "{{ land['__class__'] }}",
    "{{ land|attr('__class__') }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ land.name.format.__globals__ }}",
    "{{ 'a' * 100000000 }}",
    "{{ 2 ** 100000000 }}",
    "{{ (land.name ~ 'x') * 10000000 }}",
    "{% set x = land.__class__ %}{{ x }}",
    "{{ range(100000000) | list }}",
    # Unbounded work or output, and changes to data other sheets share:
    "{% for a in land.name %}{% for b in land.name %}{{ a }}{% endfor %}{% endfor %}",
    "{{ land.name.center(1000000000) }}",
    "{{ land.name | center(1000000000) }}",
    "{{ land.name | indent(1000000000) }}",
    "{% set _ = var.update({'im_land': 'x'}) %}",
    "{{ var.update({'im_land': 'x'}) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ land.name | format }}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_injection_is_refused(payload):
    context = {"land": {"name": "Sachsen"}, "var": {}}
    out, problem = render(f"Text\n{payload}\n", context)
    assert problem is not None, out
    assert problem.line == 2
    assert "Sicherheitsgrenze" in problem.message or "Unbekannte Variable" in problem.message


def test_allowed_template_forms_still_work():
    context = {"land": {"name": "Sachsen", "code": "sn", "gremium": {"dativ": "dem LPR"}}, "var": {"x": "y"}}
    text = "{{ land.name }} {{ land['code'] | upper }} bei {{ land.gremium.dativ }}{% if land.code in ('sn', 'bw') %} ja{% endif %}"
    assert render(text, context) == ("Sachsen SN bei dem LPR ja", None)


def test_variable_names_that_shadow_methods_are_refused(project):
    project.edit("binder/laender/sn/ausgabe.yml", "variablen:\n", "variablen:\n  items: Punkte\n")
    msgs = [m for m in problems(project) if "reserviert" in m]
    assert len(msgs) == 1 and msgs[0].startswith("binder/laender/sn/ausgabe.yml:")


def test_injection_fails_check_with_clear_message(project):
    rel = "binder/01-grundlagen/boese.md"
    project.write(
        rel, "---\nblatt: \"1.3\"\ntitel: B\nfassung: 1\nstand: 2026-11\n---\nHarmlos.\n{{ ''.__class__.__mro__ }}\n"
    )
    msgs = [m for m in problems(project) if m.startswith(rel)]
    assert msgs and msgs[0].startswith(f"{rel}:8: Unzulässiger Ausdruck in einer Variablen (Sicherheitsgrenze)")


def test_template_text_in_code_is_left_alone(project):
    md = edition(project, "sn").sheet("1.1").markdown
    assert "{{ nicht ersetzen }} und [[9.9]]" in md


# ----- sites per edition ---------------------------------------------------------


@pytest.mark.slow
def test_sites_are_separate(built):
    for code, title in (("bund", "Allgemeine Ausgabe"), ("sn", "Ausgabe Sachsen")):
        site = built.site / code
        index = json.loads((site / "search/search_index.json").read_text())
        locations = [d["location"] for d in index["docs"]]
        assert any("blatt-2-3" in l for l in locations)
        has_sn_sheet = any("blatt-1-51" in l for l in locations)
        assert has_sn_sheet == (code == "sn"), code
        assert (site / "sitemap.xml").is_file() and (site / "manifest.json").is_file()
        assert f"<title>Kommune beugt vor! – {title}</title>" in (site / "index.html").read_text()


@pytest.mark.slow
def test_switcher_targets(built):
    """Material's version selector stays on a page that exists in the target's sitemap."""
    versions = json.loads((built.site / "versions.json").read_text())
    assert {v["version"]: v["title"] for v in versions} == {"bund": "Allgemeine Ausgabe", "sn": "Ausgabe Sachsen"}

    def paths(code):
        xml = (built.site / code / "sitemap.xml").read_text()
        return {re.sub(rf"^http://127.0.0.1:8000/{code}/", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", xml)}

    bund, sn = paths("bund"), paths("sn")
    assert "02-gremiengruendung/blatt-2-3/" in bund & sn  # same sheet, same path: switch keeps it
    assert "02-gremiengruendung/blatt-2-9/" in bund - sn  # dropped in sn: switch goes to sn's start
    assert "01-grundlagen/blatt-1-51/" in sn - bund
    page = (built.site / "sn/index.html").read_text()
    assert '"version": {"provider": "mike"' in page or '"provider": "mike"' in page


@pytest.mark.slow
def test_parallel_equals_sequential(project, tmp_path):
    project.build()
    parallel = tmp_path / "parallel"
    project.site.rename(parallel)
    project.edit("mkdocs.yml", "binder_dir: binder", "binder_dir: binder\n      parallel: 1")
    project.build()
    cmp = filecmp.dircmp(parallel, project.site)

    def diff(c) -> list[str]:
        out = c.left_only + c.right_only + c.diff_files + c.funny_files
        for sub in c.subdirs.values():
            out += diff(sub)
        return out

    assert diff(cmp) == []
    assert len(list(parallel.rglob("*.html"))) > 20


@pytest.mark.slow
def test_new_land_is_one_folder(project):
    project.write(
        "binder/laender/th/ausgabe.yml",
        """
        name: Thüringen
        titel: Ausgabe Thüringen
        gremium:
          name: Landespräventionsrat Thüringen
          nominativ: der Landespräventionsrat Thüringen
          genitiv: des Landespräventionsrates Thüringen
          dativ: dem Landespräventionsrat Thüringen
          akkusativ: den Landespräventionsrat Thüringen
        variablen:
          im_land: in Thüringen
          des_landes: des Freistaates Thüringen
        """,
    )
    project.write(
        "binder/laender/th/eigenes.md",
        """
        ---
        blatt: "2.51"
        titel: Thüringer Besonderheiten
        fassung: 1
        stand: 2026-11
        ---
        Hier berät {{ land.gremium.nominativ }}.
        """,
    )
    project.build()
    th = project.site / "th"
    assert (
        "Hier berät der Landespräventionsrat Thüringen."
        in (th / "02-gremiengruendung/blatt-2-51/index.html").read_text()
    )
    assert "vor Ort in Thüringen" in (th / "01-grundlagen/blatt-1-1/index.html").read_text()
    assert '<a href="th/">Thüringen</a>' in project.html("index.html")
    assert "Ausgabe Thüringen" in (project.site / "versions.json").read_text()


@pytest.mark.slow
def test_environment_variable_limits_editions(project):
    project.build(env={"LOSEBLATT_AUSGABE": "sn"})
    assert (project.site / "sn/index.html").is_file()
    assert not (project.site / "bund").exists()


def test_body_with_preposition_contracts_like_german():
    from loseblatt.core.german import contracted_forms

    assert contracted_forms("dem Landespräventionsrat Sachsen") == {
        "bei": "beim Landespräventionsrat Sachsen",
        "von": "vom Landespräventionsrat Sachsen",
        "zu": "zum Landespräventionsrat Sachsen",
    }
    assert contracted_forms("der Leitstelle Kriminalprävention")["zu"] == "zur Leitstelle Kriminalprävention"
    assert contracted_forms("der Leitstelle Kriminalprävention")["bei"] == "bei der Leitstelle Kriminalprävention"
    assert contracted_forms("den Räten")["bei"] == "bei den Räten"


def test_edition_context_offers_the_contracted_forms(project):
    context = edition(project, "sn").context["land"]["gremium"]
    assert context["bei"] == "beim Landespräventionsrat Sachsen", context


@pytest.mark.parametrize(
    ("template", "german"),
    [
        ("{{ land.name ", "„{{“ ohne passendes „}}“"),
        ("{% if land.code == 'sn' %}x", "„{% if %}“ ohne „{% endif %}“"),
        ("{{ }}", "nach „{{“ fehlt ein Name"),
        ("{% endif %}", "überzähliger Befehl „endif“"),
        ("{{ land..name }}", "nach einem Punkt fehlt ein Name"),
    ],
)
def test_template_syntax_errors_are_explained_in_german(template, german):
    _, problem = render(f"Text\n{template}\n", {"land": {"name": "Sachsen", "code": "sn"}, "var": {}})
    assert problem is not None and problem.line == 2 and german in problem.message, problem


def test_sheet_identity_across_editions(project):
    """A base sheet, its replacement and its extended form are one sheet; a state's own sheet
    is its own, whatever its number."""
    sn = {s.blatt: s.identity for s in edition(project, "sn").sheets}
    bund = {s.blatt: s.identity for s in edition(project, "bund").sheets}
    assert sn["1.51"] == "sn:1.51"
    assert sn["2.3"] == bund["2.3"] == "2.3"  # extended in sn, the same sheet


@pytest.mark.slow
@pytest.mark.browser
def test_switcher_leads_to_the_corresponding_sheet_or_says_it_is_missing(project):
    from browser import chromium, serve

    # Thüringen with its own sheet under the number Sachsen uses for its own sheet.
    project.write(
        "binder/laender/th/ausgabe.yml",
        """
        name: Thüringen
        titel: Ausgabe Thüringen
        gremium:
          name: Landespräventionsrat Thüringen
          nominativ: der Landespräventionsrat Thüringen
          genitiv: des Landespräventionsrates Thüringen
          dativ: dem Landespräventionsrat Thüringen
          akkusativ: den Landespräventionsrat Thüringen
        variablen:
          im_land: in Thüringen
          des_landes: des Freistaates Thüringen
          vertretung: Gemeinderat
          polizei: Landespolizeiinspektion
        """,
    )
    project.write(
        "binder/laender/th/eigenes.md",
        '---\nblatt: "1.51"\ntitel: Thüringer Blatt\nfassung: 1\nstand: 2026-11\n---\nNur in Thüringen.\n',
    )
    project.build()
    with serve(project.site) as url, chromium() as browser:
        page = browser.new_page()

        def switch(start: str, title: str) -> None:
            page.goto(url + start)
            with page.expect_navigation():
                # The menu opens on hover; a real click event on the item, as a pointer gives it.
                page.locator(".md-version__link", has_text=title).first.evaluate("a => a.click()")
            page.wait_for_load_state("networkidle")

        # Sachsen's own 1.51 → Thüringen: not Thüringen's 1.51, but the notice.
        switch("/sn/01-grundlagen/blatt-1-51/", "Ausgabe Thüringen")
        assert "/th/fehlt/" in page.url
        notice = page.locator("[data-lb-fehlt]").inner_text()
        assert notice == "Blatt 1.51 „ASSKomm“ aus der Ausgabe Sachsen gibt es nur in der Ausgabe Sachsen.", notice
        assert page.locator("[data-lb-fehlt-register]").is_visible()
        # An extended base sheet → the general edition: the same sheet.
        switch("/sn/02-gremiengruendung/blatt-2-3/", "Allgemeine Ausgabe")
        assert page.url.endswith("/bund/02-gremiengruendung/blatt-2-3/")
        # And back to the chooser of all Länder.
        chooser = page.locator(".lb-alle-laender").first.get_attribute("href")
        assert chooser.rstrip("/") == url.rstrip("/"), chooser


@pytest.mark.slow
def test_pages_from_docs_are_searched_once_and_converted_once(tmp_path):
    """Pages from docs/ take their converted Markdown from the cache like sheets (it costs a
    third of a second per edition otherwise), are indexed once, and a page whose front matter
    excludes it from search stays out of the index."""
    project = make_project(tmp_path)
    project.write(
        "docs/intern.md",
        """
        ---
        search:
          exclude: true
        ---
        # Interne Notizen

        Dieser Satz gehört nicht in die Suche.
        """,
    )
    cache = tmp_path / "cache"
    env = {"LOSEBLATT_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1790000000"}
    project.build(env=env)
    for code in ("bund", "sn"):
        docs = json.loads((project.site / code / "search/search_index.json").read_text())["docs"]
        impressum = [d for d in docs if d["location"].startswith("impressum/")]
        assert impressum and len({d["location"] for d in impressum}) == len(impressum)  # no doubles
        assert not any("intern/" in d["location"] or "nicht in die Suche" in d["text"] for d in docs)
        assert "nicht in die Suche" in (project.site / code / "intern/index.html").read_text()
    first = json.loads((cache / "build-stats.json").read_text())
    # A second edition converts nothing that the first converted (same Markdown, same place).
    assert first["markdown"]["aus_cache"] > 0
    project.edit("docs/impressum.md", "# Impressum", "# Impressum\n\nEin neuer Satz im Impressum.")
    project.build(env=env)
    stats = json.loads((cache / "build-stats.json").read_text())
    # Only the edited page is converted again: once, or once in each of the two editions when
    # they reach it at the same moment (they are built side by side).
    assert stats["markdown"]["umgewandelt"] in (1, 2), stats["markdown"]
    assert "Ein neuer Satz im Impressum." in project.html("sn/impressum/index.html")


def test_an_edition_job_a_newer_serve_rebuild_supersedes_is_not_built(tmp_path):
    """Under serve, a rebuild's late editions that no worker has started when the next rebuild
    begins are left to that rebuild (coordinator.py): the job returns at once, writing nothing."""
    from types import SimpleNamespace

    from loseblatt.mkdocs_adapter.editions import EditionJob, build_edition

    stop = tmp_path / ".ueberholt"
    job = EditionJob(
        config_file=str(tmp_path / "fehlt.yml"),
        site_dir=str(tmp_path / "site" / "sn"),
        strict=False,
        use_directory_urls=True,
        assignment=SimpleNamespace(edition=SimpleNamespace(code="sn")),
        stop_file=str(stop),
    )
    tried = build_edition(job)  # no stop file: it is built (here it fails: there is no mkdocs.yml)
    assert not tried.skipped and not tried.ok and "fehlt.yml" in tried.error
    stop.touch()
    skipped = build_edition(job)
    assert skipped.skipped and skipped.ok and skipped.code == "sn"
    assert not (tmp_path / "site").exists()


def test_a_builds_own_pool_finishes_the_editions_behind_all_builds(monkeypatch):
    """In a build's own pool (editions._run with finish_apart), each edition's steps after
    MkDocs are a job of their own, queued when its build is done: every build runs before any
    finishing, so both workers share the finishing at the end instead of one worker building
    the last edition alone. Results come in build order, with the finishing's seconds."""
    import dataclasses
    from concurrent.futures import Future, ThreadPoolExecutor
    from types import SimpleNamespace

    from loseblatt.mkdocs_adapter import editions

    @dataclasses.dataclass(frozen=True)
    class Assignment:
        edition: SimpleNamespace
        backwards: bool = False

    ran: list[str] = []

    def build(job):
        ran.append(f"baue {job.edition.code}" + (" und schließe ab" if not job.finish_apart else ""))
        return editions.EditionResult(
            job.edition.code, True, seconds=1.0, finish_seconds=0.0 if job.finish_apart else 0.5
        )

    def finish(job):
        ran.append(f"schließe {job.edition.code} ab")
        return 0.25

    monkeypatch.setattr(editions, "build_edition", build)
    monkeypatch.setattr(editions, "finish_built", finish)
    codes = ["bund", "sh", "bw", "sn"]
    jobs = [
        editions.EditionJob(
            "mkdocs.yml", f"site/{c}", False, True, Assignment(SimpleNamespace(code=c)), finishing=object()
        )
        for c in codes
    ]
    done: list[str] = []
    with ThreadPoolExecutor(1) as pool:  # one worker: the queue's order is the order of work
        results = editions._run(pool, jobs, lambda r: done.append(r.code), lambda: None, finish_apart=True)
    assert ran == [f"baue {c}" for c in codes] + [f"schließe {c} ab" for c in codes]
    assert [r.code for r in results] == codes and sorted(done) == sorted(codes)
    assert all(r.finish_seconds == 0.25 and r.seconds == 1.25 for r in results)
    # A serve session's workers finish each edition in its build's job (the shown one first).
    ran.clear()
    with ThreadPoolExecutor(1) as pool:
        results = editions._run(pool, jobs, None, lambda: None)
    assert ran == [f"baue {c} und schließe ab" for c in codes]
    assert all(r.finish_seconds == 0.5 for r in results)

    # Each job goes to the workers as soon as it is yielded, before the next one is worked out.
    given: list[str] = []

    class Pool:
        def submit(self, fn, job):
            given.append(job.edition.code)
            future = Future()
            future.set_result(fn(job))
            return future

    def yielded():
        for n, job in enumerate(jobs):
            assert len(given) == n  # every earlier job is with the workers already
            yield job

    results = editions._run(Pool(), yielded(), None, lambda: None)
    assert given == codes == [r.code for r in results]


def test_workers_use_the_builds_cache_folder_not_the_fork_servers_environment(tmp_path):
    """Workers fork from a server that keeps the environment it started with, perhaps for an
    earlier build in the same process (workers.start_early starts it before the check): they
    get the build's cache folder from the coordinator, not from LOSEBLATT_CACHE."""
    import os
    import subprocess
    import sys

    project = make_project(tmp_path / "p")
    script = f"""
import os
from loseblatt.workers import start_early
os.environ["LOSEBLATT_CACHE"] = {str(tmp_path / "fremd")!r}
assert start_early()  # the server starts with this environment
os.environ["LOSEBLATT_CACHE"] = {str(tmp_path / "cache")!r}
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml")
config.plugins.on_startup(command="build", dirty=False)
build(config)
"""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LOSEBLATT_PDF": "0"}
    proc = subprocess.run([sys.executable, "-c", script], cwd=project.path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (project.site / "sn" / "index.html").is_file()
    assert (tmp_path / "cache" / "html").is_dir() and (tmp_path / "cache" / "ausgaben" / "sn").is_dir()
    assert not (tmp_path / "fremd").exists()
