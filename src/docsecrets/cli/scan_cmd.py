"""`docsecrets scan`: the CI gate and the sweep."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from docsecrets.cli.app import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    FORMATS,
    SEVERITIES,
    STDIN,
    Fatal,
    cli,
    set_quiet,
)
from docsecrets.cli.options import (
    PII_OPTION,
    check_output,
    custom_rules,
    file_identity,
    load_config,
    run_scan,
    scan_options,
    use_baseline,
    with_pii,
)
from docsecrets.cli.output import finish_report
from docsecrets.types import Severity

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline
    from docsecrets.config import Config
    from docsecrets.types import FileResult


@cli.command()
@scan_options
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              default="text", show_default=True,
              help="Output format (jsonl: one JSON object per finding, error or skipped file, written as each "
                   "file finishes, then a summary line).")
@click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default).")
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="Write the report to this file instead of standard output (replaced whole; never through "
                   "a symlink).")
@click.option("--min-severity", type=SEVERITIES, default="low", show_default=True,
              help="Report only findings at or above this severity.")
@click.option("--fail-on", type=SEVERITIES, default="low", show_default=True,
              help="Exit 1 only for findings at or above this severity.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help="Report and fail only on findings not in this baseline.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on standard error (default: on a terminal, with text output).")
@click.option("--cache/--no-cache", "use_cache", default=None,
              help="Reuse results of unchanged files from earlier sweeps (default: off, or `cache` in the "
                   "configuration). Never stores raw secrets; --show-secrets always rereads.")
@PII_OPTION
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run the sweep on this Dask distributed cluster (pip install 'docsecrets[dask]').")
@click.option("--root", type=click.Path(file_okay=False, path_type=str),
              help="With --scheduler: report paths relative to this folder (default: the common folder of PATHS); "
                   "fingerprints stay those of a local scan from here.")
@click.option("--ship-bytes", is_flag=True,
              help="With --scheduler: read files here and send their bytes (workers without the shared storage).")
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing on standard output and no notes: the exit code says it (-o still writes).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour severities in text output (auto: on a terminal, unless NO_COLOR is set).")
def scan(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config_path: str | None, allow_unscannable: bool, files_from: str | None, null_separated: bool,
         output_format: str, show_secrets: bool, output: str | None, min_severity: str, fail_on: str,
         baseline_path: str | None, progress: bool | None, use_cache: bool | None, pii: bool,
         scheduler: str | None, root: str | None, ship_bytes: bool, quiet: bool, color: str) -> None:
    """Scan files and folders (default: the current folder; `-`: standard input) for credentials."""
    set_quiet(quiet)
    if (root is not None or ship_bytes) and not scheduler:
        raise click.UsageError("--root and --ship-bytes go with --scheduler")
    if scheduler and STDIN in paths:
        raise click.UsageError("standard input (-) cannot be scanned with --scheduler")
    cluster: dict[str, Any] | None = None if not scheduler else \
        {"scheduler": scheduler, "root": root, "ship_bytes": ship_bytes, "show_secrets": show_secrets}
    config = with_pii(load_config(config_path), pii)
    baseline_path = baseline_path or config.baseline
    baseline = use_baseline(baseline_path)
    own_files = [file_identity(baseline_path)]
    if output is not None:
        own_files.append(check_output(output))
    if progress is None:
        progress = sys.stderr.isatty() and output_format == "text" and not quiet
    cache = (config.cache if use_cache is None else use_cache) and not show_secrets and not scheduler
    if output_format in ("jsonl", "json", "sarif"):
        _scan_streamed(paths, output_format=output_format, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                       excludes=excludes, config=config, progress=progress, cache=cache, own_files=own_files,
                       show_secrets=show_secrets, output=output, min_severity=min_severity, fail_on=fail_on,
                       baseline=baseline, allow_unscannable=allow_unscannable, quiet=quiet, files_from=files_from,
                       null_separated=null_separated, cluster=cluster)
    # text, github, html: a report sorted by severity, so every result is needed before the first line; the
    # spool keeps those with something to report on disk and counts the clean ones, so the parent does not
    # grow with the sweep
    from docsecrets.spool import Spool

    with Spool(keep_secrets=show_secrets) as spool:
        _results, elapsed = run_scan(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                                     excludes=excludes, config=config, progress=progress, cache=cache,
                                     own_files=own_files, files_from=files_from, null_separated=null_separated,
                                     cluster=cluster, on_result=spool.add)
        finish_report(list(spool), elapsed=elapsed, output_format=output_format, show_secrets=show_secrets,
                      output=output, min_severity=min_severity, fail_on=fail_on, baseline=baseline, config=config,
                      allow_unscannable=allow_unscannable, quiet=quiet, color=color, clean=spool.clean)


def _scan_streamed(paths: Sequence[str], *, output_format: str, jobs: int, timeout: float, max_file_size: float,
                   excludes: Sequence[str], config: Config, progress: bool, cache: bool,
                   own_files: Sequence[tuple[int, int] | None], show_secrets: bool, output: str | None,
                   min_severity: str, fail_on: str, baseline: Baseline | None, allow_unscannable: bool,
                   quiet: bool = False, files_from: str | None = None, null_separated: bool = False,
                   cluster: dict[str, Any] | None = None) -> None:
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
            if output is not None:
                out = stack.enter_context(open_stream(output))
            elif quiet:  # -q: nothing on standard output, the exit code says it
                out = stack.enter_context(open(os.devnull, "w", encoding="utf-8"))
            else:
                out = sys.stdout
        except UnsafeTarget as exc:
            raise Fatal(safe(str(exc))) from None
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
            _results, elapsed = run_scan(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                                         excludes=excludes, config=config, progress=progress, cache=cache,
                                         own_files=own_files, on_result=take, files_from=files_from,
                                         null_separated=null_separated, cluster=cluster)
            if spool is not None and output_format == "sarif":
                from docsecrets.report import sarif

                sarif.render_stream(out, lambda: spool, show_secrets=show_secrets, min_severity=shown,
                                    rules=custom_rules(config))
                out.flush()
            elif spool is not None:
                json_report.render_stream(out, lambda: spool, clean=spool.clean, elapsed=elapsed,
                                          show_secrets=show_secrets, min_severity=shown)
                out.flush()
            else:
                writer.finish(elapsed)
        except BrokenPipeError:  # the reader went away: the report was not delivered
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise Fatal("standard output closed before the report was written") from None
    unscannable = gate["unscannable"] and not (allow_unscannable or config.allow_unscannable)
    sys.exit(EXIT_FINDINGS if gate["failing"] or unscannable else EXIT_CLEAN)
