"""Actions a manager adds to a returned action tracker, and a tracker returned as it was issued.

An action the manager adds is recorded as the audit's own are read: a cell merged over its Owner or
Due date is named as a merge (it was recorded blank), and one that is not SMART (no owner, no due
date, "ASAP", "Review") is recorded with a warning naming the row and what it lacks, never refused
with the manager's other updates. A tracker sent back exactly as qaf issued it records nothing and
leaves the audit where it was. And what else a manager's copy says that qaf let pass: a completed
action with no evidence or a sign-off without its date (warned of), an added action deleted later
(named as the manager's own), two differing copies of the actions sheet (refused naming both).

Each tracker is saved as openpyxl writes it and again re-saved by LibreOffice Calc.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx
from lifecycle_helpers import (
    SAVED_BY,
    current_actions,
    edit_tracker,
    note_beside,
    return_form,
    run,
    set_cell,
    statuses,
    tracker_note,
)
from openpyxl.utils import get_column_letter

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

_UNMERGE = (
    "Unmerge the cells (Excel: Home > Merge & Center; Calc: Format > Merge and Unmerge Cells > "
    "Unmerge Cells)"
)


def _send(
    ws: Workspace, audit: AuditRecord, edit: Callable[[object, int], None], saved_by: str
) -> tuple[int, list[Finding]]:
    """Send the manager's edit of the tracker: the sheet row of the first row below the agreed
    actions (where a manager adds one), and what ingest found."""
    added: list[int] = []

    def edited(sheet: object, row: int) -> None:
        added.append(row + 2)  # two agreed actions
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Referral sent")
        edit(sheet, row + 2)

    edit_tracker(ws, audit, edited, saved_by)
    [outcome] = run(ws)
    return added[0], outcome.findings


def _add(sheet: object, row: int, action: str, owner: object, due: object) -> None:
    set_cell(sheet, row, Column.DESCRIPTION, action)
    set_cell(sheet, row, Column.OWNER, owner)
    set_cell(sheet, row, Column.DUE, due)
    set_cell(sheet, row, Column.STATUS, "Not started")


# -- an added action's owner or due date hidden under a merge -----------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("first", "last", "column", "beside", "what"),
    [
        (Column.DESCRIPTION, Column.OWNER, "Owner", "Action", "the owner"),
        (Column.OWNER, Column.DUE, "Due date", "Owner", "the due date"),
    ],
    ids=["Action over Owner", "Owner over Due date"],
)
def test_an_added_actions_owner_or_due_date_merged_away_says_the_cells_are_merged(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    first: Column,
    last: Column,
    column: str,
    beside: str,
    what: str,
    saved_by: str,
) -> None:
    """A manager adds an action below the agreed ones and merges its Action across the Owner (or
    the Owner across the Due date) to widen it: Excel keeps only the left cell, so the owner or
    due date is hidden. The note names the merge, how to unmerge it and what to type back, as
    for an agreed action (the row was recorded with no owner, or no due date); nothing is
    recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        _add(sheet, row, "Book a family group conference for the family", "T. Manager", TODAY)
        cells = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
        sheet.merge_cells(cells)  # type: ignore[attr-defined]

    added, _ = _send(workspace, audit, edit, saved_by)
    note = tracker_note(workspace)
    assert (
        f"Row {added}: {column}: the {column} cell is merged with the {beside} cell beside it, "
        f"so {what} is hidden" in note
    )
    assert f"{_UNMERGE} and type {what} back in." in note
    assert [a.status for a in current_actions(workspace, audit.audit_ref)] == ["Not started"] * 2


# -- an added action that is not SMART ---------------------------------------------------------------


@pytest.mark.both_backends
@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize(
    ("action", "owner", "due", "said"),
    [
        ("Book a family group conference for the family", None, TODAY, ["no owner named"]),
        ("Book a family group conference for the family", "TBC", TODAY, ["'TBC' does not name anyone"]),
        ("Book a family group conference for the family", "T. Manager", None, ["no due date"]),
        (
            "Book a family group conference for the family", "T. Manager", "ASAP",
            ["'ASAP' is not a concrete date (SMART actions need a real date)"],
        ),
        ("Review", None, None, ["'Review', the action added in the tracker, is too vague to be SMART", "no owner", "no due date"]),
    ],
    ids=["no owner", "owner TBC", "no due date", "ASAP", "vague, no owner, no due date"],
)  # fmt: skip
def test_an_added_action_that_is_not_smart_is_recorded_with_a_warning_naming_its_row(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    action: str,
    owner: str | None,
    due: object,
    said: list[str],
    saved_by: str,
) -> None:
    """A manager adds an action without an owner or a due date, with "ASAP" for a date, or just
    "Review": it is recorded with the manager's other updates, and a warning names its row and
    what a SMART action needs (it was recorded without a word, or "ASAP" refused the whole
    tracker as a date qaf could not read). The QA tracker's Warnings sheet keeps it."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    added, found = _send(
        workspace, audit, lambda sheet, row: _add(sheet, row, action, owner, due), saved_by
    )
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [
        (a.description, a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)
    ]
    assert recorded == [
        ("Action number 1", "In progress", "Referral sent"),
        ("Action number 2", "Not started", ""),
        (action, "Not started", ""),
    ]
    warned = [f.line() for f in found if f.severity == "warning"]
    for words in said:
        assert any(w.startswith(f"Row {added}: ") and words in w for w in warned), warned
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
    for words in said:
        assert any(f"Row {added}" in w and words in w for w in result.warnings), result.warnings


def test_a_smart_added_action_has_no_warning(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """An added action with an owner, a date and a clear description is recorded without one."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        _add(sheet, row, "Book a family group conference for the family", "T. Manager", TODAY)

    _, found = _send(workspace, audit, edit, "openpyxl")
    assert not list(workspace.rejected.glob("*.txt"))
    assert [f for f in found if f.severity == "warning"] == []


# -- a tracker returned as it was issued ----------------------------------------------------------------


@pytest.mark.both_backends
@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_tracker_returned_as_issued_records_nothing_and_leaves_the_audit_as_it_was(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """The manager opens the tracker qaf issued, saves it without typing anything and sends it:
    it is set aside with a note that there is nothing to record yet, as a copy saved again
    unchanged is, and the audit stays 'returned' with no "tracker" event (it moved to 'actions
    open' as if the manager had begun)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    history = statuses(workspace, audit.audit_ref)
    edit_tracker(workspace, audit, lambda sheet, row: None, saved_by)
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert f"this tracker says exactly what qaf issued for audit {audit.audit_ref}" in note
    assert "nothing to record yet" in note
    assert statuses(workspace, audit.audit_ref) == history
    with open_register(workspace) as register:
        assert register.audit(audit.audit_ref).status == "returned"  # type: ignore[union-attr]


@pytest.mark.both_backends
def test_an_added_action_put_right_in_the_next_copy_is_recorded_and_its_warnings_go(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The QA lead passes on the warnings: the manager rewords the action they added, names its
    owner and gives a date in the tracker qaf sent back. The action is recorded as put right, and
    the QA tracker's warnings about it are gone."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    added, _ = _send(
        workspace, audit, lambda s, row: _add(s, row, "Review", None, None), "openpyxl"
    )
    better = "Review the plan with the family and the school"

    def put_right(sheet: object, row: int) -> None:
        _add(sheet, row + 2, better, "T. Manager", TODAY)

    edit_tracker(workspace, audit, put_right)
    [outcome] = run(workspace)
    assert outcome.result == "accepted"
    assert [f for f in outcome.findings if f.severity == "warning"] == []
    assert [
        (a.description, a.owner, a.due_on) for a in current_actions(workspace, audit.audit_ref)
    ][2] == (better, "T. Manager", TODAY)
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
    assert not [w for w in result.warnings if w.startswith(f"Row {added}")]


def test_an_added_action_deleted_later_is_named_as_the_managers_own(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """An action the manager added, recorded, then its row deleted from the next copy: the note
    says it is the action added in an earlier copy, by the No. qaf gave it in the tracker it sent
    back (it called it "this agreed action", which no audit agreed)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    action = "Book a family group conference for the family"
    _send(workspace, audit, lambda s, row: _add(s, row, action, "T. Manager", TODAY), "openpyxl")
    edit_tracker(workspace, audit, lambda sheet, row: sheet.delete_rows(row + 2))  # type: ignore[attr-defined]
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = tracker_note(workspace)
    assert (
        "Action 3: the row of the action added in an earlier copy of the tracker (No. 3 in the "
        "tracker qaf sent back) has been deleted" in note
    )
    assert "agreed" not in note.split("What to do")[0]
    assert [a.description for a in current_actions(workspace, audit.audit_ref)][2] == action


def test_an_action_completed_without_evidence_is_recorded_with_a_warning(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """An action marked Completed with its date but nothing in Evidence: recorded, with a
    warning naming the row that nothing shows it was done (it was recorded without a word)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    rows: list[int] = []

    def done(sheet: object, row: int) -> None:
        rows.append(row)
        set_cell(sheet, row, Column.STATUS, "Completed")
        set_cell(sheet, row, Column.COMPLETED, TODAY)

    edit_tracker(workspace, audit, done)
    [outcome] = run(workspace)
    assert outcome.result == "accepted"
    assert current_actions(workspace, audit.audit_ref)[0].status == "Completed"
    [warned] = [f.line() for f in outcome.findings if f.severity == "warning"]
    assert warned.startswith(f"Row {rows[0]}: Evidence: the action is Completed but no evidence")


# -- the actions table copied to a second sheet --------------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_tracker_with_two_differing_copies_of_the_actions_sheet_is_refused_naming_both(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """The manager keeps last month's sheet as a copy (Excel's Move or Copy puts it in front) and
    updates the original behind it: qaf read the first sheet with an actions table, so the update
    was never recorded, without a word. Now the note names both sheets and asks for one;
    nothing is recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        book = sheet.parent  # type: ignore[attr-defined]
        copy = book.copy_worksheet(sheet)
        copy.title = "Last month"
        book.move_sheet(copy, offset=-(len(book.worksheets) - 1))
        set_cell(sheet, row, Column.STATUS, "In progress")
        set_cell(sheet, row, Column.EVIDENCE, "Referral sent")

    edit_tracker(workspace, audit, edit, saved_by)
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = tracker_note(workspace)
    assert "The actions table is on two sheets, 'Last month' and 'Actions'" in note
    assert "which one is up to date" in note
    assert [a.status for a in current_actions(workspace, audit.audit_ref)] == ["Not started"] * 2


def test_an_unchanged_copy_of_the_actions_sheet_changes_nothing(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A copy of the actions sheet saying the same as the one updated is no doubt: recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        set_cell(sheet, row, Column.STATUS, "In progress")
        sheet.parent.copy_worksheet(sheet)  # type: ignore[attr-defined]

    edit_tracker(workspace, audit, edit)
    [outcome] = run(workspace)
    assert outcome.result == "accepted"
    assert current_actions(workspace, audit.audit_ref)[0].status == "In progress"


def test_a_sign_off_without_its_date_is_recorded_with_a_warning(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Every action completed and signed off by name, the Signed off on dates left blank: the
    audit closes as signed off, with a warning naming each row whose sign-off has no date (it
    closed without a word, though a sign-off is a name and a date)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    rows: list[int] = []

    def signed(sheet: object, row: int) -> None:
        for at in (row, row + 1):
            rows.append(at)
            for column, value in (
                (Column.STATUS, "Completed"), (Column.COMPLETED, TODAY),
                (Column.EVIDENCE, "Seen on the case file"), (Column.SIGNED_OFF_BY, "T. Manager"),
            ):  # fmt: skip
                set_cell(sheet, at, column, value)

    edit_tracker(workspace, audit, signed)
    [outcome] = run(workspace)
    assert outcome.result == "accepted"
    assert statuses(workspace, audit.audit_ref)[-1] == ("tracker", "closed")
    warned = [f.line() for f in outcome.findings if f.severity == "warning"]
    assert [w.split(":")[0] for w in warned] == [f"Row {r}" for r in rows]
    assert all("signed off without a date" in w for w in warned), warned


# -- the pack's blank tracker, sent back with its audit tool ----------------------------------------


@pytest.mark.parametrize("order", ["form first", "together", "tracker first"])
def test_the_packs_blank_tracker_sent_back_with_its_audit_tool_needs_nothing(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, order: str
) -> None:
    """The auditor sends back the whole pack: the completed audit tool and the tracker that came
    with it, untouched. Before, the tracker's note said each agreed action's "row has been deleted
    from the tracker. Put the row back" (read after the form) or "Keep the tracker until the QA team
    confirms the audit has been returned" (read before it): the admin officer chased a manager
    for nothing. Now it says what the file is, that nothing is needed, and where the manager's
    tracker with the agreed actions is."""
    audit = issued[0]
    blank = workspace.root / "blank tracker.xlsx"
    blank.write_bytes(pack_xlsx(workspace, audit).read_bytes())  # before the form comes back
    if order == "tracker first":
        drop(blank, workspace.inbox, "tracker.xlsx")
        [outcome] = run(workspace)
        return_form(workspace, audit, framework)
    elif order == "form first":
        return_form(workspace, audit, framework)
        drop(blank, workspace.inbox, "tracker.xlsx")
        [outcome] = run(workspace)
    else:
        complete_form(pack_docx(workspace, audit), framework).save()
        drop(pack_docx(workspace, audit), workspace.inbox, "form.docx")
        drop(blank, workspace.inbox, "tracker.xlsx")
        outcomes = run(workspace)
        assert sorted(o.result for o in outcomes) == ["accepted", "rejected"], outcomes
        [outcome] = [o for o in outcomes if o.result == "rejected"]
    assert outcome.result == "rejected"
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert f"this is the blank action tracker that came with audit {audit.audit_ref}'s pack" in note
    assert "Nothing is needed: you may delete it." in note
    assert "deleted from the tracker" not in note and "Keep the tracker" not in note
    if order == "tracker first":
        assert "the audit tool, which has not been accepted yet" in note
    else:
        assert "written before the 2 action(s) on the audit tool were agreed" in note
        assert f"for-managers/{audit.team}/{audit.audit_ref}.xlsx in the outbox folder" in note
    assert [a.description for a in current_actions(workspace, audit.audit_ref)] == [
        "Action number 1",
        "Action number 2",
    ]
