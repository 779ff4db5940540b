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
    assert lines[-1] == ("docsecrets: 1 finding. Remove the secrets, or accept them with: "
                         "docsecrets baseline create . -o .docsecrets-baseline.json")
    CliRunner().invoke(cli, ["baseline", "create", ".", "-o", ".docsecrets-baseline.json"])
    again = CliRunner().invoke(cli, ["hook", "leak.xlsx"])
    assert (again.exit_code, again.output) == (0, "")


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
    manifest = hooks.read_text().split("- id: docsecrets-all")[0]
    files = [line for line in manifest.splitlines() if line.strip().startswith("files:")][0].strip()
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: docsecrets\n    name: docsecrets\n"
        f"    entry: {sys.executable} -m docsecrets hook\n    language: system\n    require_serial: true\n"
        f"    {files}\n")
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
