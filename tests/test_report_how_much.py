"""How much did we do: a table only where it compares something.

A round report's "Completed against plan by round kind" was a table of one row (the round's own
kind) above a Total that repeated it: a reader looked for a comparison and found the round
compared with itself. A table of one team, case type or round kind is left out, and one sentence
says so; a table with two rows or more is shown as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docx import Document
from test_reports import FakeRegister, audit, document_text

from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.workspace import Workspace

DAY = date(2026, 8, 20)


def _round(ws: Workspace, results: list[Any], round_id: str = "2026-07-simple") -> str:
    fake: Any = FakeRegister(results)
    return document_text(build_round_report(ws, fake, round_id, DAY))


def test_a_round_of_one_kind_has_no_table_by_round_kind(workspace: Workspace) -> None:
    results = [audit(i, "Good", team=f"Team {i % 2}") for i in range(1, 5)]
    text = _round(workspace, results)
    assert "Completed against plan by round kind" not in text
    assert "Completed against plan by case type" not in text  # every case is CIN
    assert "Completed against plan by team" in text  # two teams: compared
    assert (
        "All 4 audits planned were of one case type (CIN) and one kind of round (Random sample), "
        "so there is no table by case type or round kind."
    ) in text


def test_a_round_of_one_audit_says_so_once(workspace: Workspace) -> None:
    text = _round(workspace, [audit(1, "Good")])
    assert "Completed against plan by" not in text
    assert (
        "The one audit planned was of one team (Team 1), one case type (CIN) and one kind of "
        "round (Random sample), so there is no table by team, case type or round kind."
    ) in text


def test_a_quarter_of_two_round_kinds_still_compares_them(workspace: Workspace) -> None:
    results = [
        audit(1, "Good"),
        audit(2, "Good", case_type="CP"),
        audit(3, "Good", round_id="2026-07-reaudit", round_kind="reaudit"),
    ]
    fake: Any = FakeRegister(results)
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert "Completed against plan by round kind" in text
    lines = text.splitlines()
    assert "Random sample" in lines and "Re-audits due" in lines
    assert "so there is no table by" not in text


def test_one_team_and_one_worker_are_said_in_a_sentence_not_a_table_of_one_row(
    workspace: Workspace,
) -> None:
    # Grades by team was a chart of one bar over a table of one row and its Total repeating it,
    # and Variation between workers a table of "Worker A" and a Total: nothing compared.
    results = [audit(i, "Good", team="North Team", worker="Pat Worker") for i in range(1, 4)]
    fake: Any = FakeRegister(results)
    path = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    text = document_text(path)
    assert (
        "All 3 graded audits were of one team (North Team), so there is no other team to compare "
        "with: the Summary's figures are that team's."
    ) in text
    assert (
        "All 3 graded audits were of one worker (Worker A), so there is no other worker to "
        "compare with: the Summary's figures are that worker's."
    ) in text
    lines = text.splitlines()
    assert "Team" not in lines and "Worker" not in lines  # neither table's heading cell
    assert "Worker A" not in lines
    assert len(Document(str(path)).inline_shapes) == 1  # Grades by domain; no team chart


def test_two_teams_and_two_workers_are_still_compared(workspace: Workspace) -> None:
    results = [audit(i, "Good", team=f"Team {i % 2}", worker=f"W{i % 2}") for i in range(1, 5)]
    fake: Any = FakeRegister(results)
    path = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    text = document_text(path)
    assert {"Team", "Worker", "Team 0", "Team 1", "Worker A", "Worker B"} <= set(text.splitlines())
    assert "no other team to compare" not in text and len(Document(str(path)).inline_shapes) == 2


def test_numbered_teams_are_listed_in_number_order(workspace: Workspace) -> None:
    # Sorted as text, twelve numbered teams read Team 1, Team 10, Team 11, Team 12, Team 2 ….
    results = [audit(i, "Good", team=f"Team {i}") for i in range(1, 13)]
    fake: Any = FakeRegister(results)
    path = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    teams = [line for line in document_text(path).splitlines() if line.startswith("Team ")]
    assert teams[:12] == [f"Team {i}" for i in range(1, 13)]
