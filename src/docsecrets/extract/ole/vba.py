"""VBA macro source from a project storage ([MS-OVBA]): read as text, never run.

A project is a storage (`Macros/VBA` in Word, `VBA` in vbaProject.bin) holding a compressed
`dir` stream that lists the modules, and one stream per module whose compressed source
starts at the offset `dir` gives. Credentials hard-coded in macros are a classic leak.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docsecrets.extract.context import Context
from docsecrets.types import ExtractError, LimitExceeded, Location, Segment
from docsecrets.extract.common.decode import codepage_codec
from docsecrets.extract.common.reason import reason

_CHUNK = 4096


@dataclass(slots=True)
class Module:
    name: str = ""
    stream: str = ""
    offset: int = 0


def macro_segments(paths: list[list[str]], read: Callable[[list[str]], bytes],
                   ctx: Context) -> Iterator[Segment]:
    """One segment per module of every VBA project among the container's stream `paths`.

    `read` returns a stream's bytes within the limits; segments have part "macro <module>".
    """
    for path in paths:
        if len(path) < 2 or path[-1].lower() != "dir" or path[-2].lower() != "vba":
            continue
        project = path[:-1]
        codepage, modules = parse_dir(decompress(read(path), ctx))
        unreadable = []
        for module in modules:
            try:
                source = decompress(read([*project, module.stream])[module.offset:], ctx)
            except LimitExceeded:
                raise
            except ExtractError as exc:
                unreadable.append(f"{module.name} ({reason(exc)})")
                continue
            text = _readable(source.decode(codepage, "replace"))
            if text.strip():
                yield Segment(text=text, location=Location(part=f"macro {module.name}", line=1),
                              hidden="VBA macro", code=True)
        if unreadable:
            raise ExtractError(f"VBA modules unreadable: {', '.join(unreadable)}")


def decompress(data: bytes, ctx: Context) -> bytes:
    """[MS-OVBA] 2.4.1 decompression of a CompressedContainer."""
    if not data or data[0] != 0x01:
        raise ExtractError("VBA stream is not a compressed container")
    out = bytearray()
    pos = 1
    limit = ctx.limits.max_part_size
    while pos + 2 <= len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        body = pos + 2
        before = len(out)
        if header & 0x8000:
            pos += (header & 0x0FFF) + 3
            _decompress_chunk(data[body:pos], out)
        else:  # a raw chunk: 4096 bytes stored as they are
            pos = body + _CHUNK
            out += data[body:pos]
        ctx.budget.charge(len(out) - before)
        if len(out) > limit:
            raise LimitExceeded(f"VBA stream inflates past {limit:,} bytes")
    return bytes(out)


def _decompress_chunk(chunk: bytes, out: bytearray) -> None:
    start = len(out)
    i = 0
    while i < len(chunk):
        flags = chunk[i]
        i += 1
        for bit in range(8):
            if i >= len(chunk):
                break
            if not flags >> bit & 1:
                out.append(chunk[i])
                i += 1
                continue
            if i + 2 > len(chunk):
                raise ExtractError("VBA stream: truncated copy token")
            (token,) = struct.unpack_from("<H", chunk, i)
            i += 2
            done = len(out) - start
            # The split between offset and length bits widens as the chunk's output grows.
            bits = max((done - 1).bit_length(), 4)
            offset = (token >> (16 - bits)) + 1
            length = (token & (0xFFFF >> bits)) + 3
            if offset > done:
                raise ExtractError("VBA stream: copy token points before the chunk")
            # The copy may overlap what it writes: repeat the last `offset` bytes as needed.
            pattern = out[len(out) - offset:]
            out += (pattern * (length // offset + 1))[:length]


def parse_dir(data: bytes) -> tuple[str, list[Module]]:
    """The project's code page and its modules from the decompressed `dir` stream."""
    codepage = "cp1252"
    modules: list[Module] = []
    current: Module | None = None
    pos = 0
    while pos + 6 <= len(data):
        record, size = struct.unpack_from("<HI", data, pos)
        if record == 0x0009:
            size = 6  # PROJECTVERSION: its size field is a reserved 4, the body is 6 bytes
        body = data[pos + 6:pos + 6 + size]
        pos += 6 + size
        if record == 0x0003 and len(body) >= 2:
            codepage = codepage_codec(struct.unpack_from("<H", body)[0], eight_bit=True)
        elif record == 0x0019:  # MODULENAME starts a module
            current = Module(name=body.decode(codepage, "replace"))
        elif current is None:
            if record == 0x0010:  # end of the dir stream
                break
        elif record == 0x0047:
            current.name = body.decode("utf-16-le", "replace") or current.name
        elif record == 0x001A:
            current.stream = body.decode(codepage, "replace")
        elif record == 0x0032:
            current.stream = body.decode("utf-16-le", "replace") or current.stream
        elif record == 0x0031 and len(body) >= 4:
            current.offset = struct.unpack_from("<I", body)[0]
        elif record == 0x002B:  # module terminator
            if current.stream:
                modules.append(current)
            current = None
    return codepage, modules


def _readable(source: str) -> str:
    """Source as the VBA editor shows it: without the leading `Attribute` lines it hides."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[0].startswith("Attribute "):
        lines.pop(0)
    return "\n".join(lines).rstrip()
