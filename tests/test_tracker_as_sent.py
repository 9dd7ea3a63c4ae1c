"""Action trackers as managers really send them back: statuses typed in their own words over the
drop-down, cells merged across actions, sub-actions numbered 1.1, dates typed as text.

Each is followed through ``qaf ingest``: what is recorded is what the manager's sheet shows, and a
refusal names the row and column with one reason, never a second one that contradicts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, drop, pack_xlsx
from lifecycle_helpers import (
    current_actions,
    edit_tracker,
    note_beside,
    return_form,
    run,
    saved,
    set_cell,
    tracker_note,
)
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace


def _sent(ws: Workspace, audit: AuditRecord, edit: object) -> Path:
    """The manager's edit of the audit's tracker, dropped in the inbox and ingested."""
    path = edit_tracker(ws, audit, edit)
    run(ws)
    return path


# -- statuses typed over the drop-down ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Closed", "closed", "Finished", "complete ✓"])
def test_a_status_typed_as_closed_or_finished_is_recorded_as_completed(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    """An action tracker's "Closed" is the action closed: pasted over the drop-down, it is
    recorded as Completed with the date the manager gave."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, typed)
        set_cell(sheet, row, Column.COMPLETED, TODAY)
        set_cell(sheet, row, Column.EVIDENCE, "Visit held")

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    first = current_actions(workspace, audit.audit_ref)[0]
    assert (first.status, first.completed_on) == ("Completed", TODAY)


def test_open_as_a_status_says_which_status_to_choose(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row, Column.STATUS, "Open")

    _sent(workspace, audit, edit)
    note = tracker_note(workspace)
    assert f"Row {first[0]}: Status: 'Open' is not a status" in note
    assert "In progress once work on it has begun, otherwise Not started" in note


@pytest.mark.parametrize("typed", ["See notes", "✓", '=IF(F10<>"","Completed","")'])
def test_a_status_qaf_cannot_read_is_the_one_reason_given_for_its_row(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    """A completed, signed-off action whose Status qaf cannot read: the note says so, and does
    not also say the action "is Not started" (the manager never wrote that) and ask them to clear
    the completion date and the sign-off they rightly gave."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row, Column.STATUS, typed)
        set_cell(sheet, row, Column.COMPLETED, TODAY)
        set_cell(sheet, row, Column.SIGNED_OFF_BY, "T. Manager")
        set_cell(sheet, row, Column.SIGNED_OFF_ON, TODAY)

    _sent(workspace, audit, edit)
    note = tracker_note(workspace)
    assert f"Row {first[0]}: Status: '{typed}' is not a status" in note
    assert "Not started" not in note.split("Choose one of:")[0]
    assert "clear the Completion date" not in note
    assert "Sign an action off only once it is Completed" not in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


# -- cells merged over several actions -------------------------------------------------------------


def test_a_status_and_evidence_merged_over_two_actions_are_recorded_for_both(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A manager merges the Status and Evidence cells of two actions worked on together: Excel
    shows "In progress" and the note beside both, and both are recorded so (the second was
    recorded Not started, without evidence)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    letter = {Column.STATUS: "E", Column.EVIDENCE: "G"}

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Joint visit with school booked")
        for column in (Column.STATUS, Column.EVIDENCE):
            sheet.merge_cells(f"{letter[column]}{row}:{letter[column]}{row + 1}")  # type: ignore[attr-defined]

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert [
        (a.number, a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)
    ] == [
        (1, "In progress", "Joint visit with school booked"),
        (2, "In progress", "Joint visit with school booked"),
    ]


# -- a sub-action inserted under an agreed one -------------------------------------------------------


@pytest.mark.parametrize("typed", ["1.1", 1.1, "1a"], ids=["1.1 as text", "1.1 as a number", "1a"])
def test_a_sub_action_numbered_1_1_is_a_new_action_not_a_second_action_1(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: object
) -> None:
    """A manager inserts a row under action 1 for a step of it and numbers it 1.1: it is an action
    they added (as a blank No. or "NEW" is), not action 1 typed twice with other wording, owner
    and due date (the note said all four, and nothing was recorded)."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        sheet.insert_rows(row + 1)  # type: ignore[attr-defined]
        for column, value in (
            (Column.NUMBER, typed),
            (Column.DESCRIPTION, "Step of action 1: ask the school for attendance figures"),
            (Column.OWNER, "T. Manager"),
            (Column.DUE, TODAY),
            (Column.STATUS, "In progress"),
        ):
            set_cell(sheet, row + 1, column, value)

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert [
        (a.number, a.description, a.status) for a in current_actions(workspace, audit.audit_ref)
    ] == [
        (1, "Action number 1", "Not started"),
        (2, "Action number 2", "Not started"),
        (3, "Step of action 1: ask the school for attendance figures", "In progress"),
    ]


# -- dates typed as text ---------------------------------------------------------------------------


def _long(day: date) -> str:
    return f"{day:%A}, {day.day} {day:%B %Y}"


@pytest.mark.parametrize(
    "typed",
    [
        lambda d: _long(d),  # pasted from Word or Outlook
        lambda d: f"{d:%a} {d.day} {d:%b %Y}",
        lambda d: f"{d:%B} {d.day}, {d:%Y}",  # the month as a word first cannot be misread
        lambda d: datetime(d.year, d.month, d.day, 14, 30),  # a date with a time part
        lambda d: (d - date(1899, 12, 30)).days,  # an Excel serial number in a General cell
        lambda d: f"{d:%d.%m.%Y}",
        lambda d: f"{d:%d/%m/%y}",
    ],
    ids=["weekday first", "short weekday", "month first in words", "time", "serial", "dots", "yy"],
)
def test_a_completion_date_typed_as_managers_type_it_is_the_date_recorded(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: object
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, typed(TODAY))  # type: ignore[operator]

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert current_actions(workspace, audit.audit_ref)[0].completed_on == TODAY


@pytest.mark.parametrize(
    "typed, words",
    [
        (lambda d: f"{d.day} {d:%B}", "is not a date on its own: it gives no year"),
        (lambda d: f"{d:%d/%m}", "is not a date on its own: it gives no year"),
        (
            lambda d: f"{(d + timedelta(days=1)):%A}, {d.day} {d:%B %Y}",
            "names a {tomorrow}, but {today:%d/%m/%Y} is a {today:%A}",
        ),
        (lambda d: "=TODAY()", "is a formula, not a date"),
    ],
    ids=["no year", "no year in numbers", "wrong weekday", "formula"],
)
def test_a_completion_date_qaf_cannot_be_sure_of_is_refused_saying_why(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: object, words: str
) -> None:
    """Refused, naming the row and column, with the reason in the manager's terms: a date with
    no year is a guess at the year, a weekday that is not the date's leaves which was meant
    unclear, and =TODAY() would say a different day each time the tracker is opened."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []
    text = typed(TODAY)  # type: ignore[operator]

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, text)

    _sent(workspace, audit, edit)
    note = tracker_note(workspace)
    tomorrow = f"{TODAY + timedelta(days=1):%A}"
    said = words.format(tomorrow=tomorrow, today=TODAY)
    assert f"Row {first[0]}: Completion date: '{text}' {said}" in note
    assert "Type the date like 03/12/2026" in note
    assert current_actions(workspace, audit.audit_ref)[0].completed_on is None


# -- an older copy whose updates were since reworded ---------------------------------------------------


def _copy(ws: Workspace, audit: AuditRecord, evidence: str, when: datetime, name: str) -> Path:
    """The manager's copy of the tracker with action 1 In progress and ``evidence``, saved ``when``."""
    path = ws.root / name
    wb = load_workbook(pack_xlsx(ws, audit))
    sheet = wb.worksheets[0]
    first = find_actions_header(sheet) + 1  # type: ignore[operator]
    set_cell(sheet, first, Column.STATUS, "In progress")
    set_cell(sheet, first, Column.EVIDENCE, evidence)
    wb.save(path)
    return saved(path, when)


@pytest.mark.parametrize("together", [False, True], ids=["dropped later", "dropped together"])
def test_an_older_copy_with_other_evidence_never_replaces_the_newer_evidence(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, together: bool
) -> None:
    """Monday's copy says "visit booked"; Friday's, accepted, says the visit was held and what
    was found. Monday's copy dropped afterwards (or beside it) takes nothing back to blank and goes
    no status backwards, but recorded it would replace Friday's evidence with Monday's: it is set
    aside, saying which copy is newer, as an older copy of an audit form is."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    now = datetime.now(UTC).replace(microsecond=0)
    monday, friday = now + timedelta(days=1), now + timedelta(days=5)
    newer = "Visit held 3/11: child seen alone, school attendance improved"
    drop(_copy(workspace, audit, newer, friday, "friday.xlsx"), workspace.inbox, "tracker (2).xlsx")
    if not together:
        run(workspace)
    older = _copy(workspace, audit, "Visit booked", monday, "monday.xlsx")
    drop(older, workspace.inbox, "tracker.xlsx")
    run(workspace)
    assert current_actions(workspace, audit.audit_ref)[0].evidence == newer
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert f"this copy was saved on {monday.astimezone():%d/%m/%Y}" in note
    assert f"already accepted (saved on {friday.astimezone():%d/%m/%Y}" in note
    # Saved again, the manager means it: it is the newest copy and counts.
    drop(saved(older, friday + timedelta(days=1)), workspace.inbox, "tracker again.xlsx")
    run(workspace)
    assert current_actions(workspace, audit.audit_ref)[0].evidence == "Visit booked"
