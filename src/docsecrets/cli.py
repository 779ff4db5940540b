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
from typing import TYPE_CHECKING, Any

import click

from docsecrets import __version__
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.types import Severity

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline, Entry
    from docsecrets.config import Config
    from docsecrets.report import Report
    from docsecrets.rules.base import Rule
    from docsecrets.scan import ScanOptions
    from docsecrets.types import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"
DEFAULT_BASELINE = ".docsecrets-baseline.json"
FORMATS = ("text", "json", "jsonl", "sarif", "github", "html")
_SEVERITIES = click.Choice([str(s) for s in Severity], case_sensitive=False)


class _Fatal(click.ClickException):
    """An error after the scan (the report cannot be delivered): exit 2, never 1 ("findings")."""

    exit_code = EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docsecrets")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find credentials inside documents (spreadsheets, Word, PDF, ODF, mail, archives)."""
    from docsecrets.paths import set_root

    global _quiet
    _quiet = False
    ctx.call_on_close(lambda: set_root(None))  # a command's baseline root ends with it


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
        click.option("--files-from", type=click.Path(dir_okay=False, allow_dash=True, path_type=str), metavar="FILE",
                     help="Also scan the paths listed in FILE, one a line (`-`: standard input), e.g. "
                          "`git ls-files -z | docsecrets scan --files-from - -0`."),
        click.option("-0", "--null", "null_separated", is_flag=True,
                     help="Paths in --files-from are separated by NUL characters, not line breaks."),
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


def _read_files_from(source: str | None, null_separated: bool) -> list[str] | None:
    """The paths listed in `source` (`-`: standard input), NUL- or line-separated; None without it."""
    if source is None:
        return None
    from docsecrets.report import safe

    try:
        if source == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise click.UsageError(f"cannot read --files-from {safe(source)}: {str(exc.strerror or exc).lower()}") from None
    names = data.split(b"\0") if null_separated else data.splitlines()
    return [os.fsdecode(name) for name in names if name.strip()]


def _cap_jobs(jobs: int) -> int:
    """At most one worker per CPU this process may use: more only adds forks and memory."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if jobs > cpus:
        _note(f"docsecrets: --jobs {jobs} capped to {cpus} (the CPUs available)")
        return cpus
    return jobs


_quiet = False


def _note(line: str) -> None:
    """A remark on standard error, silenced by -q."""
    if not _quiet:
        click.echo(line, err=True)


def _run(paths: Sequence[str], *, jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config: Config, progress: bool = False, cache: bool = False,
         own_files: Sequence[tuple[int, int] | None] = (), files_from: str | None = None,
         null_separated: bool = False, cluster: dict[str, Any] | None = None,
         on_result: Callable[[FileResult], None] | None = None) -> tuple[list[FileResult], float]:
    """Scan; with `on_result`, each result goes there as its file finishes and none is kept."""
    from docsecrets.scan import ScanOptions, scan_paths
    from docsecrets.walk import DEFAULT_EXCLUDES

    if null_separated and files_from is None:
        raise click.UsageError("-0 applies to --files-from, which is missing")
    listed = _read_files_from(files_from, null_separated)
    if listed is not None:
        if files_from == STDIN and STDIN in paths:
            raise click.UsageError("standard input cannot be both --files-from - and a scanned path (-)")
        paths = [*paths, *listed]
        if not paths:
            return [], 0.0  # an empty list scans nothing (not the current folder)
    paths = _check_paths(paths)
    jobs = _cap_jobs(jobs) if cluster is None else jobs  # a cluster has its own CPUs
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
        if cluster is not None:  # --scheduler: the same options, run on a Dask cluster (no local cache)
            from docsecrets import distributed

            try:
                results = distributed.scan_cluster(paths, options=options, on_result=callback, **cluster)
            except distributed.DistributedError as exc:
                click.echo(f"docsecrets: {exc}", err=True)
                sys.exit(EXIT_ERROR)
        else:
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


def _use_baseline(path: str | None, *, files: bool = True) -> Baseline | None:
    """The baseline a gate subtracts; its folder becomes the root of fingerprint paths.

    A missing file at the conventional name (.docsecrets-baseline.json) is an empty baseline
    with a note: a fresh repository has none yet, and CI snippets must work there. Any other
    missing name is a usage error (a typo in a path is never silently an empty baseline).
    `files`: the scanned paths are files here, relative to the baseline's folder (not so for
    crawled URLs and paths inside a repository's history).
    """
    from docsecrets.paths import root_of, set_root

    if files:
        set_root(root_of(path))
    if path is None:
        return None
    if not os.path.lexists(path) and os.path.basename(path) == DEFAULT_BASELINE:
        from docsecrets.baseline import Baseline as BaselineType
        from docsecrets.report import safe

        _note(f"docsecrets: no baseline at {safe(path)} yet: every finding counts")
        return BaselineType()
    if not os.path.lexists(path):
        from docsecrets.report import safe

        raise click.UsageError(f"baseline {safe(path)} does not exist (create it with: docsecrets baseline create "
                               f"-o {safe(path)})")
    return _load_baseline(path)


def _load_baseline(path: str | None) -> Baseline | None:
    if path is None:
        return None
    from docsecrets import baseline as baseline_module

    try:
        return baseline_module.load(path)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(str(exc)) from None


def _render(report: Report, output_format: str, *, color: bool) -> str:
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


@cli.command()
@_scan_options
@click.option("--format", "output_format", type=click.Choice(FORMATS),
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
    global _quiet
    _quiet = quiet
    if (root is not None or ship_bytes) and not scheduler:
        raise click.UsageError("--root and --ship-bytes go with --scheduler")
    if scheduler and STDIN in paths:
        raise click.UsageError("standard input (-) cannot be scanned with --scheduler")
    cluster: dict[str, Any] | None = None if not scheduler else \
        {"scheduler": scheduler, "root": root, "ship_bytes": ship_bytes, "show_secrets": show_secrets}
    config = _with_pii(_load_config(config_path), pii)
    baseline_path = baseline_path or config.baseline
    baseline = _use_baseline(baseline_path)
    own_files = [_identity(baseline_path)]
    if output is not None:
        own_files.append(_check_output(output))
    if progress is None:
        progress = sys.stderr.isatty() and output_format == "text" and not quiet
    cache = (config.cache if use_cache is None else use_cache) and not show_secrets and not scheduler
    if output_format in ("jsonl", "json", "sarif"):
        _scan_streamed(paths, output_format=output_format, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                       excludes=excludes, config=config, progress=progress, cache=cache, own_files=own_files,
                       show_secrets=show_secrets, output=output, min_severity=min_severity, fail_on=fail_on,
                       baseline=baseline, allow_unscannable=allow_unscannable, quiet=quiet, files_from=files_from,
                       null_separated=null_separated, cluster=cluster)
    results, elapsed = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                            config=config, progress=progress, cache=cache, own_files=own_files,
                            files_from=files_from, null_separated=null_separated, cluster=cluster)
    _finish(results, elapsed=elapsed, output_format=output_format, show_secrets=show_secrets, output=output,
            min_severity=min_severity, fail_on=fail_on, baseline=baseline, config=config,
            allow_unscannable=allow_unscannable, quiet=quiet, color=color)


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
                                     own_files=own_files, on_result=take, files_from=files_from,
                                     null_separated=null_separated, cluster=cluster)
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
    from docsecrets.rules.ruleset import custom_records

    return custom_records(config)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help=f"Baseline of accepted findings (default: {DEFAULT_BASELINE} when it exists).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--min-severity", type=_SEVERITIES, default="low", show_default=True,
              help="Report only findings at or above this severity.")
@click.option("--fail-on", type=_SEVERITIES, default="low", show_default=True,
              help="Block the commit only for findings at or above this severity (the others are printed).")
def hook(files: Sequence[str], baseline_path: str | None, config_path: str | None, min_severity: str,
         fail_on: str) -> None:
    """Pre-commit entry: scan the staged FILES; quiet when clean."""
    from docsecrets import baseline as baseline_module
    from docsecrets.report import Report, safe
    from docsecrets.report import text as text_report

    if not files:
        sys.exit(EXIT_CLEAN)
    config = _load_config(config_path)
    path = baseline_path or config.baseline or (DEFAULT_BASELINE if os.path.exists(DEFAULT_BASELINE) else None)
    baseline = _use_baseline(path)
    results, elapsed = _run(files, jobs=0, timeout=DEFAULT_LIMITS.timeout, max_file_size=DEFAULT_LIMITS.max_file_size
                            / MiB, excludes=(), config=config, own_files=[_identity(path)])
    if baseline is not None:
        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, rules=_custom_rules(config),
                    min_severity=Severity.parse(min_severity))
    findings = report.findings()
    blocking = [f for f in findings if f.severity >= Severity.parse(fail_on)]
    unscannable = report.unscannable() if not config.allow_unscannable else []
    if not findings and not unscannable:
        sys.exit(EXIT_CLEAN)
    lines = text_report.render(report).splitlines()[:-1]  # the findings and errors, without the summary
    encrypted = sorted({f.path for f in findings if f.rule_id == "DS000"})
    leaks = sorted({f.path for f in findings if f.rule_id != "DS000"})
    target = path or DEFAULT_BASELINE
    if leaks:
        count = sum(1 for f in findings if f.rule_id != "DS000")
        lines.append(f"docsecrets: {_plural(count, 'finding')} in {_plural(len(leaks), 'file')}: remove the secrets "
                     f"(and rotate them: they may already be copied), or accept them into the baseline (below).")
    if encrypted:
        lines.append(f"docsecrets: {_plural(len(encrypted), 'encrypted document')} that docsecrets cannot read "
                     f"inside: commit {'it' if len(encrypted) == 1 else 'them'} only if the password is not shared "
                     f"alongside, else commit a copy without a password; to accept "
                     f"{'it' if len(encrypted) == 1 else 'them'}, see below.")
    if findings:
        names = " ".join(_shell_quote(safe(p)) for p in (*leaks, *encrypted))
        lines.append(f"  accept: pre-commit run docsecrets-baseline --hook-stage manual --files {names}")
        lines.append(f"     (or, with docsecrets installed: docsecrets baseline add -o {safe(target)} {names})")
        lines.append(f"     then: git add {safe(target)}")
    if unscannable:
        count = len({e.path for e in unscannable})
        them = "them" if count != 1 else "it"
        lines.append(f"docsecrets: {_plural(count, 'file')} could not be scanned (ERROR lines above): "
                     f"fix {them}, or exclude {them} in the configuration")
    click.echo("\n".join(lines))
    sys.exit(EXIT_FINDINGS if blocking or unscannable else EXIT_CLEAN)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


@cli.group()
def baseline() -> None:
    """Record accepted findings, and review them."""


@baseline.command("create")
@_scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to write (reviews of entries it already holds are kept).")
@_PII_OPTION
def baseline_create(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
                    config_path: str | None, allow_unscannable: bool, files_from: str | None, null_separated: bool,
                    output: str, pii: bool) -> None:
    """Scan PATHS and record every finding (fingerprints, never secrets) in a baseline.

    Files that could not be scanned are listed on standard error and exit 1 (after the baseline
    is written): their findings are not in it. --allow-unscannable exits 0.
    """
    from docsecrets import baseline as baseline_module
    from docsecrets.report import safe

    from docsecrets.paths import root_of, set_root

    config = _with_pii(_load_config(config_path), pii)
    identity = _check_output(output)
    previous = _load_baseline(output) if identity is not None else None
    set_root(root_of(output))
    results, _ = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                      config=config, own_files=[identity], files_from=files_from, null_separated=null_separated)
    created = baseline_module.from_results(results, previous)
    _dump_baseline(created, output)
    click.echo(f"wrote {_plural(len(created.entries), 'finding')} to {safe(output)}")
    _gate_unscannable(results, allow=allow_unscannable or config.allow_unscannable)


@baseline.command("add")
@_scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to update (created when missing).")
@_PII_OPTION
def baseline_add(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
                 config_path: str | None, allow_unscannable: bool, files_from: str | None, null_separated: bool,
                 output: str, pii: bool) -> None:
    """Accept the findings of PATHS (default: the files staged in git) into a baseline.

    The entries of these files are replaced by their current findings (reviews kept); entries
    of every other file stay. This is the pre-commit hook id `docsecrets-baseline` (manual
    stage). Unscannable files are listed and exit 1: their findings are not recorded.
    """
    from docsecrets import baseline as baseline_module
    from docsecrets.identity import normalise_path
    from docsecrets.paths import root_of, set_root
    from docsecrets.report import safe

    config = _with_pii(_load_config(config_path), pii)
    identity = _check_output(output)
    previous = _load_baseline(output) if identity is not None else None
    set_root(root_of(output))
    if not paths and files_from is None:
        paths = _staged_files()
        if not paths:
            click.echo("docsecrets: no staged files: name the files whose findings to accept")
            sys.exit(EXIT_CLEAN)
    results, _ = _run(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                      config=config, own_files=[identity], files_from=files_from, null_separated=null_separated)
    scanned = {normalise_path(r.path) for r in results}
    added = baseline_module.from_results(results, previous)
    kept = {fp: e for fp, e in (previous.entries if previous else {}).items() if e.path not in scanned}
    merged = baseline_module.Baseline({**kept, **added.entries})
    _dump_baseline(merged, output)
    files_with = len({e.path for e in added.entries.values()})
    click.echo(f"docsecrets: recorded {_plural(len(added.entries), 'finding')} of {_plural(files_with, 'file')} in "
               f"{safe(output)} ({_plural(len(merged.entries), 'entry', 'entries')} in all; "
               f"{_plural(len(kept), 'entry', 'entries')} of other files kept)")
    click.echo(f"docsecrets: commit it with your change: git add {safe(output)}")
    _gate_unscannable(results, allow=allow_unscannable or config.allow_unscannable)


def _dump_baseline(created: Baseline, output: str) -> None:
    from docsecrets import baseline as baseline_module
    from docsecrets.report import safe

    try:
        baseline_module.dump(created, output)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(safe(str(exc))) from None


def _gate_unscannable(results: list[FileResult], *, allow: bool) -> None:
    """After a baseline is written: list the files that could not be scanned (their findings are
    not in it) on standard error, and exit 1 for them unless allowed."""
    from docsecrets.report import Report, display_path, safe

    unscannable = Report(results=tuple(results)).unscannable()
    for error in unscannable:
        click.echo(safe(f"{display_path(error.path, error.chain)}: ERROR {error.error}"), err=True)
    if unscannable and not allow:
        sys.exit(EXIT_FINDINGS)


def _staged_files() -> list[str]:
    """Files added or changed in git's index (what the next commit holds), from the current folder."""
    import subprocess

    try:
        listed = subprocess.run(["git", "diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z", "--relative"],
                                capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise click.UsageError(f"cannot list the staged files with git ({type(exc).__name__}): name the files") \
            from None
    if listed.returncode != 0:
        raise click.UsageError("not in a git repository (cannot list staged files): name the files")
    return [os.fsdecode(name) for name in listed.stdout.split(b"\0") if name]


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
            _echo(f"{fingerprint[:12]}  {entry.status:14}  {_describe_entry(entry)}")
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


def _describe_entry(entry: Entry) -> str:
    """`www/notes.txt: line 1: HIGH DS101 kv-password: Sa*****23  (key 'mdp')  [reason]`: what was
    found, where, and its redacted value (the baseline holds no secret)."""
    from docsecrets.rules import RULES

    names = {rule.id: rule.name for rule in RULES}
    where = f"{entry.path}: {entry.where}" if entry.where else entry.path
    name = f" {entry.name or names.get(entry.rule, '')}".rstrip()
    value = f": {entry.redacted}" if entry.redacted else ""
    detail = f"  ({entry.description})" if entry.description else ""
    reason = f"  [{entry.reason}]" if entry.reason else ""
    return f"{where}: {entry.severity.upper()} {entry.rule}{name}{value}{detail}{reason}"


def _audit_interactively(current: Baseline) -> Baseline:
    for fingerprint, entry in sorted(current.entries.items(), key=lambda kv: (kv[1].path, kv[1].where)):
        if entry.status != "unreviewed":
            continue
        _echo(_describe_entry(entry))
        choice = click.prompt("[a]ccept, [f]alse positive, [s]kip, [q]uit", type=click.Choice(["a", "f", "s", "q"]),
                              default="s", show_choices=False)
        if choice == "q":
            break
        if choice in ("a", "f"):
            why = click.prompt("reason", default="", show_default=False)
            current = current.with_status(fingerprint, "accepted" if choice == "a" else "false_positive", why)
    return current


@cli.command()
@_scan_options
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder the masked copies are written to (outside the scanned folders).")
@click.option("--mask", "mask_text", default="********", show_default=True,
              help="Text that replaces every secret.")
def mask(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
         config_path: str | None, allow_unscannable: bool, files_from: str | None, null_separated: bool,
         out_dir: str, mask_text: str) -> None:
    """Write copies of the documents with findings, every reported secret replaced by the mask.

    The originals are never modified. Exit 0 when every such document was masked (or nothing
    was found), 1 when some were refused (with the reason), 2 on a usage error. With
    --allow-unscannable, documents refused only because they could not be read completely are
    still listed but do not make the exit code 1.
    """
    from docsecrets import mask as mask_module
    from docsecrets.report import printable
    from docsecrets.scan import ScanOptions
    from docsecrets.walk import DEFAULT_EXCLUDES

    if null_separated and files_from is None:
        raise click.UsageError("-0 applies to --files-from, which is missing")
    paths = [*paths, *(_read_files_from(files_from, null_separated) or [])]
    if not paths:
        raise click.UsageError("name the files or folders to mask")
    paths = _check_paths(paths)
    if not mask_text or any(ch in mask_text for ch in "\r\n"):
        raise click.UsageError("--mask must be a non-empty text on one line")
    config = _load_config(config_path)
    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    options = ScanOptions(limits=limits, jobs=_cap_jobs(jobs), excludes=DEFAULT_EXCLUDES + tuple(excludes),
                          config=config)
    try:
        outcomes = mask_module.mask_paths(paths, out_dir=out_dir, mask=mask_text, options=options)
    except mask_module.MaskUsageError as exc:
        raise click.UsageError(str(exc)) from None
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        plural = "s" if outcome.findings != 1 else ""
        if outcome.status == "masked":
            click.echo(f"{printable(outcome.path)}: masked {outcome.findings} finding{plural} -> "
                       f"{printable(outcome.output or '')}")
        elif outcome.status == "refused":
            click.echo(f"{printable(outcome.path)}: refused: {printable(outcome.reason)}")
    click.echo(f"{counts.get('masked', 0)} masked, {counts.get('refused', 0)} refused, "
               f"{counts.get('clean', 0)} with nothing to mask, {counts.get('skipped', 0)} skipped")
    allow = allow_unscannable or config.allow_unscannable
    failing = [o for o in outcomes if o.status == "refused"
               and not (allow and (o.reason or "").startswith("not read completely"))]
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@cli.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Configuration file whose custom rules ([[rules]]) are listed too.")
def rules(config_path: str | None) -> None:
    """List every rule (with the configuration's custom ones) with its id, severity and description."""
    from docsecrets.report import safe
    from docsecrets.rules.ruleset import records

    for rule in records(_custom_rules(_load_config(config_path))):
        click.echo(f"{rule.id}  {str(rule.severity):8}  {safe(rule.name):28}  {safe(rule.description)}")


@cli.command("hash-value")
def hash_value() -> None:
    """Print the allow_values entry for a value read from standard input (prompted on a terminal)."""
    from docsecrets.hashing import allow_value_hash

    if sys.stdin.isatty():
        value = click.prompt("Value to accept", hide_input=True, err=True)
    else:
        value = sys.stdin.read()
        value = value[:-1] if value.endswith("\n") else value
        value = value[:-1] if value.endswith("\r") else value
    if not value:
        raise click.UsageError("no value on standard input")
    click.echo(allow_value_hash(value))


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--explain", is_flag=True,
              help="Also say how each table's columns were read and why each finding was reported (secrets redacted).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Configuration file (default: .docsecrets.toml in the current folder or a parent).")
def extract(path: str, explain: bool, config_path: str | None) -> None:
    """Print the text docsecrets sees in one document, with locations and hidden flags.

    The document is read exactly as `scan` reads it, in one pass: the same walk (docwalk.py), in
    a reader process under the same limits (size, depth, one byte budget across every member,
    timeout, memory cap), so what is shown is what the rules saw.
    """
    from docsecrets.docwalk import End, Failed, Opened, Read
    from docsecrets.rules.table_password import TableReader
    from docsecrets.scan import ScanOptions, extract_file
    from docsecrets.types import Row, Segment

    extraction = extract_file(path, options=ScanOptions(jobs=1, config=_load_config(config_path)))
    readers: dict[tuple[tuple[str, ...], str], TableReader] = {}

    def notes(reader: TableReader, indent: str) -> None:
        for note in reader.notes:
            _echo(f"{indent}  ? {note}")
        reader.notes.clear()

    shown: set[tuple[tuple[str, ...], str]] = set()
    for event in extraction.events:
        indent = "  " * len(event.chain)
        if isinstance(event, Read):
            item = event.item
            hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
            if isinstance(item, Segment):
                _echo(f"{indent}{item.location.describe()}{hidden}: {item.text}", newlines=True)
            elif isinstance(item, Row):
                cells = " | ".join(f"{c.ref or c.column}={c.text}" + (f" [hidden: {c.hidden}]" if c.hidden else "")
                                   for c in item.cells)
                _echo(f"{indent}{item.location.describe()}{hidden}: {cells}")
                if explain:
                    reader = readers.setdefault((event.chain, item.table), TableReader())
                    list(reader.read(item))
                    notes(reader, indent)
        elif isinstance(event, Opened):
            _echo(f"{indent}# {event.name}: {event.fmt}")
            if not event.reading:
                _echo(f"{indent}  (not read: {event.fmt})")
        elif isinstance(event, End):
            for key in [key for key in readers if key[0] == event.chain]:
                reader = readers.pop(key)
                list(reader.flush())
                notes(reader, indent)
        elif isinstance(event, Failed):
            shown.add((event.chain, event.message))
            _echo(f"{indent}ERROR ({event.kind}): {event.message}")
    result = extraction.result
    for error in result.errors:  # what the walk did not say: the file's size, a timeout, the findings cap
        if (error.chain, error.error) not in shown:
            _echo(f"{'  ' * len(error.chain)}ERROR ({error.kind}): {error.error}")
    if explain:
        click.echo(f"# findings: {len(result.findings)}")
        for finding in result.findings:
            where = "/".join((*finding.chain, finding.location.describe()))
            _echo(f"{where}: {finding.rule_id} {finding.rule_name} {finding.redacted} "
                  f"[{finding.confidence}]: {finding.description}")


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
        click.option("--format", "output_format", type=click.Choice(FORMATS),
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
    return ScanOptions(limits=limits, jobs=_cap_jobs(jobs), config=config)


def _finish(results: list[FileResult], *, elapsed: float, output_format: str, show_secrets: bool, output: str | None,
            min_severity: str, fail_on: str, baseline: Baseline | None, config: Config, allow_unscannable: bool,
            write_baseline: str | None = None, render: Callable[[Report, str], str | None] | None = None,
            quiet: bool = False, color: str = "auto") -> None:
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
        text = _render(report, output_format, color=output is None and _use_color(color))
    if not (quiet and output is None):
        _write(text, output)
    threshold = Severity.parse(fail_on)
    failing = any(f.severity >= threshold for f in report.findings())
    unscannable = bool(report.unscannable()) and not (allow_unscannable or config.allow_unscannable)
    sys.exit(EXIT_FINDINGS if failing or unscannable else EXIT_CLEAN)


def _use_color(choice: str) -> bool:
    """--color: always, never, or auto (standard output is a terminal and NO_COLOR is unset or empty)."""
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


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
    baseline = _use_baseline(baseline_path or config.baseline, files=False)
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
    baseline = _use_baseline(baseline_path or config.baseline, files=False)
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
            return _render(decorated, "text", color=output is None and _use_color("auto"))
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
