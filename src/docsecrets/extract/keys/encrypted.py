"""Password-protected OOXML: an OLE container holding EncryptionInfo and EncryptedPackage."""

from __future__ import annotations

from collections.abc import Iterator

from docsecrets.extract.context import Context
from docsecrets.types import EncryptedError, Item


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    raise EncryptedError("password-protected Office document (OLE EncryptionInfo/EncryptedPackage)")
    yield  # pragma: no cover - makes this a generator like every extractor
