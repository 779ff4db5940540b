"""The `docsecrets` command: parse, scan, render, write, return an exit code.

Exit codes: 0 nothing found (at or above --fail-on), 1 findings, 2 usage or fatal error.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence

import click

from docsecrets import __version__
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.types import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SEVERITIES = click.Choice([str(s) for s in Severity], case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docsecrets")
def cli() -> None:
    """Find credentials inside documents (spreadsheets, Word, PDF, ODF, mail, archives)."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=str),
              help="Write the report to this file instead of standard output.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per CPU).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout, show_default=True,
              help="Seconds one file may take before its reader is killed.")
@click.option("--max-file-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_file_size / MiB,
              show_default=True, help="Largest file read, in MiB.")
@click.option("--min-severity", type=_SEVERITIES, default="low", show_default=True,
              help="Report only findings at or above this severity.")
@click.option("--fail-on", type=_SEVERITIES, default="low", show_default=True,
              help="Exit 1 only for findings at or above this severity.")
@click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Skip files and folders matching GLOB (repeatable; added to the defaults).")
def scan(paths: Sequence[str], output_format: str, show_secrets: bool, output: str | None, jobs: int,
         timeout: float, max_file_size: float, min_severity: str, fail_on: str, excludes: Sequence[str]) -> None:
    """Scan files and folders (default: the current folder) for credentials."""
    from docsecrets.report import Report
    from docsecrets.scan import ScanOptions, scan_paths
    from docsecrets.walk import DEFAULT_EXCLUDES

    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    options = ScanOptions(limits=limits, jobs=jobs, excludes=DEFAULT_EXCLUDES + tuple(excludes))
    started = time.monotonic()
    results = scan_paths(list(paths) or ["."], options=options)
    report = Report(results=tuple(results), elapsed=time.monotonic() - started, show_secrets=show_secrets,
                    min_severity=Severity.parse(min_severity))
    if output_format == "json":
        from docsecrets.report import json as json_report

        rendered = json_report.render(report)
    elif output_format == "sarif":
        from docsecrets.report import sarif

        rendered = sarif.render(report)
    elif output_format == "github":
        from docsecrets.report import github

        rendered = github.render(report)
    else:
        from docsecrets.report import text as text_report

        color = output is None and sys.stdout.isatty()
        rendered = text_report.render(report, color=color)
    _write(rendered, output)
    threshold = Severity.parse(fail_on)
    failing = any(f.severity >= threshold for f in report.findings())
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@cli.command()
def rules() -> None:
    """List every rule with its id, severity and description."""
    from docsecrets.rules import RULES

    for rule in RULES:
        click.echo(f"{rule.id}  {str(rule.severity):8}  {rule.name:28}  {rule.description}")


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=str))
def extract(path: str) -> None:
    """Print the text docsecrets sees in one document, with locations and hidden flags."""
    from docsecrets.extract import get_extractor
    from docsecrets.extract.context import Context
    from docsecrets.sniff import sniff
    from docsecrets.types import ExtractError, Member, Row, Segment

    with open(path, "rb") as handle:
        data = handle.read(DEFAULT_LIMITS.max_file_size + 1)

    def show(data: bytes, name: str, indent: str) -> None:
        fmt = sniff(data, name)
        click.echo(f"{indent}# {name}: {fmt}")
        extractor = get_extractor(fmt)
        if extractor is None:
            click.echo(f"{indent}  (not read: {fmt})")
            return
        try:
            for item in extractor(data, Context.for_file(name)):
                if isinstance(item, Segment):
                    hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
                    click.echo(f"{indent}{item.location.describe()}{hidden}: {item.text}")
                elif isinstance(item, Row):
                    hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
                    cells = " | ".join(f"{c.ref or c.column}={c.text}" + (f" [hidden: {c.hidden}]" if c.hidden else "")
                                       for c in item.cells)
                    click.echo(f"{indent}{item.location.describe()}{hidden}: {cells}")
                elif isinstance(item, Member):
                    show(item.data, item.name, indent + "  ")
        except ExtractError as exc:
            click.echo(f"{indent}ERROR: {type(exc).__name__}: {exc}")

    show(data, path, "")


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="docsecrets", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_ERROR if code else EXIT_CLEAN)
    return EXIT_CLEAN
