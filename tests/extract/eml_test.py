from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.mail.eml import extract
from docsecrets.limits import Limits
from docsecrets.types import ExtractError, LimitExceeded, Location, Member, Segment
from tests.fixtures.mail_builders import make_eml, simple_message

PASSWORD = "Azerty" + "12!=="  # '=' must survive quoted-printable as itself
TOKEN = "ghp_" + "B" * 36
XLSX = b"PK\x03\x04" + bytes(range(256)) * 3
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(data, Context.for_file("mail.eml", limits) if limits else Context.for_file("mail.eml")))


def test_multipart_mail_yields_headers_body_html_and_attachments():
    forwarded = simple_message("Accès VPN", f"token: {TOKEN}\n")
    data = make_eml(
        subject="Accès intervention",
        body=f"Bonjour,\n\nIdentifiant : admin\nMot de passe : {PASSWORD}\n",
        html=f"<p>Mot de passe : <b>{PASSWORD}</b></p>",
        attachments=(("acces.xlsx", XLSX_TYPE, XLSX), ("logo.png", "image/png", b"\x89PNG....")),
        forwarded=forwarded,
        extra_headers={"X-Api-Key": TOKEN, "DKIM-Signature": "v=1; b=" + "Q" * 80},
    )
    assert b"=3D" in data  # the body really went through quoted-printable
    items = run(data)
    assert items[:3] == [
        Segment(text="From: Support <support@example.test>\nTo: dsi@example.test\nSubject: Accès intervention\n"
                     "Date: Tue, 12 Mar 2013 09:14:00 +0100",
                location=Location(part="headers")),
        Segment(text=f"X-Api-Key: {TOKEN}", location=Location(part="headers"),
                hidden="mail headers (not shown by mail clients)"),
        Segment(text=f"Bonjour,\n\nIdentifiant : admin\nMot de passe : {PASSWORD}",
                location=Location(part="body", line=1)),
    ]
    html, xlsx, message = items[3:]
    assert html == Member(name="body.html",
                          data=f'<meta charset="utf-8"><p>Mot de passe : <b>{PASSWORD}</b></p>\n'.encode())
    assert xlsx == Member(name="acces.xlsx", data=XLSX, hidden="mail attachment")
    assert message.name == "attachment-2.eml" and message.hidden == "mail attachment"
    inner = run(message.data)
    assert inner[-1] == Segment(text=f"token: {TOKEN}", location=Location(part="body", line=1))
    assert inner[0].text == "From: a@example.test\nSubject: Accès VPN"


def test_base64_body_in_latin1_is_decoded_with_its_charset():
    body = f"Mot de passe : {PASSWORD} (clé)\nligne 2\n".encode("latin-1")
    data = (b"From: a@example.test\nSubject: =?utf-8?q?Acc=C3=A8s?=\nMIME-Version: 1.0\n"
            b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(body))
    assert run(data) == [
        Segment(text="From: a@example.test\nSubject: Accès", location=Location(part="headers")),
        Segment(text=f"Mot de passe : {PASSWORD} (clé)\nligne 2", location=Location(part="body", line=1)),
    ]


def test_undeclared_8bit_body_falls_back_to_cp1252():
    data = b"From: a@example.test\nContent-Type: text/plain\n\nmot de passe \xe9t\xe9 : x\n"
    assert run(data)[-1].text == "mot de passe été : x"


def test_second_text_part_and_text_attachment():
    data = (b"From: a@example.test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
            b"--XX\nContent-Type: text/plain\n\nfirst\n"
            b"--XX\nContent-Type: text/plain\n\nsecond\nline\n"
            b"--XX\nContent-Type: text/plain\nContent-Disposition: attachment\n\nnotes\n"
            b"--XX--\n")
    items = run(data)
    assert items[1:] == [
        Segment(text="first", location=Location(part="body", line=1)),
        Segment(text="second\nline", location=Location(part="body 2", line=1)),
        Member(name="attachment-1.txt", data=b"notes", hidden="mail attachment"),
    ]


def test_forwarded_mail_sent_base64_encoded_is_decoded():
    inner = b"From: b@example.test\nSubject: fwd\n\nsecret body\n"
    data = (b"From: a@example.test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
            b"--XX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(inner) + b"--XX--\n")
    (member,) = [item for item in run(data) if isinstance(item, Member)]
    assert member.name == "attachment-1.eml"
    assert member.data.replace(b"\r\n", b"\n") == inner


def test_long_body_is_cut_at_line_ends_with_the_right_line_numbers():
    body = "".join(f"line {i}\n" for i in range(1, 31))
    data = make_eml(subject="s", body=body, body_encoding="7bit")
    segments = [item for item in run(data, Limits(max_segment_chars=100)) if item.location.part == "body"]
    assert [s.location.line for s in segments] == [1, 14, 26]
    assert "\n".join(s.text for s in segments) == body.rstrip("\n")


def test_attachment_over_the_part_limit_stops_the_message():
    data = make_eml(subject="s", body="hello", attachments=(("big.bin", "application/octet-stream", b"x" * 5000),
                                                            ("small.bin", "application/octet-stream", b"ok")))
    gen = extract(data, Context.for_file("m.eml", Limits(max_part_size=1000)))
    items = []
    with pytest.raises(LimitExceeded, match="MIME part 'big.bin' decodes to 5,000 bytes"):
        for item in gen:
            items.append(item)
    # what came before is kept; a limit stops the file at once (common.partial): small.bin is not read
    assert "hello" in [getattr(i, "text", None) for i in items]
    assert [i for i in items if isinstance(i, Member)] == []


def test_too_many_parts():
    data = make_eml(subject="s", body="b", attachments=tuple((f"{i}.txt", "text/plain", b"x") for i in range(5)))
    with pytest.raises(LimitExceeded, match="more than 4 MIME parts"):
        run(data, Limits(max_members=4))


def test_text_without_headers_is_not_a_mail():
    with pytest.raises(ExtractError, match="no mail headers found"):
        run(b"just some text\nwith lines\n")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_extract_error(data):
    try:
        run(b"From: a@example.test\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" + data)
        run(data)
    except ExtractError:
        pass
