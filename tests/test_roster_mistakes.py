"""The mistakes real rosters have: names typed two ways, shared or pasted e-mail addresses,
managers listed twice, teams spelled unlike the case list. Each is either handled the way the
framework's independence rule needs, or named by row and column before anything is written."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.cases.team_names import looks_like
from qaf_docs.cli import cli
from qaf_docs.errors import AllocationError
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace, init_workspace

HEADER = "Name,Email,Role,Team,Monthly Capacity\n"


def case(case_id: str, team: str | None, worker: str | None = None) -> Case:
    return Case(case_id, team, worker, CaseType.CIN, True, None, None, ("test",))


def auditor(name: str, team: str | None, capacity: int = 5) -> Auditor:
    return Auditor(name, "someone@council.example", "Service Manager", team, capacity)


def roster_csv(tmp_path: Path, rows: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + rows).encode(encoding))
    return path


# -- one person, two spellings -------------------------------------------------------------------


def test_an_auditor_typed_with_a_curly_apostrophe_never_audits_their_own_case():
    # Outlook's O’Brien on the roster, the case-management system's O'Brien on the case list.
    ours = case("1", "North", worker="Siobhan O'Brien")
    assert not can_audit(auditor("Siobhan O\u2019Brien", "Quality"), ours)
    result = allocate(
        [ours], [auditor("Siobhan O\u2019Brien", "Quality"), auditor("Bob", "Q")], seed=1
    )
    assert result.assignments["1"].name == "Bob"


def test_an_accent_stored_two_ways_is_one_person():
    decomposed = unicodedata.normalize("NFD", "Zoë Brontë")
    assert not can_audit(auditor(decomposed, "Quality"), case("1", "North", worker="Zoë Brontë"))


def test_the_same_auditor_twice_with_a_curly_apostrophe_is_named_by_row(tmp_path):
    path = roster_csv(
        tmp_path,
        "Siobhan O'Brien,sob@council.example,QA Auditor,Quality,2\n"
        "Siobhan O\u2019Brien,siobhan@council.example,QA Auditor,Quality,2\n",
    )
    with pytest.raises(AllocationError, match=r"row 3, column 'Name': .* is also on row 2"):
        read_roster(path)


def test_one_address_on_two_auditor_rows_is_named_whatever_its_case(tmp_path):
    # Ann twice under two spellings of her name would get two months' capacity and two teams.
    path = roster_csv(
        tmp_path,
        "Ann Smith,ann.smith@council.example,Service Manager,North,2\n"
        "Anne Smith,ANN.SMITH@council.example,Service Manager,South,2\n",
    )
    with pytest.raises(AllocationError) as e:
        read_roster(path)
    assert (
        "row 3, column 'Email': 'ANN.SMITH@council.example' is also the address of Ann Smith on "
        "row 2" in str(e.value)
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Fay Jones <fay@council.example>", "holds more than the address (keep only fay@council"),
        ("mailto:fay@council.example", "holds more than the address (keep only fay@council"),
        ("fay@council.example; gus@council.example", "holds more than one address"),
        ("fay@council.example.", "is not an email address"),
        ("fay@council..example", "is not an email address"),
    ],
)
def test_an_address_pasted_from_outlook_is_named_with_what_to_keep(tmp_path, cell, reason):
    path = roster_csv(tmp_path, f'Fay Jones,"{cell}",QA Auditor,Quality,2\n')
    with pytest.raises(AllocationError, match=r"row 2, column 'Email': '.*' " + re.escape(reason)):
        read_roster(path)


# -- an auditor who also manages a team ----------------------------------------------------------


def sample(workspace: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["sample", *map(str, args), "-w", str(workspace)])


def case_list_csv(folder: Path, teams: dict[str, int]) -> Path:
    lines = ["Child ID,Allocated Team,Allocated Worker,Start Date"]
    n = 7000
    for team, count in teams.items():
        for _ in range(count):
            n += 1
            lines.append(f"{n},{team},Worker {n},01/02/2025")
    path = folder / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_auditor_on_a_second_row_as_a_teams_manager_never_audits_that_team(tmp_path):
    # Brighton & Hove: "an audit to be led by someone other than the manager for the area".
    path = roster_csv(
        tmp_path,
        "Ann Smith,ann@council.example,QA Auditor,Quality Assurance,6\n"
        "Bob Jones,bob@council.example,QA Auditor,Quality Assurance,6\n"
        "Ann Smith,ann@council.example,Team Manager,North,\n",
    )
    roster = read_roster(path)
    assert [a.also_teams for a in roster] == [("North",), ()]
    cases = [case(str(i), "North" if i < 4 else "South") for i in range(8)]
    for seed in range(5):
        result = allocate(cases, roster, seed=seed)
        assert not result.unallocated
        assert {result.assignments[str(i)].name for i in range(4)} == {"Bob Jones"}


def test_a_round_with_a_manager_auditor_re_draws_the_same_from_its_manifest(tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster_csv(
        tmp_path,
        "Ann Smith,ann@council.example,QA Auditor,Quality Assurance,4\n"
        "Bob Jones,bob@council.example,QA Auditor,Quality Assurance,4\n"
        "Ann Smith,ann@council.example,Team Manager,North,\n",
    ).rename(ws / "roster.csv")
    cases = case_list_csv(tmp_path, {"North": 4, "South": 4})
    drawn = sample(ws, cases, "--n", "8", "--seed", "3")
    assert drawn.exit_code == 0, drawn.output
    (manifest,) = (ws / "outbox" / "samples").glob("*.xlsx")
    rows = list(openpyxl.load_workbook(manifest)["Audits"].iter_rows(values_only=True))
    header = rows[0]
    north = [r for r in rows[1:] if r[header.index("Team")] == "North"]
    assert len(north) == 4
    assert {r[header.index("Auditor")] for r in north} == {"Bob Jones"}
    verified = sample(ws, cases, "--verify", manifest)
    assert verified.exit_code == 0 and "Reproduced" in verified.output, verified.output


def test_a_roster_tidied_mid_month_keeps_the_audits_its_auditors_already_have(tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster = ws / "roster.csv"
    roster.write_text(
        HEADER
        + "Ann Smith,ann@council.example,QA Auditor,Quality Assurance,2\n"
        + "Bob Jones,bob@council.example,QA Auditor,Quality Assurance,2\n",
        encoding="utf-8",
    )
    cases = case_list_csv(tmp_path, {"North": 10})
    first = sample(ws, cases, "--n", "4", "--seed", "1")
    assert first.exit_code == 0 and "4 audits allocated" in first.output, first.output
    # The same two people, retyped: both are at their month's capacity already.
    roster.write_text(
        HEADER
        + "ann  smith,ann@council.example,QA Auditor,Quality Assurance,2\n"
        + "BOB JONES,bob@council.example,QA Auditor,Quality Assurance,2\n",
        encoding="utf-8",
    )
    second = sample(ws, cases, "--n", "2", "--seed", "2")
    assert "0 audits allocated, 2 could not be allocated" in second.output, second.output
    assert "no auditor on the roster has capacity left" in second.output


# -- a team spelled unlike the case list ---------------------------------------------------------


def test_a_roster_team_abbreviated_unlike_the_case_list_is_named_before_anything_is_recorded(
    tmp_path,
):
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster_csv(
        tmp_path,
        "Ann Smith,ann@council.example,Deputy Team Manager,CIC 1,4\n"
        "Bob Jones,bob@council.example,Deputy Team Manager,CIC 2,4\n"
        "Cat Lee,cat@council.example,QA Auditor,Quality Assurance,4\n",
    ).rename(ws / "roster.csv")
    cases = case_list_csv(tmp_path, {"Children in Care Team 1": 3, "Children in Care Team 2": 3})
    result = sample(ws, cases, "--n", "6", "--seed", "1")
    assert result.exit_code != 0
    assert (
        "row 2, column 'Team': 'CIC 1' (Ann Smith) is not spelled as any team on the case list, "
        "which has 'Children in Care Team 1'" in result.output
    ), result.output
    assert "row 3, column 'Team': 'CIC 2' (Bob Jones)" in result.output
    assert "a team that is not that one: write its name in full" in result.output
    assert "Cat Lee" not in result.output  # Quality Assurance holds no cases: not a misspelling
    assert not list((ws / "outbox" / "samples").glob("*.xlsx"))
    # Spelled as the case list spells them, the round drawn is the workspace's first.
    fixed = (ws / "roster.csv").read_text(encoding="utf-8").replace("CIC", "Children in Care Team")
    (ws / "roster.csv").write_text(fixed, encoding="utf-8")
    again = sample(ws, cases, "--n", "6", "--seed", "1")
    assert again.exit_code == 0, again.output
    assert re.search(r"Round \d{4}-\d{2}-simple \(seed 1\): 6 audits allocated", again.output)


@pytest.mark.parametrize(
    ("roster_team", "case_team", "alike"),
    [
        ("CIC 1", "Children in Care Team 1", True),
        ("CiC Team 1", "Children In Care 1", True),
        ("CP&C", "Child Protection and Court", True),
        ("Locality 1", "Locality 01", True),
        ("CIC 2", "Children in Care Team 1", False),
        ("Locality 1 Unit 1", "Locality 1 Unit 2", False),
        ("Quality Assurance", "Children in Care Team 1", False),
        ("North", "North Locality", False),
        # Another team with the same initials, written in full as the refusal advises, is let be.
        ("Adoption Service", "Assessment Service", False),
        ("AS", "Assessment Service", True),
    ],
)
def test_which_spellings_are_taken_for_one_team(roster_team, case_team, alike):
    assert looks_like(roster_team, case_team) is alike


def test_a_roster_without_a_team_column_says_the_own_team_rule_went_unchecked(tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    (ws / "roster.csv").write_text(
        "Name,Email,Role,Monthly Capacity\nAnn Smith,ann@council.example,Deputy Team Manager,4\n",
        encoding="utf-8",
    )
    result = sample(ws, case_list_csv(tmp_path, {"North": 3}), "--n", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "No auditor on the roster has a team (its Team column is missing or empty)" in (
        result.output
    )


# -- a manager's Team cell left blank -----------------------------------------------------------


def test_a_managers_blank_team_is_a_warning_by_row_but_quality_assurance_may_have_none(tmp_path):
    # B&NES: "Deputy Team Managers and Team Managers will be required on a monthly basis to audit";
    # West Sussex: "a member of the Quality Assurance team" holds no team's cases.
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster_csv(
        tmp_path,
        "Ann Smith,ann@council.example,Deputy Team Manager,,2\n"
        "Bob Jones,bob@council.example,Team Manager,South,2\n"
        "Cat Lee,cat@council.example,QA Auditor,,2\n"
        "Dan Roe,dan@council.example,Practice Manager,n/a,2\n"
        "Eve Hart,eve@council.example,Quality Assurance Team Manager,,2\n"
        "Fay Green,fay@council.example,Deputy Team Manager,,2\n"
        "Fay Green,fay@council.example,Team Manager,North,\n",
    ).rename(ws / "roster.csv")
    result = sample(ws, case_list_csv(tmp_path, {"North": 3, "South": 3}), "--n", "4", "--dry-run")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "note: The roster's Team column gives no team for row 2 (Ann Smith, Deputy Team Manager); "
        "row 5 (Dan Roe, Practice Manager): nothing keeps them from auditing their own team's "
        "cases. Write the team each works in or manages, as the case list spells it" in said
    ), result.output
    for name in ("Cat Lee,", "Eve Hart", "Fay Green"):  # QA, and a manager a row names the team of
        assert name not in said.split("gives no team for")[1].split("Write the team")[0]


# -- qaf round allocate with the roster's mistakes ------------------------------------------------


def round_allocate(workspace: Path, round_id: str, cases: Path) -> Result:
    return CliRunner().invoke(
        cli,
        ["round", "allocate", round_id, str(cases), "--by", "Sam Lead", "--reason",
         "auditors added", "-w", str(workspace)],
    )  # fmt: skip


def drawn_round(result: Result) -> str:
    found = re.search(r"Round (\S+) \(seed", result.output)
    assert found and result.exit_code == 4, result.output  # 4: some cases wait for an auditor
    return found.group(1)


def allocated(workspace: Workspace) -> dict[str, tuple[str | None, str | None]]:
    """Case id -> (team, auditor) of every audit the register holds."""
    with Register.open(workspace.register_path) as register:
        return {a.case_id: (a.team, a.auditor) for a in register.audits()}


def test_round_allocate_names_a_misspelt_roster_team_and_records_nothing(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    roster = ws.root / "roster.csv"
    roster.write_text(HEADER + "Cat Lee,cat@council.example,QA Auditor,Quality,1\n", "utf-8")
    cases = case_list_csv(tmp_path, {"Children in Care Team 1": 3, "Children in Care Team 2": 3})
    round_id = drawn_round(sample(ws.root, cases, "--n", "6", "--seed", "1"))
    before = allocated(ws)
    roster.write_text(
        HEADER
        + "Cat Lee,cat@council.example,QA Auditor,Quality,1\n"
        + "Ann Smith,ann@council.example,Deputy Team Manager,CIC 1,5\n"
        + "Bob Jones,bob@council.example,Deputy Team Manager,Children in Care Team 2,5\n",
        "utf-8",
    )
    refused = round_allocate(ws.root, round_id, cases)
    assert refused.exit_code != 0
    assert (
        "row 3, column 'Team': 'CIC 1' (Ann Smith) is not spelled as any team on the case list, "
        "which has 'Children in Care Team 1'" in refused.output
    ), refused.output
    assert "nothing was recorded" in refused.output
    assert allocated(ws) == before, "Ann would have been given her own team's cases"
    roster.write_text(
        roster.read_text("utf-8").replace("CIC 1", "Children in Care Team 1"), "utf-8"
    )
    done = round_allocate(ws.root, round_id, cases)
    assert done.exit_code == 0, done.output
    assert "Allocated 5 of the 5 case(s)" in done.output
    late = {c: v for c, v in allocated(ws).items() if c not in before}
    assert {team for team, who in late.values() if who == "Ann Smith"} == {
        "Children in Care Team 2"
    }
    assert {team for team, who in late.values() if who == "Bob Jones"} == {
        "Children in Care Team 1"
    }


def test_round_allocate_counts_this_months_audits_of_a_name_retyped_mid_month(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    roster = ws.root / "roster.csv"
    roster.write_text(
        HEADER
        + "Ann O'Brien,ann@council.example,QA Auditor,Quality Assurance,2\n"
        + "Bob Jones,bob@council.example,QA Auditor,Quality Assurance,2\n",
        "utf-8",
    )
    cases = case_list_csv(tmp_path, {"North": 10})
    round_id = drawn_round(sample(ws.root, cases, "--n", "6", "--seed", "1"))
    before = allocated(ws)
    assert len(before) == 4  # the register holds the audits; the 2 others wait on the manifest
    # The same two people retyped (Outlook's apostrophe, spacing, capitals): still full this month.
    roster.write_text(
        HEADER
        + "Ann O\u2019Brien,ann@council.example,QA Auditor,Quality Assurance,2\n"
        + "BOB  JONES,bob@council.example,QA Auditor,Quality Assurance,2\n",
        "utf-8",
    )
    full = round_allocate(ws.root, round_id, cases)
    assert full.exit_code == 4, full.output
    assert "None of the 2 case(s) round" in full.output and "nothing was recorded" in full.output
    assert "no auditor on the roster has capacity left" in full.output
    assert allocated(ws) == before
    with roster.open("a", encoding="utf-8") as f:
        f.write("Cat Lee,cat@council.example,Practice Manager,,2\n")
    done = round_allocate(ws.root, round_id, cases)
    assert done.exit_code == 0, done.output
    assert "Allocated 2 of the 2 case(s)" in done.output
    # Added in a hurry without her team: said here as at the draw.
    assert "note: The roster's Team column gives no team for row 4 (Cat Lee, Practice " in (
        done.output
    )
    late = [who for case_id, (_, who) in allocated(ws).items() if case_id not in before]
    assert late == ["Cat Lee", "Cat Lee"], done.output


# -- qaf round reassign, add and swap with the roster's mistakes ----------------------------------


def _round_of_six(tmp_path: Path) -> tuple[Workspace, Path, str, dict[str, str]]:
    """A round of 6 audits, all Cat Lee's (Quality Assurance), and case id -> team not drawn."""
    ws = init_workspace(tmp_path / "ws")
    (ws.root / "roster.csv").write_text(
        HEADER + "Cat Lee,cat@council.example,QA Auditor,Quality,10\n", "utf-8"
    )
    cases = case_list_csv(tmp_path, {"Children in Care Team 1": 5, "Children in Care Team 2": 5})
    result = sample(ws.root, cases, "--n", "6", "--seed", "1")
    found = re.search(r"Round (\S+) \(seed", result.output)
    assert found and result.exit_code == 0, result.output
    drawn = allocated(ws)
    teams = dict(line.split(",")[:2] for line in cases.read_text("utf-8").splitlines()[1:])
    return ws, cases, found.group(1), {c: t for c, t in teams.items() if c not in drawn}


def _change(ws: Workspace, round_id: str, cases: Path, which: str, left: dict[str, str]) -> Result:
    """Run ``qaf round <which>`` on the round's first Children in Care Team 1 audit (or case)."""
    with Register.open(ws.register_path) as register:
        audit = next(a for a in register.audits() if a.team == "Children in Care Team 1")
    new_case = next(c for c, t in left.items() if t == "Children in Care Team 1")
    args = {
        "reassign": ["reassign", audit.audit_ref, "--to", "Ann Smith"],
        "add": ["add", round_id, new_case, str(cases), "--auditor", "Ann Smith"],
        "swap": ["swap", audit.audit_ref, str(cases)],
    }[which]
    return CliRunner().invoke(
        cli, ["round", *args, "--by", "Sam Lead", "--reason", "cover", "-w", str(ws.root)]
    )


@pytest.mark.parametrize("which", ["reassign", "add", "swap"])
def test_round_changes_name_a_misspelt_roster_team_and_record_nothing(
    tmp_path: Path, which: str
) -> None:
    # Ann manages "CIC 1", the case list's Children in Care Team 1: given its case, she would
    # audit her own team's work, which qaf sample and qaf round allocate refuse to risk.
    ws, cases, round_id, left = _round_of_six(tmp_path)
    before = allocated(ws)
    (ws.root / "roster.csv").write_text(
        HEADER
        + "Cat Lee,cat@council.example,QA Auditor,Quality,10\n"
        + "Ann Smith,ann@council.example,Deputy Team Manager,CIC 1,5\n",
        "utf-8",
    )
    refused = _change(ws, round_id, cases, which, left)
    assert refused.exit_code != 0
    assert (
        "row 3, column 'Team': 'CIC 1' (Ann Smith) is not spelled as any team on the case list, "
        "which has 'Children in Care Team 1'" in refused.output
    ), refused.output
    assert "nothing was recorded" in refused.output and "Traceback" not in refused.output
    assert allocated(ws) == before


@pytest.mark.parametrize("which", ["reassign", "add", "swap"])
def test_round_changes_show_the_team_rule_notes_qaf_sample_shows(
    tmp_path: Path, which: str
) -> None:
    ws, cases, round_id, left = _round_of_six(tmp_path)
    (ws.root / "roster.csv").write_text(
        HEADER
        + "Cat Lee,cat@council.example,QA Auditor,Quality,10\n"
        + "Ann Smith,ann@council.example,QA Auditor,Quality,5\n"
        + "Dan Roe,dan@council.example,Practice Manager,,5\n",
        "utf-8",
    )
    done = _change(ws, round_id, cases, which, left)
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert (
        "note: The roster's Team column gives no team for row 4 (Dan Roe, Practice Manager): "
        "nothing keeps this auditor from auditing their own team's cases." in said
    ), done.output
    assert "note: The roster's team(s) 'Quality' (Cat Lee, Ann Smith) match no team" in said


# -- what qaf sample says when some cases find no auditor -----------------------------------------


def test_cases_without_an_auditor_are_said_once_each_and_the_next_step_is_to_allocate(tmp_path):
    # Each case was said twice (a 'not allocated' line, then a note per team), and the output
    # ended "Next: qaf generate" although the round still waited for auditors (exit code 4).
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster_csv(ws, "Ann Smith,ann@council.example,QA Auditor,Quality Assurance,2\n")
    cases = case_list_csv(tmp_path, {"North": 3, "South": 2})
    result = sample(ws, cases, "--n", "5", "--seed", "3")
    round_id = drawn_round(result)
    lines = result.output.splitlines()
    waiting = [line for line in lines if "are at capacity" in line]
    assert len(waiting) == 3 and all("not allocated: case" in line for line in waiting), lines
    assert not any(line.startswith("Next: qaf generate") for line in lines), lines
    [next_step] = [line for line in lines if line.startswith("Next:")]
    assert f"qaf round allocate {round_id} cases.csv" in next_step
    assert "(the 3 cases not allocated wait for an auditor" in next_step
    assert "qaf generate writes the packs of the 2 audits allocated" in lines[-1]


def test_a_round_nobody_could_be_allocated_to_does_not_send_the_lead_to_qaf_generate(tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    roster_csv(ws, "Ann Smith,ann@council.example,Team Manager,North,2\n")
    cases = case_list_csv(tmp_path, {"North": 2})
    result = sample(ws, cases, "--n", "2", "--seed", "3")
    drawn_round(result)
    assert result.output.count("case(s) of team") == 0
    assert result.output.count("not allocated: case") == 2
    assert "qaf generate" not in result.output
    assert result.output.splitlines()[-1].startswith("Next: add auditors or capacity")


def test_a_misspelt_roster_header_is_named_with_what_to_rename_it_to(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Name,E-mial,Role,Team,Capcity\nAl,al@c.example,QA Auditor,QA,3\n")
    with pytest.raises(AllocationError) as raised:
        read_roster(path)
    message = str(raised.value)
    assert "missing the column(s) 'Email', 'Monthly Capacity'" in message
    assert "Rename the header 'E-mial' to 'Email'" in message
    assert "rename the header 'Capcity' to 'Monthly Capacity'" in message
    # A column missing outright gets no guess.
    path.write_text("Name,Role,Team,Capacity\nAl,QA Auditor,QA,3\n")
    with pytest.raises(AllocationError) as raised:
        read_roster(path)
    assert "misspelt" not in str(raised.value)
