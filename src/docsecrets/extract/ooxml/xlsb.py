"""Excel binary workbooks (xlsb): the BIFF12 record streams of an OOXML package, read here.

Not through python-calamine, although it reads cells and sheet visibility quickly: over the
realdocs sample it panicked on a valid workbook (a Rust backtrace on stderr, a BaseException
in Python), refused a valid workbook holding an Excel 4 macro sheet, and it reports neither
hidden rows and columns nor comments, white text, page headers or hyperlinks. BIFF12 itself
is simple: every part is a run of records (a varint type, a varint size, the payload), read
here as SafeZip inflates the part, so memory stays bounded by the shared strings and one
record. The package around the records (relationships, drawings, properties, embeddings) is
the xlsx one, read with the xlsx extractor's helpers.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from docsecrets.extract.ooxml import package as _ooxml
from docsecrets.extract.ooxml import sheets as book_sheets
from docsecrets.extract.ooxml.package import Package, Rel
from docsecrets.extract.common.cells import column_letters
from docsecrets.extract.common.partial import raise_collected
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.types import (
    Cell,
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Row,
    Segment,
)
from docsecrets.extract.common.reason import reason

# Record types ([MS-XLSB] 2.3). Cells: each starts with a Cell structure (column u32, style
# u24, flags u8) then its value; the "short" forms (ids 12-18, written by newer Excel builds)
# drop the column, which is then the previous cell's plus one.
_ROW_HDR = 0
_CELL_BLANK, _CELL_RK, _CELL_ERROR, _CELL_BOOL, _CELL_REAL, _CELL_ST, _CELL_ISST = range(1, 8)
_FMLA_STRING, _FMLA_NUM, _FMLA_BOOL, _FMLA_ERROR = range(8, 12)
_SHORT_CELLS = {12: _CELL_BLANK, 13: _CELL_RK, 14: _CELL_ERROR, 15: _CELL_BOOL, 16: _CELL_REAL,
                17: _CELL_ST, 18: _CELL_ISST}
_CELL_RSTRING = 62
# record type -> (the full record type, offset of the value in the payload)
_CELLS = {**{kind: (kind, 8) for kind in (*range(1, 12), _CELL_RSTRING)},
          **{short: (full, 4) for short, full in _SHORT_CELLS.items()}}
_SST_ITEM = 19
_NAME = 39
_FONT = 43
_FMT = 44
_XF = 47
_COL_INFO = 60
_WB_PROP = 153
_BUNDLE_SH = 156
_HEADER_FOOTER = 479
_HLINK = 494
_BEGIN_CELL_XFS, _END_CELL_XFS = 617, 618
_COMMENT_AUTHOR, _BEGIN_COMMENT, _COMMENT_TEXT = 632, 635, 637
_PTG_STR = 0x17  # a string constant in a parsed formula

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_F64 = struct.Struct("<d")
_NULL_STRING = 0xFFFFFFFF


class _Truncated(Exception):
    """A field runs past the end of its record."""


@dataclass(frozen=True, slots=True)
class _SheetRef:
    name: str
    part: str | None
    hidden: str | None
    kind: str  # relationship kind: "worksheet", "xlMacrosheet", "chartsheet", ...


@dataclass(slots=True)
class _Book:
    pkg: Package
    max_cells: int
    strings: list[str] = field(default_factory=list)
    styles: list[book_sheets.Style] = field(default_factory=list)
    date1904: bool = False
    cells: int = 0
    missing_strings: int = 0

    def count_cell(self) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            raise LimitExceeded(f"more than {self.max_cells:,} cells in one workbook")

    def style(self, index: int) -> book_sheets.Style:
        return self.styles[index] if index < len(self.styles) else book_sheets.Style()


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    try:
        archive = SafeZip(data, ctx)
    except NotImplementedError as exc:  # zipfile's answer to a garbled "version needed" field
        raise ExtractError(f"not a readable zip container: {reason(exc)}") from None
    pkg = Package(archive)
    problems: list[ExtractError] = []  # partial damage: read what is left, then report it all at the end
    book = _Book(pkg=pkg, max_cells=ctx.limits.max_cells)
    book_part = _workbook_part(pkg, problems)
    rels = book_sheets.guarded_call(problems, "", partial(pkg.rels, book_part)) or {}
    sheets: list[_SheetRef] = []
    names: list[Segment] = []
    book_sheets.guarded_call(problems, "", partial(_read_workbook, book, book_part, rels, sheets, names))
    yield from names

    strings_part = book_sheets.related(pkg, rels, "sharedStrings", "xl/sharedStrings.bin")
    if strings_part:
        book_sheets.guarded_call(problems, "", partial(_read_shared_strings, book, strings_part))
    styles_part = book_sheets.related(pkg, rels, "styles", "xl/styles.bin")
    if styles_part:
        book.styles = book_sheets.guarded_call(problems, "", partial(_read_styles, pkg, styles_part)) or []

    unlinked = [sheet.name for sheet in sheets if sheet.part is None]
    if unlinked:
        problems.append(ExtractError(f"{len(unlinked)} sheet(s) without a part: "
                        + ", ".join(f"'{name}'" for name in unlinked[:5]) + (", ..." if len(unlinked) > 5 else "")))
    for sheet in sheets + _orphan_sheets(pkg, {sheet.part for sheet in sheets}):
        if sheet.part is None or sheet.kind == "chartsheet":
            continue  # a chart sheet holds no cells; its chart is XML elsewhere
        sheet_rels = book_sheets.guarded_call(problems, "", partial(pkg.rels, sheet.part)) or {}
        yield from book_sheets.guarded(problems, f"sheet '{sheet.name}' ({sheet.part})",
                                  _sheet_items(book, sheet, sheet_rels))
        for rel in sheet_rels.values():
            part = pkg.find(rel.target) if not rel.external else None
            if part is not None and rel.type == "comments":
                yield from book_sheets.guarded(problems, part, _comments(book, part, sheet.name))
            elif part is not None and rel.type == "drawing" and part.lower().endswith(".xml"):
                yield from book_sheets.guarded(problems, part, book_sheets.drawing_text(pkg, part, sheet.name))
    if book.missing_strings:
        problems.append(ExtractError(f"{book.missing_strings:,} cells point past the shared strings table"))

    yield from book_sheets.guarded(problems, "document properties", _ooxml.properties(archive))
    yield from book_sheets.members(pkg)
    raise_collected(problems, most=None)


# --- records -------------------------------------------------------------------------------


def _records(archive: SafeZip, part: str) -> Iterator[tuple[int, bytes]]:
    """(type, payload) of each record of a part, decoded as SafeZip inflates it."""
    chunks = archive.iter_chunks(part)
    buf, pos = b"", 0
    while True:
        while len(buf) - pos < 6:  # a record header takes at most 2 + 4 bytes
            chunk = next(chunks, None)
            if chunk is None:
                break
            buf, pos = buf[pos:] + chunk, 0
        if pos >= len(buf):
            return
        if buf[pos] < 0x80 and len(buf) - pos > 1 and buf[pos + 1] < 0x80:  # the usual one-byte fields
            kind, size, pos = buf[pos], buf[pos + 1], pos + 2
        else:
            kind, pos = _varint(buf, pos, 2, part)
            size, pos = _varint(buf, pos, 4, part)
        if len(buf) - pos < size:
            pieces, have = [buf[pos:]], len(buf) - pos
            while have < size:
                chunk = next(chunks, None)
                if chunk is None:
                    raise ExtractError(f"{part}: truncated (record {kind} wants {size:,} bytes)")
                pieces.append(chunk)
                have += len(chunk)
            buf, pos = b"".join(pieces), 0
        yield kind, buf[pos:pos + size]
        pos += size


def _varint(buf: bytes, pos: int, width: int, part: str) -> tuple[int, int]:
    """A record header field: 7 bits a byte, low bits first, the high bit saying "more"."""
    value = 0
    for shift in range(0, 7 * width, 7):
        if pos >= len(buf):
            raise ExtractError(f"{part}: truncated record header")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
    return value, pos


@contextmanager
def _decoding(part: str) -> Iterator[None]:
    """Turn a record too short for its fields into an ExtractError naming the part."""
    try:
        yield
    except (struct.error, _Truncated, IndexError) as exc:
        raise ExtractError(f"{part}: malformed record ({exc or 'too short'})") from None


def _wide(payload: bytes, at: int, *, nullable: bool = False) -> tuple[str, int]:
    """An XLWideString (u32 count of UTF-16 units, then the units): (text, offset after it)."""
    (count,) = _U32.unpack_from(payload, at)
    if nullable and count == _NULL_STRING:
        return "", at + 4
    end = at + 4 + 2 * count
    if end > len(payload):
        raise _Truncated("string runs past its record")
    return payload[at + 4:end].decode("utf-16-le", "replace"), end  # "replace" also mends lone surrogates


# --- workbook, strings, styles -------------------------------------------------------------


def _workbook_part(pkg: Package, problems: list[ExtractError]) -> str:
    """The workbook named by the package relationships, else the usual xl/workbook.bin."""
    for rel in (book_sheets.guarded_call(problems, "", partial(pkg.rels, "")) or {}).values():
        found = pkg.find(rel.target) if rel.type == "officeDocument" and not rel.external else None
        if found and found.lower().endswith(".bin"):
            return found
    found = pkg.find("xl/workbook.bin")
    if found is None:
        raise ExtractError("no workbook part (xl/workbook.bin): not an Excel binary workbook")
    return found


def _read_workbook(book: _Book, part: str, rels: dict[str, Rel], sheets: list[_SheetRef],
                   names: list[Segment]) -> None:
    """Fill `sheets` and `names` as the part streams, so damage keeps what came before it."""
    with _decoding(part):
        for kind, payload in _records(book.pkg.archive, part):
            if kind == _BUNDLE_SH:
                state = _U32.unpack_from(payload, 0)[0]
                rel_id, name = _bundle_strings(payload)
                name = name or f"sheet {len(sheets) + 1}"
                hidden = {1: f"hidden sheet '{name}'", 2: f"very hidden sheet '{name}'"}.get(state)
                rel = rels.get(rel_id)
                target = book.pkg.find(rel.target) if rel and not rel.external else None
                sheets.append(_SheetRef(name=name, part=target, hidden=hidden, kind=rel.type if rel else ""))
            elif kind == _WB_PROP and payload:
                book.date1904 = bool(payload[0] & 1)
            elif kind == _NAME:
                segment = _defined_name(payload, part)
                if segment is not None:
                    names.append(segment)


def _bundle_strings(payload: bytes) -> tuple[str, str]:
    """BrtBundleSh's relationship id and sheet name, which end the record. They follow the
    state and tab id (u32 each); some writers put 4 more bytes ahead of them."""
    for start in (8, 12):
        try:
            rel_id, at = _wide(payload, start, nullable=True)
            name, end = _wide(payload, at)
        except (struct.error, _Truncated):
            continue
        if end == len(payload):
            return rel_id, name
    rel_id, at = _wide(payload, 8, nullable=True)  # neither fits exactly: read it as specified
    return rel_id, _wide(payload, at)[0]


def _defined_name(payload: bytes, part: str) -> Segment | None:
    """A defined name whose formula is one string constant: `="Azerty"` hides text in the
    workbook itself (names built on ranges are Excel's bookkeeping and carry no text)."""
    name, at = _wide(payload, 9)  # flags u32, shortcut key u8, sheet index u32, then the name
    (size,) = _U32.unpack_from(payload, at)
    formula = payload[at + 4:at + 4 + size]
    if len(formula) < 3 or formula[0] != _PTG_STR:
        return None
    (count,) = _U16.unpack_from(formula, 1)
    if len(formula) != 3 + 2 * count:
        return None
    value = formula[3:].decode("utf-16-le", "replace")
    return Segment(text=f"{name}: {value}", location=Location(part=part), hidden=f"defined name '{name}'")


def _read_shared_strings(book: _Book, part: str) -> None:
    """Fill book.strings as the part streams, so a damaged tail still leaves the head usable."""
    with _decoding(part):
        for kind, payload in _records(book.pkg.archive, part):
            if kind == _SST_ITEM:  # RichStr: flags u8, then the text; runs and phonetics follow
                book.strings.append(_wide(payload, 1)[0])
                if len(book.strings) > book.max_cells:
                    raise LimitExceeded(f"more than {book.max_cells:,} shared strings in {part!r}")


def _read_styles(pkg: Package, part: str) -> list[book_sheets.Style]:
    formats: dict[int, str] = {}
    white_fonts: list[bool] = []
    styles: list[book_sheets.Style] = []
    in_cell_xfs = False  # BrtXF also describes the named cell styles, which cells do not index
    with _decoding(part):
        for kind, payload in _records(pkg.archive, part):
            if kind == _FMT:
                formats[_U16.unpack_from(payload, 0)[0]] = _wide(payload, 2)[0]
            elif kind == _FONT:  # BrtColor at 12: type in bits 1-7 of its first byte (2 = RGB), RGB at 16
                white_fonts.append(payload[12] >> 1 == 2 and payload[16:19] == b"\xff\xff\xff")
            elif kind in (_BEGIN_CELL_XFS, _END_CELL_XFS):
                in_cell_xfs = kind == _BEGIN_CELL_XFS
            elif kind == _XF and in_cell_xfs:
                fmt_id, font_id = _U16.unpack_from(payload, 2)[0], _U16.unpack_from(payload, 4)[0]
                styles.append(_style(formats.get(fmt_id), fmt_id, font_id < len(white_fonts) and white_fonts[font_id]))
    return styles


def _style(code: str | None, fmt_id: int, white: bool) -> book_sheets.Style:
    date = book_sheets.is_date_format(code) if code is not None else fmt_id in book_sheets.BUILTIN_DATE_FORMATS
    hidden = None
    if code is not None and code.strip() and not code.replace(";", "").strip() and code.count(";") >= 2:
        hidden = f"number format '{code}'"  # ";;;" shows nothing at all
    elif white:
        hidden = "white text"
    return book_sheets.Style(date=date, hidden=hidden)


def _orphan_sheets(pkg: Package, listed: set[str | None]) -> list[_SheetRef]:
    """Worksheet parts the workbook does not link to: Excel never shows them."""
    parts = [name for name in pkg.archive.names() if name not in listed
             and re.fullmatch(r"xl[/\\]worksheets[/\\][^/\\]+\.bin", name, re.IGNORECASE)
             and not re.search(r"binaryIndex\d*\.bin$", name, re.IGNORECASE)]  # Excel's row index, no cells
    parts.sort(key=lambda name: [int(bit) if bit.isdigit() else bit for bit in re.split(r"(\d+)", name)])
    return [_SheetRef(name=part, part=part, hidden=f"sheet part '{part}' not linked from the workbook",
                      kind="worksheet") for part in parts]


# --- sheets --------------------------------------------------------------------------------


def _sheet_items(book: _Book, sheet: _SheetRef, rels: dict[str, Rel]) -> Iterator[Item]:
    assert sheet.part is not None
    columns = book_sheets.HiddenColumns()
    number, row_hidden, column = 0, False, 0
    cells: list[Cell] = []
    headers: set[str] = set()
    with _decoding(sheet.part):
        for kind, payload in _records(book.pkg.archive, sheet.part):
            cell_kind = _CELLS.get(kind)
            if cell_kind is not None:
                book.count_cell()
                kind, at = cell_kind
                column = _U32.unpack_from(payload, 0)[0] + 1 if at == 8 else column + 1
                text, style_hidden = _cell_text(book, kind, payload, at)
                if text:
                    hidden = style_hidden
                    if columns.hides(column):
                        hidden = f"hidden column {column_letters(column)}" + (f", {style_hidden}" if style_hidden else "")
                    cells.append(Cell(text=text, column=column, ref=f"{column_letters(column)}{number}", hidden=hidden))
            elif kind == _ROW_HDR:
                if cells:
                    yield _row(sheet, number, row_hidden, cells)
                    cells = []
                number, column = _U32.unpack_from(payload, 0)[0] + 1, 0
                row_hidden = bool(_U16.unpack_from(payload, 10)[0] & 0x1000)  # fDyZero: zero height
            elif kind == _COL_INFO and _U16.unpack_from(payload, 16)[0] & 1:
                first, last = _U32.unpack_from(payload, 0)[0], _U32.unpack_from(payload, 4)[0]
                columns.add(first + 1, last + 1)
            elif kind == _HEADER_FOOTER:
                yield from _header_footer(payload, sheet.name, headers)
            elif kind == _HLINK:
                yield from _hyperlink(payload, sheet.name, rels)
    if cells:
        yield _row(sheet, number, row_hidden, cells)


def _row(sheet: _SheetRef, number: int, hidden: bool, cells: list[Cell]) -> Row:
    return Row(cells=tuple(cells), location=Location(part=sheet.name, row=number), table=sheet.name,
               hidden=sheet.hidden or (f"hidden row {number}" if hidden else None))


def _cell_text(book: _Book, kind: int, payload: bytes, at: int) -> tuple[str, str | None]:
    """(text as shown, why the style hides it) of a cell whose value starts at `at`."""
    style = book.style(payload[at - 4] | payload[at - 3] << 8 | payload[at - 2] << 16)
    if kind == _CELL_ISST:
        index = _U32.unpack_from(payload, at)[0]
        if index >= len(book.strings):
            book.missing_strings += 1
            return "", style.hidden
        return book.strings[index], style.hidden
    if kind in (_CELL_ST, _FMLA_STRING):  # a formula record keeps its last result ahead of the formula
        return _wide(payload, at)[0], style.hidden
    if kind == _CELL_RSTRING:
        return _wide(payload, at + 1)[0], style.hidden
    if kind in (_CELL_BOOL, _FMLA_BOOL):
        return ("TRUE" if payload[at] else "FALSE"), style.hidden
    if kind == _CELL_RK:
        value = _rk(_U32.unpack_from(payload, at)[0])
    elif kind in (_CELL_REAL, _FMLA_NUM):
        value = _F64.unpack_from(payload, at)[0]
    else:
        return "", style.hidden  # blank or error
    raw = repr(value)
    if style.date:
        shown = book_sheets.date_text(raw, date1904=book.date1904)
        if shown is not None:
            return shown, style.hidden
    return book_sheets.number_text(raw), style.hidden


def _rk(raw: int) -> float:
    """An RkNumber: a 30-bit integer or the top 30 bits of a double, maybe divided by 100."""
    if raw & 2:
        value = float(_I32.unpack(_U32.pack(raw))[0] >> 2)
    else:
        value = _F64.unpack(struct.pack("<Q", (raw & 0xFFFFFFFC) << 32))[0]
    return value / 100 if raw & 1 else value


def _header_footer(payload: bytes, sheet: str, seen: set[str]) -> Iterator[Segment]:
    """BrtBeginHeaderFooter: flags u16, then header, footer, even and first-page variants."""
    at = 2
    for label in ("page header", "page footer") * 3:
        raw, at = _wide(payload, at, nullable=True)
        text = book_sheets.header_footer_text(raw)
        if text and text not in seen:  # odd, even and first-page variants often repeat one another
            seen.add(text)
            yield Segment(text=text, location=Location(part=sheet), hidden=label)


def _hyperlink(payload: bytes, sheet: str, rels: dict[str, Rel]) -> Iterator[Segment]:
    """BrtHLink: the cell range (rows, then columns, u32 each), a relationship id, a location."""
    row, column = _U32.unpack_from(payload, 0)[0] + 1, _U32.unpack_from(payload, 8)[0] + 1
    rel_id, at = _wide(payload, 16, nullable=True)
    anchor = _wide(payload, at)[0]
    rel = rels.get(rel_id)
    url = rel.target if rel is not None and rel.external else ""
    text = f"{url}#{anchor}" if url and anchor else url or anchor
    if text:
        yield Segment(text=text, location=Location(part=sheet, cell=f"{column_letters(column)}{row}"),
                      hidden="hyperlink target")


def _comments(book: _Book, part: str, sheet: str) -> Iterator[Segment]:
    authors: list[str] = []
    author, ref = "", None
    with _decoding(part):
        for kind, payload in _records(book.pkg.archive, part):
            if kind == _COMMENT_AUTHOR:
                authors.append(_wide(payload, 0)[0].strip())
            elif kind == _BEGIN_COMMENT:  # author index u32, then rows (first, last), columns (first, last)
                position = _U32.unpack_from(payload, 0)[0]
                author = authors[position] if position < len(authors) else ""
                row, column = _U32.unpack_from(payload, 4)[0] + 1, _U32.unpack_from(payload, 12)[0] + 1
                ref = f"{column_letters(column)}{row}"
            elif kind == _COMMENT_TEXT:
                text = _wide(payload, 1)[0].strip()
                if text:
                    yield Segment(text=text, location=Location(part=sheet, cell=ref),
                                  hidden=f"cell comment by {author}" if author else "cell comment")
