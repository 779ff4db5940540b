"""SpreadsheetML workbooks (xlsx, xlsm, xltx, xltm), streamed straight from the zip.

Not through openpyxl's loaders: they drop hidden rows, hidden columns and comments, trust the
declared <dimension> (a sheet claiming A1:XFD1048576 once padded rows to 16,384 columns) and
hold the whole shared-strings table as a tree. Here every part goes through SafeZip and
lxml's iterparse, elements are cleared once read, and each piece of text keeps where it sat
(sheet, cell, header, comment) and why a reader would not see it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.ooxml import package as _ooxml
from docsecrets.extract.ooxml.package import Package, Rel
from docsecrets.extract.ooxml import plainrows
from docsecrets.extract.ooxml.xlsx_rows import SheetState, plain_row_items, rich_text, row_items
from docsecrets.extract.ooxml.sheets import (
    BUILTIN_DATE_FORMATS,
    Style,
    TRUE,
    child_text,
    children_named,
    drawing_text,
    first_child,
    guarded,
    guarded_call,
    header_footer_text,
    int_or,
    is_date_format,
    is_white,
    members,
    related,
)
from docsecrets.extract.common.partial import raise_collected
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.types import (
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Segment,
)
from docsecrets.extract.common.reason import reason

_WORKBOOK = "xl/workbook.xml"
# Tags the sheet stream reports. Besides what we read, the list names the elements that
# repeat by the thousand (merged cells, conditional formats, page breaks) so they can be
# dropped as they end: iterparse still builds every element, reported or not.
_SHEET_TAGS = tuple(f"{{*}}{tag}" for tag in (
    "row", "col", "headerFooter", "dataValidation", "hyperlink", "mergeCell", "conditionalFormatting",
    "brk", "ignoredError", "protectedRange", "selection", "customSheetView"))
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(frozen=True, slots=True)
class _Sheet:
    name: str
    part: str | None
    hidden: str | None  # "hidden sheet 'X'", "very hidden sheet 'X'"


@dataclass(slots=True)
class _Book:
    """What every sheet needs from the workbook, and the counts that span sheets."""

    pkg: Package
    strings: list[str] = field(default_factory=list)
    white_strings: set[int] = field(default_factory=set)
    styles: list[Style] = field(default_factory=list)
    styles_by_index: dict[str | None, Style] = field(default_factory=dict)  # the `s` attribute, read once
    date1904: bool = False
    persons: dict[str, str] = field(default_factory=dict)
    cells: int = 0
    missing_strings: int = 0
    max_cells: int = 0

    def count_cell(self) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            raise LimitExceeded(f"more than {self.max_cells:,} cells in one workbook")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    try:
        archive = SafeZip(data, ctx)
    except NotImplementedError as exc:  # zipfile's answer to a garbled "version needed" field
        raise ExtractError(f"not a readable zip container: {reason(exc)}") from None
    pkg = Package(archive)
    problems: list[ExtractError] = []  # partial damage: read what is left, then report it all at the end
    book_part = _workbook_part(pkg, problems)
    root = pkg.parse(book_part)
    rels = guarded_call(problems, "", partial(pkg.rels, book_part)) or {}
    book = _Book(pkg=pkg, date1904=_workbook_date1904(root), max_cells=ctx.limits.max_cells)

    yield from _defined_names(root, book_part)
    strings_part = related(pkg, rels, "sharedStrings", "xl/sharedStrings.xml")
    if strings_part:
        guarded_call(problems, strings_part, partial(_read_shared_strings, book, strings_part))
    styles_part = related(pkg, rels, "styles", "xl/styles.xml")
    if styles_part:
        book.styles = guarded_call(problems, "", partial(_read_styles, pkg, styles_part)) or []
    persons_part = related(pkg, rels, "person", None)
    if persons_part:
        book.persons = guarded_call(problems, "", partial(_read_persons, pkg, persons_part)) or {}

    sheets = list(_sheets(root, rels, pkg))
    unlinked = [sheet.name for sheet in sheets if sheet.part is None]
    if unlinked:
        problems.append(ExtractError(f"{len(unlinked)} sheet(s) without a part: "
                        + ", ".join(f"'{name}'" for name in unlinked[:5]) + (", ..." if len(unlinked) > 5 else "")))
    for sheet in sheets + _orphan_sheets(pkg, {sheet.part for sheet in sheets}):
        if sheet.part is None:
            continue
        sheet_rels = guarded_call(problems, "", partial(pkg.rels, sheet.part)) or {}
        yield from guarded(problems, f"sheet '{sheet.name}' ({sheet.part})", _sheet_items(book, sheet, sheet_rels))
        for part, items in _sheet_annexes(book, sheet, sheet_rels):
            yield from guarded(problems, part, items)
    if book.missing_strings:
        problems.append(ExtractError(f"{book.missing_strings:,} cells point past the shared strings table"))

    connections = related(pkg, rels, "connections", None)
    if connections:
        yield from guarded(problems, "", _connections(pkg, connections))
    yield from guarded(problems, "document properties", _ooxml.properties(pkg.archive))
    yield from members(pkg)
    raise_collected(problems, most=None)


# --- workbook ------------------------------------------------------------------------------


def _workbook_part(pkg: Package, problems: list[ExtractError]) -> str:
    """The workbook named by the package relationships, else the usual xl/workbook.xml."""
    for rel in (guarded_call(problems, "", partial(pkg.rels, "")) or {}).values():
        found = pkg.find(rel.target) if rel.type == "officeDocument" and not rel.external else None
        if found and found.lower().endswith(".xml"):
            return found
    found = pkg.find(_WORKBOOK)
    if found is None:
        raise ExtractError("no workbook part (xl/workbook.xml): not a SpreadsheetML workbook")
    return found


def _workbook_date1904(root: etree._Element) -> bool:
    props = first_child(root, "workbookPr")
    return props is not None and (props.get("date1904") or "").lower() in TRUE


def _sheets(root: etree._Element, rels: dict[str, Rel], pkg: Package) -> Iterator[_Sheet]:
    sheets = first_child(root, "sheets")
    for sheet in sheets if sheets is not None else ():
        if _xml.local(sheet.tag) != "sheet":
            continue
        name = sheet.get("name") or f"sheet {sheet.get('sheetId', '?')}"
        state = sheet.get("state")
        hidden = {"hidden": f"hidden sheet '{name}'", "veryHidden": f"very hidden sheet '{name}'"}.get(state or "")
        rel = rels.get(_rel_id(sheet) or "")
        part = pkg.find(rel.target) if rel and not rel.external else None
        yield _Sheet(name=name, part=part, hidden=hidden)


def _orphan_sheets(pkg: Package, listed: set[str | None]) -> list[_Sheet]:
    """Worksheet parts the workbook does not link to (a hand-edited package, or broken rels):
    Excel never shows them, so they are read as hidden."""
    parts = [name for name in pkg.archive.names() if name not in listed
             and re.fullmatch(r"xl[/\\]worksheets[/\\][^/\\]+\.xml", name, re.IGNORECASE)]
    parts.sort(key=lambda name: [int(bit) if bit.isdigit() else bit for bit in re.split(r"(\d+)", name)])
    return [_Sheet(name=part, part=part, hidden=f"sheet part '{part}' not linked from the workbook")
            for part in parts]


def _defined_names(root: etree._Element, part: str) -> Iterator[Segment]:
    names = first_child(root, "definedNames")
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


def _read_shared_strings(book: _Book, part: str) -> None:
    """Fill book.strings as the part streams, so a damaged tail still leaves the head usable.

    The table is kept whole for the sheets to index: max_part_size holds, as for a part read whole
    (12 million <si> of one letter, 200 MB at 412x, is a bomb; a 490 MB sheet streamed is not)."""
    for _event, item in _xml.iterparse(book.pkg.stream(part, whole=True), tags=("{*}si",)):
        text, white = rich_text(item)
        if white:
            book.white_strings.add(len(book.strings))
        book.strings.append(text)
        if len(book.strings) > book.max_cells:
            raise LimitExceeded(f"more than {book.max_cells:,} shared strings in {part!r}")
        _drop(item)


def _read_styles(pkg: Package, part: str) -> list[Style]:
    root = pkg.parse(part)
    formats: dict[int, str] = {}
    for fmt in children_named(first_child(root, "numFmts"), "numFmt"):
        formats[int_or(fmt.get("numFmtId"), -1)] = fmt.get("formatCode") or ""
    white_fonts = [is_white(first_child(font, "color")) for font in children_named(first_child(root, "fonts"), "font")]
    styles: list[Style] = []
    for xf in children_named(first_child(root, "cellXfs"), "xf"):
        fmt_id, font_id = int_or(xf.get("numFmtId"), 0), int_or(xf.get("fontId"), 0)
        code = formats.get(fmt_id)
        date = is_date_format(code) if code is not None else fmt_id in BUILTIN_DATE_FORMATS
        hidden = None
        if code is not None and code.strip() and not code.replace(";", "").strip() and code.count(";") >= 2:
            hidden = f"number format '{code}'"  # ";;;" shows nothing at all
        elif 0 <= font_id < len(white_fonts) and white_fonts[font_id]:
            hidden = "white text"
        styles.append(Style(date=date, hidden=hidden))
    return styles


def _read_persons(pkg: Package, part: str) -> dict[str, str]:
    root = pkg.parse(part)
    return {person.get("id") or "": person.get("displayName") or "" for person in root.iter("{*}person")}


# --- sheets --------------------------------------------------------------------------------


class _ParserFailed(Exception):
    """The XML parser refused a piece of a sheet read in pieces (see _sheet_items)."""


def _sheet_items(book: _Book, sheet: _Sheet, rels: dict[str, Rel]) -> Iterator[Item]:
    """Plain rows read by `plainrows`, everything else by the XML parser. Should the parser refuse a
    piece, the sheet is read again by the parser alone, its items given from where they stopped, so
    that a damaged sheet yields what it always yielded and fails with the parser's own words."""
    assert sheet.part is not None
    cells, missing, given = book.cells, book.missing_strings, 0
    stream = book.pkg.stream(sheet.part)
    head = stream.read(65536)
    parser = _xml.pull_parser(head, tags=_SHEET_TAGS)
    state = SheetState()
    try:
        for piece in plainrows.split(stream, head):
            if type(piece) is tuple:  # a plain row (one generator level for millions of rows)
                state.last_row = int_or(piece[0].get("r"), state.last_row + 1)
                row = plain_row_items(book, sheet, piece, state)
                if row is not None:
                    given += 1
                    yield row
                continue
            for item in _sheet_elements(book, sheet, rels, _parsed(parser, piece), state):
                given += 1
                yield item
        for item in _sheet_elements(book, sheet, rels, _parsed(parser, None), state):
            given += 1
            yield item
    except _ParserFailed:
        book.cells, book.missing_strings = cells, missing
        events = _xml.iterparse(book.pkg.stream(sheet.part), tags=_SHEET_TAGS)
        yield from itertools.islice(_sheet_elements(book, sheet, rels, events, SheetState()), given, None)


def _parsed(parser: etree.XMLPullParser, data: bytes | plainrows.PlainRow | None) -> list[tuple[str, etree._Element]]:
    """The parser's events after `data` (None: the end of the part)."""
    try:
        if data is None:
            parser.close()
        else:
            assert isinstance(data, bytes)
            parser.feed(data)
        return list(parser.read_events())
    except etree.XMLSyntaxError:
        raise _ParserFailed from None


def _sheet_elements(book: _Book, sheet: _Sheet, rels: dict[str, Rel], events: Iterable[tuple[str, etree._Element]],
                    state: SheetState) -> Iterator[Item]:
    """What the XML parser reports of a sheet: rows, hidden columns, headers, validations, links."""
    columns = state.columns
    for _event, elem in events:
        if elem.tag == state.row_tag:  # the whole tag, known after the first row: no split per row
            state.last_row = int_or(elem.get("r"), state.last_row + 1)
            yield from row_items(book, sheet, elem, state.last_row, columns)
            _drop(elem)
            continue
        tag = _xml.local(elem.tag)
        if tag == "row":
            state.row_tag = elem.tag
            state.last_row = int_or(elem.get("r"), state.last_row + 1)
            yield from row_items(book, sheet, elem, state.last_row, columns)
        elif tag == "col" and (elem.get("hidden") or "").lower() in TRUE:
            columns.add(int_or(elem.get("min"), 1), int_or(elem.get("max"), int_or(elem.get("min"), 1)))
        elif tag == "headerFooter":
            yield from _header_footer(elem, sheet.name)
        elif tag == "dataValidation":
            yield from _data_validation(elem, sheet.name)
        elif tag == "hyperlink":
            yield from _hyperlink(elem, sheet.name, rels)
        _drop(elem)


def _sheet_annexes(book: _Book, sheet: _Sheet, rels: dict[str, Rel]) -> Iterator[tuple[str, Iterator[Item]]]:
    """Comments, threaded comments and drawings: parts of their own, named by the sheet rels."""
    pkg = book.pkg
    threaded = any(rel.type == "threadedComment" for rel in rels.values())
    for rel in rels.values():
        part = pkg.find(rel.target) if not rel.external else None
        if part is None:
            continue
        if rel.type == "comments":
            yield part, _legacy_comments(pkg, part, sheet.name, skip_threaded_copies=threaded)
        elif rel.type == "threadedComment":
            yield part, _threaded_comments(book, part, sheet.name)
        elif rel.type == "drawing":
            yield part, drawing_text(pkg, part, sheet.name)


def _header_footer(elem: etree._Element, sheet: str) -> Iterator[Segment]:
    seen: set[str] = set()
    for child in elem:
        tag = _xml.local(child.tag)  # "" for an XML comment, skipped below
        text = header_footer_text(child.text or "") if tag else ""
        if not text or text in seen:
            continue  # odd, even and first-page variants often repeat one another
        seen.add(text)
        yield Segment(text=text, location=Location(part=sheet),
                      hidden="page header" if tag.endswith("Header") else "page footer")


def _data_validation(elem: etree._Element, sheet: str) -> Iterator[Segment]:
    sqref = elem.get("sqref") or child_text(elem, "sqref")  # x14 validations keep it in <xm:sqref>
    location = Location(part=sheet, cell=_first_cell(sqref))
    items = _string_constant(child_text(elem, "formula1").strip())
    if items:
        yield Segment(text=items, location=location, hidden="data validation list")
    for title, message in (("promptTitle", "prompt"), ("errorTitle", "error")):
        text = ": ".join(t for t in (elem.get(title), elem.get(message)) if t)
        if text.strip():
            yield Segment(text=text, location=location, hidden="data validation message")


def _hyperlink(elem: etree._Element, sheet: str, rels: dict[str, Rel]) -> Iterator[Segment]:
    rel = rels.get(_rel_id(elem) or "")
    url = rel.target if rel is not None and rel.external else ""
    anchor = elem.get("location")
    text = f"{url}#{anchor}" if url and anchor else url or anchor or ""
    if text:
        yield Segment(text=text, location=Location(part=sheet, cell=_first_cell(elem.get("ref") or "")),
                      hidden="hyperlink target")


def _legacy_comments(pkg: Package, part: str, sheet: str, *, skip_threaded_copies: bool) -> Iterator[Segment]:
    authors: list[str] = []
    for _event, elem in _xml.iterparse(pkg.stream(part), tags=("{*}author", "{*}comment")):
        if _xml.local(elem.tag) == "author":
            authors.append("".join(elem.itertext()).strip())
        else:
            position = int_or(elem.get("authorId"), -1)
            author = authors[position] if 0 <= position < len(authors) else ""
            body = first_child(elem, "text")
            text = rich_text(body)[0].strip() if body is not None else ""
            # Excel keeps a legacy copy of each threaded comment for old readers, by "tc={guid}".
            if text and not (skip_threaded_copies and author.startswith("tc=")):
                yield Segment(text=text, location=Location(part=sheet, cell=elem.get("ref")),
                              hidden=f"cell comment by {author}" if author else "cell comment")
        _drop(elem)


def _threaded_comments(book: _Book, part: str, sheet: str) -> Iterator[Segment]:
    for _event, elem in _xml.iterparse(book.pkg.stream(part), tags=("{*}threadedComment",)):
        body = first_child(elem, "text")
        text = "".join(body.itertext()).strip() if body is not None else ""
        author = book.persons.get(elem.get("personId") or "", "")
        if text:
            yield Segment(text=text, location=Location(part=sheet, cell=elem.get("ref")),
                          hidden=f"cell comment by {author}" if author else "cell comment")
        _drop(elem)


# --- the rest of the package ---------------------------------------------------------------


def _connections(pkg: Package, part: str) -> Iterator[Segment]:
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


# --- small helpers -------------------------------------------------------------------------


def _drop(elem: etree._Element) -> None:
    """Free an element iterparse has handed over, and the siblings read before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _rel_id(elem: etree._Element) -> str | None:
    """The r:id attribute, whichever relationships namespace (transitional or strict) it uses."""
    for key, value in elem.attrib.items():
        if isinstance(key, str) and key.endswith("}id"):
            return str(value)
    return None


def _first_cell(ref: str) -> str | None:
    match = _CELL_REF.match(ref.strip())
    return f"{match.group(1).upper()}{match.group(2)}" if match else None
