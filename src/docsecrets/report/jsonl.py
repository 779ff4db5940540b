"""JSON Lines output, written as files finish: one object per finding, error or skipped file,
then a summary line. The parent keeps counts only, so a sweep of any size holds no result
in memory, and a run that is killed has already delivered every line before the kill.

{"type": "finding", "path", "rule", "severity", "secret", "location", ...}   (as in the JSON report)
{"type": "error", "path", "error", "kind", "archive_chain"}
{"type": "skipped", "path", "reason"}
{"type": "summary", "tool": {...}, "summary": {"files_scanned", ..., "elapsed_seconds"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Any

from docsecrets import __version__
from docsecrets.report import GATE_EXEMPT_KINDS, Report, printable
from docsecrets.report.json import error_entries, finding_entry
from docsecrets.types import FileResult, Severity


@dataclass(slots=True)
class JsonlWriter:
    out: IO[str]
    show_secrets: bool = False
    min_severity: Severity = Severity.LOW
    fail_on: Severity = Severity.LOW
    scanned: int = 0
    skipped: int = 0
    unscannable_files: int = 0
    findings: int = 0
    failing: int = 0  # findings at or above fail_on
    gate_errors: int = 0  # errors that fail the gate (not an encrypted document, a finding)
    by_severity: dict[str, int] = field(default_factory=dict)

    def write(self, result: FileResult) -> None:
        """The lines of one file's result, flushed at once."""
        report = Report(results=(result,), show_secrets=self.show_secrets, min_severity=self.min_severity)
        lines: list[dict[str, Any]] = []
        if result.skipped is not None:
            self.skipped += 1
            lines.append({"type": "skipped", "path": printable(result.path), "reason": result.skipped})
        else:
            self.scanned += 1
        for finding in report.findings():
            self.findings += 1
            self.failing += finding.severity >= self.fail_on
            self.by_severity[str(finding.severity)] = self.by_severity.get(str(finding.severity), 0) + 1
            lines.append({"type": "finding", **finding_entry(report, finding)})
        errors = error_entries(report)
        if errors:
            self.unscannable_files += 1
            self.gate_errors += sum(1 for e in result.errors if e.kind not in GATE_EXEMPT_KINDS)
        lines.extend({"type": "error", **entry} for entry in errors)
        if lines:
            self.out.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
            self.out.flush()

    def finish(self, elapsed: float) -> None:
        self.out.write(json.dumps({"type": "summary", "tool": {"name": "docsecrets", "version": __version__},
                                   "summary": {
                                       "files_scanned": self.scanned,
                                       "files_skipped": self.skipped,
                                       "files_unscannable": self.unscannable_files,
                                       "findings": self.findings,
                                       "by_severity": self.by_severity,
                                       "elapsed_seconds": round(elapsed, 3),
                                   }}, ensure_ascii=False) + "\n")
        self.out.flush()
