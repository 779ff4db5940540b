"""Hostile input through the whole engine: damaged documents of every format must come back
as a FileResult with reasoned errors, never as a reader bug, a hang or a runaway allocation.

Each case starts from a small valid document with a planted password
(tests/fixtures/corpus_builders.py), checks that the intact document yields it, then feeds
`engine.scan_bytes` truncated copies, copies with 1-20 flipped bytes, copies with byte ranges
deleted or duplicated, zip containers re-zipped with one member truncated, flipped or
replaced by noise, copies with syntax tokens or boundary integers written in, and plain
random bytes named like documents. Every error must have a kind in ALLOWED_KINDS
("internal" means an unexpected exception escaped a reader), no exception may escape
scan_bytes, and no finding may show a secret longer than four characters unredacted.

Long run: DOCSECRETS_FUZZ_EXAMPLES=N sets the number of examples of every test in this file
(default 25, about 15 s for the file), e.g.

    DOCSECRETS_FUZZ_EXAMPLES=300 pytest tests/fuzz_test.py --hypothesis-seed=1

Each example runs under a SIGALRM watchdog (EXAMPLE_TIMEOUT seconds) and the module under an
address-space cap (MEMORY_CAP), so a hang fails the example and a runaway allocation becomes a
MemoryError (kind "memory") instead of exhausting the machine. A failing input is written to
<tempdir>/docsecrets-fuzz/<test id>.<suffix> and named in the failure message; hypothesis also
prints the drawn mutation and a @reproduce_failure blob.

Known reader bugs are listed in KNOWN_BUGS: an example that fails with one of those errors
is reported as xfail (never strict), any other failure still fails. The bugs this file has
found are kept as deterministic regression tests at its end.
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re
import signal
import tempfile
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsecrets.engine import scan_bytes
from docsecrets.types import ErrorKind
from tests.fixtures.archive_builders import make_zip
from tests.fixtures.corpus_builders import CORPUS, LINE, PASSWORD, ZIP_BASED, build
from tests.fixtures.rtf_builders import rtf_bytes

ALLOWED_KINDS: frozenset[ErrorKind] = frozenset({"unreadable", "encrypted", "limit", "memory", "unsupported"})
EXAMPLES = int(os.environ.get("DOCSECRETS_FUZZ_EXAMPLES", "25"))
EXAMPLE_TIMEOUT = 20  # seconds for one scan_bytes call
MEMORY_CAP = 2 * 1024 ** 3  # RLIMIT_AS while this module runs
ARTIFACTS = pathlib.Path(tempfile.gettempdir()) / "docsecrets-fuzz"

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Reader bugs found by this file and not fixed yet: a regex over the failure message -> the
# reason, e.g. {r"rtf reader: ValueError: chr\(\) arg": "extract/text/rtf.py: \\uN out of range reaches chr()"}.
# A matching example is reported as xfail; add a deterministic reproducer at the end of this
# file marked xfail(strict=False), and remove both once the reader is fixed.
KNOWN_BUGS: dict[str, str] = {}


# --- plumbing: memory cap, watchdog, the checks ----------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _memory_cap():
    try:
        import resource
    except ImportError:  # no rlimits on this platform: the watchdog still holds
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = MEMORY_CAP if hard == resource.RLIM_INFINITY else min(MEMORY_CAP, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already capped at least as tightly
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Hang(BaseException):
    """Raised by the watchdog; a BaseException so the engine's `except Exception` lets it through."""


@contextlib.contextmanager
def _watchdog(seconds: int):
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def ring(signum, frame):
        raise _Hang(f"scan_bytes still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _save(data: bytes, suffix: str) -> pathlib.Path:
    test_id = os.environ.get("PYTEST_CURRENT_TEST", "fuzz").split(" ")[0].rsplit("::", 1)[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', test_id)}.{suffix}"
    path.write_bytes(data)  # the last example written is the one hypothesis reports, shrunk
    return path


def _fail(problem: str, data: bytes, suffix: str) -> None:
    for pattern, reason in KNOWN_BUGS.items():
        if re.search(pattern, problem):
            pytest.xfail(f"known bug: {reason} -- {problem}")
    pytest.fail(f"{problem}; input saved to {_save(data, suffix)}")


def check_scan(data: bytes, *, suffix: str, case: str, recipe: str) -> None:
    """scan_bytes on hostile bytes: only reasoned errors, redacted findings, no hang."""
    where = f"format {case}, {recipe}"
    try:
        with _watchdog(EXAMPLE_TIMEOUT):
            result = scan_bytes(data, path=f"x.{suffix}")
    except _Hang as exc:
        _fail(f"hang: {where}: {exc}", data, suffix)
        return
    except Exception as exc:  # sniffing runs outside the engine's guard
        _fail(f"scan_bytes raised {type(exc).__name__}: {exc}: {where}", data, suffix)
        return
    for error in result.errors:
        if error.kind not in ALLOWED_KINDS:
            _fail(f"reader bug, {error.kind}: {error.error} (chain {error.chain}): {where}", data, suffix)
    for finding in result.findings:
        if len(finding.secret) > 4:
            assert finding.secret not in finding.redacted, \
                f"unredacted {finding.rule_id} at {finding.location}: {where}"


def _xor(content: bytes, flips: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(content)
    for offset, mask in flips:
        buffer[offset] ^= mask
    return bytes(buffer)


def _flips(size: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    """1-20 (offset, xor mask) pairs: the byte at offset is flipped by a non-zero mask."""
    return st.lists(st.tuples(st.integers(0, size - 1), st.integers(1, 255)), min_size=1, max_size=20)


def _rezip(original: bytes, member: int, content: bytes) -> bytes:
    """The same zip, same member order and compression, with member number `member` replaced."""
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for index, info in enumerate(source.infolist()):
            fresh = zipfile.ZipInfo(info.filename, info.date_time)
            fresh.compress_type = info.compress_type
            fresh.external_attr = info.external_attr
            target.writestr(fresh, content if index == member else source.read(info))
    return out.getvalue()


# --- the intact documents --------------------------------------------------------------

@pytest.mark.parametrize("case", list(CORPUS))
def test_intact_document_yields_the_planted_password(case):
    suffix = CORPUS[case][0]
    result = scan_bytes(build(case), path=f"x.{suffix}")
    assert result.errors == ()
    assert PASSWORD in {finding.secret for finding in result.findings}
    assert all(PASSWORD not in finding.redacted for finding in result.findings)


# --- mutations of a valid document -----------------------------------------------------

@pytest.mark.parametrize("case", list(CORPUS))
@FUZZ
@given(data=st.data())
def test_truncated_document(case, data):
    original = build(case)
    cut = data.draw(st.integers(min_value=0, max_value=len(original) - 1), label="keep first bytes")
    check_scan(original[:cut], suffix=CORPUS[case][0], case=case, recipe=f"truncated to {cut} of {len(original)} bytes")


@pytest.mark.parametrize("case", list(CORPUS))
@FUZZ
@given(data=st.data())
def test_flipped_bytes(case, data):
    original = build(case)
    flips = data.draw(_flips(len(original)), label="(offset, xor mask)")
    check_scan(_xor(original, flips), suffix=CORPUS[case][0], case=case, recipe=f"bytes xor-ed at {flips}")


@pytest.mark.parametrize("case", list(CORPUS))
@FUZZ
@given(data=st.data())
def test_deleted_or_duplicated_ranges(case, data):
    original = build(case)
    edits = data.draw(st.lists(st.tuples(st.sampled_from(["delete", "duplicate"]),
                                         st.integers(0, len(original) - 1), st.integers(1, 1024)),
                               min_size=1, max_size=3), label="(edit, start, length)")
    damaged = original
    for edit, start, length in edits:
        start %= max(len(damaged), 1)
        if edit == "delete":
            damaged = damaged[:start] + damaged[start + length:]
        else:
            damaged = damaged[:start + length] + damaged[start:]
    check_scan(damaged, suffix=CORPUS[case][0], case=case, recipe=f"ranges edited {edits}")


@pytest.mark.parametrize("case", ZIP_BASED)
@FUZZ
@given(data=st.data())
def test_rezipped_with_a_damaged_member(case, data):
    original = build(case)
    infos = zipfile.ZipFile(io.BytesIO(original)).infolist()
    member = data.draw(st.integers(0, len(infos) - 1), label="member index")
    name, content = infos[member].filename, zipfile.ZipFile(io.BytesIO(original)).read(infos[member])
    damage = data.draw(st.sampled_from(["truncate", "random", "flip"]), label="damage")
    if damage == "truncate":
        cut = data.draw(st.integers(0, max(len(content) - 1, 0)), label="keep first bytes")
        damaged, recipe = content[:cut], f"member {name} truncated to {cut} of {len(content)} bytes"
    elif damage == "random" or not content:
        damaged = data.draw(st.binary(max_size=2048), label="member bytes")
        recipe = f"member {name} replaced by {damaged!r}"
    else:  # the uncompressed XML itself damaged, past the zip's CRC checks
        flips = data.draw(_flips(len(content)), label="(offset, xor mask)")
        damaged, recipe = _xor(content, flips), f"member {name} bytes xor-ed at {flips}"
    check_scan(_rezip(original, member, damaged), suffix=CORPUS[case][0], case=case, recipe=recipe)


# Pieces of syntax that readers parse (RTF controls, XML/HTML markup and entities, repeat and
# span counts, PDF objects, MIME headers): written over or inserted into text formats and
# into the uncompressed parts of zip containers, where random bytes rarely reach.
_TOKENS = (
    b"{", b"}", b"\\", b"\\u-99999?", b"\\u1114112?", b"\\u55296?", b"\\'zz", b"\\bin99999999 ", b"\\*\\",
    b"\\cellx-5", b"\\trowd", b"\\par", b"<", b">", b"</", b"/>", b"&#99999999;", b"&#x110000;", b"&#0;",
    b"&amp", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"]]>", b"<![CDATA[", b'table:number-columns-repeated="99999999"',
    b'table:number-rows-repeated="1048576"', b'ss:Index="99999999"', b'ss:MergeAcross="999999"',
    b'colspan="99999"', b'rowspan="99999"', b' r="XFD1048576"', b' r="A99999999999"', b'="-1"',
    b"obj", b"endobj", b"stream", b"/Length 99999999", b"9999999999", b"-1", b"<<", b">>", b"[", b"(", b"\\(",
    b"\x00", b"\xff\xfe", b"=?utf-8?b?", b"--", b"boundary=", b"Content-Transfer-Encoding: base64\n", b"\r\n\r\n",
)
_TEXT_CASES = ("rtf", "html", "spreadsheetml2003", "fods", "eml", "pdf")


@pytest.mark.parametrize("case", _TEXT_CASES + ZIP_BASED)
@FUZZ
@given(data=st.data())
def test_syntax_tokens_written_in(case, data):
    original = build(case)
    member, content = None, original
    if case in ZIP_BASED:
        infos = zipfile.ZipFile(io.BytesIO(original)).infolist()
        member = data.draw(st.integers(0, len(infos) - 1), label="member index")
        content = zipfile.ZipFile(io.BytesIO(original)).read(infos[member])
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(content)), st.sampled_from(_TOKENS), st.booleans()),
                               min_size=1, max_size=8), label="(offset, token, insert else overwrite)")
    buffer = bytearray(content)
    for offset, token, insert in edits:
        buffer[offset:offset if insert else offset + len(token)] = token
    damaged = bytes(buffer) if member is None else _rezip(original, member, bytes(buffer))
    check_scan(damaged, suffix=CORPUS[case][0], case=case, recipe=f"tokens written in {edits}"
               + (f" of member {member}" if member is not None else ""))


@pytest.mark.parametrize("case", list(CORPUS))
@FUZZ
@given(data=st.data())
def test_boundary_integers_written_in(case, data):
    """Sizes, counts and offsets of binary structures (OLE, BIFF, zip headers) set to extremes."""
    original = build(case)
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1), st.sampled_from([1, 2, 4]),
                                         st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
                                                          0x7FFFFFFF, 0x80000000, 0xFFFFFFFD, 0xFFFFFFFE,
                                                          0xFFFFFFFF])),
                               min_size=1, max_size=6), label="(offset, width, value)")
    buffer = bytearray(original)
    for offset, width, value in edits:
        offset -= offset % width  # fields are aligned in most binary formats
        buffer[offset:offset + width] = (value & ((1 << 8 * width) - 1)).to_bytes(width, "little")
    check_scan(bytes(buffer), suffix=CORPUS[case][0], case=case, recipe=f"integers written at {edits}")


# --- random bytes named like documents -------------------------------------------------

_MAGICS = (
    b"",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.4\n",
    b"{\\rtf1\\ansi ",
    b"\x1f\x8b\x08\x00",
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"\x03\xd9\xa2\x9a",
    b"<html><table><tr><td>",
    b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
    b'<?xml version="1.0"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">',
    b"From: a@example.test\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n",
    b"\xff\xfe",
)
_SUFFIXES = ("xlsx", "xlsm", "docx", "pptx", "pdf", "xls", "doc", "ppt", "msg", "ods", "odt", "odp", "fods",
             "rtf", "eml", "html", "xml", "csv", "txt", "zip", "tar", "tar.gz", "gz", "bz2", "xz", "7z", "kdbx",
             "p12", "xlsb")


@pytest.mark.parametrize("suffix", _SUFFIXES)
@FUZZ
@given(prefix=st.sampled_from(_MAGICS), noise=st.binary(max_size=4096))
def test_random_bytes_with_a_document_suffix(suffix, prefix, noise):
    check_scan(prefix + noise, suffix=suffix, case=f"random .{suffix}", recipe=f"bytes {prefix + noise!r}")


# --- regressions: bugs this file found, as minimal reproducers ----------------------------

def _version_needed(data: bytes, version: int) -> bytes:
    """`data` with the 'version needed to extract' of its first central directory entry set."""
    buffer = bytearray(data)
    buffer[buffer.index(b"PK\x01\x02") + 6] = version
    return bytes(buffer)


@pytest.mark.parametrize("outer", [False, True], ids=["top-level", "nested"])
def test_zip_needing_an_unknown_version_is_reported_not_raised(outer):
    """zipfile raises NotImplementedError (not BadZipFile) for such an entry; sniffing let it
    escape scan_bytes, and nested it cost the outer archive's remaining members."""
    data = _version_needed(make_zip({"a.txt": b"x"}), 93)  # "version 9.3"; zipfile reads up to 6.3
    if outer:
        data = make_zip({"inner.zip": data, "z.env": f"DB_PASSWORD={PASSWORD}\n".encode()})
    result = scan_bytes(data, path="x.zip")
    assert result.errors and {error.kind for error in result.errors} <= ALLOWED_KINDS
    assert (PASSWORD in {finding.secret for finding in result.findings}) == outer


@pytest.mark.parametrize("code", [-99999, 1114112])
def test_rtf_unicode_escape_out_of_range_is_not_a_reader_crash(code):
    """\\uN beyond the code space reached chr(): an internal error, and the text after it lost."""
    result = scan_bytes(rtf_bytes(f"\\pard \\u{code}? {LINE}\\par"), path="x.rtf")
    assert result.errors == ()
    assert PASSWORD in {finding.secret for finding in result.findings}
