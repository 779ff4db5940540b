from __future__ import annotations

import hashlib
import json
import pathlib

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from docsecrets import baseline as baseline_module
from docsecrets.baseline import Baseline, Entry
from docsecrets.cli import cli
from docsecrets.engine import scan_bytes

PW = "Chamois" + "?2016"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


entries = st.builds(Entry, rule=st.sampled_from(["DS100", "DS101"]), path=st.text(min_size=1, max_size=20),
                    where=st.text(max_size=20), severity=st.sampled_from(["low", "medium"]),
                    chain=st.lists(st.text(min_size=1, max_size=5), max_size=2).map(tuple),
                    status=st.sampled_from(baseline_module.STATUSES), reason=st.text(max_size=10))


@given(st.dictionaries(st.text("0123456789abcdef", min_size=64, max_size=64), entries, max_size=5))
def test_load_dump_round_trip(raw: dict[str, Entry]) -> None:
    original = Baseline(raw)
    assert baseline_module.loads(baseline_module.dumps(original)) == original


def xlsx_bytes(tmp_path: pathlib.Path, rows: list[list[str]], title: str = "Accès") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path.read_bytes()


@settings(deadline=None)  # the first example builds workbooks on a shared, loaded machine
@given(st.integers(min_value=0, max_value=6))
def test_fingerprint_survives_inserted_rows_and_changes_with_the_secret(extra: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = [["Login", "Mot de passe"], ["bob", PW]]
        moved = [["note"]] * extra + base
        a = scan_bytes(xlsx_bytes(pathlib.Path(tmp), base), path="book.xlsx").findings[0]
        b = scan_bytes(xlsx_bytes(pathlib.Path(tmp), moved), path="book.xlsx").findings[0]
        c = scan_bytes(xlsx_bytes(pathlib.Path(tmp), [["Login", "Mot de passe"], ["bob", PW + "x"]]),
                       path="book.xlsx").findings[0]
    assert a.location.cell == "B2" and b.location.cell == f"B{2 + extra}"
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_fingerprint_survives_renaming_the_sheet(tmp_path: pathlib.Path) -> None:
    rows = [["Login", "Mot de passe"], ["bob", PW]]
    a = scan_bytes(xlsx_bytes(tmp_path, rows, "Accès"), path="book.xlsx").findings[0]
    b = scan_bytes(xlsx_bytes(tmp_path, rows, "Comptes"), path="book.xlsx").findings[0]
    assert a.fingerprint == b.fingerprint


def test_baseline_gates_only_new_findings(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "notes.txt").write_text(f"mdp : {PW}\n")
    code, out = run("baseline", "create", "www", "-o", "base.json")
    assert (code, out.strip()) == (0, "wrote 1 finding to base.json")
    stored = (tmp_path / "base.json").read_text()
    assert PW not in stored and json.loads(stored)["version"] == 2
    assert run("scan", "--baseline", "base.json", "www")[0] == 0
    (tmp_path / "www" / "new.txt").write_text(f"password = {PW}2\n")
    code, out = run("scan", "--baseline", "base.json", "--format", "json", "www")
    assert code == 1
    assert [f["path"] for f in json.loads(out)["findings"]] == ["www/new.txt"]


@pytest.mark.parametrize("content", ["", "{", "[]", '{"version": 99, "findings": {}}', '{"version": 2}'])
def test_unreadable_baseline_is_an_error_not_an_empty_baseline(tmp_path: pathlib.Path, content: str) -> None:
    (tmp_path / "base.json").write_text(content)
    (tmp_path / "a.txt").write_text("nothing\n")
    code, out = run("scan", "--baseline", str(tmp_path / "base.json"), str(tmp_path / "a.txt"))
    assert code == 2 and "baseline" in out


def test_version_1_baseline_is_refused_with_the_way_out(tmp_path: pathlib.Path) -> None:
    """Version 1 fingerprints were unsalted SHA-256: nothing converts them, so the gate fails closed."""
    entry = {"rule": "DS101", "path": "a.txt", "where": "line 1", "severity": "medium", "status": "accepted"}
    (tmp_path / "base.json").write_text(json.dumps({"version": 1, "findings": {"ab" * 32: entry}}))
    (tmp_path / "a.txt").write_text(f"mdp : {PW}\n")
    code, out = run("scan", "--baseline", str(tmp_path / "base.json"), str(tmp_path / "a.txt"))
    assert code == 2
    assert "baseline version 1 holds unsalted SHA-256 fingerprints" in out
    assert "re-create it with `docsecrets baseline create`" in out


def test_fingerprint_is_a_salted_slow_hash_of_the_secret() -> None:
    from docsecrets.identity import fingerprint
    from docsecrets.hashing import SCRYPT_N, SCRYPT_R, slow_hash

    assert SCRYPT_N * SCRYPT_R >= 2**15  # 4 MiB a guess: see README, "Baseline"
    plain = hashlib.sha256()
    for part in ("DS101", "a.txt", PW):
        plain.update(part.encode() + b"\x00")
    assert fingerprint("DS101", "a.txt", (), PW) != plain.hexdigest()
    # the same secret in another file or another archive member hashes with another salt
    assert fingerprint("DS101", "a.txt", (), PW) != fingerprint("DS101", "b.txt", (), PW)
    assert fingerprint("DS101", "a.zip", ("x",), PW) != fingerprint("DS101", "a.zip", ("y",), PW)
    hits = slow_hash.cache_info().hits
    fingerprint("DS102", "a.txt", (), PW)  # another rule, same value in the same file: scrypt runs once
    assert slow_hash.cache_info().hits == hits + 1


def test_missing_baseline_is_an_error(tmp_path: pathlib.Path) -> None:
    assert run("scan", "--baseline", str(tmp_path / "nope.json"), str(tmp_path))[0] == 2


def test_audit_by_flags_keeps_reviews_on_recreate(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text(f"mdp : {PW}\n")
    run("baseline", "create", "notes.txt", "-o", "base.json")
    (fingerprint,) = json.loads((tmp_path / "base.json").read_text())["findings"]
    code, out = run("baseline", "audit", "base.json", "--false-positive", fingerprint[:12], "--reason", "test value")
    assert (code, out.strip()) == (0, "0 unreviewed, 0 accepted, 1 false positive")
    run("baseline", "create", "notes.txt", "-o", "base.json")
    entry = json.loads((tmp_path / "base.json").read_text())["findings"][fingerprint]
    assert (entry["status"], entry["reason"]) == ("false_positive", "test value")
    assert run("baseline", "audit", "base.json", "--accept", "deadbeef0000")[0] == 2
