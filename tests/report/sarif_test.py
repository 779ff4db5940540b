from __future__ import annotations

import json
import pathlib

import jsonschema
import pytest
from click.testing import CliRunner

from docsecrets.cli import cli

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"
PW = "Pharma" + "2018#"


def sarif_of(*paths: str, show: bool = False) -> dict:
    args = ["scan", "--format", "sarif", "--jobs", "1", *paths] + (["--show-secrets"] if show else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def validate(document: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(document)


def test_sarif_validates_and_redacts(tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.txt").write_text(f"serveur\nmdp : {PW}\n")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    document = sarif_of(str(tmp_path))
    validate(document)
    text = json.dumps(document)
    assert PW not in text
    run = document["runs"][0]
    (result,) = run["results"]
    assert result["ruleId"] == "DS101"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "DS101"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert result["partialFingerprints"]["docsecrets/v1"]
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("broken.pdf")
            for n in notifications] == [True]


def test_sarif_logical_locations_for_cells(tmp_path: pathlib.Path) -> None:
    (tmp_path / "comptes.csv").write_text(f"Login;Mot de passe\nbob;{PW}\n")
    (result,) = sarif_of(str(tmp_path))["runs"][0]["results"]
    names = [loc["name"] for loc in result["locations"][0]["logicalLocations"]]
    assert names == ["B2"]


def test_secret_only_in_properties_with_show_secrets(tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.txt").write_text(f"mdp : {PW}\n")
    (result,) = sarif_of(str(tmp_path), show=True)["runs"][0]["results"]
    assert result["properties"]["secret"] == PW and PW not in result["message"]["text"]


@pytest.mark.shared
def test_sarif_of_the_eval_corpus_validates(shared_dir: pathlib.Path) -> None:
    validate(sarif_of(str(shared_dir / "eval" / "corpus")))
