"""What managers type in a returned action tracker that qaf refused or misread: status words of
their own, an action number typed as "A2", an Action cell merged over the Owner, and a copy saved
again unchanged.

Each tracker is saved as Excel leaves it (openpyxl) and again re-saved by LibreOffice Calc, and
followed through ``qaf ingest``: what is recorded is what the manager meant, and a note names the
row and column with what happened and how to put it right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, drop, libreoffice_resave
from lifecycle_helpers import (
    SAVED_BY,
    complete_all,
    current_actions,
    edit_tracker,
    note_beside,
    return_form,
    run,
    set_cell,
    statuses,
    tracker_note,
)
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import STATUSES, Column
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace

# -- status words ------------------------------------------------------------------------------------

# What each word means to a QA lead reading the tracker.
_MEANT = [
    ("WIP", "In progress"),
    ("Started", "In progress"),
    ("Ongoing", "In progress"),
    ("Achieved", "Completed"),
    ("Complete - see evidence", "Completed"),
    ("Completed (see notes)", "Completed"),
    ("not yet started", "Not started"),
]


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_status_words_managers_type_are_recorded_as_they_mean(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """Typed over the drop-down, each word is recorded as the status it plainly means (WIP,
    Achieved, "not yet started" and "Complete - see evidence" were refused as not a status). The
    first two rows are the agreed actions; the manager added the rest below them."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, first: int) -> None:
        for i, (typed, meant) in enumerate(_MEANT):
            row = first + i
            if i >= 2:
                set_cell(sheet, row, Column.DESCRIPTION, f"Added action {i}")
                set_cell(sheet, row, Column.OWNER, "T. Manager")
            set_cell(sheet, row, Column.STATUS, typed)
            if meant == "Completed":
                set_cell(sheet, row, Column.COMPLETED, TODAY)

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [(a.status, a.completed_on) for a in current_actions(workspace, audit.audit_ref)]
    assert recorded == [(m, TODAY if m == "Completed" else None) for _, m in _MEANT]


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_on_track_is_refused_saying_which_status_to_choose(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """ "On track" says the action is not late, not whether work on it has begun (qaf's own RAG
    calls an action not yet started but not due "On track"): refused naming the row, saying
    why, with the statuses to choose from."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row, Column.STATUS, "On track")

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    note = tracker_note(workspace)
    assert f"Row {first[0]}: Status: 'On track' is not a status" in note
    assert "worked out by qaf from its due date" in note
    assert "In progress once work on it has begun, otherwise Not started" in note
    assert f"Choose one of: {', '.join(STATUSES)}." in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


# -- the action number typed in the manager's words ----------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
@pytest.mark.parametrize("style", ["A{n}", "Action {n}", "{n}.", "No. {n}"])
def test_an_action_number_typed_as_a2_or_action_2_is_that_action(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    style: str,
    saved_by: str,
) -> None:
    """A manager retypes action 2's No. as "A2" or "Action 2": the row is agreed action 2, and its
    update is recorded (the note said the row "is numbered 4", a number qaf gave it, and that
    action 2 had been deleted)."""
    audit = issued[0]
    return_form(workspace, audit, framework, actions=3)

    def edit(sheet: object, first: int) -> None:
        set_cell(sheet, first + 1, Column.NUMBER, style.format(n=2))
        set_cell(sheet, first + 1, Column.STATUS, "In progress")
        set_cell(sheet, first + 1, Column.EVIDENCE, "Referral sent")

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    assert not list(workspace.rejected.glob("*.txt"))
    recorded = [
        (a.number, a.status, a.evidence) for a in current_actions(workspace, audit.audit_ref)
    ]
    assert recorded == [
        (1, "Not started", ""),
        (2, "In progress", "Referral sent"),
        (3, "Not started", ""),
    ]


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_an_agreed_action_whose_number_cannot_be_read_is_named_by_what_was_typed(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """The No. of agreed action 2 typed as "Two": the note says the row is action 2 and quotes what
    its No. says, not a number qaf gave it that the manager never typed, and does not say that
    action 2 was deleted."""
    audit = issued[0]
    return_form(workspace, audit, framework, actions=3)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row + 1, Column.NUMBER, "Two")

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    note = tracker_note(workspace)
    assert f"Row {first[0] + 1}: No.: this row is agreed action 2, but its No. reads 'Two'" in note
    assert "numbered 4" not in note
    assert "deleted" not in note


# -- an Action cell merged across the Owner --------------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_an_action_merged_across_its_owner_says_the_cells_are_merged(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """A manager merges action 1's Action cell with the Owner cell beside it to make the wording
    fit: Excel keeps only the Action, so the owner is gone. The note says the cells are merged and
    how to put it right (it said the owner "differs" from the one agreed, which the manager never
    changed), and nothing is recorded."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []
    action, owner = get_column_letter(Column.DESCRIPTION), get_column_letter(Column.OWNER)

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        set_cell(sheet, row, Column.STATUS, "In progress")
        sheet.merge_cells(f"{action}{row}:{owner}{row}")  # type: ignore[attr-defined]

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    note = tracker_note(workspace)
    assert (
        f"Row {first[0]}: Owner: the Owner cell is merged with the Action cell beside it, so "
        "the owner (Owner 1) is hidden" in note
    )
    assert "Unmerge the cells" in note
    assert "type the owner back in (Owner 1)" in note
    assert "differs" not in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_an_action_hidden_under_the_no_cell_merged_over_it_says_so(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """The No. cell merged across the Action beside it: the note says the action is hidden under
    the merged cell and how to put it back (it said "the row has no action")."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []
    number, action = get_column_letter(Column.NUMBER), get_column_letter(Column.DESCRIPTION)

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        sheet.merge_cells(f"{number}{row}:{action}{row}")  # type: ignore[attr-defined]

    edit_tracker(workspace, audit, edit, saved_by)
    run(workspace)
    note = tracker_note(workspace)
    assert (
        f"Row {first[0]}: Action: the Action cell is merged with the No. cell beside it, so the "
        "action is hidden" in note
    )
    assert "Unmerge the cells" in note
    assert "has no action" not in note


# -- a copy saved again unchanged ---------------------------------------------------------------------


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_tracker_saved_again_unchanged_is_set_aside_as_nothing_new(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    saved_by: str,
    tmp_path: Path,
) -> None:
    """The manager's closed tracker, accepted, is opened and saved again without a change (Calc
    rewrites every byte when it does) and dropped again: it is set aside with a note saying it
    changes nothing, as a form in the same situation is, and the audit's history does not get a
    second "tracker closed" event (it did)."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    edit_tracker(workspace, audit, complete_all, saved_by)
    run(workspace)
    assert not list(workspace.rejected.glob("*.txt"))
    history = statuses(workspace, audit.audit_ref)
    assert history[-1] == ("tracker", "closed")
    [accepted] = workspace.processed.rglob("*tracker*.xlsx")
    again = tmp_path / "again" / "tracker.xlsx"
    again.parent.mkdir()
    if saved_by == "LibreOffice":
        again = libreoffice_resave(accepted, again.parent)
    else:
        load_workbook(accepted).save(again)
    assert again.read_bytes() != accepted.read_bytes()
    drop(again, workspace.inbox, "tracker again.xlsx")
    run(workspace)
    note = " ".join(note_beside(workspace, "tracker again.xlsx").split())
    assert f"this copy says exactly what the tracker of audit {audit.audit_ref} accepted on" in note
    assert "nothing new to record" in note
    assert statuses(workspace, audit.audit_ref) == history
    assert {(a.status, a.signed_off_by) for a in current_actions(workspace, audit.audit_ref)} == {
        ("Completed", "T. Manager")
    }
