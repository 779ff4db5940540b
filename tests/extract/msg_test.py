from __future__ import annotations

import io

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.mail.msg import decompress_rtf, extract
from docsecrets.limits import Limits
from docsecrets.types import EncryptedError, ExtractError, LimitExceeded, Location, Member, Segment
from tests.fixtures.mail_builders import lzfu_literals, make_msg, make_ole, msg_streams

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "C" * 36
HEADERS = "Subject: {}\nFrom: Support <support@example.test>"


def run(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(data, Context.for_file("mail.msg", limits) if limits else Context.for_file("mail.msg")))


def test_ole_builder_writes_small_and_large_streams_olefile_can_read():
    big = bytes(range(256)) * 40  # over the 4096-byte mini stream cutoff
    ole = olefile.OleFileIO(io.BytesIO(make_ole({"a": b"small", "dir/b": big, "dir/sub/c": b""})))
    assert sorted("/".join(p) for p in ole.listdir()) == ["a", "dir/b", "dir/sub/c"]
    assert ole.openstream("a").read() == b"small"
    assert ole.openstream("dir/b").read() == big


def test_message_yields_headers_transport_headers_body_html_and_attachments():
    xlsx = b"PK\x03\x04" + bytes(range(256)) * 20
    transport = ("Received: from mx\r\nX-Api-Key: " + TOKEN + "\r\nSubject: Accès\r\n"
                 "DKIM-Signature: v=1; b=" + "Q" * 60 + "\r\n\r\n")
    data = make_msg(subject="Accès", body=f"Bonjour,\r\nMot de passe : {PASSWORD}\r\n",
                    html=f"<p>Mot de passe : {PASSWORD}</p>".encode("cp1252"), transport=transport,
                    recipients=(("DSI", "dsi@example.test"),),
                    attachments=(("acces.xlsx", xlsx), ("logo.png", b"\x89PNG")))
    assert run(data) == [
        Segment(text=HEADERS.format("Accès") + "\nRecipient (Cc): DSI <dsi@example.test>",
                location=Location(part="headers")),
        Segment(text=f"X-Api-Key: {TOKEN}", location=Location(part="transport headers"),
                hidden="mail transport headers"),
        Segment(text=f"Bonjour,\nMot de passe : {PASSWORD}", location=Location(part="body", line=1)),
        Member(name="body.html", data=f'<meta charset="utf-8"><p>Mot de passe : {PASSWORD}</p>'.encode()),
        Member(name="acces.xlsx", data=xlsx, hidden="mail attachment"),
    ]


def test_8bit_strings_use_the_message_codepage():
    data = make_msg(subject="Сервер", body=f"Пароль: {PASSWORD}", ansi_codepage=1251)
    assert run(data)[:2] == [
        Segment(text=HEADERS.format("Сервер"), location=Location(part="headers")),
        Segment(text=f"Пароль: {PASSWORD}", location=Location(part="body", line=1)),
    ]


def test_attached_message_is_read_in_place_as_hidden():
    inner = msg_streams(subject="Accès VPN", body=f"token {TOKEN}", header=24,
                        attachments=(("notes.txt", b"inner attachment"),))
    data = make_msg(subject="Fwd", body="see attached", attached_message=inner)
    items = run(data)
    assert items[2:] == [
        Segment(text=HEADERS.format("Accès VPN"), location=Location(part="attached message 1: headers"),
                hidden="attached message 'Forwarded note'"),
        Segment(text=f"token {TOKEN}", location=Location(part="attached message 1: body", line=1),
                hidden="attached message 'Forwarded note'"),
        Member(name="notes.txt", data=b"inner attachment", hidden="mail attachment"),
    ]


def test_attached_messages_nested_past_the_depth_limit():
    inner = msg_streams(subject="deep", body="x", header=24)
    data = make_msg(subject="top", body="y", attached_message=inner)
    gen = extract(data, Context.for_file("m.msg", Limits(max_depth=1)))
    assert [next(gen).location.part, next(gen).location.part] == ["headers", "body"]
    with pytest.raises(LimitExceeded, match="attached messages nested deeper than 1"):
        next(gen)


def test_rtf_only_body_is_decompressed_into_a_member():
    rtf = rb"{\rtf1\ansi Mot de passe : " + PASSWORD.encode() + rb"\par}"
    data = make_msg(subject="s", rtf=lzfu_literals(rtf))
    assert run(data)[1] == Member(name="body.rtf", data=rtf)


def test_rtf_is_skipped_when_a_plain_body_exists():
    data = make_msg(subject="s", body="plain", rtf=lzfu_literals(rb"{\rtf1 x}"))
    assert [type(item).__name__ for item in run(data)] == ["Segment", "Segment"]


def test_lzfu_back_references_from_the_specification_example():
    # [MS-OXRTFCP] section 3.1.1 example 1.
    compressed = bytes.fromhex("2d0000002b0000004c5a4675f1c5c7a703000a0072637067313235423"
                               "20af32068656c09002062770 5b06c647d0a800fa0".replace(" ", ""))
    assert decompress_rtf(compressed, 1000) == b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"


def test_rtf_errors():
    with pytest.raises(ExtractError, match="truncated"):
        decompress_rtf(b"LZFu", 100)
    with pytest.raises(ExtractError, match="unknown format"):
        decompress_rtf(bytes(8) + b"ABCD" + bytes(4), 100)
    with pytest.raises(LimitExceeded, match="declares 500 bytes"):
        decompress_rtf(lzfu_literals(b"x" * 500), 100)


def test_smime_encrypted_message_yields_headers_then_raises():
    data = make_msg(subject="chiffré", message_class="IPM.Note.SMIME", attachments=(("smime.p7m", b"\x30\x80"),))
    gen = extract(data, Context.for_file("m.msg"))
    assert next(gen) == Segment(text=HEADERS.format("chiffré"), location=Location(part="headers"))
    with pytest.raises(EncryptedError, match="S/MIME encrypted or opaque-signed message"):
        next(gen)


def test_clear_signed_smime_attachment_is_passed_on_as_a_mail():
    mime = b"Content-Type: multipart/signed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b--\r\n"
    data = make_msg(subject="s", message_class="IPM.Note.SMIME.MultipartSigned", attachments=(("smime.p7m", mime),))
    assert run(data)[-1] == Member(name="smime.p7m.eml", data=mime, hidden="mail attachment")


def test_stream_over_the_part_limit_is_reported_after_the_rest():
    data = make_msg(subject="s", body="hello", attachments=(("big.bin", b"x" * 5000),))
    gen = extract(data, Context.for_file("m.msg", Limits(max_part_size=4000)))
    assert [type(item).__name__ for item in [next(gen), next(gen)]] == ["Segment", "Segment"]
    with pytest.raises(LimitExceeded, match="holds 5,000 bytes"):
        next(gen)


def test_ole_file_without_message_properties():
    with pytest.raises(ExtractError, match="no Outlook message properties"):
        run(make_ole({"WordDocument": b"x" * 10}))


def test_truncated_and_corrupt_ole():
    data = make_msg(subject="s", body="b" * 5000)
    with pytest.raises(ExtractError):
        run(data[:600])
    with pytest.raises(ExtractError, match="not a readable OLE file"):
        run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=64))
def test_damaged_messages_raise_only_extract_error(offset, junk):
    data = bytearray(make_msg(subject="s", body="b" * 3000, attachments=(("a.txt", b"a" * 5000),)))
    offset %= len(data)
    data[offset:offset + len(junk)] = junk
    try:
        run(bytes(data))
    except ExtractError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_extract_error(data):
    with pytest.raises(ExtractError):
        run(data)
