"""One child, whatever the leading zeros: Excel drops them from an id kept as a number, so last
month's list may say 6537810 where this month's says "006537810". Both are the same child for the
exclusion of recent audits, the one-open-audit rule and round changes, and every audit of the child
is recorded under the id the register first knew."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import TODAY
from lifecycle_helpers import return_form

from qaf_docs.cases import rounds
from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace, init_workspace

LAST_MONTH = TODAY - timedelta(days=31)


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    # A framework without moderation: a returned audit is done, so only "recently audited" holds.
    ws = init_workspace(tmp_path / "ws", framework="live-case-audit")
    write_roster_file(ws.root / "roster.csv", synthetic_roster(4, seed=1))
    return ws


def _case_list(path: Path, *ids: str) -> Path:
    rows = ["Child ID,Case Type,Start Date,Allocated Team,Allocated Worker"]
    rows += [f"{i},CP,2026-01-05,Team {'AB'[n % 2]},Worker {n}" for n, i in enumerate(ids)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _draw(ws: Workspace, case_list: Path, today: object, n: int) -> rounds.RoundReport:
    return rounds.draw(ws, case_list, None, kind="simple", seed=7, today=today, n=n)  # type: ignore[arg-type]


def _excluded(report: rounds.RoundReport) -> dict[str, str]:
    assert report.manifest is not None
    sheet = openpyxl.load_workbook(report.manifest)["Excluded"]
    return {str(r[0].value): str(r[1].value) for r in sheet.iter_rows(min_row=2)}


@pytest.mark.parametrize(("last", "now"), [("6537810", "006537810"), ("006537810", "6537810")])
def test_a_child_audited_last_month_is_excluded_whatever_the_leading_zeros(
    ws: Workspace, tmp_path: Path, last: str, now: str
) -> None:
    _draw(ws, _case_list(tmp_path / "last.csv", last), LAST_MONTH, n=1)
    framework = ws.load_framework()
    with open_register(ws) as register:
        generate_packs(ws, register)
        [audit] = register.audits()
    outcome = return_form(ws, audit, framework, audit_day=LAST_MONTH)
    assert outcome.result == "accepted", outcome.findings

    report = _draw(ws, _case_list(tmp_path / "now.csv", now, "6537811"), TODAY, n=1)

    assert [case for case, _, _ in report.audits] == ["6537811"]
    reason = _excluded(report)[last]  # listed under the id the register knows
    assert reason == f"audited on {LAST_MONTH:%d/%m/%Y}, within the last 6 month(s)"
    assert any(f"{now} is {last}" in w and "leading zeros" in w for w in report.warnings)


def test_a_child_in_an_open_audit_is_not_drawn_again_under_the_other_spelling(
    ws: Workspace, tmp_path: Path
) -> None:
    first = _draw(ws, _case_list(tmp_path / "last.csv", "6537810"), LAST_MONTH, n=1)

    report = _draw(ws, _case_list(tmp_path / "now.csv", "006537810", "6537811"), TODAY, n=1)

    assert [case for case, _, _ in report.audits] == ["6537811"]
    assert _excluded(report)["6537810"] == f"already in an open audit (round {first.round_id})"
    # Nor can it be added to the new round by hand, typed either way.
    for typed in ("006537810", "6537810"):
        added = CliRunner().invoke(
            cli,
            ["round", "add", report.round_id, typed, str(tmp_path / "now.csv"), "--auditor",
             synthetic_roster(4, seed=1)[0].name, "--by", "QA Lead", "--reason", "asked for",
             "--workspace", str(ws.root)],
        )  # fmt: skip
        assert added.exit_code != 0
        assert f"Case 6537810 already has an open audit in round {first.round_id}" in (added.output)
