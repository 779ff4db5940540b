"""One document in, findings and errors out: the walk's events (docwalk.py) -> rules -> findings.

This runs inside a worker process (see scan.py), which adds the wall-clock and memory
limits; everything here is single-threaded and returns plain data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from docsecrets.docwalk import Begin, Closed, End, Event, Failed, Hit, Opened, Read, drive, walk
from docsecrets.extract.context import Context
from docsecrets.identity import fingerprint, redact
from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.config import Config
from docsecrets.packs import PackHit, TableObserver
from docsecrets.rules import TEXT_RULES, UNSCANNABLE, Match, Rule, TextRule
from docsecrets.rules.base import Priority, keyword_view, may_hold
from docsecrets.rules.ruleset import DEFAULT, RuleSet, ruleset_for
from docsecrets.rules.remote_access import REMOTE_ACCESS, find_access
from docsecrets.rules.table_password import TableHit, TableReader
from docsecrets.rules.split_blocks import KeyJoiner, unwrapped
from docsecrets.rules.web_root import sql_rows, sql_schema
from docsecrets.types import (
    Cell,
    ErrorKind,
    FileError,
    FileResult,
    Finding,
    Location,
    Row,
    Segment,
    Severity,
    new_location,
)

_QUOTES = "\"'`"


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] == text[start - 1]


# Table cells that no rule of TEXT_RULES can match, passed over before eleven-plus rule calls:
# numbers, dates, times and amounts, and a single word of letters (every rule needs a label and a
# value, a token prefix with its body (12 characters at least), a separator or a key armour). A union of the rules' own
# keyword tests was tried and missed the catalogue's and the prose rules' cues: this test knows
# nothing of the rules, so a rule added later cannot be hidden by it. tests/engine_test.py checks.
# (Each rule's own keywords, `Rule.keywords`, are applied per rule in scan_text, where
# tests/rules/prefilter_test.py and keywords_test.py hold them to the full scan and the case files.)
_NUMERIC = re.compile(r"[\d\s.,:;+\-/%()]*")
_ONE_WORD = re.compile(r"\s*[^\W\d_]{1,11}\s*")  # shorter than any token (known_tokens._SHORTEST)


def may_match(text: str) -> bool:
    """False when no rule of TEXT_RULES can match `text` (a cheap test before scan_text)."""
    return _NUMERIC.fullmatch(text) is None and _ONE_WORD.fullmatch(text) is None


def scan_text(text: str, rules: tuple[TextRule, ...] = TEXT_RULES, *, prefilter: bool = True) -> list[Match]:
    """Every rule over one piece of text; overlapping matches keep the most specific one.

    A rule runs only when one of its keywords is in the text (`prefilter=False` runs them all:
    the same matches, slower; tests/rules/prefilter_test.py compares the two)."""
    found: list[Match] = []
    view = keyword_view(text) if prefilter else ""
    for rule in rules:
        if prefilter and not may_hold(rule.keywords, view):
            continue
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


def scan_bytes(data: bytes, *, path: str, limits: Limits = DEFAULT_LIMITS, config: Config | None = None,
               tap: Callable[[Event], None] | None = None) -> FileResult:
    """Scan one top-level file already read into memory; `tap` sees every event of the walk first."""
    config = config or Config()
    out = _Collector(path=path, config=config, rules=ruleset_for(config), max_findings=limits.max_findings)
    ctx = Context.for_file(path, limits)
    reader = _Reader(out, ctx.limits)
    handle = reader.handle if tap is None else _tapped(tap, reader.handle)
    fmt = drive(walk(data, name=path, ctx=ctx, pack_reader=out.rules.document_reader if out.rules.packs else None),
                handle)
    findings = tuple(sorted(out.findings.values(), key=Finding.sort_key))
    # Belt and braces: a reader's message that still quotes a value found in this file loses it.
    secrets = sorted({f.secret for f in findings if len(f.secret) >= 4}, key=len, reverse=True)
    errors = tuple(replace(e, error=_scrubbed(e.error, *secrets)) if any(s in e.error for s in secrets) else e
                   for e in out.errors)
    return FileResult(path=path, findings=findings, errors=errors, format=fmt, size=len(data))


def _tapped(tap: Callable[[Event], None], handle: Callable[[Event], None]) -> Callable[[Event], None]:
    def both(event: Event) -> None:
        tap(event)
        handle(event)

    return both


def _scrubbed(text: str, *secrets: str) -> str:
    """`text` with every occurrence of a secret replaced by its redacted form."""
    for secret in secrets:
        if len(secret) >= 4 and secret in text:
            text = text.replace(secret, redact(secret) or "********")
    return text


@dataclass(slots=True)
class _Document:
    """One document being read: the packs' table observers, told its rows, finished when it closes."""

    chain: tuple[str, ...]
    inherited: str | None
    observers: list[TableObserver]


@dataclass(slots=True)
class _Reading:
    """One reader's items: tables, SQL schema and key pieces carried from one item to the next."""

    chain: tuple[str, ...]
    fmt: str
    observers: list[TableObserver]
    inherited: str | None
    tables: dict[str, TableReader] = field(default_factory=dict)
    sql_tables: dict[str, list[str]] = field(default_factory=dict)  # CREATE TABLE columns, for later INSERTs
    keys: KeyJoiner = field(default_factory=KeyJoiner)  # a private key cut into one paragraph or cell per line


class _Reader:
    """The rules over the events of docwalk.walk (see there for their order)."""

    def __init__(self, out: _Collector, limits: Limits) -> None:
        self.out, self.limits = out, limits
        self.documents: list[_Document] = []
        self.readings: list[_Reading] = []

    def handle(self, event: Event) -> None:
        out = self.out
        if isinstance(event, Read):
            reading = self.readings[-1]
            item, chain, inherited = event.item, event.chain, event.inherited
            if isinstance(item, Segment):
                _scan_joined(reading.keys.feed(item.text, item.location, item.hidden or inherited), chain=chain,
                             out=out)
                _scan_segment(item, chain=chain, out=out, inherited=inherited, limits=self.limits)
                if reading.fmt == "text" and ("CREATE" in item.text or reading.sql_tables):
                    _scan_sql_block(item, reading.sql_tables, chain=chain, out=out, inherited=inherited)
            else:
                filled = [c for c in item.cells if c.text.strip()]
                piece = filled[0] if len(filled) == 1 else None
                _scan_joined(reading.keys.feed(piece.text if piece else "", _cell_location(item, piece or item.cells[0])
                                               if item.cells else item.location, item.hidden or inherited),
                             chain=chain, out=out)
                # a row an observer reports as part of a whole table skips the packs' own text rules
                whole = [observer.row(item) for observer in reading.observers] if reading.observers else ()
                table = reading.tables.get(item.table)
                if table is None:  # once per table, not once per row (a big export has millions of rows)
                    table = reading.tables[item.table] = TableReader(extra_labels=out.rules.extra_labels)
                _scan_row(item, table, chain=chain, out=out, inherited=inherited,
                          rules=out.rules.base_rules if any(whole) else None)
        elif isinstance(event, Opened):
            if event.reading:
                self.documents.append(_Document(event.chain, event.inherited,
                                                out.rules.observers() if out.rules.packs else []))
        elif isinstance(event, Begin):
            self._abandon(event.chain, flush=False)  # a format that failed to parse, read again as text
            document = self.documents[-1]
            self.readings.append(_Reading(event.chain, event.fmt, document.observers if event.observed else [],
                                          document.inherited))
        elif isinstance(event, Hit):
            _add_pack_hit(event.hit, chain=event.chain, out=out, inherited=event.inherited)
        elif isinstance(event, End):
            self._flush(self.readings.pop())
        elif isinstance(event, Failed):
            self._abandon(event.chain, flush=True)
            out.error(event.message, chain=event.chain, kind=event.kind)
            if event.encrypted is not None:
                out.add(rule=UNSCANNABLE, secret="", location=Location(), chain=event.chain, hidden=event.inherited,
                        description=f"encrypted: {event.encrypted}", priority=Priority.NONE)
        elif isinstance(event, Closed):
            while self.documents and self.documents[-1].chain[:len(event.chain)] == event.chain:
                document = self.documents.pop()
                if document.chain != event.chain:
                    continue  # left by an error: its parent's Failed said so
                for observer in document.observers:  # tables read before a failure are still reported
                    for hit in observer.finish():
                        _add_pack_hit(hit, chain=event.chain, out=out, inherited=document.inherited)
                        if hit.pages:
                            _fold_pages(hit.pages, chain=event.chain, out=out)

    def _abandon(self, chain: tuple[str, ...], *, flush: bool) -> None:
        """Readings at or under `chain` that a failure cut short. `flush`: the rows they read are
        still decided and reported (the findings of the intact parts of a damaged document);
        else dropped (a misread format, read again as text)."""
        while self.readings and self.readings[-1].chain[:len(chain)] == chain:
            reading = self.readings.pop()
            if flush:
                self._flush(reading)

    def _flush(self, reading: _Reading) -> None:
        _scan_joined(reading.keys.flush(), chain=reading.chain, out=self.out)
        for table in reading.tables.values():  # tables still buffering rows to decide a column
            _emit_table_hits(list(table.flush()), table, chain=reading.chain, out=self.out, inherited=reading.inherited)


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


def _cell_location(row: Row, cell: Cell) -> Location:
    base = row.location
    return new_location(base.part, base.page, base.line, cell.ref, base.row, cell.column)


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
