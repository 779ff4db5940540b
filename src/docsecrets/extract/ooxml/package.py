"""What every OOXML package (Word, PowerPoint, Excel) shares: opening the package, parts and
relationships, namespace-agnostic element names, embedded members and document properties."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO
from urllib.parse import unquote

from lxml import etree

from docsecrets.extract.common import xml as _xml
from docsecrets.extract.common.partial import guarded_block, raise_collected
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.sniff import OLE_MAGIC
from docsecrets.types import EncryptedError, ExtractError, LimitExceeded, Location, Member, Segment


# Transitional and Strict namespaces map to one short prefix, so "w:t" means both.
PREFIXES = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
    "http://purl.oclc.org/ooxml/wordprocessingml/main": "w",
    "http://schemas.openxmlformats.org/presentationml/2006/main": "p",
    "http://purl.oclc.org/ooxml/presentationml/main": "p",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://purl.oclc.org/ooxml/drawingml/main": "a",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "wp",
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": "wp",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "http://purl.oclc.org/ooxml/officeDocument/math": "m",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "urn:schemas-microsoft-com:vml": "v",
}
_REL_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships")
_OLE_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def qname(el: etree._Element) -> str:
    """`{uri}t` -> "w:t" for the namespaces we read; "?:t" for others; "" for comments/PIs."""
    return _short(el.tag)


@functools.lru_cache(maxsize=4096)  # a document uses a few hundred distinct tags, millions of times
def _short(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions have a function as their tag
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    return f"{PREFIXES.get(uri, '?')}:{name}"


def attr(el: etree._Element, name: str) -> str | None:
    """An attribute in the element's own namespace (w:val on w:color, ...)."""
    tag = el.tag
    key = tag[: tag.index("}") + 1] + name if isinstance(tag, str) and tag.startswith("{") else name
    value: str | None = el.get(key)
    return value


def rel_id(el: etree._Element, name: str = "id") -> str | None:
    for uri in _REL_NAMESPACES:
        value: str | None = el.get(f"{{{uri}}}{name}")
        if value:
            return value
    return None


def child(el: etree._Element, name: str) -> etree._Element | None:
    for sub in el:
        if qname(sub) == name:
            return sub
    return None


def pick_alternate(el: etree._Element) -> etree._Element | None:
    """mc:AlternateContent holds one rendering per consumer: read the first choice, or the
    fallback when only the fallback carries text, never both (they repeat the same content)."""
    choice = child(el, "mc:Choice")
    fallback = child(el, "mc:Fallback")
    if choice is not None and (fallback is None or _has_text(choice) or not _has_text(fallback)):
        return choice
    return fallback


def _has_text(el: etree._Element) -> bool:
    return any(qname(sub) in ("w:t", "a:t", "w:delText") and sub.text for sub in el.iter())


def join_reasons(*reasons: str | None) -> str | None:
    return "; ".join(r for r in reasons if r) or None


def natural_key(name: str) -> list[object]:
    """header2.xml before header10.xml."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name.lower())]


@dataclass(frozen=True, slots=True)
class Rel:
    type: str  # last segment of the relationship type URI: "header", "hyperlink", "slide", ...
    target: str  # a part name inside the package, or the URL when external
    external: bool


class Package:
    """An OOXML package: parts looked up the forgiving way (part names are case-insensitive in
    OPC; some writers use `\\` separators or %-escape a target), relationships resolved to part
    names, a part parsed whole or streamed."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self._names = {name.replace("\\", "/").lower(): name for name in archive.names()}

    def find(self, name: str) -> str | None:
        key = name.replace("\\", "/").lstrip("/").lower()
        return self._names.get(key) or self._names.get(unquote(key))

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def parse(self, name: str) -> etree._Element:
        """A whole (small) part as a tree; a syntax error names the part."""
        data = self.read(name)
        try:
            return _xml.parse(data)
        except LimitExceeded:
            raise
        except ExtractError as exc:
            raise ExtractError(f"{name}: {exc}") from None

    def stream(self, name: str, *, whole: bool = False) -> IO[bytes]:
        """A member to iterparse, inflated chunk by chunk under SafeZip's limits (`whole`: one
        whose content is kept, so it must fit max_part_size like a part read whole)."""
        return self.archive.open(name, whole=whole)

    def rels(self, part: str) -> dict[str, Rel]:
        """Relationships of `part` ("" for the package itself) by id; {} when it has none.
        TargetMode is compared case-insensitively ("External", "external")."""
        folder, base = posixpath.split(part.replace("\\", "/"))
        rels_part = self.find(posixpath.join(folder, "_rels", base + ".rels"))
        if rels_part is None:
            return {}
        out: dict[str, Rel] = {}
        for rel in self.parse(rels_part):
            rid, target = rel.get("Id"), rel.get("Target")
            if _xml.local(rel.tag) != "Relationship" or not rid or target is None:
                continue
            external = (rel.get("TargetMode") or "").lower() == "external"
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            out[rid] = Rel(type=kind, target=target if external else self._resolve(folder, target),
                           external=external)
        return out

    def targets(self, rels: dict[str, Rel], kind: str) -> list[str]:
        """Existing internal parts of one relationship type, in natural name order."""
        found = {self.find(r.target) for r in rels.values() if r.type == kind and not r.external}
        return sorted((name for name in found if name), key=natural_key)

    def main_part(self, markers: tuple[str, ...], default: str) -> str | None:
        """The main document part: from _rels/.rels, else [Content_Types].xml, else `default`.

        A part whose declared content type names none of `markers` is not taken (a theme or a
        workbook package renamed .docx)."""
        types = self._content_types()

        def fits(name: str | None) -> bool:
            kind = types.get(name or "")
            return name is not None and (kind is None or any(m in kind for m in markers))

        try:
            for rel in self.rels("").values():
                if rel.type == "officeDocument" and not rel.external and fits(self.find(rel.target)):
                    return self.find(rel.target)
        except ExtractError:
            pass  # a broken package relationship part: the content types still name the part
        for name, kind in types.items():
            if kind.endswith(".main+xml") and fits(name):
                return name
        default_name = self.find(default)
        return default_name if fits(default_name) else None

    def _content_types(self) -> dict[str, str]:
        """Part name -> declared content type, from the overrides of [Content_Types].xml."""
        types_part = self.find("[Content_Types].xml")
        out: dict[str, str] = {}
        if types_part is None:
            return out
        try:
            for override in self.parse(types_part):
                name = self.find(override.get("PartName") or "")
                if name and _xml.local(override.tag) == "Override":
                    out[name] = (override.get("ContentType") or "").lower()
        except ExtractError:
            pass  # unreadable content types: fall back to relationships and default names
        return out

    def _resolve(self, folder: str, target: str) -> str:
        """A relative or absolute target -> the part name: as written first, then %-unescaped."""
        raw = target.split("#", 1)[0].replace("\\", "/")
        joined = raw
        for path in (raw, unquote(raw)):
            joined = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))
            found = self.find(joined)
            if found:
                return found
        return joined


def open_package(data: bytes, ctx: Context) -> Package:
    if data.startswith(OLE_MAGIC):
        if _OLE_ENCRYPTED_STREAM in data:
            raise EncryptedError("password-protected Office document (OLE EncryptedPackage)")
        raise ExtractError("an OLE compound file, not an OOXML package (legacy binary format?)")
    return Package(SafeZip(data, ctx))


class _PartLimit(LimitExceeded):
    """A limit met in a part, its message already naming the part."""


@contextmanager
def deferred(errors: list[ExtractError], what: str) -> Iterator[None]:
    """Note a damaged or encrypted part and carry on with the others (common.partial's policy:
    a limit stops the file at once, named as raise_deferred names a part); raise_deferred
    reports the others at the end."""
    try:
        with guarded_block(errors, lambda exc: f"{what} ({exc})"):
            yield
    except _PartLimit:
        raise
    except LimitExceeded as exc:
        raise _PartLimit(f"could not read {what} ({exc})") from None


def raise_deferred(errors: list[ExtractError]) -> None:
    raise_collected(errors, prefix="could not read ", most=None)


def external_links(rels: dict[str, Rel], location: Location, hidden: str | None = None, *,
                   hyperlinks: bool = True) -> Iterator[Segment]:
    """Targets of external relationships: links, linked templates, linked OLE objects."""
    for rel in rels.values():
        if rel.external and rel.target.strip() and (hyperlinks or rel.type != "hyperlink"):
            reason = "hyperlink target" if rel.type == "hyperlink" else f"external {rel.type} link"
            yield Segment(text=rel.target.strip(), location=location, hidden=join_reasons(hidden, reason))


def embedded_members(package: Package, errors: list[ExtractError]) -> Iterator[Member]:
    """Embedded objects, macro projects and ActiveX controls, handed back to the engine."""
    for name in sorted(package.archive.names(), key=natural_key):
        lower = name.lower()
        if lower.endswith("/"):
            continue
        if "/embeddings/" in lower:
            hidden = "embedded object"
        elif lower.endswith("vbaproject.bin"):
            hidden = "VBA macro project"
        elif "/activex/" in lower and lower.endswith(".bin"):
            hidden = "ActiveX control"
        else:
            continue
        with deferred(errors, name):
            yield Member(name=name, data=package.read(name), hidden=hidden)


_PROPERTY_PARTS = (
    ("docProps/core.xml", "core properties"),
    ("docProps/app.xml", "app properties"),
    ("docProps/custom.xml", "custom properties"),
)


def properties(archive: SafeZip) -> Iterator[Segment]:
    """One segment per non-empty property, as `name: value` so key/value rules can read it.

    Properties are metadata a reader of the document never sees: they are marked hidden.
    """
    for part, label in _PROPERTY_PARTS:
        if not archive.has(part):
            continue
        root = _xml.parse(archive.read(part))
        if part.endswith("custom.xml"):
            for prop in root:
                name = prop.get("name") or "property"
                value = " ".join(t.strip() for t in prop.itertext() if t.strip())
                if value:
                    yield Segment(text=f"{name}: {value}", location=Location(part=part),
                                  hidden=f"custom document property '{name}'")
            continue
        for element in root:
            name = _xml.local(element.tag)
            value = " ".join(t.strip() for t in element.itertext() if t.strip())
            if value and name not in ("TotalTime", "DocSecurity", "ScaleCrop", "LinksUpToDate",
                                      "SharedDoc", "HyperlinksChanged", "AppVersion", "Pages",
                                      "Words", "Characters", "Lines", "Paragraphs",
                                      "CharactersWithSpaces", "HeadingPairs", "TitlesOfParts"):
                yield Segment(text=f"{name}: {value}", location=Location(part=part),
                              hidden=f"document property '{name}' ({label})")
