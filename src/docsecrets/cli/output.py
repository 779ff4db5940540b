"""After a scan: subtract the baseline, render the report, write it safely, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from docsecrets.cli.app import EXIT_CLEAN, EXIT_FINDINGS, Fatal
from docsecrets.cli.options import custom_rules, load_baseline
from docsecrets.types import Severity

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline
    from docsecrets.config import Config
    from docsecrets.report import Report
    from docsecrets.types import FileResult


def render_report(report: Report, output_format: str, *, color: bool) -> str:
    if output_format == "jsonl":  # crawl, history: results already held, written as lines
        import io

        from docsecrets.report.jsonl import JsonlWriter

        buffer = io.StringIO()
        writer = JsonlWriter(buffer, show_secrets=report.show_secrets, min_severity=report.min_severity,
                             fail_on=Severity.LOW)
        for result in report.results:
            writer.write(result)
        writer.finish(report.elapsed)
        return buffer.getvalue()
    if output_format == "json":
        from docsecrets.report import json as json_report

        return json_report.render(report)
    if output_format == "sarif":
        from docsecrets.report import sarif

        return sarif.render(report)
    if output_format == "github":
        from docsecrets.report import github

        return github.render(report)
    if output_format == "html":
        from docsecrets.report import html

        return html.render(report)
    from docsecrets.report import text as text_report

    return text_report.render(report, color=color)


def write_output(text: str, output: str | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away: the report was not delivered
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise Fatal("standard output closed before the report was written") from None
        return
    from docsecrets.report import safe
    from docsecrets.safe_write import UnsafeTarget, write_text

    try:
        write_text(output, text)
    except UnsafeTarget as exc:
        raise Fatal(safe(str(exc))) from None


def finish_report(results: list[FileResult], *, elapsed: float, output_format: str, show_secrets: bool,
                  output: str | None, min_severity: str, fail_on: str, baseline: Baseline | None, config: Config,
                  allow_unscannable: bool, write_baseline: str | None = None,
                  render: Callable[[Report, str], str | None] | None = None, quiet: bool = False,
                  color: str = "auto", clean: int = 0) -> None:
    """Subtract the baseline, render, write, exit: 1 on findings at --fail-on, or on anything unscannable.
    `clean` counts scanned files with nothing to report that are not among `results`."""
    from docsecrets.report import Report

    if write_baseline is not None:
        from docsecrets import baseline as baseline_module

        previous = load_baseline(write_baseline) if os.path.exists(write_baseline) else None
        baseline_module.dump(baseline_module.from_results(results, previous), write_baseline)
    if baseline is not None:
        from docsecrets import baseline as baseline_module

        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, show_secrets=show_secrets,
                    min_severity=Severity.parse(min_severity), rules=custom_rules(config), clean=clean)
    text = render(report, output_format) if render is not None else None
    if text is None:
        text = render_report(report, output_format, color=output is None and use_color(color))
    if not (quiet and output is None):
        write_output(text, output)
    threshold = Severity.parse(fail_on)
    failing = any(f.severity >= threshold for f in report.findings())
    unscannable = bool(report.unscannable()) and not (allow_unscannable or config.allow_unscannable)
    sys.exit(EXIT_FINDINGS if failing or unscannable else EXIT_CLEAN)


def use_color(choice: str) -> bool:
    """--color: always, never, or auto (standard output is a terminal and NO_COLOR is unset or empty)."""
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
