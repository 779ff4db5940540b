from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.context import Context
from docsecrets.extract.ole.ppt import extract
from docsecrets.types import EncryptedError, ExtractError, Location, Member, Segment
from tests.fixtures.ole_builders import (
    compressed_storage, container, cstring, current_user, make_ole, rec, slide_persist, text_box, text_bytes,
    text_chars, vba_project, ppt_stream)

PASSWORD = "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def run(tmp_path, streams: dict[str, bytes]) -> list:
    path = tmp_path / "deck.ppt"
    path.write_bytes(make_ole({"Current User": current_user(), **streams}))
    return list(extract(path.read_bytes(), Context.for_file(str(path))))


def slide(number: int, text: str, hidden: str | None = None) -> Segment:
    return Segment(text=text, location=Location(part=f"slide {number}", page=number), hidden=hidden)


def deck(*, extra: list[bytes] = (), slide_children: tuple[list[bytes], ...] = ([], [])) -> bytes:
    """Two slides: placeholder text in the slide list, a text box in each slide's drawing."""
    slide_list = container(0x0FF0, slide_persist(1, 256), rec(0x0F9F, struct.pack("<I", 0)),
                           text_chars(f"Accès serveur é\rMot de passe : {PASSWORD}"),
                           slide_persist(2, 257), text_bytes("Deuxième diapo"), instance=0)
    masters = container(0x0FF0, text_chars("Cliquez pour modifier le titre"), instance=1)
    slides = [container(0x03EE, rec(0x03EF, b"\x00" * 24), *slide_children[0], text_box(text_chars("Zone de texte"))),
              container(0x03EE, rec(0x03EF, b"\x00" * 24), *slide_children[1], text_box(text_bytes(f"Jeton {TOKEN}")))]
    return ppt_stream([masters, slide_list], slides, extra=list(extra))


def test_slide_text_from_chars_and_bytes_atoms(tmp_path):
    assert run(tmp_path, {"PowerPoint Document": deck()}) == [
        slide(1, f"Accès serveur é\nMot de passe : {PASSWORD}"),
        slide(1, "Zone de texte"),
        slide(2, "Deuxième diapo"),
        slide(2, f"Jeton {TOKEN}"),
        Segment(text="Cliquez pour modifier le titre", location=Location(part="master"), hidden="slide master"),
    ]


def test_notes_comments_and_hidden_slides(tmp_path):
    notes = container(0x03F0, rec(0x03F1, struct.pack("<I", 257) + b"\x00" * 4),
                      text_box(text_chars(f"Rappel : {PASSWORD}")))
    hidden_info = rec(0x03F9, struct.pack("<IIBBHB3s", 0, 0, 0, 0, 0x0004, 0, b""))
    comment = container(0x2EE0, cstring("J. Martin", 0), cstring(f"code {PASSWORD}", 1), cstring("JM", 2))
    stream = deck(extra=[notes], slide_children=([comment], [hidden_info]))
    assert run(tmp_path, {"PowerPoint Document": stream}) == [
        slide(1, f"Accès serveur é\nMot de passe : {PASSWORD}"),
        slide(1, "Zone de texte"),
        Segment(text=f"code {PASSWORD}", location=Location(part="comments, slide 1", page=1),
                hidden="comment by J. Martin"),
        slide(2, "Deuxième diapo", "hidden slide 2"),
        slide(2, f"Jeton {TOKEN}", "hidden slide 2"),
        Segment(text=f"Rappel : {PASSWORD}", location=Location(part="notes, slide 2", page=2),
                hidden="speaker notes, slide 2"),
        Segment(text="Cliquez pour modifier le titre", location=Location(part="master"), hidden="slide master"),
    ]


def test_hyperlink_targets(tmp_path):
    link = container(0x0FD7, rec(0x0FD3, b"\x00" * 4), cstring("intranet", 0),
                     cstring(f"https://admin:{PASSWORD}@intranet.example/", 1))
    stream = ppt_stream([container(0x0409, link)], [])
    assert run(tmp_path, {"PowerPoint Document": stream}) == [
        Segment(text=f"https://admin:{PASSWORD}@intranet.example/", location=Location(part="hyperlinks"),
                hidden="hyperlink target"),
    ]


def test_embedded_and_vba_storages_become_members(tmp_path):
    embedded = make_ole({"\x01Ole10Native": b"\x00" * 8})
    project = make_ole(vba_project({"Module1": "Sub A()\r\nEnd Sub\r\n"}))
    vba_info = container(0x03FF, rec(0x0400, struct.pack("<III", 2, 1, 2)))  # persist id 2: the project
    stream = ppt_stream([vba_info], [compressed_storage(embedded), rec(0x1011, project)])
    assert run(tmp_path, {"PowerPoint Document": stream}) == [
        Member(name="embedded object 1", data=embedded, hidden="embedded object"),
        Member(name="VBA project", data=project, hidden="VBA macro project"),
    ]


def test_record_past_the_end_yields_what_was_read_then_fails(tmp_path):
    stream = deck() + struct.pack("<HHI", 0x0F, 0x03EE, 10_000) + b"\x00" * 16
    items = []
    with pytest.raises(ExtractError, match=r"^PowerPoint Document stream is truncated \(record at offset \d+\)$"):
        path = tmp_path / "cut.ppt"
        path.write_bytes(make_ole({"Current User": current_user(), "PowerPoint Document": stream}))
        items.extend(extract(path.read_bytes(), Context()))
    assert slide(1, f"Accès serveur é\nMot de passe : {PASSWORD}") in items


def test_container_overrunning_its_parent_stops_quietly(tmp_path):
    # Some containers hold private data: an inner overrun only ends that container.
    bad = container(0x0428, struct.pack("<HHI", 0, 0x0403, 1 << 20))
    stream = ppt_stream([container(0x0FF0, slide_persist(1, 256), text_chars("avant"), instance=0), bad], [])
    assert run(tmp_path, {"PowerPoint Document": stream}) == [slide(1, "avant")]


def test_deep_nesting_does_not_recurse_forever(tmp_path):
    record = text_chars("profond")
    for _ in range(200):
        record = container(0x0FF0, record, instance=5)
    assert run(tmp_path, {"PowerPoint Document": record}) == []


@pytest.mark.parametrize("streams", [
    {"PowerPoint Document": b"\x00" * 64, "Current User": current_user(encrypted=True)},
    {"PowerPoint Document": b"\x00" * 64, "EncryptedSummary": b"\x00" * 64},
    {"PowerPoint Document": container(0x2F14, rec(0x2F15, b"\x00" * 8))},
])
def test_encrypted(tmp_path, streams):
    with pytest.raises(EncryptedError, match="^encrypted PowerPoint presentation$"):
        run(tmp_path, streams)


def test_powerpoint_95_falls_back_to_raw_text(tmp_path):
    assert run(tmp_path, {"PP40": b"\x00\x01" + f"Mot de passe {PASSWORD}".encode() + b"\x00\x02"}) == [
        Segment(text=f"Mot de passe {PASSWORD}", location=Location(part="raw text (fallback)")),
    ]


def test_not_a_presentation(tmp_path):
    with pytest.raises(ExtractError, match="no PowerPoint Document stream"):
        run(tmp_path, {"Other": b"x"})


def test_corrupt_compressed_object_is_reported_after_the_text(tmp_path):
    stream = ppt_stream([container(0x0FF0, slide_persist(1, 256), text_chars("texte"), instance=0)], [],
                        extra=[rec(0x1011, struct.pack("<I", 100) + b"not zlib", instance=1)])
    items = []
    with pytest.raises(ExtractError, match="compressed embedded object is corrupt"):
        path = tmp_path / "obj.ppt"
        path.write_bytes(make_ole({"Current User": current_user(), "PowerPoint Document": stream}))
        items.extend(extract(path.read_bytes(), Context()))
    assert items == [slide(1, "texte")]


def test_compressed_object_declaring_zero_bytes_is_not_inflated(tmp_path):
    bomb = rec(0x1011, struct.pack("<I", 0) + zlib.compress(b"\x00" * 100_000), instance=1)
    stream = ppt_stream([], [], extra=[bomb])
    assert run(tmp_path, {"PowerPoint Document": stream}) == []


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_extract_error(data):
    try:
        list(extract(data, Context()))
    except ExtractError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_corrupted_record_streams_raise_only_extract_error(data):
    stream = bytearray(deck())
    for _ in range(data.draw(st.integers(1, 20))):
        stream[data.draw(st.integers(0, len(stream) - 1))] = data.draw(st.integers(0, 255))
    try:
        list(extract(make_ole({"PowerPoint Document": bytes(stream)}), Context()))
    except ExtractError:
        pass
