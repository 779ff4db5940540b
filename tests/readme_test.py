"""Every docsecrets command the README shows runs as written (in a throwaway project)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shlex
import shutil

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
PW = "Samu" + "!2023"


def readme_commands() -> list[str]:
    text = README.read_text()
    commands = []
    for block in re.findall(r"```(?:sh|yaml)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"^\s*(?:-\s+run:|-)\s*", "", line.split("#")[0]).strip()
            if line.startswith("docsecrets "):
                commands.append(line)
    return commands


def test_the_readme_shows_commands() -> None:
    assert len(readme_commands()) >= 6


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "--scheduler" in command:
        pytest.skip("needs a Dask cluster: run against a real one in tests/distributed_test.py")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "www").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "www" / "notes.txt").write_text(f"mdp : {PW}\n")
    runner = CliRunner()
    runner.invoke(cli, ["baseline", "create", ".", "-o", ".docsecrets-baseline.json"])
    fingerprint = next(iter(json.loads((tmp_path / ".docsecrets-baseline.json").read_text())["findings"]))
    args = shlex.split(command.replace("<fingerprint>", fingerprint[:12]))[1:]
    result = runner.invoke(cli, args)
    assert result.exit_code in (0, 1), f"{command}\n{result.output}"
    assert PW not in result.output


# ---------------------------------------------------------------------------------------------
# ```console blocks: `$ docsecrets ...` lines and their real output, run in the demo repository
# below (a fresh one per block, commands in order). The elapsed time and fingerprints are
# compared loosely. After a change of output: DOCSECRETS_README_UPDATE=1 pytest tests/readme_test.py
# rewrites the blocks from the real output.

CONSOLE = re.compile(r"```console\n(.*?)```", re.S)


def demo_repository(root: pathlib.Path) -> None:
    """A git repository with one finding per severity, staged (nothing committed)."""
    import io
    import subprocess

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Serveur", "IP", "Login", "Mot de passe"])
    book.active.append(["srv-app", "10.1.2.3", "admin", "Tulle" + "2012"])
    buffer = io.BytesIO()
    book.save(buffer)
    (root / "acces.xlsx").write_bytes(buffer.getvalue())
    (root / "vnc.txt").write_text("Poste radiologie : VNC 10.1.2.4, mot de passe : " + "Radio" + "2019x\n")
    (root / "notes.txt").write_text("mdp : " + PW + "\n")
    (root / "compte.txt").write_text("Compte : ged_urg / " + "archiv" + "2012\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)


def console_blocks() -> list[str]:
    return CONSOLE.findall(README.read_text())


def _session(block: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], ""))
        elif steps:
            steps[-1] = (steps[-1][0], steps[-1][1] + line + "\n")
    return steps


def _loose(text: str) -> str:
    text = re.sub(r"in \d+\.\d s$", "in <t> s", text, flags=re.M)
    return re.sub(r"\b[0-9a-f]{12}\b", "<fingerprint>", text)


def _run_block(block: str, root: pathlib.Path) -> list[tuple[str, str, str]]:
    demo_repository(root)
    runs = []
    for command, expected in _session(block):
        assert command.startswith("docsecrets "), command
        result = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert result.exit_code in (0, 1), f"{command}\n{result.output}"
        runs.append((command, expected, result.output))
    return runs


def test_the_readme_shows_console_sessions() -> None:
    assert len(console_blocks()) >= 3


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("index", range(len(console_blocks())))
def test_readme_console_output_is_real(index: int, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = console_blocks()[index]
    runs = _run_block(block, tmp_path)
    if os.environ.get("DOCSECRETS_README_UPDATE"):
        text = README.read_text()
        fresh = "".join(f"$ {command}\n{output}" for command, _, output in runs)
        README.write_text(text.replace(f"```console\n{block}```", f"```console\n{fresh}```", 1))
        return
    for command, expected, output in runs:
        assert _loose(output) == _loose(expected), command


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("with_baseline", [False, True])
def test_the_ci_snippets_work_on_a_fresh_repository_and_with_a_baseline(
        with_baseline: bool, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    demo_repository(tmp_path)
    commands = [c for c in readme_commands() if " -o docsecrets." in c]
    assert len(commands) >= 3  # the CI gate, GitHub Actions, GitLab
    if with_baseline:
        assert CliRunner().invoke(cli, ["baseline", "create", "."]).exit_code == 0
    for command in commands:
        args = shlex.split(command)[1:]
        report = tmp_path / args[args.index("-o") + 1]
        report.unlink(missing_ok=True)
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == (0 if with_baseline else 1), f"{command}\n{result.output}"
        assert json.loads(report.read_text())  # a report to upload, in both cases
        assert ("no baseline at .docsecrets-baseline.json yet" in result.output) is not with_baseline
