"""Reading zip containers (OOXML, ODF, .zip) without trusting their headers.

Every read is checked against the declared size, the compression ratio and the budget
before it starts, and streamed with a byte cap while it runs, because a bomb can lie
about its sizes. Encrypted members raise EncryptedError.
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
        return b"".join(self.iter_chunks(name))

    def open(self, name: str) -> IO[bytes]:
        """A file object over the member that enforces the limits while it is read."""
        return io.BufferedReader(_ChunkReader(self.iter_chunks(name)))

    def iter_chunks(self, name: str) -> Iterator[bytes]:
        info = self._infos.get(name)
        if info is None:
            raise ExtractError(f"missing part {name!r}")
        return self.iter_entry(info)

    def read_entry(self, info: zipfile.ZipInfo) -> bytes:
        """One entry of `infos()`: the way to read the second of two entries with the same name."""
        return b"".join(self.iter_entry(info))

    def iter_entry(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        name = info.filename
        limits = self._ctx.limits
        if info.flag_bits & 0x1:
            raise EncryptedError(f"encrypted archive member {name!r}")
        if info.file_size > limits.max_part_size:
            raise LimitExceeded(
                f"part {name!r} declares {info.file_size:,} bytes uncompressed "
                f"(limit {limits.max_part_size:,})")
        _check_ratio(name, info.file_size, info.compress_size, self._ctx)
        read = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    read += len(chunk)
                    self._ctx.budget.charge(len(chunk))
                    if read > limits.max_part_size:
                        raise LimitExceeded(f"part {name!r} inflates past {limits.max_part_size:,} bytes")
                    _check_ratio(name, read, info.compress_size, self._ctx)
                    yield chunk
        except NotImplementedError as exc:
            raise ExtractError(f"part {name!r} uses an unsupported compression method: {reason(exc)}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ExtractError(f"part {name!r} is corrupt: {reason(exc)}") from None
        except RuntimeError as exc:  # zipfile says "File is encrypted, password required"
            raise EncryptedError(f"archive member {name!r} is encrypted") from None


def _check_ratio(name: str, size: int, compressed: int, ctx: Context) -> None:
    limits = ctx.limits
    if size > limits.ratio_floor and size > limits.max_ratio * max(compressed, 1):
        raise LimitExceeded(
            f"part {name!r} inflates more than {limits.max_ratio}x "
            f"({compressed:,} -> {size:,}+ bytes): decompression bomb")


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
