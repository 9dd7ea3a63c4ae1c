"""Audit outcomes onto children's records: ``qaf case-notes``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.errors import QafError

if TYPE_CHECKING:  # imported when a command runs, so `qaf --help` stays quick
    from qaf_docs.register.store import Register
    from qaf_docs.workspace import Workspace


@cli.command("case-notes")
@click.option(
    "--done",
    "done",
    metavar="DAY|REF",
    default=None,
    help="Say that a day's notes (24/11/2026 or 2026-11-24), or one audit's, are on the records and its "
    "messages sent; they leave qaf status.",
)
@workspace_option
def case_notes(workspace: Path | None, done: str | None) -> None:
    """Write the case notes and notifications that wait, and list what is to go on records.

    After each accepted, re-audited, moderated or escalated audit, and when its actions close,
    qaf writes a note for the child's record under the framework's heading in
    outbox/case-notes/<date>/ (a .txt to paste, a .docx where the framework attaches documents,
    and the day's notes as one CSV for a bulk import) and ready-to-send e-mails in
    outbox/notifications/<date>/. Nothing is sent. qaf ingest and qaf watch do this too; this
    command also finishes any that an interruption stopped.

    Example:

        \b
        qaf case-notes

        \b
        qaf case-notes --done 2026-11-24

        \b
        qaf case-notes --done QA2611-0003
    """
    from qaf_docs.outcomes.waiting import mark_done
    from qaf_docs.register.location import open_register

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        if done is not None:
            marked, which = mark_done(register, done)
            notes = f"{marked.notes} case note{'' if marked.notes == 1 else 's'}"
            messages = f"{marked.messages} message{'' if marked.messages == 1 else 's'}"
            click.echo(f"{notes} and {messages} from {which} marked as done.")
            return
        produce_and_say(ws, register)


def produce_and_say(ws: Workspace, register: Register) -> None:
    """Produce what waits, then print what was written, what waits and what was wrong."""
    from qaf_docs.outcomes.produce import produce
    from qaf_docs.outcomes.waiting import waiting

    produced = produce(ws, register, ws.load_settings())
    if produced.notes or produced.messages:
        click.echo(f"Wrote {produced.notes} case note(s) and {produced.messages} message(s).")
    now = waiting(register)
    for line in now.lines() or ["Nothing is waiting to go on a child's record."]:
        click.echo(line)
    for problem in now.problems:
        click.echo(f"Warning: {problem}")
    if produced.failed:
        raise QafError(
            "These could not be written yet: "
            + "; ".join(produced.failed)
            + ". They are written at the next qaf ingest, qaf watch or qaf case-notes."
        )
