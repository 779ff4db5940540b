"""Results kept on disk while a sweep runs, so the parent's memory does not grow with it.

A sorted report (JSON) needs every result before its first line. The parent spools each result
that has something to report (findings, errors, a reason it was skipped) to a file in a private
temporary folder (mode 0700, removed at the end) and keeps only its path and offset; a clean
file costs a counter. The report is then rendered by reading the results back in path order.
Raw secrets are never spooled unless the report is to show them (--show-secrets).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from docsecrets.types import FileResult


class Spool:
    def __init__(self, *, keep_secrets: bool = False) -> None:
        self._folder = tempfile.mkdtemp(prefix="docsecrets-spool-")
        self._file: IO[bytes] = open(os.path.join(self._folder, "results"), "w+b")  # noqa: SIM115
        self._index: list[tuple[str, int]] = []
        self._keep_secrets = keep_secrets
        self.clean = 0  # results with nothing to report: counted, not kept

    def add(self, result: FileResult) -> None:
        if not (result.findings or result.errors or result.skipped is not None):
            self.clean += 1
            return
        if not self._keep_secrets and result.findings:
            result = replace(result, findings=tuple(replace(f, secret="") for f in result.findings))
        self._file.seek(0, os.SEEK_END)
        self._index.append((result.path, self._file.tell()))
        pickle.dump(result, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[FileResult]:
        """The spooled results in path order (as scan_paths sorts them); one in memory at a time."""
        self._file.flush()
        self._index.sort(key=lambda entry: entry[0])
        for _path, offset in self._index:
            self._file.seek(offset)
            yield pickle.load(self._file)  # noqa: S301 - our own file, in our own 0700 folder

    def close(self) -> None:
        self._file.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
