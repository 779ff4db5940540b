"""Hardened XML parsing for document parts (OOXML, ODF, SVG, XMP, ...).

Document formats never need a DTD, so any part that declares entities is refused outright
(billion laughs, external entities). lxml is used with entity resolution, DTD loading and
network access off, and without huge_tree, so libxml2's own limits stay in force.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO

from lxml import etree

from docsecrets.types import ExtractError, LimitExceeded
from docsecrets.extract.common.reason import reason

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _check_prolog(head: bytes) -> None:
    if _DOCTYPE.search(head) and _ENTITY_DECL.search(head):
        raise LimitExceeded("XML part declares entities (entity expansion bomb or external entity): refused")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False, recover=False)


def parse(data: bytes) -> etree._Element:
    """Parse a whole (small) part into a tree."""
    _check_prolog(data[:65536])
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"malformed XML: {reason(exc)}") from None


def iterparse(stream: IO[bytes], *, tags: tuple[str, ...] | None = None,
              events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, etree._Element]]:
    """Stream a large part; callers must clear elements they are done with."""
    head = stream.read(65536)
    _check_prolog(head)
    source = _Prepend(head, stream)
    try:
        context = etree.iterparse(source, events=events, tag=tags, resolve_entities=False, no_network=True,
                                  load_dtd=False, huge_tree=False, remove_comments=False, recover=False)
        yield from context
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"malformed XML: {reason(exc)}") from None


def pull_parser(head: bytes, *, tags: tuple[str, ...] | None = None) -> etree.XMLPullParser:
    """A parser fed by the caller (`feed`, `read_events`, `close`), hardened like iterparse;
    `head` is the part's first bytes, checked for entity declarations (feed it next)."""
    _check_prolog(head)
    return etree.XMLPullParser(events=("end",), tag=tags, resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_comments=False, recover=False)


def local(tag: object) -> str:
    """`{namespace}name` -> `name`."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class _Prepend(io.RawIOBase):
    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            out, self._head = self._head, b""
            return out
        return self._rest.read(size if size and size > 0 else 65536)

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)
