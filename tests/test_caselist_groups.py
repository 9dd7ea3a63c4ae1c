"""Case lists as report tools export them: grouped under a heading row per team or worker, a team
column filled by VLOOKUPs, an expected date of birth for an unborn child, a definitions sheet beside
the list. Each is read as the person who exported it means it, and said once, not row by row."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.case import CaseList
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.errors import CaseListError

TODAY = date(2026, 11, 1)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, merge_across: bool = True) -> Path:
    """One sheet "Report"; a row with one value is a heading, merged across the header's width."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    width = len(rows[0])
    for row_no, row in enumerate(rows, start=1):
        ws.append(row)
        if merge_across and len([v for v in row if v not in (None, "")]) == 1 and row_no > 1:
            ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
    wb.save(path)
    return path


def teams(case_list: CaseList) -> dict[str, tuple[str | None, str | None]]:
    return {c.case_id: (c.team, c.worker) for c in case_list.cases}


def accounted(case_list: CaseList) -> bool:
    return case_list.rows_read == (
        case_list.rows_kept + case_list.rows_merged + case_list.rows_rejected
    )


# -- 1. grouped report exports: a heading row above each group -----------------------------------


def test_team_headings_above_groups_give_their_team_to_the_rows_under_them(tmp_path):
    path = write_xlsx(
        tmp_path / "grouped.xlsx",
        [
            ["Child ID", "CIN Start Date", "Allocated Worker"],
            ["Team: Locality 4 Unit 1"],
            [5000001, datetime(2025, 1, 1), "Jo Worker"],
            [5000002, datetime(2025, 2, 1), "Al Worker"],
            ["Team: Fostering"],
            [5000003, datetime(2025, 3, 1), "Jo Worker"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {
        "5000001": ("Locality 4 Unit 1", "Jo Worker"),
        "5000002": ("Locality 4 Unit 1", "Al Worker"),
        "5000003": ("Fostering", "Jo Worker"),
    }
    assert case_list.errors == []
    assert case_list.rows_read == 3 and accounted(case_list)
    summary = case_list.summary()
    assert summary.count("group heading") == 1, summary  # once for the sheet, not once a group
    assert "'Report' is a grouped report: its 2 group heading rows" in summary
    assert "each heading gave its team to 3 rows under it" in summary


def test_worker_headings_give_their_worker_when_the_list_has_only_a_team_column(tmp_path):
    path = write_csv(
        tmp_path / "by_worker.csv",
        [
            ["Child ID", "Allocated Team", "CIN Start Date"],
            ["Worker: Jo Bloggs", "", ""],
            ["5000001", "Locality 1", "01/01/2025"],
            ["Worker: Sam Smith", "", ""],
            ["5000002", "Locality 2", "01/02/2025"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {
        "5000001": ("Locality 1", "Jo Bloggs"),
        "5000002": ("Locality 2", "Sam Smith"),
    }
    assert case_list.errors == []
    assert "each heading gave its worker to 2 rows under it" in case_list.summary()


def test_a_team_name_alone_merged_across_is_a_heading(tmp_path):
    path = write_xlsx(
        tmp_path / "grouped.xlsx",
        [
            ["Child ID", "CIN Start Date"],
            ["Locality 4 Unit 1"],
            [5000001, datetime(2025, 1, 1)],
            ["Disabled Children"],
            [5000002, datetime(2025, 2, 1)],
            [5000003, datetime(2025, 3, 1)],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {
        "5000001": ("Locality 4 Unit 1", None),
        "5000002": ("Disabled Children", None),
        "5000003": ("Disabled Children", None),
    }
    assert case_list.errors == [] and accounted(case_list)


def test_a_heading_fills_a_team_column_only_where_it_is_blank(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Allocated Team"],
            ["Team: Locality 1", ""],
            ["5000001", ""],
            ["5000002", "Locality 9"],  # its own team wins
            ["5000003", "Unallocated"],  # said to have none: not given one
        ],
    )
    assert teams(read_case_list(path, today=TODAY)) == {
        "5000001": ("Locality 1", None),
        "5000002": ("Locality 9", None),
        "5000003": (None, None),
    }


def test_a_value_alone_that_heads_no_rows_is_still_refused(tmp_path):
    # Merged across at the foot of the list, with no child under it: a footer, not a heading.
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["Child ID", "CIN Start Date"], [5000001, datetime(2025, 1, 1)], ["Fostering"]],
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {"5000001": (None, None)}
    (error,) = case_list.errors
    assert (error.row, error.column) == (3, "Child ID") and "no digits" in error.reason
    assert "group heading" not in case_list.summary()


def test_a_word_alone_in_the_id_column_not_merged_is_refused_as_before(tmp_path):
    # Not merged across and in the id column: could be a name typed alone on a row, never a team.
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["Child ID", "CIN Start Date"], ["Jayden"], [5000001, datetime(2025, 1, 1)]],
        merge_across=False,
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {"5000001": (None, None)}
    (error,) = case_list.errors
    assert error.row == 2 and "no digits" in error.reason


def test_a_note_merged_across_above_the_rows_gives_them_no_team(tmp_path):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Child ID", "CIN Start Date"],
            ["Note: excludes restricted records"],
            [5000001, datetime(2025, 1, 1)],
            ["Data as at 31 October 2026"],
            [5000002, datetime(2025, 1, 1)],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert teams(case_list) == {"5000001": (None, None), "5000002": (None, None)}
    assert [e.row for e in case_list.errors] == [2, 4]


# -- 2. a team or worker column filled by formulas -----------------------------------------------


@pytest.mark.parametrize("header", ["Allocated Team", "Allocated Worker"])
def test_a_staff_column_of_formulas_is_one_warning_with_the_count_and_the_fix(tmp_path, header):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child ID", "CIN Start Date", header])
    for i in range(5):
        lookup = f"=VLOOKUP(A{i + 2},'[Staff.xlsx]Sheet1'!$A:$C,2,FALSE)"
        ws.append([5000001 + i, datetime(2025, 1, 1), lookup])
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    (warning,) = [p for p in case_list.warnings if p.column == header]
    assert (warning.sheet, warning.row) == ("List 6", 2)
    assert "5 rows" in warning.reason and "formula" in warning.reason
    assert "=VLOOKUP(A2," in warning.reason
    assert "Paste Special" in warning.reason and "Values" in warning.reason
    field = "team" if "Team" in header else "worker"
    assert all(getattr(c, field) is None for c in case_list.cases)


def test_a_date_column_of_formulas_in_the_annex_a_sample_is_one_warning_per_column():
    """The public Annex A sample's List 10 has its adoption dates as =H2+5 and the like: each column
    is said once, with its count, its first formula and the fix, not once a row."""
    sample = Path(__file__).resolve().parent / "data" / "annex_a_sample.xlsx"
    case_list = read_case_list(sample, today=TODAY)
    formula = [p for p in case_list.warnings if "formula" in p.reason]
    columns = [p.column for p in formula]
    assert len(columns) == len(set(columns)) >= 5, "one warning per column, not per row"
    placed = next(p for p in formula if p.column == "Date Placed for Adoption")
    assert (placed.sheet, placed.row) == ("List 10", 2)
    assert placed.reason.startswith("5 rows hold a formula in this column")
    assert "(the first: '=" in placed.reason
    assert "Paste Special › Values" in placed.reason and "read it again" in placed.reason


def test_an_end_date_column_of_formulas_says_how_many_cases_are_taken_as_open(tmp_path):
    """An end date that is a formula is read as blank, so the case is open to qaf and may be
    sampled: the column's one warning says how many cases that makes open, not counting a case its
    status closes."""
    rows: list[list[object]] = [["Child ID", "CIN Start Date", "CIN Closure Date", "Case Status"]]
    rows += [[str(5000001 + i), "14/03/2025", f"=B{i + 2}+10", ""] for i in range(3)]
    rows += [["5000004", "14/03/2025", "=B5+10", "Closed"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    (warning,) = [p for p in case_list.warnings if p.column == "CIN Closure Date"]
    assert warning.row == 2 and "4 rows hold a formula" in warning.reason
    assert "'=B2+10'" in warning.reason
    assert "3 of those cases are taken as open" in warning.reason
    assert [c.is_open for c in case_list.cases] == [True, True, True, False]


def test_a_formula_in_the_childs_name_column_is_said_once_and_never_quoted(tmp_path):
    rows: list[list[object]] = [["Child ID", "Child Name", "Allocated Team"]]
    rows += [[str(5000001 + i), f'=CONCAT("Zebedee ","Quartermaine{i}")', "T"] for i in range(3)]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    (warning,) = [p for p in case_list.warnings if p.column == "Child Name"]
    assert "3 rows hold a formula" in warning.reason and "Paste Special" in warning.reason
    assert "Zebedee" not in str(case_list.problems)


# -- 3. an expected date of birth marks an unborn child -----------------------------------------


@pytest.mark.parametrize("header", ["Expected Date of Birth", "EDD", "Expected DOB"])
def test_an_expected_date_of_birth_without_a_birth_date_is_an_unborn_child(tmp_path, header):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Date of Birth", header, "Allocated Team"],
            ["5000001", "", "14/01/2027", "Locality 1"],
            ["5000002", "03/04/2020", "", "Locality 1"],
            ["5000003", "03/04/2026", "01/04/2026", "Locality 1"],  # born since
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    unborn = {c.case_id: c.attributes.get("unborn") for c in case_list.cases}
    assert unborn == {"5000001": "yes", "5000002": None, "5000003": None}
    # the expected date is personal: never kept as a case fact, listed as left out
    for case in case_list.cases:
        assert "2027-01-14" not in case.attributes.values()
        assert "2026-04-01" not in case.attributes.values()
    assert header in case_list.personal_columns
    assert f"'{header}'" in case_list.summary()


def test_an_expected_date_of_birth_alone_marks_an_unborn_child(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 7"
    ws.append(["Child ID", "Expected Date of Birth", "Allocated Team"])
    ws.append([5000001, datetime(2027, 1, 14), "Locality 1"])
    ws.append([5000002, None, "Locality 1"])
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert [c.attributes.get("unborn") for c in case_list.cases] == ["yes", None]
    assert case_list.personal_columns == ["Expected Date of Birth"]


# -- 4. a definitions sheet beside the list is skipped, said once -----------------------------


def _with_definitions(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Definitions"
    notes.append(["Field", "Definition"])
    notes.append(["Child ID", "The child's person id in the case-management system"])
    notes.append(["Team", "The allocated team on the run date"])
    notes.append(["Worker", "The allocated social worker"])
    data = wb.create_sheet("Data")
    data.append(["Child ID", "CIN Start Date", "Allocated Team"])
    data.append([5000001, datetime(2025, 1, 1), "Locality 1"])
    wb.save(tmp_path / "list.xlsx")
    return tmp_path / "list.xlsx"


def test_a_definitions_sheet_is_skipped_once_not_refused_row_by_row(tmp_path):
    case_list = read_case_list(_with_definitions(tmp_path), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["5000001"]
    assert [p for p in case_list.problems if p.sheet == "Definitions"] == []
    assert case_list.sheets_read == ["Data"]
    (skipped,) = case_list.sheets_skipped
    assert skipped[0] == "Definitions" and "not a case list" in skipped[1]
    assert case_list.rows_read == 1 and accounted(case_list)
    assert "Skipped 'Definitions' (not a case list" in case_list.summary()


def test_a_sheet_of_mangled_ids_is_not_skipped_as_notes(tmp_path):
    # Ids Excel turned into 5.0E+06 are a broken case list, not a notes sheet: each row is said.
    wb = openpyxl.Workbook()
    bad = wb.active
    bad.title = "List 6"
    bad.append(["Child ID"])
    bad.append(["5.0E+06"])
    bad.append(["5.1E+06"])
    good = wb.create_sheet("List 7")
    good.append(["Child ID"])
    good.append([5000001])
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert case_list.sheets_read == ["List 6", "List 7"]
    assert [(p.sheet, p.row) for p in case_list.errors] == [("List 6", 2), ("List 6", 3)]


def test_a_file_of_nothing_but_a_notes_sheet_is_still_refused(tmp_path):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Definitions"
    notes.append(["Child ID", "Definition"])
    notes.append(["Team", "The allocated team"])
    wb.save(tmp_path / "notes.xlsx")
    with pytest.raises(CaseListError):
        read_case_list(tmp_path / "notes.xlsx", today=TODAY)


def test_a_workbook_of_notes_sheets_only_says_none_is_a_case_list(tmp_path):
    wb = openpyxl.Workbook()
    for title in ("Definitions", "Notes"):
        notes = wb.create_sheet(title)
        notes.append(["Child ID", "Definition"])
        notes.append(["Team", "The allocated team"])
    del wb["Sheet"]
    wb.save(tmp_path / "notes.xlsx")
    with pytest.raises(CaseListError) as raised:
        read_case_list(tmp_path / "notes.xlsx", today=TODAY)
    assert "No sheet in notes.xlsx is a case list: 'Definitions' (not a case list" in str(
        raised.value
    )
