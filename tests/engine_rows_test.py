"""engine._scan_row's own shortcut before may_match: a cell of decimal digits and dots alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.engine import may_match, scan_bytes
from tests.fixtures.xlsx_builders import inline_row, raw_xlsx, worksheet


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.") + ["٣", "९", "߀"]), min_size=4, max_size=40))
def test_digits_and_dots_are_numbers_to_the_cell_prefilter_too(text):
    # _scan_row skips may_match for these: it must answer False for every one of them
    assert text.replace(".", "").isdecimal() is False or may_match(text) is False


def test_a_password_of_digits_under_a_password_column_is_still_read():
    pin = "4711" + "0815"
    data = raw_xlsx({"Codes": worksheet(inline_row(1, {"A": "Utilisateur", "B": "Mot de passe"})
                                        + inline_row(2, {"A": "jdupont", "B": pin}))})
    result = scan_bytes(data, path="codes.xlsx")
    assert [(f.rule_id, f.location.cell, f.secret) for f in result.findings] == [("DS100", "B2", pin)]
