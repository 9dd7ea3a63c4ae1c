"""Case lists as councils' systems export them, where the export is right but the cases are not:
a pre-birth record whose baby was born months ago, a report grouped under each child rather
than each team. Each is read as a QA lead means it, said once, and never shows a child's name."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.errors import CaseListError

TODAY = date(2026, 11, 1)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


# -- an expected date of birth already past: born, the record not updated ----------------------


def _pre_birth_list(path: Path) -> Path:
    """A Mosaic pre-birth export: expected dates as Excel dates, age -1 for the unborn."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 7"
    ws.append(["Person ID", "Date of Birth", "Expected Date of Birth", "Age", "Allocated Team"])
    ws.append([5000001, None, datetime(2027, 1, 14), -1, "Pre-birth Team"])  # due in January
    ws.append([5000002, None, datetime(2026, 6, 2), -1, "Pre-birth Team"])  # due in June
    ws.append([5000003, datetime(2020, 4, 3), None, 6, "Locality 1"])
    ws.append([5000004, None, datetime(2026, 3, 9), None, "Pre-birth Team"])  # due in March
    ws.append([5000005, None, datetime(2026, 10, 25), -1, "Pre-birth Team"])  # a week overdue
    wb.save(path)
    return path


def test_a_baby_due_months_ago_is_taken_as_born_and_said_once_naming_the_rows(tmp_path):
    case_list = read_case_list(_pre_birth_list(tmp_path / "annex.xlsx"), today=TODAY)
    unborn = {c.case_id: c.attributes.get("unborn") for c in case_list.cases}
    assert unborn == {
        "5000001": "yes",  # not due yet
        "5000002": None,  # due five months ago: born, the record not updated
        "5000003": None,
        "5000004": None,
        "5000005": "yes",  # a week past its due date: babies come up to two weeks late
    }
    ages = {c.case_id: c.attributes.get("age") for c in case_list.cases}
    assert ages["5000002"] is None  # age unknown, not -1
    (warning,) = [p for p in case_list.warnings if "expected date of birth" in p.reason]
    assert warning.sheet == "List 7" and warning.row == 3
    assert warning.column == "Expected Date of Birth"
    assert "2 rows (rows 3, 5)" in warning.reason and "taken as born" in warning.reason
    assert "these children are taken as born" in warning.reason
    assert "Record the date of birth" in warning.reason
    # the expected date is as personal as a birth date: never shown
    assert "2026" not in warning.reason and "June" not in warning.reason
    assert case_list.errors == []


def test_a_past_expected_date_outweighs_unborn_written_in_the_age_column(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Age", "EDD", "Allocated Team"],
            ["5000001", "Unborn", "01/02/2026", "Pre-birth Team"],
            ["5000002", "Unborn", "01/02/2027", "Pre-birth Team"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert [c.attributes.get("unborn") for c in case_list.cases] == [None, "yes"]
    assert sum("expected date of birth" in p.reason for p in case_list.warnings) == 1


# -- a report grouped by child: the heading names the child, never a team ----------------------


def write_grouped(path: Path, rows: list[list[object]]) -> Path:
    """A report tool's export: a row with one value is a group heading merged across the row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Episodes"
    width = len(rows[0])
    for row_no, row in enumerate(rows, start=1):
        ws.append(row)
        if row_no > 1 and len([v for v in row if v not in (None, "")]) == 1:
            ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
    wb.save(path)
    return path


def test_a_childs_name_above_their_episodes_is_never_taken_as_a_team(tmp_path):
    path = write_grouped(
        tmp_path / "episodes.xlsx",
        [
            ["Child ID", "Episode Start", "Episode End", "Allocated Worker"],
            ["Jayden Quartermaine"],
            [5000001, datetime(2024, 1, 8), datetime(2024, 6, 1), "Jo Worker"],
            [5000001, datetime(2025, 1, 6), None, "Jo Worker"],
            ["Amelia Zebedee"],
            [5000002, datetime(2025, 2, 3), None, "Al Worker"],
            ["Total: 2"],  # the report's footer, under the last child's rows
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert {c.case_id: (c.team, c.worker) for c in case_list.children()} == {
        "5000001": (None, "Jo Worker"),
        "5000002": (None, "Al Worker"),
    }
    assert case_list.rows_read == 4 and [p.row for p in case_list.errors] == [7]
    (warning,) = [p for p in case_list.warnings if "heading" in p.reason]
    assert warning.row == 2 and "2 heading rows" in warning.reason
    assert "not a team" in warning.reason and "export it again with the allocated team" in (
        warning.reason
    )
    said = case_list.summary() + str(case_list.problems)
    assert "Quartermaine" not in said and "Zebedee" not in said


def test_a_child_id_heading_gives_its_id_to_the_episodes_under_it(tmp_path):
    path = write_grouped(
        tmp_path / "by_child.xlsx",
        [
            ["Person ID", "Episode Start", "Allocated Team"],
            ["Child: 5000001"],
            [None, datetime(2024, 1, 8), "Locality 1"],
            [None, datetime(2025, 1, 6), "Locality 1"],
            ["Person ID: 5000002"],
            [None, datetime(2025, 2, 3), "Locality 2"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert {c.case_id: c.team for c in case_list.children()} == {
        "5000001": "Locality 1",
        "5000002": "Locality 2",
    }
    assert case_list.errors == [] and case_list.rows_read == 3
    (warning,) = [p for p in case_list.warnings if "heading" in p.reason]
    assert "3 rows with no case id of their own took the case id" in warning.reason
    assert "export it again" not in warning.reason  # the list has its team column


def test_team_headings_are_still_teams_when_the_first_group_has_one_child(tmp_path):
    # "Hollybush" alone could be a child's name; the next group's two children show it is a team.
    path = write_grouped(
        tmp_path / "by_team.xlsx",
        [
            ["Child ID", "CIN Start Date"],
            ["Hollybush"],
            [5000001, datetime(2025, 1, 1)],
            ["Phoenix"],
            [5000002, datetime(2025, 2, 1)],
            [5000003, datetime(2025, 3, 1)],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert [(c.case_id, c.team) for c in case_list.cases] == [
        ("5000001", "Hollybush"),
        ("5000002", "Phoenix"),
        ("5000003", "Phoenix"),
    ]
    assert not [p for p in case_list.warnings if "heading" in p.reason]


# -- a report's footer under the list: totals, page numbers, who ran it -------------------------


def test_a_reports_footer_rows_are_said_as_footers_quoting_only_their_label(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Open Cases"
    ws.append(["Open Cases by Team"])  # a title block above the header
    ws.append(["Run date: 23/11/2026"])
    ws.append([])
    ws.append(["Child ID", "CIN Start Date", "Allocated Team"])
    ws.append([5000001, datetime(2026, 2, 1), "Locality 1"])
    ws.append([5000002, datetime(2026, 2, 3), "Locality 2"])
    ws.append(["Total: 2"])
    ws.append(["Count of Child ID: 2"])
    ws.append(["Grand Total 2"])
    ws.append(["Page 1 of 1"])
    ws.append(["Report run on 23/11/2026 08:14 by Quentin Ambleside"])
    wb.save(tmp_path / "mosaic.xlsx")
    case_list = read_case_list(tmp_path / "mosaic.xlsx", today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["5000001", "5000002"]
    footers = {p.row: p.reason for p in case_list.errors}
    assert sorted(footers) == [7, 8, 9, 10, 11]
    labels = {row: reason.split("'")[1] for row, reason in footers.items()}
    assert labels == {7: "Total", 8: "Count", 9: "Grand total", 10: "Page", 11: "Report run"}
    assert all("a total, count or footer row" in r for r in footers.values()), footers
    assert "Ambleside" not in str(case_list.problems)


# -- dates as a data warehouse extract writes them: 20260201 ------------------------------------


def test_dates_written_year_month_day_as_one_number_or_with_slashes_are_read(tmp_path):
    # An LCS / Liquidlogic warehouse extract: dates as yyyymmdd, text in a CSV, numbers in Excel.
    path = write_csv(
        tmp_path / "extract.csv",
        [
            ["PERSON_ID", "CIN_START_DATE", "CIN_CLOSURE_DATE", "ALLOCATED_TEAM"],
            ["5000001", "20260201", "", "Locality 1"],
            ["5000002", "20250314", "20260930", "Locality 2"],
            ["5000003", "20261345", "", "Locality 2"],  # no 13th month
            ["5000004", "2026/02/01", "2026.10.01", "Locality 2"],  # year first, as SQL writes
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    read = {c.case_id: (c.start_date, c.end_date, c.is_open) for c in case_list.cases}
    assert read["5000001"] == (date(2026, 2, 1), None, True)
    assert read["5000002"] == (date(2025, 3, 14), date(2026, 9, 30), False)  # closed in September
    assert read["5000004"] == (date(2026, 2, 1), date(2026, 10, 1), False)
    (bad,) = [p for p in case_list.warnings if p.row == 4]
    assert "20261345 is not a real date (read as year, month, day)" in bad.reason
    wb = openpyxl.Workbook()
    wb.active.append(["Child ID", "CIN Start Date", "Allocated Team"])
    wb.active.append([5000001, 20260201, "Locality 1"])
    wb.save(tmp_path / "extract.xlsx")
    (case,) = read_case_list(tmp_path / "extract.xlsx", today=TODAY).cases
    assert case.start_date == date(2026, 2, 1)


# -- an end date under a header qaf did not know: a closed case taken as open -------------------


def test_a_cin_end_date_closes_the_case(tmp_path):
    # Mosaic's "CIN episodes" export: "CIN End Date", not Annex A's "CIN Closure Date".
    path = write_csv(
        tmp_path / "episodes.csv",
        [
            ["Person ID", "CIN Start Date", "CIN End Date", "Allocated Team"],
            ["5000001", "01/02/2026", "", "Locality 1"],
            ["5000002", "01/03/2025", "30/09/2026", "Locality 2"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert {c.case_id: c.is_open for c in case_list.cases} == {"5000001": True, "5000002": False}


def test_an_end_date_column_qaf_cannot_place_is_said_once_with_the_setting(tmp_path):
    path = write_csv(
        tmp_path / "episodes.csv",
        [
            ["Person ID", "CIN Start Date", "Involvement Ceased Date", "Allocated Team"],
            ["5000001", "01/02/2026", "", "Locality 1"],
            ["5000002", "01/03/2025", "30/09/2026", "Locality 2"],
            ["5000003", "01/03/2025", "30/10/2026", "Locality 2"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    (warning,) = [p for p in case_list.warnings if p.column == "Involvement Ceased Date"]
    assert warning.row == 1
    assert "not read as the cases' end date" in warning.reason
    assert "every case on this sheet is taken as open" in warning.reason
    assert 'end_date = "Involvement Ceased Date"' in warning.reason


def test_a_total_labelled_right_of_the_id_is_no_child(tmp_path):
    # "2 | Total": the count under "Child ID", the label under the team; never a child "2".
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(["Child ID", "Allocated Team", "Allocated Worker", "CIN Start Date"])
    ws.append([5000001, "Locality 1", "Jo Worker", datetime(2026, 1, 5)])
    ws.append([5000002, "Total Respite Team", "Al Worker", datetime(2026, 1, 5)])  # a team
    ws.append([2, "Total", None, None])
    ws.append([2, None, "Grand Total:", None])
    wb.save(tmp_path / "cases.xlsx")
    case_list = read_case_list(tmp_path / "cases.xlsx", today=TODAY)
    assert [(c.case_id, c.team) for c in case_list.cases] == [
        ("5000001", "Locality 1"),
        ("5000002", "Total Respite Team"),
    ]
    refused = {p.row: (p.column, p.reason) for p in case_list.errors}
    assert refused[4][0] == "Allocated Team" and "labelled 'total'" in refused[4][1]
    assert refused[5][0] == "Allocated Worker" and "labelled 'grand total'" in refused[5][1]


# -- a report's filters block above the list names the case id column too -----------------------


def test_a_filters_block_naming_the_id_column_is_not_taken_for_the_header(tmp_path):
    # Business Objects prints the report's filters above the list: "Child ID | is not blank".
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Open Cases"
    ws.append(["Open cases with an allocated worker"])
    ws.append(["Report filters:"])
    ws.append(["Child ID", "is not blank"])
    ws.append(["Allocated Team", "in list (all)"])
    ws.append([])
    ws.append(
        ["Child ID", "Allocated Team", "Allocated Worker", "CIN Start Date", "CIN Closure Date"]
    )
    ws.append([5000001, "Locality 1", "Jo Worker", datetime(2026, 1, 5), None])
    ws.append([5000002, "Locality 2", "Al Worker", datetime(2025, 1, 5), datetime(2026, 3, 1)])
    wb.save(tmp_path / "filters.xlsx")
    case_list = read_case_list(tmp_path / "filters.xlsx", today=TODAY)
    assert [(c.case_id, c.team, c.worker, c.is_open) for c in case_list.cases] == [
        ("5000001", "Locality 1", "Jo Worker", True),
        ("5000002", "Locality 2", "Al Worker", False),  # closed in March: never sampled
    ]
    assert case_list.errors == []


def test_a_list_with_only_its_id_column_known_still_reads_every_row(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [["Child ID", "Something Else"], ["5000001", "a"], ["5000002", "b"], ["Child ID", "x"]],
    )
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["5000001", "5000002"]
    assert case_list.rows_read == 3  # the repeated header below the children is a row, refused


# -- a group heading with its count: "Team: Locality 1 (23)" ------------------------------------


def test_a_group_headings_count_is_not_part_of_the_team(tmp_path):
    path = write_grouped(
        tmp_path / "by_team.xlsx",
        [
            ["Child ID", "CIN Start Date", "Allocated Worker"],
            ["Team: Locality 1 (2)"],
            [5000001, datetime(2025, 1, 1), "Jo Worker"],
            [5000002, datetime(2025, 2, 1), "Jo Worker"],
            ["Disabled Children's Team - 1 case"],
            [5000003, datetime(2025, 3, 1), "Al Worker"],
            ["Worker: Sam Smith [Count: 1]"],
            [5000004, datetime(2025, 3, 1), None],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert [(c.case_id, c.team, c.worker) for c in case_list.cases] == [
        ("5000001", "Locality 1", "Jo Worker"),
        ("5000002", "Locality 1", "Jo Worker"),
        ("5000003", "Disabled Children's Team", "Al Worker"),
        ("5000004", "Disabled Children's Team", "Sam Smith"),
    ]


# -- a summary of counts beside the list: its "Child ID" column counts children ----------------


def _with_summary(path: Path, *, detail: bool = True, total: object = 3) -> Path:
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary.append(["Allocated Team", "Child ID"])  # the count of Child ID, by team
    summary.append(["Locality 1", 2])
    summary.append(["Locality 2", 1])
    summary.append(["Grand Total", total])
    if detail:
        data = wb.create_sheet("Detail")
        data.append(["Child ID", "Allocated Team", "CIN Start Date"])
        data.append([5000001, "Locality 1", datetime(2026, 1, 5)])
        data.append([5000002, "Locality 1", datetime(2026, 1, 5)])
        data.append([5000003, "Locality 2", datetime(2026, 1, 5)])
    wb.save(path)
    return path


# A summary made by hand adds its counts up with a formula, Excel's AutoSum or Data > Subtotal.
TOTALS = [3, "=SUM(B2:B3)", "=sum($B$2:$B$3)", "=SUBTOTAL(9,B2:B3)", "=SUM(B1:B3)"]


@pytest.mark.parametrize("total", TOTALS)
def test_a_summary_of_counts_beside_the_list_is_skipped_not_read_as_children(tmp_path, total):
    case_list = read_case_list(_with_summary(tmp_path / "cases.xlsx", total=total), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["5000001", "5000002", "5000003"]
    assert case_list.sheets_read == ["Detail"]
    assert case_list.rows_read == 3 and case_list.errors == []
    assert "Skipped 'Summary' (not a case list: its 'Child ID' column holds counts" in (
        case_list.summary()
    )


@pytest.mark.parametrize("total", TOTALS)
def test_a_summary_of_counts_alone_is_refused_saying_what_to_export(tmp_path, total):
    with pytest.raises(CaseListError) as refused:
        read_case_list(
            _with_summary(tmp_path / "cases.xlsx", detail=False, total=total), today=TODAY
        )
    assert "holds counts" in str(refused.value) and "Grand Total" not in str(refused.value)
    assert "Export the list of children itself" in str(refused.value)


@pytest.mark.parametrize("total", ["=SUM(B2:B2)", "=SUM(C2:C3)", "=SUM(B2:C3)", "=COUNTA(B2:B3)"])
def test_a_total_row_adding_up_other_cells_is_no_summary_of_the_ids(tmp_path, total):
    """Only a total adding up every "id" above it makes the sheet a summary of counts."""
    case_list = read_case_list(
        _with_summary(tmp_path / "cases.xlsx", detail=False, total=total), today=TODAY
    )
    assert [c.case_id for c in case_list.cases] == ["2", "1"]


def test_ids_added_up_under_a_list_of_children_leave_it_a_list(tmp_path):
    """AutoSum under a list's ids adds up children's ids, not counts: the list is still read."""
    path = tmp_path / "cases.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Allocated Team", "Child ID", "CIN Start Date"])
    ws.append(["Locality 1", 5000001, datetime(2026, 1, 5)])
    ws.append(["Locality 2", 5000002, datetime(2026, 1, 5)])
    ws.append(["Total", "=SUM(B2:B3)"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["5000001", "5000002"]


def test_a_skipped_notes_sheet_is_not_called_a_grouped_report(tmp_path):
    # "Team: the allocated team" on a field guide reads as a group heading; the sheet is skipped.
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Guide"
    notes.append(["Child ID"])
    notes.append(["Team: the team holding the case on the run date"])
    notes.append(["The child's person id in the case management system"])
    data = wb.create_sheet("Data")
    data.append(["Child ID", "Allocated Team"])
    data.append([5000001, "Locality 1"])
    wb.save(tmp_path / "cases.xlsx")
    case_list = read_case_list(tmp_path / "cases.xlsx", today=TODAY)
    assert case_list.sheets_read == ["Data"]
    assert "grouped report" not in case_list.summary()
