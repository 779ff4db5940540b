from __future__ import annotations

import io
import os

from docsecrets.engine import scan_bytes
from docsecrets.report import Report
from docsecrets.report import sarif
from docsecrets.report.json import render, render_stream
from docsecrets.spool import Spool
from docsecrets.types import FileError, FileResult, Severity

PW = "Tulle" + "2012x"


def results() -> list[FileResult]:
    return [
        scan_bytes(f"mdp = {PW}\nghp_{'A' * 36}\n".encode(), path="z/b.txt"),
        FileResult(path="a/clean.txt", format="text"),
        FileResult(path="c/broken.xlsx", errors=(FileError(path="c/broken.xlsx", error="unscannable: x",
                                                           kind="unreadable"),)),
        FileResult(path="b/pipe", skipped="not a regular file: never read"),
        scan_bytes(f"Kennwort: {PW}é\n".encode(), path="a/é.txt"),
        FileResult(path="d/clean2.txt", format="text"),
    ]


def test_the_streamed_json_is_the_json_report_byte_for_byte() -> None:
    for show, severity in ((False, Severity.LOW), (True, Severity.LOW), (False, Severity.HIGH)):
        expected = render(Report(results=tuple(sorted(results(), key=lambda r: r.path)), elapsed=1.5,
                                 show_secrets=show, min_severity=severity))
        with Spool(keep_secrets=show) as spool:
            for result in results():
                spool.add(result)
            out = io.StringIO()
            render_stream(out, lambda: spool, clean=spool.clean, elapsed=1.5, show_secrets=show,
                          min_severity=severity)
        assert out.getvalue() == expected
    assert (PW in expected) is False


def test_the_spool_keeps_no_raw_secret_and_no_file_behind() -> None:
    spool = Spool()
    for result in results():
        spool.add(result)
    folder = os.path.dirname(spool._file.name)
    spool._file.flush()
    with open(spool._file.name, "rb") as handle:
        assert PW.encode() not in handle.read()
    assert oct(os.stat(folder).st_mode & 0o777) == "0o700"
    assert [r.path for r in spool] == ["a/é.txt", "b/pipe", "c/broken.xlsx", "z/b.txt"] and spool.clean == 2
    spool.close()
    assert not os.path.exists(folder)


def test_the_streamed_sarif_is_the_sarif_report_byte_for_byte() -> None:
    for show, severity, chosen in ((False, Severity.LOW, results()), (True, Severity.HIGH, results()),
                                   (False, Severity.LOW, results()[1:2])):
        expected = sarif.render(Report(results=tuple(sorted(chosen, key=lambda r: r.path)), show_secrets=show,
                                       min_severity=severity))
        with Spool(keep_secrets=show) as spool:
            for result in chosen:
                spool.add(result)
            out = io.StringIO()
            sarif.render_stream(out, lambda: spool, show_secrets=show, min_severity=severity)
        assert out.getvalue() == expected
