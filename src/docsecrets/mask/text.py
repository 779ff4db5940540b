"""Text, configuration and CSV files: replaced in place, written back in the same encoding."""

from __future__ import annotations

import codecs

from docsecrets.mask._replace import Replacer
from docsecrets.mask.errors import MaskRefused

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """(BOM, encoding) the way extract/common/decode.py reads the file, but strict: a file that only
    decodes with replacement characters cannot be written back unchanged."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding
    head = data[:4096]
    if head and b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4:
            return b"", "utf-16-le"
        if head[0::2].count(0) > len(head) // 4:
            return b"", "utf-16-be"
    try:
        data.decode("utf-8")
        return b"", "utf-8"
    except UnicodeDecodeError:
        return b"", "cp1252"


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
