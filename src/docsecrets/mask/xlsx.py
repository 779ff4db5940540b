"""Excel workbooks (.xlsx, .xlsm, .xltx) through openpyxl: cells (numbers typed as numbers
too), comments, hyperlinks, defined names, headers and footers, data validation messages, on
every sheet, hidden or not; macros kept (keep_vba) in .xlsm. Properties holding a secret are
stripped.

openpyxl writes back what it understands: shapes and text boxes in drawings, and cached
results of formulas, are not kept (LibreOffice and Excel recompute formulas on opening).
"""

from __future__ import annotations

import io
from typing import Any

from docsecrets.mask._replace import Replacer

_HEADER_FOOTERS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
_VALIDATION_TEXT = ("formula1", "formula2", "prompt", "promptTitle", "error", "errorTitle")
_LINK_TEXT = ("target", "location", "display", "tooltip")
_PROPERTIES = ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category",
               "contentStatus", "identifier", "language", "revision", "version")


def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes:
    import openpyxl

    macros = suffix in ("xlsm", "xltm")
    book = openpyxl.load_workbook(io.BytesIO(data), keep_vba=macros, keep_links=True, rich_text=False)
    for sheet in book.worksheets:
        _mask_sheet(sheet, replacer)
        for defined in getattr(sheet, "defined_names", {}).values():
            _mask_attrs(defined, ("attr_text",), replacer)
    for defined in book.defined_names.values():
        _mask_attrs(defined, ("attr_text",), replacer)
    _strip_properties(book, replacer)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mask_sheet(sheet: Any, replacer: Replacer) -> None:
    from openpyxl.comments import Comment

    for cell in list(sheet._cells.values()):  # only the cells that exist: iter_rows would create the rest
        value = cell.value
        if isinstance(value, str):
            masked = replacer.sub(value)
            if masked != value:
                cell.value = masked
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if any(replacer.equals(text) for text in _number_texts(value)):
                cell.value = replacer.mask  # the number 20122013 typed as a number: the cell becomes text
        if cell.comment is not None:
            comment = cell.comment
            text, author = replacer.sub(comment.text or ""), replacer.sub(comment.author or "")
            if (text, author) != (comment.text or "", comment.author or ""):
                cell.comment = Comment(text, author, width=comment.width, height=comment.height)
        if cell.hyperlink is not None:
            _mask_attrs(cell.hyperlink, _LINK_TEXT, replacer)
    for name in _HEADER_FOOTERS:
        header_footer = getattr(sheet, name, None)
        for section in (getattr(header_footer, side, None) for side in ("left", "center", "right")):
            if section is not None:
                _mask_attrs(section, ("text",), replacer)
    for validation in sheet.data_validations.dataValidation:
        _mask_attrs(validation, _VALIDATION_TEXT, replacer)


def _number_texts(value: int | float) -> list[str]:
    """How a number cell reads as text: as the extractor shows it, and its plain forms."""
    texts = [str(value)]
    if isinstance(value, float) and value.is_integer():
        texts.insert(0, str(int(value)))
    return texts


def _mask_attrs(obj: Any, names: tuple[str, ...], replacer: Replacer) -> None:
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, str):
            masked = replacer.sub(value)
            if masked != value:
                setattr(obj, name, masked)


def _strip_properties(book: Any, replacer: Replacer) -> None:
    properties = book.properties
    for name in _PROPERTIES:
        value = getattr(properties, name, None)
        if isinstance(value, str) and replacer.holds(value):
            setattr(properties, name, None)
    custom = getattr(book, "custom_doc_props", None)
    if custom is not None:
        keep = [prop for prop in custom.props
                if not (isinstance(prop.value, str) and replacer.holds(prop.value)) and not replacer.holds(prop.name)]
        if len(keep) != len(custom.props):
            custom.props = keep
