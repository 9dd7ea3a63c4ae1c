"""A manager's returned tracker updates progress only: it never brings back actions a corrected
audit form replaced, never rewrites what the audit agreed, never closes an action in the future,
and a row the manager inserted is read as the new action it is.

Each runs through a burst (``qaf ingest``) and through one file as ``qaf watch`` takes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, pack_xlsx
from lifecycle_helpers import complete_all, edit_tracker, note_beside, return_form, run
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor, Outcome
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
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
