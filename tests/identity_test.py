"""Finding identity: the path fingerprints, baselines and the cache are computed from."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

from docsecrets.identity import fingerprint, normalise_path
from docsecrets.paths import set_root

PW = "Labo" + "2019$"


@pytest.fixture
def root_reset() -> Iterator[None]:
    yield
    set_root(None)


@pytest.mark.parametrize(("given", "expected"), [
    ("notes.txt", "notes.txt"),
    ("./a/../notes.txt", "notes.txt"),
    ("sub/dir/x.xlsx", "sub/dir/x.xlsx"),
    ("..", ".."),  # above the current folder: kept as given
    ("https://example.org/a/../b.txt", "https://example.org/a/../b.txt"),  # a URL is no file path
])
def test_paths_are_relative_to_the_current_folder_without_a_root(given: str, expected: str,
                                                                  tmp_path: pathlib.Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalise_path(given) == expected


def test_paths_are_relative_to_the_root_when_one_is_set(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                       root_reset: None) -> None:
    (tmp_path / "repo" / "docs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "docs")
    set_root(str(tmp_path / "repo"))
    assert normalise_path("leak.xlsx") == "docs/leak.xlsx"
    assert normalise_path(str(tmp_path / "repo" / "a" / "b.txt")) == "a/b.txt"
    outside = str(tmp_path / "elsewhere.txt")
    assert normalise_path(outside) == outside.replace(os.sep, "/")  # outside the root: as given
    # the same file named from two places has one identity
    assert fingerprint("DS101", "leak.xlsx", (), PW) == \
        fingerprint("DS101", str(tmp_path / "repo" / "docs" / "leak.xlsx"), (), PW)
    at_root = fingerprint("DS101", "leak.xlsx", (), PW)
    set_root(None)
    assert normalise_path("leak.xlsx") == "leak.xlsx"
    assert fingerprint("DS101", "leak.xlsx", (), PW) != at_root  # the root is part of the identity
