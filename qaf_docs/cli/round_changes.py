"""Changing a drawn round: ``qaf round cancel|reassign|add|allocate|swap|show``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qaf_docs import clock
from qaf_docs.cli import exits
from qaf_docs.cli.app import (
    AUDIT_REF,
    CASE_ID,
    cli,
    known_round,
    workspace_at,
    workspace_option,
)
from qaf_docs.errors import QafError

_BY = click.option("--by", "by_whom", required=True, help="Who is making the change (recorded).")
_REASON = click.option("--reason", required=True, help="Why (recorded, and shown on the manifest).")
_ROSTER = click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Auditors (default: roster.xlsx or roster.csv in the workspace).",
)
_CASELIST = click.argument("caselist", type=click.Path(exists=True, dir_okay=False, path_type=Path))


@cli.group(name="round")
def round_group() -> None:
    """Change a round after it was drawn; each change is recorded with who, when and why.

    Example:

        \b
        qaf round cancel 2026-11-simple --audit QA2611-0003 --by "Sam Lead" --reason "case transferred"
    """


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


@round_group.command()
@click.argument("round_id")
@click.option(
    "--audit",
    "audit_ref",
    type=AUDIT_REF,
    help="Cancel only this audit (default: the whole round).",
)
@_BY
@_REASON
@workspace_option
def cancel(
    workspace: Path | None, round_id: str, audit_ref: str | None, by_whom: str, reason: str
) -> None:
    """Cancel a round, or one audit of it; its packs are withdrawn and late returns rejected.

    An audit already returned cannot be cancelled: its results are recorded.

    Example:

        \b
        qaf round cancel 2026-11-simple --by "Sam Lead" --reason "drawn from last month's list"

        \b
        qaf round cancel 2026-11-simple --audit QA2611-0003 --by "Sam Lead" --reason "child moved away"
    """
    from qaf_docs.cases import changes

    ws = workspace_at(workspace)
    _echo(changes.cancel(ws, round_id, audit_ref, by_whom=by_whom, reason=reason).lines)


@round_group.command()
@click.argument("audit_ref", type=AUDIT_REF)
@click.option("--to", "to", required=True, help="The auditor on the roster who takes it over.")
@_BY
@_REASON
@_ROSTER
@workspace_option
def reassign(
    workspace: Path | None,
    audit_ref: str,
    to: str,
    by_whom: str,
    reason: str,
    roster: Path | None,
) -> None:
    """Give an audit to another auditor (never one from the case's own team, nor over capacity).

    Example:

        \b
        qaf round reassign QA2611-0003 --to "Hal Dummy" --by "Sam Lead" --reason "auditor off sick"
    """
    from qaf_docs.cases import changes

    ws = workspace_at(workspace)
    report = changes.reassign(
        ws, audit_ref, to, by_whom=by_whom, reason=reason, roster_path=roster, today=clock.today()
    )
    _echo(report.lines)


@round_group.command()
@click.argument("round_id")
@click.argument("case_id", type=CASE_ID)
@_CASELIST
@click.option("--auditor", "auditor_name", required=True, help="Who audits the added case.")
@_BY
@_REASON
@_ROSTER
@workspace_option
def add(
    workspace: Path | None,
    round_id: str,
    case_id: str,
    caselist: Path,
    auditor_name: str,
    by_whom: str,
    reason: str,
    roster: Path | None,
) -> None:
    """Add a named case to a round, recorded as chosen by hand (not random).

    Example:

        \b
        qaf round add 2026-11-tier-one 10042 annex_a.xlsx --auditor "Alex Example" --by "Alex Example" --reason "DTM's choice this month"
    """
    from qaf_docs.cases import changes

    ws = workspace_at(workspace)
    report = changes.add(
        ws,
        round_id,
        case_id,
        caselist,
        auditor_name=auditor_name,
        by_whom=by_whom,
        reason=reason,
        roster_path=roster,
        today=clock.today(),
    )
    _echo(report.lines)


@round_group.command()
@click.argument("round_id")
@_CASELIST
@_BY
@_REASON
@_ROSTER
@workspace_option
def allocate(
    workspace: Path | None,
    round_id: str,
    caselist: Path,
    by_whom: str,
    reason: str,
    roster: Path | None,
) -> None:
    """Give auditors to the cases a round drew but could not allocate (qaf sample's exit code 4).

    Add auditors or capacity to the roster first. The same rules as the draw apply (never the
    case's own team, within this month's capacity), and the cases stay chosen at random.
    Exit code 4: some cases still found no auditor.

    Example:

        \b
        qaf round allocate 2026-11-simple annex_a.xlsx --by "Sam Lead" --reason "two auditors added to the roster"
    """
    from qaf_docs.cases.late_allocation import allocate_later

    ws = workspace_at(workspace)
    report = allocate_later(
        ws, round_id, caselist, by_whom=by_whom, reason=reason, roster_path=roster,
        today=clock.today(),
    )  # fmt: skip
    _echo(report.lines)
    if report.left:
        sys.exit(exits.NOT_ALLOCATED)


@round_group.command()
@click.argument("audit_ref", type=AUDIT_REF)
@_CASELIST
@_BY
@_REASON
@_ROSTER
@workspace_option
def swap(
    workspace: Path | None,
    audit_ref: str,
    caselist: Path,
    by_whom: str,
    reason: str,
    roster: Path | None,
) -> None:
    """Replace an unsuitable case with a fresh random draw from the same group (team).

    Example:

        \b
        qaf round swap QA2611-0003 annex_a.xlsx --by "Sam Lead" --reason "case in care proceedings this week"
    """
    from qaf_docs.cases import changes

    ws = workspace_at(workspace)
    report = changes.swap(
        ws, audit_ref, caselist, by_whom=by_whom, reason=reason, roster_path=roster,
        today=clock.today(),
    )  # fmt: skip
    _echo(report.lines)


@round_group.command()
@click.argument("round_id", required=False)
@click.option(
    "--update-manifest", is_flag=True, help="Also rewrite the round's manifest from the register."
)
@workspace_option
def show(workspace: Path | None, round_id: str | None, update_manifest: bool) -> None:
    """List a round's audits (auditor, status, how chosen) and every change made to it; without
    a round, the rounds there are.

    Example:

        \b
        qaf round show 2026-11-simple
    """
    from qaf_docs.cases.changes import update_manifest as rewrite
    from qaf_docs.cases.manifest import how_drawn
    from qaf_docs.cases.manifest_copy import manifest_path
    from qaf_docs.dates import uk_time
    from qaf_docs.register.location import open_register

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        if round_id is None:  # "Missing argument 'ROUND_ID'" left the QA lead to guess its name
            rounds = register.round_ids()
            if not rounds:
                raise QafError("No round is drawn yet: qaf sample draws one.")
            click.echo(f"Rounds, oldest first: {', '.join(rounds)}")
            click.echo(f"To see one: qaf round show {rounds[-1]}")
            return
        known_round(register, round_id)
        audits = register.audits(round_id=round_id)
        origins = register.audit_origins(round_id)
        recorded = register.round_changes(round_id)
        late = rewrite(ws, register, round_id) if update_manifest else []
        kind = str((register.round_row(round_id) or {}).get("kind") or "")
    # Re-audit and closure rounds take every case due, not a random draw (as the manifest says).
    how = {"drawn": how_drawn(kind), "added": "added by hand", "swap": "swapped in"}
    click.echo(f"Round {round_id}: {len(audits)} audit(s)")
    for a in audits:
        click.echo(
            f"  {a.audit_ref}  case {a.case_id}  {a.auditor or '(unallocated)'}  {a.status}  "
            f"({how.get(origins.get(a.audit_ref, 'drawn'), how['drawn'])})"
        )
    if recorded:
        click.echo("Changes:")
        for c in recorded:
            click.echo(
                f"  {uk_time(c.at)}  {c.change}  {c.audit_ref or ''}  by {c.by_whom}: {c.reason}"
            )
    where = manifest_path(ws, round_id)
    if update_manifest and where is None:
        click.echo(
            f"Round {round_id} has no manifest in {ws.samples} (drawn before qaf wrote them, or "
            "moved away), so none was updated: the register above holds the round and its changes."
        )
    elif update_manifest and not late:
        click.echo(f"Manifest updated: {where}")
    _echo(late)
