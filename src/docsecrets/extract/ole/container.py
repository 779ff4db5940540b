"""OLE2 compound files that are not a known document: packages, embedded objects, VBA projects.

Also the plumbing the legacy Office readers (doc.py, ppt.py) share: opening the container,
reading a stream within the limits, document properties and the files embedded in storages.
Nothing in the file is executed; macros are read as text.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import struct
from collections.abc import Iterator
from typing import Any

from docsecrets.extract.ole import vba as _vba
from docsecrets.extract.context import Context
from docsecrets.types import ExtractError, Item, LimitExceeded, Location, Member, Segment
from docsecrets.extract.common.decode import codepage_codec
from docsecrets.extract.common.partial import guarded, raise_collected
from docsecrets.extract.common.reason import reason

log = logging.getLogger(__name__)

OleFile = Any  # olefile.OleFileIO: olefile ships no type information

_EMBEDDED_HIDDEN = "embedded object"
# Streams that hold a whole embedded file: OLE Package (OOXML documents), Acrobat and RTF objects.
_FILE_STREAMS = ("package", "contents")
# Streams that make a storage a document of its own (an embedded workbook, Word document...).
_DOCUMENT_STREAMS = ("workbook", "book", "worddocument", "powerpoint document")

_SUMMARY_NAMES = {2: "Title", 3: "Subject", 4: "Author", 5: "Keywords", 6: "Comments", 7: "Template",
                  8: "Last saved by", 18: "Application"}
_DOC_SUMMARY_NAMES = {2: "Category", 14: "Manager", 15: "Company"}
_RAW_8BIT = re.compile(rb"[\t\r\n\x20-\x7e\x80-\xff]{6,}")
_RAW_UTF16 = re.compile(rb"(?:[\t\r\n\x20-\x7e\xa0-\xff]\x00){6,}")
_USER_DEFINED_FMTID = bytes.fromhex("05d5cdd59c2e1b10939708002b2cf9ae")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    ole = open_ole(data)
    try:
        problems: list[ExtractError] = []
        yield from collect(properties(ole, ctx), problems)
        yield from collect(embedded(ole, ctx), problems)
        yield from collect(macros(ole, ctx), problems)
        raise_collected(problems, most=None)
    finally:
        ole.close()


def open_ole(data: bytes) -> OleFile:
    import olefile  # lazy: only OLE files pay for it

    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError... on garbage
        raise ExtractError(f"not a readable OLE2 compound file: {exc or type(exc).__name__}") from None


def read_stream(ole: OleFile, path: str | list[str], ctx: Context) -> bytes:
    """The whole stream, refused before reading when it declares more than max_part_size."""
    name = path if isinstance(path, str) else "/".join(path)
    try:
        size = ole.get_size(path)
    except Exception as exc:
        raise ExtractError(f"stream {name!r} is unreadable: {exc or type(exc).__name__}") from None
    if size > ctx.limits.max_part_size:
        raise LimitExceeded(f"stream {name!r} declares {size:,} bytes (limit {ctx.limits.max_part_size:,})")
    try:
        data: bytes = ole.openstream(path).read()
    except Exception as exc:  # broken sector chains surface as OSError, IndexError, struct.error...
        raise ExtractError(f"stream {name!r} is unreadable: {exc or type(exc).__name__}") from None
    return data


def has_stream(ole: OleFile, path: str | list[str]) -> bool:
    import olefile

    try:
        return bool(ole.exists(path) and ole.get_type(path) == olefile.STGTY_STREAM)
    except Exception:  # a damaged directory answers "not there"; reading it would fail anyway
        return False


def streams(ole: OleFile) -> list[list[str]]:
    try:
        return [list(entry) for entry in ole.listdir(streams=True, storages=False)]
    except Exception as exc:
        raise ExtractError(f"OLE directory is unreadable: {exc or type(exc).__name__}") from None


def collect(items: Iterator[Item], problems: list[ExtractError]) -> Iterator[Item]:
    """Yield what an optional part gives; note (not raise) its damage or encryption so later parts
    still run (common.partial's policy: a limit stops the file at once)."""
    return guarded(problems, items)


def macros(ole: OleFile, ctx: Context) -> Iterator[Segment]:
    """The source of every VBA project's modules (read, never run)."""
    yield from _vba.macro_segments(streams(ole), lambda path: read_stream(ole, path, ctx), ctx)


def printable_runs(data: bytes) -> Iterator[Segment]:
    """Printable 8-bit and UTF-16 runs of a stream, in file order: the last resort for text."""
    runs = [(m.start(), m.group().decode("cp1252", "replace")) for m in _RAW_8BIT.finditer(data)]
    runs += [(m.start(), m.group().decode("utf-16-le")) for m in _RAW_UTF16.finditer(data)]
    for _offset, text in sorted(runs):
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text:
            yield Segment(text=text, location=Location(part="raw text (fallback)"))


# --- document properties --------------------------------------------------------------------


def properties(ole: OleFile, ctx: Context) -> Iterator[Segment]:
    """Summary and custom properties as `Name: value`, hidden (nobody sees them when reading)."""
    for stream, names in (("\x05SummaryInformation", _SUMMARY_NAMES),
                          ("\x05DocumentSummaryInformation", _DOC_SUMMARY_NAMES)):
        if not has_stream(ole, stream):
            continue
        part = stream.lstrip("\x05")
        data = read_stream(ole, stream, ctx)
        if len(data) < 28:
            continue  # an empty property set: nothing to read, nothing lost
        try:
            sections = _property_sections(data)
        except (struct.error, ValueError) as exc:
            raise ExtractError(f"{part} properties are unreadable (damaged property set: {reason(exc)})") from None
        for fmtid, props in sections:
            custom = fmtid == _USER_DEFINED_FMTID
            for name_or_id, value in props:
                if custom and isinstance(name_or_id, str):
                    yield Segment(text=f"{name_or_id}: {value}", location=Location(part=part),
                                  hidden=f"custom document property '{name_or_id}'")
                elif not custom and isinstance(name_or_id, int) and name_or_id in names:
                    name = names[name_or_id]
                    yield Segment(text=f"{name}: {value}", location=Location(part=part),
                                  hidden=f"document property '{name}'")


def _property_sections(data: bytes) -> list[tuple[bytes, list[tuple[int | str, str]]]]:
    """[MS-OLEPS] property set stream -> [(FMTID, [(name or id, text value)])]."""
    count = struct.unpack_from("<I", data, 24)[0]
    sections = []
    for k in range(min(count, 8)):
        fmtid, offset = struct.unpack_from("<16sI", data, 28 + 20 * k)
        sections.append((fmtid, _property_section(data, offset)))
    return sections


def _property_section(data: bytes, base: int) -> list[tuple[int | str, str]]:
    _size, count = struct.unpack_from("<II", data, base)
    count = min(count, (len(data) - base) // 8)
    entries = [struct.unpack_from("<II", data, base + 8 + 8 * k) for k in range(count)]
    codepage = next((_int_value(data, base + off) for pid, off in entries if pid == 1), 1252)
    encoding = codepage_codec(codepage)
    names: dict[int, str] = {}
    for pid, off in entries:
        if pid == 0:
            names = _dictionary(data, base + off, encoding)
    out: list[tuple[int | str, str]] = []
    for pid, off in entries:
        if pid in (0, 1) or pid & 0x80000000:
            continue
        value = _value(data, base + off, encoding)
        if value:
            out.append((names.get(pid, pid), value))
    return out


def _dictionary(data: bytes, pos: int, encoding: str) -> dict[int, str]:
    count = struct.unpack_from("<I", data, pos)[0]
    pos += 4
    names = {}
    for _ in range(min(count, 10_000)):
        pid, cch = struct.unpack_from("<II", data, pos)
        pos += 8
        if encoding == "utf-16-le":
            raw = data[pos:pos + 2 * cch]
            pos += (2 * cch + 3) & ~3  # UTF-16 names are padded to 4 bytes
        else:
            raw = data[pos:pos + cch]
            pos += cch
        names[pid] = raw.decode(encoding, "replace").rstrip("\x00")
    return names


def _int_value(data: bytes, pos: int) -> int:
    vt = struct.unpack_from("<H", data, pos)[0]
    return int(struct.unpack_from("<h" if vt == 2 else "<i", data, pos + 4)[0])


def _value(data: bytes, pos: int, encoding: str) -> str:
    vt = struct.unpack_from("<H", data, pos)[0]
    if vt in (0x1E, 0x08):  # VT_LPSTR, VT_BSTR: code page string
        size = struct.unpack_from("<I", data, pos + 4)[0]
        return data[pos + 8:pos + 8 + size].decode(encoding, "replace").replace("\x00", "").strip()
    if vt == 0x1F:  # VT_LPWSTR
        cch = struct.unpack_from("<I", data, pos + 4)[0]
        return data[pos + 8:pos + 8 + 2 * cch].decode("utf-16-le", "replace").replace("\x00", "").strip()
    if vt in (0x02, 0x03, 0x12, 0x13, 0x16, 0x17):  # integers
        fmt = {0x02: "<h", 0x12: "<H", 0x03: "<i", 0x16: "<i", 0x13: "<I", 0x17: "<I"}[vt]
        return str(struct.unpack_from(fmt, data, pos + 4)[0])
    if vt in (0x04, 0x05):  # VT_R4, VT_R8
        number = struct.unpack_from("<f" if vt == 0x04 else "<d", data, pos + 4)[0]
        return str(int(number)) if number.is_integer() else repr(number)
    if vt == 0x0B:  # VT_BOOL
        return "TRUE" if struct.unpack_from("<H", data, pos + 4)[0] else "FALSE"
    if vt == 0x40:  # VT_FILETIME: 100 ns ticks since 1601
        ticks = struct.unpack_from("<Q", data, pos + 4)[0]
        try:
            when = datetime.datetime(1601, 1, 1) + datetime.timedelta(microseconds=ticks // 10)
        except OverflowError:
            return ""
        return when.date().isoformat() if when.time() == datetime.time() else when.isoformat()
    return ""


# --- embedded files -------------------------------------------------------------------------


def embedded(ole: OleFile, ctx: Context, *, under: str = "") -> Iterator[Member]:
    """Files embedded in storages below `under` ("" for the whole container)."""
    prefix = [p.lower() for p in under.split("/") if p]
    for path in streams(ole):
        storage, name = path[:-1], path[-1].lower()
        if [p.lower() for p in storage[:len(prefix)]] != prefix:
            continue
        where = "/".join(storage)
        if name == "\x01ole10native":
            yield _ole10native(read_stream(ole, path, ctx), where)
        elif name in _FILE_STREAMS:
            yield Member(name=f"{where}/{path[-1]}".lstrip("/"), data=read_stream(ole, path, ctx),
                         hidden=_EMBEDDED_HIDDEN)
        elif name in _DOCUMENT_STREAMS and storage:
            member = _repack(ole, storage, ctx)
            if member is not None:
                yield member


def _ole10native(data: bytes, where: str) -> Member:
    """An OLE Package: a file wrapped with its label and original paths."""
    try:
        _size, _flags = struct.unpack_from("<IH", data, 0)
        label, pos = _asciiz(data, 6)
        source, pos = _asciiz(data, pos)
        pos += 4  # reserved, then the object type (3: embedded file)
        pos += 4  # length of the temporary path that follows (as ASCIIZ)
        _temp, pos = _asciiz(data, pos)
        (size,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if size > len(data) - pos:
            raise ValueError("data size beyond the stream")
        payload = data[pos:pos + size]
        label = _unicode_label(data, pos + size) or label
    except (struct.error, ValueError):
        # Not a package (a native object of another kind): hand over the native data as is.
        return Member(name=f"{where}/Ole10Native".lstrip("/"), data=data[4:], hidden=_EMBEDDED_HIDDEN)
    name = label or source.replace("\\", "/").rsplit("/", 1)[-1] or f"{where}/Ole10Native"
    return Member(name=name, data=payload, hidden=_EMBEDDED_HIDDEN)


def _asciiz(data: bytes, pos: int) -> tuple[str, int]:
    end = data.index(b"\x00", pos)
    return data[pos:end].decode("cp1252", "replace"), end + 1


def _unicode_label(data: bytes, pos: int) -> str:
    """Newer packages append the temp path, label and source path in UTF-16: prefer that label."""
    try:
        for index in range(2):
            (cch,) = struct.unpack_from("<I", data, pos)
            if 2 * cch > len(data) - pos - 4:
                return ""
            text = data[pos + 4:pos + 4 + 2 * cch].decode("utf-16-le")
            pos += 4 + 2 * cch
            if index == 1:
                return text.rstrip("\x00")
    except (struct.error, UnicodeDecodeError):
        return ""
    return ""


def _repack(ole: OleFile, storage: list[str], ctx: Context) -> Member | None:
    """An embedded OLE document (a workbook inside a Word file) rebuilt as a file of its own."""
    children = [p for p in streams(ole) if len(p) == len(storage) + 1 and p[:-1] == storage]
    parts = [(p[-1], read_stream(ole, p, ctx)) for p in children]
    where = "/".join(storage)
    try:
        data = build_cfb(parts)
    except ValueError as exc:
        log.info("embedded document %s not rebuilt: %s", where, exc)
        return None
    return Member(name=f"{where}/{_document_name(parts)}", data=data, hidden=_EMBEDDED_HIDDEN)


def _document_name(parts: list[tuple[str, bytes]]) -> str:
    names = {name.lower() for name, _ in parts}
    for stream, filename in (("workbook", "Workbook.xls"), ("book", "Book.xls"),
                             ("worddocument", "Document.doc"), ("powerpoint document", "Presentation.ppt")):
        if stream in names:
            return filename
    return "object.bin"


# --- a minimal compound file writer ---------------------------------------------------------

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def build_cfb(parts: list[tuple[str, bytes]]) -> bytes:
    """A version 3 compound file with `parts` as streams under the root.

    Every stream is padded to the 4096-byte mini-stream cutoff so all live in regular
    sectors: no mini stream to write, and readers ignore the trailing zeros of the
    formats embedded this way (BIFF, Word and PowerPoint streams are record-addressed).
    """
    parts = sorted(parts, key=lambda p: (len(p[0]), p[0].upper()))  # directory order
    body = bytearray()
    fat: list[int] = []
    starts = []
    for _name, data in parts:
        data = data.ljust(4096, b"\x00")
        count = -(-len(data) // _SECTOR)
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(_END)
        body += data.ljust(count * _SECTOR, b"\x00")
    directory = _dir_entry("Root Entry", 5, _END, 0, child=1 if parts else _NOSTREAM)
    for k, (name, data) in enumerate(parts):
        right = k + 2 if k + 1 < len(parts) else _NOSTREAM
        directory += _dir_entry(name, 2, starts[k], max(len(data), 4096), right=right)
    directory = directory.ljust(-(-len(directory) // _SECTOR) * _SECTOR, b"\x00")
    dir_start = len(fat)
    dir_count = len(directory) // _SECTOR
    fat.extend(range(dir_start + 1, dir_start + dir_count))
    fat.append(_END)
    fat_count = -(-len(fat) // 127)  # each FAT sector also maps itself (1 of its 128 slots)
    if fat_count > 109:
        raise ValueError("too large for a compound file without DIFAT sectors")
    fat_start = len(fat)
    fat.extend([_FATSECT] * fat_count)
    fat.extend([_FREE] * (fat_count * 128 - len(fat)))
    difat = list(range(fat_start, fat_start + fat_count)) + [_FREE] * (109 - fat_count)
    header = struct.pack("<8s16sHHHHH6s9I", bytes.fromhex("d0cf11e0a1b11ae1"), b"\x00" * 16,
                         0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, fat_count, dir_start, 0, 4096,
                         _END, 0, _END, 0) + struct.pack("<109I", *difat)
    return header + bytes(body) + directory + struct.pack(f"<{len(fat)}I", *fat)


def _dir_entry(name: str, kind: int, start: int, size: int, *, child: int = _NOSTREAM,
               right: int = _NOSTREAM) -> bytes:
    encoded = name.encode("utf-16-le")[:62] + b"\x00\x00"
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NOSTREAM, right, child,
                       b"\x00" * 16, 0, 0, 0, start, size)
