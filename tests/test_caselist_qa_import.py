"""A QA officer's case list as councils' exports really come: header spellings with a possessive,
rows hidden by a filter, dates written month first. Each must be read or said, never dropped."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list

TODAY = date(2026, 11, 1)
HEADER = ["Allocated Team", "CIN Start Date"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def two_lists(path: Path, first_id_header: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append([first_id_header, *HEADER])
    for i in range(3):
        ws.append([600 + i, "Team A", datetime(2025, 1, 1 + i)])
    other = wb.create_sheet("List 7")
    other.append(["Child Unique ID", *HEADER])
    other.append([700, "Team B", datetime(2025, 2, 1)])
    wb.save(path)
    return path


@pytest.mark.parametrize("header", ["Child's unique ID", "Child’s Unique ID", "CHILD'S ID"])
def test_a_possessive_id_header_is_the_id_column_and_its_list_is_not_skipped(tmp_path, header):
    case_list = read_case_list(two_lists(tmp_path / "annex.xlsx", header), today=TODAY)
    assert case_list.sheets_read == ["List 6", "List 7"]
    assert case_list.sheets_skipped == []
    assert sorted(c.case_id for c in case_list.cases) == ["600", "601", "602", "700"]
    assert {c.team for c in case_list.cases if c.sources == ("List 6",)} == {"Team A"}


@pytest.mark.parametrize("formulas", [False, True], ids=["plain", "with-formulas"])
def test_rows_hidden_by_a_filter_are_read_and_said_to_be_hidden(tmp_path, formulas):
    """A QA officer who filters out a team and saves still has every row in the file: qaf reads
    them all, and says how many were hidden so nobody thinks the filter chose the cases."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", *HEADER, "Note"])
    for i in range(6):
        ws.append([500 + i, f"Team {'AB'[i % 2]}", datetime(2025, 1, 1 + i), None])
        ws.row_dimensions[i + 2].hidden = i % 2 == 1  # Team B filtered out
    if formulas:  # a formula sends the sheet to openpyxl rather than calamine
        ws["D2"] = "=1+1"
    ws.auto_filter.ref = "A1:D7"
    wb.save(tmp_path / "filtered.xlsx")
    case_list = read_case_list(tmp_path / "filtered.xlsx", today=TODAY)
    assert len(case_list.cases) == 6
    assert case_list.hidden_rows == {"List 6": 3}
    assert "Read 3 rows hidden in Excel (3 on 'List 6')" in case_list.summary()


def test_a_list_with_nothing_hidden_says_nothing_about_hidden_rows(tmp_path):
    case_list = read_case_list(two_lists(tmp_path / "annex.xlsx", "Child ID"), today=TODAY)
    assert case_list.hidden_rows == {}
    assert "hidden" not in case_list.summary()


def month_first_warnings(path: Path) -> dict[tuple[int, str | None], str]:
    case_list = read_case_list(path, today=TODAY)
    return {(p.row, p.column): p.reason for p in case_list.warnings if "month first (" in p.reason}


def test_a_date_that_reads_either_way_in_a_month_first_column_is_named_for_checking(tmp_path):
    """'4/3/2025' is read as 4 March; in a column whose '4/13/2025' can only be 13 April, the
    person is told that reading may be wrong, with the row that shows the column's order."""
    path = write_csv(
        tmp_path / "us.csv",
        [
            ["Child ID", "CIN Start Date", "CIN Closure Date"],
            ["1", "4/3/2025", ""],
            ["2", "4/13/2025", ""],
            ["3", "12/1/2025", "1/2/2026"],
        ],
    )
    assert month_first_warnings(path) == {
        (2, "CIN Start Date"): "'4/3/2025' was read as 4 March 2025, but this column writes dates "
        "month first (row 3: '4/13/2025'), so it may mean 3 April 2025; check it and write dates "
        "day/month/year",
        (4, "CIN Start Date"): "'12/1/2025' was read as 12 January 2025, but this column writes "
        "dates month first (row 3: '4/13/2025'), so it may mean 1 December 2025; check it and "
        "write dates day/month/year",
        (4, "CIN Closure Date"): "'1/2/2026' was read as 1 February 2026, but this sheet writes "
        "dates month first (row 3, column 'CIN Start Date': '4/13/2025'), so it may mean "
        "2 January 2026; check it and write dates day/month/year",
    }
    case = next(c for c in read_case_list(path, today=TODAY).cases if c.case_id == "1")
    assert case.start_date == date(2025, 3, 4)  # read as before: only the doubt is new


@pytest.mark.parametrize(
    "dates",
    [
        ["4/3/2025", "13/4/2025", "12/1/2025"],  # day first: the UK list
        ["4/3/2025", "4/13/2025", "13/4/2025"],  # a mix: its refused date is said on its own
    ],
    ids=["day-first", "mixed"],
)
def test_a_column_not_written_month_first_raises_no_doubt(tmp_path, dates):
    rows = [["Child ID", "CIN Start Date"], *([str(i), d] for i, d in enumerate(dates, 1))]
    assert month_first_warnings(write_csv(tmp_path / "uk.csv", rows)) == {}


@pytest.mark.parametrize(
    "label", ["Total", "Grand Total:", "Sub-total", "Count of children", "Total number of cases"]
)
def test_a_total_row_labelled_left_of_the_id_is_not_a_child(tmp_path, label):
    """With the team before the id, a total row puts its label under the team and its count
    under the id: the count must not become a child who is sampled and given an auditor."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Allocated Team", "Child Unique ID", "CIN Start Date"])
    for i in range(3):
        ws.append(["Total Respite Team", 1000 + i, datetime(2025, 1, 1 + i)])
    ws.append([])
    ws.append([label, 3])
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["1000", "1001", "1002"]
    assert {c.team for c in case_list.cases} == {"Total Respite Team"}
    (error,) = case_list.errors
    assert (error.sheet, error.row, error.column) == ("List 6", 6, "Allocated Team")
    assert "(a total or count row?), not a child; row not used" in error.reason
    assert case_list.rows_read == case_list.rows_kept + case_list.rows_rejected


def test_an_end_date_left_unread_says_the_case_is_taken_as_open(tmp_path):
    """A closed case whose end date cannot be read is open to qaf, and may be sampled: the warning
    says so, unless something else (its status) closed it."""
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "CIN Start Date", "CIN Closure Date", "Case Status"],
            ["1", "14/03/2025", "Not known", ""],
            ["2", "14/03/2025", "=C2+10", ""],
            ["3", "14/03/2025", "Not known", "Closed"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    reasons = {p.row: p.reason for p in case_list.warnings if p.column == "CIN Closure Date"}
    assert reasons[2].endswith("left blank; with no end date the case is taken as open")
    assert "1 row holds a formula" in reasons[3]  # said for the column, see test_caselist_groups
    assert "1 of those cases is taken as open" in reasons[3]
    assert "taken as open" not in reasons[4]
    assert [c.is_open for c in case_list.cases] == [True, True, False]


@pytest.mark.parametrize("formulas", [False, True], ids=["plain", "with-formulas"])
def test_a_team_merged_down_over_its_children_is_each_childs_team(tmp_path, formulas):
    """A 'pretty' export merges each team's cell over its children's rows: Excel shows the team
    beside every child, so each child has it (no child left teamless, so the rule that nobody
    audits their own team's cases still holds). The title merged across the top is no team."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Annex A List 6"])
    ws.merge_cells("A1:D1")
    ws.append(["Allocated Team", "Child Unique ID", "CIN Start Date", "Note"])
    for i in range(5):
        team = {0: "Team A", 3: "Team B"}.get(i)
        ws.append([team, 1000 + i, datetime(2025, 1, 1 + i), "=1+1" if formulas else None])
    ws.merge_cells("A3:A5")
    ws.merge_cells("A6:A7")
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert {c.case_id: c.team for c in case_list.cases} == {
        "1000": "Team A",
        "1001": "Team A",
        "1002": "Team A",
        "1003": "Team B",
        "1004": "Team B",
    }
    assert case_list.headers["List 6"][0] == "Allocated Team"


@pytest.mark.parametrize(
    "text",
    [
        "03/12/2026 12:00:00 AM",  # report servers' date-time
        "03/12/2026 2:30 p.m.",
        "2026-12-03T00:00:00",  # ISO 8601 with its 'T'
        "2026-12-03T00:00:00Z",
        "2026-12-03T10:00:00+01:00",
    ],
)
def test_dates_with_the_times_exports_add_are_read(tmp_path, text):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "CIN Start Date"], ["1", text]])
    case_list = read_case_list(path, today=TODAY)
    assert case_list.cases[0].start_date == date(2026, 12, 3)
    assert not [p for p in case_list.warnings if p.column == "CIN Start Date"]


def test_an_annex_list_skipped_for_want_of_an_id_column_says_its_children_cannot_be_sampled(
    tmp_path,
):
    path = two_lists(tmp_path / "annex.xlsx", "Childs Ref")
    summary = read_case_list(path, today=TODAY).summary()
    assert (
        "Skipped 'List 6' (no case id column, so none of its children can be sampled; if it has "
        "one, name its header under [sampling.columns] in qaf.toml"
    ) in summary
