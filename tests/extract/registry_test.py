"""The registry: every format listed has a reader that imports, and its modules stay lazy."""

from __future__ import annotations

import importlib
import pathlib

import pytest

import docsecrets.extract as extract_package
from docsecrets.extract import EXTRACTORS, get_extractor


@pytest.mark.parametrize("fmt", sorted(EXTRACTORS))
def test_every_registered_format_has_a_reader(fmt: str) -> None:
    # get_extractor treats a missing module as "not read yet": a mistyped path after a move
    # would quietly turn a format into an "unsupported" error, so the modules are imported here.
    module = importlib.import_module(f"docsecrets.extract.{EXTRACTORS[fmt]}")
    assert get_extractor(fmt) is module.extract


def test_no_module_of_extract_is_over_600_lines() -> None:
    root = pathlib.Path(extract_package.__file__).parent
    sizes = {str(p.relative_to(root)): len(p.read_text().splitlines()) for p in root.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}
