"""GitHub Actions workflow commands: one annotation per finding, secrets redacted."""

from __future__ import annotations

from docsecrets.report import Report, display_path, printable
from docsecrets.types import Severity

_COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings():
        params = [f"file={_escape_property(printable(finding.path))}"]
        if finding.location.line is not None and not finding.chain:
            params.append(f"line={finding.location.line}")
        params.append(f"title={_escape_property(f'{finding.rule_id} {finding.rule_name}')}")
        hidden = f" (hidden: {finding.hidden})" if finding.hidden else ""
        message = (f"{display_path(finding.path, finding.chain)} {finding.location.describe()}: "
                   f"{finding.description or finding.rule_name}{hidden}: {finding.redacted}")
        lines.append(f"::{_COMMAND[finding.severity]} {','.join(params)}::{_escape(message)}")
    for path, error, _kind, chain in report.errors():
        lines.append(f"::warning file={_escape_property(path)},title=unscannable::"
                     f"{_escape(display_path(path, chain) + ': ' + error)}")
    return "\n".join(lines) + ("\n" if lines else "")
