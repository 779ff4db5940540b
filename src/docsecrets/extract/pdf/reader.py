"""PDF: page text as paragraphs and table-like rows, plus the places a reader does not look.

Per page, pdfminer's layout analysis gives text lines grouped into boxes (paragraphs). Each
box becomes a Segment, so "Mot de passe : X" laid out as one paragraph is seen whole. The
same lines are regrouped into visual rows by vertical position; a row with two or more
horizontally separated pieces is a table row, yielded as a Row whose cells carry page-wide
column numbers, so a header "Mot de passe" and the values under it share a column index.

Hidden text: white, invisible (render mode 3/7) or off-page characters; annotations,
form fields, the info dictionary and XMP metadata; attached files come out as Members.

Page text comes from PDFium (pypdfium2) when it opens the file: its positioned characters are
grouped into lines and text boxes by pdfminer's own layout rules (pdfium.py),
about 4x faster than pdfminer's layout analysis. pdfminer's layout (pages.py) reads a
page when PDFium cannot open the file or fails on that page, when the file had to be repaired,
and always with DOCSECRETS_PDF_BACKEND=pdfminer. Both produce plain `Line` values from which
rows, columns and paragraphs are built. pdfminer's parser stays the authority on encryption and
the page tree; annotations, form fields, metadata and attachments walk its object model through
the small helpers of objects.py (no layout analysis, so they are cheap).

Modules: reader (entry, opening and repair), state (what one extraction has seen), pages (the page
loop and pdfminer's layout), pdfium (PDFium's characters to lines), lines (the backend-neutral line
and ruling values), rows (rows, columns, paragraphs), objects (annotations, form fields, metadata,
attachments).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator

from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdftypes import PDFObjRef

from docsecrets.extract.common.partial import raise_collected
from docsecrets.extract.common.reason import reason
from docsecrets.extract.context import Context
from docsecrets.extract.pdf.objects import MAX_TREE_DEPTH, embedded_files, form_fields, info_items, xmp_items
from docsecrets.extract.pdf.pages import read_pages
from docsecrets.extract.pdf.pdfium import pdfium_open
from docsecrets.extract.pdf.state import State
from docsecrets.types import EncryptedError, ExtractError, Item

_MAX_PROBLEMS_LISTED = 3
_OBJ_HEADER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+obj\b")
_CATALOG = re.compile(rb"/Type\s*/Catalog\b")


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if b"%PDF-" not in data[:1024]:
        raise ExtractError("not a PDF (no %PDF- header)")
    # pdfminer logs every oddity it recovers from; Python's last-resort handler would print them.
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield from _extract(data, ctx)


def _extract(data: bytes, ctx: Context) -> Iterator[Item]:
    state = State(ctx=ctx)
    doc, damage = _open(data)
    if damage:
        state.problems.append(ExtractError(f"{damage} (read what object scanning could recover)"))
    pdf = None if damage else pdfium_open(data)  # a repaired file: pdfminer's page tree is the one read
    try:
        yield from read_pages(doc, state, pdf)
    finally:
        if pdf is not None:
            pdf.close()
    yield from state.guard("form fields", form_fields, doc, state)
    yield from state.guard("document info", info_items, doc, state)
    yield from state.guard("XMP metadata", xmp_items, doc, state)
    yield from state.guard("embedded files", embedded_files, doc, state)
    if state.pages_read == 0 and not state.problems:
        state.problems.append(ExtractError("truncated or corrupt PDF: no page found"))
    _raise_problems(state.problems)


def _raise_problems(problems: list[ExtractError]) -> None:
    raise_collected(problems, most=_MAX_PROBLEMS_LISTED)


# --- opening -------------------------------------------------------------------------------


def _open(data: bytes) -> tuple[PDFDocument, str | None]:
    """The document, and why it had to be repaired first (None when it opened as is)."""
    try:
        return _pdfminer_open(data), None
    except EncryptedError:
        raise
    except ExtractError as exc:
        repaired = _repaired(data)
        if repaired is None:
            raise
        try:
            return _pdfminer_open(repaired), str(exc)
        except ExtractError:
            raise exc from None


def _repaired(data: bytes) -> bytes | None:
    """A truncated PDF (download cut short: no xref, no trailer) made readable.

    pdfminer's fallback scans the file for `n 0 obj` headers but gives up on an object cut
    in the middle and needs a trailer naming the catalog. So: keep everything up to the last
    complete object and append a trailer pointing at the catalog, or at a bare catalog, which
    makes pdfminer look for /Type /Page objects itself.
    """
    end = data.rfind(b"endobj")
    if end < 0:
        return None
    body = data[:end + len(b"endobj")]
    catalog = None
    for catalog in _CATALOG.finditer(body):
        pass  # the last one: an incremental update's catalog supersedes earlier ones
    headers = list(_OBJ_HEADER.finditer(body, max(0, catalog.start() - 4096), catalog.start())) if catalog else []
    if headers:
        return body + b"\ntrailer\n<< /Root %s 0 R >>\n" % headers[-1].group(1)
    root = 1 + max((int(m.group(1)) for m in _OBJ_HEADER.finditer(body)), default=0)
    return body + b"\n%d 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root %d 0 R >>\n" % (root, root)


class _Document(PDFDocument):
    """pdfminer's document, minus the hang on an object that is a reference to itself.

    `resolve1` follows references until it meets something else; `5 0 obj 5 0 R endobj`
    (or a longer cycle) would keep it, and pdfminer's own page tree walk, spinning forever.
    """

    def getobj(self, objid: int) -> object:
        obj = super().getobj(objid)
        seen = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in seen or len(seen) > MAX_TREE_DEPTH:
                raise PDFObjectNotFound(f"object {objid} is a reference loop")  # read as missing
            seen.add(obj.objid)
            obj = super().getobj(obj.objid)
        return obj


def _pdfminer_open(data: bytes) -> PDFDocument:
    try:
        return _Document(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise EncryptedError("PDF encrypted with a user password") from None
    except PDFEncryptionError as exc:
        raise EncryptedError(f"PDF encryption not supported: {reason(exc)}") from None
    except RecursionError:
        raise ExtractError("truncated or corrupt PDF: reference loop (recursion too deep)") from None
    except Exception as exc:  # garbage makes pdfminer raise anything from KeyError to PSEOF
        raise ExtractError(f"truncated or corrupt PDF: {reason(exc)}") from None
