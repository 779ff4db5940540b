"""`docsecrets rules`, `hash-value` and `extract`: what the rules are and what a reader sees."""

from __future__ import annotations

import sys

import click

from docsecrets.cli.app import cli, echo_lines
from docsecrets.cli.options import custom_rules, load_config


@cli.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Configuration file whose custom rules ([[rules]]) are listed too.")
def rules(config_path: str | None) -> None:
    """List every rule (with the configuration's custom ones) with its id, severity and description."""
    from docsecrets.report import safe
    from docsecrets.rules.ruleset import records

    for rule in records(custom_rules(load_config(config_path))):
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

    extraction = extract_file(path, options=ScanOptions(jobs=1, config=load_config(config_path)))
    readers: dict[tuple[tuple[str, ...], str], TableReader] = {}

    def notes(reader: TableReader, indent: str) -> None:
        for note in reader.notes:
            echo_lines(f"{indent}  ? {note}")
        reader.notes.clear()

    shown: set[tuple[tuple[str, ...], str]] = set()
    for event in extraction.events:
        indent = "  " * len(event.chain)
        if isinstance(event, Read):
            item = event.item
            hidden = f" [hidden: {item.hidden}]" if item.hidden else ""
            if isinstance(item, Segment):
                echo_lines(f"{indent}{item.location.describe()}{hidden}: {item.text}", newlines=True)
            elif isinstance(item, Row):
                cells = " | ".join(f"{c.ref or c.column}={c.text}" + (f" [hidden: {c.hidden}]" if c.hidden else "")
                                   for c in item.cells)
                echo_lines(f"{indent}{item.location.describe()}{hidden}: {cells}")
                if explain:
                    reader = readers.setdefault((event.chain, item.table), TableReader())
                    list(reader.read(item))
                    notes(reader, indent)
        elif isinstance(event, Opened):
            echo_lines(f"{indent}# {event.name}: {event.fmt}")
            if not event.reading:
                echo_lines(f"{indent}  (not read: {event.fmt})")
        elif isinstance(event, End):
            for key in [key for key in readers if key[0] == event.chain]:
                reader = readers.pop(key)
                list(reader.flush())
                notes(reader, indent)
        elif isinstance(event, Failed):
            shown.add((event.chain, event.message))
            echo_lines(f"{indent}ERROR ({event.kind}): {event.message}")
    result = extraction.result
    for error in result.errors:  # what the walk did not say: the file's size, a timeout, the findings cap
        if (error.chain, error.error) not in shown:
            echo_lines(f"{'  ' * len(error.chain)}ERROR ({error.kind}): {error.error}")
    if explain:
        click.echo(f"# findings: {len(result.findings)}")
        for finding in result.findings:
            where = "/".join((*finding.chain, finding.location.describe()))
            echo_lines(f"{where}: {finding.rule_id} {finding.rule_name} {finding.redacted} "
                       f"[{finding.confidence}]: {finding.description}")
