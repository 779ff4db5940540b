"""The closed set of error kinds: one list, documented where it is declared, used everywhere."""

from __future__ import annotations

import pathlib
import re
import typing

from docsecrets import cache, report, types
from docsecrets.types import ERROR_KINDS, ErrorKind

SRC = pathlib.Path(types.__file__).parent


def test_error_kinds_are_the_literal_and_each_is_commented() -> None:
    assert ERROR_KINDS == frozenset(typing.get_args(ErrorKind))
    declared = re.findall(r'^    "([a-z]+)",  # \S', (SRC / "types.py").read_text(), re.M)
    assert sorted(declared) == sorted(ERROR_KINDS)
    assert cache.UNCACHED_KINDS < ERROR_KINDS and report.GATE_EXEMPT_KINDS < ERROR_KINDS


def test_every_kind_written_in_the_sources_is_in_the_closed_set() -> None:
    # kind="x" keywords and the trailing kind argument of the _error helpers ("...", "limit")
    pattern = re.compile(r'\bkind="([a-z_]+)"|_error(?:_result)?\((?:[^()]|\([^()]*\))*, "([a-z_]+)"\)', re.S)
    written: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "extract" in path.relative_to(SRC).parts:
            continue  # readers raise ExtractError subclasses; their kind= is a relationship type, not an error
        for match in pattern.finditer(path.read_text()):
            written.add(match.group(1) or match.group(2))
    assert {"unreadable", "limit", "encrypted", "http", "redirect", "unreachable"} <= written  # the scan reads them
    assert written <= ERROR_KINDS
