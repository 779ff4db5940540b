"""OpenDocument files (.ods, .odt, .odp) rewritten member by member, with lxml.

No OpenDocument library is a dependency, and the format is plain: a zip whose `mimetype`
member comes first, uncompressed, and whose text sits in XML parts. Each XML part is parsed
with entities and network off; a paragraph's text (`text:p`, `text:h`) is read across its
spans, so a password split by formatting is found; a number, date or string cell whose value
is a secret becomes a text cell (its value attribute would otherwise show the number again);
properties in meta.xml that hold a secret are emptied. The preview picture
(Thumbnails/thumbnail.png, a rendering of the first page that can show the password) is
dropped, with its manifest entry. Every other member is copied byte for byte, in order.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from docsecrets.mask._replace import Replacer, rewrite, sub_tail_and_attributes
from docsecrets.mask.errors import MaskRefused

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_PARAGRAPHS = (f"{{{_TEXT}}}p", f"{{{_TEXT}}}h")
_CELL = f"{{{_TABLE}}}table-cell"
_VALUE_ATTRIBUTES = tuple(f"{{{_OFFICE}}}{name}" for name in (
    "value", "date-value", "time-value", "boolean-value", "string-value", "currency"))
_THUMBNAILS = "Thumbnails/"


def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = source.infolist()
    if not infos or infos[0].filename != "mimetype":
        raise MaskRefused("an OpenDocument file whose first member is not `mimetype` is not rewritten; convert "
                          "it (soffice --headless --convert-to) and mask the copy, or quarantine it")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in infos:
            if info.filename.startswith(_THUMBNAILS):
                continue
            payload = source.read(info)
            if info.filename == "META-INF/manifest.xml":
                payload = _without_thumbnails(payload)
            elif info.filename.endswith(".xml"):
                payload = _mask_part(payload, replacer, properties=info.filename == "meta.xml")
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            copy.create_system = info.create_system
            target.writestr(copy, payload)
    return out.getvalue()


def _parse(payload: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(payload, parser)


def _serialise(root: etree._Element) -> bytes:
    serialised: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return serialised


def _without_thumbnails(payload: bytes) -> bytes:
    root = _parse(payload)
    for entry in list(root.iter(f"{{{_MANIFEST}}}file-entry")):
        if (entry.get(f"{{{_MANIFEST}}}full-path") or "").startswith(_THUMBNAILS):
            entry.getparent().remove(entry)
    return _serialise(root)


def _mask_part(payload: bytes, replacer: Replacer, *, properties: bool) -> bytes:
    root = _parse(payload)
    before, replacer.changed = replacer.changed, False
    if properties:
        for element in root.iter():
            if isinstance(element.tag, str) and element.text and replacer.holds(element.text):
                element.text = ""  # a property that holds a secret is stripped, not half-kept
    for paragraph in root.iter(*_PARAGRAPHS):
        slots = list(_slots(paragraph))
        texts = [getattr(element, where) or "" for element, where in slots]
        spans = replacer.spans("".join(texts))
        if spans:
            for (element, where), text in zip(slots, rewrite(texts, spans)):
                setattr(element, where, text)
    for cell in root.iter(_CELL):
        _retype_cell(cell, replacer)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text:
            element.text = replacer.sub(element.text)
        sub_tail_and_attributes(element, replacer)
    changed, replacer.changed = replacer.changed, replacer.changed or before
    return _serialise(root) if changed else payload


def _slots(paragraph: etree._Element) -> list[tuple[etree._Element, str]]:
    """The text and tail slots holding a paragraph's own text, in reading order; a nested
    paragraph (an annotation, a note, a frame's text box) is left to its own pass."""
    slots: list[tuple[etree._Element, str]] = [(paragraph, "text")]

    def walk(element: etree._Element) -> None:
        if not isinstance(element.tag, str) or element.tag in _PARAGRAPHS or _holds_paragraphs(element):
            slots.append((element, "tail"))
            return
        slots.append((element, "text"))
        for child in element:
            walk(child)
        slots.append((element, "tail"))

    for child in paragraph:
        walk(child)
    return slots


def _holds_paragraphs(element: etree._Element) -> bool:
    return next(element.iter(*_PARAGRAPHS), None) is not None


def _retype_cell(cell: etree._Element, replacer: Replacer) -> None:
    """A cell whose typed value is a secret becomes a text cell: LibreOffice shows the value
    attribute, not the paragraph, for numbers and dates."""
    typed = [cell.get(name) or "" for name in _VALUE_ATTRIBUTES if cell.get(name) is not None]
    text_value = cell.get(f"{{{_OFFICE}}}string-value")
    if not any(replacer.equals(form) for value in typed for form in _forms(value)) and \
            not (text_value and replacer.holds(text_value)):
        return
    for name in _VALUE_ATTRIBUTES:
        cell.attrib.pop(name, None)
    cell.set(f"{{{_OFFICE}}}value-type", "string")
    if cell.get(f"{{{_CALCEXT}}}value-type") is not None:
        cell.set(f"{{{_CALCEXT}}}value-type", "string")
    if next(cell.iter(*_PARAGRAPHS), None) is None:
        paragraph = etree.SubElement(cell, f"{{{_TEXT}}}p")
        paragraph.text = replacer.mask


def _forms(value: str) -> list[str]:
    forms = [value]
    try:
        number = float(value)
    except ValueError:
        return forms
    if number.is_integer() and abs(number) < 1e16:
        forms.append(str(int(number)))
    return forms
