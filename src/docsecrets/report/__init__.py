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
        return [(e.path, e.error, e.kind, e.chain) for r in self.results for e in r.errors]

    def scanned(self) -> int:
        return sum(1 for r in self.results if r.skipped is None)

    def skipped(self) -> list[tuple[str, str]]:
        return [(r.path, r.skipped) for r in self.results if r.skipped is not None]

    def shown_secret(self, finding: Finding) -> str:
        return finding.secret if self.show_secrets else finding.redacted


def display_path(finding_path: str, chain: tuple[str, ...]) -> str:
    """`backup.zip › site/config.php`: the archive chain a person can follow."""
    return " › ".join((finding_path, *chain))
