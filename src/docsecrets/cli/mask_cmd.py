"""`docsecrets mask`: masked copies of documents, re-scanned before they are written."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence

import click

from docsecrets.cli.app import EXIT_CLEAN, EXIT_FINDINGS, cli
from docsecrets.cli.options import (
    cap_jobs,
    check_paths,
    load_config,
    read_files_from,
    scan_options,
)
from docsecrets.limits import DEFAULT_LIMITS, MiB


@cli.command()
@scan_options
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
    paths = [*paths, *(read_files_from(files_from, null_separated) or [])]
    if not paths:
        raise click.UsageError("name the files or folders to mask")
    paths = check_paths(paths)
    if not mask_text or any(ch in mask_text for ch in "\r\n"):
        raise click.UsageError("--mask must be a non-empty text on one line")
    config = load_config(config_path)
    limits = dataclasses.replace(DEFAULT_LIMITS, timeout=timeout, max_file_size=int(max_file_size * MiB))
    options = ScanOptions(limits=limits, jobs=cap_jobs(jobs), excludes=DEFAULT_EXCLUDES + tuple(excludes),
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
