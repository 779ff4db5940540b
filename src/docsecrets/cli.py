"""The `docsecrets` command: parse, scan, render, write, return an exit code.

Exit codes: 0 clean; 1 findings (at or above --fail-on) or a file that could not be scanned
(unless --allow-unscannable); 2 usage or internal error, checked before scanning where it can
be (a missing path, a folder that cannot be listed, an output that cannot be written safely);
130 / 143 on SIGINT / SIGTERM. Never a traceback: main() turns anything unexpected into one
line naming the exception type, never its message (it could quote a document).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import stat
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
    from docsecrets.rules.base import Rule
    from docsecrets.scan import ScanOptions
    from docsecrets.types import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"
DEFAULT_BASELINE = ".docsecrets-baseline.json"
_SEVERITIES = click.Choice([str(s) for s in Severity], case_sensitive=False)


class _Fatal(click.ClickException):
    """An error after the scan (the report cannot be delivered): exit 2, never 1 ("findings")."""

    exit_code = EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docsecrets")
def cli() -> None:
    """Find credentials inside documents (spreadsheets, Word, PDF, ODF, mail, archives)."""


def _finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter("must be a finite number")
    return value


def _scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options shared by every command that scans."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
                     help="Worker processes (0: one per CPU)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout, show_default=True,
                     callback=_finite, help="Seconds one file may take before its reader is killed."),
        click.option("--max-file-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_file_size / MiB,
                     show_default=True, callback=_finite, help="Largest file read, in MiB."),
        click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
                     help="Skip files and folders matching GLOB (repeatable; added to the defaults)."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
                     help="Configuration file (default: .docsecrets.toml, or [tool.docsecrets] in pyproject.toml)."),
        click.option("--allow-unscannable", is_flag=True,
                     help="Files that could not be scanned are still reported but do not fail the run "
                          "(default: they fail it; config key allow_unscannable)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _check_paths(paths: Sequence[str]) -> list[str]:
    """Every path must exist and every folder be listable, before anything is scanned: a typo
    is a usage error, never an empty, successful scan."""
    from docsecrets.report import safe

    if list(paths).count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be named only once")
    for path in paths:
        if path == STDIN:
            continue
        try:
            info = os.stat(path)
            if stat.S_ISDIR(info.st_mode):
                with os.scandir(path):
                    pass
        except OSError as exc:
            reason = "no such file or folder" if isinstance(exc, FileNotFoundError) else \
                str(exc.strerror or exc).lower()
            raise click.UsageError(f"cannot scan {safe(path)}: {reason}") from None
    return list(paths) or ["."]


def _check_output(path: str) -> tuple[int, int] | None:
    """Refuse an output that cannot be written safely, before the scan; its identity, so the
    scan never reads its own earlier report."""
    from docsecrets.report import safe
    from docsecrets.safe_write import UnsafeTarget, check_target

    try:
        info = check_target(path)
    except UnsafeTarget as exc:
        raise click.UsageError(safe(str(exc))) from None
    return (info.st_dev, info.st_ino) if info is not None else None


def _identity(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _run(paths: Sequence[str], *, jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config: Config, progress: bool = False, cache: bool = False,
         own_files: Sequence[tuple[int, int] | None] = (),
         on_result: Callable[[FileResult], None] | None = None) -> tuple[list[FileResult], float]:
    """Scan; with `on_result`, each result goes there as its file finishes and none is kept."""
    from docsecrets.scan import ScanOptions, scan_paths
    from docsecrets.walk import DEFAULT_EXCLUDES

    paths = _check_paths(paths)
    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    options = ScanOptions(limits=limits, jobs=jobs, excludes=DEFAULT_EXCLUDES + tuple(excludes), config=config,
                          own_files=frozenset(i for i in own_files if i is not None))
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        store = None
        if cache:
            from docsecrets.cache import Cache, config_key

            # key on what changes a file's result: not the timeout or memory cap (results that hit
            # them are never cached), not whether a cache or a baseline is in use
            key = config_key(dataclasses.replace(limits, timeout=0.0, memory=0),
                             dataclasses.replace(config, cache=False, baseline=None, allow_unscannable=False))
            store = stack.enter_context(Cache.open(version_key=key))
        callback = on_result
        if progress:
            from docsecrets.progress import Progress

            update = stack.enter_context(Progress()).update
            callback = update if on_result is None else _both(on_result, update)
        results = scan_paths(paths, options=options, on_result=callback, cache=store, keep=on_result is None)
    return results, time.monotonic() - started


def _both(first: Callable[[FileResult], None], then: Callable[[FileResult], None]) -> Callable[[FileResult], None]:
    def call(result: FileResult) -> None:
        first(result)
        then(result)

    return call


_PII_OPTION = click.option(
    "--pii", is_flag=True,
    help="Also look for patient and personal data: patient lists, social-security numbers (NIR), IBANs, card "
         "numbers, DICOM headers (the health pack; `packs = [\"health\"]` in the configuration). Recommended "
         "for web roots and file shares.")


def _with_pii(config: Config, pii: bool) -> Config:
    if not pii or "health" in config.packs:
        return config
    return dataclasses.replace(config, packs=tuple(sorted((*config.packs, "health"))))


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
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl", "sarif", "github"]),
              default="text", show_default=True,
              help="Output format (jsonl: one JSON object per finding, error or skipped file, written as each "
                   "file finishes, then a summary line).")
@click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default).")
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="Write the report to this file instead of standard output (replaced whole; never through "
                   "a symlink).")
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
@_PII_OPTION
def scan(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config_path: str | None, allow_unscannable: bool, output_format: str, show_secrets: bool,
         output: str | None, min_severity: str, fail_on: str, baseline_path: str | None, progress: bool | None,
         use_cache: bool | None, pii: bool) -> None:
    """Scan files and folders (default: the current folder; `-`: standard input) for credentials."""
    config = _with_pii(_load_config(config_path), pii)
    baseline_path = baseline_path or config.baseline
    baseline = _load_baseline(baseline_path)
    own_files = [_identity(baseline_path)]
    if output is not None:
        own_files.append(_check_output(output))
    if progress is None:
        progress = sys.stderr.isatty() and output_format == "text"
    cache = (config.cache if use_cache is None else use_cache) and not show_secrets
    if output_format in ("jsonl", "json", "sarif"):
        _scan_streamed(paths, output_format=output_format, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                    config=config, progress=progress, cache=cache, own_files=own_files, show_secrets=show_secrets,
                    output=output, min_severity=min_severity, fail_on=fail_on, baseline=baseline,
                    allow_unscannable=allow_unscannable)
    results, elapsed = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                            config=config, progress=progress, cache=cache, own_files=own_files)
    _finish(results, elapsed=elapsed, output_format=output_format, show_secrets=show_secrets, output=output,
            min_severity=min_severity, fail_on=fail_on, baseline=baseline, config=config,
            allow_unscannable=allow_unscannable)


def _scan_streamed(paths: Sequence[str], *, output_format: str, jobs: int, timeout: float, max_file_size: float,
                   excludes: Sequence[str], config: Config, progress: bool, cache: bool,
                   own_files: Sequence[tuple[int, int] | None], show_secrets: bool, output: str | None,
                   min_severity: str, fail_on: str, baseline: Baseline | None, allow_unscannable: bool) -> None:
    """`scan --format jsonl|json|sarif` without holding the results: jsonl lines are written as each file
    finishes; json and sarif results are spooled to a private temporary file and rendered from it, sorted."""
    from docsecrets.report import GATE_EXEMPT_KINDS, safe
    from docsecrets.report import json as json_report
    from docsecrets.report.jsonl import JsonlWriter
    from docsecrets.safe_write import UnsafeTarget, open_stream
    from docsecrets.spool import Spool

    shown, threshold = Severity.parse(min_severity), Severity.parse(fail_on)
    gate = {"failing": False, "unscannable": False}
    with contextlib.ExitStack() as stack:
        try:
            out = sys.stdout if output is None else stack.enter_context(open_stream(output))
        except UnsafeTarget as exc:
            raise _Fatal(safe(str(exc))) from None
        writer = JsonlWriter(out, show_secrets=show_secrets, min_severity=shown, fail_on=threshold)
        spool = stack.enter_context(Spool(keep_secrets=show_secrets)) if output_format != "jsonl" else None

        def take(result: FileResult) -> None:
            if baseline is not None:
                from docsecrets import baseline as baseline_module

                (result,) = baseline_module.subtract([result], baseline)
            gate["failing"] |= any(f.severity >= shown and f.severity >= threshold for f in result.findings)
            gate["unscannable"] |= any(e.kind not in GATE_EXEMPT_KINDS for e in result.errors)
            if spool is not None:
                spool.add(result)
            else:
                writer.write(result)

        try:
            _results, elapsed = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                                     excludes=excludes, config=config, progress=progress, cache=cache,
                                     own_files=own_files, on_result=take)
            if spool is not None and output_format == "sarif":
                from docsecrets.report import sarif

                sarif.render_stream(out, lambda: spool, show_secrets=show_secrets, min_severity=shown,
                                    rules=_custom_rules(config))
                out.flush()
            elif spool is not None:
                json_report.render_stream(out, lambda: spool, clean=spool.clean, elapsed=elapsed,
                                          show_secrets=show_secrets, min_severity=shown)
                out.flush()
            else:
                writer.finish(elapsed)
        except BrokenPipeError:  # the reader went away: the report was not delivered
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise _Fatal("standard output closed before the report was written") from None
    unscannable = gate["unscannable"] and not (allow_unscannable or config.allow_unscannable)
    sys.exit(EXIT_FINDINGS if gate["failing"] or unscannable else EXIT_CLEAN)


def _custom_rules(config: Config) -> tuple[Rule, ...]:
    if not config.rules:
        return ()
    from docsecrets.rules.custom import RegexRule

    return tuple(RegexRule(spec).rule for spec in config.rules)


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
                            / MiB, excludes=(), config=config, own_files=[_identity(path)])
    if baseline is not None:
        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, rules=_custom_rules(config))
    findings = report.findings()
    unscannable = report.unscannable() if not config.allow_unscannable else []
    if not findings and not unscannable:
        sys.exit(EXIT_CLEAN)
    lines = text_report.render(report).splitlines()[:-1]  # the findings and errors, without the summary
    if findings:
        target = path or DEFAULT_BASELINE
        lines.append(f"docsecrets: {len(findings)} finding{'s' if len(findings) != 1 else ''}. Remove the secrets, "
                     f"or accept them with: docsecrets baseline create . -o {target}")
    if unscannable:
        count = len({e.path for e in unscannable})
        them = "them" if count != 1 else "it"
        lines.append(f"docsecrets: {count} file{'s' if count != 1 else ''} could not be scanned (ERROR lines above): "
                     f"fix {them}, or exclude {them} in the configuration")
    click.echo("\n".join(lines))
    sys.exit(EXIT_FINDINGS)


@cli.group()
def baseline() -> None:
    """Record accepted findings, and review them."""


@baseline.command("create")
@_scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to write (reviews of entries it already holds are kept).")
@_PII_OPTION
def baseline_create(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
                    config_path: str | None, allow_unscannable: bool, output: str, pii: bool) -> None:
    """Scan PATHS and record every finding (fingerprints, never secrets) in a baseline.

    Files that could not be scanned are listed on standard error and exit 1 (after the baseline
    is written): their findings are not in it. --allow-unscannable exits 0.
    """
    from docsecrets import baseline as baseline_module
    from docsecrets.report import Report, display_path, safe

    config = _with_pii(_load_config(config_path), pii)
    identity = _check_output(output)
    previous = _load_baseline(output) if identity is not None else None
    results, _ = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                      config=config, own_files=[identity])
    created = baseline_module.from_results(results, previous)
    try:
        baseline_module.dump(created, output)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(safe(str(exc))) from None
    click.echo(f"wrote {len(created.entries)} finding{'s' if len(created.entries) != 1 else ''} to {safe(output)}")
    unscannable = Report(results=tuple(results)).unscannable()
    for error in unscannable:
        click.echo(safe(f"{display_path(error.path, error.chain)}: ERROR {error.error}"), err=True)
    if unscannable and not (allow_unscannable or config.allow_unscannable):
        sys.exit(EXIT_FINDINGS)


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
            _echo(f"{fingerprint[:12]}  {entry.status:14}  {entry.rule}  {entry.path}: {entry.where}{reason_text}")
        sys.exit(EXIT_CLEAN)
    try:
        for fingerprint in accepted:
            current = current.with_status(fingerprint, "accepted", reason)
        for fingerprint in false_positives:
            current = current.with_status(fingerprint, "false_positive", reason)
        if not accepted and not false_positives:
            current = _audit_interactively(current)
        baseline_module.dump(current, path)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(str(exc)) from None
    counts = {status: sum(1 for e in current.entries.values() if e.status == status)
              for status in baseline_module.STATUSES}
    click.echo(", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items()))


def _audit_interactively(current: Baseline) -> Baseline:
    for fingerprint, entry in sorted(current.entries.items(), key=lambda kv: (kv[1].path, kv[1].where)):
        if entry.status != "unreviewed":
            continue
        _echo(f"{entry.path}: {entry.where}: {entry.rule} ({entry.severity})")
        choice = click.prompt("[a]ccept, [f]alse positive, [s]kip, [q]uit", type=click.Choice(["a", "f", "s", "q"]),
                              default="s", show_choices=False)
        if choice == "q":
            break
        if choice in ("a", "f"):
            why = click.prompt("reason", default="", show_default=False)
            current = current.with_status(fingerprint, "accepted" if choice == "a" else "false_positive", why)
    return current


@cli.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Configuration file whose custom rules ([[rules]]) are listed too.")
def rules(config_path: str | None) -> None:
    """List every rule (with the configuration's custom ones) with its id, severity and description."""
    from docsecrets.report import safe
    from docsecrets.rules import RULES

    for rule in (*RULES, *_custom_rules(_load_config(config_path))):
        click.echo(f"{rule.id}  {str(rule.severity):8}  {safe(rule.name):28}  {safe(rule.description)}")


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
        _echo(f"{indent}# {name}: {fmt}")
        extractor = get_extractor(fmt)
        if extractor is None:
            _echo(f"{indent}  (not read: {fmt})")
            return
        try:
            for item in extractor(data, Context.for_file(name)):
                if isinstance(item, Segment):
                    hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
                    _echo(f"{indent}{item.location.describe()}{hidden}: {item.text}", newlines=True)
                elif isinstance(item, Row):
                    hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
                    cells = " | ".join(f"{c.ref or c.column}={c.text}" + (f" [hidden: {c.hidden}]" if c.hidden else "")
                                       for c in item.cells)
                    _echo(f"{indent}{item.location.describe()}{hidden}: {cells}")
                elif isinstance(item, Member):
                    show(item.data, item.name, indent + "  ")
        except ExtractError as exc:
            _echo(f"{indent}ERROR: {type(exc).__name__}: {exc}")

    show(data, path, "")


def _echo(text: str, *, newlines: bool = False) -> None:
    """Text that quotes a file name or a document, control characters escaped (see report.safe);
    with `newlines`, line breaks are kept (the text of a document, in `extract`)."""
    from docsecrets.report import safe

    click.echo("\n".join(safe(line) for line in text.split("\n")) if newlines else safe(text))


def _write(text: str, output: str | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away: the report was not delivered
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise _Fatal("standard output closed before the report was written") from None
        return
    from docsecrets.report import safe
    from docsecrets.safe_write import UnsafeTarget, write_text

    try:
        write_text(output, text)
    except UnsafeTarget as exc:
        raise _Fatal(safe(str(exc))) from None


# ---------------------------------------------------------------------------------------------
# crawl and history: documents that are not files on this disk


def _report_options(command: Callable[..., None]) -> Callable[..., None]:
    """Output and gate options of commands that report like `scan`."""
    options = [
        click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]),
                     default="text", show_default=True, help="Output format."),
        click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default)."),
        click.option("-o", "--output", type=click.Path(path_type=str),
                     help="Write the report to this file instead of standard output (replaced whole; never "
                          "through a symlink)."),
        click.option("--min-severity", type=_SEVERITIES, default="low", show_default=True,
                     help="Report only findings at or above this severity."),
        click.option("--fail-on", type=_SEVERITIES, default="low", show_default=True,
                     help="Exit 1 only for findings at or above this severity."),
        click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
                     help="Report and fail only on findings not in this baseline."),
        click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
                     help="Also record every finding (fingerprints, never secrets) in this baseline, keeping the "
                          "reviews of entries it already holds."),
        click.option("--allow-unscannable", is_flag=True,
                     help="Do not fail (exit 1) because something could not be fetched or read; it is still "
                          "reported."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
                     help="Worker processes (0: one per CPU)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout, show_default=True,
                     help="Seconds one document may take before its reader is killed."),
        click.option("--max-file-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_file_size / MiB,
                     show_default=True, help="Largest document read, in MiB."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
                     help="Configuration file (default: .docsecrets.toml, or [tool.docsecrets] in pyproject.toml)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _scan_stream_options(*, jobs: int, timeout: float, max_file_size: float, config: Config) -> ScanOptions:
    from docsecrets.scan import ScanOptions

    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    return ScanOptions(limits=limits, jobs=jobs, config=config)


def _finish(results: list[FileResult], *, elapsed: float, output_format: str, show_secrets: bool, output: str | None,
            min_severity: str, fail_on: str, baseline: Baseline | None, config: Config, allow_unscannable: bool,
            write_baseline: str | None = None, render: Callable[[Report, str], str | None] | None = None) -> None:
    """Subtract the baseline, render, write, exit: 1 on findings at --fail-on, or on anything unscannable."""
    from docsecrets.report import Report

    if write_baseline is not None:
        from docsecrets import baseline as baseline_module

        previous = _load_baseline(write_baseline) if os.path.exists(write_baseline) else None
        baseline_module.dump(baseline_module.from_results(results, previous), write_baseline)
    if baseline is not None:
        from docsecrets import baseline as baseline_module

        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, show_secrets=show_secrets,
                    min_severity=Severity.parse(min_severity), rules=_custom_rules(config))
    text = render(report, output_format) if render is not None else None
    if text is None:
        text = _render(report, output_format, color=output is None and sys.stdout.isatty())
    _write(text, output)
    threshold = Severity.parse(fail_on)
    failing = any(f.severity >= threshold for f in report.findings())
    unscannable = bool(report.unscannable()) and not (allow_unscannable or config.allow_unscannable)
    sys.exit(EXIT_FINDINGS if failing or unscannable else EXIT_CLEAN)


def _fatal(message: str) -> None:
    click.echo(f"docsecrets: {message}", err=True)
    sys.exit(EXIT_ERROR)


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@_report_options
@click.option("--max-depth", type=click.IntRange(min=0), default=10, show_default=True,
              help="Links followed from a start URL.")
@click.option("--max-pages", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Requests in all (robots.txt not counted).")
@click.option("--max-total", type=click.FloatRange(min=0.001), default=2048.0, show_default=True,
              help="MiB downloaded in all.")
@click.option("--max-time", type=click.FloatRange(min=0.1), default=3600.0, show_default=True,
              help="Seconds for the whole crawl.")
@click.option("--rate", type=click.FloatRange(min=0.01), default=5.0, show_default=True,
              help="Requests per second, at most.")
@click.option("--request-timeout", type=click.FloatRange(min=0.05), default=30.0, show_default=True,
              help="Seconds one request may take, connection to last byte.")
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates.")
@click.option("--ignore-robots", is_flag=True,
              help="Do not honour robots.txt (an owner auditing their own site).")
def crawl(urls: Sequence[str], output_format: str, show_secrets: bool, output: str | None, min_severity: str,
          fail_on: str, baseline_path: str | None, write_baseline: str | None, allow_unscannable: bool, jobs: int,
          timeout: float,
          max_file_size: float, config_path: str | None, max_depth: int, max_pages: int, max_total: float,
          max_time: float, rate: float, request_timeout: float, insecure: bool, ignore_robots: bool) -> None:
    """Fetch what a visitor can reach on the web sites at URL... and scan every document, in memory.

    Follows links (href, src) and directory listings within each URL's scheme, host and port,
    plus links to documents on the same host; GET only. Anything that cannot be fetched
    (unreachable, HTTP error, redirect off the site, oversize, budget spent) is reported and
    fails the run unless --allow-unscannable.
    """
    from docsecrets import crawl as crawl_module
    from docsecrets.scan import scan_stream

    config = _load_config(config_path)
    baseline = _load_baseline(baseline_path or config.baseline)
    if output is not None:
        _check_output(output)
    options = crawl_module.CrawlOptions(
        max_depth=max_depth, max_pages=max_pages, max_file_size=int(max_file_size * MiB),
        max_total=int(max_total * MiB), max_time=max_time, rate=rate, request_timeout=request_timeout,
        insecure=insecure, ignore_robots=ignore_robots)
    started = time.monotonic()
    try:
        results = scan_stream(crawl_module.crawl(urls, options=options),
                              options=_scan_stream_options(jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                                                           config=config))
    except crawl_module.CrawlError as exc:
        _fatal(str(exc))
        return
    _finish(results, elapsed=time.monotonic() - started, output_format=output_format, show_secrets=show_secrets,
            output=output, min_severity=min_severity, fail_on=fail_on, baseline=baseline, config=config,
            allow_unscannable=allow_unscannable, write_baseline=write_baseline)


@cli.command()
@click.argument("repo", default=".", type=click.Path(exists=True, file_okay=False, path_type=str))
@_report_options
@click.option("--since", metavar="DATE", help="Only blobs introduced by commits since DATE (as git log --since).")
@click.option("--branch", "branches", multiple=True, metavar="REF",
              help="Only commits reachable from REF, or in a range A..B (repeatable; default: every ref).")
@click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Skip paths matching GLOB (repeatable; added to the defaults).")
def history(repo: str, output_format: str, show_secrets: bool, output: str | None, min_severity: str, fail_on: str,
            baseline_path: str | None, write_baseline: str | None, allow_unscannable: bool, jobs: int, timeout: float,
            max_file_size: float,
            config_path: str | None, since: str | None, branches: Sequence[str], excludes: Sequence[str]) -> None:
    """Scan every blob of a git repository's history (default: the current folder) once.

    Deleted and overwritten documents are still in every clone. Each finding names the
    commits that carried it, its path, the author date, and whether the file is still at HEAD.
    """
    from docsecrets import history as history_module
    from docsecrets.scan import scan_stream
    from docsecrets.walk import DEFAULT_EXCLUDES

    config = _load_config(config_path)
    baseline = _load_baseline(baseline_path or config.baseline)
    if output is not None:
        _check_output(output)
    started = time.monotonic()
    try:
        mapped = history_module.map_history(repo, since=since, branches=branches)
        blobs = history_module.read_blobs(repo, mapped, max_file_size=int(max_file_size * MiB),
                                          excludes=DEFAULT_EXCLUDES + tuple(excludes) + config.exclude)
        results = scan_stream(blobs, options=_scan_stream_options(jobs=jobs, timeout=timeout,
                                                                  max_file_size=max_file_size, config=config))
    except history_module.HistoryError as exc:
        _fatal(str(exc))
        return
    attributed = history_module.attribute(results, mapped)

    def render(report: Report, output_format: str) -> str | None:
        if output_format == "text":
            decorated = dataclasses.replace(report, results=tuple(history_module.decorate(
                report.results, attributed.provenance)))
            return _render(decorated, "text", color=output is None and sys.stdout.isatty())
        if output_format == "json":
            import json

            document = json.loads(_render(report, "json", color=False))
            for finding, rendered in zip(report.findings(), document["findings"]):
                provenance = attributed.provenance.get(history_module.finding_key(finding))
                if provenance is not None:
                    rendered["history"] = provenance.as_dict()
            return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        return None

    _finish(attributed.results, elapsed=time.monotonic() - started, output_format=output_format,
            show_secrets=show_secrets, output=output, min_severity=min_severity, fail_on=fail_on, baseline=baseline,
            config=config, allow_unscannable=allow_unscannable, write_baseline=write_baseline, render=render)


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point: runs the command and returns its exit code; never lets a traceback out."""
    from docsecrets.interrupt import Interrupted, handled

    try:
        with handled():
            result = cli.main(args=list(argv) if argv is not None else None, prog_name="docsecrets",
                              standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_ERROR if code else EXIT_CLEAN)
    except Interrupted as exc:
        _say(f"docsecrets: interrupted ({exc.name})")
        return exc.exit_code
    except click.exceptions.Abort:
        _say("docsecrets: aborted")
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 2, not a traceback
        # the type only: a message could quote a document or a secret
        _say(f"docsecrets: internal error ({type(exc).__name__}); please report it")
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
