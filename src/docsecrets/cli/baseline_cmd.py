"""`docsecrets baseline create | add | audit`: accepted findings, stored as salted slow hashes."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from docsecrets.cli.app import (
    DEFAULT_BASELINE,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    cli,
    echo_lines,
    plural,
)
from docsecrets.cli.options import (
    PII_OPTION,
    check_output,
    load_baseline,
    load_config,
    run_scan,
    scan_options,
    with_pii,
)

if TYPE_CHECKING:
    from docsecrets.baseline import Baseline, Entry
    from docsecrets.types import FileResult


@cli.group()
def baseline() -> None:
    """Record accepted findings, and review them."""


@baseline.command("create")
@scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to write (reviews of entries it already holds are kept).")
@PII_OPTION
def baseline_create(paths: Sequence[str], jobs: int, timeout: float, max_file_size: float, excludes: Sequence[str],
                    config_path: str | None, allow_unscannable: bool, files_from: str | None, null_separated: bool,
                    output: str, pii: bool) -> None:
    """Scan PATHS and record every finding (fingerprints, never secrets) in a baseline.

    Files that could not be scanned are listed on standard error and exit 1 (after the baseline
    is written): their findings are not in it. --allow-unscannable exits 0.
    """
    from docsecrets import baseline as baseline_module
    from docsecrets.paths import root_of, set_root
    from docsecrets.report import safe

    config = with_pii(load_config(config_path), pii)
    identity = check_output(output)
    previous = load_baseline(output) if identity is not None else None
    set_root(root_of(output))
    results, _ = run_scan(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                          config=config, own_files=[identity], files_from=files_from, null_separated=null_separated)
    created = baseline_module.from_results(results, previous)
    _dump_baseline(created, output)
    click.echo(f"wrote {plural(len(created.entries), 'finding')} to {safe(output)}")
    _gate_unscannable(results, allow=allow_unscannable or config.allow_unscannable)


@baseline.command("add")
@scan_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=DEFAULT_BASELINE,
              show_default=True, help="Baseline file to update (created when missing).")
@PII_OPTION
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

    config = with_pii(load_config(config_path), pii)
    identity = check_output(output)
    previous = load_baseline(output) if identity is not None else None
    set_root(root_of(output))
    if not paths and files_from is None:
        paths = _staged_files()
        if not paths:
            click.echo("docsecrets: no staged files: name the files whose findings to accept")
            sys.exit(EXIT_CLEAN)
    results, _ = run_scan(paths, jobs=jobs, timeout=timeout, max_file_size=max_file_size, excludes=excludes,
                          config=config, own_files=[identity], files_from=files_from, null_separated=null_separated)
    scanned = {normalise_path(r.path) for r in results}
    added = baseline_module.from_results(results, previous)
    kept = {fp: e for fp, e in (previous.entries if previous else {}).items() if e.path not in scanned}
    merged = baseline_module.Baseline({**kept, **added.entries})
    _dump_baseline(merged, output)
    files_with = len({e.path for e in added.entries.values()})
    click.echo(f"docsecrets: recorded {plural(len(added.entries), 'finding')} of {plural(files_with, 'file')} in "
               f"{safe(output)} ({plural(len(merged.entries), 'entry', 'entries')} in all; "
               f"{plural(len(kept), 'entry', 'entries')} of other files kept)")
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

    current = load_baseline(path)
    assert current is not None
    if list_only or (not accepted and not false_positives and not sys.stdin.isatty()):
        for fingerprint, entry in sorted(current.entries.items(), key=lambda kv: (kv[1].path, kv[1].where)):
            echo_lines(f"{fingerprint[:12]}  {entry.status:14}  {_describe_entry(entry)}")
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
        echo_lines(_describe_entry(entry))
        choice = click.prompt("[a]ccept, [f]alse positive, [s]kip, [q]uit", type=click.Choice(["a", "f", "s", "q"]),
                              default="s", show_choices=False)
        if choice == "q":
            break
        if choice in ("a", "f"):
            why = click.prompt("reason", default="", show_default=False)
            current = current.with_status(fingerprint, "accepted" if choice == "a" else "false_positive", why)
    return current
