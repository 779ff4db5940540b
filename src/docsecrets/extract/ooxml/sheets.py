"""What the spreadsheet readers of an OOXML package (xlsx.py, xlsb.py) share: the package with
forgiving part names, cell styles (dates, white text, ';;;'), numbers and dates as shown, hidden
columns, page headers and footers, drawings, embedded members and partial-damage bookkeeping."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.cells import column_letters, datetime_text
from docsecrets.extract.common.partial import guarded as partial_guarded
from docsecrets.extract.common.partial import guarded_call as partial_guarded_call
from docsecrets.extract.ooxml.package import Package, Rel
from docsecrets.types import LOCATION_FIELDS, Cell, ExtractError, Item, Location, Member, Row, Segment, slot_setters

_T = TypeVar("_T")

TRUE = ("1", "true", "on")
# &L &C &R sections, &"font,style", &12 sizes, &K colours, &P/&N/&D... fields, && for "&";
# any other "&" is text (writers such as openpyxl leave a bare "&" unescaped).
_HEADER_FOOTER_CODE = re.compile(r'&(?:"[^"]*"|K(?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})|\d+|[LCRPNDTFAZGBIUESXYHO&])')
# What a number format shows besides digits: quoted text, escaped characters, padding, colours
# and locales ([Red], [$-409]); elapsed-time brackets ([h], [mm]) stay, they mean a time.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
_DATE_TOKEN = re.compile(r"[dmyhs]", re.IGNORECASE)
BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
_EXCEL_1900 = datetime(1899, 12, 30)
_EXCEL_1904 = datetime(1904, 1, 1)
_LAST_SERIAL = 2_958_465  # 9999-12-31


@dataclass(frozen=True, slots=True)
class Style:
    date: bool = False
    hidden: str | None = None  # "white text", "number format ';;;'"


def related(pkg: Package, rels: dict[str, Rel], kind: str, default: str | None) -> str | None:
    for rel in rels.values():
        if rel.type == kind and not rel.external:
            return pkg.find(rel.target)
    return pkg.find(default) if default else None


def is_date_format(code: str) -> bool:
    section = _FORMAT_NOISE.sub("", code.split(";", 1)[0])
    return _DATE_TOKEN.search(section.replace("General", "")) is not None


def is_white(color: etree._Element | None) -> bool:
    rgb = color.get("rgb") if color is not None else None
    return rgb is not None and len(rgb) in (6, 8) and rgb[-6:].upper() == "FFFFFF"


class HiddenColumns:
    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] | None = []

    def add(self, first: int, last: int) -> None:
        self._spans.append((first, max(first, last)))
        self._starts = None

    def any(self) -> bool:
        return bool(self._spans)

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


def number_text(raw: str) -> str:
    """The number as typed: 19730512 stays "19730512", 3.14 stays "3.14", 1E+3 becomes "1000"."""
    if raw.isdigit():
        return raw  # the common case, checked first: digits only are kept as typed below too
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


def date_text(raw: str, *, date1904: bool) -> str | None:
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
    if date1904:
        moment = _EXCEL_1904 + timedelta(days=days, seconds=seconds)
    else:
        # Excel counts a 29 February 1900 that never was: serials before it are one day early.
        moment = _EXCEL_1900 + timedelta(days=days + (1 if days < 60 else 0), seconds=seconds)
    return datetime_text(moment, time_of_day=days == 0 and not date1904)  # day zero: "07:30:00"


def header_footer_text(raw: str) -> str:
    """`&L&"Arial,Bold"&12Login&RPwd && co` -> `Login Pwd & co`: the &L/&C/&R sections joined."""
    def replace(match: re.Match[str]) -> str:
        code = match.group(0)
        if code == "&&":
            return "&"
        return "\x00" if code.upper() in ("&L", "&C", "&R") else ""

    sections = _HEADER_FOOTER_CODE.sub(replace, raw).split("\x00")
    return " ".join(section.strip() for section in sections if section.strip())


def drawing_text(pkg: Package, part: str, sheet: str) -> Iterator[Segment]:
    """Text boxes and shapes drawn over the sheet: visible, yet outside every cell."""
    root = pkg.parse(part)
    for anchor in root.iter("{*}twoCellAnchor", "{*}oneCellAnchor", "{*}absoluteAnchor"):
        if any(_xml.local(up.tag) == "Fallback" for up in anchor.iterancestors()):
            continue  # mc:Fallback repeats the mc:Choice next to it
        start = first_child(anchor, "from")
        cell = None
        if start is not None and first_child(start, "col") is not None and first_child(start, "row") is not None:
            column, row = (max(0, int_or(child_text(start, name), 0)) + 1 for name in ("col", "row"))
            cell = f"{column_letters(column)}{row}"
        for shape in anchor.iter("{*}sp"):
            body = first_child(shape, "txBody")
            text = "\n".join("".join(t.text or "" for t in p.iter("{*}t")) for p in body.iter("{*}p")).strip() \
                if body is not None else ""
            if text:
                yield Segment(text=text, location=Location(part=sheet, cell=cell), hidden=_shape_hidden(shape))


def _shape_hidden(shape: etree._Element) -> str | None:
    props = next(shape.iter("{*}cNvPr"), None)
    if props is None or (props.get("hidden") or "").lower() not in TRUE:
        return None
    # Form controls (buttons, check boxes) are drawn from VML: their DrawingML twin is marked
    # hidden and tagged a14:compatExt, yet the reader sees the control.
    return None if next(props.iter("{*}compatExt"), None) is not None else "hidden shape"


def members(pkg: Package) -> Iterator[Member]:
    for name in pkg.archive.names():
        lower = name.replace("\\", "/").lower()
        if lower.endswith("/"):
            continue
        if lower.startswith("xl/embeddings/"):
            yield Member(name=name, data=pkg.archive.read(name), hidden="embedded object")
        elif lower.endswith("vbaproject.bin"):
            yield Member(name=name, data=pkg.archive.read(name), hidden="VBA macro project")


def guarded(problems: list[ExtractError], what: str, items: Iterator[Item]) -> Iterator[Item]:
    """Yield what a damaged part still gives, note the damage and go on with the next part
    (common.partial's policy: a limit stops the workbook, encryption and damage are noted)."""
    return partial_guarded(problems, items, _worded(what))


def guarded_call(problems: list[ExtractError], what: str, read: Callable[[], _T]) -> _T | None:
    return partial_guarded_call(problems, read, _worded(what))


def _worded(what: str) -> Callable[[ExtractError], str] | None:
    return (lambda exc: f"{what}: {exc}") if what else None


def first_child(elem: etree._Element | None, name: str) -> etree._Element | None:
    for child in elem if elem is not None else ():
        if _xml.local(child.tag) == name:
            return child
    return None


def children_named(elem: etree._Element | None, name: str) -> Iterator[etree._Element]:
    for child in elem if elem is not None else ():
        if _xml.local(child.tag) == name:
            yield child


def child_text(elem: etree._Element, name: str) -> str:
    child = first_child(elem, name)
    return "".join(child.itertext()) if child is not None else ""


def int_or(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


CellSetters = tuple[Callable[[Cell, str], None], Callable[[Cell, int], None], Callable[[Cell, str | None], None],
                    Callable[[Cell, str | None], None]]


def cell_setters() -> CellSetters | None:
    """The setters of Cell's slots (text, column, ref, hidden), or None once Cell has other fields
    (types.slot_setters: a cell built in 0.4 us instead of 1.2, a quarter of the xlsx reader's own
    time on a big export)."""
    return slot_setters(Cell, ("text", "column", "ref", "hidden"))  # type: ignore[return-value]


def _cell_factory() -> Callable[[str, int, str | None, str | None], Cell]:
    """Cell(text=, column=, ref=, hidden=), three times cheaper (see cell_setters)."""
    setters = cell_setters()
    if setters is None:
        return lambda text, column, ref, hidden: Cell(text=text, column=column, ref=ref, hidden=hidden)
    new = object.__new__
    set_text, set_column, set_ref, set_hidden = setters

    def new_cell(text: str, column: int, ref: str | None, hidden: str | None) -> Cell:
        cell: Cell = new(Cell)
        set_text(cell, text)
        set_column(cell, column)
        set_ref(cell, ref)
        set_hidden(cell, hidden)
        return cell

    return new_cell


new_cell = _cell_factory()


def _row_factory() -> Callable[[tuple[Cell, ...], str, int, str | None], Row]:
    """Row(cells=, location=Location(part=table, row=number), table=, hidden=), built like new_cell:
    a Row and its Location cost 2 us through their frozen __init__s, a third of that this way; only
    while both have exactly these fields."""
    row_setters = slot_setters(Row, ("cells", "location", "table", "hidden"))
    location_setters = slot_setters(Location, LOCATION_FIELDS)
    if row_setters is None or location_setters is None:
        return lambda cells, table, number, hidden: Row(cells=cells, location=Location(part=table, row=number),
                                                        table=table, hidden=hidden)
    new = object.__new__
    set_cells, set_location, set_table, set_hidden = row_setters
    set_part, set_page, set_line, set_cell, set_row, set_column = location_setters

    def new_row(cells: tuple[Cell, ...], table: str, number: int, hidden: str | None) -> Row:
        location: Location = new(Location)
        set_part(location, table)
        set_page(location, None)
        set_line(location, None)
        set_cell(location, None)
        set_row(location, number)
        set_column(location, None)
        row: Row = new(Row)
        set_cells(row, cells)
        set_location(row, location)
        set_table(row, table)
        set_hidden(row, hidden)
        return row

    return new_row


new_row = _row_factory()
DIGITS = "0123456789"
COLUMN_NUMBERS: dict[str, int | None] = {}  # "AB" -> 28, "$$" -> None: the letters of every cell reference
LETTERS: dict[int, str] = {}  # 28 -> "AB"


@lru_cache(maxsize=20_000)
def column_number(letters: str) -> int | None:
    """"B" -> 2, "$AA$" -> 27; None for anything that is no column (a malformed reference)."""
    letters = letters.replace("$", "").upper()
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return None
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


