"""One damage policy for every reader (extract/common/partial.py): the same mixed damage gives the
same error kind and the same findings from the intact parts, whatever the format."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest

from docsecrets.engine import scan_bytes
from tests.fixtures import damage_builders as built

CASES: list[tuple[str, Callable[[pathlib.Path], bytes], str]] = [
    # name, builder, the kind of the one error: encryption wins over damage
    ("mixed.zip", built.mixed_zip, "encrypted"),
    ("mixed.docx", built.mixed_docx, "encrypted"),
    ("mixed.pptx", built.mixed_pptx, "encrypted"),
    ("mixed.xlsx", built.mixed_xlsx, "encrypted"),
    ("mixed.odt", built.mixed_odt, "encrypted"),
    ("vbaProject.bin", built.mixed_ole, "unreadable"),  # damage only: an OLE part is not encrypted alone
    ("mixed.pdf", built.mixed_pdf, "unreadable"),  # damage only: a PDF part is not encrypted alone
]


@pytest.mark.parametrize(("name", "build", "kind"), CASES, ids=[c[0] for c in CASES])
def test_mixed_damage_reports_the_intact_parts_and_one_error_of_the_most_telling_kind(
        tmp_path: pathlib.Path, name: str, build: Callable[[pathlib.Path], bytes], kind: str) -> None:
    result = scan_bytes(build(tmp_path), path=name)
    assert [f.secret for f in result.findings if f.rule_id != "DS000"] == [built.PW]
    assert [(e.kind, e.chain) for e in result.errors] == [(kind, ())]
    # an encrypted document is also a DS000 finding (it may hide anything); damage alone is not
    assert [f.rule_id for f in result.findings if f.rule_id == "DS000"] == (["DS000"] if kind == "encrypted" else [])


def test_rows_held_back_by_a_table_are_reported_when_a_later_part_is_damaged(tmp_path: pathlib.Path) -> None:
    result = scan_bytes(built.table_then_damaged_sheet(tmp_path), path="comptes.xlsx")
    assert [(f.rule_id, f.secret, f.location.cell) for f in result.findings] == [
        ("DS100", built.TABLE_PASSWORDS[0], "D2"), ("DS100", built.TABLE_PASSWORDS[1], "D3")]
    assert [(e.kind, e.chain) for e in result.errors] == [("unreadable", ())]
