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
