"""GitHub Actions workflow commands: one annotation per finding and per file that could not be
scanned, secrets redacted. Control characters are escaped first (so none survives to end a
command), then `%`, CR and LF as workflow commands want, plus `:` and `,` in properties."""

from __future__ import annotations

from docsecrets.report import GATE_EXEMPT_KINDS, Report, display_path, safe
from docsecrets.types import Severity

_COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def _escape(text: str) -> str:
    return safe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings():
        params = [f"file={_escape_property(finding.path)}"]
        if finding.location.line is not None and not finding.chain:
            params.append(f"line={finding.location.line}")
        params.append(f"title={_escape_property(f'{finding.rule_id} {finding.rule_name}')}")
        hidden = f" (hidden: {finding.hidden})" if finding.hidden else ""
        message = (f"{display_path(finding.path, finding.chain)} {finding.location.describe()}: "
                   f"{finding.description or finding.rule_name}{hidden}: {finding.redacted}")
        lines.append(f"::{_COMMAND[finding.severity]} {','.join(params)}::{_escape(message)}")
    for path, error, kind, chain in report.errors():
        command = "warning" if kind in GATE_EXEMPT_KINDS else "error"
        lines.append(f"::{command} file={_escape_property(path)},title=unscannable::"
                     f"{_escape(display_path(path, chain) + ': ' + error)}")
    return "\n".join(lines) + ("\n" if lines else "")
