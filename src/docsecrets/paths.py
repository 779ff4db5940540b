"""The folder fingerprints and baseline paths are relative to.

A baseline records `leak.xlsx`, not `repo/leak.xlsx`: when a baseline is read or written, paths
are expressed relative to the root of the git work tree holding the baseline, else of the one
holding the current folder, else to the baseline's own folder (`root_of`); without a baseline,
to the current folder. So `docsecrets scan --baseline repo/.docsecrets-baseline.json repo` run
from the parent folder, or a scan from a subfolder, matches the entries the hook recorded at
the repository's root. Worker processes get the root from the pool (a fork-server worker
inherits nothing from the parent).

On a Dask worker (distributed.py) the files are named relative to the sweep's root and may sit
elsewhere (shipped bytes land in a temporary folder): `base` says which folder they are relative
to, so the identity is the one the client would compute (identity.normalise_path).
"""

from __future__ import annotations

import os

_root: str | None = None
_base: str | None = None


def set_root(folder: str | None, *, base: str | None = None) -> None:
    """Express paths relative to `folder` (None: the current folder); relative paths name files
    under `base` (None: the current folder)."""
    global _root, _base
    _root = os.path.abspath(folder) if folder is not None else None
    _base = os.path.abspath(base) if base is not None else None


def current_root() -> str | None:
    """The folder set by set_root, handed to worker processes that do not inherit it."""
    return _root


def current_base() -> str | None:
    """The folder relative paths are resolved from (set_root's `base`; None: the current folder)."""
    return _base


def root_of(baseline_path: str | None) -> str | None:
    """The folder a baseline's paths are relative to (see the module docstring)."""
    if baseline_path is None:
        return None
    folder = os.path.dirname(os.path.abspath(baseline_path))
    return _work_tree(folder) or _work_tree(os.getcwd()) or folder


def _work_tree(start: str) -> str | None:
    """The nearest folder from `start` up holding `.git` (a folder, or a file in a worktree)."""
    current = start
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent

