"""A child's name in a case list's id column is never taken for a case id.

The case id is what qaf writes into the file names it chooses (case notes, e-mails), folder names
and logs, because it is not a name. An export with its columns shifted, a "Child" column taken
for the id, or a name typed in the cell puts "SMITH Jayden" where "1234567" should be: such a row
is refused by sheet, row and column without quoting the name, and a column of names stops the
read, saying how to point qaf at the right column. Ids as councils' systems write them are read
as before.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from privacy_checks import assert_named_nowhere, return_every_form_and_compile, run

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.rules import column_mapping
from qaf_docs.cases.sampling import plan_round
from qaf_docs.errors import CaseListError
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

TODAY = date(2026, 11, 1)
ANNEX_A = Path(__file__).resolve().parent / "data" / "annex_a_sample.xlsx"
CHILDREN = ("Zebedee Quixley", "Ottoline Brackenbury", "Ptolemy Vantongeren", "Marigold Oakenshaw")
#: Names that are no child's on the lists below, typed where an id should be.
STRANGERS = ("Jayden", "SMITH Jayden", "O'Connor-Hughes")
#: Any part of a name, as a grep over qaf's output would look for it.
NAME_PARTS = {
    part.casefold().strip("'")
    for name in (*CHILDREN, *STRANGERS)
    for part in name.replace("-", " ").split()
}


def named(text: str) -> list[str]:
    """The parts of a name that ``text`` carries."""
    folded = text.casefold()
    return sorted(part for part in NAME_PARTS if part in folded)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def names_in_some_ids(folder: Path) -> Path:
    """Four children with ids; a row whose id is another child's surname, one whose id is its own
    child's first name in capitals, one "SURNAME First" of a child on the list."""
    return write_csv(
        folder / "cases.csv",
        [
            "Child ID,Child Name,Allocated Team,Allocated Worker,Start Date",
            "7001,Zebedee Quixley,Locality 1,Sam Worker,01/02/2025",
            "Quixley,Ottoline Brackenbury,Locality 1,Sam Worker,01/02/2025",
            "7002,Ptolemy Vantongeren,Locality 2,Kim Worker,01/02/2025",
            "MARIGOLD,Marigold Oakenshaw,Locality 2,Kim Worker,01/02/2025",
            '"OAKENSHAW, Marigold",Marigold Oakenshaw,Locality 2,Kim Worker,01/02/2025',
            "7003,Ottoline Brackenbury,Locality 1,Sam Worker,01/02/2025",
            "7004,Marigold Oakenshaw,Locality 2,Kim Worker,01/02/2025",
        ],
    )


def test_an_id_that_is_one_of_the_lists_child_names_refuses_its_row_without_quoting_it(
    tmp_path: Path,
) -> None:
    cases = read_case_list(names_in_some_ids(tmp_path), today=TODAY)
    assert sorted(c.case_id for c in cases.cases) == ["7001", "7002", "7003", "7004"]
    assert cases.rows_rejected == 3
    assert cases.rows_read == cases.rows_kept + cases.rows_merged + cases.rows_rejected

    refused = {(p.sheet, p.row, p.column): p.reason for p in cases.errors}
    assert set(refused) == {("cases.csv", row, "Child ID") for row in (3, 5, 6)}
    for reason in refused.values():
        assert "is a child's name from this list's child name column" in reason
        assert "not shown here; row not used" in reason
        assert "Put the child's case id in the cell" in reason
    said = [str(p) for p in cases.problems] + [cases.summary()]
    assert [line for line in said if named(line)] == []


@pytest.mark.parametrize("stranger", STRANGERS)
def test_an_id_with_no_digit_among_ids_with_digits_is_refused_without_a_name_column(
    tmp_path: Path, stranger: str
) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            "Person ID,Allocated Team,Start Date",
            "1234567,Locality 1,01/02/2025",
            f'"{stranger}",Locality 1,01/02/2025',
            "1234568,Locality 2,01/02/2025",
        ],
    )
    cases = read_case_list(path, today=TODAY)
    assert [c.case_id for c in cases.cases] == ["1234567", "1234568"]
    [problem] = cases.errors
    assert (problem.sheet, problem.row, problem.column) == ("cases.csv", 3, "Person ID")
    assert "case id has no digits, so it is not a child's id" in problem.reason
    assert "row not used" in problem.reason
    assert not named(str(problem)) and not named(cases.summary())


def test_a_column_of_names_stops_the_read_saying_which_column_and_how_to_point_qaf_elsewhere(
    tmp_path: Path,
) -> None:
    """The export's "Child ID" holds display names; the ids are under "Person Ref"."""
    path = write_csv(
        tmp_path / "cases.csv",
        [
            "Child ID,Person Ref,Allocated Team,Start Date",
            "SMITH Jayden,1234567,Locality 1,01/02/2025",
            "Zebedee,1234568,Locality 1,01/02/2025",
            "O'Connor-Hughes,1234569,Locality 2,01/02/2025",
            "1234570,1234570,Locality 2,01/02/2025",  # one row typed right: still the wrong column
        ],
    )
    with pytest.raises(CaseListError) as raised:
        read_case_list(path, today=TODAY)
    message = str(raised.value)
    assert "The case id column 'Child ID' looks like it holds names" in message
    assert "3 of its 4 values have no digit, and every case id has one" in message
    assert '[sampling.columns] in qaf.toml (case_id = "<its header>")' in message
    assert "Person Ref" in message, "the sheet's other headers, to choose from"
    assert "sheet 'cases.csv'" in message
    assert not named(message)

    mapped = read_case_list(path, today=TODAY, mapping=column_mapping({"case_id": "Person Ref"}))
    assert [c.case_id for c in mapped.cases] == ["1234567", "1234568", "1234569", "1234570"]
    assert not mapped.errors


def test_the_child_name_column_named_as_the_id_column_stops_the_read(tmp_path: Path) -> None:
    path = names_in_some_ids(tmp_path)
    with pytest.raises(CaseListError, match="'Child Name' looks like it holds names") as raised:
        read_case_list(path, today=TODAY, mapping=column_mapping({"case_id": "Child Name"}))
    assert not named(str(raised.value))


def test_one_sheet_of_names_in_a_workbook_stops_the_read_naming_that_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    good = wb.active
    good.title = "List 6"
    good.append(["Child Unique ID", "Allocated Team"])
    for i in range(5):
        good.append([1000 + i, "Locality 1"])
    shifted = wb.create_sheet("List 7")
    shifted.append(["Child Unique ID", "Allocated Team"])
    shifted.append(["Zebedee", "Locality 2"])
    shifted.append(["Ottoline", "Locality 2"])
    wb.save(tmp_path / "annex.xlsx")
    with pytest.raises(CaseListError, match=r"looks like it holds names.*\(sheet 'List 7'\)"):
        read_case_list(tmp_path / "annex.xlsx", today=TODAY)


def test_a_list_of_nothing_but_names_under_its_id_header_stops_the_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", ["Child ID", "Jayden", "SMITH Jayden"])
    with pytest.raises(CaseListError, match="'Child ID' looks like it holds names") as raised:
        read_case_list(path, today=TODAY)
    assert not named(str(raised.value))


def test_a_field_guide_laid_out_across_beside_the_list_does_not_stop_it(tmp_path: Path) -> None:
    """A guide sheet with the list's own headers across its top and a sentence under each is no
    list of names: it is skipped and said once, and the list is read (it stopped the whole read
    as 'looks like it holds names'). The definitions sheet laid out down the page is in
    test_caselist_traps."""
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Field guide"
    guide.append(["Child ID", "Allocated Team", "Allocated Worker"])
    guide.append(
        [
            "The child's person id in the case-management system",
            "The team the case is allocated to on the run date",
            "The allocated social worker on the run date",
        ]
    )
    data = wb.create_sheet("Data")
    data.append(["Child ID", "Allocated Team"])
    data.append([5000001, "Locality 1"])
    wb.save(tmp_path / "list.xlsx")
    cases = read_case_list(tmp_path / "list.xlsx", today=TODAY)
    assert [c.case_id for c in cases.cases] == ["5000001"]
    assert cases.errors == []
    assert [s for s, _ in cases.sheets_skipped] == ["Field guide"]


@pytest.mark.parametrize(
    "ids",
    [
        ["AB12345", "CD67890", "AB00012"],  # letters and digits (LCS, Liquidlogic)
        ["CH/0012", "CH/0345", "CH/1000"],  # a prefix and a stroke
        ["0101011234", "3112059876", "1506107531"],  # Scottish CHI numbers (leading zero kept)
        ["W123456", "W-0042", "SCN.000123"],  # Welsh and other prefixed ids
        ["006537810", "6537811", "A065"],
    ],
)
@pytest.mark.parametrize("name_column", [False, True])
def test_ids_as_councils_write_them_are_all_read(
    tmp_path: Path, ids: list[str], name_column: bool
) -> None:
    header = "Case Reference,Child Name,Team" if name_column else "Case Reference,Team"
    rows = [f"{i},{CHILDREN[n]},North" if name_column else f"{i},North" for n, i in enumerate(ids)]
    cases = read_case_list(write_csv(tmp_path / "cases.csv", [header, *rows]), today=TODAY)
    assert [c.case_id for c in cases.cases] == ids
    assert not cases.errors


ROSTER = [
    Auditor("Ann Auditor", "ann@x.org", "Service Manager", "Locality 4 Unit 1", 3),
    Auditor("Ben Auditor", "ben@x.org", "Deputy Team Manager", "Care Leavers Team", 3),
    Auditor("Cat Auditor", "cat@x.org", "QA Auditor", None, 5),
]


@pytest.mark.parametrize(
    "spec",
    [RoundSpec("simple", seed=7, n=8), RoundSpec("simple", seed=2021, percent=50)],
    ids=["n", "percent"],
)
def test_the_annex_a_sample_draws_as_before_with_names_typed_into_its_id_column(
    tmp_path: Path, spec: RoundSpec
) -> None:
    """Names added under List 6 and List 8 are refused; every real id is read and the draw
    (cases, order and auditors) is the one the sample gives without them."""
    with_names = tmp_path / "annex_a_with_names.xlsx"
    shutil.copy(ANNEX_A, with_names)
    wb = openpyxl.load_workbook(with_names)
    ids_in_file = {
        str(row[0])
        for name in wb.sheetnames
        if name != "List 11"
        for row in wb[name].iter_rows(min_row=2, values_only=True)
        if row[0] is not None
    }
    wb["List 6"].append(["Zebedee"])
    wb["List 8"].append(["SMITH Jayden"])
    wb.save(with_names)

    before = read_case_list(ANNEX_A, today=date(2021, 3, 31))
    after = read_case_list(with_names, today=date(2021, 3, 31))
    assert {c.case_id for c in before.cases} == ids_in_file
    assert after.cases == before.cases
    assert after.rows_rejected == before.rows_rejected + 2
    new = [p for p in after.errors if p not in before.errors]
    assert [(p.sheet, p.column) for p in new] == [
        ("List 6", "Child Unique ID"),
        ("List 8", "Child Unique ID"),
    ]
    assert not [p for p in before.problems if "no digit" in p.reason]

    drawn = [
        [
            (a.case.case_id, a.auditor.name if a.auditor else None)
            for a in plan_round(
                cases, ROSTER, spec, round_id="r", history=AuditHistory(), today=date(2021, 3, 31)
            ).audits
        ]
        for cases in (before, after)
    ]
    assert drawn[0] and drawn[1] == drawn[0]


def with_roster(workspace: Workspace) -> None:
    roster = openpyxl.Workbook()
    roster.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    roster.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 9])
    roster.save(workspace.root / "roster.xlsx")


def test_names_in_the_id_column_reach_no_log_line_message_or_file_name(
    workspace: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with_roster(workspace)
    caplog.set_level(logging.DEBUG)
    ws = str(workspace.root)
    outputs = [run("sample", names_in_some_ids(tmp_path), "--n", "4", "-w", ws)]
    outputs.append(run("generate", "-w", ws))
    with open_register(workspace) as register:
        audits = register.audits()
    assert sorted(a.case_id for a in audits) == ["7001", "7002", "7003", "7004"]
    outputs += return_every_form_and_compile(workspace)
    assert "4 accepted" in outputs[2].output, outputs[2].output
    assert all(r.exit_code in (0, 4) for r in outputs), [r.output for r in outputs]
    assert "is a child's name from this list's child name column" in outputs[0].output
    lines = [r.output for r in outputs] + [r.getMessage() for r in caplog.records]
    assert_named_nowhere(workspace, lines, named)


def test_qaf_sample_stops_on_a_column_of_names_and_records_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    with_roster(workspace)
    path = write_csv(
        tmp_path / "cases.csv",
        ["Child ID,Allocated Team", "Jayden,Locality 1", "SMITH Jayden,Locality 2"],
    )
    result = run("sample", path, "--n", "1", "-w", str(workspace.root))
    assert result.exit_code != 0
    assert "looks like it holds names" in result.output and "[sampling.columns]" in result.output
    assert not named(result.output)
    with open_register(workspace) as register:
        assert register.audits() == []
