"""The cells of a worksheet row as text, whichever way the row was read: an XML element from
lxml (`row_items`) or a plain row cut from the sheet's bytes (`plain_row_items`, see plainrows):
the same items either way. Also the text helpers of SpreadsheetML strings (rich text, _xHHHH_)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.cells import column_letters
from docsecrets.extract.ooxml import plainrows
from docsecrets.extract.ooxml.sheets import (
    COLUMN_NUMBERS,
    CellSetters,
    DIGITS,
    LETTERS,
    TRUE,
    HiddenColumns,
    Style,
    cell_setters,
    column_number,
    date_text,
    first_child,
    int_or,
    is_white,
    new_cell,
    new_row,
    number_text,
)
from docsecrets.types import Cell, Item, Location, Row, Segment

if TYPE_CHECKING:
    from docsecrets.extract.ooxml.xlsx import _Book as Book, _Sheet as Sheet

_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_SETTERS = cell_setters()


def _unused(cell: Cell, value: object) -> None:
    raise AssertionError("Cell has other fields: cells are built by new_cell")


_NO_SETTERS: CellSetters = (_unused, _unused, _unused, _unused)


@dataclass(slots=True)
class SheetState:
    """Where a sheet's reading stands, shared by the XML parser's rows and the plain ones."""

    columns: HiddenColumns = field(default_factory=HiddenColumns)
    last_row: int = 0
    row_tag: str = ""  # the whole tag of <row>, known after the first row read by the XML parser


def row_items(book: Book, sheet: Sheet, row: etree._Element, number: int,
               columns: HiddenColumns) -> list[Item]:
    """The row's non-empty cells as one Row, then the string literals of its formulas.

    This loop runs once per cell of the workbook (8.7 million in a 870,000-row export), so it
    is written flat: tags compared whole, the common cell shapes (<v>, <is><t>) read without a
    loop, styles and column letters looked up in dicts, nothing built for a cell without value.
    """
    cells: list[Cell] = []
    formulas: list[Item] = []
    namespace = row.tag[:-3]  # "{...main}": comparing whole tags is cheaper than taking each apart
    cell_tag, v_tag, is_tag, f_tag, t_tag = (namespace + name for name in ("c", "v", "is", "f", "t"))
    styles, strings, column_numbers, letters = book.styles_by_index, book.strings, COLUMN_NUMBERS, LETTERS
    suffix = str(number)
    count, limit, any_hidden = book.cells, book.max_cells, columns.any()
    column = 0
    for cell in row:
        if cell.tag != cell_tag:
            continue
        count += 1  # book.count_cell(), inline
        if count > limit:
            book.cells = count
            book.count_cell()
        ref = cell.get("r")
        if ref:
            key = ref.rstrip(DIGITS)
            found = column_numbers.get(key, 0)
            if found == 0:
                found = column_number(key)
                if len(column_numbers) < 20_000:
                    column_numbers[key] = found
            column = found or column + 1
        else:
            column += 1
        size = len(cell)
        if not size:
            continue  # a styled empty cell: writers pad whole rows with them
        value = inline = formula = None
        for child in (cell[0],) if size == 1 else cell:  # one child: no lxml iterator to build
            tag = child.tag
            if tag == v_tag:
                value = child.text
            elif tag == is_tag:
                inline = child
            elif tag == f_tag and child.text and '"' in child.text:
                formula = child.text  # literals in formulas (HYPERLINK, CONCAT) never show in the cell
        s = cell.get("s")
        style = styles.get(s) or style_of(book, s)
        hidden = style.hidden
        kind = cell.get("t")
        if kind is None or kind == "n":
            if value is None:
                text = ""
            elif style.date:
                text = date_text(value, date1904=book.date1904) or number_text(value)
            else:
                text = number_text(value)
        elif kind == "inlineStr":
            if inline is None:
                text = ""
            else:
                first = inline[0] if len(inline) == 1 else None
                if first is not None and first.tag == t_tag:  # one plain <t>: no run, never white
                    text = first.text or ""
                    if "_x" in text:
                        text = unescape(text)
                else:
                    text, white = rich_text(inline)
                    hidden = hidden or ("white text" if white else None)
        elif value is None or kind == "e":
            text = ""
        elif kind == "s":
            index = int_or(value, -1)
            if 0 <= index < len(strings):
                text = strings[index]
                if not hidden and index in book.white_strings:
                    hidden = "white text"
            else:
                book.missing_strings += 1
                text = ""
        elif kind == "b":
            text = "TRUE" if value.strip().lower() in TRUE else "FALSE"
        elif kind in ("str", "d"):
            text = unescape(value)
        elif style.date:
            text = date_text(value, date1904=book.date1904) or number_text(value)
        else:
            text = number_text(value)
        if formula is None and not text:
            continue
        name = letters.get(column)
        if name is None:
            name = column_letters(column)
            if len(letters) < 20_000:
                letters[column] = name
        ref = name + suffix
        if formula is not None:
            formulas.append(Segment(text=f"={formula}", hidden="cell formula",
                                    location=Location(part=sheet.name, cell=ref, row=number, column=column)))
            if not text:
                continue
        if any_hidden and columns.hides(column):
            hidden = f"hidden column {name}" + (f", {hidden}" if hidden else "")
        cells.append(new_cell(text, column, ref, hidden))
    book.cells = count
    if not cells:
        return formulas
    hidden_row = sheet.hidden or (f"hidden row {number}" if (row.get("hidden") or "").lower() in TRUE else None)
    return [Row(cells=tuple(cells), location=Location(part=sheet.name, row=number), table=sheet.name,
                hidden=hidden_row), *formulas]


def plain_row_items(book: Book, sheet: Sheet, row: plainrows.PlainRow, state: SheetState) -> Row | None:
    """row_items for a row of plain cells (see plainrows): the same Row (or None), without XML elements.

    A plain cell's column letters are canonical ([A-Z]{1,3}), so they are the column's name."""
    attrs, found = row
    number, columns = state.last_row, state.columns
    if book.cells + len(found) > book.max_cells:  # the row would not have been given whole either
        book.cells = book.max_cells
        book.count_cell()
    book.cells += len(found)
    cells: list[Cell] = []
    append = cells.append
    setters, new = _CELL_SETTERS, object.__new__
    set_text, set_column, set_ref, set_hidden = setters or _NO_SETTERS
    styles, strings, column_numbers = book.styles_by_index, book.strings, COLUMN_NUMBERS
    suffix = str(number)
    any_hidden = columns.any()
    for key, s_first, kind_first, kind_second, s_second, value, inline in found:
        if not value and not inline:
            continue  # no child, or an empty one: no text (what row_items finds for such a cell)
        s = s_first or s_second  # "" when absent: style_of reads it as None
        style = styles.get(s) or style_of(book, s)
        hidden = style.hidden
        kind = kind_first or kind_second
        if not kind or kind == "n":
            if not value:
                text = ""
            elif style.date:
                text = date_text(value, date1904=book.date1904) or number_text(value)
            else:
                text = value if value.isdigit() else number_text(value)
        elif kind == "inlineStr":
            text = unescape(inline) if "_x" in inline else inline
        elif not value or kind == "e":
            text = ""
        elif kind == "s":
            index = int_or(value, -1)
            if 0 <= index < len(strings):
                text = strings[index]
                if not hidden and index in book.white_strings:
                    hidden = "white text"
            else:
                book.missing_strings += 1
                text = ""
        elif kind == "b":
            text = "TRUE" if value.strip().lower() in TRUE else "FALSE"
        else:  # "str", "d"
            text = unescape(value)
        if not text:
            continue
        column = column_numbers.get(key)
        if column is None:
            column = column_number(key) or 0  # never None: the letters are [A-Z]{1,3}
            if len(column_numbers) < 20_000:
                column_numbers[key] = column
        if any_hidden and columns.hides(column):
            hidden = f"hidden column {key}" + (f", {hidden}" if hidden else "")
        if setters is None:
            append(new_cell(text, column, key + suffix, hidden))
            continue
        cell = new(Cell)  # new_cell inline: one call less for each of millions of cells
        set_text(cell, text)
        set_column(cell, column)
        set_ref(cell, key + suffix)
        set_hidden(cell, hidden)
        append(cell)
    if not cells:
        return None
    hidden_row = sheet.hidden or (f"hidden row {number}" if (attrs.get("hidden") or "").lower() in TRUE else None)
    return new_row(tuple(cells), sheet.name, number, hidden_row)


def style_of(book: Book, index: str | None) -> Style:
    position = int_or(index, 0) if index else 0
    style = book.styles[position] if 0 <= position < len(book.styles) else Style()
    if len(book.styles_by_index) < 4096:
        book.styles_by_index[index] = style
    return style


def rich_text(elem: etree._Element) -> tuple[str, bool]:
    """Text of an <si>, <is> or comment <text>: plain <t> or formatted runs joined, phonetic
    guides (<rPh>) left out; and whether every run that carries text is in white."""
    if len(elem) == 1:  # the common case, one plain <t>: no run, so never white
        tag = elem[0].tag
        if isinstance(tag, str) and (tag.endswith("}t") or tag == "t"):
            return unescape(elem[0].text or ""), False
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
                props = first_child(child, "rPr")
                white_runs += props is not None and is_white(first_child(props, "color"))
    return unescape("".join(parts)), runs > 0 and runs == white_runs


def unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (`_x000D_` for a carriage return)."""
    return _ESCAPED_CHAR.sub(_escaped_char, text) if "_x" in text else text


def _escaped_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate would break encoders
