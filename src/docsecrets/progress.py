"""A one-line progress display on standard error, for sweeps run from a terminal.

Never used for JSON or SARIF output or when standard error is not a terminal, so machine
readers never see it.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

from docsecrets.types import FileResult


class Progress:
    def __init__(self) -> None:
        self.files = self.findings = self.errors = 0
        self._started = time.monotonic()
        self._last = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    def update(self, result: FileResult) -> None:
        self.files += 1
        self.findings += len(result.findings)
        self.errors += 1 if result.errors else 0
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        rate = self.files / max(now - self._started, 1e-6)
        sys.stderr.write(f"\r\x1b[Kdocsecrets: {self.files} files, {self.findings} findings, "
                         f"{self.errors} unscannable ({rate:.0f} files/s)")
        sys.stderr.flush()
