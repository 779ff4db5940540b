"""Archives: zip, tar, gzip, bz2, xz and 7z.

Every regular member comes out as a Member; the engine sniffs it and recurses, so a
`.tar.gz` is read in two rounds: gzip -> one member (the tar) -> its files. Nothing is
ever written to disk, so absolute or `..` member names are harmless labels, kept as given
and read like any other; a repeated name is read too, labelled 'name (2)'. Links and devices
are skipped, never followed.

A damaged or encrypted member does not stop the others: they are yielded first, then one
error names what could not be read.
"""

from __future__ import annotations

import bz2
import importlib.util
import io
import lzma
import stat
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, Protocol

from docsecrets.extract.common.partial import keep_going, raise_collected
from docsecrets.extract.containers.zip import SafeZip
from docsecrets.extract.context import Context
from docsecrets.types import EncryptedError, ExtractError, Item, LimitExceeded, Member
from docsecrets.extract.common.reason import reason

_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_7Z_MAGIC = b"7z\xbc\xaf\x27\x1c"
_STREAM_MAGIC = {"gzip": _GZIP_MAGIC, "bz2": _BZ2_MAGIC, "xz": _XZ_MAGIC}

# Archive suffix -> what the decompressed file is called ("backup.sql.gz" -> "backup.sql").
_SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "gzip": ((".tgz", ".tar"), (".taz", ".tar"), (".svgz", ".svg"), (".gzip", ""), (".gz", "")),
    "bz2": ((".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", ""), (".bz", "")),
    "xz": ((".txz", ".tar"), (".xz", "")),
}


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    kind = _kind(data)
    if kind == "zip":
        yield from _zip_members(data, ctx)
    elif kind == "7z":
        yield from _7z_members(data, ctx)
    elif kind in _STREAM_MAGIC:
        yield from _decompressed(data, kind, ctx)
    else:
        yield from _tar_members(data, ctx)


def _kind(data: bytes) -> str:
    if data[257:262] == b"ustar":
        return "tar"  # first, since a member name may begin with any magic ("PK-notes.txt")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    for kind, magic in (*_STREAM_MAGIC.items(), ("7z", _7Z_MAGIC)):
        if data.startswith(magic):
            return kind
    if b"PK\x05\x06" in data[-(65536 + 22):]:
        return "zip"  # self-extracting or junk-prefixed zip: zipfile finds the directory at the end
    return "tar"


# --- zip ---------------------------------------------------------------------------------

def _zip_members(data: bytes, ctx: Context) -> Iterator[Item]:
    archive = SafeZip(data, ctx)
    infos = [info for info in archive.infos() if not info.filename.endswith("/") and not _is_zip_link(info)]
    encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
    if encrypted and len(encrypted) == len(infos):
        raise EncryptedError(f"password-protected zip: all {len(infos)} members are encrypted")
    problems: list[ExtractError] = []
    names = _Distinct()
    for info in infos:
        name = names.label(info.filename)
        if info.flag_bits & 0x1:
            continue
        try:
            payload = archive.read_entry(info)
        except ExtractError as exc:
            keep_going(problems, exc)
            continue
        yield Member(name=name, data=payload)
    if encrypted:
        problems.append(EncryptedError(f"{len(encrypted)} encrypted zip member(s): {_names(encrypted)}"))
    raise_collected(problems)


def _is_zip_link(info: zipfile.ZipInfo) -> bool:
    # Unix mode bits live in the high half of external_attr when the zip was made on Unix.
    return stat.S_ISLNK(info.external_attr >> 16)


# --- tar ---------------------------------------------------------------------------------

def _tar_members(data: bytes, ctx: Context) -> Iterator[Item]:
    # Plain tar only: compressed tars arrive here already decompressed, through our capped
    # decompressors, as the member of a gzip / bz2 / xz file.
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ExtractError(f"not a readable archive: {reason(exc)}") from None
    problems: list[ExtractError] = []
    count = 0
    names = _Distinct()
    with tar:
        while True:
            try:
                member = tar.next()
            except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeError) as exc:
                problems.append(ExtractError(f"tar archive is damaged after {count} members: {reason(exc)}"))
                break
            if member is None:
                break
            count += 1
            if count > ctx.limits.max_members:
                raise LimitExceeded(f"more than {ctx.limits.max_members} archive members")
            if not member.isreg():
                continue  # directories, links, devices, fifos
            name = names.label(member.name)
            try:
                payload = _read_tar_member(tar, member, ctx)
            except ExtractError as exc:
                keep_going(problems, exc)
                continue
            yield Member(name=name, data=payload)
    raise_collected(problems)


def _read_tar_member(tar: tarfile.TarFile, member: tarfile.TarInfo, ctx: Context) -> bytes:
    limit = ctx.limits.max_part_size
    if member.size > limit:
        raise LimitExceeded(f"tar member {member.name!r} declares {member.size:,} bytes (limit {limit:,})")
    chunks: list[bytes] = []
    read = 0
    try:
        stream = tar.extractfile(member)
        if stream is None:
            return b""
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            ctx.budget.charge(len(chunk))
            if read > limit:
                raise LimitExceeded(f"tar member {member.name!r} is larger than {limit:,} bytes")
            chunks.append(chunk)
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ExtractError(f"tar member {member.name!r} is damaged: {reason(exc)}") from None
    return b"".join(chunks)


# --- gzip / bz2 / xz ---------------------------------------------------------------------

class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    @property
    def needs_input(self) -> bool: ...

    def decompress(self, data: bytes | memoryview, max_length: int) -> bytes: ...


class _Gunzip:
    """zlib's gzip decoder behind the bz2/lzma decompressor interface (max_length, needs_input)."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(wbits=31)
        self._full = False  # the last call filled its output: more may be pending inside zlib

    @property
    def eof(self) -> bool:
        return self._zlib.eof

    @property
    def unused_data(self) -> bytes:
        return self._zlib.unused_data

    @property
    def needs_input(self) -> bool:
        return not self._zlib.unconsumed_tail and not self._full

    def decompress(self, data: bytes | memoryview, max_length: int) -> bytes:
        out = self._zlib.decompress(data or self._zlib.unconsumed_tail, max_length)
        self._full = len(out) == max_length
        return out


def _new_decompressor(kind: str) -> _Decompressor:
    if kind == "gzip":
        return _Gunzip()
    if kind == "bz2":
        return bz2.BZ2Decompressor()
    return lzma.LZMADecompressor()


def _decompressed(data: bytes, kind: str, ctx: Context) -> Iterator[Item]:
    name = _inner_name(data, kind, ctx.name)
    payload, end, damage = _inflate(data, kind, ctx)
    if payload or not damage:
        yield Member(name=name, data=payload)
    if damage:
        raise ExtractError(damage)
    trailing = data[end:]
    if trailing.strip(b"\x00"):
        # Data glued after the compressed stream: gzip -d ignores it, a person hiding a file would not.
        yield Member(name=f"{name} (data after the {kind} stream)", data=trailing,
                     hidden=f"data appended after the {kind} stream")


def _inflate(data: bytes, kind: str, ctx: Context) -> tuple[bytes, int, str | None]:
    """Decompress every concatenated stream, with caps checked as the output grows.

    Returns (output, offset where the compressed data ended, damage or None). The input is
    fed in slices so a lying stream cannot make us copy or buffer more than one slice.
    """
    limits = ctx.limits
    view = memoryview(data)
    out = bytearray()
    start = pos = 0
    try:
        while True:
            decompressor = _new_decompressor(kind)
            pos = start
            while not decompressor.eof:
                if decompressor.needs_input:
                    if pos >= len(data):
                        return bytes(out), pos, f"{kind} stream is truncated after {len(out):,} bytes"
                    feed: bytes | memoryview = view[pos:pos + _CHUNK]
                    pos += len(feed)
                else:
                    feed = b""
                chunk = decompressor.decompress(feed, _CHUNK)
                ctx.budget.charge(len(chunk))
                out += chunk
                if len(out) > limits.max_part_size:
                    raise LimitExceeded(f"{kind} stream inflates past {limits.max_part_size:,} bytes")
                if len(out) > limits.ratio_floor and len(out) > limits.max_ratio * len(data):
                    raise LimitExceeded(f"{kind} stream inflates more than {limits.max_ratio}x "
                                        f"({len(data):,} -> {len(out):,}+ bytes): decompression bomb")
            # unused_data is the tail of what we fed, so the next stream starts that far back.
            start = pos - len(decompressor.unused_data)
            while start < len(data) and data[start] == 0:
                start += 1  # padding between or after streams
            if not data.startswith(_STREAM_MAGIC[kind], start):
                return bytes(out), start, None
    except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as exc:
        return bytes(out), pos, f"{kind} stream is corrupt after {len(out):,} bytes: {reason(exc)}"


def _inner_name(data: bytes, kind: str, outer: str) -> str:
    base = outer.replace("\\", "/").rsplit("/", 1)[-1]
    lower = base.lower()
    for suffix, replacement in _SUFFIXES[kind]:
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    original = _gzip_original_name(data) if kind == "gzip" else None
    return original or f"{base or 'archive'}.decompressed"


def _gzip_original_name(data: bytes) -> str | None:
    """The FNAME field of a gzip header (RFC 1952), if any."""
    if len(data) < 10 or not data[3] & 0x08:
        return None
    pos = 10
    if data[3] & 0x04:  # FEXTRA comes first
        pos += 2 + int.from_bytes(data[10:12], "little")
    end = data.find(b"\x00", pos, pos + 1024)
    if end <= pos:
        return None
    name = data[pos:end].decode("latin-1").replace("\\", "/").rsplit("/", 1)[-1]
    return name or None


# --- 7z ----------------------------------------------------------------------------------

def _7z_members(data: bytes, ctx: Context) -> Iterator[Item]:
    if importlib.util.find_spec("py7zr") is None:
        raise ExtractError("7z archives need py7zr (not installed)")
    import py7zr  # optional: only 7z files need it

    limits = ctx.limits
    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
        needs_password = archive.needs_password()
        labels = _7z_tokens(archive)
        files = [f for f in archive.list() if not f.is_directory]
    except py7zr.PasswordRequired:
        raise EncryptedError("password-protected 7z archive (encrypted file list)") from None
    except Exception as exc:  # py7zr raises many kinds on garbage
        raise ExtractError(f"not a readable 7z archive: {reason(exc)}") from None
    with archive:
        if needs_password:
            raise EncryptedError("password-protected 7z archive")
        if len(files) > limits.max_members:
            raise LimitExceeded(f"{len(files)} archive members (limit {limits.max_members})")
        problems: list[ExtractError] = []
        for batch in _7z_batches(files, labels, limits.max_part_size, problems):
            try:
                archive.reset()
                products = _7z_read(archive, batch, ctx)
            except ExtractError as exc:
                keep_going(problems, exc)
                continue
            except Exception as exc:
                problems.append(ExtractError(f"7z members {_names([labels[t] for t in batch])} are damaged: "
                                             f"{reason(exc)}"))
                continue
            for token in batch:
                if token in products:
                    yield Member(name=labels[token], data=products.pop(token))
                else:
                    problems.append(ExtractError(f"7z member {labels[token]!r} was not extracted"))
    raise_collected(problems)


def _7z_tokens(archive: Any) -> dict[str, str]:
    """Give every 7z entry a unique, harmless name for py7zr, and map it back to its label.

    py7zr extracts under names it sanitises itself: an absolute or `..` name makes it refuse
    the whole extraction, and the second of two equal names comes back renamed, so neither
    was read. Nothing is written to disk here, so such names are only labels: each entry is
    extracted as 'entry-<n>' and reported under its own name ('name (2)' for a repeat).
    """
    labels: dict[str, str] = {}
    names = _Distinct()
    for number, entry in enumerate(archive.files):
        token = f"entry-{number}"
        info = entry._file_info  # noqa: SLF001 - py7zr offers no other way to rename an entry
        original = str(info.get("filename") or "")
        info["filename"] = token
        if not entry.is_directory:
            labels[token] = names.label(original)
    return labels


def _7z_batches(files: list[Any], labels: dict[str, str], limit: int,
                problems: list[ExtractError]) -> Iterator[list[str]]:
    """Group members so one extraction holds at most `limit` declared bytes in memory.

    Extracting member by member would decompress a solid archive again for each one.
    """
    batch: list[str] = []
    size = 0
    for info in files:
        name, declared = str(info.filename), int(info.uncompressed or 0)
        if declared > limit:
            problems.append(LimitExceeded(f"7z member {labels.get(name, name)!r} declares {declared:,} bytes (limit {limit:,})"))
            continue
        if batch and size + declared > limit:
            yield batch
            batch, size = [], 0
        batch.append(name)
        size += declared
    if batch:
        yield batch


def _7z_read(archive: Any, names: list[str], ctx: Context) -> dict[str, bytes]:
    """Extract `names` into memory through writers that enforce the part limit and the budget."""
    from py7zr.io import Py7zIO, WriterFactory

    limit = ctx.limits.max_part_size
    products: dict[str, bytearray] = {}

    class _Capped(Py7zIO):  # type: ignore[misc,unused-ignore]  # Any without py7zr installed
        def __init__(self, name: str) -> None:
            self._name = name
            self._buffer = products.setdefault(name, bytearray())

        def write(self, s: bytes | bytearray) -> int:
            ctx.budget.charge(len(s))
            if len(self._buffer) + len(s) > limit:
                raise LimitExceeded(f"7z member {self._name!r} inflates past {limit:,} bytes")
            self._buffer += s
            return len(s)

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            return None

        def size(self) -> int:
            return len(self._buffer)

    class _Factory(WriterFactory):  # type: ignore[misc,unused-ignore]  # Any without py7zr installed
        def create(self, filename: str) -> Py7zIO:
            return _Capped(filename)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        archive.extract(targets=names, factory=_Factory())
    return {name: bytes(buffer) for name, buffer in products.items()}


# --- shared ------------------------------------------------------------------------------

class _Distinct:
    """Member labels as the archive gives them, a repeated one numbered: 'a.txt', 'a.txt (2)'.

    Two members under one name are two documents: each is read, and its findings must not
    merge with the other's (the chain is part of a finding's identity)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def label(self, name: str) -> str:
        count = self._seen.get(name, 0) + 1
        self._seen[name] = count
        if count == 1:
            return name
        label = f"{name} ({count})"
        while label in self._seen:  # an archive may also hold a member literally named 'a.txt (2)'
            count += 1
            label = f"{name} ({count})"
        self._seen[label] = 1
        self._seen[name] = count
        return label


def _names(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")
