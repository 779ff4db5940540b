"""The health pack is opt-in: --pii, or packs = ["health"] in the configuration."""

from __future__ import annotations

import pathlib
import random

import pytest
from click.testing import CliRunner

from docsecrets import config as config_module
from docsecrets.cli import cli
from tests.fixtures.pii_builders import FIRST, LAST, birth, nir

RNG = random.Random(3)


def patient_csv(path: pathlib.Path) -> pathlib.Path:
    rows = ["Nom;Prénom;Date de naissance;NIR"] + [
        f"{RNG.choice(LAST)};{RNG.choice(FIRST)};{birth(RNG)};{nir(RNG, spaced=True)}" for _ in range(3)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_packs_in_the_configuration() -> None:
    assert config_module.parse({"packs": ["health", "health"]}).packs == ("health",)
    assert config_module.parse({}).packs == ()
    with pytest.raises(config_module.ConfigError, match="unknown pack 'medical'"):
        config_module.parse({"packs": ["medical"]})
    with pytest.raises(config_module.ConfigError, match="packs must be a list of strings"):
        config_module.parse({"packs": "health"})


def test_scan_hook_and_config_file(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    csv_path = patient_csv(tmp_path / "patients.csv")
    runner = CliRunner()
    plain = runner.invoke(cli, ["scan", "--jobs", "1", "patients.csv"])
    assert (plain.exit_code, plain.output.startswith("0 findings in 0 files; 1 scanned, 0 unscannable")) == (0, True)
    assert runner.invoke(cli, ["hook", str(csv_path)]).exit_code == 0
    pii = runner.invoke(cli, ["scan", "--jobs", "1", "--pii", "patients.csv"])
    assert pii.exit_code == 1
    assert pii.output.splitlines()[0].startswith("patients.csv: row 1: MEDIUM DS310 patient-list: ")
    assert pii.output.splitlines()[0].endswith("(patient list: 3 rows (columns Nom, Prénom, Date de naissance, NIR))")
    (tmp_path / ".docsecrets.toml").write_text('packs = ["health"]\n')
    assert runner.invoke(cli, ["scan", "--jobs", "1", "patients.csv"]).exit_code == 1
    assert runner.invoke(cli, ["hook", str(csv_path)]).exit_code == 1


def test_rules_lists_the_health_rules() -> None:
    out = CliRunner().invoke(cli, ["rules"]).output
    assert [line.split()[:2] for line in out.splitlines() if line.startswith("DS3")] == [
        ["DS300", "high"], ["DS301", "low"], ["DS302", "high"], ["DS310", "high"], ["DS320", "high"]]
