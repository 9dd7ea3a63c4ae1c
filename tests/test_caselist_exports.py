"""Case-management exports as councils really send them: personal columns, total rows, team
columns by other names, rows that do not fit their header."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.case import Case, CaseType, case_list_from_cases
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.facts import case_facts, fact_headers
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.sampling import plan_round
from qaf_docs.errors import CaseListError

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


def test_a_facts_label_is_its_header_as_written_capitals_and_slashes_kept(tmp_path):
    # Made from the column's snake-case name, it read "La of placement" and lost the " / ".
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 8"
    headers = ["Child Unique ID", "Allocated Team", "LA of Placement",
               "Date of Last IRO Visit / Contact to the Child", "placement type"]  # fmt: skip
    ws.append(headers)
    ws.append(["7900001", "Locality 1", "Brighton", datetime(2026, 10, 1), "U1"])
    wb.save(tmp_path / "annex_a.xlsx")
    case_list = read_case_list(tmp_path / "annex_a.xlsx", today=TODAY)
    (case,) = case_list.cases
    labels = [f.label for f in case_facts(case, "sha", fact_headers(case_list))]
    assert "LA of Placement" in labels
    assert "Date of Last IRO Visit / Contact to the Child" in labels
    assert "Placement type" in labels  # a header in lower case still starts with a capital


RUN_TOGETHER = {  # how some case-management systems write headers: no spaces, numbered, family
    "FirstName": "Alice", "LastName": "Smithson", "DateOfBirth": datetime(2015, 3, 4),
    "Address1": "1 High Street", "Postcode1": "AB1 2CD", "Parent/Carer": "Mary Smithson",
    "Mother": "Mary Smithson", "NINO": "QQ123456C", "Contact Number": "07700 900123",
    "Next of Kin": "Gran Smithson", "Town": "Brightown",
}  # fmt: skip


def test_run_together_numbered_and_family_headers_are_personal_too(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PersonID", "CINStartDate", "AllocatedTeam", *RUN_TOGETHER])
    ws.append([700001, datetime(2026, 5, 1), "Locality 1", *RUN_TOGETHER.values()])
    wb.save(tmp_path / "cp.xlsx")
    case_list = read_case_list(tmp_path / "cp.xlsx", today=TODAY)
    (case,) = case_list.cases  # "PersonID" is the case id, run together or not
    printed = " ".join(f"{f.label} {f.value}" for f in case_facts(case, "sha"))
    for value in ("Alice", "Smithson", "High Street", "AB1", "QQ123456C", "07700", "Brightown"):
        assert value not in printed and not any(value in v for v in case.attributes.values())
    assert case.team == "Locality 1"
    assert set(case_list.personal_columns) == set(RUN_TOGETHER) - {"DateOfBirth"}


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


@pytest.mark.parametrize("formulas", [False, True], ids=["calamine", "openpyxl"])
def test_a_hidden_sheet_is_read_and_said_to_be_hidden(tmp_path, formulas):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team"])
    ws.append([5000001, datetime(2025, 1, 1), "Locality 1"])
    old = wb.create_sheet("List 6 (old)")
    old.append(["Child Unique ID", "CIN Start Date", "Allocated Team"])
    old.append([9900000, datetime(2024, 1, 1), '="Old" & " Team"' if formulas else "Old Team"])
    old.sheet_state = "hidden"
    wb.save(tmp_path / "annex.xlsx")
    case_list = read_case_list(tmp_path / "annex.xlsx", today=TODAY)
    assert {c.case_id for c in case_list.children()} == {"5000001", "9900000"}
    assert case_list.hidden_sheets == ["List 6 (old)"]
    assert "Read the hidden sheet 'List 6 (old)' like the others" in case_list.summary()


# -- the team column by other names, and where the own-team rule cannot be checked ---------------


@pytest.mark.parametrize(
    "header", ["Team/Unit", "Team / Unit", "Unit", "Service team", "Worker team"]
)
def test_team_columns_by_other_names_are_the_team(tmp_path, header):
    path = write_csv(tmp_path / "c.csv", [["Child ID", header], ["1", "Locality 1 Unit 1"]])
    assert read_case_list(path, today=TODAY).cases[0].team == "Locality 1 Unit 1"


def _plan_warnings(cases: list[Case], roster: list[Auditor]) -> list[str]:
    spec = RoundSpec(kind="simple", seed=1, n=1)
    plan = plan_round(
        case_list_from_cases(cases), roster, spec, round_id="r", history=AuditHistory(), today=TODAY
    )
    return plan.warnings


def _case(case_id: str, team: str | None) -> Case:
    return Case(case_id, team, "W", CaseType.CIN, True, date(2025, 1, 1), None, ("List 6",))


def _auditor(name: str, team: str) -> Auditor:
    return Auditor(name, f"{name}@c.example", "Team Manager", team, 5)


def test_a_list_without_teams_says_the_own_team_rule_could_not_be_checked():
    warnings = _plan_warnings([_case("1", None), _case("2", None)], [_auditor("Sam", "North")])
    assert any(
        "No case on the list has a team" in w and "could not be checked" in w for w in warnings
    )


def test_a_roster_team_spelled_like_no_team_on_the_list_is_named():
    roster = [_auditor("Sam", "Children in Care 1"), _auditor("Pat", "Locality 2")]
    cases = [_case("1", "Children in Care Team 1"), _case("2", "Locality 2")]
    (warning,) = [w for w in _plan_warnings(cases, roster) if "match no team" in w]
    assert "'Children in Care 1' (Sam)" in warning and "Pat" not in warning


def test_a_two_row_header_with_a_merged_group_label_is_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "Episode", None, "Allocated", None])
    ws.append([None, "CIN Start Date", "CIN Closure Date", "Team", "Worker"])
    ws.append([7400000, datetime(2025, 1, 1), None, "Locality 1", "W0"])
    for cells in ("A1:A2", "B1:C1", "D1:E1"):
        ws.merge_cells(cells)
    wb.save(tmp_path / "two.xlsx")
    case_list = read_case_list(tmp_path / "two.xlsx", today=TODAY)
    (case,) = case_list.cases
    assert (case.team, case.worker, case.start_date) == ("Locality 1", "W0", date(2025, 1, 1))
    assert case_list.rows_read == 1 and not case_list.problems


def test_a_blank_id_row_under_the_header_is_still_a_rejected_row(tmp_path):
    path = write_csv(
        tmp_path / "c.csv", [["Child ID", "Team"], ["", "Locality 1"], ["2", "Locality 2"]]
    )
    case_list = read_case_list(path, today=TODAY)
    assert case_list.rows_rejected == 1 and [c.case_id for c in case_list.cases] == ["2"]


# -- a row that does not fit its header, and values that might be names --------------------------


def test_a_csv_row_shifted_by_an_unquoted_comma_is_rejected_without_quoting_it(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "Child ID,Child Name,Age,Start Date,Allocated Team\n"
        "7800001,Pennywhistle, Zebedee,9,01/02/2025,Locality 1\n"
        "7800002,Okafor Snickerdoodle,7,01/02/2025,Locality 2\n",
        encoding="utf-8",
    )
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["7800002"]
    (error,) = case_list.errors
    assert (error.sheet, error.row, error.column) == ("c.csv", 2, None)
    assert "more cells than the header" in error.reason and "not quoted?" in error.reason
    assert not any("Zebedee" in str(p) for p in case_list.problems)


def test_trailing_empty_cells_in_a_csv_row_are_not_a_shift(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Team"], ["1", "North", "", ""]])
    assert read_case_list(path, today=TODAY).rows_rejected == 0


def test_free_text_that_could_be_a_name_is_never_quoted_in_a_warning(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Age", "Case Type", "Restricted", "Start Date"],
            ["1", "Zebedee", "Quillon", "Barnaby", "Thaddeus"],
            ["2", "x7", "Zz", "maybe", "31/02/2025"],
        ],
    )
    warnings = [p for p in read_case_list(path, today=TODAY).warnings if p.column]
    texts = [str(p) for p in warnings]
    assert len(texts) == 8
    for name in ("Zebedee", "Quillon", "Barnaby", "Thaddeus", "x7", "Zz", "maybe"):
        assert not any(name in t for t in texts)
    said = "\n".join(texts)
    assert "row 2, column 'Age': age is not a number; left blank" in said
    assert "row 2, column 'Start Date': the value is not a date in a recognised form" in said
    assert "row 2, column 'Case Type': case type not recognised" in said
    assert "row 3, column 'Restricted': the value is not yes/no" in said
    # Dates and numbers may be quoted: they help find the cell and cannot be a name.
    assert "row 3, column 'Start Date': '31/02/2025' is not a real date" in said


# -- files that are broken in ways Excel hides ---------------------------------------------------


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _workbook(tmp_path: Path, *, formulas: bool, rows: int = 12) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team", "Review date"])
    for i in range(rows):
        ws.append(
            [7500000 + i, datetime(2025, 1, 1), "Locality 1", f"=B{i + 2}+90" if formulas else None]
        )
    path = tmp_path / "list.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("formulas", [False, True], ids=["calamine", "openpyxl"])
def test_a_damaged_sheet_is_a_plain_refusal(tmp_path, formulas):
    path = _rewrite_sheet(
        _workbook(tmp_path, formulas=formulas),
        lambda xml: xml.replace(b'<row r="2"', b'<row r="x"><row r="2"'),
    )
    with pytest.raises(CaseListError) as info:
        read_case_list(path, today=TODAY)
    message = str(info.value)
    assert message.startswith("list.xlsx is damaged: its sheet 'List 6' cannot be read.")
    assert "save it again" in message and "Error" not in message


def test_a_stale_sheet_dimension_drops_no_rows(tmp_path):
    path = _rewrite_sheet(
        _workbook(tmp_path, formulas=True),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B3"', xml),
    )
    case_list = read_case_list(path, today=TODAY)
    assert case_list.rows_read == 12
    assert all(c.team == "Locality 1" for c in case_list.cases)


def test_a_huge_csv_cell_is_a_plain_refusal_naming_the_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Child ID,Notes\n1,ok\n2," + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(CaseListError, match="row starting on line 3 holds a cell of more than"):
        read_case_list(path, today=TODAY)


def test_a_quote_never_closed_is_refused_with_its_line_not_the_rest_swallowed(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'Child ID,Team,Notes\n1,North,ok\n2,North,"open quote never closed\n3,South,ok\n4,South,ok\n',
        encoding="utf-8",
    )
    with pytest.raises(CaseListError, match="line 3 opens a quote that is never closed"):
        read_case_list(path, today=TODAY)
