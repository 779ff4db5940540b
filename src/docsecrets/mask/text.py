"""Text, configuration and CSV files: replaced in place, written back in the same encoding."""

from __future__ import annotations

from docsecrets.extract.common.decode import encoding_of
from docsecrets.mask._replace import Replacer
from docsecrets.mask.errors import MaskRefused


def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes:
    bom, encoding = encoding_of(data)
    try:
        text = data[len(bom):].decode(encoding)
    except UnicodeDecodeError:
        raise MaskRefused(f"bytes that are not valid {encoding}: the file could not be written back "
                          "unchanged") from None
    masked = replacer.sub(text)
    try:
        return bom + masked.encode(encoding)
    except UnicodeEncodeError:
        raise MaskRefused(f"the mask cannot be written in the file's encoding ({encoding}); choose "
                          "another --mask") from None
