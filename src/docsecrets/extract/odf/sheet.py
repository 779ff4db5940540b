"""Spreadsheet tables: rows and cells with their repeats, hidden columns and rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from docsecrets.extract.common.cells import column_letters
from docsecrets.extract.common.reason import reason
from docsecrets.extract.odf.names import (CALC_VALUE_TYPE, CELL, COLS_REPEATED, COVERED, ROWS_REPEATED, TABLE_STYLE,
                                          VALUE_TYPE, VISIBILITY)
from docsecrets.extract.odf.state import Where
from docsecrets.extract.odf.values import join_text, plain_text, repeat_count, typed_value
from docsecrets.types import Cell, Item, Location, Row

if TYPE_CHECKING:  # a Doc makes its Sheets: imported for the annotation only
    from docsecrets.extract.odf.document import Doc

_MAX_REPEAT = 100  # copies of a repeated non-empty cell or row worth scanning
_MAX_COLUMNS = 16384  # LibreOffice's and Excel's widest sheet


class Sheet:
    """Rows of one table (a sheet, or a table in text), with repeats and hidden columns."""

    def __init__(self, doc: Doc, *, part: str, hidden: str | None, page: int | None = None) -> None:
        self.doc = doc
        self.part = part
        self.hidden = hidden
        self.page = page
        self.hidden_columns: list[tuple[int, int]] = []  # inclusive spans
        self.next_column = 1
        self.last_row = 0

    def column(self, el: etree._Element) -> None:
        repeat = repeat_count(el.get(COLS_REPEATED), cap=None)
        if el.get(VISIBILITY) in ("collapse", "filter"):
            self.hidden_columns.append((self.next_column, self.next_column + repeat - 1))
        self.next_column += repeat

    def column_hidden(self, column: int) -> bool:
        return any(start <= column <= end for start, end in self.hidden_columns)

    def row(self, el: etree._Element) -> Iterator[Item]:
        """The row's anchored items (comments...), then the row and its repeated copies."""
        repeat = repeat_count(el.get(ROWS_REPEATED), cap=None)
        first = self.last_row + 1
        self.last_row += repeat
        side: list[Item] = []
        cells = self.cells(el, first, side)
        yield from side
        hidden_row = el.get(VISIBILITY) in ("collapse", "filter")
        for number in range(first, first + min(repeat, _MAX_REPEAT) if cells else first):
            self.doc.shared.count_cells(len(cells))
            yield Row(
                cells=tuple(Cell(text=text, column=col, ref=f"{letters}{number}", hidden=hidden)
                            for col, letters, text, hidden in cells),
                location=Location(part=self.part, page=self.page, row=number), table=self.part,
                hidden=join_text(self.hidden, f"hidden row {number}" if hidden_row else None))

    def cells(self, row: etree._Element, number: int,
              side: list[Item]) -> list[tuple[int, str, str, str | None]]:
        """(column, column letters, text, hidden reason) of the non-empty cells."""
        doc = self.doc
        found: list[tuple[int, str, str, str | None]] = []
        column = 1
        for cell in row:
            if column > _MAX_COLUMNS:
                break  # past the widest sheet any office suite opens: padding or a bomb
            if cell.tag not in (CELL, COVERED):
                continue
            repeat = repeat_count(cell.get(COLS_REPEATED), cap=None)
            if len(cell) or cell.get(VALUE_TYPE) or cell.get(CALC_VALUE_TYPE):
                text, reason = plain_text(cell), None
                if text is None:
                    where = Where(part=self.part, hidden=self.hidden, page=self.page,
                                  cell=f"{column_letters(column)}{number}", row=number, column=column)
                    text, reason = doc.collect(cell, where, side)
                text = text or typed_value(cell)
                if text:
                    if cell.tag == COVERED:
                        reason = "covered by a merged cell"
                    reason = reason or doc.text_reason("table-cell", cell.get(TABLE_STYLE))
                    for col in range(column, min(column + min(repeat, _MAX_REPEAT), _MAX_COLUMNS + 1)):
                        letters = column_letters(col)
                        hidden = f"hidden column {letters}" if self.column_hidden(col) else reason
                        found.append((col, letters, text, hidden))
            column += repeat
        return found
