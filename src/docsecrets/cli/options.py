"""Options and set-up shared by the commands that scan: paths, jobs, config, baseline, the scan run."""

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

from docsecrets.cli.app import (
    DEFAULT_BASELINE,
    EXIT_ERROR,
    FORMATS,
    SEVERITIES,
    STDIN,
    note,
)
from docsecrets.limits import DEFAULT_LIMITS, MiB

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline
    from docsecrets.config import Config
    from docsecrets.rules.base import Rule
    from docsecrets.scan import ScanOptions
    from docsecrets.types import FileResult


def finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter("must be a finite number")
    return value


def scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options shared by every command that scans."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
                     help="Worker processes (0: one per CPU)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout, show_default=True,
                     callback=finite, help="Seconds one file may take before its reader is killed."),
        click.option("--max-file-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_file_size / MiB,
                     show_default=True, callback=finite, help="Largest file read, in MiB."),
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


PII_OPTION = click.option(
    "--pii", is_flag=True,
    help="Also look for patient and personal data: patient lists, social-security numbers (NIR), IBANs, card "
         "numbers, DICOM headers (the health pack; `packs = [\"health\"]` in the configuration). Recommended "
         "for web roots and file shares.")


def report_options(command: Callable[..., None]) -> Callable[..., None]:
    """Output and gate options of commands that report like `scan`."""
    options = [
        click.option("--format", "output_format", type=click.Choice(FORMATS),
                     default="text", show_default=True, help="Output format."),
        click.option("--show-secrets", is_flag=True, help="Print raw secret values (redacted by default)."),
        click.option("-o", "--output", type=click.Path(path_type=str),
                     help="Write the report to this file instead of standard output (replaced whole; never "
                          "through a symlink)."),
        click.option("--min-severity", type=SEVERITIES, default="low", show_default=True,
                     help="Report only findings at or above this severity."),
        click.option("--fail-on", type=SEVERITIES, default="low", show_default=True,
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


def check_paths(paths: Sequence[str]) -> list[str]:
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


def check_output(path: str) -> tuple[int, int] | None:
    """Refuse an output that cannot be written safely, before the scan; its identity, so the
    scan never reads its own earlier report."""
    from docsecrets.report import safe
    from docsecrets.safe_write import UnsafeTarget, check_target

    try:
        info = check_target(path)
    except UnsafeTarget as exc:
        raise click.UsageError(safe(str(exc))) from None
    return (info.st_dev, info.st_ino) if info is not None else None


def file_identity(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def read_files_from(source: str | None, null_separated: bool) -> list[str] | None:
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


def cap_jobs(jobs: int) -> int:
    """At most one worker per CPU this process may use: more only adds forks and memory."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if jobs > cpus:
        note(f"docsecrets: --jobs {jobs} capped to {cpus} (the CPUs available)")
        return cpus
    return jobs


def run_scan(paths: Sequence[str], *, jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
             config: Config, progress: bool = False, cache: bool = False,
             own_files: Sequence[tuple[int, int] | None] = (), files_from: str | None = None,
             null_separated: bool = False, cluster: dict[str, Any] | None = None,
             on_result: Callable[[FileResult], None] | None = None) -> tuple[list[FileResult], float]:
    """Scan; with `on_result`, each result goes there as its file finishes and none is kept."""
    from docsecrets.scan import ScanOptions, scan_paths
    from docsecrets.walk import DEFAULT_EXCLUDES

    if null_separated and files_from is None:
        raise click.UsageError("-0 applies to --files-from, which is missing")
    listed = read_files_from(files_from, null_separated)
    if listed is not None:
        if files_from == STDIN and STDIN in paths:
            raise click.UsageError("standard input cannot be both --files-from - and a scanned path (-)")
        paths = [*paths, *listed]
        if not paths:
            return [], 0.0  # an empty list scans nothing (not the current folder)
    paths = check_paths(paths)
    jobs = cap_jobs(jobs) if cluster is None else jobs  # a cluster has its own CPUs
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


def with_pii(config: Config, pii: bool) -> Config:
    if not pii or "health" in config.packs:
        return config
    return dataclasses.replace(config, packs=tuple(sorted((*config.packs, "health"))))


def load_config(path: str | None) -> Config:
    from docsecrets import config as config_module

    try:
        return config_module.load(path)
    except config_module.ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def use_baseline(path: str | None, *, files: bool = True) -> Baseline | None:
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

        note(f"docsecrets: no baseline at {safe(path)} yet: every finding counts")
        return BaselineType()
    if not os.path.lexists(path):
        from docsecrets.report import safe

        raise click.UsageError(f"baseline {safe(path)} does not exist (create it with: docsecrets baseline create "
                               f"-o {safe(path)})")
    return load_baseline(path)


def load_baseline(path: str | None) -> Baseline | None:
    if path is None:
        return None
    from docsecrets import baseline as baseline_module

    try:
        return baseline_module.load(path)
    except baseline_module.BaselineError as exc:
        raise click.UsageError(str(exc)) from None


def custom_rules(config: Config) -> tuple[Rule, ...]:
    from docsecrets.rules.ruleset import custom_records

    return custom_records(config)


def scan_stream_options(*, jobs: int, timeout: float, max_file_size: float, config: Config) -> ScanOptions:
    from docsecrets.scan import ScanOptions

    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    return ScanOptions(limits=limits, jobs=cap_jobs(jobs), config=config)
