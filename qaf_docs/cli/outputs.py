"""What the register produces for other tools: ``qaf export`` (reports are in ``cli.reports``)."""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.cli.written import say_if_copy
from qaf_docs.errors import QafError


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="json: a file (default: print); csv: a folder (default: outbox/export).",
)
@workspace_option
def export(workspace: Path | None, fmt: str, output: Path | None) -> None:
    """Export the register for other tools (Power BI, a data warehouse).

    Example:

        \b
        qaf export --format json > register.json

        \b
        qaf export --format csv --output exports/
    """
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.export import csv_tables, export_csv, export_json
    from qaf_docs.safe_output import atomic_write, original_of

    ws = workspace_at(workspace)
    if fmt == "json" and output and output.is_dir():
        raise QafError(
            f"{output} is a folder; JSON export writes one file, so give --output a file name "
            f"(for example {output / 'register.json'})."
        )
    with open_register(ws) as register:
        if fmt == "json":
            text = export_json(register)
            if output:
                written = atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
                say_if_copy(output, written, "export", "run qaf export again", err=True)
                click.echo(f"Wrote {written}", err=True)
            else:
                click.echo(text)
            return
        folder = output or ws.outbox / "export"
        if folder.exists() and not folder.is_dir():
            names = list(csv_tables([]))
            raise QafError(
                f"{folder} is a file; CSV export writes {len(names)} files ({', '.join(names)}), "
                "so give --output a folder."
            )
        for path in export_csv(register, folder):
            original = original_of(path)
            if original is not None:
                say_if_copy(original, path, "export file", "run qaf export again")
            click.echo(f"Wrote {path}")
