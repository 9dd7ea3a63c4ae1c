"""``qaf reopen``: an action signed off that turns out not to be done is reopened by the QA team.

A manager's tracker cannot take back a sign-off (the note says to ask the QA team), so this is
the one way back: the action is In progress again, the audit has actions open, who and why are
in its history, the manager's tracker shows it, and a copy saved before it cannot close it again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result
from conftest import drop, pack_xlsx
from lifecycle_helpers import (
    complete_all,
    current_actions,
    edit_tracker,
    note_beside,
    return_form,
    run,
    saved,
    set_cell,
)
from openpyxl import load_workbook

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.packs.handoff import FOR_MANAGERS, folder_name
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


def reopen(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["reopen", *args, "--workspace", str(ws.root)])


def _closed(ws: Workspace, audit: AuditRecord, framework: Framework) -> None:
    return_form(ws, audit, framework)
    edit_tracker(ws, audit, complete_all)
    assert [o.result for o in run(ws)] == ["accepted"]


def _status(ws: Workspace, ref: str) -> str:
    with open_register(ws) as register:
        return register.audit(ref).status  # type: ignore[union-attr]


def _tracker_statuses(path: object) -> list[str]:
    sheet = load_workbook(path).worksheets[0]  # type: ignore[arg-type]
    row = find_actions_header(sheet) + 1  # type: ignore[operator]
    return [sheet.cell(row=row + i, column=Column.STATUS).value for i in range(2)]


def test_a_signed_off_action_is_reopened_with_who_and_why_and_the_tracker_shows_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    _closed(workspace, audit, framework)
    ref = audit.audit_ref
    assert _status(workspace, ref) == "closed"
    # The manager's copy from before, still saying Completed, is kept aside on their desktop.
    stale = saved(
        drop(pack_xlsx(workspace, audit), workspace.root, "stale.xlsx"), datetime.now(UTC)
    )
    time.sleep(1.1)
    result = reopen(workspace, ref, "--action", "1", "--by", "Sam Lead", "--reason", "no visit")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"Action 1 of audit {ref} (case {audit.case_id}) reopened" in said
    assert "Recorded: by Sam Lead, because no visit." in said
    first, second = current_actions(workspace, ref)
    assert (first.status, first.completed_on, first.signed_off_by, first.signed_off_on) == (
        "In progress", None, "", None,
    )  # fmt: skip
    assert (second.status, second.signed_off_by) == ("Completed", "T. Manager")
    assert _status(workspace, ref) == "actions open"
    with open_register(workspace) as register:
        last = register.events(ref)[-1]
    assert last.to_status == "actions open"
    assert (
        "action 1 (completed on" in last.reason and "reopened by Sam Lead: no visit" in last.reason
    )
    assert "Action number 1" not in last.reason, (
        "the history quotes nothing typed in a form: the case note names the action"
    )
    handed = (
        workspace.outbox / FOR_MANAGERS / folder_name(audit.team) / pack_xlsx(workspace, audit).name
    )
    assert _tracker_statuses(handed) == ["In progress", "Completed"]
    # The stale copy cannot close the audit again; the one from the manager's folder can.
    drop(stale, workspace.inbox, "stale.xlsx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert "would replace newer updates" in " ".join(note_beside(workspace, "stale.xlsx").split())
    assert current_actions(workspace, ref)[0].status == "In progress"
    edit_tracker(workspace, audit, complete_all)
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _status(workspace, ref) == "closed"


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ("--action", "5", "--by", "Sam Lead", "--reason", "x"),
            "has no action 5 (its actions: 1, 2)",
        ),
        (("--action", "1", "--by", "", "--reason", "x"), "Say who is reopening action 1"),
        (("--action", "1", "--by", "Sam Lead", "--reason", " "), "and why (--by and --reason)"),
    ],
)
def test_a_reopen_that_cannot_be_done_says_why_and_changes_nothing(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    args: tuple[str, ...],
    words: str,
) -> None:
    audit = issued[0]
    _closed(workspace, audit, framework)
    before = current_actions(workspace, audit.audit_ref)
    result = reopen(workspace, audit.audit_ref, *args)
    assert result.exit_code != 0 and words in " ".join(result.output.split())
    assert current_actions(workspace, audit.audit_ref) == before
    assert _status(workspace, audit.audit_ref) == "closed"


def test_an_action_not_completed_is_not_reopened(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    result = reopen(workspace, audit.audit_ref, "--action", "2", "--by", "Sam", "--reason", "x")
    assert result.exit_code != 0
    assert (
        f"Action 2 of audit {audit.audit_ref} (case {audit.case_id}) is Not started, not "
        "completed: there is nothing to reopen"
    ) in " ".join(result.output.split())


def test_the_note_refusing_a_taken_back_sign_off_names_the_command(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    _closed(workspace, audit, framework)

    def undo(sheet: object, row: int) -> None:
        for column, value in ((Column.STATUS, "In progress"), (Column.COMPLETED, None)):
            set_cell(sheet, row, column, value)
        set_cell(sheet, row, Column.SIGNED_OFF_BY, None)
        set_cell(sheet, row, Column.SIGNED_OFF_ON, None)

    edit_tracker(workspace, audit, undo)
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert (
        f"ask the QA team to reopen it rather than changing the tracker: qaf reopen {audit.audit_ref} --action 1"
        in note
    )


def _notes(ws: Workspace, ref: str, event: str) -> list[str]:
    return sorted(
        " ".join(p.read_text(encoding="utf-8").split())
        for p in (ws.outbox / "case-notes").rglob(f"* {ref} {event}*.txt")
    )


def test_reopening_an_action_of_a_closed_audit_puts_a_note_on_the_childs_record_once(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The sign-off put "actions closed" on the child's record; before, reopening left that note
    the last word there. Now a note says the actions are open again, who reopened which and why,
    written once however often the outputs are produced again."""
    audit = issued[0]
    _closed(workspace, audit, framework)
    ref = audit.audit_ref
    assert len(_notes(workspace, ref, "actions closed")) == 1
    result = reopen(workspace, ref, "--action", "1", "--by", "Sam Lead", "--reason", "no visit")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        f"Wrote the case note for audit {ref} (actions reopened): put it on the child's record"
    ) in said
    [note] = _notes(workspace, ref, "actions reopened")
    assert f"The actions from audit {ref} are open again from" in note
    assert "reopened by Sam Lead: no visit" in note
    again = CliRunner().invoke(cli, ["case-notes", "--workspace", str(workspace.root)])
    assert again.exit_code == 0, again.output
    run(workspace)
    assert len(_notes(workspace, ref, "actions reopened")) == 1
    with open_register(workspace) as register:
        rows = register._db.execute(
            "SELECT COUNT(*) FROM event_outputs WHERE outcome = 'actions_reopened'"
        ).fetchone()
    assert rows[0] == 1


def test_reopening_an_action_of_an_audit_with_actions_still_open_writes_no_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    # Only a closed audit's record said its actions were done.
    audit = issued[0]
    return_form(workspace, audit, framework)

    def first_only(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, datetime.now(UTC).date())
        set_cell(sheet, row, Column.SIGNED_OFF_BY, "T. Manager")
        set_cell(sheet, row, Column.SIGNED_OFF_ON, datetime.now(UTC).date())

    edit_tracker(workspace, audit, first_only)
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _status(workspace, audit.audit_ref) == "actions open"
    result = reopen(workspace, audit.audit_ref, "--action", "1", "--by", "Sam", "--reason", "x")
    assert result.exit_code == 0, result.output
    assert _notes(workspace, audit.audit_ref, "actions reopened") == []


def test_reopening_several_actions_at_once_is_one_note_naming_each(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """``--action`` given twice: one event, one case note saying which actions are open again,
    by number and description (before, only one action could be named per command)."""
    audit = issued[0]
    _closed(workspace, audit, framework)
    ref = audit.audit_ref
    result = reopen(
        workspace, ref, "--action", "1", "--action", "2", "--by", "Sam Lead", "--reason", "no visit"
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"Actions 1 and 2 of audit {ref} (case {audit.case_id}) reopened: they are" in said
    assert [a.status for a in current_actions(workspace, ref)] == ["In progress"] * 2
    [note] = _notes(workspace, ref, "actions reopened")
    assert "Open again: action 1: Action number 1 Open again: action 2: Action number 2" in note
    assert "action 1 (completed on" in note and "and action 2 (completed on" in note
    assert "reopened by Sam Lead: no visit" in note


def test_each_later_reopening_of_a_once_closed_audit_puts_its_own_note_on_the_record(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The record said every action was done; reopening action 1 told it of action 1 only, and
    reopening action 2 the next moment wrote nothing (the audit had actions open by then), so the
    child's record still said action 2 was done."""
    audit = issued[0]
    _closed(workspace, audit, framework)
    ref = audit.audit_ref
    for number in ("1", "2"):
        result = reopen(workspace, ref, "--action", number, "--by", "Sam Lead", "--reason", "x")
        assert result.exit_code == 0, result.output
        assert f"Wrote the case note for audit {ref} (actions reopened)" in " ".join(
            result.output.split()
        )
    first, second = _notes(workspace, ref, "actions reopened")
    assert ["Open again: action 1: Action number 1" in n for n in (first, second)] == [True, False]
    assert ["Open again: action 2: Action number 2" in n for n in (first, second)] == [False, True]


def test_reopening_an_action_not_completed_among_several_changes_nothing(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def first_only(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, datetime.now(UTC).date())

    edit_tracker(workspace, audit, first_only)
    assert [o.result for o in run(workspace)] == ["accepted"]
    result = reopen(
        workspace, audit.audit_ref, "--action", "1", "--action", "2", "--by", "S", "--reason", "x"
    )
    assert result.exit_code != 0
    assert "not completed: there is nothing to reopen. Nothing was changed." in result.output
    assert current_actions(workspace, audit.audit_ref)[0].status == "Completed"
