"""Reporters: pure functions from results to text. One module per format."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docsecrets.types import ErrorKind, FileError, FileResult, Finding, Severity

if TYPE_CHECKING:
    from docsecrets.rules.base import Rule

# An encrypted document is a finding (DS000), which --fail-on, severities and the baseline govern;
# every other error is a file that could not be scanned and fails the gate.
GATE_EXEMPT_KINDS: frozenset[ErrorKind] = frozenset({"encrypted"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    results: tuple[FileResult, ...]
    elapsed: float = 0.0
    show_secrets: bool = False
    min_severity: Severity = Severity.LOW
    rules: tuple[Rule, ...] = ()  # the configuration's custom rules (docsecrets' own are in RULES)
    clean: int = 0  # files scanned with nothing to report, counted but not among `results` (a spooled sweep)

    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings if f.severity >= self.min_severity]

    def errors(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(printable(e.path), printable(e.error), e.kind, tuple(printable(c) for c in e.chain))
                for r in self.results for e in r.errors]

    def unscannable(self) -> list[FileError]:
        """The errors that fail the gate (unless --allow-unscannable)."""
        return [e for r in self.results for e in r.errors if e.kind not in GATE_EXEMPT_KINDS]

    def scanned(self) -> int:
        return self.clean + sum(1 for r in self.results if r.skipped is None)

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


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def safe(text: str) -> str:
    """`printable`, with control characters (C0, C1, DEL, line separators, bidi overrides) written
    as escapes: a file name holding a newline cannot start a line of its own (a GitHub `::warning`
    workflow command), nor an escape sequence repaint the terminal."""
    return _CONTROL.sub(_escape_control, printable(text))


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def display_path(finding_path: str, chain: tuple[str, ...]) -> str:
    """`backup.zip › site/config.php`: the archive chain a person can follow."""
    return " › ".join(printable(p) for p in (finding_path, *chain))


_JSON_KEYS = frozenset({"tool", "findings", "errors", "skipped", "summary"})


def is_own_report(data: bytes) -> bool:
    """A JSON or SARIF report written by docsecrets without --show-secrets: its values are only
    redacted forms, which the next sweep would report again. A report holding a raw secret
    (`secret` differs from `redacted`, or a SARIF `secret` property) is not ours to skip: it
    is a leak like any other file."""
    import json

    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return False
    if not isinstance(document, dict):
        return False
    tool = document.get("tool")
    if set(document) <= _JSON_KEYS and isinstance(tool, dict) and tool.get("name") == "docsecrets":
        findings = document.get("findings")
        return isinstance(findings, list) and all(
            isinstance(f, dict) and f.get("secret") == f.get("redacted") for f in findings)
    runs = document.get("runs")
    if set(document) <= {"$schema", "version", "runs"} and isinstance(runs, list) and runs:
        for run in runs:
            driver = run.get("tool", {}).get("driver", {}) if isinstance(run, dict) else {}
            if not isinstance(driver, dict) or driver.get("name") != "docsecrets":
                return False
            for result in run.get("results", []):
                properties = result.get("properties", {}) if isinstance(result, dict) else None
                if not isinstance(properties, dict) or "secret" in properties:
                    return False
        return True
    return False
