"""`docsecrets hook`: the pre-commit hook (staged files, short text output)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from docsecrets.cli.app import (
    DEFAULT_BASELINE,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    SEVERITIES,
    cli,
    plural,
    shell_quote,
)
from docsecrets.cli.options import (
    custom_rules,
    file_identity,
    load_config,
    run_scan,
    use_baseline,
)
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.types import Severity


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              help=f"Baseline of accepted findings (default: {DEFAULT_BASELINE} when it exists).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--min-severity", type=SEVERITIES, default="low", show_default=True,
              help="Report only findings at or above this severity.")
@click.option("--fail-on", type=SEVERITIES, default="low", show_default=True,
              help="Block the commit only for findings at or above this severity (the others are printed).")
def hook(files: Sequence[str], baseline_path: str | None, config_path: str | None, min_severity: str,
         fail_on: str) -> None:
    """Pre-commit entry: scan the staged FILES; quiet when clean."""
    from docsecrets import baseline as baseline_module
    from docsecrets.report import Report, safe
    from docsecrets.report import text as text_report

    if not files:
        sys.exit(EXIT_CLEAN)
    config = load_config(config_path)
    path = baseline_path or config.baseline or (DEFAULT_BASELINE if os.path.exists(DEFAULT_BASELINE) else None)
    baseline = use_baseline(path)
    results, elapsed = run_scan(files, jobs=0, timeout=DEFAULT_LIMITS.timeout,
                                max_file_size=DEFAULT_LIMITS.max_file_size / MiB, excludes=(), config=config,
                                own_files=[file_identity(path)])
    if baseline is not None:
        results = baseline_module.subtract(results, baseline)
    report = Report(results=tuple(results), elapsed=elapsed, rules=custom_rules(config),
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
        lines.append(f"docsecrets: {plural(count, 'finding')} in {plural(len(leaks), 'file')}: remove the secrets "
                     f"(and rotate them: they may already be copied), or accept them into the baseline (below).")
    if encrypted:
        lines.append(f"docsecrets: {plural(len(encrypted), 'encrypted document')} that docsecrets cannot read "
                     f"inside: commit {'it' if len(encrypted) == 1 else 'them'} only if the password is not shared "
                     f"alongside, else commit a copy without a password; to accept "
                     f"{'it' if len(encrypted) == 1 else 'them'}, see below.")
    if findings:
        names = " ".join(shell_quote(safe(p)) for p in (*leaks, *encrypted))
        lines.append(f"  accept: pre-commit run docsecrets-baseline --hook-stage manual --files {names}")
        lines.append(f"     (or, with docsecrets installed: docsecrets baseline add -o {safe(target)} {names})")
        lines.append(f"     then: git add {safe(target)}")
    if unscannable:
        count = len({e.path for e in unscannable})
        them = "them" if count != 1 else "it"
        lines.append(f"docsecrets: {plural(count, 'file')} could not be scanned (ERROR lines above): "
                     f"fix {them}, or exclude {them} in the configuration")
    click.echo("\n".join(lines))
    sys.exit(EXIT_FINDINGS if blocking or unscannable else EXIT_CLEAN)
