"""Cells a manager merges in a returned action tracker, said as merges.

Excel and Calc keep only the first cell of a merged block: a cell merged into the one to its left
is hidden, and one merged down shows the value of the row above. Where that hides something qaf
must record (an agreed action's wording, owner or due date, a status, a completion date, evidence,
a sign-off), the note names the merged cells, how to unmerge them and what to type back, rather
than what qaf then reads (action 1's wording on action 2's row, a Completed action "with no
completion date"). A merge that only repeats a value (one status, date or sign-off over two
actions) is recorded for every row it covers.

Each tracker is saved as openpyxl writes it and again re-saved by LibreOffice Calc.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import TODAY, complete_form, drop, pack_docx
from lifecycle_helpers import (
    SAVED_BY,
    complete_all,
    current_actions,
    edit_tracker,
    return_form,
    run,
    set_cell,
    tracker_note,
)
from openpyxl.utils import get_column_letter

from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

_UNMERGE = (
    "Unmerge the cells (Excel: Home > Merge & Center; Calc: Format > Merge and Unmerge Cells > "
    "Unmerge Cells)"
)


def _merge(sheet: object, first: Column, last: Column, row: int, down_to: int = 0) -> None:
    cells = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{down_to or row}"
    sheet.merge_cells(cells)  # type: ignore[attr-defined]


def _sent(ws: Workspace, audit: AuditRecord, edit: Callable[[object, int], None], by: str) -> int:
    """Send the manager's edit of the tracker; the sheet row of action 1."""
    first: list[int] = []

    def edited(sheet: object, row: int) -> None:
        first.append(row)
        edit(sheet, row)

    edit_tracker(ws, audit, edited, by)
    run(ws)
    return first[0]


# -- an Action merged down over two agreed actions ---------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_an_action_merged_down_over_two_actions_says_the_cell_is_merged(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """Action 1's wording cell merged down over action 2's row: Excel shows action 1's wording
    beside both. The note says the Action cell is merged over both rows and to type action 2's
    wording back (it said "this row is agreed action 1, but it is numbered 2"); nothing is
    recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        _merge(sheet, Column.DESCRIPTION, Column.DESCRIPTION, row, down_to=row + 1)

    first = _sent(workspace, audit, edit, saved_by)
    note = tracker_note(workspace)
    second = first + 1
    assert (
        f"Row {second}: Action: the Action cell is merged over rows {first} and {second}, so "
        f"action 2's wording is hidden (Excel shows row {first}'s there)" in note
    )
    assert f"{_UNMERGE} and type action 2's wording back in row {second}" in note
    assert "numbered" not in note
    assert "differs" not in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


# -- a read cell merged into the one to its left --------------------------------------------------


def _status_over_completion(sheet: object, row: int) -> None:
    complete_all(sheet, row)
    _merge(sheet, Column.STATUS, Column.COMPLETED, row)


def _completion_over_evidence(sheet: object, row: int) -> None:
    complete_all(sheet, row)
    set_cell(sheet, row, Column.EVIDENCE, "Plan reviewed with the family")
    _merge(sheet, Column.COMPLETED, Column.EVIDENCE, row)


def _sign_off_name_over_date(sheet: object, row: int) -> None:
    complete_all(sheet, row)
    _merge(sheet, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON, row)


def _due_over_status(sheet: object, row: int) -> None:
    set_cell(sheet, row, Column.STATUS, "In progress")
    _merge(sheet, Column.DUE, Column.STATUS, row)


def _evidence_over_sign_off(sheet: object, row: int) -> None:
    complete_all(sheet, row)
    _merge(sheet, Column.EVIDENCE, Column.SIGNED_OFF_BY, row)


# (the edit; the column hidden; the cell it is merged with; what is hidden; what the note must not
# say instead)
_ACROSS = {
    "Status over Completion date": (
        _status_over_completion, "Completion date", "Status", "the completion date",
        "has no completion date",
    ),
    "Completion date over Evidence": (
        _completion_over_evidence, "Evidence", "Completion date", "the evidence", "older copy",
    ),
    "Signed off by over Signed off on": (
        _sign_off_name_over_date, "Signed off on", "Signed off by (manager)",
        "the sign-off date", "without the manager's name",
    ),
    "Due date over Status": (
        _due_over_status, "Status", "Due date", "the status", "read as Not started",
    ),
    "Evidence over Signed off by": (
        _evidence_over_sign_off, "Signed off by", "Evidence", "the name of the manager who "
        "signed the action off", "without the manager's name",
    ),
}  # fmt: skip


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize("case", list(_ACROSS))
def test_a_cell_merged_into_the_one_beside_it_says_the_cells_are_merged(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, case: str, saved_by: str
) -> None:
    """A manager merges a cell qaf reads into the one to its left (Status across the Completion
    date, Signed off by across Signed off on): Excel keeps only the left cell's value, so what the
    row needs is gone. The note names both cells, says how to unmerge them and what to type back
    (it said the symptom: "Completed but has no completion date", or nothing at all, and the row
    was recorded without it); nothing is recorded."""
    edit, column, beside, what, symptom = _ACROSS[case]
    audit = issued[0]
    return_form(workspace, audit, framework)
    first = _sent(workspace, audit, edit, saved_by)
    note = tracker_note(workspace)
    assert (
        f"Row {first}: {column}: the {column} cell is merged with the {beside} cell beside it, "
        f"so {what} is hidden" in note
    )
    assert f"{_UNMERGE} and type {what} back in." in note
    assert symptom not in note
    assert [a.status for a in current_actions(workspace, audit.audit_ref)] == ["Not started"] * 2


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("first", "last"),
    [(Column.STATUS, Column.COMPLETED), (Column.EVIDENCE, Column.OVERDUE)],
    ids=["Status over a blank Completion date", "Evidence over Overdue"],
)
def test_a_merge_across_that_hides_nothing_qaf_needs_is_accepted(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    first: Column,
    last: Column,
    saved_by: str,
) -> None:
    """The Status cell of an action still in progress merged across its blank Completion date (a
    completion date stays blank until the action is done), or the Evidence widened over the
    Overdue column qaf works out itself: nothing qaf needs is hidden, so the update is recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Referral sent")
        _merge(sheet, first, last, row)

    _sent(workspace, audit, edit, saved_by)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [(a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)]
    assert recorded == [("In progress", "Referral sent"), ("Not started", "")]


# -- a cell merged down over two agreed actions ----------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("column", "heading", "what"),
    [
        (Column.OWNER, "Owner", "action 2's owner (Owner 2)"),
        (Column.DUE, "Due date", "action 2's due date ({due})"),
        (Column.NUMBER, "No.", "action 2's number (2)"),
    ],
    ids=["Owner", "Due date", "No."],
)
def test_an_agreed_cell_merged_down_over_two_actions_says_the_cell_is_merged(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    column: Column,
    heading: str,
    what: str,
    saved_by: str,
) -> None:
    """Action 1's Owner, Due date or No. merged down over action 2's row: Excel shows action 1's
    there, which is not what was agreed for action 2. The note says the cell is merged over both
    rows and what to type back (it said action 2's owner or due date "differs" from the one
    agreed, or that the row "is agreed action 2, but its No. is blank"); nothing is recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        _merge(sheet, column, column, row, down_to=row + 1)

    first = _sent(workspace, audit, edit, saved_by)
    note = tracker_note(workspace)
    second = first + 1
    with open_register(workspace) as register:
        due = register.agreed_actions(audit.audit_ref)[1].due_on
    assert due is not None
    what = what.format(due=f"{due:%d/%m/%Y}")
    assert (
        f"Row {second}: {heading}: the {heading} cell is merged over rows {first} and {second}, "
        f"so {what} is hidden (Excel shows row {first}'s there)" in note
    )
    assert f"{_UNMERGE} and type {what} back in row {second}." in note
    for symptom in ("differs", "is blank", "more than once", "numbered"):
        assert symptom not in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_completion_date_and_sign_off_merged_down_over_two_actions_are_recorded_for_both(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """Two actions completed and signed off together, the manager merging each of the Completion
    date, Signed off by and Signed off on cells down over both: Excel shows them beside both, so
    both are recorded completed and signed off on those dates."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        complete_all(sheet, row)
        for column in (Column.COMPLETED, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON):
            set_cell(sheet, row + 1, column, None)  # action 2's are the ones merged down over it
        for column in (Column.COMPLETED, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON):
            _merge(sheet, column, column, row, down_to=row + 1)

    _sent(workspace, audit, edit, saved_by)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [
        (a.status, a.completed_on, a.signed_off_by, a.signed_off_on)
        for a in current_actions(workspace, audit.audit_ref)
    ]
    assert recorded == [("Completed", TODAY, "T. Manager", TODAY)] * 2


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("columns", "heading", "what"),
    [
        ((Column.COMPLETED,), "Completion date", "completion date"),
        ((Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON), "Signed off by", "sign-off"),
    ],
    ids=["Completion date", "sign-off"],
)
def test_a_completion_or_sign_off_merged_down_onto_an_action_not_done_says_the_cells_are_merged(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    columns: tuple[Column, ...],
    heading: str,
    what: str,
    saved_by: str,
) -> None:
    """Action 1 completed and signed off, its Completion date (or sign-off) merged down over
    action 2, which is still in progress: Excel shows action 1's date beside action 2. The note
    says the cell is merged over both rows and to leave action 2's blank until it is done (it said
    action 2 "has a completion date but its status is In progress", or is "signed off but its
    status is In progress", though the manager typed neither on that row); nothing is recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        complete_all(sheet, row)
        set_cell(sheet, row + 1, Column.STATUS, "In progress")
        for column in (Column.COMPLETED, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON):
            set_cell(sheet, row + 1, column, None)
        for column in columns:
            _merge(sheet, column, column, row, down_to=row + 1)

    first = _sent(workspace, audit, edit, saved_by)
    note = tracker_note(workspace)
    second = first + 1
    assert (
        f"Row {second}: {heading}: the {heading} cell is merged over rows {first} and {second}, "
        f"so row {second} shows row {first}'s {what}, but its status is In progress" in note
    )
    assert (
        f"{_UNMERGE} and leave row {second}'s {what} blank until the action is Completed." in note
    )
    for symptom in ("has a completion date", "Sign an action off only once"):
        assert symptom not in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_step_added_under_an_action_with_its_no_merged_down_is_a_new_action(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """A manager inserts a row under action 1 for a step of it and merges action 1's No. down
    over it to group them: the row is an action they added, as one numbered 1.1 is, numbered after
    the others (it was refused as "action number 1 is used more than once")."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        sheet.insert_rows(row + 1)  # type: ignore[attr-defined]
        set_cell(sheet, row + 1, Column.DESCRIPTION, "Step of action 1: ask the school")
        set_cell(sheet, row + 1, Column.OWNER, "T. Manager")
        set_cell(sheet, row + 1, Column.STATUS, "In progress")
        _merge(sheet, Column.NUMBER, Column.NUMBER, row, down_to=row + 1)

    _sent(workspace, audit, edit, saved_by)
    assert not list(workspace.rejected.glob("*.txt"))
    assert [
        (a.number, a.description, a.status) for a in current_actions(workspace, audit.audit_ref)
    ] == [
        (1, "Action number 1", "Not started"),
        (2, "Action number 2", "Not started"),
        (3, "Step of action 1: ask the school", "In progress"),
    ]


# -- a hidden cell on a row that does not need it yet ------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize("status", ["Not started", "In progress"])
def test_evidence_merged_away_on_an_action_not_completed_is_recorded_with_a_warning(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    status: str,
    saved_by: str,
) -> None:
    """Action 1's blank Completion date merged across its Evidence while the action is not yet
    Completed: no evidence was recorded for it and none is needed until it is done, so action
    2's update is recorded (the whole tracker was refused), with a warning naming the merge, as
    anything typed in the Evidence cell is hidden."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, status)
        set_cell(sheet, row + 1, Column.STATUS, "In progress")
        set_cell(sheet, row + 1, Column.EVIDENCE, "Referral sent")
        _merge(sheet, Column.COMPLETED, Column.EVIDENCE, row)

    first: list[int] = []
    edit_tracker(workspace, audit, lambda s, r: (first.append(r), edit(s, r)), saved_by)
    [outcome] = run(workspace)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [(a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)]
    assert recorded == [(status, ""), ("In progress", "Referral sent")]
    [warned] = [f.line() for f in outcome.findings if f.severity == "warning"]
    assert warned.startswith(
        f"Row {first[0]}: Evidence: the Evidence cell is merged with the Completion date cell "
        "beside it, so anything typed in it is hidden"
    )
    assert _UNMERGE in warned


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_evidence_already_recorded_then_merged_away_is_refused_naming_the_merge(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """Evidence recorded for action 1 from the last tracker, then its Completion date merged
    across the Evidence in the next: the evidence is hidden, and recording the row would lose
    it. The note names the merge (it said the tracker "looks like an older copy"); the evidence
    recorded stays."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def first_update(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Referral sent")

    _sent(workspace, audit, first_update, "openpyxl")
    assert not list(workspace.rejected.glob("*.txt"))

    def merged(sheet: object, row: int) -> None:
        set_cell(sheet, row + 1, Column.STATUS, "In progress")
        _merge(sheet, Column.COMPLETED, Column.EVIDENCE, row)

    first = _sent(workspace, audit, merged, saved_by)
    note = tracker_note(workspace)
    assert (
        f"Row {first}: Evidence: the Evidence cell is merged with the Completion date cell "
        "beside it, so the evidence is hidden" in note
    )
    assert "older copy" not in note
    recorded = [(a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)]
    assert recorded == [("In progress", "Referral sent"), ("Not started", "")]


# -- an agreed owner or due date under a merge that shows what was agreed ----------------------------


def _agreed(ws: Workspace, audit: AuditRecord, framework: Framework, **change: str) -> None:
    """Return the audit's form with its two actions, changed as ``change`` says (a box's name
    without 'qaf_action_': "2_owner" -> its text, "" leaves it blank); the workspace's rules let
    an action go without an owner or a due date."""
    settings = ws.root / "qaf.toml"
    text = settings.read_text(encoding="utf-8")
    for rule in ("action_needs_owner", "action_needs_concrete_due_date"):
        text = text.replace(f"{rule} = true", f"{rule} = false")
    settings.write_text(text, encoding="utf-8")
    form = complete_form(pack_docx(ws, audit), framework)
    for box, value in change.items():
        form.text(f"qaf_action_{box}", value)
    form.save()
    drop(pack_docx(ws, audit), ws.inbox, "form.docx")
    assert [o.result for o in run(ws)] == ["accepted"]


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("change", "first", "last", "down"),
    [
        ({"1_due": ""}, Column.OWNER, Column.DUE, False),
        ({"1_owner": ""}, Column.DESCRIPTION, Column.OWNER, False),
        ({"2_owner": "Owner 1"}, Column.OWNER, Column.OWNER, True),
    ],
    ids=["Owner over a due date the audit left blank", "Action over an owner left blank",
         "one owner merged down over two actions agreed with that owner"],
)  # fmt: skip
def test_an_agreed_cell_under_a_merge_that_hides_nothing_is_accepted(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    change: dict[str, str],
    first: Column,
    last: Column,
    down: bool,
    saved_by: str,
) -> None:
    """An agreed action's Owner widened across a Due date the audit left blank (or its Action
    across a blank Owner): the cell merged away held nothing the audit agreed, and Excel shows
    none there, so the update is recorded (it was refused: "the due date (none given) is
    hidden"). One owner merged down over two actions the audit gave that owner shows what was
    agreed beside both, and is recorded too."""
    audit = issued[0]
    _agreed(workspace, audit, framework, **change)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Referral sent")
        _merge(sheet, first, last, row, down_to=row + 1 if down else 0)

    _sent(workspace, audit, edit, saved_by)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [(a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)]
    assert recorded == [("In progress", "Referral sent"), ("Not started", "")]
