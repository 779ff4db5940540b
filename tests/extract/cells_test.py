"""One date renderer: the same date/time cell reads the same from every spreadsheet format."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from docsecrets.extract.common.cells import datetime_text
from docsecrets.extract.context import Context
from docsecrets.extract.ole import xls
from docsecrets.extract.ooxml import xlsx
from docsecrets.extract.web import spreadsheetml2003
from docsecrets.types import Row
from tests.fixtures import spreadsheetml2003_builders as sml
from tests.fixtures.xls_builders import SheetSpec, xls_bytes

MOMENT = datetime.datetime(2024, 3, 15, 10, 30)


def _xlsx(value: object) -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_texts(module: object, data: bytes) -> list[str]:
    items = module.extract(data, Context())  # type: ignore[attr-defined]
    return [c.text for item in items if isinstance(item, Row) for c in item.cells]


@pytest.mark.parametrize(("value", "sml_value", "text"), [
    (MOMENT, "2024-03-15T10:30:00.000", "2024-03-15T10:30:00"),
    (datetime.datetime(2024, 3, 15), "2024-03-15T00:00:00.000", "2024-03-15"),
])
def test_xlsx_xls_and_spreadsheetml_render_a_date_alike(value: datetime.datetime, sml_value: str, text: str) -> None:
    assert _cell_texts(xlsx, _xlsx(value)) == [text]
    assert _cell_texts(xls, xls_bytes([SheetSpec("S", {"A1": value})])) == [text]
    data = sml.workbook(sml.worksheet("S", [sml.row(sml.cell(sml_value, kind="DateTime"))]))
    assert _cell_texts(spreadsheetml2003, data) == [text]


def test_datetime_text() -> None:
    assert datetime_text(MOMENT) == "2024-03-15T10:30:00"
    assert datetime_text(MOMENT.replace(hour=0, minute=0)) == "2024-03-15"
    assert datetime_text(MOMENT.replace(microsecond=400_000)) == "2024-03-15T10:30:00"
    assert datetime_text(datetime.datetime(1899, 12, 31, 7, 30), time_of_day=True) == "07:30:00"
