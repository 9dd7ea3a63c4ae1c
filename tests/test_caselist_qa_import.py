"""A QA officer's case list as councils' exports really come: header spellings with a possessive,
rows hidden by a filter, dates written month first. Each must be read or said, never dropped."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list

TODAY = date(2026, 11, 1)
HEADER = ["Allocated Team", "CIN Start Date"]


def two_lists(path: Path, first_id_header: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append([first_id_header, *HEADER])
    for i in range(3):
        ws.append([600 + i, "Team A", datetime(2025, 1, 1 + i)])
    other = wb.create_sheet("List 7")
    other.append(["Child Unique ID", *HEADER])
    other.append([700, "Team B", datetime(2025, 2, 1)])
    wb.save(path)
    return path


@pytest.mark.parametrize("header", ["Child's unique ID", "Child’s Unique ID", "CHILD'S ID"])
def test_a_possessive_id_header_is_the_id_column_and_its_list_is_not_skipped(tmp_path, header):
    case_list = read_case_list(two_lists(tmp_path / "annex.xlsx", header), today=TODAY)
    assert case_list.sheets_read == ["List 6", "List 7"]
    assert case_list.sheets_skipped == []
    assert sorted(c.case_id for c in case_list.cases) == ["600", "601", "602", "700"]
    assert {c.team for c in case_list.cases if c.sources == ("List 6",)} == {"Team A"}


@pytest.mark.parametrize("formulas", [False, True], ids=["plain", "with-formulas"])
def test_rows_hidden_by_a_filter_are_read_and_said_to_be_hidden(tmp_path, formulas):
    """A QA officer who filters out a team and saves still has every row in the file: qaf reads
    them all, and says how many were hidden so nobody thinks the filter chose the cases."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 6"
    ws.append(["Child Unique ID", *HEADER, "Note"])
    for i in range(6):
        ws.append([500 + i, f"Team {'AB'[i % 2]}", datetime(2025, 1, 1 + i), None])
        ws.row_dimensions[i + 2].hidden = i % 2 == 1  # Team B filtered out
    if formulas:  # a formula sends the sheet to openpyxl rather than calamine
        ws["D2"] = "=1+1"
    ws.auto_filter.ref = "A1:D7"
    wb.save(tmp_path / "filtered.xlsx")
    case_list = read_case_list(tmp_path / "filtered.xlsx", today=TODAY)
    assert len(case_list.cases) == 6
    assert case_list.hidden_rows == {"List 6": 3}
    assert "Read 3 rows hidden in Excel (3 on 'List 6')" in case_list.summary()


def test_a_list_with_nothing_hidden_says_nothing_about_hidden_rows(tmp_path):
    case_list = read_case_list(two_lists(tmp_path / "annex.xlsx", "Child ID"), today=TODAY)
    assert case_list.hidden_rows == {}
    assert "hidden" not in case_list.summary()
