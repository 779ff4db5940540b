"""Key stores found by content: a KeePass database, or a PKCS#12 file (.p12/.pfx) or Java key
store (JKS, JCEKS) holding a private key. Their presence in a web root or a share is the
finding; the keystores extractor describes the file in one line, which this rule reads. A
store that opens with an empty password is critical; one that opens with a well-known
default password (`changeit`) is named with it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.types import Severity

KEY_STORE = Rule(
    id="DS220", name="key-store-file", severity=Severity.HIGH,
    description="A password vault (KeePass .kdbx) or a private-key container (PKCS#12 .p12/.pfx, Java JKS/JCEKS)",
    help="Move key stores out of published folders; if a store opens without a password or with a default "
         "one (changeit), replace its keys.",
    priority=Priority.KEY_MATERIAL, is_password=False,
    keywords=("keepass database", "pkcs#12 key store", "java key store"))

_MARKER = re.compile(r"^(?:KeePass database \(kdbx\): password vault file|"
                     r"PKCS#12 key store \(\.p12/\.pfx\): private key container|"
                     r"Java key store \((?:JKS|JCEKS)\): private key container)"
                     r"(?:(?P<unprotected>, unprotected \(empty password\))|"
                     r", opens with the well-known \w+ '(?P<default>[^'\n]{1,64})')?")


class KeyStores:
    rule = KEY_STORE
    keywords = KEY_STORE.keywords

    def scan(self, text: str) -> Iterator[Match]:
        if not text.startswith(("KeePass database", "PKCS#12 key store", "Java key store")):
            return
        found = _MARKER.match(text)
        if found:
            unprotected = found.group("unprotected") is not None
            kind = text.split(":")[0]
            if unprotected:
                description = "unprotected private key container"
            elif found.group("default") is not None:
                quoted = "'" + found.group("default") + "'"
                description = f"{kind} that opens with the well-known password {quoted}"
            else:
                description = kind
            yield Match(rule=KEY_STORE, secret=found.group(0), start=0, end=found.end(),
                        priority=Priority.KEY_MATERIAL, severity=Severity.CRITICAL if unprotected else None, description=description)
