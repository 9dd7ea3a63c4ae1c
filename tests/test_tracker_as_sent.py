"""Action trackers as managers really send them back: statuses typed in their own words over the
drop-down, cells merged across actions, sub-actions numbered 1.1, dates typed as text.

Each is followed through ``qaf ingest``: what is recorded is what the manager's sheet shows, and a
refusal names the row and column with one reason, never a second one that contradicts it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TODAY
from lifecycle_helpers import edit_tracker, note_beside, return_form, run

from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column
from qaf_docs.records import AuditRecord, TrackerRow
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace


def _cell(sheet: object, row: int, column: int, value: object) -> None:
    sheet.cell(row=row, column=column).value = value  # type: ignore[attr-defined]


def _actions(ws: Workspace, ref: str) -> list[TrackerRow]:
    with open_register(ws) as register:
        return register.current_actions(ref)


def _note(ws: Workspace) -> str:
    return " ".join(note_beside(ws, "tracker.xlsx").split())


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
        _cell(sheet, row, Column.STATUS, typed)
        _cell(sheet, row, Column.COMPLETED, TODAY)
        _cell(sheet, row, Column.EVIDENCE, "Visit held")

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    first = _actions(workspace, audit.audit_ref)[0]
    assert (first.status, first.completed_on) == ("Completed", TODAY)


def test_open_as_a_status_says_which_status_to_choose(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        _cell(sheet, row, Column.STATUS, "Open")

    _sent(workspace, audit, edit)
    note = _note(workspace)
    assert f"Row {first[0]}: Status: 'Open' is not a status" in note
    assert "In progress once work on it has begun, otherwise Not started" in note


@pytest.mark.parametrize("typed", ["Done - see evidence", "✓", '=IF(F10<>"","Completed","")'])
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
        _cell(sheet, row, Column.STATUS, typed)
        _cell(sheet, row, Column.COMPLETED, TODAY)
        _cell(sheet, row, Column.SIGNED_OFF_BY, "T. Manager")
        _cell(sheet, row, Column.SIGNED_OFF_ON, TODAY)

    _sent(workspace, audit, edit)
    note = _note(workspace)
    assert f"Row {first[0]}: Status: '{typed}' is not a status" in note
    assert "Not started" not in note.split("Choose one of:")[0]
    assert "clear the Completion date" not in note
    assert "Sign an action off only once it is Completed" not in note
    assert {a.status for a in _actions(workspace, audit.audit_ref)} == {"Not started"}


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
        _cell(sheet, row, Column.STATUS, "In progress")
        _cell(sheet, row, Column.EVIDENCE, "Joint visit with school booked")
        for column in (Column.STATUS, Column.EVIDENCE):
            sheet.merge_cells(f"{letter[column]}{row}:{letter[column]}{row + 1}")  # type: ignore[attr-defined]

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert [(a.number, a.status, a.evidence) for a in _actions(workspace, audit.audit_ref)] == [
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
            _cell(sheet, row + 1, column, value)

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert [(a.number, a.description, a.status) for a in _actions(workspace, audit.audit_ref)] == [
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
        _cell(sheet, row, Column.STATUS, "Completed")
        _cell(sheet, row, Column.COMPLETED, typed(TODAY))  # type: ignore[operator]

    _sent(workspace, audit, edit)
    assert not list(workspace.rejected.glob("*.txt"))
    assert _actions(workspace, audit.audit_ref)[0].completed_on == TODAY


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
        _cell(sheet, row, Column.STATUS, "Completed")
        _cell(sheet, row, Column.COMPLETED, text)

    _sent(workspace, audit, edit)
    note = _note(workspace)
    tomorrow = f"{TODAY + timedelta(days=1):%A}"
    said = words.format(tomorrow=tomorrow, today=TODAY)
    assert f"Row {first[0]}: Completion date: '{text}' {said}" in note
    assert "Type the date like 03/12/2026" in note
    assert _actions(workspace, audit.audit_ref)[0].completed_on is None
