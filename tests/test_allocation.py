"""Allocating cases to auditors, and reading the roster they come from."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file
from qaf_docs.errors import AllocationError


def case(case_id: str, team: str | None, worker: str | None = None) -> Case:
    return Case(case_id, team, worker, CaseType.CIN, True, None, None, ("test",))


def auditor(
    name: str, team: str | None, capacity: int = 5, role: str = "Service Manager"
) -> Auditor:
    return Auditor(name, f"{name.lower()}@council.example", role, team, capacity)


def test_nobody_audits_their_own_teams_case():
    cases = [case(str(i), "North" if i % 2 else "South") for i in range(20)]
    auditors = [auditor("Ann", "North", 10), auditor("Bob", "South", 10)]
    result = allocate(cases, auditors, seed=1)
    assert not result.unallocated
    for c in cases:
        assert result.assignments[c.case_id].team != c.team


@pytest.mark.parametrize("team_spelling", ["north", " North ", "NORTH", "North\u00a0"])
def test_own_team_rule_ignores_spelling_differences(team_spelling):
    assert not can_audit(auditor("Ann", team_spelling), case("1", "North"))


def test_an_auditor_never_audits_a_case_they_hold_as_worker():
    cases = [case("1", "North", worker="Ann Smith")]
    auditors = [auditor("Ann Smith", "Quality"), auditor("Bob", "Quality")]
    assert allocate(cases, auditors, seed=3).assignments["1"].name == "Bob"


def test_capacity_is_respected_and_the_rest_are_listed_with_a_reason():
    cases = [case(str(i), "North") for i in range(7)]
    auditors = [auditor("Ann", "South", 2), auditor("Bob", "East", 3)]
    result = allocate(cases, auditors, seed=1)
    assert result.loads == {"Ann": 2, "Bob": 3}
    assert len(result.unallocated) == 2
    assert all("at capacity" in reason for _, reason in result.unallocated)
    assert {c.case_id for c, _ in result.unallocated} | set(result.assignments) == {
        c.case_id for c in cases
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_load_is_balanced(seed):
    cases = [case(str(i), None) for i in range(23)]
    auditors = [auditor(n, None, 10) for n in ("Ann", "Bob", "Cat", "Dan", "Eve")]
    loads = allocate(cases, auditors, seed=seed).loads.values()
    assert max(loads) - min(loads) <= 1


def test_load_is_balanced_by_capacity():
    cases = [case(str(i), None) for i in range(12)]
    auditors = [auditor("Ann", None, 8), auditor("Bob", None, 4)]
    assert allocate(cases, auditors, seed=1).loads == {"Ann": 8, "Bob": 4}


def test_audits_are_shifted_to_make_room_when_greedy_placement_would_fail():
    # Ann can take North or South, Bob only North (he is South). Whatever the first pass does,
    # a full allocation exists: South -> Ann, North -> Bob.
    cases = [case("1", "North"), case("2", "South")]
    auditors = [auditor("Ann", "East", 1), auditor("Bob", "South", 1)]
    for seed in range(10):
        result = allocate(cases, auditors, seed=seed)
        assert not result.unallocated
        assert result.assignments["2"].name == "Ann"


def test_a_full_auditor_hands_an_audit_on_when_only_they_can_take_a_case():
    # Six T2 cases go first (more auditors can take them) and fill Ann; the T1 case only Ann may
    # audit, so one T2 audit must move to Bob, who has room.
    cases = [case(f"p{i}", "T2") for i in range(6)] + [case("q", "T1")]
    auditors = [auditor("Ann", "X", 3), auditor("Bob", "T1", 4)]
    for seed in range(5):
        result = allocate(cases, auditors, seed=seed)
        assert not result.unallocated
        assert result.assignments["q"].name == "Ann"
        assert result.loads == {"Ann": 3, "Bob": 4}


def test_a_team_nobody_can_take_gets_a_reason():
    cases = [case("1", "North"), case("2", "South")]
    result = allocate(cases, [auditor("Ann", "North", 5)], seed=1)
    assert list(result.assignments) == ["2"]
    ((c, reason),) = result.unallocated
    assert c.case_id == "1"
    assert "every auditor with capacity is in team 'North'" in reason
    assert "add an auditor from another team" in reason


def test_a_case_only_its_teams_manager_has_room_for_says_they_manage_it():
    # Ann is in Quality Assurance, but a row of her own makes her North's Team Manager.
    ann = Auditor("Ann", "ann@council.example", "QA Auditor", "Quality", 5, also_teams=("North",))
    result = allocate([case("1", "North")], [ann, auditor("Bob", "North", 5)], seed=1)
    ((_, reason),) = result.unallocated
    assert "every auditor with capacity is in team 'North' or manages it" in reason
    held = allocate([case("2", "North", worker="Bob")], [ann, auditor("Bob", "South")], seed=1)
    ((_, reason),) = held.unallocated  # Bob holds the case; Ann manages its team
    assert reason.startswith("the only auditors with capacity are in team 'North', manage it or")


def test_no_capacity_at_all_is_explained():
    result = allocate([case("1", "North")], [auditor("Ann", "South", 0)], seed=1)
    assert "no auditor on the roster has capacity" in result.unallocated[0][1]


def test_same_name_twice_is_an_error():
    with pytest.raises(AllocationError, match="more than once"):
        allocate([case("1", "A")], [auditor("Ann", "B"), auditor("ann", "C")], seed=1)


def test_allocation_is_the_same_for_the_same_seed():
    roster = synthetic_roster(8, seed=1)
    cases = [case(str(i), f"Team {i % 8}") for i in range(30)]
    a = allocate(cases, roster, seed=4).assignments
    b = allocate(list(reversed(cases)), list(reversed(roster)), seed=4).assignments
    assert {k: v.name for k, v in a.items()} == {k: v.name for k, v in b.items()}


# -- the roster file -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_roster_round_trips(tmp_path, suffix):
    roster = synthetic_roster(5, seed=2)
    assert read_roster(write_roster_file(tmp_path / f"roster{suffix}", roster)) == roster


def write_rows(path: Path, rows: list[list[object]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    else:
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    return path


def test_roster_headers_are_tolerant_and_blank_team_means_none(tmp_path):
    path = write_rows(
        tmp_path / "r.csv",
        [
            ["Auditor Name", "E-mail Address", "Job Title", "Team ", "Cases per month"],
            ["Ann Lee", "ann@x.org", "Service Manager", "", "2"],
        ],
    )
    assert read_roster(path) == [Auditor("Ann Lee", "ann@x.org", "Service Manager", None, 2)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_roster_rows_are_all_named_by_row_and_column(tmp_path, suffix):
    path = write_rows(
        tmp_path / f"r{suffix}",
        [
            ["Name", "Email", "Role", "Team", "Monthly Capacity"],
            ["Ann", "ann@x.org", "Service Manager", "North", 2],
            ["Bob", "not-an-email", "Service Manager", "North", 2],
            ["Cat", "cat@x.org", "", "South", "two"],
            ["ann", "ann2@x.org", "Service Manager", "East", 1],
        ],
    )
    with pytest.raises(AllocationError) as info:
        read_roster(path)
    message = str(info.value)
    assert "row 3, column 'Email': 'not-an-email' is not an email address" in message
    assert "row 4, column 'Role': no role" in message
    assert "row 4, column 'Monthly Capacity': 'two' is not a whole number" in message
    assert "row 5, column 'Name': 'ann' is also on row 2" in message


def test_roster_missing_a_column_says_which(tmp_path):
    path = write_rows(tmp_path / "r.csv", [["Name", "Email", "Team"], ["Ann", "a@x.org", "N"]])
    with pytest.raises(
        AllocationError, match=r"missing the column\(s\) 'Role', 'Monthly Capacity'"
    ):
        read_roster(path)


def test_roster_formula_is_refused(tmp_path):
    path = write_rows(
        tmp_path / "r.xlsx",
        [["Name", "Email", "Role", "Team", "Capacity"], ["Ann", "a@x.org", "SM", "N", "=1+1"]],
    )
    with pytest.raises(AllocationError, match=r"row 2.*formula"):
        read_roster(path)


def test_roster_of_the_wrong_type_is_refused(tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(b"x")
    with pytest.raises(AllocationError, match=r"\.xlsx or \.csv"):
        read_roster(path)


def test_synthetic_roster_has_every_tier_one_role():
    roles = Counter(a.role for a in synthetic_roster(20, seed=0))
    assert roles["Deputy Team Manager"] == 20
    assert {"Service Manager", "Principal Social Worker", "Divisional Director"} <= set(roles)
