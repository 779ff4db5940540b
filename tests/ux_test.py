"""Conventions of git-era command lines: -q, --color and NO_COLOR, --files-from with -0, --jobs
capped, text grouped by file with skipped and unscannable files listed, own reports skipped,
baselines found relative to their folder, and `baseline audit` showing what each entry is."""

from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

from docsecrets.cli import output as cli_output
from docsecrets.cli import cli

PW = "Samu" + "!2023"
VNC = "Vnc" + "pass9"


@pytest.fixture
def project(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(f"mdp : {PW}\n")
    (tmp_path / "z.txt").write_text(f"VNC 10.1.2.3 password: {VNC}\n")
    return tmp_path


def test_text_is_grouped_by_file_most_severe_first_with_plurals(project: pathlib.Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "a.txt", "z.txt"])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in lines[:-1]] == ["z.txt", "a.txt"]
    assert lines[0].startswith("z.txt: line 1: CRITICAL DS130")
    assert lines[-1].startswith("2 findings (1 critical, 1 medium) in 2 files; 2 scanned, 0 unscannable, 0 skipped")
    one = CliRunner().invoke(cli, ["scan", "a.txt"]).output.splitlines()[-1]
    assert one.startswith("1 finding (1 medium) in 1 file; 1 scanned, 0 unscannable, 0 skipped")


def test_unscannable_and_skipped_files_are_listed_after_the_findings(project: pathlib.Path) -> None:
    (project / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    CliRunner().invoke(cli, ["baseline", "create", "-o", "base.json", "a.txt"])
    lines = CliRunner().invoke(cli, ["scan", "--baseline", "base.json", "."]).output.splitlines()
    assert lines[0].startswith("./z.txt: line 1: CRITICAL DS130")
    assert lines[1].startswith("./broken.xlsx: ERROR unscannable: ")
    assert lines[2] == "./base.json: SKIPPED docsecrets' own report or baseline: not scanned"


def test_quiet_prints_nothing_and_keeps_the_exit_code(project: pathlib.Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "-q", "--jobs", "999", "a.txt"])
    assert (result.exit_code, result.output, result.stderr) == (1, "", "")
    written = CliRunner().invoke(cli, ["scan", "-q", "--format", "json", "-o", "out.json", "a.txt"])
    assert written.output == "" and json.loads((project / "out.json").read_text())["summary"]["findings"] == 1


def test_jobs_are_capped_at_the_cpus_with_a_warning(project: pathlib.Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--jobs", "999", "a.txt"])
    assert result.exit_code == 1
    assert result.stderr.startswith("docsecrets: --jobs 999 capped to ") and "(the CPUs available)" in result.stderr


def test_color(project: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[33mMEDIUM\x1b[0m" in CliRunner().invoke(cli, ["scan", "--color", "always", "a.txt"]).output
    assert "\x1b[" not in CliRunner().invoke(cli, ["scan", "--color", "never", "a.txt"]).output
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert cli_output.use_color("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli_output.use_color("auto") is False
    assert cli_output.use_color("always") is True


def test_files_from_a_file_and_from_standard_input_nul_separated(project: pathlib.Path) -> None:
    (project / "list.txt").write_text("a.txt\n")
    listed = CliRunner().invoke(cli, ["scan", "--files-from", "list.txt"])
    assert listed.exit_code == 1 and listed.output.splitlines()[0].startswith("a.txt: line 1: MEDIUM")
    piped = CliRunner().invoke(cli, ["scan", "--files-from", "-", "-0"], input=b"a.txt\0z.txt\0")
    assert [line.split(":")[0] for line in piped.output.splitlines()[:-1]] == ["z.txt", "a.txt"]
    empty = CliRunner().invoke(cli, ["scan", "--files-from", "-"], input=b"")
    assert empty.exit_code == 0 and empty.output.startswith("0 findings in 0 files; 0 scanned")
    lone = CliRunner().invoke(cli, ["scan", "-0", "a.txt"])
    assert lone.exit_code == 2 and "-0 applies to --files-from" in lone.output


def test_own_reports_are_skipped_unless_they_hold_raw_secrets(project: pathlib.Path) -> None:
    for fmt, name in (("json", "docsecrets.json"), ("sarif", "docsecrets.sarif")):
        CliRunner().invoke(cli, ["scan", "--format", fmt, "-o", name, "a.txt", "z.txt"])
    CliRunner().invoke(cli, ["scan", "--format", "json", "--show-secrets", "-o", "raw.json", "a.txt"])
    lines = CliRunner().invoke(cli, ["scan", "."]).output.splitlines()
    assert "./docsecrets.json: SKIPPED a docsecrets report without raw secrets: not scanned" in lines
    assert "./docsecrets.sarif: SKIPPED a docsecrets report without raw secrets: not scanned" in lines
    assert not any(line.startswith("./raw.json: SKIPPED") for line in lines)


def test_a_missing_default_baseline_is_empty_with_a_note_another_is_an_error(project: pathlib.Path) -> None:
    fresh = CliRunner().invoke(cli, ["scan", "--baseline", ".docsecrets-baseline.json", "a.txt"])
    assert fresh.exit_code == 1
    assert fresh.stderr == "docsecrets: no baseline at .docsecrets-baseline.json yet: every finding counts\n"
    typo = CliRunner().invoke(cli, ["scan", "--baseline", "basline.json", "a.txt"])
    assert typo.exit_code == 2 and "baseline basline.json does not exist" in typo.output


def test_baseline_paths_are_relative_to_the_baseline_s_folder(project: pathlib.Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    repo = project / "repo"
    repo.mkdir()
    (repo / "notes.txt").write_text(f"mdp : {PW}\n")
    monkeypatch.chdir(repo)
    assert CliRunner().invoke(cli, ["baseline", "create", "."]).exit_code == 0
    monkeypatch.chdir(project)
    from_parent = CliRunner().invoke(cli, ["scan", "--baseline", "repo/.docsecrets-baseline.json", "repo"])
    assert from_parent.exit_code == 0, from_parent.output
    monkeypatch.chdir(repo / "..")
    assert CliRunner().invoke(cli, ["baseline", "create", "-o", "repo/.docsecrets-baseline.json", "repo"]).exit_code == 0
    entries = json.loads((repo / ".docsecrets-baseline.json").read_text())["findings"]
    assert [e["path"] for e in entries.values()] == ["notes.txt"]


def test_in_a_git_work_tree_baseline_paths_are_relative_to_its_root(project: pathlib.Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".git").mkdir()  # all root_of looks for
    (project / "sub").mkdir()
    (project / "sub" / "notes.txt").write_text(f"mdp : {PW}\n")
    assert CliRunner().invoke(cli, ["baseline", "create", "sub/notes.txt"]).exit_code == 0
    monkeypatch.chdir(project / "sub")
    from_sub = CliRunner().invoke(cli, ["scan", "--baseline", "../.docsecrets-baseline.json", "notes.txt"])
    assert from_sub.exit_code == 0, from_sub.output
    elsewhere = project / "other.json"  # named from a subfolder: still relative to the root
    assert CliRunner().invoke(cli, ["baseline", "create", "-o", str(elsewhere), "notes.txt"]).exit_code == 0
    entries = json.loads(elsewhere.read_text())["findings"]
    assert [e["path"] for e in entries.values()] == ["sub/notes.txt"]


def test_baseline_audit_shows_the_redacted_value_rule_and_location(project: pathlib.Path) -> None:
    CliRunner().invoke(cli, ["baseline", "create", "-o", "base.json", "a.txt"])
    (fingerprint,) = json.loads((project / "base.json").read_text())["findings"]
    report = json.loads(CliRunner().invoke(cli, ["scan", "--format", "json", "a.txt"]).output)
    redacted = report["findings"][0]["redacted"]  # the report's redacted form, whatever its style
    assert redacted and PW not in redacted
    listed = CliRunner().invoke(cli, ["baseline", "audit", "--list", "base.json"])
    assert listed.output == (f"{fingerprint[:12]}  unreviewed      a.txt: line 1: MEDIUM DS101 password-assignment: "
                             f"{redacted}  (after 'mdp')\n")
    assert PW not in (project / "base.json").read_text()


def test_every_command_that_scans_takes_files_from(project: pathlib.Path) -> None:
    (project / "list.txt").write_text("a.txt\n")
    created = CliRunner().invoke(cli, ["baseline", "create", "--files-from", "list.txt", "-o", "b.json"])
    assert created.exit_code == 0 and created.output == "wrote 1 finding to b.json\n"
    added = CliRunner().invoke(cli, ["baseline", "add", "--files-from", "list.txt", "-o", "c.json"])
    assert added.exit_code == 0 and added.output.startswith("docsecrets: recorded 1 finding of 1 file in c.json")
    masked = CliRunner().invoke(cli, ["mask", "--files-from", "list.txt", "-o", str(project.parent / "masked")])
    assert masked.exit_code == 0 and masked.output.startswith("a.txt: masked 1 finding -> ")
