"""Legacy Excel workbooks (BIFF2-8 `.xls` / `.xlt`) through xlrd.

Yields one Row per non-empty sheet row, then cell notes, hyperlink targets that carry
credentials, page headers and footers, defined-name constants and the OLE document
properties. Hidden rows and columns, white text and the ';;;' number format need xlrd's
`formatting_info=True`, which some files break: such sheets are re-read without it and only
lose those hidden markers. Workbooks "encrypted" with Excel's built-in default password
(VelvetSweatshop, used for write-protected files) are decrypted; any other password raises
EncryptedError.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import uuid
from collections.abc import Iterator
from typing import Any

import xlrd
from xlrd.biffh import (
    XL_CELL_BOOLEAN,
    XL_CELL_DATE,
    XL_CELL_NUMBER,
    XL_CELL_TEXT,
    XLRDError,
)
from xlrd.formula import oBOOL, oNUM, oSTRG

from docsecrets.extract.common.cells import datetime_text, float_text
from docsecrets.extract.common.decode import codec_name, codepage_codec
from docsecrets.extract.context import Context
from docsecrets.types import (
    Cell,
    EncryptedError,
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Row,
    Segment,
)
from docsecrets.extract.common.reason import reason as library_reason

_DEFAULT_PASSWORD = "VelvetSweatshop"  # Excel encrypts with it when only "password to modify" is set
_SHEET_VISIBILITY = {1: "hidden sheet", 2: "very hidden sheet"}
_WHITE = (255, 255, 255)
_HIDING_FORMAT = re.compile(r"^\s*;\s*;\s*;\s*$")  # number format ';;;' displays nothing

# A URL worth reporting even though the cell only shows its description.
_CREDENTIAL_URL = re.compile(
    r"^[a-z][a-z0-9+.-]*://[^/?#@\s]+:[^/?#@\s]*@"
    r"|[?&;][\w.-]*?(?:pass(?:word|wd)?|pwd|token|secret|api[_-]?key|access[_-]?key|auth|signature|sig)=[^&#\s]",
    re.IGNORECASE)

# BIFF records walked by hand: xlrd does not read page headers and footers.
_REC_EOF = 0x000A
_REC_HEADER = 0x0014
_REC_FOOTER = 0x0015
_BOF_CODES = frozenset({0x0809, 0x0409, 0x0209, 0x0009})
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|[LCRPNDTFAZGBIUESXYHO]|&)')

_SUMMARY_FMTID = uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9").bytes_le
_DOC_SUMMARY_FMTID = uuid.UUID("D5CDD502-2E9C-101B-9397-08002B2CF9AE").bytes_le
_USER_DEFINED_FMTID = uuid.UUID("D5CDD505-2E9C-101B-9397-08002B2CF9AE").bytes_le
_PROPERTY_NAMES = {
    _SUMMARY_FMTID: {2: "Title", 3: "Subject", 4: "Author", 5: "Keywords", 6: "Comments"},
    _DOC_SUMMARY_FMTID: {2: "Category", 14: "Manager", 15: "Company"},
}
_PROPERTY_STREAMS = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")
_MAX_PROPERTY_SETS = 8
_MAX_PROPERTIES = 4096


class _Log:
    """xlrd writes diagnostics to a log file; keep a note of truncation instead of printing."""

    def __init__(self) -> None:
        self.truncated = False

    def write(self, text: str) -> int:
        if "truncated" in text or "Trying to access sector" in text:
            self.truncated = True
        return len(text)


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    try:
        book, formatted = _open_book(data, formatting_info=True)
    except EncryptedError:
        data = _decrypt_default_password(data)
        book, formatted = _open_book(data, formatting_info=True)
    errors: list[str] = []
    plain: list[Any] = []  # the formatting_info=False book, opened only if a sheet needs it
    try:
        yield from _defined_names(book)
        cells = 0
        for index in range(book.nsheets):
            sheet, sheet_book, error = _load_sheet(data, book, formatted, plain, index)
            if sheet is None:
                errors.append(f"sheet {index + 1} ({_sheet_name(book, index)!r}): {error}")
                continue
            cells += sum(sheet.row_len(r) for r in range(sheet.nrows))
            if cells > ctx.limits.max_cells:
                raise LimitExceeded(f"more than {ctx.limits.max_cells:,} cells in the workbook")
            yield from _sheet_items(sheet, sheet_book, index)
            sheet_book.unload_sheet(index)
    except MemoryError:
        raise LimitExceeded("the workbook needs more memory than allowed (hostile record sizes?)") from None
    finally:
        for opened in (book, *plain):
            opened.release_resources()
    yield from _properties(data, ctx, errors)
    if errors:
        raise ExtractError("part of the workbook is unreadable: " + "; ".join(errors))


def _decrypt_default_password(data: bytes) -> bytes:
    """The workbook decrypted with Excel's default password; EncryptedError for any other."""
    try:
        import msoffcrypto  # optional: without it every encrypted workbook is reported as such
    except ImportError:
        raise EncryptedError("password-protected workbook") from None
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=_DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception:  # msoffcrypto raises its own and arbitrary errors on a wrong key or garbage
        raise EncryptedError("password-protected workbook") from None
    return out.getvalue()


def _open_book(data: bytes, *, formatting_info: bool) -> tuple[Any, bool]:
    """(book, formatting_info actually used); falls back to formatting_info=False once."""
    log = _Log()
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=formatting_info, on_demand=True,
                                  ragged_rows=True, logfile=log, ignore_workbook_corruption=True)
        return book, formatting_info
    except XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise EncryptedError("password-protected workbook") from None
        reason = _reason(exc)
    except MemoryError:
        raise LimitExceeded("the workbook needs more memory than allowed (hostile record sizes?)") from None
    except Exception as exc:  # xlrd fails with asserts, struct and unicode errors on damaged files
        reason = _reason(exc)
    if formatting_info:
        return _open_book(data, formatting_info=False)
    if log.truncated:
        reason = f"the file is truncated or its sector table is corrupt ({reason})"
    raise ExtractError(f"unreadable .xls workbook: {reason}")


def _load_sheet(data: bytes, book: Any, formatted: bool, plain: list[Any],
                index: int) -> tuple[Any, Any, str]:
    """(sheet, the book it came from, "") or (None, None, reason); retries without formatting."""
    try:
        return book.sheet_by_index(index), book, ""
    except MemoryError:
        raise
    except Exception as exc:  # see _open_book
        reason = _reason(exc)
    if not formatted:
        return None, None, reason
    if not plain:
        try:
            plain.append(_open_book(data, formatting_info=False)[0])
        except ExtractError as exc:
            return None, None, str(exc)
    try:
        return plain[0].sheet_by_index(index), plain[0], ""
    except MemoryError:
        raise
    except Exception as exc:
        return None, None, _reason(exc)


def _reason(exc: BaseException) -> str:
    return library_reason(exc)


def _sheet_name(book: Any, index: int) -> str:
    try:
        return str(book.sheet_names()[index])
    except (IndexError, AttributeError):
        return "?"


def _sheet_items(sheet: Any, book: Any, index: int) -> Iterator[Item]:
    name = str(sheet.name)
    sheet_hidden = _SHEET_VISIBILITY.get(sheet.visibility)
    sheet_reason = f"{sheet_hidden} '{name}'" if sheet_hidden else None
    formatted = bool(sheet.formatting_info)
    style_reasons: dict[int, str | None] = {}
    for r in range(sheet.nrows):
        cells: list[Cell] = []
        types, values = sheet.row_types(r), sheet.row_values(r)
        for c, (ctype, value) in enumerate(zip(types, values)):
            text = _cell_text(ctype, value, book.datemode)
            if text is None:
                continue
            hidden = None
            if formatted:
                reasons = (_column_hidden(sheet, c), _style_hidden(book, sheet.cell_xf_index(r, c), style_reasons))
                hidden = ", ".join(reason for reason in reasons if reason) or None
            cells.append(Cell(text=text, column=c + 1, ref=_ref(r, c), hidden=hidden))
        if cells:
            yield Row(cells=tuple(cells), location=Location(part=name, row=r + 1), table=name,
                      hidden=sheet_reason or (_row_hidden(sheet, r) if formatted else None))
    for (r, c), note in sorted(sheet.cell_note_map.items()):
        text = str(note.text or "").strip()
        if text:
            author = str(note.author or "").strip()
            yield Segment(text=text, location=Location(part=name, cell=_ref(r, c), row=r + 1, column=c + 1),
                          hidden=f"cell comment by {author}" if author else "cell comment")
    for link in sheet.hyperlink_list:
        url = link.url_or_path
        if isinstance(url, str) and _CREDENTIAL_URL.search(url):
            r, c = link.frowx, link.fcolx
            yield Segment(text=url, location=Location(part=name, cell=_ref(r, c), row=r + 1, column=c + 1),
                          hidden="hyperlink target")
    for kind, text in _headers_footers(book, index):
        yield Segment(text=text, location=Location(part=name), hidden=f"page {kind}")


def _cell_text(ctype: int, value: Any, datemode: int) -> str | None:
    """The text a user typed, or None for empty, blank and error cells."""
    if ctype == XL_CELL_TEXT:
        return str(value) if str(value).strip() else None
    if ctype == XL_CELL_NUMBER:
        return float_text(float(value))
    if ctype == XL_CELL_DATE:
        return _date_text(float(value), datemode)
    if ctype == XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    return None


def _date_text(value: float, datemode: int) -> str:
    try:
        moment: datetime.datetime = xlrd.xldate_as_datetime(value, datemode)
    except (ValueError, OverflowError, ArithmeticError):
        return float_text(value)
    if moment.microsecond:
        moment = (moment + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
    return datetime_text(moment, time_of_day=0 <= value < 1)


def _ref(row: int, column: int) -> str:
    """0-based indices -> "B7"."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _row_hidden(sheet: Any, row: int) -> str | None:
    info = sheet.rowinfo_map.get(row)
    if info is not None and (info.hidden or info.height == 0):
        return f"hidden row {row + 1}"
    return None


def _column_hidden(sheet: Any, column: int) -> str | None:
    info = sheet.colinfo_map.get(column)
    if info is not None and (info.hidden or info.width == 0):
        return f"hidden column {_ref(0, column)[:-1]}"
    return None


def _style_hidden(book: Any, xf_index: int, cache: dict[int, str | None]) -> str | None:
    """Why a cell's style hides its value: white font on no fill, or a ';;;' number format."""
    if xf_index not in cache:
        cache[xf_index] = None
        try:
            xf = book.xf_list[xf_index]
            fmt = book.format_map.get(xf.format_key)
            if fmt is not None and _HIDING_FORMAT.match(fmt.format_str or ""):
                cache[xf_index] = "number format ';;;'"
            else:
                font_colour = book.colour_map.get(book.font_list[xf.font_index].colour_index)
                background = xf.background
                fill_colour = book.colour_map.get(background.pattern_colour_index)
                if font_colour == _WHITE and (background.fill_pattern == 0 or fill_colour == _WHITE):
                    cache[xf_index] = "white text"
        except (IndexError, AttributeError, TypeError):
            pass  # an XF that points nowhere: xlrd already read the value, it just has no style
    return cache[xf_index]


def _defined_names(book: Any) -> Iterator[Segment]:
    """Names whose formula is a constant (`="secret"`): a classic place to park a password."""
    sheets = book.sheet_names()
    for name in book.name_obj_list:
        result = name.result
        if name.builtin or result is None or result.kind not in (oSTRG, oNUM, oBOOL):
            continue
        value = result.value
        if value is None:  # xlrd could not evaluate the formula
            continue
        if result.kind == oNUM:
            text = float_text(float(value))
        elif result.kind == oBOOL:
            text = "TRUE" if value else "FALSE"
        else:
            text = str(value)
        if not text.strip():
            continue
        scope = name.scope
        part = sheets[scope] if isinstance(scope, int) and 0 <= scope < len(sheets) else "defined names"
        yield Segment(text=f"{name.name}: {text}", location=Location(part=part),
                      hidden=f"defined name '{name.name}'")


def _headers_footers(book: Any, index: int) -> Iterator[tuple[str, str]]:
    """("header" | "footer", text) from the sheet's HEADER and FOOTER records."""
    mem = getattr(book, "mem", None)
    positions = getattr(book, "_sh_abs_posn", None)
    if not mem or not positions or index >= len(positions) or book.biff_version < 50:
        return
    pos, depth = positions[index], 0
    end = min(len(mem), book.base + book.stream_len)
    while pos + 4 <= end:
        code, length = struct.unpack_from("<HH", mem, pos)
        body = mem[pos + 4:pos + 4 + length]
        pos += 4 + length
        if code in _BOF_CODES:
            depth += 1
        elif code == _REC_EOF:
            depth -= 1
            if depth <= 0:
                return
        elif code in (_REC_HEADER, _REC_FOOTER) and depth == 1 and body:
            text = _header_text(_biff_string(body, book))
            if text:
                yield ("header" if code == _REC_HEADER else "footer"), text


def _biff_string(body: bytes, book: Any) -> str:
    if book.biff_version >= 80:  # XLUnicodeString: 2-byte count, flags, Latin-1 or UTF-16 chars
        if len(body) < 3:
            return ""
        count, flags = struct.unpack_from("<HB", body)
        raw = body[3:3 + count * (2 if flags & 1 else 1)]
        return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
    count = body[0]
    return body[1:1 + count].decode(codec_name(book.encoding or "cp1252") or "cp1252", "replace")


def _header_text(raw: str) -> str:
    """Drop the &-codes of a header (&P page, &"Arial,Bold", &12), one line per section."""
    text = _HEADER_CODE.sub(lambda m: {"&&": "&", "&L": "\n", "&C": "\n", "&R": "\n"}.get(m.group(0), ""), raw)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _properties(data: bytes, ctx: Context, errors: list[str]) -> Iterator[Segment]:
    """Summary, document summary and custom properties from the OLE property streams."""
    import olefile

    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return  # BIFF2-4 files are bare record streams without OLE container
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct and index errors on damaged headers
        errors.append(f"document properties: {library_reason(exc)}")
        return
    try:
        for stream_name in _PROPERTY_STREAMS:
            try:
                if not ole.exists(stream_name):
                    continue
                if ole.get_size(stream_name) > ctx.limits.max_part_size:
                    raise LimitExceeded(f"property stream {stream_name[1:]!r} is larger than allowed")
                stream = ole.openstream(stream_name).read()
                found = list(_property_set_stream(stream))
            except LimitExceeded:
                raise
            except Exception as exc:  # corrupt FAT chains or property offsets
                errors.append(f"{stream_name[1:]}: {_reason(exc)}")
                continue
            for label, name, value in found:
                yield Segment(text=f"{name}: {value}", location=Location(part=stream_name[1:]),
                              hidden=f"{label} '{name}'")
    finally:
        ole.close()


def _property_set_stream(stream: bytes) -> Iterator[tuple[str, str, str]]:
    """(label, name, value) for the textual properties of an [MS-OLEPS] property set stream."""
    if len(stream) < 28:
        return
    count = min(struct.unpack_from("<I", stream, 24)[0], _MAX_PROPERTY_SETS)
    for i in range(count):
        fmtid = stream[28 + 20 * i:44 + 20 * i]
        (offset,) = struct.unpack_from("<I", stream, 44 + 20 * i)
        values, names = _property_set(stream, offset)
        if fmtid == _USER_DEFINED_FMTID:
            for pid, value in values.items():
                if pid in names:
                    yield "custom document property", names[pid], value
        else:
            for pid, name in _PROPERTY_NAMES.get(fmtid, {}).items():
                if pid in values:
                    yield "document property", name, values[pid]


def _property_set(stream: bytes, base: int) -> tuple[dict[int, str], dict[int, str]]:
    """({property id: text value}, {property id: name from the dictionary}) of one set."""
    size, count = struct.unpack_from("<II", stream, base)
    count = min(count, _MAX_PROPERTIES, max(size, 0) // 8)
    entries = [struct.unpack_from("<II", stream, base + 8 + 8 * i) for i in range(count)]
    codepage = 1252
    for pid, offset in entries:
        if pid == 1 and struct.unpack_from("<H", stream, base + offset)[0] == 2:  # VT_I2
            codepage = struct.unpack_from("<H", stream, base + offset + 4)[0]
    codec = codepage_codec(codepage)
    values: dict[int, str] = {}
    names: dict[int, str] = {}
    for pid, offset in entries:
        if pid == 0:
            names = _dictionary(stream, base + offset, codepage, codec)
        elif pid > 1:
            value = _typed_value(stream, base + offset, codec)
            if value is not None and value.strip():
                values[pid] = value.strip()
    return values, names


def _dictionary(stream: bytes, pos: int, codepage: int, codec: str) -> dict[int, str]:
    (count,) = struct.unpack_from("<I", stream, pos)
    pos += 4
    names: dict[int, str] = {}
    for _ in range(min(count, _MAX_PROPERTIES)):
        pid, length = struct.unpack_from("<II", stream, pos)
        pos += 8
        nbytes = length * 2 if codepage == 1200 else length
        names[pid] = stream[pos:pos + nbytes].decode(codec, "replace").rstrip("\x00")
        pos += nbytes
        if codepage == 1200:
            pos += -nbytes % 4  # Unicode names are padded to a multiple of 4 bytes
    return names


def _typed_value(stream: bytes, pos: int, codec: str) -> str | None:
    (vtype,) = struct.unpack_from("<H", stream, pos)
    pos += 4
    if vtype in (0x1E, 0x08):  # VT_LPSTR, VT_BSTR: byte count, then text in the set's code page
        (length,) = struct.unpack_from("<I", stream, pos)
        return stream[pos + 4:pos + 4 + length].decode(codec, "replace").split("\x00", 1)[0]
    if vtype == 0x1F:  # VT_LPWSTR: character count, then UTF-16
        (length,) = struct.unpack_from("<I", stream, pos)
        return stream[pos + 4:pos + 4 + 2 * length].decode("utf-16-le", "replace").split("\x00", 1)[0]
    if vtype == 0x03:  # VT_I4
        return str(struct.unpack_from("<i", stream, pos)[0])
    if vtype == 0x02:  # VT_I2
        return str(struct.unpack_from("<h", stream, pos)[0])
    if vtype == 0x05:  # VT_R8
        return float_text(struct.unpack_from("<d", stream, pos)[0])
    if vtype == 0x0B:  # VT_BOOL
        return "TRUE" if struct.unpack_from("<H", stream, pos)[0] else "FALSE"
    return None
