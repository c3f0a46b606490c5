"""The core's entry points: load → validate → assemble every edition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assemble import AssembledEdition, TextMemo, assemble_edition, process_text
from .check_memo import forget_unused
from .deliveries import Snapshot, Withdrawal, check_integrity, load_snapshots, load_withdrawals, previous_version
from .derived import add_page_versions
from .laender import BASE
from .load import load_binder
from .model import Binder
from .problems import Problem, Problems
from .revisions import mark
from .validate import validate_base, validate_grammar, validate_safety


@dataclass
class CheckResult:
    binder: Binder
    editions: dict[str, AssembledEdition]
    problems: list[Problem]
    snapshots: list[Snapshot]
    withdrawals: list[Withdrawal]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(
    binder_root: Path, project_root: Path | None = None, only: list[str] | None = None, memo: TextMemo | None = None
) -> CheckResult:
    """Load and assemble every edition (or those in `only`), collecting every problem. A memo
    kept from an earlier check (mkdocs serve) spares the texts that did not change."""
    binder_root = Path(binder_root)
    problems = Problems(Path(project_root) if project_root else binder_root.parent)
    binder = load_binder(binder_root, problems)
    validate_base(binder, problems)
    validate_safety(binder, problems)
    validate_grammar(binder, problems)
    codes = [c for c in binder.edition_codes() if not only or c in only]
    memo = memo if memo is not None else TextMemo()
    editions = {code: assemble_edition(binder, code, problems, memo) for code in codes}
    snapshots = load_snapshots(binder_root, problems)
    withdrawals = load_withdrawals(binder_root, problems)
    check_integrity(binder, editions, snapshots, withdrawals, problems)
    add_revision_marks(editions, snapshots, memo)
    add_page_versions(editions, snapshots, withdrawals)
    memo.keep_used()
    forget_unused()
    return CheckResult(binder, editions, problems.sorted(), snapshots, withdrawals)


def add_revision_marks(
    editions: dict[str, AssembledEdition], snapshots: list[Snapshot], memo: TextMemo | None = None
) -> None:
    """Mark what changed since the previous Fassung, for sheets whose last change is «inhaltlich».
    Most editions mark the same base sheet against the same Fassung: done once (memo)."""
    memo = memo if memo is not None else TextMemo()
    for code, ed in editions.items():
        for sheet in ed.sheets:
            if sheet.aenderung != "inhaltlich":
                continue
            before = previous_version(snapshots, code, sheet.blatt, sheet.fassung_label)
            if before is not None:
                old, new = before.markdown, sheet.markdown
                marked, n = memo.mark(old, new, lambda: mark(old, new))  # noqa: B023 - called at once
                if n:
                    sheet.marked_markdown = marked


def process_docs_page(
    markdown: str, edition: AssembledEdition, src_uri: str, path: Path, project_root: Path, betreiber: dict
) -> tuple[str, Problems]:
    """A hand-written page from docs/ for one edition: the same text steps as a sheet (passages,
    variables, checklists, Blattverweise), with the operator's details as extra variables."""
    problems = Problems(project_root)
    context = {**edition.context, "betreiber": betreiber}
    text, _ = process_text(markdown, path, 1, edition.code, context, edition.targets(), src_uri, problems, "")
    return text, problems


__all__ = ["BASE", "CheckResult", "check", "process_docs_page"]
