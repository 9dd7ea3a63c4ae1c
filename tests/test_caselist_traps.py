"""Case lists as council performance teams really export them: a redacted row, a definitions sheet
beside the list, "Unallocated" where a worker would be, a header under a long block of report
parameters, Excel's "Unicode Text" (.txt), ages written "Unborn". Each is read right or said plainly,
naming the sheet, row and column, and never quoting what could be a child's name."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.errors import CaseListError

TODAY = date(2026, 11, 1)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


# -- a word in the id column is not a child ------------------------------------------------------


@pytest.mark.parametrize("word", ["Redacted", "REDACTED", "Withheld"])
def test_a_redacted_row_is_not_a_child_and_is_said(tmp_path, word):
    rows = [["Child ID", "Allocated Team"], ["7700001", "Locality 1"], [word, "Locality 1"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["7700001"]
    assert case_list.rows_rejected == 1
    (error,) = case_list.errors
    assert (error.sheet, error.row, error.column) == ("c.csv", 3, "Child ID")
    assert f"'{word}' is not a case id" in error.reason


def test_an_id_without_a_digit_is_refused_without_quoting_it(tmp_path):
    # A surname shifted into the id column, or a word from a note: never a child, never quoted.
    rows = [["Child ID", "Allocated Team"], ["7700001", "Locality 1"], ["Okafor", "Locality 1"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["7700001"]
    (error,) = case_list.errors
    assert (error.sheet, error.row, error.column) == ("c.csv", 3, "Child ID")
    assert "no digits" in error.reason and "row not used" in error.reason
    assert "Okafor" not in str(error)


def test_ids_with_letters_and_digits_are_still_ids(tmp_path):
    rows = [["Child ID"], ["A065"], ["CH-123456"], ["AB-12"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["A065", "CH-123456", "AB-12"]


# -- "Unallocated" is nobody --------------------------------------------------------------------

NO_ONE = ["Unallocated", "UNALLOCATED", "Not allocated", "Not Allocated", "Redacted", "-", "*",
          "(blank)", "N/A", "None", "Unknown", "TBC", "No worker allocated"]  # fmt: skip


@pytest.mark.parametrize("word", NO_ONE)
def test_a_placeholder_worker_or_team_is_no_worker_or_team(tmp_path, word):
    rows = [
        ["Child ID", "CIN Start Date", "Allocated Team", "Allocated Worker"],
        ["7700001", "01/04/2025", "Locality 1", word],
        ["7700002", "01/04/2025", word, "Jo Worker"],
        ["7700003", "01/04/2025", "Locality 1", "Jo Worker"],
    ]
    cases = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY).cases
    assert [(c.team, c.worker) for c in cases] == [
        ("Locality 1", None),
        (None, "Jo Worker"),
        ("Locality 1", "Jo Worker"),
    ]


# -- a header under a long block of report parameters ------------------------------------------


def _under_parameters(path: Path, parameter_rows: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CIN"
    ws.append(["Children in Need: allocated cases"])
    for i in range(parameter_rows - 1):
        ws.append([f"Parameter {i + 1}", "All"])
    ws.append(["Child ID", "CIN Start Date", "Allocated Team"])
    ws.append([5000001, datetime(2025, 1, 1), "Locality 1"])
    wb.save(path)
    return path


def test_a_header_under_thirty_rows_of_report_parameters_is_found(tmp_path):
    case_list = read_case_list(_under_parameters(tmp_path / "l.xlsx", 30), today=TODAY)
    assert [(c.case_id, c.team) for c in case_list.cases] == [("5000001", "Locality 1")]


def test_a_header_too_far_down_is_said_with_where_qaf_looked(tmp_path):
    with pytest.raises(CaseListError) as e:
        read_case_list(_under_parameters(tmp_path / "l.xlsx", 120), today=TODAY)
    message = str(e.value)
    assert "No case id column found in the first 50 rows" in message
    assert "delete the rows above the header" in message and "'CIN'" in message


# -- Excel's text exports and other formats -------------------------------------------------------

ROWS = [
    ["Child ID", "CIN Start Date", "Allocated Team", "Allocated Worker"],
    ["007001", "01/04/2025", "Équipe Nord", "José Worker"],
    ["7002", "02-Apr-2025", "Locality 1", "Jo Worker"],
]


def _tab_text(rows: list[list[str]]) -> str:
    return "".join("\t".join(r) + "\r\n" for r in rows)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Excel's File > Save As "Unicode Text (*.txt)": UTF-16 with a byte-order mark, tabs
        ("cases.txt", b"\xff\xfe" + _tab_text(ROWS).encode("utf-16-le")),
        # Excel's "Text (Tab delimited) (*.txt)": Windows-1252
        ("cases.txt", _tab_text(ROWS).encode("cp1252")),
        ("cases.tsv", _tab_text(ROWS).encode("utf-8")),
    ],
    ids=["unicode-text", "tab-delimited", "tsv"],
)
def test_excels_text_exports_are_read_as_a_csv_is(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    case_list = read_case_list(tmp_path / name, today=TODAY)
    assert [(c.case_id, c.start_date, c.team, c.worker) for c in case_list.cases] == [
        ("007001", date(2025, 4, 1), "Équipe Nord", "José Worker"),
        ("7002", date(2025, 4, 2), "Locality 1", "Jo Worker"),
    ]
    assert not case_list.problems or all(p.severity == "warning" for p in case_list.problems)


def test_an_opendocument_spreadsheet_is_refused_with_how_to_save_it_as_xlsx(tmp_path):
    (tmp_path / "cases.ods").write_bytes(b"PK\x03\x04 not read")
    with pytest.raises(CaseListError) as e:
        read_case_list(tmp_path / "cases.ods", today=TODAY)
    message = str(e.value)
    assert "cases.ods" in message and "Save As" in message and ".xlsx" in message


def test_a_file_of_another_kind_says_which_kinds_are_read_and_how_to_get_one(tmp_path):
    (tmp_path / "cases.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CaseListError) as e:
        read_case_list(tmp_path / "cases.pdf", today=TODAY)
    message = str(e.value)
    assert "'.pdf'" in message and "export" in message.lower() and ".csv" in message


# -- unborn children and ages written in words ----------------------------------------------------


@pytest.mark.parametrize("age", ["Unborn", "unborn baby", "Pre-birth", "Pre birth", "-1"])
def test_an_unborn_child_in_the_age_column_is_kept_as_unborn_without_a_warning(tmp_path, age):
    rows = [["Child ID", "Age", "Child Protection Plan Start Date"], ["8800001", age, "01/02/2026"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    (case,) = case_list.cases
    assert case.attributes.get("unborn") == "yes"
    assert not [p for p in case_list.problems if p.column == "Age"]


@pytest.mark.parametrize("dob", ["Unborn", "Pre-birth"])
def test_an_unborn_child_in_the_birth_date_column_is_unborn_not_a_bad_date(tmp_path, dob):
    rows = [["Child ID", "Date of Birth", "CIN Start Date"], ["8800001", dob, "01/02/2026"]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    (case,) = case_list.cases
    assert case.attributes.get("unborn") == "yes"
    assert "date_of_birth" not in case.attributes
    assert not [p for p in case_list.problems if p.column == "Date of Birth"]


@pytest.mark.parametrize("age", ["6 years", "6 yrs", "6y", "6 Years 3 Months"])
def test_an_age_written_with_its_unit_is_read(tmp_path, age):
    rows = [["Child ID", "Age"], ["8800001", age]]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert case_list.cases[0].attributes["age"] == "6"
    assert not [p for p in case_list.problems if p.column == "Age"]


# -- the same child twice on one list -----------------------------------------------------------


def test_the_same_child_twice_on_one_list_names_both_rows(tmp_path):
    rows = [
        ["Child ID", "CIN Start Date", "Allocated Team", "Allocated Worker"],
        ["7700001", "01/04/2025", "Locality 1", "Al Worker"],
        ["7700002", "01/04/2025", "Locality 1", "Al Worker"],
        ["7700001", "01/04/2025", "Locality 1", "Ed Worker"],
    ]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.worker for c in case_list.cases] == ["Ed Worker", "Al Worker"]
    (warning,) = [w for w in case_list.warnings if "different worker" in w.reason]
    assert (warning.sheet, warning.row) == ("c.csv", 4)
    assert "also on row 2 of c.csv" in warning.reason
    assert "kept the worker from row 4" in warning.reason
