from __future__ import annotations

import pytest

from docsecrets.extract.context import Context
from docsecrets.extract.text.csvfile import extract
from docsecrets.types import Row

PW = "Tulle" + "2012x"


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_rows_are_read_line_by_line_whatever_the_line_ends(end: str) -> None:
    data = end.join(["serveur;login;mdp", f'srv1;"ad{end}min";{PW}', "srv2;root;x", ""]).encode()
    rows = [[c.text for c in item.cells] for item in extract(data, Context.for_file("a.csv")) if isinstance(item, Row)]
    assert rows == [["serveur", "login", "mdp"], ["srv1", f"ad{end}min", PW], ["srv2", "root", "x"]]


def test_a_last_line_without_its_end_is_read() -> None:
    rows = [item for item in extract(f"a;b\nmdp;{PW}".encode(), Context.for_file("a.csv")) if isinstance(item, Row)]
    assert [c.text for c in rows[-1].cells] == ["mdp", PW]
