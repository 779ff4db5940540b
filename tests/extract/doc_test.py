from __future__ import annotations

import re
import struct

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.ole.doc import extract
from docsecrets.types import Cell, EncryptedError, ExtractError, Location, Member, Row, Segment
from tests.fixtures.ole_builders import (
    CHPX_VANISH, CHPX_WHITE, DOC_SUMMARY_FMTID, PAPX_IN_TABLE, PAPX_ROW_END, SUMMARY_FMTID, USER_DEFINED_FMTID,
    comment_refs, cp_array, make_ole, ole10native, property_set, vba_project, word_streams, xst_list)

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def run(tmp_path, data: bytes, name: str = "doc.doc") -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(extract(path.read_bytes(), Context.for_file(str(path))))


def body(line: int, text: str, hidden: str | None = None) -> Segment:
    return Segment(text=text, location=Location(part="body", line=line), hidden=hidden)


def test_cp1252_and_utf16_pieces_decode_to_one_paragraph(tmp_path):
    doc = make_ole(word_streams(pieces=[("Mot de passe de l'équipe : ", True), (f"{PASSWORD} é€\r", False)]))
    assert run(tmp_path, doc) == [body(1, f"Mot de passe de l'équipe : {PASSWORD} é€")]


def paragraphs(*parts: tuple[str, str]) -> tuple[str, list[tuple[int, bytes]]]:
    """Text and paragraph properties from (content, kind): "p" body, "line" a cell's inner
    paragraph, "cell" a cell's last paragraph, "row" the row-end mark."""
    text, papx = "", []
    for content, kind in parts:
        text += content + ("\x07" if kind in ("cell", "row") else "\r")
        papx.append((len(text) - 1, {"p": b"", "line": PAPX_IN_TABLE, "cell": PAPX_IN_TABLE,
                                     "row": PAPX_ROW_END}[kind]))
    return text, papx


def test_table_rows_from_paragraph_properties(tmp_path):
    text, papx = paragraphs(("Accès", "p"), ("Site", "cell"), ("", "cell"), ("Mot de passe", "cell"), ("", "row"),
                            ("Paris", "cell"), ("", "cell"), (PASSWORD, "cell"), ("", "row"), ("Fin", "p"))
    doc = make_ole(word_streams(pieces=[(text, True)], papx=papx))
    assert run(tmp_path, doc) == [
        body(1, "Accès"),
        Row(cells=(Cell(text="Site", column=1), Cell(text="Mot de passe", column=3)),
            location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="Paris", column=1), Cell(text=PASSWORD, column=3)),
            location=Location(part="table 1", row=2), table="table 1"),
        body(8, "Fin"),
    ]


def test_table_rows_without_paragraph_properties_use_the_cell_marks(tmp_path):
    text = f"Identifiant\x07Mot de passe\x07\x07admin\x07{PASSWORD}\x07\x07Après\r"
    doc = make_ole(word_streams(pieces=[(text, True)]))
    assert run(tmp_path, doc) == [
        Row(cells=(Cell(text="Identifiant", column=1), Cell(text="Mot de passe", column=2)),
            location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="admin", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="table 1", row=2), table="table 1"),
        body(5, "Après"),
    ]


def test_multi_paragraph_cell_is_joined(tmp_path):
    text, papx = paragraphs(("Introduction", "p"), ("Compte", "cell"), ("ligne 1", "line"), ("ligne 2", "cell"),
                            ("", "row"))
    doc = make_ole(word_streams(pieces=[(text, True)], papx=papx))
    assert run(tmp_path, doc) == [
        body(1, "Introduction"),
        Row(cells=(Cell(text="Compte", column=1), Cell(text="ligne 1\nligne 2", column=2)),
            location=Location(part="table 1", row=1), table="table 1"),
    ]


def test_two_tables_get_their_own_ids(tmp_path):
    text, papx = paragraphs(("A", "cell"), ("", "row"), ("entre", "p"), ("B", "cell"), ("", "row"))
    doc = make_ole(word_streams(pieces=[(text, True)], papx=papx))
    assert run(tmp_path, doc) == [
        Row(cells=(Cell(text="A", column=1),), location=Location(part="table 1", row=1), table="table 1"),
        body(2, "entre"),
        Row(cells=(Cell(text="B", column=1),), location=Location(part="table 2", row=1), table="table 2"),
    ]


def test_header_and_footer_stories(tmp_path):
    main = "Corps\r"
    header = f"Wifi : {PASSWORD}\rPied de page\r"
    # PlcfHdd: 6 empty separators, then even header, odd header, even footer, odd footer...
    first = len(f"Wifi : {PASSWORD}\r")
    hdd = cp_array(0, 0, 0, 0, 0, 0, 0, 0, first, first, len(header), len(header), len(header))
    doc = make_ole(word_streams(pieces=[(main + header + "\r", True)],
                                stories={"body": len(main), "headers": len(header)}, pairs={11: hdd}))
    assert run(tmp_path, doc) == [
        body(1, "Corps"),
        Segment(text=f"Wifi : {PASSWORD}", location=Location(part="headers", line=1), hidden="page header"),
        Segment(text="Pied de page", location=Location(part="headers", line=2), hidden="page footer"),
    ]


def test_comments_name_their_author(tmp_path):
    main = "Voir la note\x05\r"
    comments = f"\x05Le mot de passe est {PASSWORD}\r"
    pairs = {4: comment_refs([12], [1]), 5: cp_array(0, len(comments)), 36: xst_list("A. Durand", "J. Martin")}
    doc = make_ole(word_streams(pieces=[(main + comments + "\r", False)],
                                stories={"body": len(main), "comments": len(comments)}, pairs=pairs))
    assert run(tmp_path, doc) == [
        body(1, "Voir la note"),
        Segment(text=f"Le mot de passe est {PASSWORD}", location=Location(part="comments", line=1),
                hidden="comment by J. Martin"),
    ]


def test_field_result_stays_in_text_and_instruction_is_a_hidden_segment(tmp_path):
    url = f"https://admin:{PASSWORD}@intranet.example/"
    text = f'Portail : \x13 HYPERLINK "{url}" \x14intranet\x15 ici\r'
    doc = make_ole(word_streams(pieces=[(text, True)]))
    assert run(tmp_path, doc) == [
        Segment(text=f'HYPERLINK "{url}"', location=Location(part="body", line=1), hidden="field code"),
        body(1, "Portail : intranet ici"),
    ]


def test_nested_field_result_goes_into_the_outer_instruction(tmp_path):
    text = "\x13IF \x13MERGEFIELD x\x14val\x15 = 1 \x14oui\x15\r"
    doc = make_ole(word_streams(pieces=[(text, True)]))
    assert run(tmp_path, doc) == [
        Segment(text="MERGEFIELD x", location=Location(part="body", line=1), hidden="field code"),
        Segment(text="IF val = 1", location=Location(part="body", line=1), hidden="field code"),
        body(1, "oui"),
    ]


def test_control_characters(tmp_path):
    text = "a\x0bb\x0cc\x1ed\x1fe\x01\x08f\tg\r"
    doc = make_ole(word_streams(pieces=[(text, True)]))
    assert run(tmp_path, doc) == [body(1, "a\nb\nc-def\tg")]


def test_hidden_and_white_text_are_reported(tmp_path):
    text = f"Visible\rSecret {PASSWORD}\rBlanc {TOKEN}\r"
    second, third = text.index("Secret"), text.index("Blanc")
    chpx = [(second, second + len(f"Secret {PASSWORD}"), CHPX_VANISH),
            (third, third + len(f"Blanc {TOKEN}"), CHPX_WHITE)]
    doc = make_ole(word_streams(pieces=[(text, True)], chpx=chpx))
    assert run(tmp_path, doc) == [
        body(1, "Visible"),
        body(2, f"Secret {PASSWORD}", "hidden text (vanish)"),
        body(3, f"Blanc {TOKEN}", "white text"),
    ]


def test_tracked_deletion_names_its_author(tmp_path):
    text = f"Ancien mot de passe : {PASSWORD}\r"
    deleted = struct.pack("<HBHH", 0x0800, 1, 0x4863, 1)  # sprmCFRMarkDel, sprmCIbstRMarkDel = 1
    authors = struct.pack("<HHH", 0xFFFF, 2, 0) + xst_list("Unknown", "J. Martin")
    doc = make_ole(word_streams(pieces=[(text, True)], chpx=[(21, 21 + len(PASSWORD), deleted)],
                                pairs={51: authors}))
    assert run(tmp_path, doc) == [body(1, f"Ancien mot de passe : {PASSWORD}", "tracked deletion by J. Martin")]


def test_pieces_rereading_the_same_bytes_are_refused(tmp_path):
    piece = struct.pack("<HIH", 0, (1024 * 2) | 0x40000000, 0)
    count = 1000
    plc = struct.pack(f"<{count + 1}i", *range(0, 100 * (count + 1), 100)) + piece * count
    streams = word_streams(pieces=[("x" * 100, True)], clx=b"\x02" + struct.pack("<I", len(plc)) + plc,
                           stories={"body": 100 * count})
    with pytest.raises(ExtractError, match="more text than the WordDocument stream holds"):
        list(extract(make_ole(streams), Context()))


def test_properties_and_custom_properties(tmp_path):
    streams = word_streams(pieces=[("x\r", True)])
    streams["\x05SummaryInformation"] = property_set((SUMMARY_FMTID, {2: "Accès VPN", 5: f"vpn {PASSWORD}"}, {}))
    streams["\x05DocumentSummaryInformation"] = property_set(
        (DOC_SUMMARY_FMTID, {15: "ACME"}, {}), (USER_DEFINED_FMTID, {2: TOKEN}, {2: "Jeton"}))
    items = run(tmp_path, make_ole(streams))
    assert items[1:] == [
        Segment(text="Title: Accès VPN", location=Location(part="SummaryInformation"),
                hidden="document property 'Title'"),
        Segment(text=f"Keywords: vpn {PASSWORD}", location=Location(part="SummaryInformation"),
                hidden="document property 'Keywords'"),
        Segment(text="Company: ACME", location=Location(part="DocumentSummaryInformation"),
                hidden="document property 'Company'"),
        Segment(text=f"Jeton: {TOKEN}", location=Location(part="DocumentSummaryInformation"),
                hidden="custom document property 'Jeton'"),
    ]


def test_embedded_objects_become_members(tmp_path):
    inner = b"login=admin\npassword=" + PASSWORD.encode()
    workbook = b"\x09\x08" + b"\x00" * 5000
    streams = word_streams(pieces=[("Pièce jointe\r", True)])
    streams["ObjectPool/_1/\x01Ole10Native"] = ole10native("acces.txt", "C:\\docs\\acces.txt", inner)
    streams["ObjectPool/_2/Package"] = b"PK\x03\x04 fake xlsx"
    streams["ObjectPool/_3/Workbook"] = workbook
    streams["ObjectPool/_3/\x01CompObj"] = b"compobj"
    items = run(tmp_path, make_ole(streams))
    assert items[:3] == [
        body(1, "Pièce jointe"),
        Member(name="acces.txt", data=inner, hidden="embedded object"),
        Member(name="ObjectPool/_2/Package", data=b"PK\x03\x04 fake xlsx", hidden="embedded object"),
    ]
    rebuilt = items[3]
    assert (rebuilt.name, rebuilt.hidden) == ("ObjectPool/_3/Workbook.xls", "embedded object")
    ole = olefile.OleFileIO(rebuilt.data)
    assert sorted(ole.listdir()) == [["\x01CompObj"], ["Workbook"]]
    assert ole.openstream("Workbook").read() == workbook
    assert len(items) == 4


def test_macros_are_read_not_run(tmp_path):
    source = f'Attribute VB_Name = "Module1"\r\nSub Connect()\r\n  pwd = "{PASSWORD}"\r\nEnd Sub\r\n'
    streams = word_streams(pieces=[("Texte\r", True)])
    streams.update(vba_project({"Module1": source}, prefix="Macros/VBA"))
    assert run(tmp_path, make_ole(streams))[1:] == [
        Segment(text=f'Sub Connect()\n  pwd = "{PASSWORD}"\nEnd Sub', location=Location(part="macro Module1", line=1),
                hidden="VBA macro", code=True),
    ]


def test_table_stream_named_by_the_fib(tmp_path):
    doc = make_ole(word_streams(pieces=[("Zéro\r", True)], flags=0))
    assert run(tmp_path, doc) == [body(1, "Zéro")]


@pytest.mark.parametrize(("flags", "message"), [
    (0x0300, "encrypted Word document"),
    (0x8300, "encrypted Word document (XOR obfuscation)"),
])
def test_encrypted(tmp_path, flags, message):
    doc = make_ole(word_streams(pieces=[("chiffré\r", True)], flags=flags))
    with pytest.raises(EncryptedError, match=f"^{re.escape(message)}$"):
        run(tmp_path, doc)


def test_rights_managed_document_is_encrypted(tmp_path):
    streams = word_streams(pieces=[("This document is protected\r", True)])
    streams["\tDRMContent"] = b"\x00" * 64
    with pytest.raises(EncryptedError, match="rights-managed"):
        run(tmp_path, make_ole(streams))


def test_unreadable_piece_table_falls_back_to_raw_text(tmp_path):
    doc = make_ole(word_streams(pieces=[(f"Mot de passe : {PASSWORD}\r", True)], clx=b"\x07garbage"))
    assert run(tmp_path, doc) == [
        Segment(text=f"Mot de passe : {PASSWORD}", location=Location(part="raw text (fallback)")),
    ]


def test_piece_past_the_stream_yields_what_exists_then_fails(tmp_path):
    streams = word_streams(pieces=[("Début\r", True), ("x" * 50, False)])
    streams["WordDocument"] = streams["WordDocument"][:-80]  # cut into the second piece
    items = []
    with pytest.raises(ExtractError, match="piece table points past the end"):
        items.extend(extract(make_ole(streams), Context()))
    assert items[0] == body(1, "Début")


def test_truncated_fib(tmp_path):
    streams = word_streams(pieces=[("texte\r", True)])
    streams["WordDocument"] = streams["WordDocument"][:20]
    with pytest.raises(ExtractError, match="truncated WordDocument stream"):
        run(tmp_path, make_ole(streams))


def test_not_a_word_stream(tmp_path):
    streams = word_streams(pieces=[("texte\r", True)])
    streams["WordDocument"] = b"\x00" * 600
    with pytest.raises(ExtractError, match="does not start with a FIB"):
        run(tmp_path, make_ole(streams))


def test_truncated_file(tmp_path):
    doc = make_ole(word_streams(pieces=[("texte " * 2000 + "\r", True)]))
    with pytest.raises(ExtractError):
        run(tmp_path, doc[:3000])


def test_missing_word_document_stream(tmp_path):
    with pytest.raises(ExtractError, match="no WordDocument stream"):
        run(tmp_path, make_ole({"Other": b"x" * 10}))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_extract_error(data):
    try:
        list(extract(data, Context()))
    except ExtractError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_corrupted_word_streams_raise_only_extract_error(data):
    streams = word_streams(pieces=[("Mot de passe\x07x\x07\x07\x13 HYPERLINK \x14a\x15\r", True), ("é\r", False)],
                           papx=[(12, PAPX_IN_TABLE), (14, PAPX_IN_TABLE), (15, PAPX_ROW_END)])
    word = bytearray(streams["WordDocument"])
    for _ in range(data.draw(st.integers(1, 20))):
        word[data.draw(st.integers(0, len(word) - 1))] = data.draw(st.integers(0, 255))
    streams["WordDocument"] = bytes(word)
    try:
        list(extract(make_ole(streams), Context()))
    except ExtractError:
        pass


def test_word_streams_builder_sanity():
    # the FIB the builder writes is the one [MS-DOC] describes: fcClx at 0x1A2
    streams = word_streams(pieces=[("abc\r", True)])
    fc, lcb = struct.unpack_from("<II", streams["WordDocument"], 0x1A2)
    assert streams["1Table"][fc] == 0x02 and lcb == 5 + 4 * 2 + 8
