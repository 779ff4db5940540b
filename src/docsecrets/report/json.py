"""JSON output: the stable shape `score.py` and CI gates read.

{"findings": [{"path", "rule", "severity", "secret", "location", ...}], "errors": [{"path", "error"}], ...}
`secret` is the redacted form unless the user asked for --show-secrets.
"""

from __future__ import annotations

import json
from typing import Any

from docsecrets import __version__
from docsecrets.report import Report, printable
from docsecrets.types import Finding


def finding_entry(report: Report, finding: Finding) -> dict[str, Any]:
    """One finding as the JSON report (and each `jsonl` line) holds it."""
    location: dict[str, Any] = finding.location.as_dict()
    chain = [printable(member) for member in finding.chain]
    if chain:
        location["chain"] = chain
    return {
        "path": printable(finding.path),
        "rule": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": str(finding.severity),
        "confidence": finding.confidence,
        "secret": report.shown_secret(finding),
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "location": location,
        "where": finding.location.describe(),
        "archive_chain": chain,
        "hidden": finding.hidden is not None,
        "hidden_reason": finding.hidden,
        "description": finding.description,
    }


def error_entries(report: Report) -> list[dict[str, Any]]:
    return [{"path": path, "error": error, "kind": kind, "archive_chain": list(chain)}
            for path, error, kind, chain in report.errors()]


def render(report: Report) -> str:
    findings = [finding_entry(report, finding) for finding in report.findings()]
    errors = error_entries(report)
    counts: dict[str, int] = {}
    for finding in report.findings():
        counts[str(finding.severity)] = counts.get(str(finding.severity), 0) + 1
    document = {
        "tool": {"name": "docsecrets", "version": __version__},
        "findings": findings,
        "errors": errors,
        "skipped": [{"path": path, "reason": reason} for path, reason in report.skipped()],
        "summary": {
            "files_scanned": report.scanned(),
            "files_skipped": len(report.skipped()),
            "files_unscannable": len({path for path, *_ in report.errors()}),
            "findings": len(findings),
            "by_severity": counts,
            "elapsed_seconds": round(report.elapsed, 3),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
