"""A sweep of ../shared/realdocs (1,500 real third-party documents, some malformed): it must
finish, print one JSON document, and account for every file (skipped where it is absent)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.shared


def test_realdocs_sweep_accounts_for_every_file(tmp_path: pathlib.Path) -> None:
    realdocs = pathlib.Path(__file__).resolve().parents[3] / "shared" / "realdocs"
    if not realdocs.is_dir():
        pytest.skip("../shared/realdocs is not present")
    scan = subprocess.run([sys.executable, "-m", "docsecrets", "scan", "--format", "json", "--timeout", "30",
                           str(realdocs)], capture_output=True, text=True, timeout=3000, cwd=tmp_path)
    assert scan.returncode in (0, 1), scan.stderr[-2000:]
    assert "Traceback" not in scan.stderr
    document = json.loads(scan.stdout)
    on_disk = {str(p) for p in realdocs.rglob("*") if p.is_file()}
    scanned_ok = {f["path"] for f in document["findings"]}
    accounted = {e["path"] for e in document["errors"]} | {s["path"] for s in document["skipped"]}
    assert document["summary"]["files_scanned"] + document["summary"]["files_skipped"] == len(on_disk)
    assert accounted | scanned_ok <= on_disk
    assert all(e["error"] for e in document["errors"])
    internal = [e for e in document["errors"] if e["kind"] == "internal"]
    assert internal == [], internal[:5]
    # no credential is real here: what is reported must be documented in docs/false-positives.md
    assert os.path.exists(pathlib.Path(__file__).resolve().parents[2] / "docs" / "false-positives.md")
