"""Bytes of a text file to str: BOMs first, then UTF-8, then Windows-1252 (what French
offices save as "ANSI"), never failing: undecodable bytes become U+FFFD. And the one place a
Windows code page number (OLE properties, MSG, BIFF, VBA, RTF) becomes a Python codec."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Windows code pages Python does not know as "cp<number>" (or knows under another name).
_CODEPAGES = {65001: "utf-8", 20127: "ascii", 28591: "latin-1", 1200: "utf-16-le", 50220: "iso2022_jp",
              51932: "euc_jp", 936: "gbk", 54936: "gb18030"}


def codec_name(label: str) -> str | None:
    """Python's canonical name of an encoding label, or None when Python has no such codec."""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def codepage_codec(codepage: int | None, *, fallback: str = "cp1252", eight_bit: bool = False) -> str:
    """The codec of a Windows code page number, `fallback` when it is unknown (0, None, no codec).

    A code page stored as a signed short is read back (-535 is 65001, UTF-8). `eight_bit`: the
    text is a byte stream (VBA source, RTF), so a UTF-16 code page is a wrong declaration.
    """
    if not codepage:
        return fallback
    number = codepage & 0xFFFF
    name = codec_name(_CODEPAGES.get(number, f"cp{number}"))
    if name is None or (eight_bit and name.startswith("utf-16")):
        return fallback
    return name


def _declared(data: bytes) -> tuple[bytes, str] | None:
    """(BOM, encoding) from a BOM, or UTF-16 without one (Latin text has a NUL in every other byte)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding
    head = data[:4096]
    if head and b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4:
            return b"", "utf-16-le"
        if head[0::2].count(0) > len(head) // 4:
            return b"", "utf-16-be"
    return None


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """(BOM, encoding) of a text file, as `decode` reads it: for writing the file back (mask)."""
    declared = _declared(data)
    if declared is not None:
        return declared
    try:
        data.decode("utf-8")
        return b"", "utf-8"
    except UnicodeDecodeError:
        return b"", "cp1252"


def decode(data: bytes) -> str:
    declared = _declared(data)
    if declared is not None:
        bom, encoding = declared
        return data[len(bom):].decode(encoding, "replace")
    try:
        return data.decode("utf-8")  # decoded once: this is every text file's hot path
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")
