"""Case lists read through python-calamine give exactly what openpyxl gives, formulas still seen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.demo.synthetic import write_synthetic_case_list
from qaf_docs.office import fast_sheets, sheets

ANNEX_A = Path(__file__).parent / "data" / "annex_a_sample.xlsx"
TODAY = date(2026, 3, 1)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = read_case_list(path, today=TODAY)
    with monkeypatch.context() as m:
        m.setattr(sheets, "sheets_needing_openpyxl", lambda data, limits, layouts=None: None)
        slow = read_case_list(path, today=TODAY)
    return fast, slow


@pytest.mark.parametrize("messy", [False, True])
def test_a_synthetic_annex_a_reads_the_same_either_way(
    tmp_path: Path, messy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_synthetic_case_list(
        tmp_path / "annex.xlsx", children=300, teams=5, seed=3, today=TODAY, messy=messy
    )
    fast, slow = _both(path, monkeypatch)
    assert fast == slow


def test_the_public_annex_a_sample_reads_the_same_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, slow = _both(ANNEX_A, monkeypatch)
    assert fast == slow


def test_sheets_with_formulas_or_errors_are_left_to_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Plain"
    wb.active.append(["Child ID", "Start"])
    wb.active.append(["1", date(2026, 1, 1)])
    with_formula = wb.create_sheet("Sums")
    with_formula.append(["Child ID", "Start"])
    with_formula.append(["2", "=TODAY()"])
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    assert fast_sheets.sheets_needing_openpyxl(path.read_bytes(), sheets.TABLE_LIMITS) == {"Sums"}
    with sheets.open_table_file(path, what="Case list", error=ValueError) as table:  # type: ignore[arg-type]
        rows = dict(table.sheet("Sums").rows)
        assert rows[2][1].kind == "formula"
        plain = dict(table.sheet("Plain").rows)
        assert plain[2][0].value == "1" and plain[2][1].value.date() == date(2026, 1, 1)
