"""Shared test plumbing: where the optional ../shared corpora live."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import settings

# Speed is measured by bench/, not by timed unit tests: a scan computes scrypt fingerprints
# (docsecrets.hashing), and on a shared machine a per-example deadline only measures the load.
settings.register_profile("docsecrets", deadline=None)
settings.load_profile("docsecrets")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> pathlib.Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
