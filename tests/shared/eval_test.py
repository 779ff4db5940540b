"""Detection on the labelled corpus in ../shared/eval (skipped where it is absent)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    shared = pathlib.Path(__file__).resolve().parents[3] / "shared"
    if not (shared / "eval" / "score.py").is_file():
        pytest.skip("../shared/eval is not present")
    out = tmp_path_factory.mktemp("eval") / "findings.json"
    scan = subprocess.run([sys.executable, "-m", "docsecrets", "scan", "--format", "json", "--show-secrets",
                           str(shared / "eval" / "corpus")], capture_output=True, text=True, timeout=600)
    assert scan.returncode == 1, scan.stderr
    out.write_text(scan.stdout)
    scored = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--labels",
                             str(shared / "eval" / "corpus" / "labels.json"), "--findings", str(out), "--json"],
                            capture_output=True, text=True, timeout=120)
    return json.loads(scored.stdout)


@pytest.mark.parametrize("category", ["tabular", "remote_access", "connection_strings", "tokens", "text"])
def test_foundation_categories_recall(scores: dict, category: str) -> None:
    assert scores["by_category"][category]["recall"] >= 0.80


@pytest.mark.parametrize("category", ["hidden", "nested", "documents"])
def test_hidden_nested_documents_recall(scores: dict, category: str) -> None:
    assert scores["by_category"][category]["recall"] >= 0.95


def test_nothing_in_clean_files(scores: dict) -> None:
    assert scores["by_category"]["clean"]["fp_findings"] == 0


def test_every_unscannable_file_is_reported(scores: dict) -> None:
    unscannable = scores["by_category"]["unscannable"]
    assert unscannable["unscannable_reported"] == unscannable["files"]


def test_overall_quality(scores: dict) -> None:
    overall = scores["overall"]
    assert overall["f1"] >= 0.97
    assert overall["secrets_found"] / overall["secrets_total"] >= 0.95
    assert overall["errors_on_readable"] == 0
