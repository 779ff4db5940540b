"""OpenDocument: ods, odt, odp/odg packages and their flat XML forms (fods, fodt, fodp).

Read straight from the XML (through SafeZip and the hardened `_xml` parser), not with
odfpy, which builds whole DOMs without our limits. One event handler serves every XML
stream of a document: styles.xml, meta.xml and content.xml of a package, a flat document,
or an embedded sub-document. Spreadsheet rows are handled as they end and then cleared,
other body content one top-level block at a time, so memory follows the largest block
rather than the whole part.

Modules: reader (entry: package or flat file, parts, embedded files), document (the event
handler of one XML stream), sheet (spreadsheet rows and cells), state (where the text sits,
styles, counters), values (cell values and element helpers), names (namespaces and tags).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import IO

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.partial import guarded, guarded_call, raise_collected
from docsecrets.extract.common.reason import reason
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.extract.odf.document import Doc
from docsecrets.extract.odf.names import (qname, COLUMN, FORMS, NAMED_EXPRESSIONS, ROOTS, ROW, TABLE, TABLE_CHANGES,
                                          TOP_LEVEL)
from docsecrets.extract.odf.state import Shared
from docsecrets.extract.odf.values import all_text, document_kind
from docsecrets.types import EncryptedError, ExtractError, Item, Location, Member, Segment


# Every element a spreadsheet's events are needed for (see _stream).
_SPREADSHEET_EVENTS = tuple(ROOTS | TOP_LEVEL | {
    qname("office", "spreadsheet"), TABLE, ROW, COLUMN, NAMED_EXPRESSIONS, TABLE_CHANGES, FORMS,
    qname("table", "shapes")})
_IMAGE_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "svg", "svm", "wmf", "emf", "webp", "ico", "pct",
    "pict", "mp3", "mp4", "wav", "avi", "mov", "ogg", "ttf", "otf", "woff", "woff2", "eot",
})
_SKIPPED_MEMBERS = frozenset({"mimetype", "content.xml", "styles.xml", "meta.xml", "settings.xml",
                              "manifest.rdf", "layout-cache"})
_SKIPPED_DIRS = ("META-INF/", "Thumbnails/", "Pictures/", "ObjectReplacements/", "Configurations2/",
                 "Dialogs/", "Fonts/", "Basic/")
_BASIC_INDEXES = frozenset({"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"})
_FLAT_ROOT = re.compile(rb'<office:document\s[^>]*?office:mimetype="([^"]{1,100})"')


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    if data[:2] == b"PK":
        yield from _package(data, ctx)
    elif data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        yield from _flat(data, ctx)
    else:
        raise ExtractError("neither an OpenDocument package (zip) nor a flat OpenDocument XML file")


# --------------------------------------------------------------------------- containers

def _flat(data: bytes, ctx: Context) -> Iterator[Item]:
    root = _FLAT_ROOT.search(data[:65536])
    doc = Doc(Shared(ctx), kind=document_kind(root.group(1).decode("ascii", "replace")) if root else "")
    yield from _stream(doc, io.BytesIO(data))
    if not doc.saw_body:
        raise ExtractError("flat OpenDocument without office:body")


def _package(data: bytes, ctx: Context) -> Iterator[Item]:
    archive = SafeZip(data, ctx)
    problems: list[ExtractError] = []
    encrypted = _encrypted_parts(archive, problems)
    if "content.xml" in encrypted or (encrypted and not archive.has("content.xml")):
        raise EncryptedError("password-protected OpenDocument (content.xml is encrypted)")
    if not archive.has("content.xml"):
        raise ExtractError("no content.xml: not an OpenDocument package")
    shared = Shared(ctx)
    kind = document_kind(archive.read("mimetype")[:100].decode("ascii", "replace")) if archive.has("mimetype") else ""
    if archive.has("meta.xml") and "meta.xml" not in encrypted:
        yield from _part(archive, "meta.xml", Doc(shared), problems)
    objects = sorted(name[: -len("content.xml")] for name in archive.names()
                     if name.endswith("/content.xml") and name not in encrypted)
    for prefix in ["", *objects]:
        doc = Doc(shared, prefix=prefix, hidden="embedded object" if prefix else None,
                  kind="" if prefix else kind)
        if archive.has(prefix + "styles.xml") and prefix + "styles.xml" not in encrypted:
            yield from _part(archive, prefix + "styles.xml", doc, problems)
        if prefix:
            yield from _part(archive, prefix + "content.xml", doc, problems)
        else:
            # The document's own content must be readable: its errors are not partial damage.
            yield from _stream(doc, archive.open("content.xml"))
            if not doc.saw_body:
                raise ExtractError("content.xml has no office:body")
    yield from _package_files(archive, objects, encrypted, problems)
    if encrypted:
        problems.insert(0, EncryptedError(f"encrypted parts left unread: {', '.join(sorted(encrypted))}"))
    raise_collected(problems, most=None)


def _stream(doc: Doc, source: IO[bytes]) -> Iterator[Item]:
    # lxml builds every element either way; asking only for the events a spreadsheet needs
    # halves the time spent on big sheets, whose cells are read from their row.
    tags = _SPREADSHEET_EVENTS if doc.kind == "spreadsheet" else None
    return doc.feed(_xml.iterparse(source, events=("start", "end"), tags=tags), prune=True)


def _part(archive: SafeZip, name: str, doc: Doc, problems: list[ExtractError]) -> Iterator[Item]:
    """A part whose damage should not hide the rest of the document (common.partial's policy)."""
    return guarded(problems, _opened(archive, name, doc), _unreadable(name))


def _opened(archive: SafeZip, name: str, doc: Doc) -> Iterator[Item]:
    yield from _stream(doc, archive.open(name))


def _unreadable(name: str) -> Callable[[ExtractError], str]:
    return lambda exc: f"{name} unreadable: {reason(exc)}"


def _encrypted_parts(archive: SafeZip, problems: list[ExtractError]) -> set[str]:
    name = "META-INF/manifest.xml"
    if not archive.has(name):
        return set()
    root = guarded_call(problems, lambda: _xml.parse(archive.read(name)), _unreadable(name))
    if root is None:
        return set()
    path_attr = qname("manifest", "full-path")
    return {entry.get(path_attr) or "" for entry in root.iter(qname("manifest", "file-entry"))
            if entry.find(qname("manifest", "encryption-data")) is not None}


def _package_files(archive: SafeZip, objects: list[str], encrypted: set[str],
                   problems: list[ExtractError]) -> Iterator[Item]:
    """Macros and embedded files beside the XML parts: macro source, OLE objects, scripts."""
    for name in archive.names():
        base = name.rsplit("/", 1)[-1]
        if (name.endswith("/") or name in encrypted or name in _SKIPPED_MEMBERS
                or any(name.startswith(obj) for obj in objects)
                or base.rsplit(".", 1)[-1].lower() in _IMAGE_SUFFIXES):
            continue
        if name.startswith("Basic/"):
            if name.endswith(".xml") and base not in _BASIC_INDEXES:
                yield from _basic_module(archive, name, problems)
            continue
        if name.startswith(_SKIPPED_DIRS):
            continue
        if name.startswith("Scripts/"):
            hidden = "macro script"
        elif base.startswith("Object "):
            hidden = "embedded object"
        else:
            hidden = "embedded file"
        yield Member(name=name, data=archive.read(name), hidden=hidden)


def _basic_module(archive: SafeZip, name: str, problems: list[ExtractError]) -> Iterator[Item]:
    root = guarded_call(problems, lambda: _xml.parse(archive.read(name)), _unreadable(name))
    if root is None:
        return
    source = all_text(root).strip()
    module = name[len("Basic/"):].removesuffix(".xml")
    if source:
        yield Segment(text=source, location=Location(part=name, line=1), hidden=f"macro module '{module}'")
