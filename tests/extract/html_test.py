from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.web.html import extract
from docsecrets.limits import Limits
from docsecrets.sniff import sniff
from docsecrets.types import Cell, ExtractError, LimitExceeded, Location, Row, Segment
from tests.fixtures.html_builders import excel_export, page, table, write

PASSWORD = "Azerty" + "12!"
VNC_PASSWORD = "Vnc" + "2016#"
TOKEN = "ghp_" + "A" * 36


def items_of(data: bytes | str, limits: Limits | None = None) -> list:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(extract(raw, Context.for_file("page.html", limits or Limits())))


def rows(items: list) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def segments(items: list, hidden: str | None = "any") -> list[Segment]:
    return [item for item in items if isinstance(item, Segment) and (hidden == "any" or item.hidden == hidden)]


def seg(text: str, line: int, hidden: str | None = None) -> Segment:
    return Segment(text=text, location=Location(line=line), hidden=hidden)


def trow(table_number: int, number: int, line: int, *cells: tuple[int, str], hidden: str | None = None,
         cell_hidden: dict[int, str] | None = None) -> Row:
    name = f"table {table_number}"
    built = tuple(Cell(text=text, column=column, hidden=(cell_hidden or {}).get(column)) for column, text in cells)
    return Row(cells=built, location=Location(part=name, row=number, line=line), table=name, hidden=hidden)


# --- text blocks ---------------------------------------------------------------------------

def test_blocks_are_segments_with_their_source_line():
    body = ("<h1>Accès au serveur</h1>\n"
            "<p>Mot de passe : <b>" + PASSWORD + "</b>\n et   rien d'autre</p>\n"
            "<ul><li>un</li><li>deux\n</ul>\n"
            "<div>ligne 1<br>ligne 2<br/>ligne 3</div>")
    assert items_of(page(body)) == [
        seg("Accès au serveur", 3),
        seg(f"Mot de passe : {PASSWORD} et rien d'autre", 4),
        seg("un", 6), seg("deux", 6),
        seg("ligne 1", 8), seg("ligne 2", 8), seg("ligne 3", 8),
    ]


def test_title_and_entities_are_decoded():
    items = items_of(page("<p>Cl&eacute; &amp; mot&nbsp;de&#160;passe&nbsp;: x</p>",
                          head="<title>Acc&egrave;s</title>"))
    assert items == [seg("Accès", 2), seg("Clé & mot de passe : x", 3)]


def test_pre_keeps_its_lines():
    items = items_of(page(f"<pre>\nuser: admin\n  password: {PASSWORD}\n</pre>"))
    assert items == [seg(f"user: admin\n  password: {PASSWORD}", 4)]


def test_unclosed_paragraphs_and_list_items_still_split():
    assert items_of(page("<p>un<p>deux<ul><li>a<li>b</ul>")) == [
        seg("un", 3), seg("deux", 3), seg("a", 3), seg("b", 3)]


# --- tables --------------------------------------------------------------------------------

def test_table_rows_with_header_and_colspan():
    html = page("\n<table>\n"
                "<tr><th>Site</th><th colspan=2>Compte</th><th>Mot de passe</th></tr>\n"
                f"<tr><td>CH Millau</td><td>urg</td><td>millau</td><td>{PASSWORD}</td></tr>\n"
                f"<tr><td colspan=\"3\">total</td><td>{VNC_PASSWORD}</td></tr>\n"
                "</table>")
    assert items_of(html) == [
        trow(1, 1, 5, (1, "Site"), (2, "Compte"), (4, "Mot de passe")),
        trow(1, 2, 6, (1, "CH Millau"), (2, "urg"), (3, "millau"), (4, PASSWORD)),
        trow(1, 3, 7, (1, "total"), (4, VNC_PASSWORD)),
    ]


def test_rowspan_text_is_repeated_in_the_cells_it_covers():
    html = page("<table>\n"
                "<tr><th rowspan=2>Site</th><th colspan=2>Accès</th></tr>\n"
                "<tr><th>Login</th><th>Mot de passe</th></tr>\n"
                f"<tr><td>Millau</td><td>urg</td><td>{PASSWORD}</td></tr>\n"
                "</table>")
    assert rows(items_of(html)) == [
        trow(1, 1, 4, (1, "Site"), (2, "Accès")),
        trow(1, 2, 5, (1, "Site"), (2, "Login"), (3, "Mot de passe")),
        trow(1, 3, 6, (1, "Millau"), (2, "urg"), (3, PASSWORD)),
    ]


def test_nested_table_is_its_own_table_and_stays_out_of_the_outer_cell():
    html = page("<table><tr><td>avant<table>\n<tr><td>login</td><td>" + PASSWORD + "</td></tr></table>après</td>"
                "<td>b</td></tr></table>")
    assert rows(items_of(html)) == [
        trow(2, 1, 4, (1, "login"), (2, PASSWORD)),
        trow(1, 1, 3, (1, "avant\naprès"), (2, "b")),
    ]


def test_cells_and_rows_without_end_tags():
    html = page("<table><tr><td>a<td>b<tr><td>c<td>d</table><p>fin")
    assert items_of(html) == [trow(1, 1, 3, (1, "a"), (2, "b")), trow(1, 2, 3, (1, "c"), (2, "d")), seg("fin", 3)]


def test_line_breaks_inside_a_cell_stay_inside_the_cell():
    html = page(f"<table><tr><td>login: admin<br>mdp: {PASSWORD}</td></tr></table>")
    assert items_of(html) == [trow(1, 1, 3, (1, f"login: admin\nmdp: {PASSWORD}"))]


def test_empty_rows_are_counted_but_not_yielded():
    html = page("<table><tr><td> </td></tr><tr><td>x</td></tr></table>")
    assert items_of(html) == [trow(1, 2, 3, (1, "x"))]


def test_excel_export_named_xls_is_read_as_a_table(tmp_path):
    path = write(tmp_path, "InfosEtContacts_export.xls",
                 excel_export(["Etablissement", "Login", "Mot de passe", "MDP VNC"],
                              [["CH de Millau", "urg_millau", PASSWORD, VNC_PASSWORD]]))
    data = path.read_bytes()
    assert sniff(data, path.name) == "html"
    items = list(extract(data, Context.for_file(str(path))))
    assert rows(items) == [
        trow(1, 1, 5, (1, "Etablissement"), (2, "Login"), (3, "Mot de passe"), (4, "MDP VNC")),
        trow(1, 2, 6, (1, "CH de Millau"), (2, "urg_millau"), (3, PASSWORD), (4, VNC_PASSWORD)),
    ]
    assert segments(items, "HTML comment")[0].text.startswith("[if gte mso 9]><xml><x:ExcelWorkbook>")


# --- hidden places -------------------------------------------------------------------------

def test_hidden_elements_carry_their_reason():
    body = ("\n<div style=\"display: none\">" + PASSWORD + "</div>"
            "\n<p style='visibility:hidden'>v</p>"
            "\n<p hidden>h</p>"
            "\n<p style=\"color:#FFFFFF\">w</p>"
            "\n<p style=\"background-color:white\">visible</p>"
            "\n<p style=\"font-size:0px\">z</p>"
            "\n<p class=\"note cache\">c</p>"
            "\n<template><p>t</p></template>")
    head = "<style>\n.cache, .autre { display: none }\np { color: black }\n</style>"
    assert items_of(page(body, head=head)) == [
        seg(PASSWORD, 7, "hidden element (display:none)"),  # the <style> takes lines 2 to 5
        seg("v", 8, "hidden element (visibility:hidden)"),
        seg("h", 9, "hidden element (hidden attribute)"),
        seg("w", 10, "white text"),
        seg("visible", 11),
        seg("z", 12, "invisible text (zero size or opacity)"),
        seg("c", 13, "hidden element (CSS class 'cache', display:none)"),
        seg("t", 14, "template content (not rendered)"),
    ]


def test_label_and_hidden_value_stay_one_segment_marked_hidden():
    items = items_of(page(f"<p>Mot de passe : <span style=display:none>{PASSWORD}</span></p>"))
    assert items == [seg(f"Mot de passe : {PASSWORD}", 3, "hidden element (display:none)")]


def test_hidden_rows_and_cells_in_tables():
    html = page("<table>\n<tr><th>Login</th><th>Mot de passe</th></tr>\n"
                f"<tr style='display:none'><td>admin</td><td>{PASSWORD}</td></tr>\n"
                f"<tr><td>root</td><td style='color:white'>{VNC_PASSWORD}</td></tr>\n</table>")
    assert rows(items_of(html)) == [
        trow(1, 1, 4, (1, "Login"), (2, "Mot de passe")),
        trow(1, 2, 5, (1, "admin"), (2, PASSWORD), hidden="hidden element (display:none)"),
        trow(1, 3, 6, (1, "root"), (2, VNC_PASSWORD), cell_hidden={2: "white text"}),
    ]


def test_form_fields():
    body = ("\n<input type=hidden name=csrf_token value=\"" + TOKEN + "\">"
            "\n<input type=\"password\" name=pwd value=\"" + PASSWORD + "\">"
            "\n<input type=text name=login value=admin>"
            "\n<input type=password name=empty value=\"\">"
            "\n<input type=submit value=Valider>")
    assert items_of(page(body)) == [
        seg(f"csrf_token: {TOKEN}", 4, "hidden form field"),
        seg(f"password: {PASSWORD}", 5, "masked password field"),
        seg("login: admin", 6),
    ]


def test_comments_scripts_and_styles():
    body = ("\n<!-- ancien mot de passe : " + PASSWORD + " -->"
            "\n<script>\nvar apiKey = '" + TOKEN + "';\n</script>"
            "\n<style>.x { color: red }</style>"
            "\n<script src=app.js></script>")
    assert items_of(page(body)) == [
        seg(f"ancien mot de passe : {PASSWORD}", 4, "HTML comment"),
        seg(f"var apiKey = '{TOKEN}';", 6, "script"),
    ]


def test_script_left_open_at_the_end_is_still_read():
    assert items_of("<p>x</p>\n<script>var token = '" + TOKEN + "';") == [
        seg("x", 1), seg(f"var token = '{TOKEN}';", 2, "script")]


def test_links_with_credentials_are_reported_plain_links_are_not():
    url = "ftp://backup:" + PASSWORD + "@10.0.0.5/dump"
    api = "https://api.example.org/v1?api_key=" + TOKEN
    body = (f'\n<p><a href="{url}">sauvegarde</a></p>\n<p><a href="https://example.org/">site</a></p>'
            f'\n<p><a href="{api}">api</a></p>')
    assert items_of(page(body)) == [
        seg(url, 4, "link target"), seg("sauvegarde", 4),
        seg("site", 5),
        seg(api, 6, "link target"), seg("api", 6),
    ]


def test_meta_tags_are_hidden_properties():
    head = '<meta name="viewport" content="width=device-width"><meta name="api-token" content="' + TOKEN + '">'
    assert items_of(page("", head=head)) == [seg(f"api-token: {TOKEN}", 2, "meta tag 'api-token'")]


# --- decoding ------------------------------------------------------------------------------

@pytest.mark.parametrize(("declared", "encoding", "bom"), [
    (None, "cp1252", b""),  # no declaration, not UTF-8: Windows-1252
    ("iso-8859-1", "cp1252", b""),  # "Latin-1" pages are really Windows-1252 (the € below)
    ("utf-8", "cp1252", b""),  # a lying declaration falls back on the bytes
    ("windows-1252", "cp1252", b""),
    (None, "utf-8", b"\xef\xbb\xbf"),
    ("iso-8859-1", "utf-16-le", b"\xff\xfe"),  # the BOM wins over the declaration
    (None, "utf-8", b""),
])
def test_decoding(tmp_path, declared, encoding, bom):
    path = write(tmp_path, "p.html", page("<p>Clé : 5€ " + PASSWORD + "</p>", charset=declared),
                 encoding=encoding, bom=bom)
    assert items_of(path.read_bytes()) == [seg("Clé : 5€ " + PASSWORD, 3)]


def test_declared_charset_is_used():
    data = page("<p>Пароль: x</p>", charset="koi8-r").encode("koi8-r")
    assert items_of(data) == [seg("Пароль: x", 3)]


# --- robustness ----------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    "</" * 100_000,
    "<!" * 100_000,
    "<?" * 100_000,
    "<!--x>" * 40_000,
    "<![CDATA[x]>" * 20_000,
    "<![if x>" * 30_000,
    "<div>" * 50_000,
    "<p><button>" + "<div>" * 50_000,
    "<table><tr>" + "<td rowspan=65534 colspan=1000>x" + "<tr>" * 50_000,
])
def test_pathological_markup_finishes_quickly(data):
    start = time.monotonic()
    try:
        items_of(data)
    except ExtractError:
        pass
    assert time.monotonic() - start < 10


def test_unknown_marked_section_is_a_bogus_comment():
    assert items_of("<p>a</p><![foo bar]><p>b</p>") == [seg("a", 1), seg("[foo bar]", 1, "HTML comment"), seg("b", 1)]


def test_cell_limit_raises_limit_exceeded():
    with pytest.raises(LimitExceeded, match="more than 5 table cells"):
        items_of(table([["a", "b", "c"]] * 3), Limits(max_cells=5))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"", b"<html>", b"<table><tr><td>", b"<!--", b"<script>"]))
def test_random_bytes_raise_only_extract_error(noise, prefix):
    try:
        items_of(prefix + noise)
    except ExtractError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/!-[]'\"= abtdrhp&;#x\n", max_size=300))
def test_random_markup_raises_only_extract_error(text):
    try:
        items_of(text)
    except ExtractError:
        pass
