"""The pre-commit hook through the real pre-commit framework, in a throwaway git repository."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli

PW = "Regul" + "?12"


def make_xlsx(path: pathlib.Path, password: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Site", "Mot de passe"])
    book.active.append(["CH Nord", password])
    book.save(path)


def test_hook_is_quiet_when_clean_and_says_how_to_accept(tmp_path: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_xlsx(tmp_path / "clean.xlsx", "********")
    make_xlsx(tmp_path / "leak.xlsx", PW)
    clean = CliRunner().invoke(cli, ["hook", "clean.xlsx"])
    assert (clean.exit_code, clean.output) == (0, "")
    leak = CliRunner().invoke(cli, ["hook", "clean.xlsx", "leak.xlsx"])
    lines = leak.output.splitlines()
    assert leak.exit_code == 1 and PW not in leak.output
    assert lines[0] == "leak.xlsx: Sheet!B2: MEDIUM DS100 table-password: ********  (column 'Mot de passe')"
    assert lines[1:] == [
        "docsecrets: 1 finding in 1 file: remove the secrets (and rotate them: they may already be copied), "
        "or accept them into the baseline (below).",
        "  accept: pre-commit run docsecrets-baseline --hook-stage manual --files leak.xlsx",
        "     (or, with docsecrets installed: docsecrets baseline add -o .docsecrets-baseline.json leak.xlsx)",
        "     then: git add .docsecrets-baseline.json"]
    added = CliRunner().invoke(cli, ["baseline", "add", "leak.xlsx"])
    assert added.exit_code == 0
    assert added.output.splitlines()[-1] == "docsecrets: commit it with your change: git add .docsecrets-baseline.json"
    again = CliRunner().invoke(cli, ["hook", "leak.xlsx"])
    assert (again.exit_code, again.output) == (0, "")


def test_hook_fail_on_and_min_severity(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_xlsx(tmp_path / "leak.xlsx", PW)  # a MEDIUM finding
    printed = CliRunner().invoke(cli, ["hook", "--fail-on", "high", "leak.xlsx"])
    assert printed.exit_code == 0 and printed.output.startswith("leak.xlsx: Sheet!B2: MEDIUM DS100")
    hidden = CliRunner().invoke(cli, ["hook", "--min-severity", "high", "leak.xlsx"])
    assert (hidden.exit_code, hidden.output) == (0, "")


def test_hook_says_what_to_do_with_an_encrypted_document(tmp_path: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fixtures.xls_builders import SheetSpec, xls_bytes

    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked.xls").write_bytes(xls_bytes([SheetSpec("S", {"A1": "x"})], encrypted=True))
    result = CliRunner().invoke(cli, ["hook", "locked.xls"])
    assert result.exit_code == 1
    assert "Remove the secrets" not in result.output and "remove the secrets" not in result.output
    assert ("docsecrets: 1 encrypted document that docsecrets cannot read inside: commit it only if the password "
            "is not shared alongside, else commit a copy without a password; to accept it, see below.") \
        in result.output.splitlines()


def test_baseline_add_keeps_other_files_entries_and_replaces_these(tmp_path: pathlib.Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    make_xlsx(tmp_path / "a.xlsx", PW)
    make_xlsx(tmp_path / "b.xlsx", "Other" + "?99")
    assert CliRunner().invoke(cli, ["baseline", "add", "a.xlsx"]).exit_code == 0
    assert CliRunner().invoke(cli, ["baseline", "add", "b.xlsx"]).exit_code == 0
    entries = json.loads((tmp_path / ".docsecrets-baseline.json").read_text())["findings"]
    assert sorted(e["path"] for e in entries.values()) == ["a.xlsx", "b.xlsx"]
    make_xlsx(tmp_path / "b.xlsx", "********")  # the secret is gone: its entry goes too
    result = CliRunner().invoke(cli, ["baseline", "add", "b.xlsx"])
    assert result.output.splitlines()[0] == ("docsecrets: recorded 0 findings of 0 files in .docsecrets-baseline.json "
                                             "(1 entry in all; 1 entry of other files kept)")
    entries = json.loads((tmp_path / ".docsecrets-baseline.json").read_text())["findings"]
    assert [(e["path"], e["redacted"], e["name"]) for e in entries.values()] == [("a.xlsx", "********",
                                                                                 "table-password")]
    assert PW not in (tmp_path / ".docsecrets-baseline.json").read_text()


def test_hook_fails_on_a_staged_document_it_cannot_read(tmp_path: pathlib.Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    result = CliRunner().invoke(cli, ["hook", "broken.xlsx"])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("broken.xlsx: ERROR unscannable: ")
    assert lines[-1] == ("docsecrets: 1 file could not be scanned (ERROR lines above): fix it, or exclude it "
                         "in the configuration")


def _git(repo: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid", "PRE_COMMIT_HOME": str(repo.parent / "pc")}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_blocks_a_leaky_workbook_and_allows_a_clean_one(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    hooks = pathlib.Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    # repo: local runs the manifest's hook with this interpreter, so no network is needed
    import yaml

    manifest = {hook["id"]: hook for hook in yaml.safe_load(hooks.read_text())}
    local = []
    for hook_id in ("docsecrets", "docsecrets-baseline"):
        hook = dict(manifest[hook_id])
        hook["entry"] = hook["entry"].replace("docsecrets", f"{sys.executable} -m docsecrets", 1)
        hook["language"] = "system"
        local.append(hook)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    assert subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, capture_output=True,
                          env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc")}).returncode == 0
    _git(repo, "add", ".pre-commit-config.yaml")
    assert _git(repo, "commit", "-qm", "config").returncode == 0

    make_xlsx(repo / "clean.xlsx", "voir KeePass")
    _git(repo, "add", "clean.xlsx")
    assert _git(repo, "commit", "-qm", "clean").returncode == 0

    make_xlsx(repo / "acces.xlsx", PW)
    _git(repo, "add", "acces.xlsx")
    blocked = _git(repo, "commit", "-qm", "leak")
    assert blocked.returncode != 0
    assert "acces.xlsx: Sheet!B2: MEDIUM DS100 table-password" in blocked.stdout + blocked.stderr
    assert PW not in blocked.stdout + blocked.stderr

    # the accept flow the hook prints, for a user who has docsecrets only through pre-commit
    assert "pre-commit run docsecrets-baseline --hook-stage manual --files acces.xlsx" in blocked.stdout + blocked.stderr
    make_xlsx(repo / "untracked.xlsx", "Autre" + "?77")  # not staged: never baselined
    accepted = subprocess.run([sys.executable, "-m", "pre_commit", "run", "docsecrets-baseline", "--hook-stage",
                               "manual", "--files", "acces.xlsx"], cwd=repo, capture_output=True, text=True,
                              env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc")})
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "git add .docsecrets-baseline.json" in accepted.stdout
    baseline = (repo / ".docsecrets-baseline.json").read_text()
    assert "acces.xlsx" in baseline and "untracked.xlsx" not in baseline and PW not in baseline
    _git(repo, "add", ".docsecrets-baseline.json")
    committed = _git(repo, "commit", "-qm", "leak accepted")
    assert committed.returncode == 0, committed.stdout + committed.stderr

    (repo / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    _git(repo, "add", "broken.xlsx")
    refused = _git(repo, "commit", "-qm", "broken")
    assert refused.returncode != 0
    assert ("docsecrets: 1 file could not be scanned (ERROR lines above): fix it, or exclude it in the "
            "configuration") in refused.stdout + refused.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_baseline_add_defaults_to_the_staged_files(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    make_xlsx(repo / "staged.xlsx", PW)
    make_xlsx(repo / "untracked.xlsx", "Autre" + "?77")
    _git(repo, "add", "staged.xlsx")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["baseline", "add"])
    assert result.exit_code == 0, result.output
    entries = json.loads((repo / ".docsecrets-baseline.json").read_text())["findings"]
    assert [e["path"] for e in entries.values()] == ["staged.xlsx"]
