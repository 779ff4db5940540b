"""SpreadsheetML workbooks (xlsx, xlsm, xltx, xltm), streamed straight from the zip.

Not through openpyxl's loaders: they drop hidden rows, hidden columns and comments, trust the
declared <dimension> (a sheet claiming A1:XFD1048576 once padded rows to 16,384 columns) and
hold the whole shared-strings table as a tree. Here every part goes through SafeZip and
lxml's iterparse, elements are cleared once read, and each piece of text keeps where it sat
(sheet, cell, header, comment) and why a reader would not see it.
"""

from __future__ import annotations

import bisect
import math
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache, partial
from typing import IO, TypeVar
from urllib.parse import unquote

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.ooxml import package as _ooxml
from docsecrets.extract.common.cells import column_letters
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.types import (
    Cell,
    EncryptedError,
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Member,
    Row,
    Segment,
)
from docsecrets.extract.common.reason import reason

_T = TypeVar("_T")
_WORKBOOK = "xl/workbook.xml"
_TRUE = ("1", "true", "on")
# Tags the sheet stream reports. Besides what we read, the list names the elements that
# repeat by the thousand (merged cells, conditional formats, page breaks) so they can be
# dropped as they end: iterparse still builds every element, reported or not.
_SHEET_TAGS = tuple(f"{{*}}{tag}" for tag in (
    "row", "col", "headerFooter", "dataValidation", "hyperlink", "mergeCell", "conditionalFormatting",
    "brk", "ignoredError", "protectedRange", "selection", "customSheetView"))
# &L &C &R sections, &"font,style", &12 sizes, &K colours, &P/&N/&D... fields, && for "&";
# any other "&" is text (writers such as openpyxl leave a bare "&" unescaped).
_HEADER_FOOTER_CODE = re.compile(r'&(?:"[^"]*"|K(?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})|\d+|[LCRPNDTFAZGBIUESXYHO&])')
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
# What a number format shows besides digits: quoted text, escaped characters, padding, colours
# and locales ([Red], [$-409]); elapsed-time brackets ([h], [mm]) stay, they mean a time.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
_DATE_TOKEN = re.compile(r"[dmyhs]", re.IGNORECASE)
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_EXCEL_1900 = datetime(1899, 12, 30)
_EXCEL_1904 = datetime(1904, 1, 1)
_LAST_SERIAL = 2_958_465  # 9999-12-31


@dataclass(frozen=True, slots=True)
class _Rel:
    kind: str  # last segment of the relationship type: "worksheet", "comments", "hyperlink", ...
    target: str  # a part name inside the zip, or a URL when external
    external: bool = False


@dataclass(frozen=True, slots=True)
class _Style:
    date: bool = False
    hidden: str | None = None  # "white text", "number format ';;;'"


@dataclass(frozen=True, slots=True)
class _Sheet:
    name: str
    part: str | None
    hidden: str | None  # "hidden sheet 'X'", "very hidden sheet 'X'"


@dataclass(slots=True)
class _Book:
    """What every sheet needs from the workbook, and the counts that span sheets."""

    pkg: _Package
    strings: list[str] = field(default_factory=list)
    white_strings: set[int] = field(default_factory=set)
    styles: list[_Style] = field(default_factory=list)
    styles_by_index: dict[str | None, _Style] = field(default_factory=dict)  # the `s` attribute, read once
    date1904: bool = False
    persons: dict[str, str] = field(default_factory=dict)
    cells: int = 0
    missing_strings: int = 0
    max_cells: int = 0

    def count_cell(self) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            raise LimitExceeded(f"more than {self.max_cells:,} cells in one workbook")


class _Package:
    """The zip, with part names looked up the forgiving way and relationships resolved."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self._names = {name.replace("\\", "/").lower(): name for name in archive.names()}

    def find(self, name: str) -> str | None:
        key = name.lstrip("/").lower()
        return self._names.get(key) or self._names.get(unquote(key))

    def stream(self, part: str, *, whole: bool = False) -> IO[bytes]:
        """A member to iterparse, inflated chunk by chunk under SafeZip's limits (`whole`: one
        whose content is kept, so it must fit max_part_size like a part read whole)."""
        return self.archive.open(part, whole=whole)

    def parse(self, part: str) -> etree._Element:
        """A whole (small) part as a tree; a syntax error names the part."""
        data = self.archive.read(part)
        try:
            return _xml.parse(data)
        except LimitExceeded:
            raise
        except ExtractError as exc:
            raise ExtractError(f"{part}: {exc}") from None

    def rels(self, part: str) -> dict[str, _Rel]:
        folder, base = posixpath.split(part.replace("\\", "/"))
        rels_part = self.find(posixpath.join(folder, "_rels", base + ".rels"))
        if rels_part is None:
            return {}
        out: dict[str, _Rel] = {}
        for rel in self.parse(rels_part):
            rel_id, target = rel.get("Id"), rel.get("Target")
            if rel_id is None or target is None:
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") == "External":
                out[rel_id] = _Rel(kind, target, external=True)
            else:
                out[rel_id] = _Rel(kind, _resolve(folder, target))
        return out


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    try:
        archive = SafeZip(data, ctx)
    except NotImplementedError as exc:  # zipfile's answer to a garbled "version needed" field
        raise ExtractError(f"not a readable zip container: {reason(exc)}") from None
    pkg = _Package(archive)
    problems: list[str] = []  # partial damage: read what is left, then report it all at the end
    book_part = _workbook_part(pkg, problems)
    root = pkg.parse(book_part)
    rels = _guarded_call(problems, "", partial(pkg.rels, book_part)) or {}
    book = _Book(pkg=pkg, date1904=_workbook_date1904(root), max_cells=ctx.limits.max_cells)

    yield from _defined_names(root, book_part)
    strings_part = _related(pkg, rels, "sharedStrings", "xl/sharedStrings.xml")
    if strings_part:
        _guarded_call(problems, strings_part, partial(_read_shared_strings, book, strings_part))
    styles_part = _related(pkg, rels, "styles", "xl/styles.xml")
    if styles_part:
        book.styles = _guarded_call(problems, "", partial(_read_styles, pkg, styles_part)) or []
    persons_part = _related(pkg, rels, "person", None)
    if persons_part:
        book.persons = _guarded_call(problems, "", partial(_read_persons, pkg, persons_part)) or {}

    sheets = list(_sheets(root, rels, pkg))
    unlinked = [sheet.name for sheet in sheets if sheet.part is None]
    if unlinked:
        problems.append(f"{len(unlinked)} sheet(s) without a part: "
                        + ", ".join(f"'{name}'" for name in unlinked[:5]) + (", ..." if len(unlinked) > 5 else ""))
    for sheet in sheets + _orphan_sheets(pkg, {sheet.part for sheet in sheets}):
        if sheet.part is None:
            continue
        sheet_rels = _guarded_call(problems, "", partial(pkg.rels, sheet.part)) or {}
        yield from _guarded(problems, f"sheet '{sheet.name}' ({sheet.part})", _sheet_items(book, sheet, sheet_rels))
        for part, items in _sheet_annexes(book, sheet, sheet_rels):
            yield from _guarded(problems, part, items)
    if book.missing_strings:
        problems.append(f"{book.missing_strings:,} cells point past the shared strings table")

    connections = _related(pkg, rels, "connections", None)
    if connections:
        yield from _guarded(problems, "", _connections(pkg, connections))
    yield from _guarded(problems, "document properties", _ooxml.properties(pkg.archive))
    yield from _members(pkg)
    if problems:
        raise ExtractError("; ".join(problems))


# --- workbook ------------------------------------------------------------------------------


def _workbook_part(pkg: _Package, problems: list[str]) -> str:
    """The workbook named by the package relationships, else the usual xl/workbook.xml."""
    for rel in (_guarded_call(problems, "", partial(pkg.rels, "")) or {}).values():
        found = pkg.find(rel.target) if rel.kind == "officeDocument" and not rel.external else None
        if found and found.lower().endswith(".xml"):
            return found
    found = pkg.find(_WORKBOOK)
    if found is None:
        raise ExtractError("no workbook part (xl/workbook.xml): not a SpreadsheetML workbook")
    return found


def _workbook_date1904(root: etree._Element) -> bool:
    props = _child(root, "workbookPr")
    return props is not None and (props.get("date1904") or "").lower() in _TRUE


def _sheets(root: etree._Element, rels: dict[str, _Rel], pkg: _Package) -> Iterator[_Sheet]:
    sheets = _child(root, "sheets")
    for sheet in sheets if sheets is not None else ():
        if _xml.local(sheet.tag) != "sheet":
            continue
        name = sheet.get("name") or f"sheet {sheet.get('sheetId', '?')}"
        state = sheet.get("state")
        hidden = {"hidden": f"hidden sheet '{name}'", "veryHidden": f"very hidden sheet '{name}'"}.get(state or "")
        rel = rels.get(_rel_id(sheet) or "")
        part = pkg.find(rel.target) if rel and not rel.external else None
        yield _Sheet(name=name, part=part, hidden=hidden)


def _orphan_sheets(pkg: _Package, listed: set[str | None]) -> list[_Sheet]:
    """Worksheet parts the workbook does not link to (a hand-edited package, or broken rels):
    Excel never shows them, so they are read as hidden."""
    parts = [name for name in pkg.archive.names() if name not in listed
             and re.fullmatch(r"xl[/\\]worksheets[/\\][^/\\]+\.xml", name, re.IGNORECASE)]
    parts.sort(key=lambda name: [int(bit) if bit.isdigit() else bit for bit in re.split(r"(\d+)", name)])
    return [_Sheet(name=part, part=part, hidden=f"sheet part '{part}' not linked from the workbook")
            for part in parts]


def _defined_names(root: etree._Element, part: str) -> Iterator[Segment]:
    names = _child(root, "definedNames")
    for defined in names if names is not None else ():
        name, value = defined.get("name") or "", (defined.text or "").strip()
        if not value or _xml.local(defined.tag) != "definedName":
            continue
        constant = _string_constant(value)
        # Built-ins (_xlnm.Print_Area, _xlnm._FilterDatabase, _xlfn.* shims) are ranges Excel
        # manages; only a typed string constant among them is worth reading.
        if name.lower().startswith(("_xlnm.", "_xlfn.")) and constant is None:
            continue
        yield Segment(text=f"{name}: {value if constant is None else constant}",
                      location=Location(part=part), hidden=f"defined name '{name}'")


def _string_constant(value: str) -> str | None:
    """`"Azerty"` (a formula string literal, quotes doubled inside) -> `Azerty`; else None."""
    if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1].replace('""', ""):
        return value[1:-1].replace('""', '"')
    return None


def _related(pkg: _Package, rels: dict[str, _Rel], kind: str, default: str | None) -> str | None:
    for rel in rels.values():
        if rel.kind == kind and not rel.external:
            return pkg.find(rel.target)
    return pkg.find(default) if default else None


def _read_shared_strings(book: _Book, part: str) -> None:
    """Fill book.strings as the part streams, so a damaged tail still leaves the head usable.

    The table is kept whole for the sheets to index: max_part_size holds, as for a part read whole
    (12 million <si> of one letter, 200 MB at 412x, is a bomb; a 490 MB sheet streamed is not)."""
    for _event, item in _xml.iterparse(book.pkg.stream(part, whole=True), tags=("{*}si",)):
        text, white = _rich_text(item)
        if white:
            book.white_strings.add(len(book.strings))
        book.strings.append(text)
        if len(book.strings) > book.max_cells:
            raise LimitExceeded(f"more than {book.max_cells:,} shared strings in {part!r}")
        _drop(item)


def _read_styles(pkg: _Package, part: str) -> list[_Style]:
    root = pkg.parse(part)
    formats: dict[int, str] = {}
    for fmt in _children(_child(root, "numFmts"), "numFmt"):
        formats[_int(fmt.get("numFmtId"), -1)] = fmt.get("formatCode") or ""
    white_fonts = [_is_white(_child(font, "color")) for font in _children(_child(root, "fonts"), "font")]
    styles: list[_Style] = []
    for xf in _children(_child(root, "cellXfs"), "xf"):
        fmt_id, font_id = _int(xf.get("numFmtId"), 0), _int(xf.get("fontId"), 0)
        code = formats.get(fmt_id)
        date = _is_date_format(code) if code is not None else fmt_id in _BUILTIN_DATE_FORMATS
        hidden = None
        if code is not None and code.strip() and not code.replace(";", "").strip() and code.count(";") >= 2:
            hidden = f"number format '{code}'"  # ";;;" shows nothing at all
        elif 0 <= font_id < len(white_fonts) and white_fonts[font_id]:
            hidden = "white text"
        styles.append(_Style(date=date, hidden=hidden))
    return styles


def _read_persons(pkg: _Package, part: str) -> dict[str, str]:
    root = pkg.parse(part)
    return {person.get("id") or "": person.get("displayName") or "" for person in root.iter("{*}person")}


def _is_date_format(code: str) -> bool:
    section = _FORMAT_NOISE.sub("", code.split(";", 1)[0])
    return _DATE_TOKEN.search(section.replace("General", "")) is not None


def _is_white(color: etree._Element | None) -> bool:
    rgb = color.get("rgb") if color is not None else None
    return rgb is not None and len(rgb) in (6, 8) and rgb[-6:].upper() == "FFFFFF"


# --- sheets --------------------------------------------------------------------------------


class _HiddenColumns:
    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] | None = []

    def add(self, first: int, last: int) -> None:
        self._spans.append((first, max(first, last)))
        self._starts = None

    def hides(self, column: int) -> bool:
        if not self._spans:
            return False
        if self._starts is None:  # overlapping <col> spans are merged once, on first use
            merged: list[tuple[int, int]] = []
            for first, last in sorted(self._spans):
                if merged and first <= merged[-1][1] + 1:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], last))
                else:
                    merged.append((first, last))
            self._spans, self._starts = merged, [first for first, _ in merged]
        index = bisect.bisect_right(self._starts, column) - 1
        return index >= 0 and column <= self._spans[index][1]


def _sheet_items(book: _Book, sheet: _Sheet, rels: dict[str, _Rel]) -> Iterator[Item]:
    assert sheet.part is not None
    pkg = book.pkg
    columns = _HiddenColumns()
    last_row = 0
    for _event, elem in _xml.iterparse(pkg.stream(sheet.part), tags=_SHEET_TAGS):
        tag = _xml.local(elem.tag)
        if tag == "row":
            last_row = _int(elem.get("r"), last_row + 1)
            yield from _row_items(book, sheet, elem, last_row, columns)
        elif tag == "col" and (elem.get("hidden") or "").lower() in _TRUE:
            columns.add(_int(elem.get("min"), 1), _int(elem.get("max"), _int(elem.get("min"), 1)))
        elif tag == "headerFooter":
            yield from _header_footer(elem, sheet.name)
        elif tag == "dataValidation":
            yield from _data_validation(elem, sheet.name)
        elif tag == "hyperlink":
            yield from _hyperlink(elem, sheet.name, rels)
        _drop(elem)


def _sheet_annexes(book: _Book, sheet: _Sheet, rels: dict[str, _Rel]) -> Iterator[tuple[str, Iterator[Item]]]:
    """Comments, threaded comments and drawings: parts of their own, named by the sheet rels."""
    pkg = book.pkg
    threaded = any(rel.kind == "threadedComment" for rel in rels.values())
    for rel in rels.values():
        part = pkg.find(rel.target) if not rel.external else None
        if part is None:
            continue
        if rel.kind == "comments":
            yield part, _legacy_comments(pkg, part, sheet.name, skip_threaded_copies=threaded)
        elif rel.kind == "threadedComment":
            yield part, _threaded_comments(book, part, sheet.name)
        elif rel.kind == "drawing":
            yield part, _drawing_text(pkg, part, sheet.name)


def _row_items(book: _Book, sheet: _Sheet, row: etree._Element, number: int,
               columns: _HiddenColumns) -> Iterator[Item]:
    cells: list[Cell] = []
    formulas: list[Segment] = []
    namespace = row.tag[:-3]  # "{...main}": comparing whole tags is cheaper than taking each apart
    cell_tag, tags = namespace + "c", (namespace + "v", namespace + "is", namespace + "f")
    column = 0
    for cell in row:
        if cell.tag != cell_tag:
            continue
        book.cells += 1  # book.count_cell(), inline: this loop runs once per cell of the workbook
        if book.cells > book.max_cells:
            book.count_cell()
        column = _column_of(cell.get("r")) or column + 1
        if not len(cell):
            continue  # a styled empty cell: writers pad whole rows with them
        text, style_hidden, formula = _cell_value(book, cell, tags)
        ref = f"{_letters(column)}{number}"
        if formula is not None:
            formulas.append(Segment(text=f"={formula}", hidden="cell formula",
                                    location=Location(part=sheet.name, cell=ref, row=number, column=column)))
        if not text:
            continue
        hidden = style_hidden
        if columns.hides(column):
            hidden = f"hidden column {column_letters(column)}" + (f", {style_hidden}" if style_hidden else "")
        cells.append(Cell(text=text, column=column, ref=ref, hidden=hidden))
    if cells:
        hidden = sheet.hidden or (f"hidden row {number}" if (row.get("hidden") or "").lower() in _TRUE else None)
        yield Row(cells=tuple(cells), location=Location(part=sheet.name, row=number), table=sheet.name,
                  hidden=hidden)
    yield from formulas


def _cell_value(book: _Book, cell: etree._Element, tags: tuple[str, str, str]) -> tuple[str, str | None, str | None]:
    """(text as shown, why the style hides it, a formula holding a string literal)."""
    value = inline = formula = None
    v_tag, is_tag, f_tag = tags
    for child in cell:
        if child.tag == v_tag:
            value = child.text
        elif child.tag == is_tag:
            inline = child
        elif child.tag == f_tag and child.text and '"' in child.text:
            formula = child.text  # literals in formulas (HYPERLINK, CONCAT) never show in the cell
    style = book.styles_by_index.get(cell.get("s")) or _style(book, cell.get("s"))
    kind = cell.get("t") or "n"
    hidden = style.hidden
    if kind == "inlineStr":
        text, white = _rich_text(inline) if inline is not None else ("", False)
        return text, hidden or ("white text" if white else None), formula
    if value is None or kind == "e":
        return "", hidden, formula
    if kind == "s":
        index = _int(value, -1)
        if not 0 <= index < len(book.strings):
            book.missing_strings += 1
            return "", hidden, formula
        return book.strings[index], hidden or ("white text" if index in book.white_strings else None), formula
    if kind == "b":
        return ("TRUE" if value.strip().lower() in _TRUE else "FALSE"), hidden, formula
    if kind in ("str", "d"):
        return _unescape(value), hidden, formula
    if style.date:
        shown = _date_text(value, date1904=book.date1904)
        if shown is not None:
            return shown, hidden, formula
    return _number_text(value), hidden, formula


def _style(book: _Book, index: str | None) -> _Style:
    position = _int(index, 0) if index else 0
    style = book.styles[position] if 0 <= position < len(book.styles) else _Style()
    if len(book.styles_by_index) < 4096:
        book.styles_by_index[index] = style
    return style


def _number_text(raw: str) -> str:
    """The number as typed: 19730512 stays "19730512", 3.14 stays "3.14", 1E+3 becomes "1000"."""
    raw = raw.strip()
    try:
        value = float(raw)
    except ValueError:
        return raw
    if raw.lstrip("-").isdigit():
        return raw  # no float round trip: a 20-digit account number keeps its digits
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _date_text(raw: str, *, date1904: bool) -> str | None:
    """ISO text of an Excel serial date, or None when it is no date Excel could show."""
    try:
        serial = float(raw)
    except ValueError:
        return None
    if not 0 <= serial < _LAST_SERIAL + 1:  # also refuses nan and inf
        return None
    days = math.floor(serial)
    seconds = round((serial - days) * 86400)
    if seconds == 86400:
        days, seconds = days + 1, 0
    if days > _LAST_SERIAL:
        return None
    if days == 0 and not date1904:
        return str(timedelta(seconds=seconds)).rjust(8, "0")  # a time of day: "07:30:00"
    if date1904:
        moment = _EXCEL_1904 + timedelta(days=days, seconds=seconds)
    else:
        # Excel counts a 29 February 1900 that never was: serials before it are one day early.
        moment = _EXCEL_1900 + timedelta(days=days + (1 if days < 60 else 0), seconds=seconds)
    return moment.date().isoformat() if seconds == 0 else moment.isoformat()


def _rich_text(elem: etree._Element) -> tuple[str, bool]:
    """Text of an <si>, <is> or comment <text>: plain <t> or formatted runs joined, phonetic
    guides (<rPh>) left out; and whether every run that carries text is in white."""
    if len(elem) == 1:  # the common case, one plain <t>: no run, so never white
        tag = elem[0].tag
        if isinstance(tag, str) and (tag.endswith("}t") or tag == "t"):
            return _unescape(elem[0].text or ""), False
    parts: list[str] = []
    runs = white_runs = 0
    for child in elem:
        tag = _xml.local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
            runs += bool((child.text or "").strip())
        elif tag == "r":
            text = "".join(t.text or "" for t in child if _xml.local(t.tag) == "t")
            parts.append(text)
            if text.strip():
                runs += 1
                props = _child(child, "rPr")
                white_runs += props is not None and _is_white(_child(props, "color"))
    return _unescape("".join(parts)), runs > 0 and runs == white_runs


def _header_footer(elem: etree._Element, sheet: str) -> Iterator[Segment]:
    seen: set[str] = set()
    for child in elem:
        tag = _xml.local(child.tag)  # "" for an XML comment, skipped below
        text = _header_footer_text(child.text or "") if tag else ""
        if not text or text in seen:
            continue  # odd, even and first-page variants often repeat one another
        seen.add(text)
        yield Segment(text=text, location=Location(part=sheet),
                      hidden="page header" if tag.endswith("Header") else "page footer")


def _header_footer_text(raw: str) -> str:
    """`&L&"Arial,Bold"&12Login&RPwd && co` -> `Login Pwd & co`: the &L/&C/&R sections joined."""
    def replace(match: re.Match[str]) -> str:
        code = match.group(0)
        if code == "&&":
            return "&"
        return "\x00" if code.upper() in ("&L", "&C", "&R") else ""

    sections = _HEADER_FOOTER_CODE.sub(replace, raw).split("\x00")
    return " ".join(section.strip() for section in sections if section.strip())


def _data_validation(elem: etree._Element, sheet: str) -> Iterator[Segment]:
    sqref = elem.get("sqref") or _child_text(elem, "sqref")  # x14 validations keep it in <xm:sqref>
    location = Location(part=sheet, cell=_first_cell(sqref))
    items = _string_constant(_child_text(elem, "formula1").strip())
    if items:
        yield Segment(text=items, location=location, hidden="data validation list")
    for title, message in (("promptTitle", "prompt"), ("errorTitle", "error")):
        text = ": ".join(t for t in (elem.get(title), elem.get(message)) if t)
        if text.strip():
            yield Segment(text=text, location=location, hidden="data validation message")


def _hyperlink(elem: etree._Element, sheet: str, rels: dict[str, _Rel]) -> Iterator[Segment]:
    rel = rels.get(_rel_id(elem) or "")
    url = rel.target if rel is not None and rel.external else ""
    anchor = elem.get("location")
    text = f"{url}#{anchor}" if url and anchor else url or anchor or ""
    if text:
        yield Segment(text=text, location=Location(part=sheet, cell=_first_cell(elem.get("ref") or "")),
                      hidden="hyperlink target")


def _legacy_comments(pkg: _Package, part: str, sheet: str, *, skip_threaded_copies: bool) -> Iterator[Segment]:
    authors: list[str] = []
    for _event, elem in _xml.iterparse(pkg.stream(part), tags=("{*}author", "{*}comment")):
        if _xml.local(elem.tag) == "author":
            authors.append("".join(elem.itertext()).strip())
        else:
            position = _int(elem.get("authorId"), -1)
            author = authors[position] if 0 <= position < len(authors) else ""
            body = _child(elem, "text")
            text = _rich_text(body)[0].strip() if body is not None else ""
            # Excel keeps a legacy copy of each threaded comment for old readers, by "tc={guid}".
            if text and not (skip_threaded_copies and author.startswith("tc=")):
                yield Segment(text=text, location=Location(part=sheet, cell=elem.get("ref")),
                              hidden=f"cell comment by {author}" if author else "cell comment")
        _drop(elem)


def _threaded_comments(book: _Book, part: str, sheet: str) -> Iterator[Segment]:
    for _event, elem in _xml.iterparse(book.pkg.stream(part), tags=("{*}threadedComment",)):
        body = _child(elem, "text")
        text = "".join(body.itertext()).strip() if body is not None else ""
        author = book.persons.get(elem.get("personId") or "", "")
        if text:
            yield Segment(text=text, location=Location(part=sheet, cell=elem.get("ref")),
                          hidden=f"cell comment by {author}" if author else "cell comment")
        _drop(elem)


def _drawing_text(pkg: _Package, part: str, sheet: str) -> Iterator[Segment]:
    """Text boxes and shapes drawn over the sheet: visible, yet outside every cell."""
    root = pkg.parse(part)
    for anchor in root.iter("{*}twoCellAnchor", "{*}oneCellAnchor", "{*}absoluteAnchor"):
        if any(_xml.local(up.tag) == "Fallback" for up in anchor.iterancestors()):
            continue  # mc:Fallback repeats the mc:Choice next to it
        start = _child(anchor, "from")
        cell = None
        if start is not None and _child(start, "col") is not None and _child(start, "row") is not None:
            column, row = (max(0, _int(_child_text(start, name), 0)) + 1 for name in ("col", "row"))
            cell = f"{column_letters(column)}{row}"
        for shape in anchor.iter("{*}sp"):
            body = _child(shape, "txBody")
            text = "\n".join("".join(t.text or "" for t in p.iter("{*}t")) for p in body.iter("{*}p")).strip() \
                if body is not None else ""
            if text:
                yield Segment(text=text, location=Location(part=sheet, cell=cell), hidden=_shape_hidden(shape))


def _shape_hidden(shape: etree._Element) -> str | None:
    props = next(shape.iter("{*}cNvPr"), None)
    if props is None or (props.get("hidden") or "").lower() not in _TRUE:
        return None
    # Form controls (buttons, check boxes) are drawn from VML: their DrawingML twin is marked
    # hidden and tagged a14:compatExt, yet the reader sees the control.
    return None if next(props.iter("{*}compatExt"), None) is not None else "hidden shape"


# --- the rest of the package ---------------------------------------------------------------


def _connections(pkg: _Package, part: str) -> Iterator[Segment]:
    """External data connections: ODBC/OLE DB strings that often carry a password."""
    seen: set[str] = set()
    for connection in pkg.parse(part).iter("{*}connection"):
        name = connection.get("name") or connection.get("id") or "?"
        for elem in connection.iter():
            for attr in ("connection", "command", "url", "sourceFile", "odcFile"):
                value = (elem.get(attr) or "").strip()
                if value and value not in seen:
                    seen.add(value)
                    yield Segment(text=value, location=Location(part=part), hidden=f"data connection '{name}'")


def _members(pkg: _Package) -> Iterator[Member]:
    for name in pkg.archive.names():
        lower = name.replace("\\", "/").lower()
        if lower.endswith("/"):
            continue
        if lower.startswith("xl/embeddings/"):
            yield Member(name=name, data=pkg.archive.read(name), hidden="embedded object")
        elif lower.endswith("vbaproject.bin"):
            yield Member(name=name, data=pkg.archive.read(name), hidden="VBA macro project")


# --- small helpers -------------------------------------------------------------------------


def _guarded(problems: list[str], what: str, items: Iterator[Item]) -> Iterator[Item]:
    """Yield what a damaged part still gives, note the damage and go on with the next part.

    Bombs and encryption stop the whole workbook: they are no partial damage.
    """
    try:
        yield from items
    except (EncryptedError, LimitExceeded):
        raise
    except ExtractError as exc:
        problems.append(f"{what}: {exc}" if what else str(exc))


def _guarded_call(problems: list[str], what: str, read: Callable[[], _T]) -> _T | None:
    try:
        return read()
    except (EncryptedError, LimitExceeded):
        raise
    except ExtractError as exc:
        problems.append(f"{what}: {exc}" if what else str(exc))
        return None


def _drop(elem: etree._Element) -> None:
    """Free an element iterparse has handed over, and the siblings read before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _resolve(folder: str, target: str) -> str:
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _rel_id(elem: etree._Element) -> str | None:
    """The r:id attribute, whichever relationships namespace (transitional or strict) it uses."""
    for key, value in elem.attrib.items():
        if isinstance(key, str) and key.endswith("}id"):
            return str(value)
    return None


def _child(elem: etree._Element | None, name: str) -> etree._Element | None:
    for child in elem if elem is not None else ():
        if _xml.local(child.tag) == name:
            return child
    return None


def _children(elem: etree._Element | None, name: str) -> Iterator[etree._Element]:
    for child in elem if elem is not None else ():
        if _xml.local(child.tag) == name:
            yield child


def _child_text(elem: etree._Element, name: str) -> str:
    child = _child(elem, name)
    return "".join(child.itertext()) if child is not None else ""


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (`_x000D_` for a carriage return)."""
    return _ESCAPED_CHAR.sub(_escaped_char, text) if "_x" in text else text


def _escaped_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate would break encoders


def _first_cell(ref: str) -> str | None:
    match = _CELL_REF.match(ref.strip())
    return f"{match.group(1).upper()}{match.group(2)}" if match else None


_letters = lru_cache(maxsize=16_384)(column_letters)


def _column_of(ref: str | None) -> int | None:
    return _column_number(ref.rstrip("0123456789")) if ref else None


@lru_cache(maxsize=20_000)
def _column_number(letters: str) -> int | None:
    """"B" -> 2, "$AA$" -> 27; None for anything that is no column (a malformed reference)."""
    letters = letters.replace("$", "").upper()
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return None
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


