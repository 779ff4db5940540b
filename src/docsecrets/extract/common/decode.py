"""Bytes of a text file to str: BOMs first, then UTF-8, then Windows-1252 (what French
offices save as "ANSI"), never failing: undecodable bytes become U+FFFD."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    head = data[:4096]
    if head and b"\x00" in head:
        # UTF-16 without a BOM: Latin text has a NUL in every other byte.
        if head[1::2].count(0) > len(head) // 4:
            return data.decode("utf-16-le", "replace")
        if head[0::2].count(0) > len(head) // 4:
            return data.decode("utf-16-be", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")
