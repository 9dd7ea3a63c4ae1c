"""Mistakes managers make in their action tracker, and what qaf says about each: an older copy
that would take back updates already recorded, a completion date on an action not marked
Completed, a header row reworded or a column put in front of it.

Each note names the sheet row and column the manager sees, and nothing already recorded changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, drop, pack_xlsx
from lifecycle_helpers import (
    complete_all,
    current_actions,
    edit_tracker,
    note_beside,
    return_form,
    run,
)
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

Edit = Callable[[object, int], None]


def _cell(sheet: object, row: int, column: int, value: object) -> None:
    """Set a cell, None clearing it (as ``sheet.cell(..., value=None)`` would not)."""
    sheet.cell(row=row, column=column).value = value  # type: ignore[attr-defined]


def _status(ws: Workspace, ref: str) -> str:
    with open_register(ws) as register:
        return register.audit(ref).status  # type: ignore[union-attr]


def _older_copy(ws: Workspace, audit: AuditRecord, edit: Edit) -> Path:
    """A copy of the tracker the manager saved before their latest update was sent."""
    older = ws.root / "older.xlsx"
    wb = load_workbook(pack_xlsx(ws, audit))
    sheet = wb.worksheets[0]
    edit(sheet, find_actions_header(sheet) + 1)  # type: ignore[operator]
    wb.save(older)
    return older


def _progress(sheet: object, first: int) -> None:
    """The older copy: the first action In progress with a first note, nothing signed off."""
    _cell(sheet, first, Column.STATUS, "In progress")
    _cell(sheet, first, Column.EVIDENCE, "Visit booked")


@pytest.mark.parametrize(
    "older, newer, words",
    [
        (
            lambda s, r: complete_all(s, r, sign=False),
            complete_all,
            "already recorded as signed off by T. Manager",
        ),
        (
            _progress,
            lambda s, r: (
                _cell(s, r, Column.STATUS, "Completed"),
                _cell(s, r, Column.COMPLETED, TODAY),
            ),
            "already recorded as Completed",
        ),
        (
            lambda s, r: _cell(s, r, Column.STATUS, "Not started"),
            _progress,
            "already recorded as In progress, but this tracker says Not started",
        ),
    ],
    ids=["signed off", "completed", "in progress"],
)
def test_an_older_copy_never_takes_back_a_sign_off_or_progress_already_recorded(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    older: Edit,
    newer: Edit,
    words: str,
) -> None:
    """The manager sends the signed-off tracker (the audit closes), then an older copy of it
    turns up in the inbox: recording it would reopen the audit and lose the sign-offs."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    copy = _older_copy(workspace, audit, older)
    edit_tracker(workspace, audit, newer)
    assert [o.result for o in run(workspace)] == ["accepted"]
    before = current_actions(workspace, audit.audit_ref)
    status = _status(workspace, audit.audit_ref)
    drop(copy, workspace.inbox, "older.xlsx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "older.xlsx").split())
    assert words in note and "it looks like an older copy" in note
    first = find_actions_header(load_workbook(copy).worksheets[0]) + 1  # type: ignore[operator]
    assert f"Row {first}: " in note  # the row the manager sees, not an action number
    assert current_actions(workspace, audit.audit_ref) == before
    assert _status(workspace, audit.audit_ref) == status


def test_an_older_copy_without_the_evidence_already_recorded_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    older = _older_copy(workspace, audit, lambda s, r: _cell(s, r, Column.STATUS, "In progress"))
    edit_tracker(workspace, audit, _progress)
    assert [o.result for o in run(workspace)] == ["accepted"]
    drop(older, workspace.inbox, "older.xlsx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "older.xlsx").split())
    assert "Evidence: evidence is already recorded for this action" in note
    assert current_actions(workspace, audit.audit_ref)[0].evidence == "Visit booked"


def test_the_managers_own_copy_updated_again_and_sent_again_is_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A manager who keeps the first tracker and sends it again each month, each time with more
    done, is not sending an older copy: every update takes the actions forward."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    own = _older_copy(workspace, audit, _progress)
    drop(own, workspace.inbox, "first.xlsx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    wb = load_workbook(own)
    sheet = wb.worksheets[0]
    complete_all(sheet, find_actions_header(sheet) + 1)  # type: ignore[operator]
    wb.save(own)
    drop(own, workspace.inbox, "second.xlsx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert _status(workspace, audit.audit_ref) == "closed"


@pytest.mark.parametrize(
    "status, words",
    [
        (
            None,
            "the action has a completion date ({}) but its status is blank (read as Not started)",
        ),
        ("In progress", "the action has a completion date ({}) but its status is In progress"),
    ],
    ids=["status left blank", "in progress"],
)
def test_a_completion_date_on_an_action_not_marked_completed_is_refused_naming_the_status(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    status: str | None,
    words: str,
) -> None:
    """A manager types the completion date and forgets the Status drop-down: recording it would
    keep the action Not started with a date it was done, which no figure can make sense of."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    first: list[int] = []

    def edit(sheet: object, row: int) -> None:
        first.append(row)
        _cell(sheet, row, Column.STATUS, status)
        _cell(sheet, row, Column.COMPLETED, TODAY)

    edit_tracker(workspace, audit, edit)
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert f"Row {first[0]}: Status: " + words.format(f"{TODAY:%d/%m/%Y}") in note
    assert "Choose Completed if the action is done" in note
    assert {a.completed_on for a in current_actions(workspace, audit.audit_ref)} == {None}


@pytest.mark.parametrize(
    "status, typed, fix",
    [
        ("In progress", "tbc", "Leave Completion date blank until the action is completed"),
        ("Completed", "March 12th", "Type the date like 03/12/2026"),
    ],
)
def test_a_word_in_the_completion_date_says_what_to_do_and_nothing_contradicts_it(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    status: str,
    typed: str,
    fix: str,
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, row: int) -> None:
        _cell(sheet, row, Column.STATUS, status)
        _cell(sheet, row, Column.COMPLETED, typed)

    edit_tracker(workspace, audit, edit)
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert f"'{typed}' is not a date" in note and fix in note
    # The date typed is there, unreadable: "has no completion date" would say otherwise.
    assert "has no completion date" not in note


def test_n_a_as_a_status_says_how_to_close_an_action_that_no_longer_applies(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework)
    edit_tracker(workspace, audit, lambda s, r: _cell(s, r, Column.STATUS, "N/A"))
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert "'N/A' is not a status (an action that no longer applies is marked Completed" in note


def _header(sheet: object, first: int) -> int:
    return first - 1


@pytest.mark.parametrize(
    "change, words",
    [
        ("a column put in front", None),
        ("headings reworded", None),
        ("No. renamed", "no column headed 'No.'"),
        ("Status renamed", "no column headed 'Status'"),
    ],
)
def test_a_header_row_reworded_or_pushed_along_is_read_or_refused_naming_the_column(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    ingest_one: Callable[[Workspace], str],
    change: str,
    words: str | None,
) -> None:
    """Managers put a RAG column in front, or retype the headings in their own words: the table
    is still read by its headings; one heading qaf cannot match is named, and the note says whose
    tracker it is and goes to its manager (it said "Audit: not identified")."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, first: int) -> None:
        complete_all(sheet, first)
        head = _header(sheet, first)
        if change == "a column put in front":
            sheet.insert_cols(1)  # type: ignore[attr-defined]
            _cell(sheet, head, 1, "RAG")
            _cell(sheet, first, 1, "Green")
        elif change == "headings reworded":
            _cell(sheet, head, Column.DESCRIPTION, "Agreed action")
            _cell(sheet, head, Column.STATUS, "Current status")
            _cell(sheet, head, Column.COMPLETED, "Date of completion")
        elif change == "No. renamed":
            _cell(sheet, head, Column.NUMBER, "Ref")
        else:
            _cell(sheet, head, Column.STATUS, "RAG")

    edit_tracker(workspace, audit, edit)
    result = ingest_one(workspace)
    if words is None:
        assert result == "accepted", note_beside(workspace, "tracker.xlsx")
        assert _status(workspace, audit.audit_ref) == "closed"
        return
    assert result == "rejected"
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    assert words in note
    assert f"Audit: {audit.audit_ref} (case {audit.case_id}" in note
    assert "manager who keeps this case's action tracker" in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


@pytest.fixture(params=["a burst", "one file"])
def ingest_one(request: pytest.FixtureRequest) -> Callable[[Workspace], str]:
    """Take the dropped tracker as ``qaf ingest`` does (a burst) or as ``qaf watch`` does."""
    from qaf_docs.inbox.ingest import Ingestor

    def burst(ws: Workspace) -> str:
        [outcome] = run(ws)
        return outcome.result

    def one(ws: Workspace) -> str:
        settings = ws.load_settings()
        with open_register(ws, settings) as register:
            return Ingestor(ws, register, settings).process(ws.inbox / "tracker.xlsx").result

    return burst if request.param == "a burst" else one


def _rows(sheet: object, first: int) -> int:
    """How many actions the tracker lists (its filled rows from ``first``)."""
    count = 0
    while sheet.cell(row=first + count, column=Column.DESCRIPTION).value:  # type: ignore[attr-defined]
        count += 1
    return count


@pytest.mark.parametrize("mistake", ["row inserted and renumbered", "sorted without No."])
def test_a_changed_action_number_is_named_as_such_not_as_rewritten_actions(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, mistake: str
) -> None:
    """A manager inserts a row under action 1 and renumbers the rows below, or sorts the table
    by Status without the No. column: the note said each agreed action's wording, owner and due
    date had been changed and asked for them to be put back, which the manager had not done."""
    audit = issued[0]
    return_form(workspace, audit, framework)
    seen: list[tuple[int, int]] = []

    def edit(sheet: object, first: int) -> None:
        count = _rows(sheet, first)
        assert count >= 2, "the test needs an audit agreeing two actions or more"
        seen.append((first, count))
        if mistake == "row inserted and renumbered":
            sheet.insert_rows(first + 1)  # type: ignore[attr-defined]
            _cell(sheet, first + 1, Column.DESCRIPTION, "Speak to the school")
            _cell(sheet, first + 1, Column.OWNER, "Allocated social worker")
            for n in range(2, count + 2):
                _cell(sheet, first + n - 1, Column.NUMBER, n)
        else:  # the rows reversed, all but the No. column
            rows = [
                [sheet.cell(row=first + i, column=c).value for c in range(2, 11)]  # type: ignore[attr-defined]
                for i in range(count)
            ]
            for i, values in enumerate(reversed(rows)):
                for c, value in enumerate(values, start=2):
                    if c != Column.OVERDUE:
                        _cell(sheet, first + i, c, value)

    edit_tracker(workspace, audit, edit)
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    first, count = seen[0]
    assert "differs from the action agreed" not in note
    if mistake == "row inserted and renumbered":
        assert f"Row {first + 1}: No.: this row's action was not agreed in the audit" in note
        assert f"Row {first + 2}: No.: this row is agreed action 2, but it is numbered 3" in note
    else:
        assert f"Row {first}: No.: this row is agreed action {count}, but it is numbered 1" in note
    assert "leave No. blank (or type NEW) on a row you add" in note
    assert {a.status for a in current_actions(workspace, audit.audit_ref)} == {"Not started"}


def test_a_tracker_copied_into_a_new_workbook_is_sent_back_to_the_manager_naming_its_audit(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    ingest_one: Callable[[Workspace], str],
) -> None:
    """The manager copies the tracker's sheet into a new workbook (or edits it in a program that
    drops document properties, as Google Sheets does) and sends that: qaf cannot confirm whose it
    is, so it is refused, but the note names the audit the sheet shows, goes back to the manager
    and says to copy the updates into the tracker qaf sent (before: "Audit: not identified",
    "copy the answers into the audit tool", "send it back to whoever sent it")."""
    from openpyxl import Workbook

    audit = issued[0]
    return_form(workspace, audit, framework)
    sent = load_workbook(pack_xlsx(workspace, audit)).worksheets[0]
    copy = Workbook()
    for row in sent.iter_rows():
        for cell in row:
            if cell.value is not None:
                _cell(copy.active, cell.row, cell.column, cell.value)
    first = find_actions_header(sent) + 1
    _cell(copy.active, first, Column.STATUS, "In progress")
    copy.save(workspace.root / "tracker.xlsx")
    drop(workspace.root / "tracker.xlsx", workspace.inbox)
    assert ingest_one(workspace) == "rejected"
    note = " ".join(note_beside(workspace, "tracker.xlsx").split())
    ref = audit.audit_ref
    assert f"Audit: not matched (the file names audit {ref})" in note
    assert "Reference: file #" in note
    assert (
        f"This workbook shows the action tracker of audit {ref}, but not the identity qaf hides "
        "in every tracker it sends" in note
    )
    assert (
        "Copy the updates (Status, Completion date, Evidence, sign-off) into the tracker qaf "
        f"sent for audit {ref} ({ref}.xlsx)" in note
    )
    assert "Send the file back to the manager who keeps this case's action tracker" in note
    assert "audit tool" not in note
    assert {a.status for a in current_actions(workspace, ref)} == {"Not started"}


def _as_csv(xlsx: Path, out: Path) -> Path:
    """The tracker's sheet as Excel's Save As CSV writes it (its text only), keeping the name."""
    import csv

    target = out / f"{xlsx.stem}.csv"
    sheet = load_workbook(xlsx).worksheets[0]
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(sheet.iter_rows(values_only=True))
    return target


def _as_xls(xlsx: Path, out: Path) -> Path:
    """The tracker saved as 'Excel 97-2003 Workbook' (by LibreOffice Calc), keeping the name."""
    import subprocess

    from conftest import soffice

    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed here (it is in CI)")
    profile = f"-env:UserInstallation=file://{out / '.lo-profile'}"
    convert = [exe, profile, "--headless", "--convert-to", "xls", "--outdir", str(out), str(xlsx)]
    subprocess.run(convert, check=True, capture_output=True, timeout=180)
    return out / f"{xlsx.stem}.xls"


@pytest.mark.parametrize("one_file", [False, True], ids=["a burst", "one file"])
@pytest.mark.parametrize(
    "save_as", [_as_csv, pytest.param(_as_xls, marks=pytest.mark.libreoffice)], ids=["csv", "xls"]
)
def test_a_tracker_saved_as_csv_or_xls_goes_back_to_the_manager_named_by_its_audit(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    save_as: Callable[[Path, Path], Path],
    one_file: bool,
) -> None:
    """The manager saves the tracker as CSV or Excel 97-2003, which qaf does not read: it keeps
    its name, QA2611-0001.csv, so the note names that audit and says to send it back to the
    manager (before: "Audit: not identified", "send the file back to whoever sent it"); a CSV's
    note says saving it again as a workbook does not bring the tracker back."""
    from qaf_docs.inbox.ingest import Ingestor

    audit = issued[0]
    return_form(workspace, audit, framework)
    out = workspace.root / "saved"
    out.mkdir()
    dropped = drop(save_as(pack_xlsx(workspace, audit), out), workspace.inbox)
    assert dropped.name == f"{audit.audit_ref}{dropped.suffix}"
    if one_file:  # as qaf watch takes it
        settings = workspace.load_settings()
        with open_register(workspace, settings) as register:
            result = Ingestor(workspace, register, settings).process(dropped).result
    else:
        [outcome] = run(workspace)
        result = outcome.result
    assert result == "rejected"
    note = " ".join(note_beside(workspace, dropped.name).split())
    assert f"Audit: not matched (the file names audit {audit.audit_ref})" in note
    assert "Send the file back to the manager who keeps this case's action tracker" in note
    if dropped.suffix == ".csv":
        assert "saving the CSV again as a workbook does not bring it back" in note
