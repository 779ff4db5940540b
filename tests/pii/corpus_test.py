"""The generated health corpus (tests/fixtures/pii_builders.py), scored file by file."""

from __future__ import annotations

import json
import pathlib

import jsonschema
from click.testing import CliRunner

from docsecrets.cli import cli
from tests.fixtures.pii_builders import build_corpus

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "--jobs", "1", *args])
    return result.exit_code, result.output


def by_file(output: str, root: pathlib.Path) -> dict[str, list[tuple[str, str]]]:
    report = json.loads(output)
    assert report["errors"] == []
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in report["findings"]:
        name = pathlib.Path(finding["path"]).relative_to(root).as_posix()
        found.setdefault(name, []).append((finding["rule"], finding["severity"]))
    return {name: sorted(pairs) for name, pairs in found.items()}


def test_every_file_of_the_corpus_gets_exactly_its_label(tmp_path: pathlib.Path) -> None:
    labels = build_corpus(tmp_path)
    code, out = scan("--pii", "--format", "json", str(tmp_path))
    assert code == 1
    assert by_file(out, tmp_path) == {name: label for name, label in labels.items() if label}
    assert (sum(1 for label in labels.values() if label), sum(1 for label in labels.values() if not label)) == (13, 9)


def test_without_pii_the_corpus_is_clean(tmp_path: pathlib.Path) -> None:
    build_corpus(tmp_path)
    code, out = scan("--format", "json", str(tmp_path))
    assert (code, json.loads(out)["findings"], json.loads(out)["errors"]) == (0, [], [])


def test_no_number_or_name_in_any_output_without_show_secrets(tmp_path: pathlib.Path) -> None:
    build_corpus(tmp_path / "corpus")
    _, shown = scan("--pii", "--format", "json", "--show-secrets", str(tmp_path / "corpus"))
    secrets = {f["secret"] for f in json.loads(shown)["findings"]}
    assert len(secrets) == 15
    outputs = [scan("--pii", "--format", fmt, str(tmp_path / "corpus"))[1] for fmt in ("text", "json", "sarif", "github")]
    baseline = tmp_path / "baseline.json"
    CliRunner().invoke(cli, ["baseline", "create", "--jobs", "1", "--config", str(_config(tmp_path)),
                             str(tmp_path / "corpus"), "-o", str(baseline)])
    outputs.append(baseline.read_text())
    assert len(json.loads(baseline.read_text())["findings"]) == 15
    flagged = tmp_path / "flag.json"
    CliRunner().invoke(cli, ["baseline", "create", "--jobs", "1", "--pii", str(tmp_path / "corpus"), "-o", str(flagged)])
    assert json.loads(flagged.read_text())["findings"] == json.loads(baseline.read_text())["findings"]
    cache = tmp_path / "cache"
    CliRunner().invoke(cli, ["scan", "--jobs", "1", "--pii", "--cache", str(tmp_path / "corpus")],
                       env={"DOCSECRETS_CACHE_DIR": str(cache)})
    outputs.extend(p.read_bytes().decode("latin-1") for p in cache.rglob("*") if p.is_file())
    assert any(p.is_file() for p in cache.rglob("*"))
    for secret in secrets:
        for part in {secret, *secret.split()}:
            if len(part) >= 5:
                assert not any(part in out for out in outputs), part


def _config(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "docsecrets.toml"
    path.write_text('packs = ["health"]\n')
    return path


def test_sarif_carries_the_health_rules(tmp_path: pathlib.Path) -> None:
    build_corpus(tmp_path)
    _, out = scan("--pii", "--format", "sarif", str(tmp_path))
    document = json.loads(out)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    used = {rules[r["ruleIndex"]]["id"] for r in run["results"]}
    assert used == {"DS300", "DS301", "DS302", "DS310", "DS320"}
    assert {r["id"]: r["name"] for r in rules if r["id"].startswith("DS3")} == {
        "DS300": "social-security-number", "DS301": "iban", "DS302": "payment-card-number",
        "DS310": "patient-list", "DS320": "dicom-patient-data"}
