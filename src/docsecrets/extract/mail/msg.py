"""Outlook .msg: an OLE compound file holding MAPI properties ([MS-OXMSG]).

Each property sits in a stream `__substg1.0_IIIITTTT` (IIII property id, TTTT type:
001F UTF-16LE string, 001E 8-bit string, 0102 binary); fixed-size values (codepage, dates,
attachment method) are packed in `__properties_version1.0`. Yields the header fields, the
transport headers, the plain body, the HTML body (as a Member for the HTML extractor), the
RTF body when it is the only one, and attachments; attached messages are read in place,
since they are storages inside this file rather than bytes of their own.
"""

from __future__ import annotations

import datetime
import email.parser
import email.policy
import io
import struct
import warnings
from collections.abc import Iterator
from typing import Any

from docsecrets.extract.common.partial import guarded, guarded_call, raise_collected
from docsecrets.extract.context import Context
from docsecrets.extract.mail.eml import (
    ATTACHMENT,
    decode_text,
    header_segments,
    html_member_data,
    text_segments,
)
from docsecrets.types import (
    EncryptedError,
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Member,
    Segment,
)
from docsecrets.extract.common.decode import codepage_codec
from docsecrets.extract.common.reason import reason

_PROPERTIES = "__PROPERTIES_VERSION1.0"
_ATTACH = "__ATTACH_VERSION1.0_#"
_RECIP = "__RECIP_VERSION1.0_#"
_EMBEDDED = "__SUBSTG1.0_3701000D"  # storage of an attached message or OLE object
_ATTACH_EMBEDDED_MSG = 5
_ATTACH_OLE = 6
_SKIPPED_TYPES = ("image/", "audio/", "video/")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
_RECIPIENT_KINDS = {1: "To", 2: "Cc", 3: "Bcc"}
# [MS-OXRTFCP]: the dictionary every compressed RTF stream starts from.
_RTF_PREBUF = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
               b"\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
               b"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    import olefile  # lazy: only .msg files pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ole = olefile.OleFileIO(io.BytesIO(data))
            store = _Store(ole, ctx)
    except Exception as exc:  # olefile raises many kinds on a corrupt header or directory
        raise ExtractError(f"not a readable OLE file: {reason(exc)}") from None
    problems: list[ExtractError] = []
    try:
        if not any(path[-1].startswith("__SUBSTG1.0_") for path in store.streams):
            raise ExtractError("no Outlook message properties in this OLE file")
        yield from _message(store, (), label="", hidden=None, depth=0, problems=problems)
    finally:
        ole.close()
    raise_collected(problems)


class _Store:
    """The OLE directory with case-insensitive paths, read under the part limit and the budget."""

    def __init__(self, ole: Any, ctx: Context) -> None:
        self._ole = ole
        self.ctx = ctx
        self.streams: dict[tuple[str, ...], str] = {}
        self.storages: set[tuple[str, ...]] = set()
        for entry in ole.listdir(streams=True, storages=True):
            key = tuple(name.upper() for name in entry)
            if ole.get_type(entry) == 2:  # olefile.STGTY_STREAM
                self.streams[key] = "/".join(entry)
            else:
                self.storages.add(key)

    def children(self, prefix: tuple[str, ...], start: str) -> list[tuple[str, ...]]:
        return sorted(path for path in self.storages
                      if len(path) == len(prefix) + 1 and path[:-1] == prefix and path[-1].startswith(start))

    def read(self, path: tuple[str, ...]) -> bytes | None:
        real = self.streams.get(path)
        if real is None:
            return None
        limit = self.ctx.limits.max_part_size
        try:
            size = self._ole.get_size(real)
            if size > limit:
                raise LimitExceeded(f"stream {real!r} holds {size:,} bytes (limit {limit:,})")
            self.ctx.budget.charge(size)
            data: bytes = self._ole.openstream(real).read()
        except ExtractError:
            raise
        except Exception as exc:  # olefile on a broken sector chain
            raise ExtractError(f"stream {real!r} is unreadable: {reason(exc)}") from None
        return data

    def prop(self, prefix: tuple[str, ...], prop_id: str, codec: str) -> str | bytes | None:
        """A variable-size property: str for the string types, bytes for binary."""
        for kind in ("001F", "001E", "0102"):
            data = self.read((*prefix, f"__SUBSTG1.0_{prop_id}{kind}"))
            if data is None:
                continue
            if kind == "001F":
                return data.decode("utf-16-le", "replace").rstrip("\x00")
            if kind == "001E":
                return decode_text(data.rstrip(b"\x00"), codec)
            return data
        return None

    def text(self, prefix: tuple[str, ...], prop_id: str, codec: str) -> str:
        value = self.prop(prefix, prop_id, codec)
        return value.strip() if isinstance(value, str) else ""

    def fixed(self, prefix: tuple[str, ...], header: int) -> dict[int, bytes]:
        """Fixed-size properties: property id -> 8-byte value (PT_LONG, PT_SYSTIME...)."""
        data = self.read((*prefix, _PROPERTIES)) or b""
        values: dict[int, bytes] = {}
        for offset in range(header, len(data) - 15, 16):
            (tag,) = struct.unpack_from("<I", data, offset)
            values[tag >> 16] = data[offset + 8:offset + 16]
        return values


def _message(store: _Store, prefix: tuple[str, ...], *, label: str, hidden: str | None, depth: int,
             problems: list[ExtractError]) -> Iterator[Item]:
    # The properties header is 32 bytes in a top-level message, 24 in an attached one.
    fixed = guarded_call(problems, lambda: store.fixed(prefix, 24 if prefix else 32)) or {}
    codec = codepage_codec(_long(fixed.get(0x3FDE)) or _long(fixed.get(0x3FFD)))
    kind = store.text(prefix, "001A", codec).upper()
    yield from guarded(problems, _headers(store, prefix, fixed, codec, label=label, hidden=hidden))
    yield from guarded(problems, _bodies(store, prefix, codec, label=label, hidden=hidden))
    if kind.startswith("IPM.NOTE.SMIME") and "MULTIPARTSIGNED" not in kind:
        problems.append(EncryptedError(f"{label}S/MIME encrypted or opaque-signed message: body not readable"))
        return
    for number, path in enumerate(store.children(prefix, _ATTACH), start=1):
        yield from guarded(problems, _attachment(store, path, number, codec, label=label, depth=depth,
                                                 signed="MULTIPARTSIGNED" in kind, problems=problems))


def _headers(store: _Store, prefix: tuple[str, ...], fixed: dict[int, bytes], codec: str, *,
             label: str, hidden: str | None) -> Iterator[Item]:
    def text(prop_id: str) -> str:
        return store.text(prefix, prop_id, codec)

    lines = []
    for name, value in (
        ("Subject", text("0037")),
        ("From", _address(text("0C1A") or text("0042"), text("5D01") or text("0C1F") or text("0065"))),
        ("Date", _filetime(fixed.get(0x0039) or fixed.get(0x0E06))),
        ("To", text("0E04")),
        ("Cc", text("0E03")),
        ("Bcc", text("0E02")),
    ):
        if value:
            lines.append(f"{name}: {value}")
    for path in store.children(prefix, _RECIP):
        recipient = _address(store.text(path, "3001", codec), store.text(path, "39FE", codec)
                             or store.text(path, "3003", codec))
        if recipient:
            kind = _RECIPIENT_KINDS.get(_long(store.fixed(path, 8).get(0x0C15)) or 1, "To")
            lines.append(f"Recipient ({kind}): {recipient}")
    if lines:
        yield Segment(text="\n".join(lines), location=Location(part=f"{label}headers"), hidden=hidden)
    transport = text("007D")
    if transport:
        parsed = email.parser.Parser(policy=email.policy.default).parsestr(transport, headersonly=True)
        yield from header_segments(parsed, shown=False, part=f"{label}transport headers",
                                   hidden=hidden or "mail transport headers")


def _bodies(store: _Store, prefix: tuple[str, ...], codec: str, *, label: str,
            hidden: str | None) -> Iterator[Item]:
    ctx = store.ctx
    body = store.text(prefix, "1000", codec)
    yield from text_segments(body, part=f"{label}body", hidden=hidden, ctx=ctx)
    html = store.prop(prefix, "1013", codec)
    if isinstance(html, bytes):
        html = decode_text(html, codec)
    if html and html.strip():
        yield Member(name=f"{label}body.html", data=html_member_data(html), hidden=hidden)
    elif not body.strip():
        rtf = store.read((*prefix, "__SUBSTG1.0_10090102"))
        if rtf:
            # The RTF body usually repeats the plain one: read it only when it is all there is.
            yield Member(name=f"{label}body.rtf", data=decompress_rtf(rtf, ctx.limits.max_part_size),
                         hidden=hidden)


def _attachment(store: _Store, path: tuple[str, ...], number: int, codec: str, *, label: str, depth: int,
                signed: bool, problems: list[ExtractError]) -> Iterator[Item]:
    fixed = store.fixed(path, 8)
    method = _long(fixed.get(0x3705))
    name = (store.text(path, "3707", codec) or store.text(path, "3704", codec)
            or store.text(path, "3001", codec) or f"attachment-{number}")
    embedded = (*path, _EMBEDDED)
    if embedded in store.storages:
        if method == _ATTACH_OLE or (method != _ATTACH_EMBEDDED_MSG and (*embedded, _PROPERTIES) not in store.streams):
            raise ExtractError(f"{label}attachment {name!r} is an embedded OLE object: not read")
        if depth + 1 >= store.ctx.limits.max_depth:
            raise LimitExceeded(f"{label}attached messages nested deeper than {store.ctx.limits.max_depth}")
        yield from _message(store, embedded, label=f"{label}attached message {number}: ",
                            hidden=f"attached message '{name}'", depth=depth + 1, problems=problems)
        return
    mime = store.text(path, "370E", codec).lower()
    if mime.startswith(_SKIPPED_TYPES) or name.lower().endswith(_IMAGE_SUFFIXES):
        return  # nothing a text rule can read
    data = store.read((*path, "__SUBSTG1.0_37010102"))
    if data is None:
        return  # attached by reference (a path or URL), no bytes here
    if signed and name.lower().endswith(".p7m"):
        name += ".eml"  # clear-signed S/MIME: the attachment is the whole MIME message
    yield Member(name=name, data=data, hidden=ATTACHMENT)


def decompress_rtf(data: bytes, limit: int) -> bytes:
    """Undo [MS-OXRTFCP] LZFu compression (PR_RTF_COMPRESSED)."""
    if len(data) < 16:
        raise ExtractError("compressed RTF body is truncated")
    compressed_size, raw_size, magic = struct.unpack_from("<II4s", data)
    if magic == b"MELA":  # stored uncompressed
        return data[16:16 + raw_size]
    if magic != b"LZFu":
        raise ExtractError(f"compressed RTF body has an unknown format {magic!r}")
    if raw_size > limit:
        raise LimitExceeded(f"compressed RTF body declares {raw_size:,} bytes (limit {limit:,})")
    window = bytearray(4096)
    window[:len(_RTF_PREBUF)] = _RTF_PREBUF
    write = len(_RTF_PREBUF)
    out = bytearray()
    pos, end = 16, min(len(data), compressed_size + 4)
    while pos < end and len(out) < raw_size:
        control = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if control & (1 << bit):  # a reference into the window: 12-bit offset, 4-bit length
                if pos + 2 > end:
                    break
                reference = int.from_bytes(data[pos:pos + 2], "big")
                pos += 2
                offset, length = reference >> 4, (reference & 0xF) + 2
                if offset == write:
                    return bytes(out[:raw_size])  # the end marker
                for i in range(length):
                    byte = window[(offset + i) & 0xFFF]
                    out.append(byte)
                    window[write] = byte
                    write = (write + 1) & 0xFFF
            else:
                out.append(data[pos])
                window[write] = data[pos]
                write = (write + 1) & 0xFFF
                pos += 1
    return bytes(out[:raw_size])


def _long(value: bytes | None) -> int | None:
    return int.from_bytes(value[:4], "little", signed=True) if value else None


def _filetime(value: bytes | None) -> str:
    """A PT_SYSTIME (100 ns ticks since 1601) as ISO 8601 UTC, "" when absent or absurd."""
    if not value:
        return ""
    ticks = int.from_bytes(value, "little")
    try:
        moment = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            microseconds=ticks // 10)
    except OverflowError:
        return ""
    return moment.isoformat()


def _address(name: str, address: str) -> str:
    if address.startswith("/"):
        address = ""  # an Exchange X.500 path, not a mail address
    if name and address and address.lower() != name.lower():
        return f"{name} <{address}>"
    return name or address
