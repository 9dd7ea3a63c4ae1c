"""Case lists as councils' systems export them, where the export is right but the cases are not:
a pre-birth record whose baby was born months ago, a report grouped under each child rather
than each team. Each is read as a QA lead means it, said once, and never shows a child's name."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl

from qaf_docs.cases.caselist import read_case_list

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
