"""Dated case facts (last supervision, last visit …) read as the start date is: a CSV's text date,
a workbook's text date and a real date cell give the same panel, with the days since and the
framework's timescale flag; a value that is no date says so instead of leaving the flag out."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.facts import case_facts
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file
from qaf_docs.packs.form_parts import fact_rows
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace

ISSUED = date(2026, 1, 5)  # 34 days after 2 December 2025: over the CP limit of 28
HEADER = ["Child ID", "Case Type", "Allocated Team", "Allocated Worker", "Last Supervision"]


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    # collaborative-audit: "supervision at least every 8 weeks, and Child Protection being every 4"
    return init_workspace(tmp_path / "ws", framework="collaborative-audit")


def _csv(path: Path, supervision: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, ["700101", "CP", "Team A", "Ann Walker", supervision]])
    return path


def _xlsx(path: Path, supervision: object) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append([700101, "CP", "Team A", "Ann Walker", supervision])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "write",
    [
        lambda p: _csv(p / "cases.csv", "02/12/2025"),
        lambda p: _xlsx(p / "cases.xlsx", "02/12/2025"),
        lambda p: _xlsx(p / "cases.xlsx", datetime(2025, 12, 2)),
        lambda p: _csv(p / "cases.csv", "2 Dec 2025"),
    ],
    ids=["csv text", "xlsx text", "xlsx date cell", "csv words"],
)
def test_a_last_supervision_date_gives_days_since_and_the_cp_flag_however_written(
    ws: Workspace, tmp_path: Path, write: object
) -> None:
    [case] = read_case_list(write(tmp_path), today=ISSUED).children()  # type: ignore[operator]
    facts = case_facts(case, "sha")
    assert [(f.name, f.value) for f in facts] == [("last_supervision", "2025-12-02")]
    [row] = fact_rows(facts, ws.load_framework(), "CP", ISSUED)
    assert row == {
        "label": "Last supervision",
        "value": "02/12/2025",
        "since": "34 days",
        "flag": "Over 28 days (supervision due every 28 days)",
    }


def test_a_supervision_that_is_no_date_says_so_on_the_panel(ws: Workspace, tmp_path: Path) -> None:
    [case] = read_case_list(_csv(tmp_path / "c.csv", "awaiting"), today=ISSUED).children()
    [row] = fact_rows(case_facts(case, "sha"), ws.load_framework(), "CP", ISSUED)
    assert row["value"] == "awaiting"  # kept as the list wrote it
    assert row["since"] == ""
    assert row["flag"] == (
        "Could not be read as a date, so not checked: check by hand (supervision due every 28 days)"
    )


def test_text_that_only_starts_with_digits_stays_text(tmp_path: Path) -> None:
    rows = [
        ["Child ID", "Primary Need", "Placements"],
        ["1", "N4 - Family in acute stress", "45000"],
    ]
    path = tmp_path / "c.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    [case] = read_case_list(path, today=ISSUED).children()
    assert case.attributes["primary_need"] == "N4 - Family in acute stress"
    assert case.attributes["placements"] == "45000"  # a count, never an Excel serial date


def test_export_gives_case_fact_dates_in_iso_8601(ws: Workspace, tmp_path: Path) -> None:
    from qaf_docs.cases import rounds

    roster = write_roster_file(tmp_path / "roster.csv", synthetic_roster(4, seed=1))
    csv_list = _csv(tmp_path / "cases.csv", "13/12/2025")
    rounds.draw(ws, csv_list, roster, kind="simple", seed=1, today=ISSUED, n=1)
    with Register.open(ws.register_path) as register:
        [audit] = json.loads(export_json(register))["audits"]
    assert audit["case_facts"]["last_supervision"] == "2025-12-13"
    # A register that kept the text as the list wrote it (before this was read as a date).
    with sqlite3.connect(ws.register_path) as db:
        db.execute("UPDATE case_facts SET value = '13/12/2025' WHERE name = 'last_supervision'")
    with Register.open(ws.register_path) as register:
        [audit] = json.loads(export_json(register))["audits"]
    assert audit["case_facts"]["last_supervision"] == "2025-12-13"
