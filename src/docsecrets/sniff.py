"""Decide what a file really is from its bytes; the name is only a tie-breaker.

Web exports lie: an `.xls` may be HTML, tab-separated text or an `.xlsx`; a `.docx` may have
lost its extension. The answer is a format name that keys `extract.EXTRACTORS`.
"""

from __future__ import annotations

import io
import re
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# The one table of formats by name: suffix -> the format that suffix promises (a key of
# extract.EXTRACTORS). Sniffing trusts the bytes first; the table says which names promise a
# binary document (an empty or unrecognisable one is unreadable, never "not a document"), which
# extractor explains a truncated zip container, and which names the pre-commit hook passes
# (hook_files_pattern(); tests/formats_test.py keeps .pre-commit-hooks.yaml equal to it).
FORMATS: dict[str, str] = {
    # spreadsheets
    "xlsx": "xlsx", "xlsm": "xlsx", "xltx": "xlsx", "xltm": "xlsx", "xlam": "xlsx",
    "xlsb": "xlsb",
    "xls": "xls", "xlt": "xls", "xla": "xls",
    "ods": "ods", "ots": "ods", "fods": "fodf",
    "csv": "csv", "tsv": "csv", "tab": "csv",
    # word processing
    "docx": "docx", "docm": "docx", "dotx": "docx", "dotm": "docx",
    "doc": "doc", "dot": "doc",
    "odt": "odt", "ott": "odt", "fodt": "fodf",
    "rtf": "rtf",
    # presentations
    "pptx": "pptx", "pptm": "pptx", "ppsx": "pptx", "ppsm": "pptx", "potx": "pptx", "potm": "pptx",
    "ppt": "ppt", "pps": "ppt", "pot": "ppt",
    "odp": "odp", "otp": "odp", "fodp": "fodf",
    "pdf": "pdf",
    # mail and web pages
    "eml": "eml", "msg": "msg", "html": "html", "htm": "html", "mht": "eml", "mhtml": "eml",
    # archives
    "zip": "zip", "jar": "zip", "war": "zip", "ear": "zip", "7z": "7z", "tar": "tar",
    "gz": "gzip", "tgz": "gzip", "bz2": "bz2", "xz": "xz",
    # key stores
    "kdbx": "kdbx", "p12": "pkcs12", "pfx": "pkcs12", "jks": "jks", "jceks": "jks", "keystore": "jks",
    # configuration, keys and scripts (text)
    "txt": "text", "md": "text", "env": "text", "ini": "text", "conf": "text", "cnf": "text", "cfg": "text",
    "config": "text", "properties": "text", "toml": "text", "yaml": "text", "yml": "text", "json": "text",
    "xml": "text", "php": "text", "sql": "text", "sh": "text", "ps1": "text", "bat": "text", "vnc": "text",
    "rdp": "text", "rdg": "text", "ppk": "text", "pem": "text", "key": "text", "netrc": "text",
    "pgpass": "text", "htpasswd": "text", "npmrc": "text", "pypirc": "text",
}
# Files named like private keys whatever their suffix (`id_rsa`, `.ssh/id_ed25519`).
KEY_FILE_NAMES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
_TEXT_FORMATS = frozenset({"text", "csv", "html", "eml", "fodf"})
DOCUMENT_SUFFIXES = frozenset(s for s, fmt in FORMATS.items() if fmt not in _TEXT_FORMATS)
# a truncated zip container is explained by the reader its name promises
_ZIP_FALLBACK = {s: fmt for s, fmt in FORMATS.items() if fmt in ("xlsx", "docx", "pptx", "ods", "odt", "odp")}


def hook_files_pattern() -> str:
    """The `files:` regex of the default pre-commit hook: every name in FORMATS, `.env` files
    (`.env.local`) and key files without a suffix."""
    suffixes = "|".join(sorted(FORMATS))
    names = "|".join(KEY_FILE_NAMES)
    return rf"(?i)\.({suffixes})$|(^|/)(\.env(\..*)?|{names})$"


_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.text-master": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "odp",
    "application/vnd.oasis.opendocument.graphics": "odp",
}

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|table|meta|style)\b",
                         re.IGNORECASE | re.DOTALL)
_MAIL_HEADER = re.compile(
    rb"^(received|from|to|subject|date|message-id|mime-version|return-path|delivered-to|x-[\w-]+|"
    rb"content-type|reply-to|cc):[ \t]", re.IGNORECASE)
_TAR_MAGIC_OFFSET = 257
_DICOM_MAGIC_OFFSET = 128  # "DICM" after a 128-byte preamble (DICOM part 10 files and DICOMDIR)


def suffix_of(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.endswith((".tar.gz", ".tar.bz2", ".tar.xz")):
        return "tar." + base.rsplit(".", 1)[-1]
    if "." not in base.strip("."):
        return base.lstrip(".") if base.startswith(".") else ""  # ".env" -> "env", "README" -> ""
    return base.rsplit(".", 1)[-1]


def sniff(data: bytes, name: str = "") -> str:
    """Return a format name for `data`; "binary" when it is nothing docsecrets reads."""
    suffix = suffix_of(name)
    head = data[:8192]
    if not data:
        return "empty"
    if head.startswith(OLE_MAGIC):
        fmt = _sniff_ole(data)
        # a damaged workbook whose directory is unreadable: let the xls reader explain the damage
        return "xls" if fmt == "ole" and suffix in ("xls", "xlt", "xla") else fmt
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data, suffix)
    if _is_dicom(data):
        return "dicom"  # read only by the health pack (docsecrets.packs.PACK_FORMATS)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"\x31\x41\x59\x26\x53\x59":
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if len(data) > _TAR_MAGIC_OFFSET + 5 and data[_TAR_MAGIC_OFFSET:_TAR_MAGIC_OFFSET + 5] == b"ustar":
        return "tar"
    if head.startswith(b"\x03\xd9\xa2\x9a"):
        return "kdbx"
    if head.startswith((b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce")):
        return "jks"  # Java key store, JCEKS
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PuTTY-User-Key-File-"):
        return "text"
    text_head = _text_head(head)
    if text_head is None:
        if FORMATS.get(suffix) in ("pkcs12", "jks") and head[:1] == b"\x30":
            return "pkcs12"  # keytool writes PKCS#12 under .jks and .keystore names too
        return "binary"
    return _sniff_text(text_head, suffix)


def _is_dicom(data: bytes) -> bool:
    """"DICM" after a binary preamble: a text or PDF file that happens to hold those four bytes
    at offset 128 is still read as what it is (without the health pack DICOM is not read)."""
    preamble = data[:_DICOM_MAGIC_OFFSET]
    return (data[_DICOM_MAGIC_OFFSET:_DICOM_MAGIC_OFFSET + 4] == b"DICM" and b"\x00" in preamble
            and not preamble.startswith(b"%PDF"))


def _sniff_ole(data: bytes) -> str:
    import olefile  # lazy: only OLE files pay for it

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises many kinds on corrupt headers; the extractor reports it
        return "ole"
    try:
        streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:
        return "ole"
    finally:
        ole.close()
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "ooxml-encrypted"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "worddocument" in streams:
        return "doc"
    if "powerpoint document" in streams:
        return "ppt"
    if any(s.startswith("__substg1.0_") for s in streams):
        return "msg"
    return "ole"


def _sniff_zip(data: bytes, suffix: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        # A truncated container: let the extractor its name promises explain the damage.
        return _ZIP_FALLBACK.get(suffix, "zip")
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        except Exception:
            mimetype = ""
        if mimetype in _ODF_MIMETYPES:
            return _ODF_MIMETYPES[mimetype]
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names or any(n.startswith("word/") and n.endswith("document.xml") for n in names):
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "content.xml" in names and suffix in ("ods", "odt", "odp"):
        return suffix
    return "zip"


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32)


def reads_as_text(data: bytes) -> bool:
    """Whether the whole of `data` is text: UTF-16 with a BOM, or bytes with no NUL and at most
    1% other control characters (what a reader falls back to when a format's magic lied)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if not data or b"\x00" in data:
        return False
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls <= max(4, len(data) // 100)


def _text_head(head: bytes) -> str | None:
    """The start of the file as text, or None when it looks binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "replace")
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte is NUL for Latin text.
        if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) < len(head) // 16:
            return head.decode("utf-16-le", "replace")
        return None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls > max(4, len(head) // 100):
        return None
    return head.decode("utf-8", "replace")


def _sniff_text(text: str, suffix: str) -> str:
    stripped = text.lstrip("\ufeff \r\n\t")
    lower = stripped[:2048].lower()
    if _HTML_START.match(stripped[:4096].encode("utf-8", "replace")) or (
            suffix in ("xls", "doc", "htm", "html", "xhtml") and "<table" in lower):
        return "html"
    if lower.startswith("<?xml"):
        if "urn:oasis:names:tc:opendocument:xmlns:office" in text and "office:document" in text:
            return "fodf"
        if "urn:schemas-microsoft-com:office:spreadsheet" in text:
            return "spreadsheetml2003"
        if suffix in ("html", "htm", "xhtml") or "<html" in lower:
            return "html"
        return "text"
    if suffix == "eml" or (_MAIL_HEADER.match(stripped.encode("utf-8", "replace")) and suffix in ("", "eml", "mht", "mhtml", "txt")
                           and "\n\n" in stripped.replace("\r\n", "\n")):
        if _MAIL_HEADER.match(stripped.encode("utf-8", "replace")):
            return "eml"
    if suffix in ("csv", "tsv", "tab"):
        return "csv"
    if suffix in ("xls", "xlt") and "\t" in stripped[:1024]:
        return "csv"  # tab-separated text saved as .xls by web exports
    return "text"
