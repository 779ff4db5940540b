"""Every docsecrets command the README shows runs as written (in a throwaway project)."""

from __future__ import annotations

import json
import pathlib
import re
import shlex

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
