"""Hostile input through the whole engine: damaged documents of every format must come back
as a FileResult with reasoned errors, never as a reader bug, a hang or a runaway allocation.

Each case starts from a small valid document with a planted password
(tests/fixtures/corpus_builders.py), checks that the intact document yields it, then feeds
`engine.scan_bytes` truncated copies, copies with 1-20 flipped bytes, copies with byte ranges
deleted or duplicated, zip containers re-zipped with one member truncated, flipped or
replaced by noise, and plain random bytes named like documents. Every error must have a kind in
ALLOWED_KINDS ("internal" means an unexpected exception escaped a reader) and no finding may
show a secret longer than four characters unredacted.

Long run: DOCSECRETS_FUZZ_EXAMPLES=N sets the number of examples of every test in this file
(default 25), e.g.

    DOCSECRETS_FUZZ_EXAMPLES=300 pytest tests/fuzz_test.py

Each example runs under a SIGALRM watchdog (EXAMPLE_TIMEOUT seconds) and the module under an
address-space cap (MEMORY_CAP) so that a hang fails the example and a runaway allocation
becomes a MemoryError (kind "memory") instead of exhausting the machine. A failing input is
written to <tempdir>/docsecrets-fuzz/<test id>.<suffix> and named in the failure message;
hypothesis also prints the drawn mutation and a @reproduce_failure blob.
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
from tests.fixtures.corpus_builders import CORPUS, PASSWORD, ZIP_BASED, build

ALLOWED_KINDS = frozenset({"unreadable", "encrypted", "limit", "memory", "unsupported"})
EXAMPLES = int(os.environ.get("DOCSECRETS_FUZZ_EXAMPLES", "25"))
EXAMPLE_TIMEOUT = 20  # seconds for one scan_bytes call
MEMORY_CAP = 2 * 1024 ** 3  # RLIMIT_AS while this module runs
ARTIFACTS = pathlib.Path(tempfile.gettempdir()) / "docsecrets-fuzz"

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# Known reader bugs, by test case id: pytest.mark.xfail(strict=False) with the reason.
KNOWN_BUGS: dict[str, str] = {}


def _case(value: str, test: str) -> object:
    """One parameter of a fuzz test, with id "<value>-<test>" (the key of KNOWN_BUGS)."""
    case_id = f"{value}-{test}"
    if case_id in KNOWN_BUGS:
        return pytest.param(value, id=case_id, marks=pytest.mark.xfail(strict=False, reason=KNOWN_BUGS[case_id]))
    return pytest.param(value, id=case_id)


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


def check_scan(data: bytes, *, suffix: str, case: str, recipe: str) -> None:
    """scan_bytes on hostile bytes: only reasoned errors, redacted findings, no hang."""
    where = f"format {case}, {recipe}"
    try:
        with _watchdog(EXAMPLE_TIMEOUT):
            result = scan_bytes(data, path=f"x.{suffix}")
    except _Hang as exc:
        pytest.fail(f"hang: {where}: {exc}; input saved to {_save(data, suffix)}")
    except Exception as exc:  # sniffing runs outside the engine's guard
        pytest.fail(f"scan_bytes raised {type(exc).__name__}: {exc}: {where}; input saved to {_save(data, suffix)}")
    bad = [error for error in result.errors if error.kind not in ALLOWED_KINDS]
    if bad:
        pytest.fail(f"reader bug: {where}: {bad[0].kind}: {bad[0].error} (chain {bad[0].chain}); "
                    f"input saved to {_save(data, suffix)}")
    for finding in result.findings:
        if len(finding.secret) > 4:
            assert finding.secret not in finding.redacted, f"unredacted {finding.rule_id} at {finding.location}: {where}"


# --- the intact documents --------------------------------------------------------------

@pytest.mark.parametrize("case", list(CORPUS))
def test_intact_document_yields_the_planted_password(case):
    suffix = CORPUS[case][0]
    result = scan_bytes(build(case), path=f"x.{suffix}")
    assert result.errors == ()
    assert PASSWORD in {finding.secret for finding in result.findings}
    assert all(PASSWORD not in finding.redacted for finding in result.findings)


# --- mutations of a valid document -----------------------------------------------------

@pytest.mark.parametrize("case", [_case(name, "truncate") for name in CORPUS])
@FUZZ
@given(data=st.data())
def test_truncated_document(case, data):
    original = build(case)
    cut = data.draw(st.integers(min_value=0, max_value=len(original) - 1), label="keep first bytes")
    check_scan(original[:cut], suffix=CORPUS[case][0], case=case, recipe=f"truncated to {cut} of {len(original)} bytes")


@pytest.mark.parametrize("case", [_case(name, "flip") for name in CORPUS])
@FUZZ
@given(data=st.data())
def test_flipped_bytes(case, data):
    original = build(case)
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(1, 255)),
                               min_size=1, max_size=20), label="(offset, xor mask)")
    damaged = bytearray(original)
    for offset, mask in flips:
        damaged[offset] ^= mask
    check_scan(bytes(damaged), suffix=CORPUS[case][0], case=case, recipe=f"bytes xor-ed at {flips}")


@pytest.mark.parametrize("case", [_case(name, "splice") for name in CORPUS])
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


@pytest.mark.parametrize("case", [_case(name, "rezip") for name in ZIP_BASED])
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
        flips = data.draw(st.lists(st.tuples(st.integers(0, len(content) - 1), st.integers(1, 255)),
                                   min_size=1, max_size=20), label="(offset, xor mask)")
        buffer = bytearray(content)
        for offset, mask in flips:
            buffer[offset] ^= mask
        damaged, recipe = bytes(buffer), f"member {name} bytes xor-ed at {flips}"
    check_scan(_rezip(original, member, damaged), suffix=CORPUS[case][0], case=case, recipe=recipe)


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


@pytest.mark.parametrize("suffix", [_case(suffix, "random") for suffix in _SUFFIXES])
@FUZZ
@given(prefix=st.sampled_from(_MAGICS), noise=st.binary(max_size=4096))
def test_random_bytes_with_a_document_suffix(suffix, prefix, noise):
    check_scan(prefix + noise, suffix=suffix, case=f"random .{suffix}", recipe=f"bytes {prefix + noise!r}")
