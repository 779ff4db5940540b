"""Why a library failed, in words that quote nothing of the document.

Library messages quote what they choked on: pdfminer's PSSyntaxError repeats the tokens around
the fault ("... mot de passe : <the password>"), zipfile names header bytes, xlrd prints the
record it found, a UnicodeDecodeError carries the bytes. Such texts reach `errors`, SARIF
notifications, annotations and the cache, so a reader reports `reason(exc)` instead: the
exception's type and a fixed text chosen by type, with at most a number (a line, an offset).
"""

from __future__ import annotations

import lzma
import re
import struct
import tarfile
import zipfile
import zlib

# Library messages known to quote nothing of the document (at most a number): kept, as they say more.
_SAFE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), template) for pattern, template in (
    (r"Bad CRC-32 for file .*", "Bad CRC-32"),  # the member name is dropped
    (r"Bad magic number for (file header|central directory)", r"\g<0>"),
    (r"File is not a zip file|Truncated file header|Truncated central directory", r"\g<0>"),
    (r"zip file version \d+(\.\d+)?", r"\g<0>"),
    (r"compression type \d+( \(\w+\))?|That compression method is not supported", r"\g<0>"),
    (r"Excel xlsx file; not supported|Workbook is encrypted", r"\g<0>"),
    (r"Unsupported format, or corrupt file: Expected BOF record.*", "Expected BOF record"),
    (r"Unexpected EOF|Compressed file ended before the end-of-stream marker was reached", r"\g<0>"),
    (r"unpack requires a buffer of \d+ bytes", r"\g<0>"),
    (r"Error -?\d+ while decompressing data(: [a-z ]+)?", r"\g<0>"),
))

_BY_TYPE: tuple[tuple[type[BaseException], str], ...] = (
    (zipfile.BadZipFile, "damaged zip structure"),
    (zipfile.LargeZipFile, "zip64 structure not allowed"),
    (tarfile.TarError, "damaged tar structure"),
    (lzma.LZMAError, "damaged xz/lzma stream"),
    (zlib.error, "damaged deflate stream"),
    (struct.error, "truncated binary record"),
    (EOFError, "unexpected end of data"),
    (UnicodeError, "undecodable text"),
    (NotImplementedError, "unsupported feature"),
    (KeyError, "missing entry"),
    (IndexError, "reference out of range"),
    (AssertionError, "inconsistent structure"),
    (OverflowError, "number out of range"),
    (ZeroDivisionError, "zero divisor in a structure"),
    (TypeError, "unexpected object type"),
    (ValueError, "invalid value"),
    (OSError, "read error"),
)
_BY_NAME = {  # libraries imported lazily elsewhere: matched by class name, not imported here
    "XMLSyntaxError": "malformed XML",
    "PSEOF": "unexpected end of PDF data",
    "PSSyntaxError": "PDF syntax error",
    "PDFSyntaxError": "PDF syntax error",
    "PDFNoValidXRef": "no valid cross-reference table",
    "PDFTypeError": "unexpected PDF object type",
    "PDFValueError": "invalid PDF value",
    "PDFObjectNotFound": "missing PDF object",
    "PDFEncryptionError": "unsupported PDF encryption",
    "XLRDError": "unsupported or corrupt workbook record",
    "CompoundFileError": "damaged OLE container",
    "Bad7zFile": "damaged 7z structure",
    "CrcError": "checksum mismatch",
    "UnsupportedCompressionMethodError": "unsupported 7z compression method",
    "PasswordRequired": "encrypted",
    "DecryptionError": "cannot decrypt",
    "InvalidKeyError": "wrong key",
    "FileFormatError": "unrecognised file format",
    "ParserError": "unparsable markup",
    "HeaderParseError": "malformed mail header",
    "Error": "malformed record",  # csv.Error
}


def reason(exc: BaseException) -> str:
    """'<ExceptionType>: <fixed text>' for a library exception, never its message."""
    name = type(exc).__name__
    if name == "error":  # zlib.error, struct.error, binascii.error: say whose
        name = f"{type(exc).__module__}.error"
    message = str(exc).strip()
    for pattern, template in _SAFE_MESSAGES:
        known = pattern.fullmatch(message)
        if known is not None:
            return f"{name}: {known.expand(template)}"
    text = None
    for cls in type(exc).__mro__:
        text = _BY_NAME.get(cls.__name__)
        if text is not None:
            break
    if text is None:
        text = next((fixed for kind, fixed in _BY_TYPE if isinstance(exc, kind)), "failure")
    line = getattr(exc, "lineno", None)
    if isinstance(line, int) and not isinstance(line, bool) and line > 0:
        text += f" (line {line})"
    return f"{name}: {text}"
