"""Cell values, formula literals, counts and element helpers shared by the OpenDocument readers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from lxml import etree

from docsecrets.extract.odf.names import qname, CALC_VALUE_TYPE, COLUMN, P, ROW, TEXT_STYLE, VALUE_TYPE

_ROW_GROUPS = frozenset(qname("table", n) for n in ("table-header-rows", "table-rows", "table-row-group"))
_COLUMN_GROUPS = frozenset(qname("table", n) for n in ("table-header-columns", "table-columns",
                                                       "table-column-group"))
_MAX_SPACES = 1000
_STRING_LITERAL = re.compile(r'^"((?:[^"]|"")*)"$')


# --------------------------------------------------------------------------- helpers

def document_kind(mimetype: str) -> str:
    """`application/vnd.oasis.opendocument.spreadsheet` -> `spreadsheet`, as office:body names it."""
    name = mimetype.strip().removeprefix("application/vnd.oasis.opendocument.").split("-")[0]
    return {"graphics": "drawing", "text": "text", "spreadsheet": "spreadsheet",
            "presentation": "presentation", "chart": "chart"}.get(name, "")


def table_parts(el: etree._Element) -> Iterator[etree._Element]:
    """Columns and rows of this table (not of tables nested in its cells), in order."""
    for child in el:
        if child.tag in (ROW, COLUMN):
            yield child
        elif child.tag in _ROW_GROUPS or child.tag in _COLUMN_GROUPS:
            yield from table_parts(child)


def plain_text(cell: etree._Element) -> str | None:
    """A cell made only of unstyled plain paragraphs (most cells): its text, read cheaply.
    None when anything else is inside and the full reader must look."""
    lines = []
    for child in cell:
        if child.tag != P or len(child) or child.get(TEXT_STYLE) is not None:
            return None
        lines.append(child.text or "")
    return "\n".join(lines).strip("\n")


def typed_value(cell: etree._Element) -> str:
    """The value of a cell that has no displayed text, written as the user would type it."""
    kind = cell.get(VALUE_TYPE) or cell.get(CALC_VALUE_TYPE) or ""
    if kind in ("float", "percentage", "currency"):
        return _number(cell.get(qname("office", "value")) or "")
    if kind == "boolean":
        value = (cell.get(qname("office", "boolean-value")) or "").lower()
        return {"true": "TRUE", "false": "FALSE"}.get(value, value)
    attr = {"date": "date-value", "time": "time-value", "string": "string-value"}.get(kind)
    return (cell.get(qname("office", attr)) or "") if attr else ""


def _number(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def formula_literal(expression: str) -> str:
    """`of:="s3cret"` -> `s3cret`; `of:=42` -> `42`; a reference or formula -> ""."""
    body = expression.removeprefix("of:").lstrip("=").strip()
    match = _STRING_LITERAL.match(body)
    if match:
        return match.group(1).replace('""', '"')
    if re.fullmatch(r"-?\d+(\.\d+)?", body):
        return body
    return body if '"' in body else ""


def repeat_count(value: str | None, cap: int | None = _MAX_SPACES) -> int:
    """A repeat / space count attribute: at least 1, at most cap."""
    try:
        number = max(1, int(value or 1))
    except ValueError:
        return 1
    return number if cap is None else min(number, cap)


def join_text(outer: str | None, inner: str | None) -> str | None:
    if not outer or outer == inner:
        return inner
    if not inner:
        return outer
    return f"{outer}, {inner}"


def all_text(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def tag_of_parent(el: etree._Element) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def release(el: etree._Element, prune: bool) -> None:
    """Free an element handled while streaming, and the empty shells before it."""
    if not prune:
        return
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]
