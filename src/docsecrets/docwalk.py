"""One document walk: sniff, read, and go down into members, under one budget and one depth limit.

`scan` (engine.scan_bytes) and `extract` (cli/inspect_cmd.py) both read a document through `walk`, so what
`extract` shows is what `scan` read: the same readers, the same `Context` (limits and the byte
budget shared by every nesting level), the same depth limit, the same fallback to text.

`walk` yields events, in document order. For each document (the file, then each member where
its reader hands it over):

- `Opened(chain, name, fmt, inherited, reading)`: sniffed; `reading` False when no reader runs
  (empty, binary, unsupported), so nothing but a `Failed` may follow before the next document;
- `Begin(chain, fmt, observed)`: a reader's items follow (a second time when a format that failed
  to parse is read again as text; the first reading is then abandoned);
- `Read(item, chain, inherited)`: a Segment or a Row; `Hit(...)`: a pack reader's finding;
- `End(chain)`: the reader's items are complete (none when it failed);
- `Failed(chain, message, kind, inherited, encrypted)`: why the document (or a member past the
  depth limit) could not be read; readings still open at and under `chain` are abandoned;
- `Closed(chain)`: the document is done, read or not (none when an error left it: its parent's
  `Failed` follows).

An exception the consumer raises while handling an event is thrown back into the walk (`drive`),
where it ends the document being read with an error, exactly as a reader's exception does: a rule
bug costs one document, not the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass

from docsecrets.extract import get_extractor
from docsecrets.extract.context import Context
from docsecrets.packs import PACK_FORMATS, DocumentReader, PackHit
from docsecrets.sniff import DOCUMENT_SUFFIXES, reads_as_text, sniff, suffix_of
from docsecrets.types import EncryptedError, ErrorKind, ExtractError, Item, LimitExceeded, Member, Row, Segment

log = logging.getLogger(__name__)

Chain = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Opened:
    chain: Chain
    name: str
    fmt: str
    inherited: str | None  # the hidden reason of the member holding this document
    reading: bool


@dataclass(frozen=True, slots=True)
class Begin:
    chain: Chain
    fmt: str
    observed: bool  # the packs' table observers see this reading's rows


@dataclass(frozen=True, slots=True)
class Read:
    item: Segment | Row
    chain: Chain
    inherited: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    hit: PackHit
    chain: Chain
    inherited: str | None


@dataclass(frozen=True, slots=True)
class End:
    chain: Chain


@dataclass(frozen=True, slots=True)
class Failed:
    chain: Chain
    message: str
    kind: ErrorKind
    inherited: str | None = None
    encrypted: str | None = None  # the reason, when the document is password-protected


@dataclass(frozen=True, slots=True)
class Closed:
    chain: Chain


Event = Opened | Begin | Read | Hit | End | Failed | Closed
Walk = Generator[Event, None, str]


def walk(data: bytes, *, name: str, ctx: Context,
         pack_reader: Callable[[str], DocumentReader | None] | None = None) -> Walk:
    """The events of one top-level document; returns the format it was read as."""
    return _document(data, name=name, chain=(), depth=0, ctx=ctx, inherited=None, pack_reader=pack_reader)


def drive(events: Walk, handle: Callable[[Event], None]) -> str:
    """Hand every event to `handle`; what `handle` raises is thrown back into the walk (see above).

    Returns the format the top-level document was read as.
    """
    try:
        event = next(events)
        while True:
            try:
                handle(event)
            except BaseException as exc:  # noqa: BLE001 - the walk maps it, or it propagates from throw
                event = events.throw(exc)
            else:
                event = next(events)
    except StopIteration as stop:
        fmt: str = stop.value
        return fmt


def _document(data: bytes, *, name: str, chain: Chain, depth: int, ctx: Context, inherited: str | None,
              pack_reader: Callable[[str], DocumentReader | None] | None) -> Walk:
    fmt = sniff(data, name)
    suffix = suffix_of(name)
    if fmt == "empty":
        yield Opened(chain, name, fmt, inherited, reading=False)
        if suffix in DOCUMENT_SUFFIXES:
            yield Failed(chain, f"empty file: a .{suffix} document cannot be 0 bytes", kind="unreadable")
        yield Closed(chain)
        return fmt
    if fmt == "binary":
        yield Opened(chain, name, fmt, inherited, reading=False)
        if suffix in DOCUMENT_SUFFIXES:
            yield Failed(chain, f"not a readable .{suffix} document: its content matches no known format",
                         "unreadable")
        yield Closed(chain)
        return fmt
    pack = pack_reader(fmt) if pack_reader is not None else None
    extractor = get_extractor(fmt) if pack is None else None
    if extractor is None and pack is None:
        yield Opened(chain, name, fmt, inherited, reading=False)
        if fmt not in PACK_FORMATS:  # a DICOM file without the health pack: passed over like an image
            yield Failed(chain, f"{fmt} documents are not read yet", kind="unsupported")
        yield Closed(chain)
        return fmt
    yield Opened(chain, name, fmt, inherited, reading=True)
    try:
        if pack is not None:
            for hit in pack(data, ctx):
                yield Hit(hit, chain, inherited)
        if extractor is not None:
            yield from _items(extractor(data, ctx), chain=chain, depth=depth, ctx=ctx, inherited=inherited,
                              fmt=fmt, observed=True, pack_reader=pack_reader)
    except EncryptedError as exc:
        yield Failed(chain, f"unscannable: encrypted: {exc}", kind="encrypted", inherited=inherited,
                     encrypted=str(exc))
    except LimitExceeded as exc:
        yield Failed(chain, f"unscannable: limit exceeded: {exc}", kind="limit")
    except ExtractError as exc:
        # A text file that only looked like a PDF, RTF, tar...: read as text, so no error. A file
        # named as a document (.pdf, .xlsx...) keeps its parse failure: it is a damaged document.
        if fmt != "text" and suffix not in DOCUMENT_SUFFIXES and reads_as_text(data):
            read = yield from _as_text(data, chain=chain, depth=depth, ctx=ctx, inherited=inherited,
                                       pack_reader=pack_reader)
            if read:
                yield Closed(chain)
                return "text"
        yield Failed(chain, f"unscannable: {exc}", kind="unreadable")
    except RecursionError:
        yield Failed(chain, f"unscannable: {fmt} structure nested too deeply (recursion limit)", kind="limit")
    except MemoryError:
        yield Failed(chain, f"unscannable: memory limit exceeded while reading the {fmt} document", kind="memory")
    except Exception as exc:  # a reader bug must cost one file, never the sweep
        log.debug("reader crashed on %s", name, exc_info=True)
        # the library's message may quote the document: the reader and the exception type only
        yield Failed(chain, f"unscannable: internal error in the {fmt} reader: {type(exc).__name__}", kind="internal")
    yield Closed(chain)  # tables read before a failure are still reported
    return fmt


def _items(items: Iterable[Item], *, chain: Chain, depth: int, ctx: Context, inherited: str | None, fmt: str,
           observed: bool, pack_reader: Callable[[str], DocumentReader | None] | None) -> Generator[Event, None, None]:
    yield Begin(chain, fmt, observed)
    for item in items:
        if isinstance(item, Member):
            yield from _member(item, chain=chain, depth=depth, ctx=ctx, inherited=inherited, pack_reader=pack_reader)
        else:
            yield Read(item, chain, inherited)
    yield End(chain)


def _as_text(data: bytes, *, chain: Chain, depth: int, ctx: Context, inherited: str | None,
             pack_reader: Callable[[str], DocumentReader | None] | None) -> Generator[Event, None, bool]:
    """The fallback when a sniffed format fails to parse: magic bytes can sit in a text file
    ('%PDF-' quoted in a note). True when the text reader read them."""
    extractor = get_extractor("text")
    if extractor is None:  # pragma: no cover - the text reader is always registered
        return False
    try:
        yield from _items(extractor(data, ctx), chain=chain, depth=depth, ctx=ctx, inherited=inherited,
                          fmt="text", observed=False, pack_reader=pack_reader)
    except ExtractError:
        return False
    return True


def _member(member: Member, *, chain: Chain, depth: int, ctx: Context, inherited: str | None,
            pack_reader: Callable[[str], DocumentReader | None] | None) -> Generator[Event, None, None]:
    child_chain = (*chain, member.name)
    if depth + 1 > ctx.limits.max_depth:
        yield Failed(child_chain, f"unscannable: nested deeper than {ctx.limits.max_depth} levels", kind="limit")
        return
    yield from _document(member.data, name=member.name, chain=child_chain, depth=depth + 1, ctx=ctx,
                         inherited=member.hidden or inherited, pack_reader=pack_reader)
