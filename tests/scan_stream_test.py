"""scan_stream: documents held in memory through the same worker pool as files."""

from __future__ import annotations

import time

import pytest

from docsecrets import engine
from docsecrets.limits import DEFAULT_LIMITS
from docsecrets.scan import BytesTask, ScanOptions, scan_stream
from docsecrets.types import FileError, FileResult

PW = "Corr" + "eze19!"


def options(**limits: float) -> ScanOptions:
    import dataclasses

    return ScanOptions(limits=dataclasses.replace(DEFAULT_LIMITS, **limits), jobs=2)


def test_bytes_are_read_as_their_name_and_filed_under_their_path() -> None:
    results = scan_stream([BytesTask(path="blob-1", data=f"mdp : {PW}\n".encode(), name="notes.txt"),
                           BytesTask(path="http://127.0.0.1/a.txt", data=f"mdp : {PW}\n".encode())],
                          options=options())
    assert [r.path for r in results] == ["blob-1", "http://127.0.0.1/a.txt"]
    first, second = results[0].findings[0], results[1].findings[0]
    assert (first.path, first.rule_id, first.location.line, first.secret) == ("notes.txt", "DS101", 1, PW)
    assert first.fingerprint == engine.scan_bytes(f"mdp : {PW}\n".encode(), path="notes.txt").findings[0].fingerprint
    assert second.path == "http://127.0.0.1/a.txt"


def test_batches_and_passed_through_results_all_come_back_sorted() -> None:
    error = FileResult(path="b-missing", errors=(FileError(path="b-missing", error="gone"),))
    items: list[BytesTask | FileResult] = [BytesTask(path=f"b{i}", data=f"mdp : {PW}{i}\n".encode(), name="x.txt")
                                           for i in range(5)]
    items.insert(2, error)
    results = scan_stream(iter(items), options=options(), batch_count=2)
    assert [r.path for r in results] == ["b-missing", "b0", "b1", "b2", "b3", "b4"]
    assert [r.findings[0].secret for r in results[1:]] == [f"{PW}{i}" for i in range(5)]
    assert results[0] is error


def test_a_hanging_reader_is_killed_and_reported_under_the_task_path(monkeypatch: pytest.MonkeyPatch,
                                                                    forked_workers: None) -> None:
    real = engine.scan_bytes

    def hang_on_slow(data: bytes, **kwargs: object) -> FileResult:
        if data.startswith(b"SLOW"):
            time.sleep(30)
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "scan_bytes", hang_on_slow)  # forked_workers inherit it
    results = scan_stream([BytesTask(path="k-slow", data=b"SLOW", name="a.txt"),
                           BytesTask(path="k-ok", data=f"mdp : {PW}\n".encode(), name="b.txt")],
                          options=options(timeout=0.5))
    assert [(r.path, [e.error for e in r.errors]) for r in results] == [
        ("k-ok", []), ("k-slow", ["unscannable: timed out after 0.5 s (reader killed; see --timeout)"])]
