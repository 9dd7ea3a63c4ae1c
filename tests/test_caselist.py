"""Reading case lists: Annex A's traps, tolerant headers, dates, and every row accounted for."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.case import CaseList, CaseType, RowProblem
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.columns import ColumnMapping, parse_case_type
from qaf_docs.dates import parse_date
from qaf_docs.errors import CaseListError

ANNEX_A = Path(__file__).resolve().parent / "data" / "annex_a_sample.xlsx"
TODAY = date(2021, 3, 31)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def cell_warnings(case_list: CaseList) -> list[RowProblem]:
    """Warnings about a cell (leaving out the per-sheet note that no case type column exists)."""
    return [p for p in case_list.warnings if p.column is not None]


@pytest.fixture(scope="module")
def annex() -> object:
    return read_case_list(ANNEX_A, today=TODAY)


# -- the real Annex A sample --------------------------------------------------------------------


def test_annex_every_row_is_accounted_for(annex):
    assert annex.rows_read == annex.rows_kept + annex.rows_merged + annex.rows_rejected
    assert annex.rows_kept == len(annex.cases)
    assert annex.rows_merged >= 1
    assert "merged 1 duplicate row" in annex.summary()


def test_annex_formula_cells_are_reported_not_trusted(annex):
    formula = [p for p in annex.problems if "formula" in p.reason]
    assert formula, "List 10's =H2+5 cells must be reported"
    first = next(p for p in formula if p.row == 2 and "Placed for Adoption" in (p.column or ""))
    assert first.sheet == "List 10"
    assert first.severity == "warning"
    assert "(the first: '=H2+5'); a formula's value is not trusted" in first.reason


def test_annex_na_cells_become_blank_with_a_warning(annex):
    na = [p for p in annex.problems if "#N/A" in p.reason]
    assert {(p.sheet, p.column) for p in na} == {
        ("List 6", "Allocated Team"),
        ("List 6", "Allocated Worker"),
    }
    list6 = [c for c in annex.cases if c.sources == ("List 6",)]
    assert list6 and all(c.team is None and c.worker is None for c in list6)


def test_annex_names_lose_non_breaking_spaces_and_ids_are_clean(annex):
    by_id = {c.case_id: c for c in annex.cases if "List 3" in c.sources}
    assert by_id["4653765"].worker == "Mathilde Cutsforth"
    assert all("\u00a0" not in (c.worker or "") for c in annex.cases)
    assert all(c.case_id.isdigit() for c in annex.cases)


def test_annex_same_child_same_start_is_merged_and_keeps_both_lists(annex):
    merged = [c for c in annex.cases if c.case_id == "6537810"]
    assert len(merged) == 1
    assert merged[0].sources == ("List 3", "List 5")
    assert any("6537810" in p.reason and p.sheet == "List 5" for p in annex.problems)


def test_annex_sheet_without_child_id_is_skipped_and_said(annex):
    assert ("List 11", "no case id column") in annex.sheets_skipped
    assert "Skipped 'List 11'" in annex.summary()


@pytest.mark.parametrize(
    ("sheet", "case_type"),
    [
        ("List 1", CaseType.OTHER),
        ("List 2", CaseType.EARLY_HELP),
        ("List 3", CaseType.CIN),
        ("List 6", CaseType.CIN),
        ("List 7", CaseType.CP),
        ("List 8", CaseType.CLA),
        ("List 9", CaseType.CARE_LEAVER),
    ],
)
def test_annex_case_type_comes_from_the_list(annex, sheet, case_type):
    cases = [c for c in annex.cases if c.sources[0] == sheet]
    assert cases and all(c.case_type is case_type for c in cases)


@pytest.mark.parametrize(
    ("case_id", "is_open", "end"),
    [
        ("10721552", False, date(2021, 2, 16)),  # CP plan ended
        ("5358472", True, None),  # CP plan running
        ("3623204", False, date(2020, 9, 22)),  # ceased to be looked after
        ("9212044", False, None),  # a contact is not an open case
    ],
)
def test_annex_open_state_and_dates_are_derived(annex, case_id, is_open, end):
    case = next(c for c in annex.cases if c.case_id == case_id)
    assert case.is_open is is_open
    assert case.end_date == end


def test_annex_coded_and_theme_columns_become_attributes(annex):
    cp = next(c for c in annex.cases if c.case_id == "10721552")
    assert cp.attributes["category_of_abuse"] == "Physical abuse"
    cin = next(c for c in annex.cases if c.case_id == "8140425")
    assert cin.attributes["primary_need"] == "N1 - Abuse or Neglect"
    assert cin.attributes["status"] == "Child in need plan"


def test_annex_children_gives_one_case_per_child(annex):
    children = annex.children()
    ids = [c.case_id for c in children]
    assert len(ids) == len(set(ids))
    both = next(c for c in children if c.case_id == "7961370")  # List 9 and List 10
    assert both.sources == ("List 9", "List 10")
    assert both.team == "Care Leavers Team"


@pytest.mark.parametrize("name", ["List 7", "list 7", " LIST 7 "])
def test_annex_sheets_can_be_chosen_tolerantly(name):
    case_list = read_case_list(ANNEX_A, sheets=[name], today=TODAY)
    assert case_list.sheets_read == ["List 7"]
    assert len(case_list.cases) == 7


def test_annex_unknown_sheet_is_a_one_line_error():
    with pytest.raises(CaseListError, match=r"no sheet 'List 12'.*List 1, List 2"):
        read_case_list(ANNEX_A, sheets=["List 12"], today=TODAY)


def test_annex_explicit_sheet_without_id_column_is_an_error():
    with pytest.raises(CaseListError, match=r"No case id column.*sheet 'List 11'"):
        read_case_list(ANNEX_A, sheets=["List 11"], today=TODAY)


# -- tolerant headers and values in exports -----------------------------------------------------


@pytest.mark.parametrize(
    "id_header", ["Child Unique ID", "child unique id ", "Child\u00a0ID", "CHILD ID", "Person ID"]
)
@pytest.mark.parametrize("age_header", ["Age", "Age of Child (Years)", "Age (Y/N))"])
def test_headers_are_matched_tolerantly(tmp_path, id_header, age_header):
    path = write_csv(
        tmp_path / "cases.csv",
        [[id_header, "Allocated Team ", age_header], ["123", "Team A", "7.5"]],
    )
    case = read_case_list(path, today=TODAY).cases[0]
    assert case.case_id == "123"
    assert case.team == "Team A"
    assert case.attributes["age"] == "7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("6537810.0", "6537810"), ("  6537810 ", "6537810"), ("007", "007"), ("AB-12", "AB-12")],
)
def test_ids_are_clean_text(tmp_path, raw, expected):
    path = write_csv(tmp_path / "c.csv", [["Child ID"], [raw]])
    assert read_case_list(path, today=TODAY).cases[0].case_id == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", None),  # blank row: ignored, not a row
        ("6.54E+06", "scientific notation"),
        ("12.5", "not a whole number"),
        ("12 34", "unexpected characters"),
        ("#N/A", "'#N/A' is an Excel error, not a case id; row not used"),
        ("=A1", "formula '=A1' not trusted; row not used (in Excel, copy the column and paste"),
    ],
)
def test_bad_ids_reject_the_row_with_sheet_row_and_column(tmp_path, raw, reason):
    path = write_csv(
        tmp_path / "c.csv", [["Child ID", "Team"], ["1", "A"], [raw, "B" if raw else ""]]
    )
    case_list = read_case_list(path, today=TODAY)
    if reason is None:
        assert case_list.rows_read == 1 and not case_list.errors
        return
    assert case_list.rows_rejected == 1
    problem = case_list.errors[0]
    assert (problem.sheet, problem.row, problem.column) == ("c.csv", 3, "Child ID")
    assert reason in problem.reason
    assert case_list.rows_read == case_list.rows_kept + case_list.rows_rejected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/12/2026", date(2026, 12, 3)),
        ("3/12/26", date(2026, 12, 3)),
        ("3 Dec 2026", date(2026, 12, 3)),
        ("3rd December 2026", date(2026, 12, 3)),
        ("03-Dec-2026", date(2026, 12, 3)),
        ("2026-12-03", date(2026, 12, 3)),
        ("2026-12-03 00:00:00", date(2026, 12, 3)),
        ("03.12.2026", date(2026, 12, 3)),
        ("03/12/2026 14:30", date(2026, 12, 3)),
        ("46359", date(2026, 12, 3)),
        (46359, date(2026, 12, 3)),
        (46359.0, date(2026, 12, 3)),
        (datetime(2026, 12, 3, 9, 0), date(2026, 12, 3)),
        ("15/05/99", date(1999, 5, 15)),
    ],
)
def test_dates_in_every_form_real_exports_use(value, expected):
    assert parse_date(value, today=date(2026, 1, 1)) == (expected, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12/25/2026", "US-style"),
        ("31/02/2026", "not a real date"),
        ("soon", "not a date in a recognised form"),
        (12, "not a plausible date"),
        ("3 Smarch 2026", "unknown month"),
    ],
)
def test_unreadable_dates_say_why(value, reason):
    parsed, why = parse_date(value, today=date(2026, 1, 1))
    assert parsed is None
    assert why is not None and reason in why


def test_bad_date_is_a_warning_naming_the_cell_and_the_row_is_kept(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Start Date"], ["1", "12/25/2026"]])
    case_list = read_case_list(path, today=TODAY)
    assert case_list.rows_kept == 1 and case_list.cases[0].start_date is None
    (problem,) = cell_warnings(case_list)
    assert (problem.row, problem.column) == (2, "Start Date")
    assert "US-style" in problem.reason


def test_date_warnings_give_the_dates_day_month_year_as_the_list_has_them(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Start Date", "End Date", "Case Status"],
            ["1", "05/03/2020", "04/02/2020", ""],
            ["2", "01/06/2030", "", ""],
            ["3", "01/01/2020", "02/03/2021", "Open"],
        ],
    )
    reasons = {
        (p.row, p.column): p.reason for p in cell_warnings(read_case_list(path, today=TODAY))
    }
    assert reasons == {
        (2, "End Date"): "end date 04/02/2020 is before start date 05/03/2020",
        (3, "Start Date"): "start date 01/06/2030 is in the future",
        (4, "Case Status"): "status says the case is open but the end date is 02/03/2021; "
        "treated as closed",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CIN", CaseType.CIN),
        ("Child in Need", CaseType.CIN),
        ("c) Child in need plan", CaseType.CIN),
        ("CP", CaseType.CP),
        ("Child Protection Plan", CaseType.CP),
        ("LAC", CaseType.CLA),
        ("Looked After Child", CaseType.CLA),
        ("Care Leaver", CaseType.CARE_LEAVER),
        ("Leaving Care", CaseType.CARE_LEAVER),
        ("Early Help", CaseType.EARLY_HELP),
        ("Other", CaseType.OTHER),
        ("Adoption support", None),
    ],
)
def test_case_types_are_recognised(text, expected):
    assert parse_case_type(text) is expected


def test_case_type_status_and_restricted_columns_are_derived(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Case Type", "Case Status", "Restricted", "End Date"],
            ["1", "CP", "Open", "N", ""],
            ["2", "Looked after", "Closed", "Y", "01/01/2021"],
            ["3", "mystery", "", "maybe", ""],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    one, two, three = case_list.cases
    assert (one.case_type, one.is_open, one.restricted) == (CaseType.CP, True, False)
    assert (two.case_type, two.is_open, two.restricted) == (CaseType.CLA, False, True)
    assert three.case_type is CaseType.OTHER and three.restricted is True
    reasons = [p.reason for p in case_list.warnings if p.row == 4]
    assert any("case type not recognised" in r for r in reasons)  # free text is never quoted
    assert any("restricted to be safe" in r for r in reasons)


def test_unborn_child_age_minus_one_is_kept(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Age"], ["1", "-1"], ["2", "40"]])
    case_list = read_case_list(path, today=TODAY)
    assert case_list.cases[0].attributes["unborn"] == "yes"
    assert [p.row for p in cell_warnings(case_list)] == [3]


def test_formula_text_in_a_csv_is_reported(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Start Date"], ["1", "=B1+5"]])
    (problem,) = cell_warnings(read_case_list(path, today=TODAY))
    assert "1 row holds a formula in this column (the first: '=B1+5')" in problem.reason


def test_a_childs_name_never_appears_in_messages(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Child ID", "Child Name", "Start Date", "Team"],
            ["1", "Zebedee Quartermaine", "not a date", "T"],
            ["1", "Zebedee Quartermaine", "not a date", "U"],
        ],
    )
    case_list = read_case_list(path, today=TODAY)
    assert case_list.cases[0].child_name == "Zebedee Quartermaine"
    texts = [str(p) for p in case_list.problems] + [case_list.summary(), repr(case_list.cases)]
    assert case_list.problems
    assert not any("Zebedee" in t for t in texts)
    assert "child_name" not in case_list.cases[0].attributes


def test_title_rows_above_the_header_are_skipped(tmp_path):
    path = write_csv(
        tmp_path / "c.csv", [["Open cases report"], ["As at 31/03/2021"], ["Child ID"], ["9"]]
    )
    assert read_case_list(path, today=TODAY).cases[0].case_id == "9"


def test_semicolon_and_cp1252_exports_are_read(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("Child ID;Allocated Worker\r\n5;Zoë Brontë\r\n".encode("cp1252"))
    case = read_case_list(path, today=TODAY).cases[0]
    assert (case.case_id, case.worker) == ("5", "Zoë Brontë")


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-16-le", ""), ("utf-16-be", "")],
)
def test_utf16_exports_are_read_with_or_without_a_byte_order_mark(tmp_path, encoding, mark):
    # Excel's "Unicode Text" is UTF-16 with tabs; some case-management systems export UTF-16 CSV.
    path = tmp_path / "c.csv"
    text = (
        f"{mark}Child ID\tAllocated Worker\tGender\r\n5\tZoë Brontë\tFemale\r\n6\tŁukasz\tMale\r\n"
    )
    path.write_bytes(text.encode(encoding))
    cases = read_case_list(path, today=TODAY).cases
    assert [(c.case_id, c.worker) for c in cases] == [("5", "Zoë Brontë"), ("6", "Łukasz")]


def test_custom_mapping_reads_a_council_specific_header(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["LCS Number", "Locality"], ["5", "North"]])
    with pytest.raises(CaseListError, match="case id column"):
        read_case_list(path, today=TODAY)
    mapping = ColumnMapping(case_id=["LCS Number"], team=["Locality"])
    assert read_case_list(path, mapping=mapping, today=TODAY).cases[0].team == "North"


# -- whole-file errors ---------------------------------------------------------------------------


def test_missing_required_column_names_it_and_says_what_to_do(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID"], ["1"]])
    mapping = ColumnMapping(required=["case_id", "team"])
    with pytest.raises(
        CaseListError,
        match=r"'team' is missing.*'Allocated Team'.*\[sampling.columns\] in qaf.toml",
    ):
        read_case_list(path, mapping=mapping, today=TODAY)


def test_empty_list_is_a_one_line_error(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Team"]])
    with pytest.raises(CaseListError, match="no case rows") as info:
        read_case_list(path, today=TODAY)
    assert "\n" not in str(info.value)


def test_all_rows_rejected_is_an_error_naming_the_first_problem(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Team"], ["", "A"], ["", "B"]])
    with pytest.raises(CaseListError, match=r"None of the 2 rows.*row 2.*no case id"):
        read_case_list(path, today=TODAY)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.xls", b"\xd0\xcf\x11\xe0", "old or macro-enabled"),
        ("c.xlsm", b"PK", "old or macro-enabled"),
        ("c.xlsx", b"not a zip", "not a real .xlsx"),
        ("c.json", b"{}", "must be an .xlsx workbook or a .csv"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CaseListError, match=message):
        read_case_list(path, today=TODAY)


def test_workbook_without_any_id_column_says_so(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Team"])
    wb.create_sheet("Other").append(["Worker"])
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(CaseListError, match=r"No sheet in w\.xlsx has a case id column"):
        read_case_list(tmp_path / "w.xlsx", today=TODAY)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CaseListError, match="does not exist"):
        read_case_list(tmp_path / "nope.csv")


# -- an .xlsx export with cell types ------------------------------------------------------------


def test_xlsx_cells_of_every_type(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Open Cases"
    ws.append(["Child ID", "Case Type", "Start Date", "End Date", "Allocated Worker"])
    ws.append([6537810.0, "CIN", datetime(2020, 9, 16), None, "Ann\u00a0Lee"])
    ws.append([42, "CP", 44197, "=C3+5", "Bo  Chan"])
    ws.append([43, "CLA", "01/02/2021", None, None])
    ws["E4"] = "#N/A"
    path = tmp_path / "export.xlsx"
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    a, b, c = case_list.cases
    assert (a.case_id, a.start_date, a.worker) == ("6537810", date(2020, 9, 16), "Ann Lee")
    assert (b.start_date, b.end_date, b.worker) == (date(2021, 1, 1), None, "Bo Chan")
    assert c.start_date == date(2021, 2, 1) and c.worker is None
    where = {(p.sheet, p.row, p.column) for p in case_list.warnings}
    assert ("Open Cases", 3, "End Date") in where
    assert ("Open Cases", 4, "Allocated Worker") in where
    assert case_list.sheets_read == ["Open Cases"]


def _zeros_workbook(path: Path, lists: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in lists.items():
        sheet = wb.create_sheet(title)
        sheet.append(["Child Unique ID", "Allocated Team", "Start Date"])
        for row in rows:
            sheet.append(row)
    wb.save(path)
    return path


def test_an_id_with_and_without_leading_zeros_is_one_child(tmp_path):
    # Excel kept List 3's id as a number (6537810) and List 5's as text ("006537810").
    path = _zeros_workbook(
        tmp_path / "annex.xlsx",
        {
            "List 3": [[6537810, "Team A", datetime(2020, 9, 16)], [100, "Team B", None]],
            "List 5": [["006537810", "Team A", datetime(2020, 9, 16)]],
            "List 8": [["006537810", "Team A", datetime(2021, 1, 4)], ["0100", "Team B", None]],
        },
    )
    case_list = read_case_list(path, today=TODAY)
    assert (case_list.rows_read, case_list.rows_kept, case_list.rows_merged) == (5, 3, 2)
    kids = {c.case_id: c for c in case_list.children()}
    # Shown as the list writes it most often; a tie keeps the zeros (Excel never adds them).
    assert list(kids) == ["0100", "006537810"]
    assert kids["006537810"].sources == ("List 3", "List 5", "List 8")
    summary = case_list.summary()
    assert "kept 3 cases for 2 children" in summary
    assert "merged 2 duplicate rows" in summary
    assert (
        "2 case ids are written both with and without leading zeros (0100, also written 100; "
        "006537810, also written 6537810); each is taken as one child" in summary
    )


def test_the_id_shown_is_the_spelling_the_list_uses_most(tmp_path):
    path = _zeros_workbook(
        tmp_path / "annex.xlsx",
        {"List 3": [[6537810, "Team A", None]], "List 5": [[6537810, "Team A", None]],
         "List 6": [["006537810", "Team A", None]]},
    )  # fmt: skip
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.children()] == ["6537810"]
    assert "6537810, also written 006537810" in case_list.summary()


def test_ids_are_not_merged_without_a_reason(tmp_path):
    # Zeros inside or at the end of an id, or leading a code that is not all digits, matter.
    path = write_csv(
        tmp_path / "c.csv", [["Child ID"], ["65"], ["650"], ["605"], ["A065"], ["A65"]]
    )
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.children()] == ["65", "605", "650", "A065", "A65"]
    assert "leading zeros" not in case_list.summary()
