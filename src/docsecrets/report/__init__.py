"""Reporters: pure functions from results to text. One module per format."""

from __future__ import annotations

from dataclasses import dataclass

from docsecrets.types import FileResult, Finding, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    results: tuple[FileResult, ...]
    elapsed: float = 0.0
    show_secrets: bool = False
    min_severity: Severity = Severity.LOW

    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings if f.severity >= self.min_severity]

    def errors(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(printable(e.path), printable(e.error), e.kind, tuple(printable(c) for c in e.chain))
                for r in self.results for e in r.errors]

    def scanned(self) -> int:
        return sum(1 for r in self.results if r.skipped is None)

    def skipped(self) -> list[tuple[str, str]]:
        return [(printable(r.path), r.skipped) for r in self.results if r.skipped is not None]

    def shown_secret(self, finding: Finding) -> str:
        return finding.secret if self.show_secrets else finding.redacted


def printable(path: str) -> str:
    """A file name that is not valid UTF-8 (kept by Python as surrogates) with its bad bytes
    written as \\xNN, so every report stays valid UTF-8 and valid JSON."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def display_path(finding_path: str, chain: tuple[str, ...]) -> str:
    """`backup.zip › site/config.php`: the archive chain a person can follow."""
    return " › ".join(printable(p) for p in (finding_path, *chain))
