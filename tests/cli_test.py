from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli
from tests.fixtures.infos_builders import make_infos_xls

PW = "Triage" + "*08"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_infos_et_contacts_every_password_with_sheet_and_cell(tmp_path: pathlib.Path) -> None:
    expected = make_infos_xls(tmp_path / "InfosEtContacts.xls")
    code, out = run("scan", "--format", "json", "--show-secrets", "--jobs", "1", str(tmp_path))
    assert code == 1
    found = {(f["location"]["part"], f["location"]["cell"], f["secret"]) for f in json.loads(out)["findings"]}
    assert found == {("Contacts", cell, secret) for cell, secret in expected}
    assert not any(secret.endswith(".0") for _, secret in expected)


def test_infos_et_contacts_vnc_and_database_rows_are_critical_remote_access(tmp_path: pathlib.Path) -> None:
    make_infos_xls(tmp_path / "InfosEtContacts.xls", count=2)
    findings = json.loads(run("scan", "--format", "json", str(tmp_path))[1])["findings"]
    by_cell = {f["location"]["cell"]: f for f in findings}
    assert by_cell["J4"]["rule"] == "DS130" and by_cell["J4"]["description"].startswith("VNC access to 10.")
    assert by_cell["P4"]["severity"] == "critical" and by_cell["P4"]["description"].startswith("database access")
    # each password column pairs with the target of its own group of columns
    assert by_cell["G4"]["description"].startswith("web access to https://urgences0.")
    assert by_cell["P4"]["description"].startswith("database access to 10.9.0.5")
    assert by_cell["M4"]["description"].startswith("RDP access to")


def test_masked_twin_is_clean(tmp_path: pathlib.Path) -> None:
    make_infos_xls(tmp_path / "InfosEtContacts.xls", masked=True)
    code, out = run("scan", str(tmp_path))
    assert code == 0
    assert out.startswith("0 findings")


def test_secrets_are_redacted_unless_asked(tmp_path: pathlib.Path) -> None:
    (tmp_path / ".env").write_text(f"DB_PASSWORD={PW}\n")
    code, text = run("scan", str(tmp_path))
    assert code == 1 and PW not in text and "********" in text
    code, js = run("scan", "--format", "json", str(tmp_path))
    assert PW not in js and json.loads(js)["findings"][0]["secret"] == "********"
    code, shown = run("scan", "--format", "json", "--show-secrets", str(tmp_path))
    assert json.loads(shown)["findings"][0]["secret"] == PW


def test_text_output_names_file_location_rule_and_severity(tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.txt").write_text(f"serveur de fichiers\nmdp : {PW}\n")
    code, out = run("scan", str(tmp_path / "notes.txt"))
    first = out.splitlines()[0]
    assert first == f"{tmp_path / 'notes.txt'}: line 2: MEDIUM DS101 password-assignment: ********  (after 'mdp')"
    assert out.splitlines()[-1].startswith("1 finding (1 medium) in 1 file; 1 scanned, 0 unscannable")


def test_exit_codes(tmp_path: pathlib.Path) -> None:
    (tmp_path / "clean.txt").write_text("rien à signaler\n")
    assert run("scan", str(tmp_path))[0] == 0
    (tmp_path / "leak.txt").write_text(f"password: {PW}\n")
    assert run("scan", str(tmp_path))[0] == 1
    assert run("scan", "--fail-on", "high", str(tmp_path))[0] == 0
    assert run("scan", "--format", "nope", str(tmp_path))[0] == 2
    assert run("scan", "--min-severity", "critical", str(tmp_path))[1].startswith("0 findings")


def test_unreadable_file_is_an_error_and_the_scan_goes_on(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a_broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "b.txt").write_text(f"mdp={PW}\n")
    code, out = run("scan", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert code == 1
    assert [e["path"] for e in document["errors"]] == [str(tmp_path / "a_broken.xlsx")]
    assert [f["path"] for f in document["findings"]] == [str(tmp_path / "b.txt")]


def test_rules_lists_every_rule() -> None:
    code, out = run("rules")
    assert code == 0
    assert out.splitlines()[0].startswith("DS000  medium")
    assert any(line.startswith("DS130  critical  remote-access-credential") for line in out.splitlines())


def test_non_utf8_file_names_and_vanishing_files(tmp_path: pathlib.Path) -> None:
    import os

    name = os.fsencode(str(tmp_path)) + b"/caf\xe9-notes.txt"  # Latin-1 name, invalid UTF-8
    with open(name, "wb") as handle:
        handle.write(f"mdp : {PW}\n".encode())
    code, out = run("scan", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert code == 1
    assert document["findings"][0]["path"].endswith("caf\\xe9-notes.txt")
    code, text = run("scan", str(tmp_path))
    assert "caf\\xe9-notes.txt: line 1" in text


def test_sarif_and_github_formats_exist(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.txt").write_text(f"mdp : {PW}\n")
    code, out = run("scan", "--format", "github", str(tmp_path))
    assert code == 1 and out.startswith(f"::warning file={tmp_path}/a.txt,line=1,title=DS101 password-assignment::")
    assert PW not in out


def test_a_file_of_many_findings_stops_at_the_cap_and_fails(tmp_path: pathlib.Path) -> None:
    (tmp_path / "many.txt").write_text("".join(f"password={PW}{i:05d}\n" for i in range(1_005)))
    code, out = run("scan", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert code == 1 and len(document["findings"]) == 1_000
    assert document["errors"] == [{"path": str(tmp_path / "many.txt"), "kind": "limit", "archive_chain": [],
                                   "error": "unscannable: more than 1,000 findings; the rest are not reported (limit)"}]


def test_jsonl_writes_one_line_per_finding_error_and_skip_then_a_summary(tmp_path: pathlib.Path) -> None:
    secret = "Tulle" + "2012x"
    (tmp_path / "a.txt").write_text(f"mdp = {secret}\n")
    (tmp_path / "b_broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "c.txt").write_text("rien\n")
    code, out = run("scan", "--format", "jsonl", "--jobs", "1", str(tmp_path))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert sorted((line["type"], pathlib.Path(line.get("path", "")).name) for line in lines[:-1]) == [
        ("error", "b_broken.xlsx"), ("finding", "a.txt")]
    finding = next(line for line in lines if line["type"] == "finding")
    assert (finding["rule"], finding["secret"], finding["location"]) == ("DS101", "********", {"line": 1})
    assert lines[-1]["type"] == "summary"
    assert {k: lines[-1]["summary"][k] for k in ("files_scanned", "files_unscannable", "findings")} == {
        "files_scanned": 3, "files_unscannable": 1, "findings": 1}
    report = tmp_path / "out" / "report.jsonl"
    report.parent.mkdir()
    code, out = run("scan", "--format", "jsonl", "--allow-unscannable", "--fail-on", "high", "-o", str(report),
                    str(tmp_path / "a.txt"), str(tmp_path / "b_broken.xlsx"))
    assert (code, out) == (0, "")
    assert [json.loads(line)["type"] for line in report.read_text().splitlines()][-1] == "summary"
    assert secret not in report.read_text()


def test_text_github_and_html_reports_keep_only_files_with_something_to_report(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweep's clean files are counted, not held: the text report of 40 clean files and one leak
    is built from the one result with a finding, and still says 41 scanned."""
    from docsecrets.cli import output as cli_output

    for index in range(40):
        (tmp_path / f"note{index:02}.txt").write_text("rien à signaler\n")
    (tmp_path / "leak.txt").write_text(f"mdp : {PW}\n")
    handed: list[int] = []
    real = cli_output.finish_report

    def spy(results: list[object], **kwargs: object) -> None:
        handed.append(len(results))
        real(results, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("docsecrets.cli.scan_cmd.finish_report", spy)
    for output_format in ("text", "github", "html"):
        code, out = run("scan", "--format", output_format, "--jobs", "1", str(tmp_path))
        assert code == 1 and PW not in out
    code, out = run("scan", "--jobs", "1", "--show-secrets", str(tmp_path))
    assert (code, handed) == (1, [1, 1, 1, 1])
    assert "leak.txt: line 1: MEDIUM DS" in out.splitlines()[0] and PW in out.splitlines()[0]
    assert "; 41 scanned, 0 unscannable, 0 skipped" in out.splitlines()[-1]
