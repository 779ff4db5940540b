"""Annotations, form fields, document info, XMP metadata and attached files, read from pdfminer's
object model (no layout analysis), and the small PDF object helpers they share.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterator
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.pdf.state import State
from docsecrets.types import ExtractError, Item, LimitExceeded, Location, Member, Segment

MAX_TREE_DEPTH = 64  # form field / name tree nesting; real files stay under 10
_SKIPPED_INFO_KEYS = frozenset({"CreationDate", "ModDate", "Trapped"})
_SKIPPED_XMP = frozenset({"CreateDate", "ModifyDate", "MetadataDate", "format", "Trapped"})
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_BOOKKEEPING = ("{" + _RDF, "{http://www.aiim.org/pdfa/ns/", "{http://ns.adobe.com/xap/1.0/sType/",
                    "{http://ns.adobe.com/xap/1.0/mm/")


_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h\d)\b[^>]*>", re.IGNORECASE)
_XPACKET = re.compile(rb"<\?xpacket[^>]*>")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- annotations, form fields, properties, attachments -------------------------------------------


def annotation_items(annots: object, page: int, state: State) -> Iterator[Item]:
    for ref, annot in _resolved_list(annots):
        if not isinstance(annot, dict):
            continue
        if ref is not None:
            state.page_of_object[ref] = page
        subtype = _name(annot.get("Subtype")) or "annotation"
        location = Location(page=page, part="annotation")
        if subtype == "Widget":
            if ref is not None:
                state.widgets.append((ref, annot))
            continue
        if subtype == "Popup":
            continue  # repeats its parent's /Contents
        if subtype == "Link":
            uri = _text(_get(_get(annot, "A"), "URI"))
            if uri:
                yield Segment(text=uri, location=location, hidden="link target")
            continue
        author = _text(annot.get("T"))
        hidden = f"PDF annotation ({subtype}) by {author}" if author else f"PDF annotation ({subtype})"
        contents = _text(annot.get("Contents"))
        if contents:
            yield Segment(text=contents, location=location, hidden=hidden)
        rich = _rich_text(_text(annot.get("RC")))
        if rich and " ".join(rich.split()) != " ".join((contents or "").split()):
            yield Segment(text=rich, location=location, hidden=hidden)
        if subtype == "FileAttachment":
            yield from _attachment(annot.get("FS"), None, state)


def form_fields(doc: PDFDocument, state: State) -> Iterator[Item]:
    fields = _get(_get(doc.catalog, "AcroForm"), "Fields")
    for ref, node in _resolved_list(fields):
        yield from _field(ref, node, (), state, depth=0)
    # Widgets whose field is missing from /AcroForm /Fields still hold a value people typed.
    for ref, widget in state.widgets:
        if ref not in state.fields_seen:
            top_ref, top = _field_root(ref, widget)
            yield from _field(top_ref, top, (), state, depth=0)


def _field_root(ref: int | None, node: dict[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """The top of a widget's /Parent chain: the field that holds its name and value."""
    for _ in range(MAX_TREE_DEPTH):
        parent_ref = node.get("Parent")
        parent = resolve1(parent_ref)
        if not isinstance(parent, dict):
            break
        ref, node = _ref_id(parent_ref), parent
    return ref, node


def _field(ref: int | None, node: object, parents: tuple[str, ...], state: State, *, depth: int) -> Iterator[Item]:
    if not isinstance(node, dict) or depth >= MAX_TREE_DEPTH:
        return
    if ref is not None:
        if ref in state.fields_seen:
            return  # a /Kids loop or a field listed twice
        state.fields_seen.add(ref)
    partial = _text(node.get("T"))
    names = (*parents, partial) if partial else parents
    value = _field_value(node.get("V"))
    if value and names:
        page = state.page_of_object.get(ref) if ref is not None else None
        kids = [kid_ref for kid_ref, _kid in _resolved_list(node.get("Kids"))]
        page = page or next((state.page_of_object[k] for k in kids if k in state.page_of_object), None)
        if page is None:
            page = state.page_of_object.get(_ref_id(node.get("P")) or -1)
        full_name = ".".join(names)
        yield Segment(text=f"{names[-1]}: {value}", location=Location(page=page, part="form field"),
                      hidden=f"PDF form field '{full_name}'")
    for kid_ref, kid in _resolved_list(node.get("Kids")):
        yield from _field(kid_ref, kid, names, state, depth=depth + 1)


def _field_value(value: object) -> str | None:
    value = resolve1(value)
    if isinstance(value, list):  # multi-select choice
        texts = [t for t in (_text(v) for v in value) if t]
        return ", ".join(texts) or None
    if isinstance(value, PSLiteral):
        return None  # check box / radio state names (/Yes, /Off): never typed by a person
    if isinstance(value, PDFStream):
        return _rich_text(_text(value))
    text = _text(value)
    return text if text and text.strip() else None


def info_items(doc: PDFDocument, state: State) -> Iterator[Item]:
    seen: set[tuple[str, str]] = set()
    for info in doc.info:
        for key, raw in info.items():
            name = _name(key) or str(key)
            value = _text(raw)
            if name in _SKIPPED_INFO_KEYS or not value or not value.strip() or (name, value) in seen:
                continue
            seen.add((name, value))
            state.values_seen.add(value.strip())
            yield Segment(text=f"{name}: {value}", location=Location(part="document info"),
                          hidden=f"document property '{name}'")


def xmp_items(doc: PDFDocument, state: State) -> Iterator[Item]:
    stream = resolve1(doc.catalog.get("Metadata"))
    if not isinstance(stream, PDFStream):
        return
    data = _stream_data(stream, "XMP metadata", state)
    if data is None or not data.strip():
        return
    root = _xmp_root(data)
    location = Location(part="XMP metadata")
    for name, value in _xmp_properties(root):
        if name in _SKIPPED_XMP or value in state.values_seen:
            continue
        state.values_seen.add(value)
        yield Segment(text=f"{name}: {value}", location=location, hidden="XMP metadata")


def _xmp_root(data: bytes) -> Any:
    """Parse an XMP packet, forgiving what writers commonly get wrong (a mangled BOM in the
    xpacket header, NUL padding, bytes that do not match the declared encoding)."""
    data = _XPACKET.sub(b"", data).strip(b"\x00 \r\n\t")
    try:
        return _xml.parse(data)
    except LimitExceeded:
        raise
    except ExtractError:
        text = _XML_INVALID.sub("", data.decode("utf-8", "replace"))
        text = _XML_DECLARATION.sub("", text.lstrip())  # its encoding no longer holds
        return _xml.parse(text.encode("utf-8"))


def _xmp_properties(root: Any) -> Iterator[tuple[str, str]]:
    """(property, text) for every non-empty text node and rdf:Description attribute."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if _xml.local(element.tag) == "Description":
            for attribute, value in element.attrib.items():
                if not _xmp_bookkeeping(str(attribute)) and str(value).strip():
                    yield _xml.local(attribute), str(value).strip()
        text = (element.text or "").strip()
        tag = str(_xmp_property(element).tag)
        if text and len(element) == 0 and not _xmp_bookkeeping(tag):
            yield _xml.local(tag), text


def _xmp_bookkeeping(tag: str) -> bool:
    """RDF syntax, PDF/A extension schema descriptions and edit history: never typed by a person."""
    return tag.startswith(_XMP_BOOKKEEPING)


def _xmp_property(element: Any) -> Any:
    """The property an rdf:li / rdf:Alt value belongs to (dc:subject for a keyword)."""
    while element.getparent() is not None and str(element.tag).startswith("{" + _RDF):
        element = element.getparent()
    return element


def embedded_files(doc: PDFDocument, state: State) -> Iterator[Item]:
    tree = _get(_get(doc.catalog, "Names"), "EmbeddedFiles")
    for key, spec in _name_tree(tree, depth=0, seen=set()):
        yield from state.guard(f"attachment {key!r}", _attachment, spec, key, state)


def _name_tree(node: object, *, depth: int, seen: set[int]) -> Iterator[tuple[str | None, object]]:
    node = resolve1(node)
    if not isinstance(node, dict) or depth >= MAX_TREE_DEPTH:
        return
    names = resolve1(node.get("Names"))
    if isinstance(names, list):
        for i in range(0, len(names) - 1, 2):
            yield _text(names[i]), names[i + 1]
    for ref, kid in _resolved_list(node.get("Kids")):
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        yield from _name_tree(kid, depth=depth + 1, seen=seen)


def _attachment(spec: object, key: str | None, state: State) -> Iterator[Item]:
    spec = resolve1(spec)
    if not isinstance(spec, dict):
        return
    files = resolve1(spec.get("EF"))
    if not isinstance(files, dict):
        return  # a reference to an external file: nothing inside this PDF
    stream = resolve1(files.get("UF") or files.get("F"))
    if not isinstance(stream, PDFStream):
        return
    if stream.objid is not None:
        if stream.objid in state.files_seen:
            return  # listed both in /EmbeddedFiles and as a FileAttachment annotation
        state.files_seen.add(stream.objid)
    name = _text(spec.get("UF")) or _text(spec.get("F")) or key or "attachment"
    data = _stream_data(stream, f"attachment {name!r}", state)
    if data is not None:
        yield Member(name=name, data=data, hidden="PDF attachment")


def _stream_data(stream: PDFStream, what: str, state: State) -> bytes | None:
    """Decoded stream bytes within max_part_size (else LimitExceeded: the file stops), charged to the budget."""
    limit = state.ctx.limits.max_part_size
    if _inflates_past(stream, limit):
        raise LimitExceeded(f"{what} inflates past {limit:,} bytes")
    data = stream.get_data()
    if len(data) > limit:
        raise LimitExceeded(f"{what} is {len(data):,} bytes (limit {limit:,})")
    state.ctx.budget.charge(len(data))
    return data


def _inflates_past(stream: PDFStream, limit: int) -> bool:
    """Inflate a Flate stream in chunks, keeping nothing, to refuse a bomb before pdfminer
    decompresses it whole in memory."""
    filters = stream.get_filters()
    raw = stream.rawdata
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or raw is None:
        return False
    if stream.decipher is not None and stream.objid is not None and stream.genno is not None:
        raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= limit:
            size += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return False  # pdfminer has its own recovery for damaged streams
    return size > limit


# --- PDF object helpers --------------------------------------------------------------------------


def _get(obj: object, key: str) -> object:
    obj = resolve1(obj)
    return resolve1(obj.get(key)) if isinstance(obj, dict) else None


def _ref_id(obj: object) -> int | None:
    return obj.objid if isinstance(obj, PDFObjRef) and isinstance(obj.objid, int) else None


def _resolved_list(obj: object) -> Iterator[tuple[int | None, object]]:
    """(object id or None, resolved object) for each entry of a PDF array."""
    items = resolve1(obj)
    if not isinstance(items, list):
        return
    for item in items:
        yield _ref_id(item), resolve1(item)


def _name(obj: object) -> str | None:
    obj = resolve1(obj)
    return obj.name if isinstance(obj, PSLiteral) and isinstance(obj.name, str) else None


def _text(obj: object) -> str | None:
    """A PDF text string as str: UTF-16 or UTF-8 with a byte order mark, else PDFDocEncoding."""
    obj = resolve1(obj)
    if isinstance(obj, PDFStream):
        obj = obj.get_data()
    if isinstance(obj, str):
        return obj
    if isinstance(obj, PSLiteral):
        return str(obj.name)
    if not isinstance(obj, bytes):
        return None
    if obj.startswith(b"\xfe\xff"):
        return obj[2:].decode("utf-16-be", "replace").replace("\x00", "")
    if obj.startswith(b"\xff\xfe"):
        return obj[2:].decode("utf-16-le", "replace").replace("\x00", "")
    if obj.startswith(b"\xef\xbb\xbf"):
        return obj[3:].decode("utf-8", "replace")
    return str(decode_text(obj))


def _rich_text(markup: str | None) -> str | None:
    """The words of an XHTML rich-text string (/RC), tags dropped."""
    if not markup:
        return None
    # Block elements end a line; inline ones (<b>, <span>) may sit inside a word.
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    joined = "\n".join(line for line in lines if line)
    return joined or None
