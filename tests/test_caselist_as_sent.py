"""Annex A workbooks as councils send them: the lists renamed ("List 1 - Contacts (Apr-Sep)"), a
cover sheet first, a title block above each header, an "Ofsted guidance" column, hidden columns,
filters and frozen panes left on, and a total row at the foot. Each list is still the list it is."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl.utils import get_column_letter

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cli import cli
from qaf_docs.workspace import init_workspace

TODAY = date(2026, 11, 1)

CONTACTS = ["Child Unique ID", "Gender", "Age", "Date of Contact", "Contact Source"]
CIN = ["Child Unique ID", "Age", "CIN Start Date", "CIN Closure Date", "Allocated Team",
       "Allocated Worker"]  # fmt: skip


def _list_sheet(
    wb: openpyxl.Workbook, title: str, headers: list[str], rows: list[list[object]]
) -> None:
    """A list as an LA's analyst lays it out: a title block, the header on row 5 with a notes
    column, a filter and frozen panes left on, the gender column hidden."""
    ws = wb.create_sheet(title)
    ws["A1"] = "Anytown Council - Annex A"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A2"] = title
    ws["A3"] = "Run date: 01/11/2026"
    ws.append([])
    ws.append([*headers, "Ofsted guidance"])
    for row in rows:
        ws.append([*row, "Include every child open on the last day of the period"])
    ws.auto_filter.ref = f"A5:{get_column_letter(len(headers) + 1)}{ws.max_row}"
    ws.freeze_panes = "B6"
    ws.column_dimensions["B"].hidden = True


def annex_as_sent(path: Path, contacts: str, cin: str) -> Path:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Annex A - Anytown Council - 1 April to 30 September 2026"
    _list_sheet(
        wb,
        contacts,
        CONTACTS,
        [
            ["00123401", "a) Male", 11, "16/09/2026", "Police"],
            ["00123402", "b) Female", 12, "3 Sep 2026", "School"],
        ],
    )
    _list_sheet(
        wb,
        cin,
        CIN,
        [
            ["00123410", 11, "01/02/2026", None, "Locality 1", "Jo Bloggs"],
            ["00123401", 11, "20/09/2026", None, "Locality 2", "Sam Smith"],
        ],
    )
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("contacts", "cin"),
    [
        ("List 1 - Contacts (Apr-Sep)", "List 6 - CIN (Apr-Sep)"),
        ("List_1_Contacts", "Annex A List 6"),
        ("List 1 (2)", "List 6 Children in Need"),
    ],
)
def test_renamed_lists_are_still_annex_a_lists(tmp_path, contacts, cin):
    case_list = read_case_list(annex_as_sent(tmp_path / "annex.xlsx", contacts, cin), today=TODAY)
    assert case_list.sheets_read == [contacts, cin]
    by_list = {(c.case_id, c.attributes["list"]): c for c in case_list.cases}
    # A contact is an event, not an open case, whatever the sheet is called.
    assert not by_list["00123402", contacts].is_open
    assert not by_list["00123401", contacts].is_open
    # The child in need is open, and on the stage its list says.
    assert by_list["00123410", cin].is_open
    assert by_list["00123410", cin].attributes["stage"] == "child in need"
    assert by_list["00123401", cin].is_open  # a child contacted, then in need: the need counts
    assert not [p for p in case_list.warnings if "no recognisable case type" in p.reason]


@pytest.mark.parametrize("title", ["List 6-9", "Lists 6 to 9", "List of children", "List 12"])
def test_a_sheet_that_is_no_single_annex_list_is_not_taken_for_one(tmp_path, title):
    case_list = read_case_list(annex_as_sent(tmp_path / "annex.xlsx", title, "CIN"), today=TODAY)
    # Not taken for List 1 (or List 6): its rows are not contacts, so they stay open cases.
    assert {c.case_id for c in case_list.cases if c.is_open and c.attributes["list"] == title} == {
        "00123401",
        "00123402",
    }


def _sample(workspace: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["sample", *map(str, args), "-w", str(workspace)])


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)
    root = tmp_path / "ws"
    init_workspace(root)
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 5])
    wb.save(root / "roster.xlsx")
    return root


def test_a_contact_on_a_renamed_list_1_is_never_drawn_for_audit(workspace, tmp_path):
    path = annex_as_sent(tmp_path / "annex.xlsx", "List 1 - Contacts (Apr-Sep)", "List 6 - CIN")
    # Two children have an open case (both on List 6); the contact-only child has none.
    result = _sample(workspace, path, "--n", "3", "--dry-run")
    assert result.exit_code != 0
    assert "only 2 are eligible" in result.output, result.output
    result = _sample(workspace, path, "--n", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "case 00123402" not in result.output
    assert "case 00123410" in result.output and "case 00123401" in result.output


@pytest.mark.parametrize("formula", ["=COUNTA(A6:A7)", "=SUBTOTAL(3,A6:A7)", "=sum(A6:A7)"])
def test_a_total_row_counting_the_ids_by_formula_is_no_child_and_not_to_be_pasted_back(
    tmp_path, formula
):
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6 - CIN"
    ws.append(CIN)
    ws.append(["00123410", 11, "01/02/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append(["00123411", 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append([formula])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["00123410", "00123411"]
    (error,) = case_list.errors
    assert (error.sheet, error.row, error.column) == ("List 6 - CIN", 4, "Child Unique ID")
    assert "the row holds a total" in error.reason and "not a child" in error.reason
    # Pasting the count back as a value would make it a child's id: never the advice here.
    assert "paste" not in error.reason


def test_a_formula_making_an_id_still_says_to_paste_it_back_as_a_value(tmp_path):
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CIN)
    ws.append(["00123410", 11, "01/02/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append(['="00"&123411', 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])
    wb.save(path)
    (error,) = read_case_list(path, today=TODAY).errors
    assert "paste it back as values" in error.reason


def test_excels_subtotal_rows_under_each_team_are_no_children(tmp_path):
    """Data > Subtotal, then pasted as values: "Locality 1 Count | 2" under each team, "Grand
    Count | 3" at the foot; on another list the count sits under the id and the label right."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Allocated Team", "Child Unique ID", "CIN Start Date", "Allocated Worker"])
    ws.append(["Locality 1", "1001", "01/02/2026", "Jo Bloggs"])
    ws.append(["Locality 1", "1002", "01/02/2026", "Jo Bloggs"])
    ws.append(["Locality 1 Count", 2])
    ws.append([])
    ws.append(["Locality 2", "1003", "01/02/2026", "Al Brown"])
    ws.append(["Locality 2 Count", 1])
    ws.append(["Grand Count", 3])
    ws = wb.create_sheet("List 7")
    ws.append(["Child Unique ID", "Allocated Team", "Child Protection Plan Start Date"])
    ws.append(["2001", "Locality 1", "01/02/2026"])
    ws.append(["1", "Locality 1 Total"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert sorted(c.case_id for c in case_list.cases) == ["1001", "1002", "1003", "2001"]
    refused = [(p.sheet, p.row, p.column, p.reason) for p in case_list.errors]
    assert [r[:3] for r in refused] == [
        ("List 6", 4, "Allocated Team"),
        ("List 6", 7, "Allocated Team"),
        ("List 6", 8, "Allocated Team"),
        ("List 7", 3, "Allocated Team"),
    ]
    assert "labelled 'count'" in refused[0][3] and "labelled 'grand count'" in refused[2][3]
    assert "labelled 'total'" in refused[3][3] and "Locality" not in refused[3][3]
    # A team whose name begins with "Total" is still a team, and its child a child.
    ws.append(["2002", "Total Respite Team", "01/02/2026"])
    wb.save(path)
    assert "2002" in {c.case_id for c in read_case_list(path, today=TODAY).cases}


@pytest.mark.parametrize("formulas", [False, True])
def test_a_column_hidden_beside_a_new_one_of_the_same_header_is_not_read(tmp_path, formulas):
    """Last period's team and worker columns hidden, this period's added beside them under the
    same headers: what Excel shows is what is read, and each repeat is said."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team", "Allocated Worker",
               "Allocated Worker", "Allocated Team", "Age"])  # fmt: skip
    ws.append(["1001", "01/02/2026", "Locality 1", "Old Worker", "Jo Bloggs", "Locality 2",
               "=3+4" if formulas else 7])  # fmt: skip
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["D"].hidden = True
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    (case,) = case_list.cases
    assert (case.team, case.worker) == ("Locality 2", "Jo Bloggs")
    said = {p.column: p.reason for p in case_list.warnings if "more than one column" in p.reason}
    assert said["Allocated Team"].startswith(
        "this header is on more than one column (C and F); column F is read, as column C is "
        "hidden in Excel"
    )
    assert "(D and E); column E is read, as column D is hidden" in said["Allocated Worker"]


def test_a_header_twice_with_neither_hidden_says_the_first_is_read(tmp_path):
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "Allocated Worker", "Allocated Team", "Allocated Worker"])
    ws.append(["1001", "Jo Bloggs", "Locality 1", "Al Brown"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert case_list.cases[0].worker == "Jo Bloggs"
    (warning,) = case_list.warnings
    assert (warning.row, warning.column) == (1, "Allocated Worker")
    assert "(B and D); column B is read. Delete the column not wanted" in warning.reason


def test_ids_an_export_wrote_as_text_for_excel_keep_their_zeros(tmp_path):
    """Exports keep an id's zeros from Excel by writing it ="00123401" (or '00123401): that is
    the id, not a formula to refuse. A formula that works something out is still refused."""
    path = tmp_path / "mosaic.csv"
    path.write_text(
        "Person ID,Allocated Team,Allocated Worker,Start Date\r\n"
        '="00123401",Locality 1,Jo Bloggs,="01/02/2026"\r\n'
        '"=""00123402""",Locality 1,Jo Bloggs,01/02/2026\r\n'
        "'00123403,Locality 1,Jo Bloggs,01/02/2026\r\n"
        '="00"&"123404",Locality 1,Jo Bloggs,01/02/2026\r\n',
        encoding="utf-8",
    )
    case_list = read_case_list(path, today=TODAY)
    assert [(c.case_id, c.start_date) for c in case_list.cases] == [
        ("00123401", date(2026, 2, 1)),
        ("00123402", date(2026, 2, 1)),
        ("00123403", date(2026, 2, 1)),
    ]
    (error,) = case_list.errors
    assert error.row == 5 and "formula" in error.reason


def test_a_footnote_under_the_list_is_said_as_a_note_not_an_odd_case_id(tmp_path):
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team"])
    ws.append(["1001", "01/02/2026", "Locality 1"])
    ws.append(["(1) Team as at 31/03/2026, not at referral"])
    ws.append(["CH 0012", "01/02/2026", "Locality 1"])  # an odd id, not a note
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["1001"]
    note, odd = case_list.errors
    assert (note.row, note.column) == (3, "Child Unique ID")
    assert note.reason.startswith("the case id cell holds a note or sentence, not a case id")
    assert "31/03" not in note.reason and "Team as at" not in note.reason  # never quoted
    assert odd.row == 4 and "case id has unexpected characters" in odd.reason


def test_notes_and_guidance_columns_are_never_kept_as_case_facts(tmp_path):
    """A notes column typed about the family, or the template's guidance beside each row, may
    name anyone: never a case fact printed on the audit form. A dated column is still a fact."""
    path = tmp_path / "mosaic.csv"
    path.write_text(
        "Person ID,Allocated Team,Start Date,Case Notes,Date of Last Case Note,Ofsted guidance,"
        "Number of Case Notes\r\n"
        '1001,Locality 1,01/02/2026,"Seen with Mum\'s partner;\nfollow up",03/10/2026,'
        "Include every child,14\r\n",
        encoding="cp1252",
    )
    case_list = read_case_list(path, today=TODAY)
    (case,) = case_list.cases
    assert case.attributes["date_of_last_case_note"] == "2026-10-03"
    assert case.attributes["number_of_case_notes"] == "14"  # a count, not what was typed
    assert not any("partner" in v or "Include" in v for v in case.attributes.values())
    assert case_list.free_text_columns == ["Case Notes", "Ofsted guidance"]
    assert (
        "Left out as free text, which may name anyone (never kept or printed): 'Case Notes', "
        "'Ofsted guidance'." in case_list.summary()
    )
    assert "partner" not in case_list.summary()


@pytest.mark.parametrize("hidden_first", [False, True])
def test_a_hidden_sheet_never_overrules_the_team_and_worker_a_shown_one_gives(
    tmp_path, hidden_first
):
    """Last period's List 6 kept hidden in the workbook: the child on both lists keeps the worker
    of the list Excel shows, and the warning says why."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    titles = (
        ["List 6 (Mar 26)", "List 6 - CIN"] if hidden_first else ["List 6 - CIN", "List 6 (Mar 26)"]
    )
    for title in titles:
        ws = wb.create_sheet(title)
        ws.append(["Child Unique ID", "CIN Start Date", "Allocated Team", "Allocated Worker"])
        if title == "List 6 - CIN":
            ws.append(["1001", "01/02/2026", "Locality 2", "Jo Bloggs"])
        else:
            ws.append(["1001", "01/02/2026", "Locality 1", "Old Worker"])
            ws.sheet_state = "hidden"
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    (case,) = case_list.cases
    assert (case.team, case.worker) == ("Locality 2", "Jo Bloggs")
    said = [p.reason for p in case_list.warnings if "different worker" in p.reason]
    assert said and said[0].endswith(
        "kept the worker from List 6 - CIN, the sheet Excel shows (List 6 (Mar 26) is hidden)"
    )
    assert case_list.hidden_sheets == ["List 6 (Mar 26)"]  # still read, and said


def test_a_header_printed_again_on_each_page_of_a_report_is_said_as_such(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(
        "Person ID,Allocated Team,Start Date\r\n"
        "1001,Locality 1,01/02/2026\r\n"
        "Page 1 of 2\r\n"
        "Person ID,Allocated Team,Start Date\r\n"
        "1002,Locality 2,01/02/2026\r\n",
        encoding="utf-8",
    )
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["1001", "1002"]
    page, header = case_list.errors
    assert page.row == 3 and "labelled 'Page'" in page.reason
    assert (header.row, header.column) == (4, "Person ID")
    assert header.reason == (
        "the row repeats the list's header (a report's next page?); row not used"
    )


@pytest.mark.parametrize("header", ["Annex A List", "Case Type"])
def test_one_sheet_of_every_list_says_each_rows_list_in_a_column(tmp_path, header):
    """Every list on one sheet, a column saying which list each row is from: a List 1 row is a
    contact (never an open case), the others their list's stage."""
    path = tmp_path / "annex_all.csv"
    path.write_text(
        f"Child ID,{header},Allocated Team,Start Date\r\n"
        "1001,List 6,Locality 1,01/02/2026\r\n"
        "1002,List 7 - CP,Locality 1,01/02/2026\r\n"
        "1003,List 1 - Contacts,Locality 1,01/02/2026\r\n",
        encoding="utf-8",
    )
    case_list = read_case_list(path, today=TODAY)
    seen = {
        c.case_id: (c.case_type.value, c.is_open, c.attributes.get("stage"))
        for c in case_list.cases
    }
    assert seen == {
        "1001": ("CIN", True, "child in need"),
        "1002": ("CP", True, "child protection"),
        "1003": ("other", False, "contact"),
    }
    assert case_list.warnings == []


def test_no_date_written_as_a_word_or_01_01_1900_never_closes_a_case(tmp_path):
    """'Open', 'N/A' or '-' where a case has not closed is a blank, with no warning a row; SQL's
    01/01/1900 (or Excel's day 0) for no date is blank too, said once for the column, so the
    case stays open and may be sampled."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", "CIN Start Date", "CIN Closure Date", "Date of Last Visit"])
    ws.append(["1001", "01/02/2026", "Open", "N/A"])
    ws.append(["1002", "01/02/2026", "-", "-"])
    ws.append(["1003", "01/02/2026", datetime(1900, 1, 1), "03/10/2026"])
    ws.append(["1004", "01/02/2026", "01/01/1900", "03/10/2026"])
    ws.append(["1005", "01/02/2026", "30/09/2026", "01/01/1900"])
    ws.append(["1006", "01/02/2026", "Ongoing", "03/10/2026"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    open_ = {c.case_id: c.is_open for c in case_list.cases}
    assert open_ == {"1001": True, "1002": True, "1003": True, "1004": True, "1005": False,
                     "1006": True}  # fmt: skip
    assert "date_of_last_visit" not in case_list.cases[4].attributes  # 01/01/1900: no visit
    said = [(p.row, p.column, p.reason) for p in case_list.warnings if "case type" not in p.reason]
    assert said == [
        (
            4,
            "CIN Closure Date",
            "2 rows (the first: row 4) hold 01/01/1900, which case systems write for no date: "
            "read as blank; with no end date, those cases are taken as open",
        ),
        (
            6,
            "Date of Last Visit",
            "1 row (the first: row 6) holds 01/01/1900, which case systems write for no date: "
            "read as blank",
        ),
    ]


def test_open_in_a_start_date_is_still_said(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Child ID,CIN Start Date\r\n1001,Open\r\n1002,N/A\r\n", encoding="utf-8")
    (warning,) = [p for p in read_case_list(path, today=TODAY).warnings if p.row == 2]
    assert warning.column == "CIN Start Date" and "not a date" in warning.reason


def test_a_theme_column_of_notes_says_why_it_is_not_there(workspace, tmp_path):
    path = tmp_path / "mosaic.csv"
    path.write_text(
        "Person ID,Allocated Team,Start Date,Case Notes\r\n1001,Locality 1,01/02/2026,neglect\r\n",
        encoding="utf-8",
    )
    args = ["--kind", "thematic", "--theme-column", "Case Notes", "--theme-value", "neglect"]
    result = _sample(workspace, path, *args, "--dry-run")
    assert result.exit_code != 0
    assert (
        "No case has a 'Case Notes' column (it may name a child or their family, so it is never "
        "kept from the case list)" in result.output
    )


def test_ids_a_workbook_keeps_as_text_for_excel_are_read_as_the_id(tmp_path):
    """Some exports write ="00123401" into the .xlsx itself: the id, its zeros kept, not a
    formula to refuse. A formula that works something out is still refused."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6 - CIN"
    ws.append(CIN)
    ws.append(['="00123410"', 11, "01/02/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append(['= "00123411" ', 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append(['="00"&"123412"', 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert [c.case_id for c in case_list.cases] == ["00123410", "00123411"]
    (error,) = case_list.errors
    assert error.row == 4 and "paste it back as values" in error.reason


def test_an_id_stored_as_a_number_in_a_format_of_zeros_is_read_as_excel_shows_it(tmp_path):
    """123410 formatted 00000000 shows as 00123410 in Excel (and in the council's system): the
    same child as the text id "00123410" on another list, under the id everyone sees."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6 - CIN"
    ws.append(CIN)
    ws.append([123410, 11, "01/02/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append([123411, 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])
    ws.append([987, 12, "01/03/2026", None, "Locality 1", "Jo Bloggs"])  # General: as it is
    ws["A2"].number_format = ws["A3"].number_format = "00000000"
    ws["B2"].number_format = "0"  # a plain number format pads nothing: the age is still 11
    ws = wb.create_sheet("List 7 - CP")
    ws.append(["Child Unique ID", "Child Protection Plan Start Date", "Allocated Team"])
    ws.append(["00123410", "01/04/2026", "Locality 1"])
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert {c.case_id for c in case_list.cases} == {"00123410", "00123411", "987"}
    assert not case_list.id_spellings  # one spelling of the child on both lists
    (child,) = [c for c in case_list.cases if c.attributes["list"] == "List 6 - CIN"][:1]
    assert (child.case_id, child.attributes["age"]) == ("00123410", "11")


def test_contact_typed_as_a_case_type_is_no_open_case_and_is_said_once(workspace, tmp_path):
    """A "Contact" in a case type column (not a List 1 sheet) is a contact all the same: an event,
    not an open case to audit. It is never drawn, and the sheet says so once, not row by row."""
    path = tmp_path / "cases.csv"
    path.write_text(
        "Child ID,Case Type,Allocated Team,Start Date,End Date\r\n"
        "1001,CIN,Locality 1,01/02/2026,\r\n"
        "1002,Contact,Locality 1,01/02/2026,\r\n"
        "1003,contacts,Locality 1,01/03/2026,\r\n"
        "1004,Contact - CIN,Locality 1,01/03/2026,\r\n"  # the contact led to a CIN case
        "1005,CIN,Locality 1,01/03/2026,01/10/2026\r\n",
        encoding="utf-8",
    )
    case_list = read_case_list(path, today=TODAY)
    assert {c.case_id: c.is_open for c in case_list.cases} == {
        "1001": True, "1002": False, "1003": False, "1004": True, "1005": False,
    }  # fmt: skip
    (said,) = case_list.warnings
    assert (said.row, said.column) == (1, "Case Type")
    assert said.reason.startswith("2 rows say the case type is a contact: a contact is not an "
                                  "open case to audit")  # fmt: skip
    result = _sample(workspace, path, "--n", "3", "--dry-run")
    assert result.exit_code != 0 and "only 2 are eligible" in result.output, result.output
    # Nor is a contact a closed case due its closure audit.
    result = _sample(workspace, path, "--kind", "closure", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "case 1005" in result.output and "case 1002" not in result.output
    assert "case 1003" not in result.output and "2 contact only (no open case)" in result.output


def test_the_summary_counts_notes_on_the_headers_apart_from_values_read_with_a_warning(tmp_path):
    """A header on two columns and a list with no case type are notes on the columns, said on
    the header row: not values read with a warning, which send the QA lead to look at cells."""
    path = tmp_path / "annex.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(["Child Unique ID", "Allocated Worker", "Start Date", "Allocated Worker"])
    ws.append(["1001", "Jo Bloggs", "01/02/2026", "Al Brown"])
    ws.append(["1002", "Jo Bloggs", "01/02/2029", "Al Brown"])  # a start date in the future
    wb.save(path)
    case_list = read_case_list(path, today=TODAY)
    assert len(case_list.warnings) == 3
    summary = case_list.summary()
    assert " 1 value read with a warning. 2 notes on the list's headers or columns." in summary
