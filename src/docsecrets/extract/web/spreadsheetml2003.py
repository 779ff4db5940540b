"""XML Spreadsheet 2003 (`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`).

Rows of every `Worksheet/Table` (`ss:Index` skips rows and cells, `ss:MergeAcross` skips
columns), cell comments, hyperlink targets that carry credentials, page headers and footers,
defined names with constant values and the document properties. Hidden places: sheets marked
`SheetHidden` / `SheetVeryHidden` in `WorksheetOptions`, `ss:Hidden` rows and columns, styles
with white text or the ';;;' number format.

A sheet's visibility is written after its rows, so the part is streamed twice: a first pass
collects visibility and styles, the second yields. Memory stays bounded by one row.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.cells import column_letters, datetime_text, float_text
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

_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_O = "urn:schemas-microsoft-com:office:office"
_X = "urn:schemas-microsoft-com:office:excel"

_WORKSHEET, _TABLE, _ROW, _COLUMN, _CELL, _DATA, _COMMENT, _NAMED_RANGE, _STYLE = (
    f"{{{_SS}}}{name}" for name in ("Worksheet", "Table", "Row", "Column", "Cell", "Data", "Comment", "NamedRange",
                                     "Style"))
_PROPERTY_PARTS = (f"{{{_O}}}DocumentProperties", f"{{{_O}}}CustomDocumentProperties")
_PAGE_PARTS = (f"{{{_X}}}Header", f"{{{_X}}}Footer")
_VISIBLE = f"{{{_X}}}Visible"

_VISIBILITY = {"sheethidden": "hidden sheet", "sheetveryhidden": "very hidden sheet"}
_WHITE = frozenset({"#ffffff", "#fff", "white"})
_HIDING_FORMAT = re.compile(r"^\s*;\s*;\s*;\s*$")
_PROPERTIES = frozenset({"Title", "Subject", "Author", "Keywords", "Description", "Category", "Manager",
                         "Company", "HyperlinkBase"})
_STRING_CONSTANT = re.compile(r'^=\s*"((?:[^"]|"")*)"\s*$')
_NUMBER_CONSTANT = re.compile(r"^=\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$")
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # "_x0020_" in property element names
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|[LCRPNDTFAZGBIUESXYHO]|&)')
_CREDENTIAL_URL = re.compile(
    r"^[a-z][a-z0-9+.-]*://[^/?#@\s]+:[^/?#@\s]*@"
    r"|[?&;][\w.-]*?(?:pass(?:word|wd)?|pwd|token|secret|api[_-]?key|access[_-]?key|auth|signature|sig)=[^&#\s]",
    re.IGNORECASE)


@dataclass(slots=True)
class _Layout:
    """What the first pass learns: per-sheet visibility (in sheet order) and hiding styles."""

    visibility: list[str | None] = field(default_factory=list)
    styles: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Sheet:
    name: str
    hidden: str | None
    row: int = 0
    column: int = 0  # last <Column> index seen
    hidden_columns: set[int] = field(default_factory=set)


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if len(data) > ctx.limits.max_part_size:
        raise LimitExceeded(f"XML spreadsheet of {len(data):,} bytes (limit {ctx.limits.max_part_size:,})")
    try:
        layout = _layout(data)
    except LimitExceeded:
        raise
    except ExtractError:
        layout = _Layout()  # damaged: the second pass yields what precedes the damage, then raises
    yield from _items(data, layout, ctx)


def _layout(data: bytes) -> _Layout:
    layout = _Layout()
    sheet_hidden: str | None = None
    for _event, element in _xml.iterparse(io.BytesIO(data), tags=(_WORKSHEET, _VISIBLE, _STYLE, _ROW)):
        tag = element.tag
        if tag == _VISIBLE:
            sheet_hidden = _VISIBILITY.get((element.text or "").strip().lower())
        elif tag == _STYLE:
            reason = _style_reason(element)
            style_id = _attr(element, "ID")
            if reason and style_id:
                layout.styles[style_id] = reason
        else:
            if tag == _WORKSHEET:
                layout.visibility.append(sheet_hidden)
                sheet_hidden = None
            _release(element)
    return layout


def _items(data: bytes, layout: _Layout, ctx: Context) -> Iterator[Item]:
    sheet: _Sheet | None = None
    sheets = 0
    cells = 0
    tags = (_WORKSHEET, _TABLE, _ROW, _COLUMN, _NAMED_RANGE, *_PROPERTY_PARTS, *_PAGE_PARTS)
    for event, element in _xml.iterparse(io.BytesIO(data), tags=tags, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _WORKSHEET:
                title = _attr(element, "Name") or f"Sheet{sheets + 1}"
                visibility = layout.visibility[sheets] if sheets < len(layout.visibility) else None
                sheet = _Sheet(name=title, hidden=f"{visibility} '{title}'" if visibility else None)
                sheets += 1
            elif tag == _TABLE and sheet is not None:
                sheet.row = sheet.column = 0
            continue
        if tag == _ROW and sheet is not None:
            row, extra = _row(element, sheet, layout)
            if row is not None:
                cells += len(row.cells)
                if cells > ctx.limits.max_cells:
                    raise LimitExceeded(f"more than {ctx.limits.max_cells:,} cells in the workbook")
                yield row
            yield from extra
            _release(element)
        elif tag == _COLUMN and sheet is not None:
            _column(element, sheet)
        elif tag == _WORKSHEET:
            sheet = None
            _release(element)
        elif tag == _NAMED_RANGE:
            yield from _named_range(element, sheet)
        elif tag in _PROPERTY_PARTS:
            yield from _properties(element, custom=tag == _PROPERTY_PARTS[1])
            _release(element)
        elif tag in _PAGE_PARTS and sheet is not None:
            text = _header_text(_attr(element, "Data", _X))
            if text:
                kind = "header" if tag == _PAGE_PARTS[0] else "footer"
                yield Segment(text=text, location=Location(part=sheet.name), hidden=f"page {kind}")


def _column(element: etree._Element, sheet: _Sheet) -> None:
    index = _int(_attr(element, "Index")) or sheet.column + 1
    last = index + max(_int(_attr(element, "Span")), 0)
    if _attr(element, "Hidden") == "1" or _attr(element, "Width") in ("0", "0.0"):
        # bounded by the 16384 columns a sheet can have, whatever the file claims
        sheet.hidden_columns.update(range(index, min(last, 16384) + 1))
    sheet.column = last


def _row(element: etree._Element, sheet: _Sheet, layout: _Layout) -> tuple[Row | None, list[Segment]]:
    number = _int(_attr(element, "Index")) or sheet.row + 1
    sheet.row = number + max(_int(_attr(element, "Span")), 0)
    row_hidden = None
    if _attr(element, "Hidden") == "1" or _attr(element, "Height") in ("0", "0.0"):
        row_hidden = f"hidden row {number}"
    cells: list[Cell] = []
    extra: list[Segment] = []
    column = 0
    for child in element:
        if child.tag != _CELL:
            continue
        column = _int(_attr(child, "Index")) or column + 1
        ref = f"{column_letters(column)}{number}"
        text = _data_text(child.find(_DATA))
        if text is not None:
            column_hidden = f"hidden column {column_letters(column)}" if column in sheet.hidden_columns else None
            style_hidden = layout.styles.get(_attr(child, "StyleID")) if layout.styles else None
            cells.append(Cell(text=text, column=column, ref=ref, hidden=_join(column_hidden, style_hidden)))
        if len(child) > 1 or _attr(child, "HRef"):  # more than <Data>: maybe a <Comment>
            extra.extend(_cell_extras(child, Location(part=sheet.name, cell=ref, row=number, column=column)))
        column += max(_int(_attr(child, "MergeAcross")), 0)
    if not cells:
        return None, extra
    return Row(cells=tuple(cells), location=Location(part=sheet.name, row=number), table=sheet.name,
               hidden=sheet.hidden or row_hidden), extra


def _cell_extras(cell: etree._Element, location: Location) -> Iterator[Segment]:
    """The cell's comment, and its hyperlink target when that carries credentials."""
    comment = cell.find(_COMMENT)
    if comment is not None:
        note = _rich_text(comment)
        author = _attr(comment, "Author").strip()
        if note:
            hidden = f"cell comment by {author}" if author else "cell comment"
            yield Segment(text=note, location=location, hidden=hidden)
    link = _attr(cell, "HRef").strip()
    if link and _CREDENTIAL_URL.search(link):
        yield Segment(text=link, location=location, hidden="hyperlink target")


def _join(*reasons: str | None) -> str | None:
    return ", ".join(reason for reason in reasons if reason) or None


def _data_text(data: etree._Element | None) -> str | None:
    """The value as the user typed it; None for empty and error cells."""
    if data is None:
        return None
    raw = (data.text or "") if len(data) == 0 else _rich_text(data, strip=False)
    kind = _attr(data, "Type")
    if not raw.strip() or kind == "Error":
        return None
    if kind == "Number":
        try:
            return float_text(float(raw))
        except ValueError:
            return raw.strip()
    if kind == "Boolean":
        return {"1": "TRUE", "0": "FALSE"}.get(raw.strip(), raw.strip())
    if kind == "DateTime":
        return _date_text(raw.strip())
    return raw


def _date_text(raw: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    moment = moment.replace(microsecond=0)
    day_zero = moment.date() in (datetime.date(1899, 12, 31), datetime.date(1899, 12, 30))
    return datetime_text(moment, time_of_day=day_zero)  # Excel's "time only" values sit on its day zero


def _named_range(element: etree._Element, sheet: _Sheet | None) -> Iterator[Segment]:
    name = _attr(element, "Name")
    refers = _attr(element, "RefersTo")
    match = _STRING_CONSTANT.match(refers)
    if match:
        value = match.group(1).replace('""', '"')
    else:
        number = _NUMBER_CONSTANT.match(refers)
        value = float_text(float(number.group(1))) if number else ""
    if name and value.strip():
        yield Segment(text=f"{name}: {value}", location=Location(part=sheet.name if sheet else "defined names"),
                      hidden=f"defined name '{name}'")


def _properties(element: etree._Element, *, custom: bool) -> Iterator[Segment]:
    part = _xml.local(element.tag)
    for child in element:
        name = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), _xml.local(child.tag))
        value = (child.text or "").strip()
        if not value or not name or (not custom and name not in _PROPERTIES):
            continue
        label = "custom document property" if custom else "document property"
        yield Segment(text=f"{name}: {value}", location=Location(part=part), hidden=f"{label} '{name}'")


def _style_reason(style: etree._Element) -> str | None:
    number_format = style.find(f"{{{_SS}}}NumberFormat")
    if number_format is not None and _HIDING_FORMAT.match(_attr(number_format, "Format")):
        return "number format ';;;'"
    font = style.find(f"{{{_SS}}}Font")
    interior = style.find(f"{{{_SS}}}Interior")
    fill = _attr(interior, "Color").lower() if interior is not None else ""
    if font is not None and _attr(font, "Color").lower() in _WHITE and (not fill or fill in _WHITE):
        return "white text"
    return None


def _header_text(raw: str) -> str:
    """Drop the &-codes of a header (&P page, &"Arial,Bold", &12), one line per section."""
    text = _HEADER_CODE.sub(lambda m: {"&&": "&", "&L": "\n", "&C": "\n", "&R": "\n"}.get(m.group(0), ""), raw)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _rich_text(element: etree._Element, *, strip: bool = True) -> str:
    """Text of an element whose content may be split into html:Font / html:B runs."""
    text = "".join(t for t in element.itertext() if isinstance(t, str))
    return text.strip() if strip else text


def _attr(element: etree._Element | None, name: str, namespace: str = _SS) -> str:
    """`ss:Name`, tolerating writers that leave the attribute without its prefix."""
    if element is None:
        return ""
    value = element.get(f"{{{namespace}}}{name}")
    if value is None:
        value = element.get(name)
    return value or ""


def _int(value: str) -> int:
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


def _release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
