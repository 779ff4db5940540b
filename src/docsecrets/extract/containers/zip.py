"""Reading zip containers (OOXML, ODF, .zip) without trusting their headers.

A bomb is told apart by what it does, not by what it declares: a part read whole must fit
max_part_size, but a streamed part (a 490 MB worksheet of an ordinary 51 MB export) may be
as large as the file's decompression budget (max_total_bytes, shared by every part and
nesting level), and every part is watched over a running window of its output: a window of
ratio_floor bytes inflated from less than 1/max_ratio as many compressed bytes is a bomb.
Encrypted members raise EncryptedError.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from docsecrets.extract.context import Context
from docsecrets.types import EncryptedError, ExtractError, LimitExceeded
from docsecrets.extract.common.reason import reason

_CHUNK = 1 << 16


class SafeZip:
    def __init__(self, data: bytes, ctx: Context) -> None:
        self._ctx = ctx
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError) as exc:
            raise ExtractError(f"not a readable zip container: {reason(exc)}") from None
        if len(infos) > ctx.limits.max_members:
            raise LimitExceeded(f"{len(infos)} archive members (limit {ctx.limits.max_members})")
        _check_overlap(infos)
        self._all = infos  # every entry, duplicate names included (an archive reads them all)
        self._infos = {info.filename: info for info in infos}

    def names(self) -> list[str]:
        return list(self._infos)

    def infos(self) -> list[zipfile.ZipInfo]:
        """Every entry in directory order, duplicate names included."""
        return list(self._all)

    def has(self, name: str) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def is_encrypted(self, name: str) -> bool:
        return bool(self._infos[name].flag_bits & 0x1)

    def read(self, name: str) -> bytes:
        """The whole part in memory: refused past max_part_size, declared or inflated."""
        return b"".join(self.iter_chunks(name, whole=True))

    def open(self, name: str, *, whole: bool = False) -> IO[bytes]:
        """A file object over the member that enforces the limits while it is read; `whole`: what
        is read from it is kept in memory (a shared-strings table), so max_part_size holds."""
        return io.BufferedReader(_ChunkReader(self.iter_chunks(name, whole=whole)))

    def iter_chunks(self, name: str, *, whole: bool = False) -> Iterator[bytes]:
        """The part inflated chunk by chunk; `whole`: the caller keeps it all (max_part_size)."""
        info = self._infos.get(name)
        if info is None:
            raise ExtractError(f"missing part {name!r}")
        return self.iter_entry(info, whole=whole)

    def read_entry(self, info: zipfile.ZipInfo) -> bytes:
        """One entry of `infos()`: the way to read the second of two entries with the same name."""
        return b"".join(self.iter_entry(info, whole=True))

    def iter_entry(self, info: zipfile.ZipInfo, *, whole: bool = False) -> Iterator[bytes]:
        name = info.filename
        limits = self._ctx.limits
        if info.flag_bits & 0x1:
            raise EncryptedError(f"encrypted archive member {name!r}")
        if whole and info.file_size > limits.max_part_size:
            raise LimitExceeded(
                f"part {name!r} declares {info.file_size:,} bytes uncompressed "
                f"(limit {limits.max_part_size:,} for a part read whole)")
        read = 0
        window = _Window(name, info.compress_size, limits.max_ratio, limits.ratio_floor)
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    read += len(chunk)
                    self._ctx.budget.charge(len(chunk))
                    if whole and read > limits.max_part_size:
                        raise LimitExceeded(f"part {name!r} inflates past {limits.max_part_size:,} bytes")
                    window.check(len(chunk), stream)
                    yield chunk
        except NotImplementedError as exc:
            raise ExtractError(f"part {name!r} uses an unsupported compression method: {reason(exc)}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ExtractError(f"part {name!r} is corrupt: {reason(exc)}") from None
        except RuntimeError as exc:  # zipfile says "File is encrypted, password required"
            raise EncryptedError(f"archive member {name!r} is encrypted") from None


class _Window:
    """The compression ratio over each run of `span` inflated bytes of one part.

    The compressed bytes a window used are those zipfile has fetched less those its
    decompressor still holds (deflate's unconsumed tail): exact for deflate, within one read
    for other methods, whose bombs the total budget and the timeout stop anyway.
    """

    __slots__ = ("name", "size", "ratio", "span", "out", "total", "start")

    def __init__(self, name: str, compressed: int, ratio: int, span: int) -> None:
        self.name, self.size, self.ratio, self.span = name, compressed, ratio, max(span, 1)
        self.out = self.total = self.start = 0

    def check(self, nbytes: int, stream: object) -> None:
        self.out += nbytes
        self.total += nbytes
        if self.out < self.span:
            return
        consumed = self._consumed(stream)
        if consumed is None:  # another zipfile implementation: the part's average so far
            used, out = self.size, self.total
        else:
            used, out = consumed - self.start, self.out
            self.start = consumed
        self.out = 0
        if out > self.ratio * max(used, 1):
            raise LimitExceeded(
                f"part {self.name!r} inflates more than {self.ratio}x "
                f"({used:,} -> {out:,} bytes in one window): decompression bomb")

    def _consumed(self, stream: object) -> int | None:
        left = getattr(stream, "_compress_left", None)
        if not isinstance(left, int):
            return None
        decompressor = getattr(stream, "_decompressor", None)
        tail = getattr(decompressor, "unconsumed_tail", b"")
        return self.size - left - (len(tail) if isinstance(tail, bytes) else 0)


def _check_overlap(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose local data overlap: the trick behind non-recursive zip bombs."""
    spans = sorted((i.header_offset, i.header_offset + len(i.filename) + 30 + i.compress_size, i.filename)
                   for i in infos)
    for (start_a, end_a, name_a), (start_b, _end_b, name_b) in zip(spans, spans[1:]):
        if start_b < end_a and start_b != start_a:
            raise LimitExceeded(f"overlapping archive entries {name_a!r} and {name_b!r} (zip bomb)")
        if start_b == start_a:
            raise LimitExceeded(f"archive entries {name_a!r} and {name_b!r} share their data (zip bomb)")


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n
