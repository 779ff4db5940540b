"""The folder fingerprints and baseline paths are relative to.

A baseline records `leak.xlsx`, not `repo/leak.xlsx`: paths are expressed relative to the
baseline's own folder when a baseline is read or written (`set_root`), else to the current
folder. So `docsecrets scan --baseline repo/.docsecrets-baseline.json repo` run from the parent
folder matches the entries the hook recorded inside the repository. Forked workers inherit
the root set before the scan starts.
"""

from __future__ import annotations

import os

_root: str | None = None


def set_root(folder: str | None) -> None:
    """Express paths relative to `folder` (None: the current folder)."""
    global _root
    _root = os.path.abspath(folder) if folder is not None else None


def root_of(baseline_path: str | None) -> str | None:
    """The folder a baseline's paths are relative to: its own."""
    return os.path.dirname(os.path.abspath(baseline_path)) if baseline_path is not None else None


def normalise(path: str) -> str:
    if "://" in path:  # a crawled URL is not a file path: kept as is
        return path
    try:
        rel = os.path.relpath(path, _root) if _root is not None else os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    except ValueError:  # another drive on Windows
        pass
    return path.replace(os.sep, "/")
