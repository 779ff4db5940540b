"""One document in, findings and errors out: sniff -> extract -> rules -> findings.

This runs inside a worker process (see scan.py), which adds the wall-clock and memory
limits; everything here is single-threaded and returns plain data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from docsecrets.extract import get_extractor
from docsecrets.extract.context import Context
from docsecrets.limits import DEFAULT_LIMITS, Limits
from docsecrets.config import Config
from docsecrets.packs import PACK_FORMATS, DocumentReader, Pack, PackHit, TableObserver, load_pack
from docsecrets.rules import TEXT_RULES, UNSCANNABLE, Match, Rule, TextRule
from docsecrets.rules.known_tokens import _PREFILTER as _KNOWN_TOKEN_PREFILTER
from docsecrets.rules.vocabulary import LABEL_STEMS
from docsecrets.rules.remote_access import REMOTE_ACCESS, find_access
from docsecrets.rules.table_password import TableReader
from docsecrets.sniff import DOCUMENT_SUFFIXES, sniff, suffix_of
from docsecrets.types import (
    Cell,
    EncryptedError,
    ExtractError,
    FileError,
    FileResult,
    Finding,
    LimitExceeded,
    Location,
    Member,
    Row,
    Segment,
)

log = logging.getLogger(__name__)

_TABLE_PRIORITY = 18
# Rules that read a value after a label: in source code only a string literal is a value.
_LITERAL_ONLY_IN_CODE = frozenset({"DS101", "DS102", "DS112"})
_QUOTES = "\"'`"


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] == text[start - 1]


# What a piece of text must hold for any of TEXT_RULES to match it: the union of each rule's own
# first test (known_tokens' prefilter, the label stems, "=", "/", "://", "-p", ...), so a table
# cell that holds none of them is passed over in one search instead of eleven rule calls. A
# superset: a rule may still find nothing. tests/engine_test.py checks it against every rule.
# Searched in lower case with a lower-case pattern: 2.6x faster than re.IGNORECASE.
_ANY_RULE_SOURCE = "|".join((
    _KNOWN_TOKEN_PREFILTER.pattern,
    *(re.escape(stem) for stem in LABEL_STEMS),
    "=", "/", "@", "-p", "51:b:", "private key", "aiza", "github_pat_", "^keepass database", "^pkcs#12 key store",
))
# (no upper-case escape such as \S or \D in it: tests/engine_test.py checks)
_ANY_RULE = re.compile(_ANY_RULE_SOURCE.lower())
# numbers, dates, times, amounts: no rule of TEXT_RULES reads a value made of these alone
_NUMERIC = re.compile(r"[\d\s.,:;+\-/%()]*")


def may_match(text: str) -> bool:
    """False when no rule of TEXT_RULES can match `text` (a cheap test before scan_text)."""
    return _NUMERIC.fullmatch(text) is None and _ANY_RULE.search(text.lower()) is not None


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


def redact(secret: str) -> str:
    """At most four characters of the secret and its length: 'Ur********3!'."""
    n = len(secret)
    if n <= 2:
        return "*" * n
    if n <= 5:
        return secret[0] + "*" * (n - 1)
    if n <= 9:
        return secret[0] + "*" * (n - 2) + secret[-1]
    if "\n" in secret:  # a key block: show its first line's start only
        return secret[:4] + f"…({n} chars)"
    return secret[:2] + "*" * (n - 4) + secret[-2:]


def fingerprint(rule_id: str, path: str, chain: tuple[str, ...], secret: str) -> str:
    """Stable identity of a finding: no location, so inserting rows does not change it."""
    digest = hashlib.sha256()
    for part in (rule_id, normalise_path(path), *chain, secret):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\x00")
    return digest.hexdigest()


def normalise_path(path: str) -> str:
    if "://" in path:  # a crawled URL is not a file path: kept as is
        return path
    try:
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    except ValueError:  # another drive on Windows
        pass
    return path.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class _RuleSet:
    text_rules: tuple[TextRule, ...]
    extra_labels: re.Pattern[str] | None
    packs: tuple[Pack, ...] = ()
    base_rules: tuple[TextRule, ...] = ()  # text_rules without the packs' (rows a pack reports whole)

    def observers(self) -> list[TableObserver]:
        return [pack.table_observer() for pack in self.packs if pack.table_observer is not None]

    def document_reader(self, fmt: str) -> DocumentReader | None:
        for pack in self.packs:
            if fmt in pack.documents:
                return pack.documents[fmt]
        return None


@lru_cache(maxsize=8)
def _rules_for(config: Config) -> _RuleSet:
    """The text rules a configuration asks for: ours, extra labels, custom regex rules, packs."""
    if not config.keywords and not config.rules and not config.packs:
        return _RuleSet(TEXT_RULES, None)
    from docsecrets.rules.custom import RegexRule
    from docsecrets.rules.kv_password import PasswordAssignment
    from docsecrets.rules.vocabulary import fold

    rules: list[TextRule] = [RegexRule(spec) for spec in config.rules]
    extra: re.Pattern[str] | None = None
    if config.keywords:
        rules.append(PasswordAssignment(extra_terms=config.keywords))
        extra = re.compile("|".join(re.escape(fold(k)) for k in config.keywords))
    packs = tuple(load_pack(name) for name in config.packs)
    pack_rules = tuple(rule for pack in packs for rule in pack.text_rules)
    return _RuleSet((*TEXT_RULES, *rules, *pack_rules), extra, packs, (*TEXT_RULES, *rules))


@dataclass(slots=True)
class _Collector:
    path: str
    config: Config = field(default_factory=Config)
    rules: _RuleSet = field(default_factory=lambda: _RuleSet(TEXT_RULES, None))
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

    def error(self, message: str, *, chain: tuple[str, ...], kind: str) -> None:
        self.errors.append(FileError(path=self.path, error=message, chain=chain, kind=kind))


def scan_bytes(data: bytes, *, path: str, limits: Limits = DEFAULT_LIMITS, config: Config | None = None) -> FileResult:
    """Scan one top-level file already read into memory."""
    config = config or Config()
    out = _Collector(path=path, config=config, rules=_rules_for(config), max_findings=limits.max_findings)
    ctx = Context.for_file(path, limits)
    fmt = _scan_document(data, name=path, chain=(), depth=0, ctx=ctx, out=out, inherited=None)
    findings = tuple(sorted(out.findings.values(), key=Finding.sort_key))
    return FileResult(path=path, findings=findings, errors=tuple(out.errors), format=fmt, size=len(data))


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
    tables: dict[str, TableReader] = {}
    observers = out.rules.observers() if out.rules.packs else []
    try:
        if pack_reader is not None:
            for hit in pack_reader(data, ctx):
                _add_pack_hit(hit, chain=chain, out=out, inherited=inherited)
        for item in extractor(data, ctx) if extractor is not None else ():
            if isinstance(item, Segment):
                _scan_segment(item, chain=chain, out=out, inherited=inherited, limits=ctx.limits)
            elif isinstance(item, Row):
                # a row an observer reports as part of a whole table skips the packs' own text rules
                whole = [observer.row(item) for observer in observers] if observers else ()
                _scan_row(item, tables.setdefault(item.table, TableReader(extra_labels=out.rules.extra_labels)),
                          chain=chain, out=out,
                          inherited=inherited, rules=out.rules.base_rules if any(whole) else None)
            elif isinstance(item, Member):
                _scan_member(item, chain=chain, depth=depth, ctx=ctx, out=out, inherited=inherited)
    except EncryptedError as exc:
        out.error(f"unscannable: encrypted: {exc}", chain=chain, kind="encrypted")
        out.add(rule=UNSCANNABLE, secret="", location=Location(), chain=chain, hidden=inherited,
                description=f"encrypted: {exc}", priority=0)
    except LimitExceeded as exc:
        out.error(f"unscannable: limit exceeded: {exc}", chain=chain, kind="limit")
    except ExtractError as exc:
        out.error(f"unscannable: {exc}", chain=chain, kind="unreadable")
    except RecursionError:
        out.error(f"unscannable: {fmt} structure nested too deeply (recursion limit)", chain=chain, kind="limit")
    except MemoryError:
        out.error(f"unscannable: memory limit exceeded while reading the {fmt} document", chain=chain,
                  kind="memory")
    except Exception as exc:  # a reader bug must cost one file, never the sweep
        log.debug("reader crashed on %s", name, exc_info=True)
        out.error(f"unscannable: internal error in the {fmt} reader: {type(exc).__name__}: {exc}",
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
            description=hit.description, priority=_TABLE_PRIORITY, severity=hit.severity,
            confidence=hit.confidence, identity=hit.identity)


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
    matches = scan_text(text, out.rules.text_rules)
    if not matches:
        return
    hidden = segment.hidden or inherited
    for match in matches:
        if segment.code and match.rule.id in _LITERAL_ONLY_IN_CODE and not _quoted(text, match.start, match.end):
            continue  # `password = get_password()`: an expression, not a value
        line_offset = text.count("\n", 0, match.start)
        rule, severity, description = match.rule, match.severity, match.description
        if match.is_password:
            access = find_access(_line_window(text, match.start), near=_line_window(text, match.start, 0))
            if access is not None:
                rule, severity, description = REMOTE_ACCESS, None, access.describe()
        out.add(rule=rule, secret=match.secret, location=segment.location.with_line_offset(line_offset),
                chain=chain, hidden=hidden, description=description, priority=match.priority,
                severity=severity, confidence=match.confidence)


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
    return Location(part=base.part, page=base.page, line=base.line, cell=cell.ref, row=base.row,
                    column=cell.column)


def _scan_row(row: Row, reader: TableReader, *, chain: tuple[str, ...], out: _Collector,
              inherited: str | None, rules: tuple[TextRule, ...] | None = None) -> None:
    if out.capped:
        return
    text_rules = out.rules.text_rules if rules is None else rules
    hits: list[tuple[Cell, Match]] = []
    for hit in reader.read(row):
        hits.append((hit.cell, Match(rule=hit.rule, secret=hit.secret, start=0, end=len(hit.secret),
                                     description=f"column '{hit.label}'", is_password=hit.is_password,
                                     priority=_TABLE_PRIORITY)))
    default = text_rules is TEXT_RULES
    for cell in row.cells:
        if len(cell.text) >= 4 and (not default or may_match(cell.text)):
            hits.extend((cell, match) for match in scan_text(cell.text, text_rules))
    if not hits:
        return
    row_text = " | ".join(c.text for c in row.cells)
    for cell, match in _dedupe_cells(hits):
        rule, severity, description = match.rule, match.severity, match.description
        if match.is_password:
            context = f"{row_text} {reader.context(row, cell.column)} {reader.column_label(cell.column)}"
            access = find_access(context, near=reader.group_context(row, cell.column))
            if access is not None:
                rule, severity = REMOTE_ACCESS, None
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
