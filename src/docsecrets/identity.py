"""What identifies a finding across sweeps and machines: its redacted form, its fingerprint and
the normalised path both are computed from.

Everything that names a finding (the engine, the baseline, the cache, the pool's allowlist, the
CLI's `baseline add`) imports from here, so there is one rule for each.
"""

from __future__ import annotations

import hashlib
import os

from docsecrets.hashing import slow_hash
from docsecrets.paths import current_base, current_root

SHORT_SECRET = 12  # below this many characters nothing of a secret is shown, not even its length
_MASK = "********"
_KEY_HEADERS = ("-----BEGIN ", "PuTTY-User-Key-File-", "---- BEGIN SSH2")


def redact(secret: str) -> str:
    """What a report may show of a secret: never a character of a short one, never its length.

    Under 12 characters: a fixed mask. Longer: the first and last two characters ('Ur…3!').
    A key block: the start of its first line when that line is a header ('-----BEGIN RSA PRIVATE KEY-----…').
    """
    if not secret:
        return ""
    if len(secret) < SHORT_SECRET:
        return _MASK
    if "\n" in secret:
        first = secret.split("\n", 1)[0].strip()
        if first.startswith(_KEY_HEADERS):
            return first[:40] + "…"
        return secret[:2] + "…"
    return secret[:2] + "…" + secret[-2:]


def fingerprint(rule_id: str, path: str, chain: tuple[str, ...], secret: str) -> str:
    """Stable identity of a finding: no location, so inserting rows does not change it.

    sha256(rule, path, chain, scrypt(secret, salt=sha256(path, chain))): the salt ties the slow
    hash to one file, so no table computed in advance applies and each finding costs its own
    search; the scrypt result is memoised, so one value in one file costs once per process.
    """
    where = _salt(normalise_path(path), chain)
    digest = hashlib.sha256()
    for part in (rule_id.encode("utf-8"), where, slow_hash(secret, where)):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _salt(path: str, chain: tuple[str, ...]) -> bytes:
    digest = hashlib.sha256(b"docsecrets fingerprint v2\x00")
    for part in (path, *chain):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\x00")
    return digest.digest()


def normalise_path(path: str) -> str:
    """`path` as fingerprints and baselines record it: relative to the root (paths.set_root, else
    the current folder) when it lies under it, with forward slashes; a URL is kept as is."""
    if "://" in path:  # a crawled URL is not a file path: kept as is
        return path
    root, base = current_root(), current_base()
    absolute = os.path.join(base, path) if base is not None else path
    try:
        rel = os.path.relpath(absolute, root) if root is not None else os.path.relpath(absolute)
        if not rel.startswith(".."):
            path = rel
    except ValueError:  # another drive on Windows
        pass
    return path.replace(os.sep, "/")
