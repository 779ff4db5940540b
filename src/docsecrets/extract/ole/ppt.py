"""PowerPoint 97-2003 presentations ([MS-PPT]): slide, notes and master text, comments, links.

The `PowerPoint Document` stream is a tree of records (8-byte header: version and instance,
type, length; version 0xF marks a container). Text sits in TextCharsAtom (UTF-16) and
TextBytesAtom (8-bit) records, either in the slide list (placeholder text, one run per
slide in order) or in a slide's drawing (text boxes). The persist directory maps the slide
list's references to the Slide containers' offsets, which gives each slide its number.
Embedded objects (and the VBA project) are whole OLE files, often zlib-compressed, handed
over as Members.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from docsecrets.extract.common.partial import raise_collected
from docsecrets.extract.context import Context
from docsecrets.extract.ole.container import (OleFile, collect, has_stream, macros, open_ole, printable_runs, properties,
                                    read_stream)
from docsecrets.types import EncryptedError, ExtractError, Item, LimitExceeded, Location, Member, Segment
from docsecrets.extract.common.reason import reason

log = logging.getLogger(__name__)

_MAX_DEPTH = 32
_ENCRYPTED_TOKEN = 0xF3D1C4DF  # CurrentUserAtom.headerToken of an encrypted presentation

# record types
_DOCUMENT, _SLIDE, _SLIDE_PERSIST, _NOTES, _NOTES_ATOM, _MAIN_MASTER = 0x03E8, 0x03EE, 0x03F3, 0x03F0, 0x03F1, 0x03F8
_SS_SLIDE_INFO, _VBA_INFO_ATOM, _HANDOUT, _SLIDE_LIST = 0x03F9, 0x0400, 0x0FC9, 0x0FF0
_TEXT_CHARS, _TEXT_BYTES, _CSTRING, _HYPERLINK = 0x0FA0, 0x0FA8, 0x0FBA, 0x0FD7
_OLE_STORAGE, _PERSIST_DIRECTORY, _COMMENT, _CRYPT_SESSION = 0x1011, 0x1772, 0x2EE0, 0x2F14
_HEADERS_FOOTERS, _BINARY_TAG_DATA = 0x0FD9, 0x138B

_LAST = 1 << 30  # sort key of text no slide claims: after the slides


@dataclass(frozen=True, slots=True)
class _Record:
    offset: int
    version: int
    instance: int
    type: int
    start: int  # first byte of the body
    end: int


@dataclass(slots=True)
class _Found:
    """What one walk over the records collects, resolved to slides afterwards."""

    texts: list[tuple[str, int, str]] = field(default_factory=list)  # (where, key, text)
    comments: list[tuple[int, str, str]] = field(default_factory=list)  # (top offset, author, text)
    links: list[str] = field(default_factory=list)
    headers: list[tuple[int, str, str]] = field(default_factory=list)  # (top offset, hidden reason, text)
    top_types: dict[int, int] = field(default_factory=dict)  # top-level record offset -> type
    persist: dict[int, int] = field(default_factory=dict)  # persist id -> stream offset
    slide_list: list[tuple[int, int]] = field(default_factory=list)  # (persist id, slide id) in order
    notes_slide: dict[int, int] = field(default_factory=dict)  # notes offset -> slide id
    hidden_slides: set[int] = field(default_factory=set)  # offsets of hidden Slide containers
    storages: list[_Record] = field(default_factory=list)
    vba_refs: set[int] = field(default_factory=set)  # persist ids of VBA project storages
    problems: list[str] = field(default_factory=list)


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    ole = open_ole(data)
    try:
        yield from _presentation(ole, ctx)
    finally:
        ole.close()


def _presentation(ole: OleFile, ctx: Context) -> Iterator[Item]:
    _check_encryption(ole, ctx)
    problems: list[ExtractError] = []
    if has_stream(ole, "PowerPoint Document"):
        stream = read_stream(ole, "PowerPoint Document", ctx)
        found = _Found()
        _walk(stream, 0, len(stream), depth=0, top=None, found=found, slide_list=None)
        yield from _segments(found)
        yield from collect(_storages(stream, found, ctx), problems)
        problems += [ExtractError(problem) for problem in found.problems]
    elif has_stream(ole, "PP40"):  # PowerPoint 4/95: no record tree to follow, scan its text
        log.info("%s: PowerPoint 95 or older, scanning raw text", ctx.name or "presentation")
        yield from printable_runs(read_stream(ole, "PP40", ctx))
    else:
        raise ExtractError("no PowerPoint Document stream: not a PowerPoint 97-2003 presentation")
    yield from collect(properties(ole, ctx), problems)
    yield from collect(macros(ole, ctx), problems)
    raise_collected(problems, most=None)


def _check_encryption(ole: OleFile, ctx: Context) -> None:
    if has_stream(ole, "EncryptionInfo"):
        raise EncryptedError("password-protected Office document (EncryptionInfo/EncryptedPackage)")
    if has_stream(ole, "EncryptedSummary"):
        raise EncryptedError("encrypted PowerPoint presentation")
    if has_stream(ole, "Current User"):
        head = read_stream(ole, "Current User", ctx)[:16]
        if len(head) == 16 and struct.unpack_from("<I", head, 12)[0] == _ENCRYPTED_TOKEN:
            raise EncryptedError("encrypted PowerPoint presentation")


# --- the record walk ------------------------------------------------------------------------


def _records(data: bytes, start: int, end: int, found: _Found) -> Iterator[_Record]:
    pos = start
    while pos + 8 <= end:
        ver_instance, kind, length = struct.unpack_from("<HHI", data, pos)
        if length > end - pos - 8:
            if start == 0:  # the stream itself ends early: text may be missing
                found.problems.append(f"PowerPoint Document stream is truncated (record at offset {pos})")
            else:  # some containers hold private data, not records: stop reading this one only
                log.debug("record at offset %d overruns its container", pos)
            return
        yield _Record(offset=pos, version=ver_instance & 0xF, instance=ver_instance >> 4, type=kind,
                      start=pos + 8, end=pos + 8 + length)
        pos += 8 + length


def _walk(data: bytes, start: int, end: int, *, depth: int, top: _Record | None, found: _Found,
          slide_list: _Record | None) -> None:
    """Collect text and structure below [start, end); `top` is the enclosing top-level record."""
    for record in _records(data, start, end, found):
        kind = record.type
        if top is None:
            found.top_types[record.offset] = kind
        # Only atoms are sliced: copying every container at every level would be quadratic.
        body = data[record.start:record.end] if record.version != 0xF and kind != _BINARY_TAG_DATA else b""
        if kind == _CRYPT_SESSION:
            raise EncryptedError("encrypted PowerPoint presentation")
        if kind in (_TEXT_CHARS, _TEXT_BYTES):
            text = body.decode("utf-16-le" if kind == _TEXT_CHARS else "cp1252", "replace")
            if slide_list is not None:
                where = f"list {slide_list.instance}"
                key = len(found.slide_list) - 1 if slide_list.instance == 0 else -1
            else:
                where, key = "top", top.offset if top else -1
            found.texts.append((where, key, text))
        elif kind == _SLIDE_PERSIST and slide_list is not None and slide_list.instance == 0 and len(body) >= 16:
            persist_id, _flags, _texts, slide_id = struct.unpack_from("<4I", body)
            found.slide_list.append((persist_id, slide_id))
        elif kind == _PERSIST_DIRECTORY:
            _persist_directory(body, found.persist)
        elif kind == _NOTES_ATOM and top is not None and len(body) >= 4:
            found.notes_slide[top.offset] = struct.unpack_from("<I", body)[0]
        elif kind == _SS_SLIDE_INFO and top is not None and len(body) >= 12:
            if struct.unpack_from("<H", body, 10)[0] & 0x0004:  # fHidden
                found.hidden_slides.add(top.offset)
        elif kind == _VBA_INFO_ATOM and len(body) >= 4:
            found.vba_refs.add(struct.unpack_from("<I", body)[0])
        elif kind == _OLE_STORAGE:
            found.storages.append(record)
        elif kind == _COMMENT and top is not None:
            strings = _cstrings(data, record, found)
            if strings.get(1):
                found.comments.append((top.offset, strings.get(0, ""), strings[1]))
        elif kind == _HYPERLINK:
            strings = _cstrings(data, record, found)
            found.links += [strings[i] for i in (1, 3) if strings.get(i)]
        elif kind == _HEADERS_FOOTERS:
            strings = _cstrings(data, record, found)
            found.headers += [(top.offset if top else -1, reason, strings[i])
                              for i, reason in ((1, "page header"), (2, "page footer")) if strings.get(i)]
        elif record.version == 0xF or kind == _BINARY_TAG_DATA:  # tag data: PowerPoint 2002+ extensions
            if depth >= _MAX_DEPTH:  # no real presentation nests this deep; do not recurse forever
                log.debug("records nested deeper than %d levels at offset %d", _MAX_DEPTH, record.offset)
                continue
            _walk(data, record.start, record.end, depth=depth + 1, top=top or record, found=found,
                  slide_list=record if kind == _SLIDE_LIST else slide_list)


def _cstrings(data: bytes, container: _Record, found: _Found) -> dict[int, str]:
    """CString atoms directly inside a container, by instance (author, text, target...)."""
    return {r.instance: data[r.start:r.end].decode("utf-16-le", "replace")
            for r in _records(data, container.start, container.end, found) if r.type == _CSTRING}


def _persist_directory(body: bytes, persist: dict[int, int]) -> None:
    """Entries of (first persist id, count) then the offsets; later directories override."""
    pos = 0
    while pos + 4 <= len(body):
        (head,) = struct.unpack_from("<I", body, pos)
        first, count = head & 0xFFFFF, head >> 20
        pos += 4
        count = min(count, (len(body) - pos) // 4)
        for i, offset in enumerate(struct.unpack_from(f"<{count}I", body, pos)):
            persist[first + i] = offset
        pos += 4 * count


# --- resolving text to slides ---------------------------------------------------------------


def _segments(found: _Found) -> Iterator[Segment]:
    slide_of_offset = {found.persist[pid]: n for n, (pid, _sid) in enumerate(found.slide_list, 1)
                       if pid in found.persist}
    slide_of_id = {sid: n for n, (_pid, sid) in enumerate(found.slide_list, 1)}
    hidden_numbers = {slide_of_offset[o] for o in found.hidden_slides if o in slide_of_offset}
    seen: set[tuple[str, str]] = set()
    ordinal = 0
    out: list[tuple[int, Segment]] = []  # (slide number for ordering, segment)

    def add(order: int, text: str, location: Location, hidden: str | None) -> None:
        text = text.replace("\r", "\n").replace("\x0b", "\n").strip()
        if len(text) > 1 and (location.part or "", text) not in seen:  # "*" is a slide number field
            seen.add((location.part or "", text))
            out.append((order, Segment(text=text, location=location, hidden=hidden)))

    for where, key, text in found.texts:
        ordinal += 1
        kind = found.top_types.get(key) if where == "top" else None
        if where == "list 0" and key >= 0 or (kind == _SLIDE and key in slide_of_offset):
            number = key + 1 if where == "list 0" else slide_of_offset[key]
            add(number, text, Location(part=f"slide {number}", page=number),
                f"hidden slide {number}" if number in hidden_numbers else None)
        elif kind == _NOTES and found.notes_slide.get(key) in slide_of_id:
            number = slide_of_id[found.notes_slide[key]]
            add(number, text, Location(part=f"notes, slide {number}", page=number), f"speaker notes, slide {number}")
        elif kind == _NOTES and found.notes_slide.get(key) == 0:  # notes of no slide: the notes master
            add(_LAST, text, Location(part="notes master"), "notes master")
        elif kind == _NOTES or where == "list 2":
            add(_LAST, text, Location(part="notes"), "speaker notes")
        elif kind == _MAIN_MASTER or where == "list 1":
            add(_LAST, text, Location(part="master"), "slide master")
        elif kind == _HANDOUT:
            add(_LAST, text, Location(part="handout"), "handout master")
        else:  # text the slide list does not account for (an unlisted slide, say): keep its order
            add(_LAST, text, Location(part="slides", line=ordinal), None)
    for offset, reason, text in found.headers:
        slide = slide_of_offset.get(offset)
        add(slide or _LAST, text, Location(part=f"slide {slide}" if slide else "headers and footers", page=slide),
            reason)
    for offset, author, text in found.comments:
        slide = slide_of_offset.get(offset)
        add(slide or _LAST, text, Location(part=f"comments, slide {slide}" if slide else "comments", page=slide),
            f"comment by {author}" if author else "comment")
    for link in found.links:
        add(_LAST + 1, link, Location(part="hyperlinks"), "hyperlink target")
    out.sort(key=lambda pair: pair[0])
    for _order, segment in out:
        yield segment


# --- embedded OLE storages ------------------------------------------------------------------


def _storages(stream: bytes, found: _Found, ctx: Context) -> Iterator[Member]:
    vba_offsets = {found.persist[p] for p in found.vba_refs if p in found.persist}
    count = 0
    for record in found.storages:
        body = stream[record.start:record.end]
        data = _inflate(body, ctx) if record.instance == 1 else body
        if not data.startswith(b"\xd0\xcf\x11\xe0"):
            continue  # not an OLE file after all (a damaged object): nothing to hand over
        if record.offset in vba_offsets:
            yield Member(name="VBA project", data=data, hidden="VBA macro project")
        else:
            count += 1
            yield Member(name=f"embedded object {count}", data=data, hidden="embedded object")


def _inflate(body: bytes, ctx: Context) -> bytes:
    """A compressed ExOleObjStg: the uncompressed size, then a zlib stream."""
    limits = ctx.limits
    if len(body) < 4:
        raise ExtractError("truncated compressed embedded object")
    (size,) = struct.unpack_from("<I", body)
    if size == 0:
        return b""  # (and zlib would read a zero limit as "unlimited")
    if size > limits.max_part_size:
        raise LimitExceeded(f"embedded object declares {size:,} bytes (limit {limits.max_part_size:,})")
    if size > limits.ratio_floor and size > limits.max_ratio * len(body):
        raise LimitExceeded(f"embedded object inflates more than {limits.max_ratio}x: decompression bomb")
    try:
        data = zlib.decompressobj().decompress(body[4:], size)
    except zlib.error as exc:
        raise ExtractError(f"compressed embedded object is corrupt: {reason(exc)}") from None
    ctx.budget.charge(len(data))
    return data
