"""Case-management exports as councils really send them: personal columns, total rows, team
columns by other names, rows that do not fit their header."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.facts import case_facts

TODAY = date(2026, 11, 1)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


# -- personal details never become case facts ---------------------------------------------------

PERSONAL = {
    "Forename": "Zebedee",
    "Surname": "Featherstonehaugh",
    "First name": "Zebedee",
    "Last name": "Featherstonehaugh",
    "Given name": "Zebedee",
    "Family name": "Featherstonehaugh",
    "Middle name": "Quillon",
    "Preferred name / Known as": "Zeb",
    "Child DOB": datetime(2015, 5, 5),
    "Address line 1": "12 Acacia Avenue",
    "Post code": "BN1 1AA",
    "Mother's name": "Marigoldia Featherstonehaugh",
    "Father's Name": "Thaddeus Featherstonehaugh",
    "Carer's name": "Persephone Pennywhistle",
    "NHS number": "943 476 5919",
    "Phone": "01632 960123",
    "Email address": "zeb@example.com",
    "UPN": "A123456789012",
}


def export(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Open cases"
    headers = ["Person ID", "Case Type", "Allocated Team", "Start Date", "Gender", *PERSONAL]
    ws.append(headers)
    ws.append([7900000, "CIN", "Locality 1", datetime(2025, 4, 4), "a) Male", *PERSONAL.values()])
    path = tmp_path / "lcs_export.xlsx"
    wb.save(path)
    return path


def test_personal_columns_are_left_out_of_the_case_and_its_facts(tmp_path):
    case_list = read_case_list(export(tmp_path), today=TODAY)
    (case,) = case_list.cases
    facts = case_facts(case, "sha")
    printed = " ".join(f"{f.label} {f.value}" for f in facts)
    assert [f.label for f in facts] == ["CIN start", "Gender"]
    for value in ("Zebedee", "Featherstonehaugh", "Acacia", "BN1", "Marigoldia", "943", "01632"):
        assert value not in printed
        assert not any(value in v for v in case.attributes.values())
    # The child's birth date is the date of birth (never printed), whatever the header says.
    assert case.attributes["date_of_birth"] == "2015-05-05"


def test_the_summary_names_the_personal_columns_left_out_but_never_their_values(tmp_path):
    summary = read_case_list(export(tmp_path), today=TODAY).summary()
    assert "Left out as personal details" in summary
    for header in PERSONAL:
        if header != "Child DOB":  # read as the date of birth, not left out
            assert f"'{header}'" in summary
    assert "Zebedee" not in summary and "BN1" not in summary
    assert "'Gender'" not in summary


@pytest.mark.parametrize("header", ["Birth Date", "D.O.B.", "Child's Date of Birth"])
def test_birth_date_spellings_are_the_date_of_birth(tmp_path, header):
    path = write_csv(tmp_path / "c.csv", [["Child ID", header], ["1", "05/05/2015"]])
    case_list = read_case_list(path, today=TODAY)
    assert case_list.cases[0].attributes == {"list": "c.csv", "date_of_birth": "2015-05-05"}


def test_professionals_names_and_care_details_stay_case_facts(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [["Child ID", "IRO Name", "School Name", "Ethnicity"], ["1", "Ann Lee", "Hove Park", "X"]],
    )
    case = read_case_list(path, today=TODAY).cases[0]
    assert {"iro_name", "school_name", "ethnicity"} <= set(case.attributes)


def test_case_facts_leave_out_personal_details_held_by_any_case():
    case = Case(
        case_id="1",
        team="T",
        worker="W",
        case_type=CaseType.CIN,
        is_open=True,
        start_date=None,
        end_date=None,
        sources=("List 6",),
        attributes={"surname": "Featherstonehaugh", "postcode": "BN1 1AA", "legal_status": "C2"},
    )
    assert [f.name for f in case_facts(case, "sha")] == ["legal_status"]


# -- rows whose id is not an id -----------------------------------------------------------------

NOT_IDS = [
    "Total", "TOTAL:", "Totals", "Grand Total", "Count", "END", "End of list", "N/A", "Unknown",
    "TBC", "null", "None", "-", "0",
]  # fmt: skip


def test_total_and_placeholder_rows_are_rejected_by_sheet_row_and_column(tmp_path):
    rows = [["Child ID", "Allocated Team"], ["7700001", "Locality 1"]]
    rows += [[token, "3"] for token in NOT_IDS]
    case_list = read_case_list(write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["7700001"]
    assert case_list.rows_rejected == len(NOT_IDS)
    errors = case_list.errors
    assert [(p.sheet, p.row, p.column) for p in errors] == [
        ("c.csv", row, "Child ID") for row in range(3, 3 + len(NOT_IDS))
    ]
    assert "'Total' is not a case id (a total or note row?); row not used" in errors[0].reason


def test_a_trailing_total_row_of_an_annex_a_list_is_not_a_child(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team"])
    ws.append([5000001, datetime(2025, 1, 1), "Locality 1"])
    ws.append([])
    ws.append(["Total", 1])
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert [c.case_id for c in case_list.children()] == ["5000001"]
    assert [(p.row, p.severity) for p in case_list.problems] == [(4, "error")]
