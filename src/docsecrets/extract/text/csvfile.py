"""CSV and TSV files: the delimiter is sniffed (`;` from French Excel, `,`, tab, `|`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from docsecrets.extract.common.cells import column_letters
from docsecrets.extract.common.decode import decode
from docsecrets.extract.context import Context
from docsecrets.types import Cell, Item, LimitExceeded, Location, Row
from docsecrets.extract.common.reason import reason

_DELIMITERS = (";", ",", "\t", "|")
csv.field_size_limit(1 << 24)


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if not any(counts):
            continue
        # consistent counts across lines beat a high count on one line
        common = max(set(counts), key=counts.count)
        score = counts.count(common) / len(counts) + (0.01 * common if common else -1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, line ends kept, one at a time: io.StringIO would copy a 60 MB file
    into a buffer of 4 bytes per character (240 MB) before the first row."""
    if "\n" not in text[:65536] and "\r" in text[:65536]:  # old Mac line ends: StringIO splits on "\r"
        yield from io.StringIO(text, newline="")
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    text = decode(data)
    reader = csv.reader(_lines(text), delimiter=_delimiter(text[:65536]))
    cells_seen = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells = tuple(Cell(text=value, column=col, ref=f"{column_letters(col)}{number}")
                          for col, value in enumerate(record, start=1) if value.strip())
            cells_seen += len(record)
            if cells_seen > ctx.limits.max_cells:
                raise LimitExceeded(f"more than {ctx.limits.max_cells:,} cells")
            if cells:
                yield Row(cells=cells, location=Location(row=number), table="csv")
    except csv.Error as exc:
        # A stray quote can make the rest unparseable as CSV: read it as plain text instead.
        from docsecrets.extract.text.text import blocks

        yield from blocks(text, part=f"unparsed CSV ({reason(exc)})")
