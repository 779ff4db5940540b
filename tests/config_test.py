from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

from docsecrets.cli import cli
from docsecrets.hashing import allow_value_hash

PW = "Labo" + "2019$"


def scan_json(tmp_path: pathlib.Path, config: str) -> tuple[int, dict | str]:
    (tmp_path / ".docsecrets.toml").write_text(config)
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--config", str(tmp_path / ".docsecrets.toml"),
                                      str(tmp_path / "docs")])
    try:
        return result.exit_code, json.loads(result.output)
    except json.JSONDecodeError:
        return result.exit_code, result.output


@pytest.fixture
def docs(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text(f"mdp : {PW}\ncode d'entrée : Porte{PW}\nacme_{'0f' * 16}\n")
    return tmp_path


def rules_of(document: dict) -> list[str]:
    return [f["rule"] for f in document["findings"]]


def test_no_config(docs: pathlib.Path) -> None:
    assert rules_of(scan_json(docs, "")[1]) == ["DS101"]


def test_custom_rule_keywords_disable_and_severity(docs: pathlib.Path) -> None:
    code, document = scan_json(docs, """
disable = ["DS101"]
severity = { ACME001 = "critical" }
[keywords]
fr = ["code d'entrée"]
[[rules]]
id = "ACME001"
pattern = "acme_(?P<secret>[0-9a-f]{32})"
description = "ACME API key"
""")
    assert code == 1
    assert [(f["rule"], f["severity"], f["location"]["line"]) for f in document["findings"]] == [
        ("ACME001", "critical", 3)]


def test_extra_keyword_finds_a_new_label(docs: pathlib.Path) -> None:
    code, document = scan_json(docs, '[keywords]\nfr = ["code d\'entrée"]\n')
    assert sorted(f["location"]["line"] for f in document["findings"]) == [1, 2]


def test_allowlisted_value_and_path(docs: pathlib.Path) -> None:
    assert scan_json(docs, f'allow_values = ["{allow_value_hash(PW)}"]\n')[0] == 0
    assert scan_json(docs, f'allow_values = ["{allow_value_hash(PW + "x")}"]\n')[0] == 1
    code, document = scan_json(docs, 'allow_paths = ["*notes.txt"]\n')
    assert code == 0 and document["skipped"][0]["reason"] == "allowlisted path (configuration)"


@pytest.mark.parametrize(("config", "message"), [
    ("excludes = []\n", "unknown key(s) excludes"),
    ('[[rules]]\nid = "X1"\npattern = "("\ndescription = "x"\n', "bad regex"),
    ('severity = { DS101 = "urgent" }\n', "unknown severity"),
    ('allow_values = ["hunter2"]\n', "allow_values entry 1 is not a 'scrypt:<salt>:<hash>' value"),
    (f'allow_values = ["{"ab" * 32}"]\n', "allow_values entry 1 is a plain SHA-256"),
    ("disable = \n", "not valid TOML"),
    ('[keywords]\nxx = ["a"]\n', "unknown language"),
])
def test_bad_configuration_is_a_usage_error(docs: pathlib.Path, config: str, message: str) -> None:
    code, output = scan_json(docs, config)
    assert code == 2 and message in str(output)


def test_pyproject_section_is_found(docs: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (docs / "pyproject.toml").write_text('[tool.docsecrets]\ndisable = ["DS101"]\n')
    monkeypatch.chdir(docs)
    result = CliRunner().invoke(cli, ["scan", "docs"])
    assert result.exit_code == 0


def test_hash_value_reads_standard_input_and_its_output_allows_the_value(docs: pathlib.Path) -> None:
    result = CliRunner().invoke(cli, ["hash-value"], input=PW + "\n")
    assert result.exit_code == 0
    entry = result.output.strip()
    assert entry.startswith("scrypt:") and PW not in result.output
    assert CliRunner().invoke(cli, ["hash-value"], input=PW).output.strip() != entry  # a random salt each time
    assert scan_json(docs, f'allow_values = ["{entry}"]\n')[0] == 0


def test_a_value_pasted_into_allow_values_is_never_echoed(docs: pathlib.Path) -> None:
    code, output = scan_json(docs, f'allow_values = ["{PW}"]\n')
    assert code == 2 and PW[:4] not in str(output)
