"""One code page helper for OLE properties, MSG, BIFF, VBA and RTF (common/decode.py)."""

from __future__ import annotations

import pytest

from docsecrets.extract.common.decode import codec_name, codepage_codec


@pytest.mark.parametrize("codepage, expected", [
    (None, "cp1252"),
    (0, "cp1252"),
    (1252, "cp1252"),
    (1251, "cp1251"),
    (932, "cp932"),
    (65001, "utf-8"),
    (-535, "utf-8"),  # 0xFDE9 read as a signed short
    (1200, "utf-16-le"),
    (28591, "iso8859-1"),
    (54936, "gb18030"),
    (4242, "cp1252"),  # no such code page: the fallback
])
def test_codepage_codec(codepage: int | None, expected: str) -> None:
    assert codepage_codec(codepage) == expected


def test_a_byte_stream_declaring_utf16_keeps_its_fallback() -> None:
    assert codepage_codec(1200, fallback="cp1250", eight_bit=True) == "cp1250"
    assert codepage_codec(4242, fallback="cp1250", eight_bit=True) == "cp1250"
    assert codepage_codec(1251, fallback="cp1250", eight_bit=True) == "cp1251"


def test_codec_name() -> None:
    assert (codec_name("latin-1"), codec_name("UTF8"), codec_name("no-such-codec")) == ("iso8859-1", "utf-8", None)
