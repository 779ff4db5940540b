from __future__ import annotations

import io

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.ole import vba as _vba
from docsecrets.extract.context import Context
from docsecrets.extract.ole.container import build_cfb, extract
from docsecrets.limits import Limits
from docsecrets.types import ExtractError, LimitExceeded, Location, Member, Segment
from tests.fixtures.ole_builders import (
    SUMMARY_FMTID, make_ole, ole10native, property_set, vba_compress, vba_project, vba_raw_container)

PASSWORD = "Azerty" + "12!"
MODULE = f'Attribute VB_Name = "Connexion"\r\nSub Go()\r\n  cn.Open "Server=db;Pwd={PASSWORD}"\r\nEnd Sub\r\n'
EXPECTED_SOURCE = f'Sub Go()\n  cn.Open "Server=db;Pwd={PASSWORD}"\nEnd Sub'
MACRO = Segment(text=EXPECTED_SOURCE, location=Location(part="macro Connexion", line=1), hidden="VBA macro", code=True)


def run(tmp_path, streams: dict[str, bytes], name: str = "object.bin", ctx: Context | None = None) -> list:
    path = tmp_path / name
    path.write_bytes(make_ole(streams))
    return list(extract(path.read_bytes(), ctx or Context.for_file(str(path))))


def test_ole_package_yields_the_wrapped_file(tmp_path):
    payload = b"user=admin\r\npassword=" + PASSWORD.encode() + b"\r\n"
    items = run(tmp_path, {"\x01Ole10Native": ole10native("acces.txt", "C:\\Users\\jm\\acces.txt", payload)})
    assert items == [Member(name="acces.txt", data=payload, hidden="embedded object")]


def test_ole_package_prefers_the_unicode_label(tmp_path):
    payload = b"\x00\x01binary"
    native = ole10native("acc?s.txt", "C:\\acc?s.txt", payload, unicode_label="accès.txt")
    assert run(tmp_path, {"\x01Ole10Native": native}) == [
        Member(name="accès.txt", data=payload, hidden="embedded object")]


def test_native_data_that_is_not_a_package_is_handed_over_raw(tmp_path):
    native = b"\x10\x00\x00\x00" + b"PBrush native!!!"
    assert run(tmp_path, {"Sub/\x01Ole10Native": native}) == [
        Member(name="Sub/Ole10Native", data=b"PBrush native!!!", hidden="embedded object")]


def test_package_and_contents_streams(tmp_path):
    items = run(tmp_path, {"Package": b"PK\x03\x04docx", "Obj/CONTENTS": b"%PDF-1.4 ..."})
    assert items == [
        Member(name="Obj/CONTENTS", data=b"%PDF-1.4 ...", hidden="embedded object"),
        Member(name="Package", data=b"PK\x03\x04docx", hidden="embedded object"),
    ]


def test_vba_project_sources(tmp_path):
    streams = vba_project({"Connexion": MODULE, "Vide": 'Attribute VB_Name = "Vide"\r\n'})
    assert run(tmp_path, streams, "vbaProject.bin") == [
        MACRO,
    ]


def test_vba_project_with_raw_chunks(tmp_path):
    streams = vba_project({"Connexion": MODULE}, compress=vba_raw_container)
    assert run(tmp_path, streams, "vbaProject.bin") == [
        MACRO,
    ]


def test_missing_module_is_reported_after_the_others(tmp_path):
    streams = vba_project({"Connexion": MODULE, "Perdu": "Sub X()\r\nEnd Sub\r\n"})
    del streams["VBA/Perdu"]
    items = []
    with pytest.raises(ExtractError, match="^VBA modules unreadable: Perdu"):
        path = tmp_path / "vbaProject.bin"
        path.write_bytes(make_ole(streams))
        items.extend(extract(path.read_bytes(), Context()))
    assert items == [
        MACRO]


def test_properties_of_a_plain_ole_file(tmp_path):
    streams = {"\x05SummaryInformation": property_set((SUMMARY_FMTID, {6: f"pwd {PASSWORD}"}, {}))}
    assert run(tmp_path, streams) == [
        Segment(text=f"Comments: pwd {PASSWORD}", location=Location(part="SummaryInformation"),
                hidden="document property 'Comments'")]


def test_an_ole_file_without_text_is_clean(tmp_path):
    assert run(tmp_path, {"Thumbnail": b"\x89PNG" + b"\x00" * 5000}) == []


# --- MS-OVBA decompression --------------------------------------------------------------------

# The worked examples of [MS-OVBA] 3.2: compressed container -> decompressed bytes.
SPEC_EXAMPLES = [
    ("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
     b"abcdefghijklmnopqrstuv."),
    ("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 71 02 70 "
     "04 10 72 73 74 75 76 10 77 78 79 7A 00 3C", b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"),
]


@pytest.mark.parametrize(("compressed", "expected"), SPEC_EXAMPLES)
def test_decompress_spec_examples(compressed, expected):
    assert _vba.decompress(bytes.fromhex(compressed), Context()) == expected


def test_decompress_raw_chunk():
    data = bytes(range(256)) * 20  # 5120 bytes: one full raw chunk, then a padded one
    assert _vba.decompress(vba_raw_container(data), Context())[:len(data)] == data


@given(st.binary(max_size=9000))
@settings(max_examples=60, deadline=None)
def test_decompress_round_trip(data):
    assert _vba.decompress(vba_compress(data), Context()) == data


@pytest.mark.parametrize(("data", "message"), [
    (b"", "not a compressed container"),
    (b"\x02\x00\x00", "not a compressed container"),
    (bytes.fromhex("01 03 B0 01 FF FF"), "copy token points before the chunk"),
    (bytes.fromhex("01 03 B0 02 61 45"), "truncated copy token"),
])
def test_decompress_errors(data, message):
    with pytest.raises(ExtractError, match=message):
        _vba.decompress(data, Context())


def test_decompress_respects_the_part_limit():
    bomb = vba_compress(b"a" * 50_000)
    with pytest.raises(LimitExceeded):
        _vba.decompress(bomb, Context(limits=Limits(max_part_size=10_000)))


def test_stream_larger_than_the_part_limit_is_refused(tmp_path):
    ctx = Context(limits=Limits(max_part_size=1000))
    with pytest.raises(LimitExceeded, match="stream 'Package' declares 5,000 bytes"):
        run(tmp_path, {"Package": b"x" * 5000}, ctx=ctx)


# --- the compound file writer used to hand over embedded documents ---------------------------


def test_build_cfb_round_trips_through_olefile():
    parts = [("Workbook", b"\x09\x08" + bytes(range(256)) * 40), ("\x01CompObj", b"small"), ("Data", b"")]
    ole = olefile.OleFileIO(io.BytesIO(build_cfb(parts)))
    assert sorted(ole.listdir()) == [["\x01CompObj"], ["Data"], ["Workbook"]]
    assert ole.openstream("Workbook").read() == parts[0][1]
    assert ole.openstream("\x01CompObj").read() == b"small".ljust(4096, b"\x00")  # padded past the mini stream


def test_build_cfb_many_sectors():
    big = bytes(range(256)) * 4096  # 1 MiB: several FAT sectors
    ole = olefile.OleFileIO(io.BytesIO(build_cfb([("Workbook", big)])))
    assert ole.openstream("Workbook").read() == big


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_extract_error(data):
    try:
        list(extract(data, Context()))
    except ExtractError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_corrupted_vba_projects_raise_only_extract_error(data):
    streams = vba_project({"Connexion": MODULE})
    name = data.draw(st.sampled_from(sorted(streams)))
    blob = bytearray(streams[name])
    for _ in range(data.draw(st.integers(1, 10))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    streams[name] = bytes(blob)
    try:
        list(extract(make_ole(streams), Context()))
    except ExtractError:
        pass
