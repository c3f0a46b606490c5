"""Problems found in the content, reported to editors in German, all at once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """What one check step found in a text, by line within that text (1-based); the caller
    knows the file and where the text starts in it (Problems.add_findings)."""

    line: int
    message: str


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the content, located by file and line (1-based); or, with `hinweis`, a
    reminder that does not stop a build (e.g. a municipal sheet to re-check after a delivery)."""

    path: str
    line: int
    message: str
    edition: str | None = None
    hinweis: bool = False

    def format(self) -> str:
        where = f"{self.path}:{self.line}"
        scope = f" [Ausgabe {self.edition}]" if self.edition else ""
        kind = "Hinweis: " if self.hinweis else ""
        return f"{where}: {kind}{self.message}{scope}"

    def format_github(self) -> str:
        # GitHub workflow command: annotates the line in the pull request's diff.
        msg = self.message + (f" (Ausgabe {self.edition})" if self.edition else "")
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line}::{msg}"


@dataclass
class Problems:
    """Collects problems instead of raising, so editors see every mistake in one run."""

    root: Path
    items: list[Problem] = field(default_factory=list)

    def add(self, path: Path | str, line: int, message: str, edition: str | None = None) -> None:
        self.items.append(Problem(self.relative(path), max(int(line), 1), message, edition))

    def add_findings(self, path: Path | str, first_line: int, found: list[Finding], edition: str | None = None) -> None:
        """Findings by line within a text that starts at `first_line` of `path`."""
        for finding in found:
            self.add(path, first_line + finding.line - 1, finding.message, edition)

    def relative(self, path: Path | str) -> str:
        # The path as the editor sees it: a symbolic link is named, not the file it leads to.
        p = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):
            try:
                return p.relative_to(root).as_posix()
            except ValueError:
                continue
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        # Same problem found in several editions is reported once, naming the first edition.
        seen: dict[tuple[str, int, str], Problem] = {}
        for p in sorted(self.items, key=lambda p: (p.path, p.line, p.message, p.edition or "")):
            key = (p.path, p.line, p.message)
            if key in seen:
                continue
            seen[key] = p
        return list(seen.values())
