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


def test_items_built_by_their_slots_equal_constructed_ones() -> None:
    from dataclasses import FrozenInstanceError, dataclass

    import pytest

    from docsecrets.extract.ooxml.sheets import new_cell, new_row
    from docsecrets.types import Cell, Location, Row, new_location, slot_setters

    built = new_location("Feuil1", None, 3, "B7", 7, 2)
    assert built == Location(part="Feuil1", line=3, cell="B7", row=7, column=2)
    assert hash(built) == hash(Location(part="Feuil1", line=3, cell="B7", row=7, column=2))
    with pytest.raises(FrozenInstanceError):
        built.row = 8
    cell = new_cell("x", 2, "B7", "hidden column")
    assert cell == Cell(text="x", column=2, ref="B7", hidden="hidden column")
    assert new_row((cell,), "Feuil1", 7, None) == Row(cells=(cell,), location=Location(part="Feuil1", row=7),
                                                     table="Feuil1", hidden=None)

    @dataclass(frozen=True, slots=True)
    class Other:
        a: int
        b: int

    assert slot_setters(Other, ("a",)) is None and slot_setters(Other, ("b", "a")) is None  # fields differ
    assert slot_setters(Other, ("a", "b")) is not None
