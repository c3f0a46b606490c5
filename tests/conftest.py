"""Shared fixtures: a copy of the fixture project in a temporary folder, and site builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

sys.path.insert(0, str(ROOT / "plugins"))


class Project:
    """A throwaway project: fixture binder, docs and the real mkdocs.yml."""

    def __init__(self, path: Path):
        self.path = path
        self.binder = path / "binder"
        self.docs = path / "docs"
        self.site = path / "site"

    def write(self, rel: str, text: str) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.path / rel
        text = p.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        p.write_text(text.replace(old, new), encoding="utf-8")

    def build(
        self, engine: str = "mkdocs", env: dict | None = None, check: bool = True, args: list[str] | None = None
    ) -> subprocess.CompletedProcess:
        run_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="0")
        run_env.pop("LOSEBLATT_AUSGABE", None)
        run_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", engine, "build", *(args or [])],
            cwd=self.path,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{engine} build failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def check(self):
        from loseblatt.core import pipeline

        return pipeline.check(self.binder, self.path)

    def html(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def make_project(tmp_path: Path, fixture: str = "binder") -> Project:
    dest = tmp_path / "projekt"
    dest.mkdir(parents=True)
    shutil.copytree(FIXTURES / fixture, dest / "binder")
    shutil.copytree(FIXTURES / "docs", dest / "docs")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return Project(dest)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    """The fixture project built once per test module (both editions)."""
    proj = make_project(tmp_path_factory.mktemp("built"))
    proj.build()
    return proj


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real binder built once per test session, with PDFs (cache shared under .cache/)."""
    dest = tmp_path_factory.mktemp("real")
    for name in ("binder", "docs"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", LOSEBLATT_PDF="1", LOSEBLATT_CACHE=str(ROOT / ".cache/loseblatt"))
    env.pop("LOSEBLATT_AUSGABE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=dest, env=env, capture_output=True, text=True, timeout=1800
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dest / "site"
