"""Cell helpers shared by the spreadsheet readers: A1 column letters, numbers as typed, dates."""

from __future__ import annotations

import datetime
from functools import lru_cache


@lru_cache(maxsize=20_000)
def column_letters(column: int) -> str:
    """1 -> 'A', 27 -> 'AA' (1-based columns)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def float_text(value: float) -> str:
    """123456.0 -> "123456"; other floats shortest, at most Excel's 15 significant digits."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if len(text.replace("-", "").replace(".", "").lstrip("0")) > 15:
        text = format(value, ".15g")  # 0.30000000000000004 is displayed (and was typed) as 0.3
    return text


def datetime_text(moment: datetime.datetime, *, time_of_day: bool = False) -> str:
    """The one text of a date/time cell, whatever the format: "2024-03-15T10:30:00".

    ISO 8601 as OpenDocument stores it and as the .xlsx and .xlsb readers render it, so the same
    cell reads the same from .xlsx, .xlsb, .ods, .xls and SpreadsheetML 2003: "2024-03-15" at
    midnight, "10:30:00" for a time of day (Excel's day zero). Seconds are whole.
    """
    if time_of_day:
        return moment.time().replace(microsecond=0).isoformat()
    if moment.time() == datetime.time(0):
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat()
