"""cloud"""

from __future__ import annotations

from docsecrets.rules.catalogue import Token, token

RECORDS: tuple[Token, ...] = ()
