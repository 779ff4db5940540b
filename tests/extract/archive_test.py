from __future__ import annotations

import bz2
import gzip
import importlib.util
import io
import lzma
import tarfile
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets.extract.containers import archive
from docsecrets.extract.containers.archive import extract
from docsecrets.extract.context import Budget, Context
from docsecrets.limits import Limits
from docsecrets.types import EncryptedError, ExtractError, LimitExceeded, Member
from tests.fixtures.archive_builders import (
    make_7z,
    make_overlapping_zip,
    make_tar,
    make_zip,
    make_zip_raw,
    make_zip_with_symlink,
    zipcrypto_encrypt,
)

SECRET = "Mot de passe : " + "Azerty" + "12!"
TOKEN = "ghp_" + "A" * 36


def run(data: bytes, name: str = "archive", limits: Limits | None = None) -> list[Member]:
    ctx = Context.for_file(name, limits) if limits else Context.for_file(name)
    items = list(extract(data, ctx))
    assert all(isinstance(item, Member) for item in items)
    return items  # type: ignore[return-value]


def pairs(items: list[Member]) -> list[tuple[str, bytes, str | None]]:
    return [(m.name, m.data, m.hidden) for m in items]


# --- zip ---------------------------------------------------------------------------------

def test_zip_yields_members_with_exact_names_and_bytes_and_skips_directories():
    inner = make_zip({"config/.env": f"GITHUB_TOKEN={TOKEN}\n".encode()})
    outer = make_zip({"docs/": b"", "docs/notes.txt": SECRET.encode(), "inner.zip": inner})
    items = run(outer, "outer.zip")
    assert pairs(items) == [("docs/notes.txt", SECRET.encode(), None), ("inner.zip", inner, None)]
    # The engine recurses, not us: the nested zip comes back as bytes that read on their own.
    assert pairs(run(items[1].data, "inner.zip")) == [("config/.env", f"GITHUB_TOKEN={TOKEN}\n".encode(), None)]


def test_zip_keeps_absolute_and_dotdot_names_as_given():
    data = make_zip({"/etc/app.conf": b"a", "../up.txt": b"b"})
    assert [m.name for m in run(data)] == ["/etc/app.conf", "../up.txt"]


def test_zip_symlink_is_skipped():
    data = make_zip_with_symlink({"real.txt": b"content"}, "link", "/etc/shadow")
    assert pairs(run(data)) == [("real.txt", b"content", None)]


def test_zip_that_holds_a_copy_of_itself_is_read_once():
    # A true quine needs a hand-made deflate stream; what matters is that reading one level
    # yields the member and does not recurse on its own (the engine owns depth).
    inner = make_zip({"payload.txt": b"x"})
    outer = make_zip({"again.zip": inner})
    assert pairs(run(outer)) == [("again.zip", inner, None)]


def test_zipcrypto_builder_round_trips_through_zipfile():
    data = make_zip_raw([("a.txt", b"plain text")], encrypt=frozenset({"a.txt"}), password=b"pw")
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.txt", pwd=b"pw") == b"plain text"
    assert zipcrypto_encrypt(b"x", password=b"pw", crc=0) != zipcrypto_encrypt(b"x", password=b"pq", crc=0)


def test_zip_with_every_member_encrypted_raises_encrypted_at_once():
    data = make_zip_raw([("a.txt", b"one"), ("b.txt", b"two")], encrypt=frozenset({"a.txt", "b.txt"}))
    gen = extract(data, Context.for_file("x.zip"))
    with pytest.raises(EncryptedError, match="all 2 members are encrypted"):
        next(gen)


def test_zip_with_some_members_encrypted_yields_the_others_then_raises():
    data = make_zip_raw([("open.txt", SECRET.encode()), ("locked.xlsx", b"PK\x03\x04xx"),
                         ("locked2.txt", b"z")], encrypt=frozenset({"locked.xlsx", "locked2.txt"}))
    gen = extract(data, Context.for_file("x.zip"))
    first = next(gen)
    assert (first.name, first.data) == ("open.txt", SECRET.encode())
    with pytest.raises(EncryptedError) as caught:
        next(gen)
    assert str(caught.value) == "2 encrypted zip member(s): 'locked.xlsx', 'locked2.txt'"


def test_zip_member_larger_than_the_part_limit_is_refused_but_others_are_read():
    data = make_zip({"small.txt": b"ok", "big.bin": b"\x01" * 10_000})
    gen = extract(data, Context.for_file("x.zip", Limits(max_part_size=1000)))
    assert next(gen).name == "small.txt"
    with pytest.raises(LimitExceeded, match="'big.bin' declares 10,000 bytes uncompressed"):
        next(gen)


def test_zip_high_ratio_member_is_a_bomb():
    data = make_zip({"zeros.bin": bytes(20 * 1024 * 1024)})
    with pytest.raises(LimitExceeded, match="inflates more than 100x"):
        run(data, limits=Limits(ratio_floor=1024 * 1024, max_ratio=100))


def test_zip_overlapping_entries_are_a_bomb():
    with pytest.raises(LimitExceeded, match="share their data"):
        run(make_overlapping_zip())


def test_zip_member_count_limit():
    data = make_zip({f"f{i}.txt": b"x" for i in range(5)})
    with pytest.raises(LimitExceeded, match="5 archive members"):
        run(data, limits=Limits(max_members=4))


def test_budget_spent_stops_at_once():
    data = make_zip({"a.txt": b"a" * 5000, "b.txt": b"b" * 5000})
    ctx = Context(budget=Budget(6000), name="x.zip")
    with pytest.raises(LimitExceeded, match="decompressed more than"):
        list(extract(data, ctx))


def test_truncated_zip_is_unreadable():
    data = make_zip({"a.txt": b"hello" * 100})
    with pytest.raises(ExtractError, match="not a readable zip container"):
        run(data[: len(data) // 2])


def test_corrupt_member_is_reported_after_the_good_ones():
    data = bytearray(make_zip_raw([("good.txt", b"good"), ("bad.txt", b"payload")]))
    data[data.index(b"payload")] ^= 0xFF  # CRC no longer matches
    gen = extract(bytes(data), Context.for_file("x.zip"))
    assert next(gen).data == b"good"
    with pytest.raises(ExtractError, match="part 'bad.txt' is corrupt: BadZipFile: Bad CRC-32$"):
        next(gen)


# --- tar ---------------------------------------------------------------------------------

def test_tar_yields_regular_members_and_skips_links_and_directories():
    data = make_tar({"site/wp-config.php": SECRET.encode(), "../../etc/x": b"y"},
                    symlinks={"site/passwd": "/etc/passwd"}, hardlinks={"site/copy": "site/wp-config.php"},
                    dirs=("site",))
    assert pairs(run(data, "site.tar")) == [("site/wp-config.php", SECRET.encode(), None),
                                            ("../../etc/x", b"y", None)]


def test_tar_gz_comes_out_as_the_tar_then_its_files():
    tar = make_tar({"backup/db.sql": f"-- {SECRET}\n".encode()})
    (member,) = run(gzip.compress(tar), "/srv/site_backup.tar.gz")
    assert (member.name, member.data) == ("site_backup.tar", tar)
    assert pairs(run(member.data, member.name)) == [("backup/db.sql", f"-- {SECRET}\n".encode(), None)]


def test_truncated_tar_yields_what_it_can_then_raises():
    data = make_tar({"first.txt": b"1" * 600, "second.txt": b"2" * 5000})
    cut = data[:512 * 5]  # first member whole, second member's data cut short
    gen = extract(cut, Context.for_file("x.tar"))
    assert next(gen).data == b"1" * 600
    with pytest.raises(ExtractError, match="second.txt"):
        next(gen)


def test_tar_member_over_the_part_limit_stops_the_archive():
    data = make_tar({"small.txt": b"ok", "big.bin": b"x" * 3000, "after.txt": b"never read"})
    gen = extract(data, Context.for_file("x.tar", Limits(max_part_size=1000)))
    assert next(gen).name == "small.txt"
    with pytest.raises(LimitExceeded, match="'big.bin' declares 3,000 bytes"):
        next(gen)  # a limit stops the file at once (common.partial): after.txt is not read


def test_tar_member_count_limit():
    data = make_tar({f"f{i}": b"x" for i in range(5)})
    with pytest.raises(LimitExceeded, match="more than 3 archive members"):
        run(data, limits=Limits(max_members=3))


# --- gzip / bz2 / xz ---------------------------------------------------------------------

@pytest.mark.parametrize(("compress", "name", "inner"), [
    (gzip.compress, "backup.sql.gz", "backup.sql"),
    (bz2.compress, "dump.sql.bz2", "dump.sql"),
    (lzma.compress, "notes.txt.xz", "notes.txt"),
    (gzip.compress, "site.tgz", "site.tar"),
    (lzma.compress, "site.txz", "site.tar"),
])
def test_single_stream_files_decompress_to_one_member(compress, name, inner):
    payload = f"DB_PASSWORD={SECRET}\n".encode() * 3
    assert pairs(run(compress(payload), f"dir/{name}")) == [(inner, payload, None)]


def test_gzip_without_a_known_suffix_uses_the_original_name_from_the_header():
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="credentials.csv", mode="wb", fileobj=buffer) as stream:
        stream.write(b"user;password\n")
    assert pairs(run(buffer.getvalue(), "attachment-1")) == [("credentials.csv", b"user;password\n", None)]
    assert run(gzip.compress(b"x"), "attachment-1")[0].name == "attachment-1.decompressed"


def test_concatenated_gzip_members_are_one_file():
    assert run(gzip.compress(b"first ") + gzip.compress(b"second"), "a.txt.gz")[0].data == b"first second"


def test_data_appended_after_a_gzip_stream_is_yielded_as_hidden():
    data = gzip.compress(b"visible") + b"\x00\x00" + b"appended " + SECRET.encode()
    assert pairs(run(data, "a.gz")) == [
        ("a", b"visible", None),
        ("a (data after the gzip stream)", b"appended " + SECRET.encode(),
         "data appended after the gzip stream"),
    ]


def test_truncated_gzip_yields_the_partial_data_then_raises():
    payload = bytes(range(256)) * 400
    data = gzip.compress(payload)
    gen = extract(data[: len(data) // 2], Context.for_file("a.bin.gz"))
    partial = next(gen)
    assert partial.name == "a.bin" and payload.startswith(partial.data) and partial.data
    with pytest.raises(ExtractError, match="gzip stream is truncated"):
        next(gen)


def test_corrupt_bz2_is_unreadable():
    data = bytearray(bz2.compress(b"hello world" * 100))
    data[20:30] = bytes(10)
    with pytest.raises(ExtractError, match="bz2 stream is corrupt"):
        run(bytes(data), "a.bz2")


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_bomb_is_stopped(compress):
    bomb = compress(bytes(10 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="inflates more than 50x"):
        run(bomb, "bomb.gz", limits=Limits(ratio_floor=1024 * 1024, max_ratio=50))
    with pytest.raises(LimitExceeded, match="inflates past 1,000,000 bytes"):
        run(bomb, "bomb.gz", limits=Limits(max_part_size=1_000_000))


# --- 7z ----------------------------------------------------------------------------------

def test_7z_without_py7zr_says_so(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ExtractError, match=r"7z archives need py7zr \(not installed\)"):
        run(b"7z\xbc\xaf\x27\x1c" + bytes(26), "a.7z")


@pytest.mark.skipif(importlib.util.find_spec("py7zr") is None, reason="py7zr not installed")
def test_7z_members_and_password():
    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive_file:
        archive_file.writestr(SECRET.encode(), "dir/a.txt")
        archive_file.writestr(b"second", "b.txt")
    assert pairs(run(buffer.getvalue(), "a.7z")) == [("dir/a.txt", SECRET.encode(), None), ("b.txt", b"second", None)]
    with pytest.raises(LimitExceeded, match="'dir/a.txt' declares"):
        run(buffer.getvalue(), "a.7z", limits=Limits(max_part_size=10))
    locked = io.BytesIO()
    with py7zr.SevenZipFile(locked, "w", password="pw") as archive_file:
        archive_file.writestr(b"x", "a.txt")
    with pytest.raises(EncryptedError):
        run(locked.getvalue(), "a.7z")


# --- every member is read: repeated and unsafe names -------------------------------------

OTHER = "Deux" + "ieme77"


def test_zip_with_a_repeated_name_reads_both_members():
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _zip_pairs([("a.txt", SECRET), ("a.txt", OTHER), ("a.txt (2)", "x")])
    # a member literally named like a label does not merge with the repeat either
    assert pairs(run(data)) == [("a.txt", SECRET.encode(), None), ("a.txt (2)", OTHER.encode(), None),
                                ("a.txt (2) (2)", b"x", None)]


def _zip_pairs(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive_file:
        for name, text in entries:
            archive_file.writestr(name, text)
    return buffer.getvalue()


def test_zip_and_tar_members_with_unsafe_names_are_read_as_labels():
    entries = [("../../etc/cron.d/x", SECRET), ("/abs/path.txt", OTHER)]
    assert pairs(run(_zip_pairs(entries))) == [(n, t.encode(), None) for n, t in entries]
    tar = make_tar({"../up.txt": SECRET.encode(), "/root.txt": OTHER.encode()})
    assert pairs(run(tar, "a.tar")) == [("../up.txt", SECRET.encode(), None), ("/root.txt", OTHER.encode(), None)]


def test_tar_with_a_repeated_name_reads_both_members():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for text in (SECRET, OTHER):
            info = tarfile.TarInfo("same.txt")
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text.encode()))
    assert pairs(run(buffer.getvalue(), "a.tar")) == [("same.txt", SECRET.encode(), None),
                                                      ("same.txt (2)", OTHER.encode(), None)]


@pytest.mark.skipif(importlib.util.find_spec("py7zr") is None, reason="py7zr not installed")
def test_7z_repeated_absolute_and_dotdot_names_are_all_read():
    data = make_7z([("dup.txt", SECRET.encode()), ("dup.txt", OTHER.encode()), ("xx/up.txt", b"one"),
                    ("xabs.txt", b"two")], rename={"xx/up.txt": "../up.txt", "xabs.txt": "/abs.txt"})
    assert pairs(run(data, "a.7z")) == [("dup.txt", SECRET.encode(), None), ("dup.txt (2)", OTHER.encode(), None),
                                        ("../up.txt", b"one", None), ("/abs.txt", b"two", None)]


def test_repeated_members_are_two_findings_with_distinct_chains():
    from docsecrets.engine import scan_bytes

    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _zip_pairs([("notes.txt", SECRET), ("notes.txt", SECRET)])
    findings = scan_bytes(data, path="backup.zip").findings
    value = "Azerty" + "12!"
    assert [(f.chain, f.secret) for f in findings] == [(("notes.txt",), value), (("notes.txt (2)",), value)]
    assert findings[0].fingerprint != findings[1].fingerprint


# --- garbage -----------------------------------------------------------------------------

@pytest.mark.parametrize("head", [b"", b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"BZh9", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c"])
def test_garbage_with_archive_magic_raises_extract_error(head):
    with pytest.raises(ExtractError):
        run(head + b"\x00garbage" * 10)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"]))
def test_random_bytes_raise_only_extract_error(data, head):
    try:
        list(extract(head + data, Context.for_file("x")))
    except ExtractError:
        pass


def test_tar_whose_first_name_starts_with_zip_magic_is_a_tar():
    data = make_tar({"PK\x03\x04notes.txt": b"n"})
    assert pairs(run(data)) == [("PK\x03\x04notes.txt", b"n", None)]


def test_kind_detection_finds_a_junk_prefixed_zip():
    data = b"MZ junk stub " + make_zip({"a.txt": b"inside"})
    assert archive._kind(data) == "zip"
    assert pairs(run(data)) == [("a.txt", b"inside", None)]
