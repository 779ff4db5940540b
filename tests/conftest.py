"""Shared test plumbing: where the optional ../shared corpora live, workers that see monkeypatches."""

from __future__ import annotations

import multiprocessing
import pathlib

import pytest
from hypothesis import settings

# Speed is measured by bench/, not by timed unit tests: a scan computes scrypt fingerprints
# (docsecrets.hashing), and on a shared machine a per-example deadline only measures the load.
settings.register_profile("docsecrets", deadline=None)
settings.load_profile("docsecrets")

from docsecrets import scan as scan_module

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> pathlib.Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked from the test itself, so they see what it monkeypatches (a hanging reader).

    Real scans start their workers from a fork server that never sees such patches.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork")
    monkeypatch.setattr(scan_module, "START_METHOD", "fork")
