"""JSON output: the stable shape `score.py` and CI gates read.

{"findings": [{"path", "rule", "severity", "secret", "location", ...}], "errors": [{"path", "error"}], ...}
`secret` is the redacted form unless the user asked for --show-secrets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from docsecrets import __version__
from docsecrets.report import Report, printable
from docsecrets.types import FileResult, Finding, Severity


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


def render_stream(out: IO[str], results: Callable[[], Iterable[FileResult]], *, clean: int, elapsed: float,
                  show_secrets: bool = False, min_severity: Severity = Severity.LOW) -> None:
    """The same document as `render`, written piece by piece from results read back in path order.

    `results()` yields the results with something to report, sorted, and may be called once per
    list (findings, errors, skipped); `clean` counts the scanned files left out of it.
    """
    def reports() -> Iterator[Report]:
        for result in results():
            yield Report(results=(result,), show_secrets=show_secrets, min_severity=min_severity)

    def write_list(key: str, entries: Iterator[dict[str, Any]]) -> None:
        out.write(f'  "{key}": [')
        first = True
        for entry in entries:
            out.write(("\n" if first else ",\n") + _nested(entry, "    "))
            first = False
        out.write("],\n" if first else "\n  ],\n")

    counts: dict[str, int] = {}
    totals = {"findings": 0, "skipped": 0, "scanned": clean}
    unscannable: set[str] = set()

    def findings() -> Iterator[dict[str, Any]]:
        for report in reports():
            for finding in report.findings():
                counts[str(finding.severity)] = counts.get(str(finding.severity), 0) + 1
                totals["findings"] += 1
                yield finding_entry(report, finding)

    def errors() -> Iterator[dict[str, Any]]:
        for report in reports():
            for entry in error_entries(report):
                unscannable.add(entry["path"])
                yield entry

    def skipped() -> Iterator[dict[str, Any]]:
        for report in reports():
            totals["scanned"] += report.scanned()
            for path, reason in report.skipped():
                totals["skipped"] += 1
                yield {"path": path, "reason": reason}

    out.write('{\n  "tool": ' + _nested({"name": "docsecrets", "version": __version__}, "  ").lstrip() + ",\n")
    write_list("findings", findings())
    write_list("errors", errors())
    write_list("skipped", skipped())
    summary = {
        "files_scanned": totals["scanned"],
        "files_skipped": totals["skipped"],
        "files_unscannable": len(unscannable),
        "findings": totals["findings"],
        "by_severity": counts,
        "elapsed_seconds": round(elapsed, 3),
    }
    out.write('  "summary": ' + _nested(summary, "  ").lstrip() + "\n}\n")


def _nested(value: Any, indent: str) -> str:
    """json.dumps(value, indent=2) as it reads nested at `indent` (strings hold no raw newline)."""
    return indent + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)



def placeholder(key: str) -> list[str]:
    """What stands in `write_document`'s document for the list streamed under `key`."""
    return [f"\x00streamed:{key}"]


def write_document(out: IO[str], document: dict[str, Any], lists: dict[str, Iterator[dict[str, Any]]]) -> None:
    """Write json.dumps(document, indent=2), each list given as `placeholder(key)` streamed from `lists[key]`.

    Entries are written as the iterators yield them, so no list is held whole.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    markers = sorted((text.index(json.dumps(placeholder(key)[0])), key) for key in lists)
    position = 0
    for at, key in markers:
        marker = json.dumps(placeholder(key)[0])
        indent = at - (text.rindex("\n", 0, at) + 1)
        out.write(text[position:at - indent - 1])  # up to the list's "[", not the newline after it
        first = True
        for entry in lists[key]:
            out.write(("\n" if first else ",\n") + _nested(entry, " " * indent))
            first = False
        position = at + len(marker)
        if first:  # an empty list reads "[]"
            position += 1 + indent - 2
    out.write(text[position:])
