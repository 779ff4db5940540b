"""One document walk for `scan` and `extract`: the same depth limit, the same budget across members,
the same isolated reader; and the walk's own contract (events, errors thrown back into it)."""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli
from docsecrets.docwalk import Begin, Closed, End, Failed, Opened, Read, drive, walk
from docsecrets.extract.context import Context
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.scan import ScanOptions, extract_file, scan_paths
from tests.fixtures.archive_builders import make_zip

PW = "Tulle" + "2012"


def nested_zip(levels: int) -> bytes:
    """inner{levels}.zip holds notes{levels}.txt; each outer level adds its own notes and wraps it."""
    data = make_zip({f"notes{levels}.txt": f"mdp = {PW}{levels}\n".encode()})
    for level in range(levels - 1, -1, -1):
        data = make_zip({f"notes{level}.txt": f"mdp = {PW}{level}\n".encode(), f"inner{level + 1}.zip": data})
    return data


def test_extract_and_scan_agree_on_a_nested_archive_at_the_depth_limit(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "deep.zip"
    path.write_bytes(nested_zip(DEFAULT_LIMITS.max_depth + 2))
    scanned = CliRunner().invoke(cli, ["scan", "--format", "json", "--show-secrets", str(path)])
    report = json.loads(scanned.output)
    extracted = CliRunner().invoke(cli, ["extract", str(path)])
    assert extracted.exit_code == 0, extracted.output
    lines = extracted.output.splitlines()
    # members at depth 1..5 are read, notes5.txt (depth 6) and inner6.zip are not: by both commands
    found = sorted(f["secret"] for f in report["findings"])
    assert found == [f"{PW}{level}" for level in range(DEFAULT_LIMITS.max_depth)]
    shown = sorted(re.sub(r".*mdp = ", "", line) for line in lines if "mdp = " in line)
    assert shown == found
    deepest = "/".join(f"inner{level}.zip" for level in range(1, DEFAULT_LIMITS.max_depth + 1))
    assert sorted(("/".join(e["archive_chain"]), e["kind"], e["error"]) for e in report["errors"]) == [
        (f"{deepest}/{name}", "limit", "unscannable: nested deeper than 5 levels")
        for name in ("inner6.zip", "notes5.txt")]
    assert [line for line in lines if "ERROR" in line] == [
        "  " * (DEFAULT_LIMITS.max_depth + 1) + "ERROR (limit): unscannable: nested deeper than 5 levels"] * 2


def test_extract_and_scan_share_one_budget_across_members(tmp_path: pathlib.Path) -> None:
    filler = "".join(f"ligne {n} du journal\n" for n in range(20_000)).encode()  # about 470 KiB
    members = {f"{name}.txt": f"mdp = {PW}{name}\n".encode() + filler for name in "abc"}
    path = tmp_path / "journal.zip"
    path.write_bytes(make_zip(members))
    options = ScanOptions(jobs=1, limits=dataclasses.replace(DEFAULT_LIMITS, max_total_bytes=MiB))
    (scanned,) = scan_paths([str(path)], options=options)
    extraction = extract_file(str(path), options=options)  # in a reader process, as the scan
    assert extraction.result == scanned
    # a and b fit in the file's one MiB, c does not: the budget is the file's, not each member's
    assert sorted(f.secret for f in scanned.findings) == [f"{PW}a", f"{PW}b"]
    assert [(e.kind, e.chain) for e in scanned.errors] == [("limit", ())]
    read = sorted({event.chain for event in extraction.events if isinstance(event, Read)})
    assert read == [("a.txt",), ("b.txt",)]
    assert [type(e).__name__ for e in extraction.events if not isinstance(e, Read)][-2:] == ["Failed", "Closed"]


def test_extract_shows_what_the_walk_could_not_read_with_its_kind(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "box.zip"
    path.write_bytes(make_zip({"notes.txt": f"mdp = {PW}\n".encode(), "empty.docx": b""}))
    out = CliRunner().invoke(cli, ["extract", str(path)]).output.splitlines()
    assert out == [f"# {path}: zip", "  # notes.txt: text", f"  line 1: mdp = {PW}",
                   "  # empty.docx: empty", "    (not read: empty)",
                   "  ERROR (unreadable): empty file: a .docx document cannot be 0 bytes"]


def test_a_consumer_error_ends_the_member_being_read_not_the_file() -> None:
    data = make_zip({"a.txt": b"premier\n", "b.txt": b"second\n", "c.txt": b"dernier\n"})
    seen: list[object] = []

    def handle(event: object) -> None:
        seen.append(event)
        if isinstance(event, Read) and event.chain == ("b.txt",):
            raise ValueError("a rule bug")

    fmt = drive(walk(data, name="box.zip", ctx=Context.for_file("box.zip")), handle)
    assert fmt == "zip"
    kinds = [(type(e).__name__, e.chain) for e in seen]  # type: ignore[attr-defined]
    assert kinds == [
        ("Opened", ()), ("Begin", ()),
        ("Opened", ("a.txt",)), ("Begin", ("a.txt",)), ("Read", ("a.txt",)), ("End", ("a.txt",)),
        ("Closed", ("a.txt",)),
        ("Opened", ("b.txt",)), ("Begin", ("b.txt",)), ("Read", ("b.txt",)), ("Failed", ("b.txt",)),
        ("Closed", ("b.txt",)),
        ("Opened", ("c.txt",)), ("Begin", ("c.txt",)), ("Read", ("c.txt",)), ("End", ("c.txt",)),
        ("Closed", ("c.txt",)),
        ("End", ()), ("Closed", ())]
    (failed,) = [e for e in seen if isinstance(e, Failed)]
    assert (failed.kind, failed.message) == ("internal", "unscannable: internal error in the text reader: ValueError")


def test_a_format_that_fails_to_parse_is_read_again_as_text() -> None:
    data = b"%PDF-1.4 is the header of a PDF, said the note\nmdp = x\n"
    events = list(_all(walk(data, name="note", ctx=Context.for_file("note"))))
    assert [(type(e).__name__, getattr(e, "fmt", None)) for e in events if isinstance(e, (Opened, Begin, End, Closed))] \
        == [("Opened", "pdf"), ("Begin", "pdf"), ("Begin", "text"), ("End", None), ("Closed", None)]
    assert [e.item.text for e in events if isinstance(e, Read)] == [data.decode().rstrip("\n")]


def _all(events):  # type: ignore[no-untyped-def]
    try:
        while True:
            yield next(events)
    except StopIteration:
        return


@pytest.mark.parametrize("levels", [1, 2])
def test_scan_reads_members_under_the_depth_limit(levels: int) -> None:
    from docsecrets.engine import scan_bytes

    result = scan_bytes(nested_zip(levels), path="n.zip")
    assert sorted(f.secret for f in result.findings) == [f"{PW}{level}" for level in range(levels + 1)]
    assert result.errors == ()
