"""The slow, salted hash behind fingerprints and allow_values: what a report or a committed file
may carry in place of a secret.

A plain SHA-256 of a 7-character password is reversed in seconds on a laptop; scrypt with
N=2**12, r=8, p=1 needs 4 MiB and ~8 ms per guess on one core here, and a GPU, bound by its memory
bandwidth, some 200,000 guesses a second (README, "Baseline", has the arithmetic). Every use is
salted: with the file a finding is in (fingerprints), or with random bytes (allow_values), so
nothing computed in advance applies. Results are memoised: one value costs once per process and salt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import lru_cache

SCRYPT_N = 2**12
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 64 * 1024 * 1024
ALLOW_PREFIX = "scrypt:"
ALLOW_FORM = re.compile(r"scrypt:([0-9a-f]{32}):([0-9a-f]{64})")


@lru_cache(maxsize=4096)
def slow_hash(secret: str, salt: bytes) -> bytes:
    """scrypt(secret, salt) with the project's parameters; an empty value has nothing to protect."""
    if not secret:
        return b""
    return hashlib.scrypt(secret.encode("utf-8", "surrogateescape"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                          p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)


def allow_value_hash(secret: str, salt: bytes | None = None) -> str:
    """How allow_values names an accepted value: 'scrypt:<salt>:<hash>', with a random salt by default."""
    salt = os.urandom(16) if salt is None else salt
    return f"{ALLOW_PREFIX}{salt.hex()}:{slow_hash(secret, salt).hex()}"


def matches_allowed(secret: str, allowed: frozenset[str]) -> bool:
    """Whether `secret` is one of the values an allow_values list names."""
    for entry in allowed:
        form = ALLOW_FORM.fullmatch(entry)
        if form is None:
            continue
        digest = slow_hash(secret, bytes.fromhex(form.group(1)))
        if hmac.compare_digest(digest.hex(), form.group(2)):
            return True
    return False
