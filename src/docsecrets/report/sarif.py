"""SARIF 2.1.0 for code-scanning dashboards, built from plain dicts.

Rules come from the Rule metadata; each result carries a partial fingerprint (the baseline's),
a physical location with a region where a line is known, and logical locations for the
sheet, cell, page or part. Secrets appear only redacted, unless --show-secrets asks for them
(then in `properties.secret`, never in a message).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from urllib.parse import quote

from docsecrets import __version__
from docsecrets.report import GATE_EXEMPT_KINDS, Report, display_path, printable
from docsecrets.rules import Rule
from docsecrets.rules.ruleset import records
from docsecrets.types import FileResult, Finding, Severity

_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def _uri(path: str) -> str:
    normalised = printable(path).replace(os.sep, "/")
    if normalised.startswith("./"):
        normalised = normalised[2:]
    return quote(normalised, safe="/:@-._~")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.help or rule.description, "markdown": rule.help or rule.description},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"security-severity": _SECURITY_SEVERITY[rule.severity], "tags": ["security", "secret"]},
    }


def _logical_locations(finding: Finding) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for member in finding.chain:
        out.append({"name": member, "kind": "member"})
    loc = finding.location
    if loc.part:
        out.append({"name": loc.part, "kind": "module"})
    if loc.cell:
        out.append({"name": f"{loc.part}!{loc.cell}" if loc.part else loc.cell, "kind": "element",
                    "fullyQualifiedName": f"{loc.part}!{loc.cell}" if loc.part else loc.cell})
    if loc.page is not None:
        out.append({"name": f"page {loc.page}", "kind": "module"})
    return out


def _result(finding: Finding, rule_index: dict[str, int], report: Report) -> dict[str, Any]:
    where = finding.location.describe()
    hidden = f" (hidden: {finding.hidden})" if finding.hidden else ""
    detail = f": {finding.description}" if finding.description else ""
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.path)}}
    if finding.location.line is not None and not finding.chain:
        physical["region"] = {"startLine": finding.location.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = _logical_locations(finding)
    if logical:
        location["logicalLocations"] = logical
    properties: dict[str, Any] = {
        "severity": str(finding.severity),
        "confidence": finding.confidence,
        "redacted": finding.redacted,
        "where": where,
        "hidden": finding.hidden is not None,
    }
    if finding.hidden:
        properties["hiddenReason"] = finding.hidden
    if finding.chain:
        properties["archiveChain"] = list(finding.chain)
    if report.show_secrets:
        properties["secret"] = finding.secret
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.rule_name} in {display_path(finding.path, finding.chain)} at {where}"
                            f"{detail}{hidden}: {finding.redacted}"},
        "locations": [location],
        "partialFingerprints": {"docsecrets/v1": finding.fingerprint},
        "properties": properties,
    }
    return result


def _rules(report: Report) -> list[Rule]:
    return _rules_of(report.rules, report.findings())


def _rules_of(custom: tuple[Rule, ...], findings: Iterable[Finding]) -> list[Rule]:
    """docsecrets' rules, the configuration's custom rules, and any other rule a finding names."""
    rules = records(custom)
    known = {rule.id for rule in rules}
    for finding in findings:
        if finding.rule_id not in known:
            rules.append(Rule(id=finding.rule_id, name=finding.rule_name, severity=finding.severity,
                              description=finding.description or finding.rule_name))
            known.add(finding.rule_id)
    return rules


def _notification(path: str, error: str, kind: str, chain: tuple[str, ...]) -> dict[str, Any]:
    return {"level": "warning" if kind in GATE_EXEMPT_KINDS else "error",
            "message": {"text": f"{display_path(path, chain)}: {error}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}],
            "properties": {"kind": kind}}


def _document(rules: list[Rule], results: Any, successful: bool, notifications: Any) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "docsecrets",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": "https://pypi.org/project/docsecrets/",
            "rules": [_rule_descriptor(rule) for rule in rules],
        }},
        "results": results,
        "invocations": [{"executionSuccessful": successful,
                         "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": _SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    rules = _rules(report)
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    document = _document(rules, [_result(f, rule_index, report) for f in report.findings()],
                         not report.unscannable(), [_notification(*error) for error in report.errors()])
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_stream(out: IO[str], results: Callable[[], Iterable[FileResult]], *, show_secrets: bool = False,
                  min_severity: Severity = Severity.LOW, rules: tuple[Rule, ...] = ()) -> None:
    """The same document as `render`, written from results read back in path order (see json.render_stream)."""
    from docsecrets.report.json import placeholder, write_document

    def reports() -> Iterator[Report]:
        for result in results():
            yield Report(results=(result,), show_secrets=show_secrets, min_severity=min_severity, rules=rules)

    unscannable = False

    def findings() -> Iterator[Finding]:  # first pass: the rules findings name, whether all was read
        nonlocal unscannable
        for report in reports():
            unscannable = unscannable or bool(report.unscannable())
            yield from report.findings()

    every_rule = _rules_of(rules, findings())
    rule_index = {rule.id: i for i, rule in enumerate(every_rule)}
    write_document(out, _document(every_rule, placeholder("results"), not unscannable, placeholder("notifications")),
                   {"results": (_result(f, rule_index, report) for report in reports() for f in report.findings()),
                    "notifications": (_notification(*error) for report in reports() for error in report.errors())})
