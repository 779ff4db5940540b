"""Human output: one line per finding, grouped by file, the file with the most severe finding
first (and, within a file, the most severe first); then the files that could not be scanned
and the files skipped, each with its reason; then a summary line. Every line starts with the
path, so it can be grepped. Secrets redacted by default; control characters in names escaped."""

from __future__ import annotations

from docsecrets.report import GATE_EXEMPT_KINDS, Report, display_path, safe
from docsecrets.types import Finding, Severity


def render(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings():
        by_file.setdefault(finding.path, []).append(finding)
    ordered = sorted(by_file.values(), key=lambda group: (-max(f.severity for f in group), group[0].path))
    for finding in (f for group in ordered for f in sorted(group, key=lambda f: -f.severity)):
        where = display_path(finding.path, finding.chain)
        severity = str(finding.severity).upper()
        if color:
            severity = _paint(severity, finding.severity)
        hidden = f"  [hidden: {finding.hidden}]" if finding.hidden else ""
        detail = f"  ({finding.description})" if finding.description else ""
        if not finding.secret and not finding.redacted:  # a whole-file finding: an encrypted document
            head, tail = f"{where}: ", f" {finding.rule_id} {finding.rule_name}{detail}{hidden}"
        else:
            head = f"{where}: {finding.location.describe()}: "
            tail = f" {finding.rule_id} {finding.rule_name}: {report.shown_secret(finding)}{detail}{hidden}"
        lines.append(safe(head) + severity + safe(tail))
    for path, error, kind, chain in report.errors():
        if kind not in GATE_EXEMPT_KINDS:  # encrypted documents are already listed as DS000 findings
            lines.append(safe(f"{display_path(path, chain)}: ERROR {error}"))
    for path, reason in report.skipped():
        lines.append(safe(f"{path}: SKIPPED {reason}"))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    findings = report.findings()
    by_severity = {s: 0 for s in Severity}
    for finding in findings:
        by_severity[finding.severity] += 1
    parts = ", ".join(f"{count} {severity}" for severity, count in sorted(by_severity.items(), reverse=True) if count)
    files_with = len({f.path for f in findings})
    unscannable = len({path for path, *_ in report.errors()})
    text = (f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
            f"{f' ({parts})' if parts else ''} in {files_with} file{'s' if files_with != 1 else ''}; "
            f"{report.scanned()} scanned, {unscannable} unscannable, {len(report.skipped())} skipped"
            f" in {report.elapsed:.1f} s")
    return text


def _paint(text: str, severity: Severity) -> str:
    code = {Severity.CRITICAL: "1;31", Severity.HIGH: "31", Severity.MEDIUM: "33", Severity.LOW: "36"}[severity]
    return f"\x1b[{code}m{text}\x1b[0m"
