from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.text.rtf import extract
from docsecrets.types import Cell, ExtractError, LimitExceeded, Location, Row, Segment
from tests.fixtures.rtf_builders import table_row, write_rtf

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def run(data: bytes) -> list[object]:
    return list(extract(data, Context.for_file("doc.rtf")))


def read(tmp_path, body: str, **kwargs: object) -> list[object]:
    path = write_rtf(tmp_path, body, **kwargs)
    return list(extract(path.read_bytes(), Context.for_file(str(path))))


def para(text: str, line: int, hidden: str | None = None) -> Segment:
    return Segment(text=text, location=Location(part="body", line=line), hidden=hidden)


def test_accents_unicode_and_runs_make_one_paragraph(tmp_path):
    body = (r"\pard\plain {\b Mot de passe} : Azerty{\i 12!}\par "
            r"El\'e8ve \'e9t\'e9 \u8364? 50 \uc2\u8364\'80\'80 fin\par "
            r"ligne\line suite\tab X\~Y soft\-hyphen")
    assert read(tmp_path, body) == [
        para(f"Mot de passe : {PASSWORD}", 1),
        para("Elève été € 50 € fin", 2),
        para("ligne\nsuite\tX\u00a0Y softhyphen", 3),
    ]


def test_code_pages_document_and_font(tmp_path):
    assert read(tmp_path, r"\'ef\'e0\'f0\'ee\'eb\'fc\par", codepage=1251) == [para("пароль", 1)]
    assert read(tmp_path, r"{\f1 heslo: \'9ailenec}\par") == [para("heslo: šilenec", 1)]


def test_surrogate_pairs_and_lone_surrogates(tmp_path):
    assert read(tmp_path, r"a\u-10179?\u-8704?b \u-10240? c\par") == [para("a\U0001F600b  c", 1)]


def test_table_of_two_rows_then_second_table(tmp_path):
    body = (r"\pard Avant\par " + table_row("Compte", "Mot de passe") + table_row("admin", PASSWORD)
            + r"\pard\par " + table_row("x", "") + r"\pard Fin\par")
    assert read(tmp_path, body) == [
        para("Avant", 1),
        Row(cells=(Cell(text="Compte", column=1), Cell(text="Mot de passe", column=2)),
            location=Location(part="table 1", row=1), table="table 1"),
        Row(cells=(Cell(text="admin", column=1), Cell(text=PASSWORD, column=2)),
            location=Location(part="table 1", row=2), table="table 1"),
        Row(cells=(Cell(text="x", column=1),), location=Location(part="table 2", row=1), table="table 2"),
        para("Fin", 3),
    ]


def test_multi_paragraph_cell_and_word_style_trailing_row_definition(tmp_path):
    body = (r"\trowd\cellx2000\cellx4000\pard\intbl un\par deux\cell\pard\intbl trois\cell"
            r"\pard\intbl{\trowd\cellx2000\cellx4000\row}\pard\par")
    assert read(tmp_path, body) == [
        Row(cells=(Cell(text="un\ndeux", column=1), Cell(text="trois", column=2)),
            location=Location(part="table 1", row=1), table="table 1")]


def test_hyperlink_field_result_in_body_and_instruction_as_field_code(tmp_path):
    url = f"https://admin:{PASSWORD}@intranet.example/"
    body = r'\pard Portail : {\field{\*\fldinst{HYPERLINK "' + url + r'"}}{\fldrslt{\ul intranet}}} ici\par'

    assert read(tmp_path, body) == [
        para("Portail : intranet ici", 1),
        para(f'HYPERLINK "{url}"', 1, "field code"),
    ]


def test_hidden_deleted_and_white_text(tmp_path):
    body = (r"\pard visible {\v mot de passe cach\'e9}\par "
            r"\pard {\deleted ancien}\par "
            r"\pard {\cf2 " + PASSWORD + r"}\par "
            r"\pard {\cf1 noir}\par")
    assert read(tmp_path, body) == [
        para("visible mot de passe caché", 1, "hidden text"),
        para("ancien", 2, "tracked deletion"),
        para(PASSWORD, 3, "white text"),
        para("noir", 4),
    ]


def test_info_properties_and_user_properties(tmp_path):
    info = (r"{\title Acc\'e8s}{\author J. Martin}{\keywords vpn " + PASSWORD + r"}{\creatim\yr2024\mo1}"
            r"{\doccomm note}")
    header = (r"{\*\userprops{\propname Jeton}\proptype30{\staticval " + TOKEN + "}}"
              r"{\*\docvar {db_password}{" + PASSWORD + "}}")
    items = read(tmp_path, r"\pard corps\par", info=info, extra_header=header)
    info_loc = Location(part="info")
    assert items == [
        Segment(text="title: Accès", location=info_loc, hidden="document property 'title'"),
        Segment(text="author: J. Martin", location=info_loc, hidden="document property 'author'"),
        Segment(text=f"keywords: vpn {PASSWORD}", location=info_loc, hidden="document property 'keywords'"),
        Segment(text="doccomm: note", location=info_loc, hidden="document property 'doccomm'"),
        Segment(text=f"Jeton: {TOKEN}", location=info_loc, hidden="document property 'Jeton'"),
        Segment(text=f"db_password: {PASSWORD}", location=info_loc, hidden="document variable"),
        para("corps", 1),
    ]


def test_annotation_footnote_header_footer_and_text_box(tmp_path):
    body = (r"{\header\pard En-t\'eate " + PASSWORD + r"\par}{\footer\pard Pied\par}"
            r"\pard Texte{\*\atnid JM}{\*\atnauthor J. Martin}\chatn{\*\annotation{\*\atnref 1}\pard mdp "
            + PASSWORD + r"} suite{\super\chftn}{\footnote\pard{\super\chftn} note basse}\par "
            r"{\shp{\*\shpinst{\sp{\sn fFilled}{\sv 0}}{\shptxt\pard bo\'eete\par}}{\shprslt bo\'eete}}\par")
    assert read(tmp_path, body) == [
        Segment(text=f"En-tête {PASSWORD}", location=Location(part="header"), hidden="page header"),
        Segment(text="Pied", location=Location(part="footer"), hidden="page footer"),
        para("Texte suite", 1),
        para(f"mdp {PASSWORD}", 1, "comment by J. Martin"),
        para("note basse", 1, "footnote"),
        para("boîte", 2, "text box"),
    ]


def test_skipped_destinations_and_binary_data_never_reach_the_text(tmp_path):
    body = (r"\pard A{\*\unknowndest secret}{\pict\pngblip 89504e47" + "0d0a" * 10 + r"}"
            r"{\object\objemb{\*\objclass Excel.Sheet.8}{\*\objdata 0105000002}{\result B}}"
            r"{\*\themedata 504b0304}{\*\datastore 0105}{\pict\bin6 {}}}}{}C\par")
    assert read(tmp_path, body) == [para("ABC", 1)]


def test_malformed_braces_still_yield_text():
    items = run(b"{\\rtf1\\ansi {\\b gras\\par unclosed {group")
    assert items == [para("gras", 1), para("unclosed group", 2)]
    items = run(b"{\\rtf1\\ansi texte}} apres}\\par")
    assert items == [para("texte apres", 1)]


def test_deep_nesting_is_refused():
    with pytest.raises(LimitExceeded):
        run(b"{\\rtf1 " + b"{" * 5000 + b"x" + b"}" * 5000 + b"}")


def test_nesting_below_the_limit_is_read():
    assert run(b"{\\rtf1 " + b"{" * 900 + b"x" + b"}" * 900 + b"}") == [para("x", 1)]


def test_tokenizer_is_linear():
    body = b"{\\rtf1 " + b"{\\b a}\\'e9\\u233?" * 100_000 + b"}"
    start = time.perf_counter()
    [only] = run(body)
    assert only.text == "aéé" * 100_000
    assert time.perf_counter() - start < 10


def test_not_rtf_raises_extract_error():
    with pytest.raises(ExtractError):
        run(b"PK\x03\x04 not rtf")


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_extract_error(data):
    for payload in (data, b"{\\rtf1 " + data):
        try:
            run(payload)
        except ExtractError:
            pass


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="{}\\'*abuv0123456789-; \n", max_size=300))
def test_random_rtf_syntax_never_crashes(text):
    try:
        run(("{\\rtf1 " + text).encode())
    except ExtractError:
        pass
