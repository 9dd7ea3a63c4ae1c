"""Reports: ``qaf report`` (the tracker) and its period and round reports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.cli.written import say_if_copy
from qaf_docs.errors import QafError
from qaf_docs.workspace import REPORT_TEMPLATE, Workspace

_PERIODS = (
    (re.compile(r"(?i)^(\d{4}\W?q[1-4]|q[1-4]\W?\d{4})$"), "quarter", "a quarter"),
    (re.compile(r"(?i)^(\d{4}\W?h[12]|h[12]\W?\d{4})$"), "half", "a half-year"),
    (re.compile(r"^\d{4}$"), "year", "a year"),
    (re.compile(r"^\d{4}-\d{2}-\S+$"), "round", "a round, by its name"),
)


class _Reports(click.Group):
    """``qaf report``: a period or round typed without its word is told the command to type."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            typed = args[0] if args else ""
            found = next((p[1:] for p in _PERIODS if p[0].match(typed.strip())), None)
            if found is None:
                raise
            word, what = found
            raise click.UsageError(
                f"'{typed}' looks like {what}: the command is qaf report {word} {typed}", ctx
            ) from None


@cli.group(cls=_Reports, invoke_without_command=True)
@workspace_option
@click.pass_context
def report(ctx: click.Context, workspace: Path | None) -> None:
    """Rebuild outbox/QA_tracker.xlsx, or write a quarterly, half-year, annual or round report.

    Reports go to outbox/reports/ and never name a practitioner.

    Example:

        \b
        qaf report

        \b
        qaf report quarter 2026Q3

        \b
        qaf report round 2026-11-simple
    """
    ctx.obj = workspace
    if ctx.invoked_subcommand is None:
        from qaf_docs.cli.progress import progress
        from qaf_docs.inbox.derived import bring_up_to_date
        from qaf_docs.register.location import open_register
        from qaf_docs.reports.qa_tracker import build_tracker

        ws = workspace_at(workspace)
        settings = ws.load_settings()
        with (
            open_register(ws, settings) as register,
            progress(f"Writing {ws.tracker_path.name}", show_from=1) as bar,
        ):
            # Action trackers a run left behind are caught up too; the tracker is always rebuilt.
            caught_up = bring_up_to_date(ws, register, settings, bar)
            if caught_up.failed:
                raise QafError("Could not write " + "; ".join(caught_up.failed))
            path = caught_up.tracker or build_tracker(ws, register, progress=bar)
        say_if_copy(ws.tracker_path, path, "tracker", "run qaf report again")
        click.echo(f"Tracker: {path}")


def _period_report(kind: str, words: tuple[str, ...], workspace: Path | None, parent: Any) -> None:
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.period_report import build_period_report, period_report_path
    from qaf_docs.reports.periods import parse_period

    # "qaf report quarter Q3 2026" unquoted arrives as two words: they are one period.
    period = parse_period(
        kind, " ".join(words)
    )  # before opening anything: a bad one writes nothing
    ws = workspace_at(workspace or parent)
    warnings: list[str] = []
    with open_register(ws) as register:
        path = build_period_report(ws, register, period, warnings=warnings)
    for warning in warnings:
        click.echo(f"Warning: {warning}")
    _older_template_note(ws)
    say_if_copy(
        period_report_path(ws, period),
        path,
        "report",
        f"run qaf report {kind} {period.label} again",
    )
    click.echo(f"Report: {path}")


def _older_template_note(ws: Workspace) -> None:
    """Say once, after the report is written, what the default report template has that the
    workspace's own lacks (sections added since it was made), and how to get them."""
    from qaf_docs.office.template_updates import older_template_note

    template = ws.template(REPORT_TEMPLATE)
    note = older_template_note(template, ws.root, "The report was written from it as it is.")
    if note:
        click.echo(note)


@report.command()
@click.argument("quarter", nargs=-1, required=True)
@workspace_option
@click.pass_obj
def quarter(parent: Path | None, quarter: tuple[str, ...], workspace: Path | None) -> None:
    """Write outbox/reports/QA_report_<QUARTER>.docx for a calendar quarter.

    Write the quarter as 2026Q3, 2026 Q3, Q3 2026 or 2026-Q3. Quarters are of the calendar
    year: Q1 is January to March, Q2 April to June (a financial year's first quarter), Q3 July
    to September, Q4 October to December.

    Example:

        \b
        qaf report quarter 2026Q3
    """
    _period_report("quarter", quarter, workspace, parent)


@report.command()
@click.argument("half", nargs=-1, required=True)
@workspace_option
@click.pass_obj
def half(parent: Path | None, half: tuple[str, ...], workspace: Path | None) -> None:
    """Write outbox/reports/QA_report_<HALF>.docx for January-June (H1) or July-December (H2).

    Write the half as 2026H1, 2026 H1 or H1 2026.

    Example:

        \b
        qaf report half 2026H1
    """
    _period_report("half", half, workspace, parent)


@report.command()
@click.argument("year", nargs=-1, required=True)
@workspace_option
@click.pass_obj
def year(parent: Path | None, year: tuple[str, ...], workspace: Path | None) -> None:
    """Write outbox/reports/QA_report_<YEAR>.docx for a calendar year.

    Example:

        \b
        qaf report year 2026
    """
    _period_report("year", year, workspace, parent)


@report.command("round")
@click.argument("round_id", metavar="ROUND")
@workspace_option
@click.pass_obj
def round_(parent: Path | None, round_id: str, workspace: Path | None) -> None:
    """Write outbox/reports/round_<ROUND>.docx: one round's overview with its checkpoints.

    Example:

        \b
        qaf report round 2026-11-simple
    """
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.period_report import build_round_report, round_report_path

    ws = workspace_at(workspace or parent)
    with open_register(ws) as register:
        path = build_round_report(ws, register, round_id)
    _older_template_note(ws)
    again = f"run qaf report round {round_id} again"
    say_if_copy(round_report_path(ws, round_id), path, "report", again)
    click.echo(f"Report: {path}")
