"""Rosters as councils keep them: a team merged down over its people, names as "Surname, First",
leavers marked in a column rather than deleted. Each reads as the person it is, so nobody audits
their own team or case, and nobody who has left is given an audit or written to."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.own_team import may_audit
from qaf_docs.cases.people import read_people
from qaf_docs.cases.plan import RoundSpec
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.cli import cli
from qaf_docs.errors import AllocationError
from qaf_docs.messages import Roster
from qaf_docs.records import Person
from qaf_docs.workspace import init_workspace

HEADER = ["Name", "Email", "Role", "Team", "Monthly Capacity"]


def case(case_id: str, team: str | None, worker: str | None = None) -> Case:
    return Case(case_id, team, worker, CaseType.CIN, True, None, None, ("test",))


def test_a_team_merged_down_over_its_people_is_each_ones_team(tmp_path):
    path = tmp_path / "roster.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Anytown QA roster 2026/27"])
    ws.append(HEADER)
    ws.append(["Jo Smith", "jo@c.example", "Deputy Team Manager", "Locality 1", 1])
    ws.append(["Al Brown", "al@c.example", "Deputy Team Manager", None, 1])
    ws.append(["Sam Green", "sam@c.example", "QA Auditor", "Quality Assurance", 4])
    ws.merge_cells("D3:D4")  # Locality 1 written once for both its managers
    wb.save(path)
    by_name = {a.name: a for a in read_roster(path)}
    assert by_name["Al Brown"].team == "Locality 1"
    assert not can_audit(by_name["Al Brown"], case("1", "Locality 1"))
    result = allocate(
        [case("1", "Locality 1")], [by_name["Al Brown"], by_name["Sam Green"]], seed=1
    )
    assert result.assignments["1"].name == "Sam Green"
    assert {p.name: p.team for p in read_people(path)}["Al Brown"] == "Locality 1"


def test_an_auditor_listed_surname_first_never_audits_their_own_case():
    """The roster's "Smith, Jo" is the case list's allocated worker "Jo Smith"."""
    smith = Auditor("Smith, Jo", "jo@c.example", "Service Manager", "Quality", 5)
    other = Auditor("Brown, Al", "al@c.example", "Service Manager", "Quality", 5)
    theirs = case("1", "North", worker="Jo Smith")
    assert not can_audit(smith, theirs)
    assert allocate([theirs], [smith, other], seed=1).assignments["1"].name == "Brown, Al"
    assert not can_audit(Auditor("Jo Smith", "", "SM", None, 1), case("2", "N", "SMITH, Jo"))
    # Nor in a round whose roles audit their own team (tier-one, closure): never their own case.
    spec = RoundSpec(kind="tier-one", seed=1, own_team_roles=("Service Manager",))
    assert not may_audit(smith, case("3", "Quality", worker="Jo Smith"), spec)
    assert may_audit(smith, case("4", "Quality", worker="Al Brown"), spec)


def test_a_practitioner_listed_surname_first_is_found_for_the_case_lists_worker():
    roster = Roster(
        [Person(name="Smith, Jo", email="jo@c.example", role="Social Worker", team=None)]
    )
    found = roster.named("Jo Smith")
    assert found is not None and found.email == "jo@c.example"
    assert roster.named("Smith,  Jo") is found and roster.named("Jo Brown") is None


def test_one_person_twice_once_surname_first_is_named_by_row(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "Jo Smith,jo@c.example,QA Auditor,Quality,2\n"
        '"Smith, Jo",jo.smith@c.example,QA Auditor,Quality,2\n',
        encoding="utf-8",
    )
    with pytest.raises(AllocationError) as refused:
        read_roster(path)
    assert "row 3, column 'Name': 'Smith, Jo' is also on row 2" in str(refused.value)


@pytest.mark.parametrize(
    ("header", "gone", "here"),
    [("Leaver", "Yes", ""), ("Left (Y/N)", "Y", "N"), ("Status", "Left", "Active"),
     ("Status", "Inactive", "Current"), ("Active", "No", "Yes")],
)  # fmt: skip
def test_a_leaver_marked_in_a_column_is_given_no_audit_and_not_written_to(
    tmp_path, monkeypatch, header, gone, here
):
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)
    root = tmp_path / "ws"
    init_workspace(root)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADER, header])
    ws.append(["Ann Left", "ann@c.example", "QA Auditor", "Quality Assurance", 10, gone])
    ws.append(["Bob Here", "bob@c.example", "QA Auditor", "Quality Assurance", 10, here])
    ws.append(["Cat Gone", "cat@c.example", "Team Manager", "Locality 1", None, gone])
    wb.save(root / "roster.xlsx")
    assert [a.name for a in read_roster(root / "roster.xlsx")] == ["Bob Here"]
    assert [p.name for p in read_people(root / "roster.xlsx")] == ["Bob Here"]
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "Child ID,Allocated Team,Allocated Worker,Start Date\n"
        + "".join(f"{7000 + i},Locality 1,W {i},01/02/2025\n" for i in range(4)),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["sample", str(cases), "--n", "4", "--dry-run", "-w", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("→ Bob Here") == 4 and "→ Ann Left" not in result.output
    # Said, never silently left out.
    assert (
        "note: 2 people marked on the roster as having left (Ann Left, Cat Gone) are given no "
        "audit and sent nothing." in result.output
    ), result.output


def test_a_roster_without_a_leaver_column_reads_everyone(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        ",".join([*HEADER, "Notes"]) + "\nAnn Left,ann@c.example,QA Auditor,Quality,2,Left\n",
        encoding="utf-8",
    )  # "Left" in a notes column says nothing qaf can trust
    assert [a.name for a in read_roster(path)] == ["Ann Left"]


def test_the_header_row_found_under_a_title_is_where_merged_cells_start(tmp_path: Path):
    """A title merged across the top of the sheet is no one's team."""
    path = tmp_path / "roster.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Roster"])
    ws.append([])
    ws.merge_cells("A1:A2")
    ws.append(HEADER)
    ws.append(["Jo Smith", "jo@c.example", "QA Auditor", "Quality", 1])
    wb.save(path)
    assert [(a.name, a.team) for a in read_roster(path)] == [("Jo Smith", "Quality")]


def test_the_same_row_twice_is_one_auditor_not_a_refused_roster(tmp_path):
    """Two rosters pasted together, or a row copied: the same person, read once (before, the
    whole roster was refused and no round could be drawn)."""
    path = tmp_path / "roster.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "Jo Smith,jo@c.example,QA Auditor,Quality,2\n"
        "Al Brown,al@c.example,QA Auditor,Quality,2\n"
        "jo smith ,JO@c.example,QA Auditor,Quality,2\n",
        encoding="utf-8",
    )
    assert [(a.name, a.row) for a in read_roster(path)] == [("Jo Smith", 2), ("Al Brown", 3)]


def test_one_manager_given_capacity_on_each_of_their_teams_rows_is_told_how_to_list_them(
    tmp_path,
):
    path = tmp_path / "roster.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "Jo Smith,jo@c.example,Service Manager,Locality 1,2\n"
        "Jo Smith,jo@c.example,Service Manager,Locality 2,2\n",
        encoding="utf-8",
    )
    with pytest.raises(AllocationError) as refused:
        read_roster(path)
    said = str(refused.value)
    assert (
        "row 3, column 'Name': 'Jo Smith' is also on row 2; names must be unique (one person on "
        "two rows? Keep one row with their monthly capacity; for another team they manage, leave "
        "Monthly Capacity blank on its row)." in said
    )
    assert "also the address of" not in said  # one person: said once, not twice
    # As told: the second row lists a team they manage, which they never audit.
    path.write_text(path.read_text().replace("Locality 2,2", "Locality 2,"), encoding="utf-8")
    (smith,) = read_roster(path)
    assert smith.also_teams == ("Locality 2",)
    assert not can_audit(smith, case("1", "Locality 2"))


@pytest.mark.parametrize("cell", ["jo@c.example;", "jo@c.example, "])
def test_an_address_copied_with_outlooks_separator_says_which_address_to_keep(tmp_path, cell):
    path = tmp_path / "roster.csv"
    path.write_text(
        ",".join(HEADER) + f'\nJo Smith,"{cell}",QA Auditor,Quality,2\n', encoding="utf-8"
    )
    with pytest.raises(AllocationError) as refused:
        read_roster(path)
    assert f"'{cell.strip()}' holds more than the address (keep only jo@c.example)" in str(
        refused.value
    )
