"""What a manager is told of a tracker recorded with warnings, and an added action's due date.

A returned tracker is recorded with warnings rather than refused for what does not stop it (a
completed action with no evidence, a sign-off with no date, an action added without SMART
detail). The manager who returned it reads them in a note beside the tracker qaf re-issues to
them (``outbox/for-managers/<team>/<audit ref> points to check.txt``), naming each row, and the
ingest line says so; a later copy that puts them right takes the note away. An action the manager
adds is held to the framework's limit on a due date, as the auditor's actions on the form are
(West Sussex: "Each action will be given a date for completion (maximum 4 weeks)"), counted from
the day it was added.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY
from lifecycle_helpers import current_actions, edit_tracker, return_form, run, set_cell
from openpyxl import load_workbook

from qaf_docs import clock
from qaf_docs.dates import due_after
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.packs.handoff import FOR_MANAGERS, folder_name
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

_VAGUE = "'Review', the action added in the tracker, is too vague to be SMART"
_NO_EVIDENCE = "the action is Completed but no evidence is given of what was done"


def _points(ws: Workspace, audit: AuditRecord) -> Path:
    return (
        ws.outbox
        / FOR_MANAGERS
        / folder_name(audit.team)
        / f"{audit.audit_ref} points to check.txt"
    )


def _send(ws: Workspace, audit: AuditRecord, edit: Callable[[object, int], None]) -> Outcome:
    edit_tracker(ws, audit, edit)
    [outcome] = run(ws)
    assert outcome.result == "accepted", outcome.findings
    return outcome


def _add(sheet: object, row: int, action: str, owner: str, due: date) -> None:
    set_cell(sheet, row, Column.DESCRIPTION, action)
    set_cell(sheet, row, Column.OWNER, owner)
    set_cell(sheet, row, Column.DUE, due)
    set_cell(sheet, row, Column.STATUS, "Not started")


def test_a_trackers_warnings_reach_the_manager_in_a_note_beside_their_tracker(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The manager completes action 1 without saying what shows it, and adds "Review": both are
    recorded, and the note beside the tracker qaf hands back to them names each row and what to
    do (before, the warnings went only to the QA tracker's Warnings sheet, which managers never
    see, and the ingest line said only "accepted"). A later copy that puts both right takes the
    note away."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, TODAY)
        _add(sheet, row + 2, "Review", "T. Manager", TODAY + timedelta(days=7))

    outcome = _send(workspace, audit, edit)
    first = _first_action_row(workspace)
    assert (
        f"2 points for the manager to check, in '{audit.audit_ref} points to check.txt' beside "
        "their tracker" in outcome.line()
    )
    note = " ".join(_points(workspace, audit).read_text(encoding="utf-8").split())
    assert f"Points to check in the action tracker of audit {audit.audit_ref}" in note
    assert f"- Row {first}: Evidence: {_NO_EVIDENCE}." in note
    assert f"- Row {first + 2}: Action: {_VAGUE}." in note
    assert f"When you next update the tracker ({audit.audit_ref}.xlsx, beside this note)" in note
    assert _points(workspace, audit).with_name(f"{audit.audit_ref}.xlsx").exists()

    def put_right(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.EVIDENCE, "Plan reviewed at the core group")
        set_cell(
            sheet, row + 2, Column.DESCRIPTION, "Book a family group conference for the family"
        )

    outcome = _send(workspace, audit, put_right)
    assert "points for the manager" not in outcome.line()
    assert not _points(workspace, audit).exists()
    recorded = current_actions(workspace, audit.audit_ref)
    assert recorded[0].evidence == "Plan reviewed at the core group"


def test_a_tracker_with_nothing_to_check_leaves_no_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")

    outcome = _send(workspace, audit, edit)
    assert "point" not in outcome.line()
    assert not _points(workspace, audit).exists()


def test_an_added_action_due_after_the_frameworks_limit_is_warned_of_naming_its_row(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The collaborative audit gives each action "a date for completion (maximum 4 weeks)": the
    auditor's action due later is refused on the form; one the manager adds in the tracker due
    10 weeks away was recorded without a word. Now it is recorded with a warning naming its row,
    the limit and the last day allowed, as the form's check says it, and the manager is told."""
    within = framework.timescales.action_due_within_days
    assert within == 28
    audit = issued[0]
    return_form(workspace, audit, framework)
    late = TODAY + timedelta(weeks=10)

    def edit(sheet: object, row: int) -> None:
        _add(sheet, row + 2, "Book a family group conference for the family", "T. Manager", late)

    outcome = _send(workspace, audit, edit)
    latest = due_after(TODAY, within)
    added = _first_action_row(workspace) + 2
    said = (
        f"Row {added}: Due date: {late:%d/%m/%Y} is more than 28 days after the audit "
        f"({TODAY:%d/%m/%Y}), for the action added in the tracker. Set a due date on or before "
        f"{latest:%d/%m/%Y}, or split the action into steps, when the tracker is next updated."
    )
    assert said in [f.line() for f in outcome.findings]
    assert [a.due_on for a in current_actions(workspace, audit.audit_ref)][2] == late
    note = " ".join(_points(workspace, audit).read_text(encoding="utf-8").split())
    assert f"Row {added}: Due date: {late:%d/%m/%Y} is more than 28 days after the audit" in note


def test_an_added_actions_limit_counts_from_the_day_it_was_added(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An action added in a copy sent five weeks after the audit, due three weeks later, is
    within its four weeks (counted from when it was added, not from the audit), and one due six
    weeks after it was added is warned of, counted from that day; one due within the limit in
    the first copy stays without a warning in the next."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    soon = TODAY + timedelta(days=20)

    def first(sheet: object, row: int) -> None:
        _add(sheet, row + 2, "Book a family group conference for the family", "T. Manager", soon)

    assert not [f for f in _send(workspace, audit, first).findings if "Due date" in f.where]
    later = TODAY + timedelta(weeks=5)
    monkeypatch.setattr(clock, "today", lambda: later)
    due = later + timedelta(weeks=3)

    late = later + timedelta(weeks=6)

    def second(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        _add(sheet, row + 3, "Arrange a joint visit with the school nurse", "T. Manager", due)
        _add(sheet, row + 4, "Agree a safety plan with the family and school", "T. Manager", late)

    outcome = _send(workspace, audit, second)
    assert [f.line() for f in outcome.findings if "Due date" in f.where] == [
        f"Row {_first_action_row(workspace) + 4}: Due date: {late:%d/%m/%Y} is more than 28 days "
        "after the day the action was "
        f"added to the tracker ({later:%d/%m/%Y}). Set a due date on or before "
        f"{due_after(later, 28):%d/%m/%Y}, or split the action into steps, when the tracker is "
        "next updated."
    ]
    recorded = [a.due_on for a in current_actions(workspace, audit.audit_ref)]
    assert recorded[2:] == [soon, due, late]


def _first_action_row(workspace: Workspace) -> int:
    """The sheet row of a tracker's first action, as the manager sees it."""
    template = load_workbook(workspace.templates / "action_tracker.xlsx").active
    return int(find_actions_header(template) or 0) + 1
