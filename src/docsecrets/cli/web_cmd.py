"""`docsecrets crawl` and `docsecrets history`: what a web site serves and what a git history holds."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from docsecrets.cli.app import cli, fatal
from docsecrets.cli.options import (
    check_output,
    load_config,
    report_options,
    scan_stream_options,
    use_baseline,
)
from docsecrets.cli.output import finish_report, render_report, use_color
from docsecrets.limits import MiB

if TYPE_CHECKING:
    from docsecrets.report import Report


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@report_options
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

    config = load_config(config_path)
    baseline = use_baseline(baseline_path or config.baseline, files=False)
    if output is not None:
        check_output(output)
    options = crawl_module.CrawlOptions(
        max_depth=max_depth, max_pages=max_pages, max_file_size=int(max_file_size * MiB),
        max_total=int(max_total * MiB), max_time=max_time, rate=rate, request_timeout=request_timeout,
        insecure=insecure, ignore_robots=ignore_robots)
    started = time.monotonic()
    try:
        results = scan_stream(crawl_module.crawl(urls, options=options),
                              options=scan_stream_options(jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                                                          config=config))
    except crawl_module.CrawlError as exc:
        fatal(str(exc))
        return
    finish_report(results, elapsed=time.monotonic() - started, output_format=output_format, show_secrets=show_secrets,
                  output=output, min_severity=min_severity, fail_on=fail_on, baseline=baseline, config=config,
                  allow_unscannable=allow_unscannable, write_baseline=write_baseline)


@cli.command()
@click.argument("repo", default=".", type=click.Path(exists=True, file_okay=False, path_type=str))
@report_options
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

    config = load_config(config_path)
    baseline = use_baseline(baseline_path or config.baseline, files=False)
    if output is not None:
        check_output(output)
    started = time.monotonic()
    try:
        mapped = history_module.map_history(repo, since=since, branches=branches)
        blobs = history_module.read_blobs(repo, mapped, max_file_size=int(max_file_size * MiB),
                                          excludes=DEFAULT_EXCLUDES + tuple(excludes) + config.exclude)
        results = scan_stream(blobs, options=scan_stream_options(jobs=jobs, timeout=timeout,
                                                                  max_file_size=max_file_size, config=config))
    except history_module.HistoryError as exc:
        fatal(str(exc))
        return
    attributed = history_module.attribute(results, mapped)

    def render(report: Report, output_format: str) -> str | None:
        if output_format == "text":
            decorated = dataclasses.replace(report, results=tuple(history_module.decorate(
                report.results, attributed.provenance)))
            return render_report(decorated, "text", color=output is None and use_color("auto"))
        if output_format == "json":
            import json

            document = json.loads(render_report(report, "json", color=False))
            for finding, rendered in zip(report.findings(), document["findings"]):
                provenance = attributed.provenance.get(history_module.finding_key(finding))
                if provenance is not None:
                    rendered["history"] = provenance.as_dict()
            return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        return None

    finish_report(attributed.results, elapsed=time.monotonic() - started, output_format=output_format,
                  show_secrets=show_secrets, output=output, min_severity=min_severity, fail_on=fail_on,
                  baseline=baseline, config=config, allow_unscannable=allow_unscannable, write_baseline=write_baseline,
                  render=render)
