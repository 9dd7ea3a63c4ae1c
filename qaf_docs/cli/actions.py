"""Actions after the manager signed them off: ``qaf reopen``."""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.cli.app import AUDIT_REF, cli, known_audit, workspace_at, workspace_option


@cli.command()
@click.argument("audit_ref", type=AUDIT_REF)
@click.option(
    "--action",
    "numbers",
    type=int,
    required=True,
    multiple=True,
    help="The action's No. to reopen (repeat it to reopen several at once: one case note).",
)
@click.option("--by", "by_whom", default="", help="Who is reopening it (required, recorded).")
@click.option("--reason", default="", help="Why it is reopened (required, recorded).")
@workspace_option
def reopen(
    workspace: Path | None, audit_ref: str, numbers: tuple[int, ...], by_whom: str, reason: str
) -> None:
    """Reopen actions the manager signed off: back to In progress, the audit's actions open again.

    A tracker cannot take back a sign-off (it would look like an older copy); the QA team decides
    here instead. Who and why are kept in the audit's history, and the manager's tracker in
    outbox/for-managers/<team>/ is rewritten to show it. Where the audit was closed, a case note
    says which actions are open again (the child's record said they were closed): reopening
    several at once is one note naming each.

    Example:

        \b
        qaf reopen QA2611-0004 --action 2 --by "Sam Lead" --reason "the plan was not updated"
        qaf reopen QA2611-0004 --action 1 --action 3 --by "Sam Lead" --reason "no visit"
    """
    from qaf_docs.inbox.derived import bring_up_to_date
    from qaf_docs.packs.handoff import FOR_MANAGERS
    from qaf_docs.register.location import open_register
    from qaf_docs.register.reopening import reopen_actions

    ws = workspace_at(workspace)
    settings = ws.load_settings()
    with open_register(ws, settings) as register:
        known_audit(register, audit_ref)
        found = reopen_actions(register, audit_ref, numbers, by_whom=by_whom, reason=reason)
        audit = register.audit(audit_ref)
        caught_up = bring_up_to_date(ws, register, settings)
    case = f" (case {audit.case_id})" if audit else ""
    which = (
        f"Action {found[0].number} of audit {audit_ref}{case} reopened: it is"
        if len(found) == 1
        else f"Actions {', '.join(str(r.number) for r in found[:-1])} and {found[-1].number} of "
        f"audit {audit_ref}{case} reopened: they are"
    )
    click.echo(
        f"{which} In progress again and the audit has actions open. Recorded: by {' '.join(by_whom.split())}, because "
        f"{' '.join(reason.split())}."
    )
    if caught_up.failed:
        click.echo(
            "Warning: could not write "
            + "; ".join(caught_up.failed)
            + " (tried again at the next run)"
        )
    else:
        team = audit.team if audit and audit.team else "the team"
        click.echo(
            f"The manager's tracker in outbox/{FOR_MANAGERS}/ ({team}) shows it; a copy of the "
            "tracker saved before now is set aside as older."
        )
    # A closed audit's record said its actions were closed: its case note, written with the
    # tracker, says they are not.
    for line in caught_up.written:
        if line.startswith("the case note for audit ") and f"audit {audit_ref} " in line:
            click.echo(f"Wrote {line}: put it on the child's record (qaf case-notes lists it).")
