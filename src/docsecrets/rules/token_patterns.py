"""Token and key formats detect-secrets does not cover: Google API keys, whole PEM and PuTTY
private keys, GitHub fine-grained tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets import filters
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.types import Severity

PRIVATE_KEY = Rule(
    id="DS210", name="private-key", severity=Severity.HIGH,
    description="A private key (PEM, OpenSSH, PuTTY) written out in a document",
    help="Treat the key as compromised: replace it and remove the public half from every server.",
    priority=Priority.KEY_MATERIAL, is_password=False, reread_split=True,
    keywords=("private key", "putty-user-key-file"))
GOOGLE_API_KEY = Rule(
    id="DS211", name="google-api-key", severity=Severity.HIGH,
    description="A Google API key (AIza...)",
    help="Delete the key in the Google Cloud console and restrict its replacement.",
    priority=Priority.TOKEN, is_password=False, reread_split=True, keywords=("aiza",))
GITHUB_FINE_GRAINED = Rule(
    id="DS212", name="github-fine-grained-token", severity=Severity.HIGH,
    description="A GitHub fine-grained personal access token (github_pat_...)",
    help="Revoke the token in GitHub's settings.",
    priority=Priority.TOKEN, is_password=False, reread_split=True, keywords=("github_pat_",))

_PEM = re.compile(
    r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----"
    r"(?P<body>[\s\S]{0,16384}?)"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|(?=\n\s*\n)|\Z)")
_PUTTY = re.compile(r"PuTTY-User-Key-File-\d: [\s\S]{0,8192}?Private-Lines: \d+\n(?P<lines>(?:[A-Za-z0-9+/=]+\n?)+)")
_GOOGLE = re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_-])")
_GITHUB_PAT = re.compile(r"github_pat_[A-Za-z0-9_]{60,100}")


_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]*")


def _base64_body(body: str) -> bool:
    """The lines of a key's body are base64 (after PEM headers such as Proc-Type: and DEK-Info:)."""
    lines = [line.strip() for line in body.strip().splitlines() if line.strip() and ":" not in line]
    return bool(lines) and sum(1 for line in lines if _BASE64_LINE.fullmatch(line)) * 10 >= len(lines) * 9


class PrivateKeys:
    rule = PRIVATE_KEY
    keywords = PRIVATE_KEY.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if "PRIVATE KEY" in text:
            for found in _PEM.finditer(text):
                body = found.group("body")
                if len(re.sub(r"\s", "", body)) < 40 or not _base64_body(body):
                    continue  # a marker in prose or code ("'-----BEGIN RSA PRIVATE KEY-----…'"), not a key
                encrypted = "ENCRYPTED" in found.group("kind") or "Proc-Type: 4,ENCRYPTED" in body
                yield Match(rule=PRIVATE_KEY, secret=found.group(0).strip(), start=found.start(),
                            end=found.end(), priority=Priority.KEY_MATERIAL,
                            severity=Severity.MEDIUM if encrypted else None,
                            description=("encrypted " if encrypted else "") + f"{found.group('kind')}private key")
        if "PuTTY-User-Key-File" in text:
            for found in _PUTTY.finditer(text):
                encrypted = "Encryption: none" not in found.group(0)
                yield Match(rule=PRIVATE_KEY, secret=found.group("lines").strip(), start=found.start("lines"),
                            end=found.end("lines"), priority=Priority.KEY_MATERIAL,
                            severity=Severity.MEDIUM if encrypted else None,
                            description="PuTTY private key" + (" (passphrase-protected)" if encrypted else ""))


class GoogleApiKeys:
    rule = GOOGLE_API_KEY
    keywords = GOOGLE_API_KEY.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if "AIza" not in text:
            return
        for found in _GOOGLE.finditer(text):
            if not filters.is_known_example(found.group(0)):
                yield Match(rule=GOOGLE_API_KEY, secret=found.group(0), start=found.start(), end=found.end(),
                            priority=Priority.TOKEN, description="Google API key")


class GitHubFineGrained:
    rule = GITHUB_FINE_GRAINED
    keywords = GITHUB_FINE_GRAINED.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if "github_pat_" not in text:
            return
        for found in _GITHUB_PAT.finditer(text):
            yield Match(rule=GITHUB_FINE_GRAINED, secret=found.group(0), start=found.start(), end=found.end(),
                        priority=Priority.TOKEN, description="GitHub fine-grained token")
