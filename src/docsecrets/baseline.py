"""Baselines: findings a team has seen and accepted, so a gate fails only on new ones.

A baseline is JSON with sorted keys, a `version`, and entries keyed by fingerprint. It holds
the rule, the path, where the finding was, and a review status, never the secret (the
fingerprint includes a salted scrypt of it: identity.fingerprint). Loading fails loudly: a baseline that cannot be
read must never turn into an empty one that lets everything through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from docsecrets import __version__
from docsecrets.types import DocsecretsError, FileResult, Finding

VERSION = 2  # 2: fingerprints hash the secret with scrypt salted by its file (1: plain SHA-256)
STATUSES = ("unreviewed", "accepted", "false_positive")


class BaselineError(DocsecretsError):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    rule: str
    path: str
    where: str
    severity: str
    chain: tuple[str, ...] = ()
    status: str = "unreviewed"
    reason: str = ""
    # what `baseline audit` shows; optional (older baselines lack them), never the secret
    name: str = ""
    redacted: str = ""
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "path": self.path, "where": self.where,
                               "severity": self.severity, "status": self.status}
        if self.chain:
            out["chain"] = list(self.chain)
        if self.reason:
            out["reason"] = self.reason
        for key in ("name", "redacted", "description"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: dict[str, Entry] = field(default_factory=dict)

    def __contains__(self, fingerprint: str) -> bool:
        entry = self.entries.get(fingerprint)
        # every status suppresses: the team has seen the finding; audit says why
        return entry is not None

    def with_status(self, fingerprint: str, status: str, reason: str = "") -> Baseline:
        if status not in STATUSES:
            raise BaselineError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        if fingerprint not in self.entries:
            matches = [fp for fp in self.entries if fp.startswith(fingerprint)] if len(fingerprint) >= 6 else []
            if len(matches) != 1:
                raise BaselineError(f"no single baseline entry matches fingerprint {fingerprint!r}")
            fingerprint = matches[0]
        entries = dict(self.entries)
        entries[fingerprint] = replace(entries[fingerprint], status=status, reason=reason)
        return Baseline(entries)


def from_results(results: Iterable[FileResult], previous: Baseline | None = None) -> Baseline:
    """A baseline of every finding in `results`, keeping the reviews of `previous` entries."""
    entries: dict[str, Entry] = {}
    for result in results:
        for finding in result.findings:
            old = previous.entries.get(finding.fingerprint) if previous else None
            entries[finding.fingerprint] = _entry(finding, old)
    return Baseline(entries)


def _entry(finding: Finding, old: Entry | None) -> Entry:
    from docsecrets.identity import normalise_path

    return Entry(rule=finding.rule_id, path=normalise_path(finding.path), where=finding.location.describe(),
                 severity=str(finding.severity), chain=finding.chain,
                 status=old.status if old else "unreviewed", reason=old.reason if old else "",
                 name=finding.rule_name, redacted=finding.redacted, description=finding.description)


def subtract(results: Iterable[FileResult], baseline: Baseline) -> list[FileResult]:
    """The results without the findings the baseline already holds."""
    return [replace(r, findings=tuple(f for f in r.findings if f.fingerprint not in baseline)) for r in results]


def dumps(baseline: Baseline) -> str:
    document = {
        "version": VERSION,
        "generated_by": f"docsecrets {__version__}",
        "findings": {fp: entry.as_dict() for fp, entry in sorted(baseline.entries.items())},
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(text: str) -> Baseline:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline is not valid JSON: {exc}") from None
    document = upgrade(document)
    findings = document.get("findings")
    if not isinstance(findings, dict):
        raise BaselineError("baseline has no 'findings' object")
    entries: dict[str, Entry] = {}
    for fingerprint, raw in findings.items():
        if not isinstance(raw, dict) or not isinstance(fingerprint, str) or len(fingerprint) != 64:
            raise BaselineError(f"baseline entry {fingerprint!r} is malformed")
        try:
            entries[fingerprint] = Entry(rule=str(raw["rule"]), path=str(raw["path"]), where=str(raw.get("where", "")),
                                         severity=str(raw.get("severity", "")), chain=tuple(raw.get("chain", ())),
                                         status=str(raw.get("status", "unreviewed")), reason=str(raw.get("reason", "")),
                                         name=str(raw.get("name", "")), redacted=str(raw.get("redacted", "")),
                                         description=str(raw.get("description", "")))
        except KeyError as exc:
            raise BaselineError(f"baseline entry {fingerprint[:12]}… lacks {exc}") from None
        if entries[fingerprint].status not in STATUSES:
            raise BaselineError(f"baseline entry {fingerprint[:12]}… has unknown status {raw.get('status')!r}")
    return Baseline(entries)


def upgrade(document: Any) -> dict[str, Any]:
    """Bring an older baseline to the current version (format changes go through here)."""
    if not isinstance(document, dict):
        raise BaselineError("baseline is not a JSON object")
    version = document.get("version")
    if version == 1:
        # Version 1 fingerprints are plain SHA-256 of the secret: they cannot be turned into
        # version 2 ones without the secrets, and the file itself should not be kept.
        raise BaselineError("baseline version 1 holds unsalted SHA-256 fingerprints, from which a short password "
                            "can be recovered: delete it, re-create it with `docsecrets baseline create`, and "
                            "review the entries again (the old reviews cannot be carried over)")
    if version != VERSION:
        raise BaselineError(f"baseline version {version!r} is not supported (this docsecrets reads {VERSION})")
    return document


def load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as handle:
            return loads(handle.read())
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None


def dump(baseline: Baseline, path: str) -> None:
    """Write through a temporary file; a symlink at `path` (even dangling) is refused, never followed."""
    from docsecrets.safe_write import UnsafeTarget, write_text

    try:
        write_text(path, dumps(baseline))
    except UnsafeTarget as exc:
        raise BaselineError(str(exc)) from None
