"""Plain rows (extract/ooxml/plainrows.py) give exactly what the XML parser gives.

Every workbook here is read twice: as the reader does (plain rows cut from the bytes, the rest by
the XML parser) and by the XML parser alone (what the reader did before plain rows). Items,
errors and their order must be equal; `plain_rows_used` checks the fast path really ran.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xml.sax.saxutils import escape

from docsecrets.engine import scan_bytes
from docsecrets.extract.context import Context
from docsecrets.extract.ooxml import plainrows, xlsx, xlsx_rows
from docsecrets.types import Location, Member, Row
from tests.fixtures.xlsx_builders import MAIN, raw_xlsx, shared_strings, worksheet

PASSWORD = "Tulle" + "2012"
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode=";;;"/></numFmts>'
          '<fonts count="2"><font/><font><color rgb="FFFFFFFF"/></font></fonts>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0"/>'
          '<xf numFmtId="0" fontId="1"/><xf numFmtId="164" fontId="0"/></cellXfs></styleSheet>')
X14 = 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'


def _outcome(data: bytes) -> tuple[list[object], str | None]:
    items: list[object] = []
    try:
        for item in xlsx.extract(data, Context.for_file("book.xlsx")):
            items.append((item.name, item.hidden, item.data) if isinstance(item, Member) else item)
    except Exception as exc:  # the error is part of what must be equal
        return items, f"{type(exc).__name__}: {exc}"
    return items, None


def _parser_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> object:
        raise xlsx._ParserFailed  # before any item: the sheet is read by the parser alone
        yield  # a generator, like the real one

    monkeypatch.setattr(plainrows, "split", refuse)


def both(data: bytes, monkeypatch: pytest.MonkeyPatch, *, damaged: bool = False
         ) -> tuple[tuple[list[object], str | None], int]:
    """(items, error) by the reader, checked equal to the parser alone's; and how many plain rows were read.

    `damaged`: the parser alone loses the rows it had read ahead with the damage (up to 64 KiB of
    them); the reader gives those, then fails the same way."""
    used = [0]
    real = xlsx_rows.plain_row_items

    def counting(*args: object) -> object:
        used[0] += 1
        return real(*args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "plain_row_items", counting)
        fast = _outcome(data)
    with monkeypatch.context() as patch:
        _parser_only(patch)
        slow = _outcome(data)
    if damaged:
        assert fast[1] == slow[1] and fast[0][:len(slow[0])] == slow[0]
    else:
        assert fast == slow
    return fast, used[0]


def book(rows: str, *, before: str = "", after: str = "", sst: str | None = None, head: str | None = None) -> bytes:
    sheet = worksheet(rows, before=before, after=after)
    if head is not None:
        sheet = sheet.replace(f'<worksheet xmlns="{MAIN}"', head, 1)
    return raw_xlsx({"Feuil1": sheet}, sst=sst, styles=STYLES)


PLAIN = (
    '<row r="1" spans="1:9" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is><t>Serveur</t></is></c>'
    '<c r="B1" t="s"><v>0</v></c><c r="C1" s="1"><v>45000.5</v></c><c r="D1" t="b"><v>1</v></c>'
    '<c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="str" s="2"><v>a_x000D_b</v></c>'
    '<c r="G1" s="3" t="n"><v>1E+3</v></c><c r="H1" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>'
    '<c r="I1" t="inlineStr"><is><t>tab_x0009_here</t></is></c></row>'
    '<row r="2" hidden="1"><c r="A2" s="1"/><c r="B2"></c><c r="C2" t="s"><v></v></c><c r="D2"><v>19730512</v></c>'
    '<c r="E2" t="s"><v>1</v></c></row>'
    '<row><c r="A3" t="inlineStr"><is><t>no r on the row</t></is></c></row>'
    '<row r="7" spans="1:1"/>'
    '<row><c r="AB8"><v>-0.0</v></c><c r="XFD8" t="d"><v>2024-01-02T00:00:00</v></c></row>'
)


def test_plain_cells_of_every_kind_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    data = book(PLAIN, before='<cols><col min="2" max="3" hidden="1"/></cols>',
                sst=shared_strings("<t>mot de passe</t>", "<r><rPr><color rgb='FFFFFFFF'/></rPr><t>blanc</t></r>"),
                head=f'<worksheet xmlns="{MAIN}" {X14}')
    (items, error), plain = both(data, monkeypatch)
    assert error is None and plain == 5  # every row of PLAIN, the self-closing one too
    rows = [item for item in items if getattr(item, "cells", None)]
    first = {cell.ref: (cell.text, cell.hidden) for cell in rows[0].cells}
    assert first == {"A1": ("Serveur", None), "B1": ("mot de passe", "hidden column B"),
                     "C1": ("2023-03-15T12:00:00", "hidden column C"), "D1": ("TRUE", None),
                     "F1": ("a\rb", "white text"), "G1": ("1000", "number format ';;;'"), "H1": (" x ", None), "I1": ("tab\there", None)}
    assert rows[1].hidden == "hidden row 2" and [c.ref for c in rows[1].cells] == ["D2", "E2"]
    assert rows[1].cells[1].hidden == "white text"
    assert [(r.location.row, [c.ref for c in r.cells]) for r in rows[2:]] == [(3, ["A3"]), (8, ["AB8", "XFD8"])]
    built = rows[2]  # rows and locations are built by setting their slots: the same frozen objects
    expected = Row(cells=built.cells, location=Location(part="Feuil1", row=3), table="Feuil1")
    assert built == expected and hash(built) == hash(expected) and repr(built) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.location.row = 4  # type: ignore[misc]


@pytest.mark.parametrize("odd_row", [
    '<row r="4"><c r="A4" t="inlineStr"><is><r><rPr><color rgb="FFFFFFFF"/></rPr><t>rich</t></r></is></c></row>',
    '<row r="4"><c r="A4" t="str"><f>HYPERLINK("http://intra/x","y")</f><v>y</v></c></row>',
    '<row r="4"><c r="A4" t="inlineStr"><is><t>Dupont &amp; fils &#233;</t></is></c></row>',
    '<row r="4"><c t="inlineStr"><is><t>a cell without r</t></is></c></row>',
    '<row r="4"><c r="A4" t="inlineStr"><is><t>line\r\nbreak</t></is></c></row>',
    '<row r="4">\n  <c r="A4" t="inlineStr">\n    <is><t>pretty</t></is>\n  </c>\n</row>',
    '<row r="4" xmlns:q="urn:q" q:x="1"><c r="A4"><v>1</v></c></row>',
    '<row r="4"><c r="A4" s="1" t="s" cm="1"><v>0</v></c></row>',
])
def test_a_row_that_is_not_plain_goes_to_the_parser_and_the_rows_after_it_stay_plain(
        odd_row: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = PLAIN.replace('<row r="7" spans="1:1"/>', odd_row + '<row r="7" spans="1:1"/>')
    (items, error), plain = both(book(rows, sst=shared_strings("<t>x</t>", "<t>y</t>"), head=f'<worksheet xmlns="{MAIN}" {X14}'),
                                 monkeypatch)
    assert error is None and plain == 5
    assert any(getattr(item, "location", None) and item.location.row == 4 for item in items)


@pytest.mark.parametrize("rows, plain_rows", [
    (PLAIN.replace('<row r="7"', '<!-- <row r="5"><c r="A5"><v>1</v></c></row> --><row r="7"'), 3),
    (PLAIN.replace('<row r="7"', '<row r="5"><c r="A5" t="inlineStr"><is><t><![CDATA[</row><row r="6">'
                                 ']]></t></is></c></row><row r="7"'), 3),
    (PLAIN.replace('<row r="7"', '<?pi </row>?><row r="7"'), 3),
])
def test_after_a_comment_cdata_or_instruction_the_parser_reads_the_rest(rows: str, plain_rows: int,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (_items, error), plain = both(book(rows, head=f'<worksheet xmlns="{MAIN}" {X14}'), monkeypatch)
    assert error == "ExtractError: 2 cells point past the shared strings table" and plain == plain_rows  # B1, E2


@pytest.mark.parametrize("broken", [
    '<row r="4"><c r="A4"><v>1</v></row>',  # a tag left open
    '<row r="4" foo:x="1"><c r="A4"><v>1</v></c></row>',  # an undeclared prefix
    '<row r="4" r="5"><c r="A4"><v>1</v></c></row>',  # an attribute twice
    '<row r="4"><c r="A4" t="inlineStr"><is><t>a\x01b</t></is></c></row>',  # a character XML forbids
    '<row r="4"><c r="A4" t="inlineStr"><is><t>a]]>b</t></is></c></row>',
    '<row r="4"><c r="A4" t="inlineStr"><is><t>&nbsp;</t></is></c></row>',  # an undeclared entity
])
def test_a_damaged_sheet_gives_the_same_rows_and_the_same_error(broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = book(PLAIN.replace('<row r="7"', broken + '<row r="7"'), head=f'<worksheet xmlns="{MAIN}" {X14}')
    (items, error), _plain = both(data, monkeypatch, damaged=True)
    assert error is not None and "Feuil1" in error
    assert [item.location.row for item in items if getattr(item, "cells", None)][:3] == [1, 2, 3]


@pytest.mark.parametrize("encode", [
    lambda xml: xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    lambda xml: b"\xef\xbb\xbf" + xml.encode(),
    lambda xml: xml.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "").encode(),
    lambda xml: xml.replace(f'<worksheet xmlns="{MAIN}"', f'<x:worksheet xmlns:x="{MAIN}"').replace(
        "</worksheet>", "</x:worksheet>").replace("<sheetData>", "<x:sheetData>").replace(
        "</sheetData>", "</x:sheetData>").replace("<row", "<x:row").replace("</row>", "</x:row>").replace(
        "<c ", "<x:c ").replace("</c>", "</x:c>").replace("<v>", "<x:v>").replace("</v>", "</x:v>").encode(),
])
def test_other_encodings_and_prefixed_sheets_read_alike(encode, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = '<row r="1"><c r="A1"><v>12</v></c><c r="B1" t="str"><v>Clé</v></c></row>'
    data = raw_xlsx({"Feuil1": ""}, parts={"xl/worksheets/sheet1.xml": encode(worksheet(rows))})
    (items, error), _plain = both(data, monkeypatch)
    assert error is None and [c.text for c in items[0].cells] == ["12", "Clé"]


def test_what_surrounds_the_rows_is_read_by_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    after = ('<hyperlinks><hyperlink ref="A1" location="Feuil1!B2"/></hyperlinks>'
             '<headerFooter><oddHeader>&amp;Cmdp : confidentiel</oddHeader></headerFooter>')
    rows = "\n".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 40))
    (items, error), plain = both(book(rows, after=after), monkeypatch)
    assert error is None and plain == 39
    assert [getattr(item, "hidden", None) for item in items[-2:]] == ["hyperlink target", "page header"]


_TEXT = st.lists(st.sampled_from(["a", "Zé", " ", "€", "_x000D_", "_x00", "&", "<", ">", "]]>", '"', "'", "\t", "\n",
                                  "\r", "\x01", "😀", "12", "-3.5E2"]), max_size=6).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.sampled_from(["inlineStr", "str", "n", "s", "b", ""]), _TEXT,
                                   st.sampled_from(["", "0", "1", "2", "3"])), min_size=0, max_size=4),
                min_size=1, max_size=6))
def test_random_rows_read_alike(monkeypatch: pytest.MonkeyPatch, table: list[list[tuple[str, str, str]]]) -> None:
    xml_rows = []
    for number, cells in enumerate(table, 1):
        xml_cells = []
        for column, (kind, text, style) in enumerate(cells):
            ref = f"{'ABCD'[column]}{number}"
            kind_attr = f' t="{kind}"' if kind else ""
            style_attr = f' s="{style}"' if style else ""
            body = (f"<is><t>{escape(text)}</t></is>" if kind == "inlineStr"
                    else f"<v>{escape(text if kind in ('str', '') else str(len(text)))}</v>")
            xml_cells.append(f'<c r="{ref}"{kind_attr}{style_attr}>{body}</c>')
        xml_rows.append(f'<row r="{number}">{"".join(xml_cells)}</row>')
    damaged = any("\x01" in text for cells in table for _kind, text, _style in cells)
    both(book("".join(xml_rows), sst=shared_strings("<t>un</t>", "<t>deux</t>")), monkeypatch, damaged=damaged)


def _big_sheet(rows: int, planted: dict[int, str]) -> bytes:
    lines = ['<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>nom</t></is>'
             '</c><c r="C1" t="inlineStr"><is><t>ip</t></is></c></row>']
    for n in range(2, rows + 1):
        lines.append(planted.get(n) or f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr"><is>'
                                        f'<t>agent {n % 97}</t></is></c><c r="C{n}" t="inlineStr"><is>'
                                        f'<t>10.0.{n % 250}.{n % 200}</t></is></c></row>')
    return raw_xlsx({"Export": worksheet("".join(lines))})


def test_a_password_column_found_after_100000_rows_of_other_data() -> None:
    header, value = 100_002, 100_003
    data = _big_sheet(value, {
        header: f'<row r="{header}"><c r="A{header}" t="inlineStr"><is><t>Login</t></is></c>'
                f'<c r="B{header}" t="inlineStr"><is><t>Mot de passe</t></is></c></row>',
        value: f'<row r="{value}"><c r="A{value}" t="inlineStr"><is><t>jdupont</t></is></c>'
               f'<c r="B{value}" t="inlineStr"><is><t>{PASSWORD}</t></is></c></row>'})
    result = scan_bytes(data, path="export.xlsx")
    assert [(f.rule_id, f.location.cell, f.secret) for f in result.findings] == [("DS100", f"B{value}", PASSWORD)]
    expected = Location(part="Export", cell=f"B{value}", row=value, column=2)  # the engine builds it by its slots
    assert result.findings[0].location == expected and hash(result.findings[0].location) == hash(expected)


def test_a_label_cell_deep_in_a_big_sheet() -> None:
    deep = 150_000
    data = _big_sheet(150_005, {deep: f'<row r="{deep}"><c r="A{deep}"><v>{deep}</v></c><c r="C{deep}" '
                                      f't="inlineStr"><is><t>mdp : {PASSWORD}</t></is></c></row>'})
    result = scan_bytes(data, path="export.xlsx")
    assert [(f.rule_id, f.location.cell, f.secret) for f in result.findings] == [("DS101", f"C{deep}", PASSWORD)]
