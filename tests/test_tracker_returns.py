"""A manager's returned tracker updates progress only: it never brings back actions a corrected
audit form replaced, never rewrites what the audit agreed, never closes an action in the future,
and a row the manager inserted is read as the new action it is.

Each runs through a burst (``qaf ingest``) and through one file as ``qaf watch`` takes it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx
from lifecycle_helpers import complete_all, edit_tracker, moderate, note_beside, return_form, run
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor, Outcome
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.records import AuditRecord, TrackerRow
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

Ingest = Callable[[Workspace, Path], Outcome]
REVISED = "Revised: arrange a CP review with the family and the school"


@pytest.fixture(params=["a burst", "one file"])
def ingest(request: pytest.FixtureRequest) -> Ingest:
    """Take the dropped file as ``qaf ingest`` does (a burst) or as ``qaf watch`` does (one file)."""
    if request.param == "a burst":

        def burst(ws: Workspace, path: Path) -> Outcome:
            [outcome] = run(ws)
            return outcome

        return burst

    def one(ws: Workspace, path: Path) -> Outcome:
        settings = ws.load_settings()
        with open_register(ws, settings) as register:
            return Ingestor(ws, register, settings).process(path)

    return one


def _actions(ws: Workspace, ref: str) -> list[tuple[int, str, str, date | None, str]]:
    with open_register(ws) as register:
        return [
            (a.number, a.description, a.owner, a.due_on, a.status)
            for a in register.current_actions(ref)
        ]


def _status(ws: Workspace, ref: str) -> str:
    with open_register(ws) as register:
        return register.audit(ref).status  # type: ignore[union-attr]


def _first_row(path: Path) -> int:
    return find_actions_header(load_workbook(path).worksheets[0]) + 1  # type: ignore[operator]


# -- 1. a copy issued before the audit form was corrected ------------------------------------------


def test_a_tracker_issued_before_the_audit_was_corrected_is_refused_and_changes_nothing(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, ingest: Ingest
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    kept = workspace.root / "kept by the manager.xlsx"
    kept.write_bytes(pack_xlsx(workspace, audit).read_bytes())
    time.sleep(1.1)  # the correction comes after that tracker was issued (times are to the second)
    complete_form(pack_docx(workspace, audit), framework).text("qaf_action_1", REVISED).save()
    drop(pack_docx(workspace, audit), workspace.inbox, "corrected.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    # The manager returns the copy they kept, with every action completed and signed off.
    wb = load_workbook(kept)
    complete_all(wb.worksheets[0], _first_row(kept))
    wb.save(kept)
    outcome = ingest(workspace, drop(kept, workspace.inbox, "old tracker.xlsx"))

    assert outcome.result == "rejected"
    note = note_beside(workspace, "old tracker.xlsx")
    assert "File: this tracker was issued on" in note
    assert f"before the audit was corrected on {TODAY:%d/%m/%Y}" in note
    assert f"tracker qaf sent on or after {TODAY:%d/%m/%Y}" in note and "ask the QA team" in note
    assert "differs from the action agreed" not in note  # one plain reason, not one per cell
    # Issued and corrected a second apart: the note shows two different times, not one twice.
    shown = re.search(r"issued on (.+?), before the audit was corrected on (.+?);", note)
    assert shown is not None and shown[1] != shown[2], note
    # Nothing recorded: the register, the export and the re-issued tracker keep the revised action.
    due = [TODAY + timedelta(days=7), TODAY + timedelta(days=14)]
    assert _actions(workspace, audit.audit_ref) == [
        (1, REVISED, "Owner 1", due[0], "Not started"),
        (2, "Action number 2", "Owner 2", due[1], "Not started"),
    ]
    assert _status(workspace, audit.audit_ref) == "returned"
    with open_register(workspace) as register:
        [item] = [
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == audit.audit_ref
        ]
    assert [(a["description"], a["status"]) for a in item["actions"]] == [
        (REVISED, "Not started"),
        ("Action number 2", "Not started"),
    ]
    sheet = load_workbook(pack_xlsx(workspace, audit)).worksheets[0]
    first = _first_row(pack_xlsx(workspace, audit))
    assert sheet.cell(row=first, column=Column.DESCRIPTION).value == REVISED
    assert sheet.cell(row=first, column=Column.STATUS).value == "Not started"
    # The tracker sent after the correction is the one that counts.
    edit_tracker(workspace, audit, complete_all)
    assert ingest(workspace, workspace.inbox / "tracker.xlsx").result == "accepted"
    assert [(a[1], a[4]) for a in _actions(workspace, audit.audit_ref)] == [
        (REVISED, "Completed"),
        ("Action number 2", "Completed"),
    ]


def test_a_tracker_issued_before_a_resubmission_that_kept_the_actions_still_counts(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, ingest: Ingest
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    kept = workspace.root / "kept by the manager.xlsx"
    kept.write_bytes(pack_xlsx(workspace, audit).read_bytes())
    time.sleep(1.1)
    # Moderated on the same form: a new submission, the same actions word for word.
    moderate(workspace, audit, framework, "Good", "The evidence supports Good.")
    wb = load_workbook(kept)
    complete_all(wb.worksheets[0], _first_row(kept))
    wb.save(kept)
    outcome = ingest(workspace, drop(kept, workspace.inbox, "tracker.xlsx"))
    assert outcome.result == "accepted", note_beside(workspace, "tracker.xlsx")
    assert _status(workspace, audit.audit_ref) == "closed"


# -- 2. what the audit agreed is not the tracker's to change ---------------------------------------


@pytest.mark.parametrize(
    "column, value, said",
    [
        (Column.DESCRIPTION, "Visit when convenient", "the wording of the action differs"),
        (Column.OWNER, "Someone Else", "the owner (Owner 1) differs"),
        (Column.DUE, TODAY + timedelta(days=90), "the due date"),
    ],
    ids=["Action", "Owner", "Due date"],
)
def test_a_tracker_that_changes_an_agreed_action_is_refused_naming_row_and_column(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    ingest: Ingest,
    column: Column,
    value: object,
    said: str,
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    before = _actions(workspace, audit.audit_ref)
    first = _first_row(pack_xlsx(workspace, audit))

    def edit(sheet: object, row: int) -> None:
        complete_all(sheet, row)
        sheet.cell(row=row, column=column, value=value)  # type: ignore[attr-defined]

    outcome = ingest(workspace, edit_tracker(workspace, audit, edit))
    assert outcome.result == "rejected"
    note = note_beside(workspace, "tracker.xlsx")
    heading = {Column.DESCRIPTION: "Action", Column.OWNER: "Owner", Column.DUE: "Due date"}[column]
    assert f"Row {first}: {heading}: {said}" in note
    assert "differs from the action agreed in the audit form" in note
    assert "the auditor (Auditor 0) sending a corrected audit form, not in the tracker" in note
    assert _actions(workspace, audit.audit_ref) == before
    assert _status(workspace, audit.audit_ref) == "returned"


def test_spacing_and_capitals_are_not_a_change_and_the_agreed_wording_stays(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, ingest: Ingest
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        sheet.cell(row=row, column=Column.DESCRIPTION, value="  action   NUMBER 1 ")  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.STATUS, value="In progress")  # type: ignore[attr-defined]

    assert ingest(workspace, edit_tracker(workspace, audit, edit)).result == "accepted"
    assert _actions(workspace, audit.audit_ref)[0][1:] == (
        "Action number 1",
        "Owner 1",
        TODAY + timedelta(days=7),
        "In progress",
    )


def test_a_recorded_tracker_never_overwrites_the_agreed_action(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    # A register may hold a tracker recorded before such trackers were refused.
    audit = issued[0]
    return_form(workspace, audit, framework)
    later = TODAY + timedelta(days=90)
    rows = [
        TrackerRow(1, "Reworded by the manager", "Someone Else", later, "Completed", TODAY, "x"),
        TrackerRow(
            2, "Action number 2", "Owner 2", TODAY + timedelta(days=14), "In progress", None, ""
        ),
        TrackerRow(3, "Added by the manager", "T. Manager", later, "Not started", None, ""),
    ]
    with open_register(workspace) as register:
        register.record_tracker_submission(
            audit.audit_ref, rows, file_name="t.xlsx", sha256="e" * 64
        )
    assert _actions(workspace, audit.audit_ref) == [
        (1, "Action number 1", "Owner 1", TODAY + timedelta(days=7), "Completed"),
        (2, "Action number 2", "Owner 2", TODAY + timedelta(days=14), "In progress"),
        (3, "Added by the manager", "T. Manager", later, "Not started"),
    ]


# -- 3. dates that have not happened yet -----------------------------------------------------------


@pytest.mark.parametrize(
    "completed, signed, heading",
    [
        (TODAY + timedelta(days=43), TODAY + timedelta(days=44), "Completion date"),
        (TODAY, TODAY + timedelta(days=43), "Signed off on"),
    ],
)
def test_a_completion_or_sign_off_in_the_future_is_refused_naming_row_and_column(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    ingest: Ingest,
    completed: date,
    signed: date,
    heading: str,
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    first = _first_row(pack_xlsx(workspace, audit))

    def edit(sheet: object, row: int) -> None:
        complete_all(sheet, row)
        sheet.cell(row=row, column=Column.COMPLETED, value=completed)  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.SIGNED_OFF_ON, value=signed)  # type: ignore[attr-defined]

    outcome = ingest(workspace, edit_tracker(workspace, audit, edit))
    assert outcome.result == "rejected"
    when = completed if heading == "Completion date" else signed
    assert (
        f"Row {first}: {heading}: {when:%d/%m/%Y} is in the future "
        f"(the tracker arrived on {TODAY:%d/%m/%Y})"
    ) in note_beside(workspace, "tracker.xlsx")
    assert _status(workspace, audit.audit_ref) == "returned"  # not closed
    assert {a[4] for a in _actions(workspace, audit.audit_ref)} == {"Not started"}


# -- 4. a row the manager inserted ------------------------------------------------------------------


@pytest.mark.parametrize("number", [None, "NEW", "new action"])
def test_a_row_inserted_mid_tracker_without_a_number_is_a_new_action(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    ingest: Ingest,
    number: str | None,
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    on = TODAY + timedelta(days=10)

    def edit(sheet: object, row: int) -> None:
        sheet.insert_rows(row + 1)  # type: ignore[attr-defined]
        for column, value in (
            (Column.NUMBER, number),
            (Column.DESCRIPTION, "Manager added: arrange a family group conference"),
            (Column.OWNER, "T. Manager"),
            (Column.DUE, on),
            (Column.STATUS, "Not started"),
        ):
            sheet.cell(row=row + 1, column=column, value=value)  # type: ignore[attr-defined]
        sheet.cell(row=row + 2, column=Column.STATUS, value="In progress")  # type: ignore[attr-defined]

    outcome = ingest(workspace, edit_tracker(workspace, audit, edit))
    assert outcome.result == "accepted", note_beside(workspace, "tracker.xlsx")
    assert [(a[0], a[1], a[4]) for a in _actions(workspace, audit.audit_ref)] == [
        (1, "Action number 1", "Not started"),
        (2, "Action number 2", "In progress"),
        (3, "Manager added: arrange a family group conference", "Not started"),
    ]


def test_an_inserted_row_without_an_action_and_a_number_typed_twice_say_what_is_wrong(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, ingest: Ingest
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    first = _first_row(pack_xlsx(workspace, audit))

    def edit(sheet: object, row: int) -> None:
        sheet.insert_rows(row + 1)  # type: ignore[attr-defined]
        sheet.cell(row=row + 1, column=Column.STATUS, value="In progress")  # type: ignore[attr-defined]
        sheet.cell(row=row + 2, column=Column.NUMBER, value=1)  # type: ignore[attr-defined]

    assert ingest(workspace, edit_tracker(workspace, audit, edit)).result == "rejected"
    note = note_beside(workspace, "tracker.xlsx")
    assert f"Row {first + 1}: Action: the row has no action" in note
    assert f"action number 1 is used more than once (rows {first}, {first + 2})" in note


def test_an_action_the_manager_added_survives_a_corrected_audit_form(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    pristine = pack_docx(workspace, audit).read_bytes()  # the auditor's blank copy
    return_form(workspace, audit, framework)

    def add(sheet: object, row: int) -> None:
        for column, value in (
            (Column.DESCRIPTION, "Arrange a family group conference and record the outcome"),
            (Column.OWNER, "T. Manager"),
            (Column.DUE, TODAY + timedelta(days=10)),
            (Column.STATUS, "In progress"),
        ):
            sheet.cell(row=row + 2, column=column, value=value)  # type: ignore[attr-defined]

    edit_tracker(workspace, audit, add)
    assert [o.result for o in run(workspace)] == ["accepted"]
    # The auditor corrects the voice of the child; the agreed actions are the same.
    form = complete_form(pack_docx(workspace, audit), framework)
    form.text("qaf_voice_of_child", "The child said they want to stay with their gran.").save()
    drop(pack_docx(workspace, audit), workspace.inbox, "corrected.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert [(a[0], a[1], a[4]) for a in _actions(workspace, audit.audit_ref)] == [
        (1, "Action number 1", "Not started"),
        (2, "Action number 2", "Not started"),
        (3, "Arrange a family group conference and record the outcome", "In progress"),
    ]
    # An action the corrected form itself dropped does not come back from the old tracker.
    pack_docx(workspace, audit).write_bytes(pristine)
    form = complete_form(pack_docx(workspace, audit), framework, actions=1)
    form.text("qaf_voice_of_child", "Seen again.").save()
    drop(pack_docx(workspace, audit), workspace.inbox, "one action.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert [a[1] for a in _actions(workspace, audit.audit_ref)] == [
        "Action number 1",
        "Arrange a family group conference and record the outcome",
    ]


@pytest.mark.parametrize("change", ["Overdue deleted", "a column inserted", "columns moved"])
def test_columns_deleted_inserted_or_moved_are_read_by_their_headings(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, change: str
) -> None:
    """Managers delete the Overdue column they do not need, or add one of their own: every value
    must still land in its own column (a date read as the sign-off name closed nothing)."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, first: int) -> None:
        complete_all(sheet, first)
        if change == "Overdue deleted":
            sheet.delete_cols(Column.OVERDUE)  # type: ignore[attr-defined]
        elif change == "a column inserted":
            sheet.insert_cols(Column.OVERDUE)  # type: ignore[attr-defined]
            sheet.cell(row=first - 1, column=Column.OVERDUE, value="Manager comments")  # type: ignore[attr-defined]
            sheet.cell(row=first, column=Column.OVERDUE, value="Discussed in supervision")  # type: ignore[attr-defined]
        else:  # the two sign-off columns swapped round
            for row in range(first - 1, first + 3):
                by = sheet.cell(row=row, column=Column.SIGNED_OFF_BY)  # type: ignore[attr-defined]
                on = sheet.cell(row=row, column=Column.SIGNED_OFF_ON)  # type: ignore[attr-defined]
                by.value, on.value = on.value, by.value

    [outcome] = run_tracker(workspace, audit, edit)
    assert outcome.result == "accepted", note_beside(workspace, "tracker.xlsx")
    with open_register(workspace) as register:
        actions = register.current_actions(audit.audit_ref)
        status = register.audit(audit.audit_ref).status  # type: ignore[union-attr]
    assert {(a.signed_off_by, a.signed_off_on) for a in actions} == {("T. Manager", TODAY)}
    assert status == "closed"


@pytest.mark.parametrize("heading", ["Status", "Signed off by (manager)"])
def test_a_column_deleted_that_qaf_reads_is_refused_naming_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, heading: str
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    column = Column.STATUS if heading == "Status" else Column.SIGNED_OFF_BY

    def edit(sheet: object, first: int) -> None:
        complete_all(sheet, first)
        sheet.delete_cols(column)  # type: ignore[attr-defined]

    [outcome] = run_tracker(workspace, audit, edit)
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    if heading == "Status":
        assert outcome.result == "rejected"
        assert "no column headed 'Status' (it was deleted or renamed)" in note
        assert "Put the column back" in note
    else:  # an optional column (older trackers lack it): the sign-off date alone is refused
        assert outcome.result == "rejected"
        assert "a sign-off date is given without the manager's name" in note


def run_tracker(ws: Workspace, audit: AuditRecord, edit: object) -> list[Outcome]:
    edit_tracker(ws, audit, edit)
    return run(ws)


def test_a_notes_column_added_beside_evidence_never_takes_its_place(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, first: int) -> None:
        complete_all(sheet, first)
        sheet.insert_cols(Column.EVIDENCE)  # type: ignore[attr-defined]
        sheet.cell(row=first - 1, column=Column.EVIDENCE, value="Notes")  # type: ignore[attr-defined]
        sheet.cell(row=first, column=Column.EVIDENCE, value="Discussed with the TM")  # type: ignore[attr-defined]
        sheet.cell(row=first, column=Column.EVIDENCE + 1, value="Plan on file, 20/11")  # type: ignore[attr-defined]

    [outcome] = run_tracker(workspace, audit, edit)
    assert outcome.result == "accepted", note_beside(workspace, "tracker.xlsx")
    with open_register(workspace) as register:
        first = register.current_actions(audit.audit_ref)[0]
    assert first.evidence == "Plan on file, 20/11"
