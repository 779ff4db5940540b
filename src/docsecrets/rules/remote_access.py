"""Pairs a credential with the machine it opens: an IP or host name plus VNC, RDP, SSH,
TeamViewer, a database... in the same row, line or paragraph. Such a pair is what an attacker
needs and nothing more, so it is reported once, as critical, naming the kind of access. A
target without a named kind of access (a server, an IP, a URL next to a password) is an Access
with an empty `kind`: the engine keeps the password's own rule and raises it to high."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docsecrets.rules.base import Rule
from docsecrets.rules.vocabulary import access_kind, fold
from docsecrets.types import Severity

REMOTE_ACCESS = Rule(
    id="DS130", name="remote-access-credential", severity=Severity.CRITICAL,
    description="A credential next to the machine it opens (IP/host + VNC, RDP, SSH, TeamViewer, database, URL)",
    help="Change the password now and check the target's access logs; never publish access sheets.",
    keywords=None)  # no detector of its own: the engine re-reads a password match with its target

_IPV4 = re.compile(r"(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
                   r"(?::\d{2,5})?(?![\d.]*\d)")
_URL = re.compile(r"\b(?:https?|ftps?|sftp|ssh|vnc|rdp|smb|ldaps?)://[^\s\"'<>|]+", re.IGNORECASE)
_UNC = re.compile(r"\\\\[A-Za-z0-9][\w.-]{1,62}")
_HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}"
                   r"(?:local|lan|intra|intranet|internal|corp|priv|home|fr|com|net|org|de|es|it|nl|pt|be|ch|lu|eu|"
                   r"at|uk|io|cloud|sante|hopital|hosp)\b")  # lower case: ADO.NET is not a host
_REMOTE_ID = re.compile(r"(?<!\d)\d{3}[ ]?\d{3}[ ]?\d{3,4}(?!\d)")


@dataclass(frozen=True, slots=True)
class Access:
    kind: str
    target: str

    def describe(self) -> str:
        return f"{self.kind} access to {self.target}" if self.kind else f"password for {self.target}"


def find_access(text: str, *, near: str = "") -> Access | None:
    """The access a piece of context describes, or None when it lacks a target (`kind` is ""
    when no kind of access is named).

    `near` is the closest context (the credential's own line, or the columns of its group in a
    table row): a target and kind named there win over the wider `text` around it.
    """
    near_kind = access_kind(_words(near)) if near else None
    near_target = _target(near, near_kind) if near else None
    if near_target is not None:
        kind = near_kind or _url_kind(near) or access_kind(_words(text))
        return Access(kind=kind or "", target=near_target)
    kind = near_kind or access_kind(_words(text))
    target = _target(text, kind)
    if target is None:
        return None
    kind = kind or _url_kind(text)
    return Access(kind=kind or "", target=target)


def _url_kind(text: str) -> str | None:
    url = _URL.search(text)
    if url is None:
        return None
    return "FTP" if url.group(0).lower().startswith("ftp") else "web"


def _words(text: str) -> str:
    return fold(text).replace("_", " ")


def _target(text: str, kind: str | None) -> str | None:
    for pattern in (_IPV4, _URL, _UNC, _HOST):
        found = pattern.search(text)
        if found:
            target = found.group(0).rstrip(".,;)")
            return _bare_url(target) if pattern is _URL else target
    if kind in ("TeamViewer", "AnyDesk"):
        found = _REMOTE_ID.search(text)
        if found:
            return f"ID {found.group(0)}"
    return None


def _bare_url(url: str) -> str:
    """The URL without what may hold a credential: user-info, query and fragment.

    'https://admin:pw@host/app?pwd=x#k' -> 'https://host/app'. A description names the
    target of an access; the credential itself is the finding's (redacted) value.
    """
    scheme, _, rest = url.partition("://")
    rest = re.split(r"[?#]", rest, maxsplit=1)[0]
    authority, slash, path = rest.partition("/")
    host = authority.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path}"
