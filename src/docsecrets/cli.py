"""The `docsecrets` command: parse, scan, render, write, return an exit code.

Exit codes: 0 nothing found (at or above --fail-on), 1 findings, 2 usage or fatal error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from docsecrets import __version__
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.types import Severity

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline
    from docsecrets.config import Config
    from docsecrets.report import Report
    from docsecrets.types import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_BASELINE = ".docsecrets-baseline.json"
_SEVERITIES = click.Choice([str(s) for s in Severity], case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docsecrets")
def cli() -> None:
    """Find credentials inside documents (spreadsheets, Word, PDF, ODF, mail, archives)."""


def _scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options shared by every command that scans."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
                     help="Worker processes (0: one per CPU)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout, show_default=True,
                     help="Seconds one file may take before its reader is killed."),
        click.option("--max-file-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_file_size / MiB,
                     show_default=True, help="Largest file read, in MiB."),
        click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
                     help="Skip files and folders matching GLOB (repeatable; added to the defaults)."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
                     help="Configuration file (default: .docsecrets.toml, or [tool.docsecrets] in pyproject.toml)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(paths: Sequence[str], *, jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config: Config, progress: bool = False, cache: bool = False) -> tuple[list[FileResult], float]:
    from docsecrets.scan import ScanOptions, scan_paths
    from docsecrets.walk import DEFAULT_EXCLUDES

    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    options = ScanOptions(limits=limits, jobs=jobs, excludes=DEFAULT_EXCLUDES + tuple(excludes), config=config)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        store = None
        if cache:
            from docsecrets.cache import Cache, config_key

            # key on what changes a file's result: not the timeout or memory cap (results that hit
            # them are never cached), not whether a cache or a baseline is in use
            key = config_key(dataclasses.replace(limits, timeout=0.0, memory=0),
                             dataclasses.replace(config, cache=False, baseline=None))
            store = stack.enter_context(Cache.open(version_key=key))
        callback = None
        if progress:
            from docsecrets.progress import Progress

            callback = stack.enter_context(Progress()).update
        results = scan_paths(list(paths) or ["."], options=options, on_result=callback, cache=store)
    return results, time.monotonic() - started


def _load_config(path: str | None) -> Config:
    from docsecrets import config as config_module

    try:
        return config_module.load(path)
    except config_module.ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _load_baseline(path: str | None) -> Baseline | None:
    if path is None:
        return None
    from docsecrets import baseline as baseline_module

    try:
        return baseline_module.load(path)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(str(exc)) from None


def _render(report: Report, output_format: str, *, color: bool) -> str:
    if output_format == "json":
        from docsecrets.report import json as json_report

        return json_report.render(report)
    if output_format == "sarif":
        from docsecrets.report import sarif

        return sarif.render(report)
    if output_format == "github":
        from docsecrets.report import github

        return github.render(report)
    from docsecrets.report import text as text_report

    return text_report.render(report, color=color)


@cli.command()
@_scan_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=str),
              help="Write the report to this file instead of standard output.")
@click.option("--min-severity", type=_SEVERITIES, default="low", show_default=True,
              help="Report only findings at or above this severity.")
@click.option("--fail-on", type=_SEVERITIES, default="low", show_default=True,
              help="Exit 1 only for findings at or above this severity.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help="Report and fail only on findings not in this baseline.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on standard error (default: on a terminal, with text output).")
@click.option("--cache/--no-cache", "use_cache", default=None,
              help="Reuse results of unchanged files from earlier sweeps (default: off, or `cache` in the "
                   "configuration). Never stores raw secrets; --show-secrets always rereads.")
def scan(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config_path: str | None, output_format: str, show_secrets: bool, output: str | None, min_severity: str,
         fail_on: str, baseline_path: str | None, progress: bool | None, use_cache: bool | None) -> None:
    """Scan files and folders (default: the current folder) for credentials."""
    from docsecrets.report import Report

    config = _load_config(config_path)
    baseline = _load_baseline(baseline_path or config.baseline)
    if progress is None:
        progress = sys.stderr.isatty() and output_format == "text"
    cache = (config.cache if use_cache is None else use_cache) and not show_secrets
    results, elapsed = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                            config=config, progress=progress, cache=cache)
    if baseline is not None:
        from docsecrets import baseline as baseline_module

        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, show_secrets=show_secrets,
                    min_severity=Severity.parse(min_severity))
    _write(_render(report, output_format, color=output is None and sys.stdout.isatty()), output)
    threshold = Severity.parse(fail_on)
    failing = any(f.severity >= threshold for f in report.findings())
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help=f"Baseline of accepted findings (default: {DEFAULT_BASELINE} when it exists).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str))
def hook(files: Sequence[str], baseline_path: str | None, config_path: str | None) -> None:
    """Pre-commit entry: scan the staged FILES; quiet when clean."""
    from docsecrets import baseline as baseline_module
    from docsecrets.report import Report
    from docsecrets.report import text as text_report

    if not files:
        sys.exit(EXIT_CLEAN)
    config = _load_config(config_path)
    path = baseline_path or config.baseline or (DEFAULT_BASELINE if os.path.exists(DEFAULT_BASELINE) else None)
    baseline = _load_baseline(path)
    results, elapsed = _run(files, jobs=0, timeout=DEFAULT_LIMITS.timeout, max_file_size=DEFAULT_LIMITS.max_file_size
                            / MiB, excludes=(), config=config)
    if baseline is not None:
        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed)
    findings = report.findings()
    if not findings:
        sys.exit(EXIT_CLEAN)
    lines = text_report.render(report).splitlines()[:-1]  # the findings, without the summary
    target = path or DEFAULT_BASELINE
    lines.append(f"docsecrets: {len(findings)} finding{'s' if len(findings) != 1 else ''}. Remove the secrets, "
                 f"or accept them with: docsecrets baseline create . -o {target}")
    click.echo("\n".join(lines))
    sys.exit(EXIT_FINDINGS)


@cli.group()
def baseline() -> None:
    """Record accepted findings, and review them."""


@baseline.command("create")
@_scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to write (reviews of entries it already holds are kept).")
def baseline_create(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
                    config_path: str | None, output: str) -> None:
    """Scan PATHS and record every finding (fingerprints, never secrets) in a baseline."""
    from docsecrets import baseline as baseline_module

    config = _load_config(config_path)
    previous = _load_baseline(output) if os.path.exists(output) else None
    results, _ = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                      config=config)
    created = baseline_module.from_results(results, previous)
    baseline_module.dump(created, output)
    click.echo(f"wrote {len(created.entries)} finding{'s' if len(created.entries) != 1 else ''} to {output}")


@baseline.command("audit")
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
@click.option("--accept", "accepted", multiple=True, metavar="FINGERPRINT", help="Mark an entry as accepted.")
@click.option("--false-positive", "false_positives", multiple=True, metavar="FINGERPRINT",
              help="Mark an entry as a false positive.")
@click.option("--reason", default="", help="Why (stored with the entries marked by this call).")
@click.option("--list", "list_only", is_flag=True, help="List the entries and their status, change nothing.")
def baseline_audit(path: str, accepted: Sequence[str], false_positives: Sequence[str], reason: str,
                   list_only: bool) -> None:
    """Review baseline entries: by flags in scripts, or one by one on a terminal."""
    from docsecrets import baseline as baseline_module

    current = _load_baseline(path)
    assert current is not None
    if list_only or (not accepted and not false_positives and not sys.stdin.isatty()):
        for fingerprint, entry in sorted(current.entries.items(), key=lambda kv: (kv[1].path, kv[1].where)):
            reason_text = f"  ({entry.reason})" if entry.reason else ""
            click.echo(f"{fingerprint[:12]}  {entry.status:14}  {entry.rule}  {entry.path}: {entry.where}{reason_text}")
        sys.exit(EXIT_CLEAN)
    try:
        for fingerprint in accepted:
            current = current.with_status(fingerprint, "accepted", reason)
        for fingerprint in false_positives:
            current = current.with_status(fingerprint, "false_positive", reason)
        if not accepted and not false_positives:
            current = _audit_interactively(current)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(str(exc)) from None
    baseline_module.dump(current, path)
    counts = {status: sum(1 for e in current.entries.values() if e.status == status)
              for status in baseline_module.STATUSES}
    click.echo(", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items()))


def _audit_interactively(current: Baseline) -> Baseline:
    for fingerprint, entry in sorted(current.entries.items(), key=lambda kv: (kv[1].path, kv[1].where)):
        if entry.status != "unreviewed":
            continue
        click.echo(f"{entry.path}: {entry.where}: {entry.rule} ({entry.severity})")
        choice = click.prompt("[a]ccept, [f]alse positive, [s]kip, [q]uit", type=click.Choice(["a", "f", "s", "q"]),
                              default="s", show_choices=False)
        if choice == "q":
            break
        if choice in ("a", "f"):
            why = click.prompt("reason", default="", show_default=False)
            current = current.with_status(fingerprint, "accepted" if choice == "a" else "false_positive", why)
    return current


@cli.command()
def rules() -> None:
    """List every rule with its id, severity and description."""
    from docsecrets.rules import RULES

    for rule in RULES:
        click.echo(f"{rule.id}  {str(rule.severity):8}  {rule.name:28}  {rule.description}")


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--explain", is_flag=True,
              help="Also say how each table's columns were read and why each finding was reported (secrets redacted).")
def extract(path: str, explain: bool) -> None:
    """Print the text docsecrets sees in one document, with locations and hidden flags."""
    from docsecrets.extract import get_extractor
    from docsecrets.extract.context import Context
    from docsecrets.rules.table_password import TableReader
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
        readers: dict[str, TableReader] = {}

        def notes(reader: TableReader) -> None:
            for note in reader.notes:
                click.echo(f"{indent}  ? {note}")
            reader.notes.clear()

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
                    if explain:
                        reader = readers.setdefault(item.table, TableReader())
                        list(reader.read(item))
                        notes(reader)
                elif isinstance(item, Member):
                    show(item.data, item.name, indent + "  ")
        except ExtractError as exc:
            click.echo(f"{indent}ERROR: {type(exc).__name__}: {exc}")
        for reader in readers.values():
            list(reader.flush())
            notes(reader)

    show(data, path, "")
    if explain:
        from docsecrets.engine import scan_bytes

        result = scan_bytes(data, path=path)
        click.echo(f"# findings: {len(result.findings)}")
        for finding in result.findings:
            where = "/".join((*finding.chain, finding.location.describe()))
            click.echo(f"{where}: {finding.rule_id} {finding.rule_name} {finding.redacted} "
                       f"[{finding.confidence}]: {finding.description}")
        for error in result.errors:
            click.echo(f"error: {error.error}")


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
