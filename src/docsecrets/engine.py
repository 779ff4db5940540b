"""One document in, findings and errors out: sniff -> extract -> rules -> findings.

This runs inside a worker process (see scan.py), which adds the wall-clock and memory
limits; everything here is single-threaded and returns plain data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

from docsecrets.extract import get_extractor
from docsecrets.hashing import slow_hash
from docsecrets.extract.context import Context
from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.config import Config
from docsecrets.packs import PACK_FORMATS, PackHit, TableObserver
from docsecrets.rules import TEXT_RULES, UNSCANNABLE, Match, Rule, TextRule
from docsecrets.rules.base import Priority
from docsecrets.rules.ruleset import DEFAULT, RuleSet, ruleset_for
from docsecrets.rules.remote_access import REMOTE_ACCESS, find_access
from docsecrets.rules.table_password import TableHit, TableReader
from docsecrets.rules.split_blocks import KeyJoiner, unwrapped
from docsecrets.rules.web_root import sql_rows, sql_schema
from docsecrets.sniff import DOCUMENT_SUFFIXES, reads_as_text, sniff, suffix_of
from docsecrets.types import (
    Cell,
    EncryptedError,
    ErrorKind,
    ExtractError,
    FileError,
    FileResult,
    Finding,
    Item,
    LimitExceeded,
    Location,
    Member,
    Row,
    Segment,
    Severity,
)

log = logging.getLogger(__name__)

_QUOTES = "\"'`"


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] == text[start - 1]


# Table cells that no rule of TEXT_RULES can match, passed over before eleven-plus rule calls:
# numbers, dates, times and amounts, and a single word of letters (every rule needs a label and a
# value, a token prefix with its body (12 characters at least), a separator or a key armour). A union of the rules' own
# keyword tests was tried and missed the catalogue's and the prose rules' cues: this test knows
# nothing of the rules, so a rule added later cannot be hidden by it. tests/engine_test.py checks.
_NUMERIC = re.compile(r"[\d\s.,:;+\-/%()]*")
_ONE_WORD = re.compile(r"\s*[^\W\d_]{1,11}\s*")  # shorter than any token (known_tokens._SHORTEST)


def may_match(text: str) -> bool:
    """False when no rule of TEXT_RULES can match `text` (a cheap test before scan_text)."""
    return _NUMERIC.fullmatch(text) is None and _ONE_WORD.fullmatch(text) is None


def scan_text(text: str, rules: tuple[TextRule, ...] = TEXT_RULES) -> list[Match]:
    """Every rule over one piece of text; overlapping matches keep the most specific one."""
    found: list[Match] = []
    for rule in rules:
        found.extend(rule.scan(text))
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (-m.priority, m.start))
    kept: list[Match] = []
    for match in found:
        if any(match.start < k.end and k.start < match.end or match.secret == k.secret for k in kept):
            continue
        kept.append(match)
    kept.sort(key=lambda m: m.start)
    return kept


SHORT_SECRET = 12  # below this many characters nothing of a secret is shown, not even its length
_MASK = "********"
_KEY_HEADERS = ("-----BEGIN ", "PuTTY-User-Key-File-", "---- BEGIN SSH2")

def redact(secret: str) -> str:
    """What a report may show of a secret: never a character of a short one, never its length.

    Under 12 characters: a fixed mask. Longer: the first and last two characters ('Ur…3!').
    A key block: the start of its first line when that line is a header ('-----BEGIN RSA PRIVATE KEY-----…').
    """
    if not secret:
        return ""
    if len(secret) < SHORT_SECRET:
        return _MASK
    if "\n" in secret:
        first = secret.split("\n", 1)[0].strip()
        if first.startswith(_KEY_HEADERS):
            return first[:40] + "…"
        return secret[:2] + "…"
    return secret[:2] + "…" + secret[-2:]


def fingerprint(rule_id: str, path: str, chain: tuple[str, ...], secret: str) -> str:
    """Stable identity of a finding: no location, so inserting rows does not change it.

    sha256(rule, path, chain, scrypt(secret, salt=sha256(path, chain))): the salt ties the slow
    hash to one file, so no table computed in advance applies and each finding costs its own
    search; the scrypt result is memoised, so one value in one file costs once per process.
    """
    where = _salt(normalise_path(path), chain)
    digest = hashlib.sha256()
    for part in (rule_id.encode("utf-8"), where, slow_hash(secret, where)):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _salt(path: str, chain: tuple[str, ...]) -> bytes:
    digest = hashlib.sha256(b"docsecrets fingerprint v2\x00")
    for part in (path, *chain):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\x00")
    return digest.digest()


def normalise_path(path: str) -> str:
    from docsecrets.paths import normalise

    return normalise(path)


@dataclass(slots=True)
class _Collector:
    path: str
    config: Config = field(default_factory=Config)
    rules: RuleSet = DEFAULT
    findings: dict[tuple[object, ...], Finding] = field(default_factory=dict)
    priorities: dict[tuple[object, ...], int] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)
    max_findings: int = DEFAULT_LIMITS.max_findings
    capped: bool = False

    def add(self, *, rule: Rule, secret: str, location: Location, chain: tuple[str, ...], hidden: str | None,
            description: str, priority: int, severity: object = None, confidence: str = "high",
            identity: str | None = None) -> None:
        if rule.id in self.config.disable or (secret and self.config.allows_value(secret)):
            return
        description = _scrubbed(description, secret)
        hidden = _scrubbed(hidden, secret) if hidden else hidden
        if location.part and secret and secret in location.part:
            location = replace(location, part=_scrubbed(location.part, secret))
        key = (chain, location, secret)
        if key not in self.findings and len(self.findings) >= self.max_findings:
            if not self.capped:
                self.capped = True
                self.error(f"unscannable: more than {self.max_findings:,} findings; the rest are not reported "
                           "(limit)", chain=(), kind="limit")
            return
        if self.priorities.get(key, -1) >= priority:
            return
        severity = self.config.severity_for(rule.id, severity or rule.severity)  # type: ignore[arg-type]
        self.priorities[key] = priority
        self.findings[key] = Finding(
            rule_id=rule.id, rule_name=rule.name, severity=severity,
            path=self.path, location=location, chain=chain, redacted=redact(secret),
            fingerprint=fingerprint(rule.id, self.path, chain, secret if identity is None else identity),
            description=description,
            hidden=hidden, confidence=confidence, secret=secret)

    def error(self, message: str, *, chain: tuple[str, ...], kind: ErrorKind) -> None:
        self.errors.append(FileError(path=self.path, error=message, chain=chain, kind=kind))


def scan_bytes(data: bytes, *, path: str, limits: Limits = DEFAULT_LIMITS, config: Config | None = None) -> FileResult:
    """Scan one top-level file already read into memory."""
    config = config or Config()
    out = _Collector(path=path, config=config, rules=ruleset_for(config), max_findings=limits.max_findings)
    ctx = Context.for_file(path, limits)
    fmt = _scan_document(data, name=path, chain=(), depth=0, ctx=ctx, out=out, inherited=None)
    findings = tuple(sorted(out.findings.values(), key=Finding.sort_key))
    # Belt and braces: a reader's message that still quotes a value found in this file loses it.
    secrets = sorted({f.secret for f in findings if len(f.secret) >= 4}, key=len, reverse=True)
    errors = tuple(replace(e, error=_scrubbed(e.error, *secrets)) if any(s in e.error for s in secrets) else e
                   for e in out.errors)
    return FileResult(path=path, findings=findings, errors=errors, format=fmt, size=len(data))


def _scrubbed(text: str, *secrets: str) -> str:
    """`text` with every occurrence of a secret replaced by its redacted form."""
    for secret in secrets:
        if len(secret) >= 4 and secret in text:
            text = text.replace(secret, redact(secret) or "********")
    return text


def _scan_document(data: bytes, *, name: str, chain: tuple[str, ...], depth: int, ctx: Context,
                   out: _Collector, inherited: str | None) -> str:
    fmt = sniff(data, name)
    suffix = suffix_of(name)
    if fmt == "empty":
        if suffix in DOCUMENT_SUFFIXES:
            out.error(f"empty file: a .{suffix} document cannot be 0 bytes", chain=chain, kind="unreadable")
        return fmt
    if fmt == "binary":
        if suffix in DOCUMENT_SUFFIXES:
            out.error(f"not a readable .{suffix} document: its content matches no known format",
                      chain=chain, kind="unreadable")
        return fmt
    pack_reader = out.rules.document_reader(fmt) if out.rules.packs else None
    extractor = get_extractor(fmt) if pack_reader is None else None
    if extractor is None and pack_reader is None:
        if fmt not in PACK_FORMATS:  # a DICOM file without the health pack: passed over like an image
            out.error(f"{fmt} documents are not read yet", chain=chain, kind="unsupported")
        return fmt
    observers = out.rules.observers() if out.rules.packs else []
    try:
        if pack_reader is not None:
            for hit in pack_reader(data, ctx):
                _add_pack_hit(hit, chain=chain, out=out, inherited=inherited)
        if extractor is not None:
            _consume(extractor(data, ctx), chain=chain, depth=depth, ctx=ctx, out=out, inherited=inherited,
                     fmt=fmt, observers=observers)
    except EncryptedError as exc:
        out.error(f"unscannable: encrypted: {exc}", chain=chain, kind="encrypted")
        out.add(rule=UNSCANNABLE, secret="", location=Location(), chain=chain, hidden=inherited,
                description=f"encrypted: {exc}", priority=Priority.NONE)
    except LimitExceeded as exc:
        out.error(f"unscannable: limit exceeded: {exc}", chain=chain, kind="limit")
    except ExtractError as exc:
        # A text file that only looked like a PDF, RTF, tar...: read as text, so no error. A file
        # named as a document (.pdf, .xlsx...) keeps its parse failure: it is a damaged document.
        if fmt != "text" and suffix not in DOCUMENT_SUFFIXES and _read_as_text(
                data, chain=chain, depth=depth, ctx=ctx, out=out, inherited=inherited):
            return "text"
        out.error(f"unscannable: {exc}", chain=chain, kind="unreadable")
    except RecursionError:
        out.error(f"unscannable: {fmt} structure nested too deeply (recursion limit)", chain=chain, kind="limit")
    except MemoryError:
        out.error(f"unscannable: memory limit exceeded while reading the {fmt} document", chain=chain,
                  kind="memory")
    except Exception as exc:  # a reader bug must cost one file, never the sweep
        log.debug("reader crashed on %s", name, exc_info=True)
        # the library's message may quote the document: the reader and the exception type only
        out.error(f"unscannable: internal error in the {fmt} reader: {type(exc).__name__}",
                  chain=chain, kind="internal")
    for observer in observers:  # tables read before a failure are still reported
        for hit in observer.finish():
            _add_pack_hit(hit, chain=chain, out=out, inherited=inherited)
            if hit.pages:
                _fold_pages(hit.pages, chain=chain, out=out)
    return fmt


def _fold_pages(pages: frozenset[int], *, chain: tuple[str, ...], out: _Collector) -> None:
    """Drop the packs' text-rule findings on these pages: a PDF table's values read again as page text."""
    folded = {rule.rule.id for pack in out.rules.packs for rule in pack.text_rules}
    for key in [key for key, found in out.findings.items()
                if found.chain == chain and found.rule_id in folded and found.location.page in pages]:
        del out.findings[key]


def _add_pack_hit(hit: PackHit, *, chain: tuple[str, ...], out: _Collector, inherited: str | None) -> None:
    out.add(rule=hit.rule, secret=hit.secret, location=hit.location, chain=chain, hidden=hit.hidden or inherited,
            description=hit.description, priority=Priority.TABLE, severity=hit.severity,
            confidence=hit.confidence, identity=hit.identity)


def _consume(items: Iterable[Item], *, chain: tuple[str, ...], depth: int, ctx: Context, out: _Collector,
             inherited: str | None, fmt: str = "text", observers: Sequence[TableObserver] = ()) -> None:
    tables: dict[str, TableReader] = {}
    sql_tables: dict[str, list[str]] = {}  # CREATE TABLE columns of an SQL dump, for INSERTs in later blocks
    keys = KeyJoiner()  # a private key cut into one paragraph or cell per line
    for item in items:
        if isinstance(item, Segment):
            _scan_joined(keys.feed(item.text, item.location, item.hidden or inherited), chain=chain, out=out)
            _scan_segment(item, chain=chain, out=out, inherited=inherited, limits=ctx.limits)
            if fmt == "text" and ("CREATE" in item.text or sql_tables):
                _scan_sql_block(item, sql_tables, chain=chain, out=out, inherited=inherited)
        elif isinstance(item, Row):
            filled = [c for c in item.cells if c.text.strip()]
            piece = filled[0] if len(filled) == 1 else None
            _scan_joined(keys.feed(piece.text if piece else "", _cell_location(item, piece or item.cells[0])
                                   if item.cells else item.location, item.hidden or inherited),
                         chain=chain, out=out)
            # a row an observer reports as part of a whole table skips the packs' own text rules
            whole = [observer.row(item) for observer in observers] if observers else ()
            _scan_row(item, tables.setdefault(item.table, TableReader(extra_labels=out.rules.extra_labels)),
                      chain=chain, out=out, inherited=inherited, rules=out.rules.base_rules if any(whole) else None)
        elif isinstance(item, Member):
            _scan_member(item, chain=chain, depth=depth, ctx=ctx, out=out, inherited=inherited)
    _scan_joined(keys.flush(), chain=chain, out=out)
    for reader in tables.values():  # tables still buffering rows to decide a column
        _emit_table_hits(list(reader.flush()), reader, chain=chain, out=out, inherited=inherited)


def _read_as_text(data: bytes, *, chain: tuple[str, ...], depth: int, ctx: Context, out: _Collector,
                  inherited: str | None) -> bool:
    """The fallback when a sniffed format fails to parse: magic bytes can sit in a text file
    ('%PDF-' quoted in a note). True when the bytes are text and the text reader read them."""
    if not reads_as_text(data):
        return False
    extractor = get_extractor("text")
    if extractor is None:  # pragma: no cover - the text reader is always registered
        return False
    try:
        _consume(extractor(data, ctx), chain=chain, depth=depth, ctx=ctx, out=out, inherited=inherited)
    except ExtractError:
        return False
    return True


def _scan_member(member: Member, *, chain: tuple[str, ...], depth: int, ctx: Context, out: _Collector,
                 inherited: str | None) -> None:
    child_chain = (*chain, member.name)
    if depth + 1 > ctx.limits.max_depth:
        out.error(f"unscannable: nested deeper than {ctx.limits.max_depth} levels", chain=child_chain,
                  kind="limit")
        return
    _scan_document(member.data, name=member.name, chain=child_chain, depth=depth + 1, ctx=ctx, out=out,
                   inherited=member.hidden or inherited)


def _scan_segment(segment: Segment, *, chain: tuple[str, ...], out: _Collector, inherited: str | None,
                  limits: Limits) -> None:
    if out.capped:  # past max_findings the file is already unscannable: no more rule work
        return
    text = segment.text[: limits.max_segment_chars]
    if len(text) < 4:
        return
    hidden = segment.hidden or inherited
    if "\n" in text:
        _scan_unwrapped(text, segment, chain=chain, out=out, hidden=hidden)
    matches = scan_text(text, out.rules.text_rules)
    if not matches:
        return
    for match in matches:
        if segment.code and match.rule.literal_only_in_code and not _quoted(text, match.start, match.end):
            continue  # `password = get_password()`: an expression, not a value
        line_offset = text.count("\n", 0, match.start)
        rule, severity, description = match.rule, match.severity, match.description
        if match.is_password:
            access = find_access(_line_window(text, match.start), near=_line_window(text, match.start, 0))
            if access is not None and access.kind:
                rule, severity, description = REMOTE_ACCESS, None, access.describe()
            elif access is not None:  # a target, no named kind: at least high
                severity = max(severity or rule.severity, Severity.HIGH)
                description = f"{description}; {access.describe()}" if description else access.describe()
        out.add(rule=rule, secret=match.secret, location=segment.location.with_line_offset(line_offset),
                chain=chain, hidden=hidden, description=description, priority=match.priority,
                severity=severity, confidence=match.confidence)




def _scan_joined(blocks: Iterable[tuple[str, Location, str | None]], *, chain: tuple[str, ...],
                 out: _Collector) -> None:
    """Key blocks put back together from one paragraph or cell per line."""
    for text, location, hidden in blocks:
        for match in scan_text(text, tuple(r for r in out.rules.text_rules if r.rule.id == "DS210")):
            out.add(rule=match.rule, secret=match.secret, location=location, chain=chain, hidden=hidden,
                    description=f"{match.description} (one line per paragraph or cell)", priority=match.priority,
                    severity=match.severity, confidence=match.confidence)


def _scan_unwrapped(text: str, segment: Segment, *, chain: tuple[str, ...], out: _Collector,
                    hidden: str | None) -> None:
    """Tokens a PDF cut at a line break, read again with the break removed."""
    windows = unwrapped(text)
    if windows is None:
        return
    rules = tuple(r for r in out.rules.text_rules if r.rule.reread_split)
    for offset, glued, cut in windows:
        whole_before = {m.start for m in scan_text(glued[:cut], rules) if m.end == cut}
        for match in scan_text(glued, rules):
            if not match.start < cut < match.end:
                continue  # whole on one line: already read
            if match.start in whole_before:
                continue  # a token complete at the end of its line, the next line's word glued on
            start = offset + match.start
            out.add(rule=match.rule, secret=match.secret, chain=chain, hidden=hidden,
                    location=segment.location.with_line_offset(text.count("\n", 0, start)),
                    description=f"{match.description} (cut by a line break)", priority=match.priority,
                    severity=match.severity, confidence=match.confidence)


def _scan_sql_block(segment: Segment, tables: dict[str, list[str]], *, chain: tuple[str, ...], out: _Collector,
                    inherited: str | None) -> None:
    """INSERT rows of an SQL dump read against the CREATE TABLE of an earlier block (bounded)."""
    if tables and "CREATE" not in segment.text and "create" not in segment.text:
        for match in sql_rows(segment.text, tables):
            out.add(rule=match.rule, secret=match.secret, chain=chain, hidden=segment.hidden or inherited,
                    location=segment.location.with_line_offset(segment.text.count("\n", 0, match.start)),
                    description=match.description, priority=match.priority)
    if len(tables) < 200:
        tables.update(sql_schema(segment.text))


def _line_window(text: str, position: int, spread: int = 1) -> str:
    """The line holding `position` and `spread` lines either side: the context of a credential."""
    start = text.rfind("\n", 0, position)
    for _ in range(spread):
        if start <= 0:
            break
        start = text.rfind("\n", 0, start)
    end = text.find("\n", position)
    for _ in range(spread):
        if end < 0:
            break
        end = text.find("\n", end + 1)
    return text[start + 1:end if end >= 0 else len(text)]


def _location_factory() -> Callable[[str | None, int | None, int | None, str | None, int | None, int | None],
                                    Location]:
    """Location(part, page, line, cell, row, column) built by setting its slots (0.4 us, against 1.3
    through the frozen __init__; once per row of a table), while Location has exactly these fields."""
    names = ("part", "page", "line", "cell", "row", "column")
    if tuple(f.name for f in fields(Location)) != names or not hasattr(Location, "__slots__"):
        return lambda part, page, line, cell, row, column: Location(part=part, page=page, line=line, cell=cell,
                                                                    row=row, column=column)
    new = object.__new__
    set_part, set_page, set_line, set_cell, set_row, set_column = (Location.__dict__[name].__set__ for name in names)

    def new_location(part: str | None, page: int | None, line: int | None, cell: str | None, row: int | None,
                     column: int | None) -> Location:
        location: Location = new(Location)
        set_part(location, part)
        set_page(location, page)
        set_line(location, line)
        set_cell(location, cell)
        set_row(location, row)
        set_column(location, column)
        return location

    return new_location


_new_location = _location_factory()


def _cell_location(row: Row, cell: Cell) -> Location:
    base = row.location
    return _new_location(base.part, base.page, base.line, cell.ref, base.row, cell.column)


def _table_match(hit: TableHit) -> Match:
    return Match(rule=hit.rule, secret=hit.secret, start=0, end=len(hit.secret), description=f"column '{hit.label}'",
                 is_password=hit.is_password, priority=Priority.TABLE)


def _emit_table_hits(found: list[TableHit], reader: TableReader, *, chain: tuple[str, ...], out: _Collector,
                     inherited: str | None) -> None:
    """Hits on rows a table reader held back until it could decide a column."""
    by_row: dict[int, tuple[Row, list[tuple[Cell, Match]]]] = {}
    for hit in found:
        if hit.row is not None:
            by_row.setdefault(id(hit.row), (hit.row, []))[1].append((hit.cell, _table_match(hit)))
    for row, hits in by_row.values():
        _report_row_hits(row, hits, reader, chain=chain, out=out, inherited=inherited)


def _scan_row(row: Row, reader: TableReader, *, chain: tuple[str, ...], out: _Collector,
              inherited: str | None, rules: tuple[TextRule, ...] | None = None) -> None:
    if out.capped:
        return
    text_rules = out.rules.text_rules if rules is None else rules
    hits: list[tuple[Cell, Match]] = []
    found = reader.read(row)
    if found:
        _emit_table_hits(found, reader, chain=chain, out=out, inherited=inherited)
        hits.extend((hit.cell, _table_match(hit)) for hit in found if hit.row is None)
    default = text_rules is TEXT_RULES
    for cell in row.cells:  # once per cell of a workbook: nothing built for a cell no rule matches
        text = cell.text
        # digits and dots (numbers, IPs) are numbers to may_match too (tests/engine_rows_test.py): not asked
        if len(text) >= 4 and (not default or not text.replace(".", "").isdecimal() and may_match(text)):
            matches = scan_text(text, text_rules)
            if matches:
                hits.extend((cell, match) for match in matches)
    if hits:
        _report_row_hits(row, hits, reader, chain=chain, out=out, inherited=inherited)


def _report_row_hits(row: Row, hits: list[tuple[Cell, Match]], reader: TableReader, *, chain: tuple[str, ...],
                     out: _Collector, inherited: str | None) -> None:
    row_text = " | ".join(c.text for c in row.cells)
    for cell, match in _dedupe_cells(hits):
        rule, severity, description = match.rule, match.severity, match.description
        if match.is_password:
            context = f"{row_text} {reader.context(row, cell.column)} {reader.column_label(cell.column)}"
            access = find_access(context, near=reader.group_context(row, cell.column))
            if access is not None and access.kind:
                rule, severity = REMOTE_ACCESS, None
                description = f"{access.describe()} ({description})" if description else access.describe()
            elif access is not None:  # a target, no named kind: at least high
                severity = max(severity or rule.severity, Severity.HIGH)
                description = f"{access.describe()} ({description})" if description else access.describe()
        out.add(rule=rule, secret=match.secret, location=_cell_location(row, cell), chain=chain,
                hidden=cell.hidden or row.hidden or inherited, description=description,
                priority=match.priority, severity=severity, confidence=match.confidence)


def _dedupe_cells(hits: Iterable[tuple[Cell, Match]]) -> list[tuple[Cell, Match]]:
    best: dict[tuple[int, str], tuple[Cell, Match]] = {}
    for cell, match in hits:
        key = (cell.column, match.secret)
        if key not in best or best[key][1].priority < match.priority:
            best[key] = (cell, match)
    return list(best.values())
