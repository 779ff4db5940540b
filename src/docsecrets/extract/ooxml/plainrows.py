"""Plain worksheet rows read straight from a sheet's bytes, without an XML element per cell.

A big export is millions of cells of a few shapes, `<c r="B7" s="3" t="s"><v>12</v></c>` and
`<c r="C7" t="inlineStr"><is><t>text</t></is></c>`: libxml2 builds an element per tag and lxml a
Python proxy per element touched, four times what one regex over the whole row costs. `split`
cuts a sheet into plain rows, read here, and everything else, handed unchanged and in order to
the XML parser: the part before <sheetData> (hidden columns), the part after it, and any row
that is not plain (a formula, rich text, an entity, a comment, a prefixed tag, a character XML
forbids or a line break XML would normalise, a row over 1 MB). So each row is read as the parser
would read it. A sheet that is not UTF-8, or whose <sheetData> is not found in its first MiB, or
once a comment, CDATA or processing instruction shows between rows, goes whole to the parser.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import IO

# One cell of a plain row: column letters (the row number is the row's), style, type, value or
# inline text. Attributes in the order writers use (r, s, t or r, t, s), double-quoted.
_KIND = r"(?:n|s|str|b|e|inlineStr|d)"
_CELL_PATTERN = (r'<c r="([A-Z]{1,3})[1-9][0-9]{0,6}"'
                 rf'(?: s="([0-9]{{1,6}})"(?: t="({_KIND})")?| t="({_KIND})"(?: s="([0-9]{{1,6}})")?)?'
                 r'(?:/>|>(?:<v>([^<&]*)</v>|<is><t(?: xml:space="preserve")?>([^<&]*)</t></is>)?</c>)')
CELL = re.compile(_CELL_PATTERN)
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?"
_PLAIN_CELL = re.sub(r"[(](?![?])", "(?:", _CELL_PATTERN)  # the same, without groups
_ROW = re.compile(rf'[ \t\n\r]*<row((?: {_NAME}="[^"<&\t\n\r]*")*)(?:/>|>((?:{_PLAIN_CELL})*)</row>)')
_ATTR = re.compile(rf' ({_NAME})="([^"]*)"')
# What the XML parser would refuse or rewrite inside a row: control characters, non-characters,
# "]]>" in text, and carriage returns (line ends are normalised to "\n").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]|]]>")
_PLAIN_BYTES = bytes(range(32, 256)) + b"\t\n"  # deleted by translate: what is left is a control byte
_XMLNS = re.compile(rb"xmlns:([A-Za-z_][A-Za-z0-9_.-]*)=")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=["']([A-Za-z0-9_.-]+)["']""")
_HEAD_LIMIT = 1 << 20
_ROW_LIMIT = 1 << 20  # libxml2 refuses a text node over 10 MB (huge_tree off): long rows go to it
_CHUNK = 1 << 20

# A plain row: its attributes (name -> value) and its cells as CELL.findall gives them.
PlainRow = tuple[dict[str, str], list[tuple[str, str, str, str, str, str, str]]]


def split(stream: IO[bytes], head: bytes) -> Iterator[bytes | PlainRow]:
    """The sheet part as bytes for the XML parser and plain rows, in document order.

    `head` is what was already read from `stream` (its first bytes)."""
    buffer = head
    while (start := buffer.find(b"<sheetData>")) < 0:
        chunk = stream.read(_CHUNK) if len(buffer) < _HEAD_LIMIT else b""
        if not chunk:
            yield buffer
            yield from _rest(stream)
            return
        buffer += chunk
    start += len(b"<sheetData>")
    prolog = buffer[:start]
    encoding = _ENCODING.match(prolog)
    if b"<!--" in prolog or b"<![CDATA[" in prolog or not prolog.lstrip(b"\xef\xbb\xbf").startswith(b"<") \
            or encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        yield buffer
        yield from _rest(stream)
        return
    yield prolog
    prefixes = {name.decode("ascii") for name in _XMLNS.findall(prolog)}
    buffer = buffer[start:]
    while True:
        chunk = stream.read(_CHUNK)
        buffer += chunk
        closing = buffer.find(b"</sheetData>")
        if closing >= 0 or not chunk:
            end = closing + len(b"</sheetData>") if closing >= 0 else len(buffer)
        else:
            end = buffer.rfind(b"</row>") + len(b"</row>")
            if end < len(b"</row>"):
                if len(buffer) > _ROW_LIMIT + _CHUNK:  # no row ends in 2 MiB: the parser reads on
                    yield buffer
                    yield from _rest(stream)
                    return
                continue
        raw = buffer[:end]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield buffer  # the XML parser reports it as it would
            yield from _rest(stream)
            return
        buffer = buffer[end:]
        careful = bool(raw.translate(None, _PLAIN_BYTES)) or b"]]>" in raw or b"\xef\xbf\xbe" in raw \
            or b"\xef\xbf\xbf" in raw
        rest = yield from _rows(text, prefixes, careful=careful)
        if rest is not None or closing >= 0 or not chunk:
            yield (rest or "").encode("utf-8") + buffer
            yield from _rest(stream)
            return


def _rows(text: str, prefixes: set[str], *, careful: bool) -> Generator[bytes | PlainRow, None, str | None]:
    """The rows of `text` (whole rows, then what follows the last); returns the text from where
    the rest of the sheet must go to the XML parser, or None. `careful`: the text holds something
    _FORBIDDEN, so each row is checked."""
    pos, size = 0, len(text)
    row, cell = _ROW.match, CELL.findall
    while pos < size:
        found = row(text, pos)
        if found is not None and found.end() - pos <= _ROW_LIMIT and not (careful and _FORBIDDEN.search(
                text, pos, found.end())):
            attributes = found.group(1)
            if attributes.startswith(' r="') and attributes.find('"', 4) == len(attributes) - 1:
                named, clean = {"r": attributes[4:-1]}, True  # the usual <row r="7">
            else:
                attrs = _ATTR.findall(attributes) if attributes else []
                named = dict(attrs)  # no name twice, no undeclared prefix, no namespace declared here
                clean = len(named) == len(attrs) and (":" not in attributes and "xmlns" not in attributes or all(
                    not name.startswith("xmlns") and (":" not in name or name.split(":", 1)[0] in prefixes)
                    for name in named))
            if clean:
                body = found.group(2)
                yield named, cell(body) if body else []
                pos = found.end()
                continue
        # not a plain row: up to the end of the next row goes to the XML parser
        piece_end = text.find("</row>", pos)
        if piece_end < 0 or "</sheetData>" in text[pos:piece_end]:
            return text[pos:]
        piece = text[pos:piece_end + len("</row>")]
        if "<!" in piece or "<?" in piece:
            return text[pos:]  # a comment, CDATA or processing instruction: the parser reads on
        yield piece.encode("utf-8")
        pos = piece_end + len("</row>")
    return None


def _rest(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk
