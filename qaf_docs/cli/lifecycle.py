"""After an audit comes back: ``qaf moderation``, ``qaf escalations``, ``qaf cancel`` and ``qaf history``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qaf_docs import clock
from qaf_docs.cli.app import (
    AUDIT_REF,
    cli,
    known_audit,
    known_round,
    workspace_at,
    workspace_option,
)
from qaf_docs.errors import QafError

if TYPE_CHECKING:  # imported when a command runs, so `qaf --help` stays quick
    from qaf_docs.register.store import Register
    from qaf_docs.reports.reminders import ReminderPlan
    from qaf_docs.workspace import Workspace


@cli.group()
def moderation() -> None:
    """Moderation: the queue of returned audits waiting for a moderator, and disputes.

    Example:

        \b
        qaf moderation queue

        \b
        qaf moderation dispute QA2611-0004 --reason "Evidence of impact was not considered"
    """


@moderation.command("queue")
@workspace_option
def moderation_queue(workspace: Path | None) -> None:
    """List returned audits waiting for moderation: Inadequate first, then by deadline.

    Example:

        \b
        qaf moderation queue
    """
    from qaf_docs.dates import uk
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import frameworks_of

    ws = workspace_at(workspace)
    today = clock.today()
    with open_register(ws) as register:
        queue = register.moderation_queue(
            frameworks_of(ws), today, ws.load_settings().lifecycle.moderate
        )
    if not queue:
        click.echo("Nothing is waiting for moderation.")
    for m in queue:
        when = "at once (Inadequate)" if m.at_once else f"by {uk(m.deadline)}"
        late = " OVERDUE" if m.deadline and m.deadline < today else ""  # as qaf status says it
        click.echo(f"{m.audit_ref}  case {m.case_id}  {m.grade or 'no grade'}  due {when}{late}")


@moderation.command("dispute")
@click.argument("audit_ref", type=AUDIT_REF)
@click.option("--reason", default="", help="What the service area disagrees with (required).")
@workspace_option
def moderation_dispute(workspace: Path | None, audit_ref: str, reason: str) -> None:
    """Record that the service area disputes a moderated grade; it escalates as the framework says.

    Example:

        \b
        qaf moderation dispute QA2611-0004 --reason "Evidence of impact was not considered"
    """
    from qaf_docs.cli.case_notes import produce_and_say
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import frameworks_of

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        audit = known_audit(register, audit_ref)
        # The audit's own framework says where its disputes go (a workspace may run several).
        framework = frameworks_of(ws)(audit.framework_id)
        roles = framework.escalation.grade_disputes or ["QA Head of Service"]
        e = register.record_dispute(audit_ref, reason, roles=roles, on=clock.today())
        click.echo(f"Dispute recorded; escalation {e.id} to {', '.join(e.roles)}.")
        produce_and_say(ws, register)  # the escalation's case note and who is told


@moderation.command("kind")
@click.argument("audit_ref", type=AUDIT_REF)
@click.argument("kind")
@workspace_option
def moderation_kind(workspace: Path | None, audit_ref: str, kind: str) -> None:
    """Record how an audit was moderated (one of the framework's kinds, e.g. reflective or group).

    Example:

        \b
        qaf moderation kind QA2611-0004 group
    """
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import frameworks_of

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        audit = known_audit(register, audit_ref)
        # The kinds the audit's own framework names (a workspace may run several).
        kinds = frameworks_of(ws)(audit.framework_id).moderation.kinds
        if kinds:
            named = next((k for k in kinds if k.casefold() == kind.strip().casefold()), None)
            if named is None:
                raise QafError(
                    f"'{kind}' is not a kind of moderation here; use one of: {', '.join(kinds)}."
                )
            kind = named
        register.set_moderation_kind(audit_ref, kind)
    click.echo(f"{audit_ref}: moderation recorded as {kind}.")


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Also list resolved escalations.")
@click.option("--resolve", type=int, default=None, help="Resolve the escalation with this number.")
@click.option("--note", default="", help="With --resolve: how it was resolved (required).")
@click.option("--by", "by_whom", default="", help="With --resolve: who resolved it (recorded).")
@click.option(
    "--grade",
    default=None,
    help="With --resolve: the grade the escalation decided, if it decided one (it becomes the "
    "audit's final grade).",
)
@workspace_option
def escalations(
    workspace: Path | None,
    show_all: bool,
    resolve: int | None,
    note: str,
    by_whom: str,
    grade: str | None,
) -> None:
    """List open escalations (Inadequate pathway, disputes, safeguarding concerns), or resolve one.

    Example:

        \b
        qaf escalations

        \b
        qaf escalations --resolve 3 --note "3-way meeting agreed the moderated grade" --by "Sam Lead"

        \b
        qaf escalations --resolve 4 --note "Head of Service review" --grade Good
    """
    from qaf_docs.dates import uk
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.lifecycle import follow_up_due
    from qaf_docs.reports.reaudits import audited_on
    from qaf_docs.workspace import frameworks_of

    if grade is not None and resolve is None:
        raise QafError("--grade goes with --resolve: say which escalation decided the grade.")
    if note and resolve is None:
        raise QafError("--note goes with --resolve: say which escalation the note resolves.")
    if by_whom and resolve is None:
        raise QafError("--by goes with --resolve: say which escalation was resolved.")
    ws = workspace_at(workspace)
    with open_register(ws) as register:
        if resolve is not None:
            from qaf_docs.cli.case_notes import produce_and_say

            for line in _resolve(ws, register, resolve, note, grade, by_whom):
                click.echo(line)
            produce_and_say(ws, register)  # the outcome's case note and who is told
            return
        found = register.escalations(open_only=not show_all)
        results = {r.audit_ref: r for r in register.results()}
    if not found:
        click.echo("No open escalations.")
    frameworks, today = frameworks_of(ws), clock.today()
    for e in found:
        by = f" by {e.resolved_by}" if e.resolved_by else ""
        state = "open" if e.open else f"resolved {uk(e.resolved_on)}{by}: {e.resolution}"
        audit = results.get(e.audit_ref)
        # When the case is next audited, as qaf status and the reminders say it.
        due = follow_up_due(e, frameworks(audit.framework_id), audited_on(audit)) if audit else None
        if e.open and due is not None:
            state += f"; the case is due to be audited again by {uk(due)}"
            state += " OVERDUE" if due < today else ""
        click.echo(
            f"{e.id}. {e.audit_ref} case {e.case_id}: {e.title} ({uk(e.raised_on)}, "
            f"to {', '.join(e.roles) or 'the QA team'}) - {e.reason} - {state}"
        )


@cli.command()
@click.argument("audit_ref", type=AUDIT_REF)
@click.option("--reason", default="", help="Why the audit is cancelled (required).")
@click.option("--by", "by_whom", default="", help="Who is cancelling it (required, recorded).")
@workspace_option
def cancel(workspace: Path | None, audit_ref: str, reason: str, by_whom: str) -> None:
    """Cancel an audit that will not be done: the same as qaf round cancel ROUND --audit REF.

    Its packs are withdrawn, the round's manifest notes the change, a late return is rejected,
    and who, when and why are kept in its history.

    Example:

        \b
        qaf cancel QA2611-0007 --by "Sam Lead" --reason "Case closed before the audit"
    """
    from qaf_docs.cases import changes
    from qaf_docs.register.location import open_register

    if not reason.strip():
        raise QafError(
            f"Give a reason for cancelling audit {audit_ref}: qaf cancel {audit_ref} "
            '--by "Your Name" --reason "Case closed before the audit".'
        )
    ws = workspace_at(workspace)
    with open_register(ws) as register:
        audit = known_audit(register, audit_ref)
    for line in changes.cancel(ws, audit.round_id, audit_ref, by_whom=by_whom, reason=reason).lines:
        click.echo(line)
    click.echo(f"{audit_ref} cancelled.")


@cli.command()
@click.argument("audit_ref", type=AUDIT_REF)
@workspace_option
def history(workspace: Path | None, audit_ref: str) -> None:
    """Show every status change of one audit, with when and why, and how each of its escalations
    was resolved (by whom, the note, a grade it decided).

    Example:

        \b
        qaf history QA2611-0004
    """
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.history import history_lines

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        known_audit(register, audit_ref)
        events = register.events(audit_ref)
        escalations = register.escalations(audit_ref=audit_ref)
    for line in history_lines(events, escalations):
        click.echo(line)


def plan_for(ws: Workspace, register: Register, today: date) -> ReminderPlan:
    """Today's reminders from the workspace's roster (a missing roster is a warning)."""
    from qaf_docs.cases.people import find_roster, read_people
    from qaf_docs.reports.reminders import plan_reminders
    from qaf_docs.workspace import frameworks_of

    roster = find_roster(ws.root)
    people = read_people(roster) if roster else []
    rule = ws.load_settings().lifecycle.moderate
    plan = plan_reminders(register, people, frameworks_of(ws), today, rule)
    if roster is None:
        plan.warnings.insert(
            0, "no roster.xlsx or roster.csv in the workspace: nobody can be addressed"
        )
    return plan


@cli.command()
@workspace_option
def remind(workspace: Path | None) -> None:
    """Write today's reminders as ready-to-send e-mails in outbox/reminders/<date>/ (nothing is sent).

    One .eml per person: auditors (packs due or overdue), moderators (the queue), team managers
    (actions and trackers), escalation contacts (what is open); safeguarding concerns first.
    Recipients come from the roster; anyone missing is listed as a warning. Each thing is
    reminded once: what a person was reminded of on an earlier day is left out, until it changes
    (a pack or an action becoming OVERDUE is reminded in its turn). Run again the same day, it
    never writes over the day's reminders (they may be open or sent): what is new goes beside
    them as "<name> (2).eml", and it says what it left as it was and what it took out.

    Example:

        \b
        qaf remind
    """
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.reminders import leave_out_reminded, reminded_lines
    from qaf_docs.reports.same_day import remind_said, remind_today

    ws = workspace_at(workspace)
    today = clock.today()
    folder = ws.outbox / "reminders" / today.isoformat()
    with open_register(ws) as register:
        plan = plan_for(ws, register, today)
        # Once per event: what a person was reminded of on an earlier day is not sent again.
        repeated = leave_out_reminded(plan, register.reminded_before(today))
        sender = ws.load_settings().lifecycle.reminders_from
        run = remind_today(plan, folder, today, register.reminded_on(today), sender=sender)
        register.record_reminded(today, [*reminded_lines(plan), *run.seen])
    for line in remind_said(run, folder, repeated):
        click.echo(line)
    for warning in [*run.warnings, *plan.warnings]:
        click.echo(f"Warning: {warning}")


@cli.command()
@click.argument("round_id", required=False)
@click.argument("key", required=False)
@click.option("--note", default="", help="What the checkpoint found (required when recording).")
@workspace_option
def checkpoints(workspace: Path | None, round_id: str | None, key: str | None, note: str) -> None:
    """List rounds' close-the-loop checkpoints, or record one as done.

    Thematic rounds are checked at 6 weeks and 3 months; a round its framework reviews at a
    meeting (City of London's Getting to Outstanding meeting) has that meeting as a checkpoint.

    Example:

        \b
        qaf checkpoints

        \b
        qaf checkpoints 2026-11-thematic 6-weeks --note "4 of 5 recommendations in place"

        \b
        qaf checkpoints 2026-11-half getting-to-outstanding --note "signed off by AD People"
    """
    from qaf_docs.dates import uk
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import frameworks_of

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        known = register.checkpoints(frameworks_of(ws))
        if round_id:
            known_round(register, round_id)
            if not key:
                raise QafError("Name the checkpoint to record, e.g. 6-weeks or 3-months.")
            said = register.record_checkpoint(
                round_id, key, on=clock.today(), note=note, known=known
            )
            click.echo(said)
            return
    if not known:
        click.echo(
            "No thematic round, nor any round reviewed at a meeting, is complete yet, so no "
            "checkpoints are due."
        )
    for c in known:
        late = " OVERDUE" if c.due_on < clock.today() else ""  # as qaf status says it
        state = f"done {uk(c.done_on)}: {c.note}" if c.done_on else f"to do{late}"
        click.echo(f"{c.round_id}  {c.key:<9} due {uk(c.due_on)}  {c.title} - {state}")


def generate_moderation_forms(ws: Workspace) -> None:
    """Write a pre-filled moderation form for each audit in the moderation queue, and say where."""
    from qaf_docs.packs.moderation import write_moderation_forms
    from qaf_docs.register.location import open_register
    from qaf_docs.workspace import frameworks_of

    with open_register(ws) as register:
        rule = ws.load_settings().lifecycle.moderate
        queue = register.moderation_queue(frameworks_of(ws), clock.today(), rule)
        written = write_moderation_forms(ws, register, [m.audit_ref for m in queue])
    if not written:
        click.echo("Nothing is waiting for moderation.")
        return
    click.echo(f"{len(written)} moderation form(s) in {written[0].parent}:")
    for m, path in zip(queue, written, strict=False):
        when = (
            "at once (Inadequate)"
            if m.at_once
            else f"by {m.deadline:%d/%m/%Y}"
            if m.deadline
            else ""
        )
        click.echo(f"  {path.name}  due {when}")


def _resolve(
    ws: Workspace, register: Register, number: int, note: str, grade: str | None, by: str = ""
) -> list[str]:
    """Resolve escalation ``number``; with a grade, follow the Inadequate pathway if it is one."""
    from qaf_docs.workspace import frameworks_of

    today = clock.today()
    audit = next((e.audit_ref for e in register.escalations() if e.id == number), None)
    if audit is None:
        listed = [f"{e.id} ({e.audit_ref})" for e in register.escalations(open_only=True)]
        raise QafError(
            f"There is no escalation number {number}; "
            + (f"the open ones are {', '.join(listed)}" if listed else "none is open")
            + " (qaf escalations lists them with their numbers)."
        )
    if not note.strip():
        raise QafError(
            f"Say how escalation {number} was resolved, and by whom: qaf escalations --resolve "
            f'{number} --note "3-way meeting agreed the grade" --by "Your Name". It is still open.'
        )
    record = register.audit(audit) if audit else None
    framework = frameworks_of(ws)(record.framework_id) if record else ws.load_framework()
    decided = None
    if grade is not None:
        decided = framework.scale.parse_grade(grade)
        if decided is None:
            raise QafError(
                f"'{grade}' is not a grade on this audit's scale; use one of: "
                f"{', '.join(framework.scale.grades)}. Escalation {number} is still open."
            )
    resolved = register.resolve_escalation(number, on=today, resolution=note, grade=decided, by=by)
    lines = [f"Escalation {number} resolved: {resolved.resolution}."]
    if decided is not None and decided == framework.scale.inadequate:
        raised = register.apply_pathway(resolved.audit_ref, framework, today)
        for e in raised:
            lines.append(f"{resolved.audit_ref}: {e.title} raised, to {', '.join(e.roles)}.")
        if raised and record is not None and record.status == "closed":
            lines.append(
                f"{resolved.audit_ref} was closed (every action signed off): its actions stay "
                "closed, and the Inadequate pathway starts all the same."
            )
    return lines
