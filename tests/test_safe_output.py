"""Tests for qaf_docs.safe_output: user text never becomes a formula; outputs land whole."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from qaf_docs import safe_output
from qaf_docs.safe_output import EXCEL_CELL_MAX_CHARS, atomic_write, csv_safe, set_text_cell

INJECTIONS = [
    "=1+1",
    '=HYPERLINK("http://evil.invalid","click")',
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    "  =1+1",
    "＝1+1",  # full-width, as a Japanese or Chinese keyboard types it: Excel reads it as =
    "＋44 7700 900123",
    "－2+3",
    "＠SUM(A1:A2)",
    "\u200b=1+1",  # an invisible character pasted before the =
    "\ufeff=1+1",
    "\u00a0=1+1",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_set_text_cell_stores_formula_like_text_as_text(text: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    cell = workbook.active["A1"]
    set_text_cell(cell, text)
    path = tmp_path / "out.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    reread = openpyxl.load_workbook(path).active["A1"]
    assert reread.data_type == "s"
    assert reread.value == text.replace("\r", "\n") or reread.value == text
    assert reread.quotePrefix, "Excel keeps it text when the cell is edited"


def test_plain_assignment_would_have_been_a_formula() -> None:
    # The reason set_text_cell exists: openpyxl's own guess.
    cell = openpyxl.Workbook().active["A1"]
    cell.value = "=1+1"
    assert cell.data_type == "f"


def test_set_text_cell_cleans_characters_excel_cannot_store(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    set_text_cell(workbook.active["A1"], "line one\x0bline two\x07 bell")
    set_text_cell(workbook.active["A2"], "x" * (EXCEL_CELL_MAX_CHARS + 10))
    set_text_cell(workbook.active["A3"], None)
    workbook.save(tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert sheet["A1"].value == "line one\nline two bell"
    assert len(sheet["A2"].value) == EXCEL_CELL_MAX_CHARS
    assert sheet["A3"].value is None


def test_set_text_cell_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        set_text_cell(openpyxl.Workbook().active["A1"], 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_safe_escapes_formula_triggers(text: str) -> None:
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Good", "Good"),
        ("Requires improvement - see notes", "Requires improvement - see notes"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (2.5, "2.5"),
        (date(2026, 11, 22), "2026-11-22"),
        (datetime(2026, 11, 22, 14, 5), "2026-11-22T14:05:00"),
    ],
)
def test_csv_safe_leaves_ordinary_values_alone(value: object, expected: str) -> None:
    assert csv_safe(value) == expected


def test_csv_safe_output_round_trips_through_the_csv_module() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_safe(v) for v in INJECTIONS])
    row = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(field.startswith("'") for field in row)


# --- atomic_write ---------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def test_atomic_write_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "QA_tracker.xlsx"
    target.write_text("old")
    seen: list[Path] = []

    def write(temp: Path) -> None:
        seen.append(temp)
        assert temp.parent == target.parent and temp != target
        assert temp.suffix == ".xlsx"  # writers that infer the format from the name still work
        temp.write_text("new")

    assert atomic_write(target, write) == target
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == []


def test_atomic_write_failure_leaves_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "QA_tracker.xlsx"
    target.write_text("old")

    def write(temp: Path) -> None:
        temp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, write)
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_locked_target_gets_a_dated_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "QA_tracker.xlsx"
    target.write_text("old")
    real_replace = os.replace

    def replace(src: os.PathLike[str], dst: os.PathLike[str]) -> None:
        # What Windows does while Excel has the file open.
        if Path(dst) == target:
            raise PermissionError(32, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr("qaf_docs.safe_output.os.replace", replace)
    monkeypatch.setattr(safe_output, "_REPLACE_PAUSE_S", 0.0)
    when = datetime(2026, 11, 22, 14, 5)
    first = atomic_write(target, lambda t: t.write_text("new 1"), now=lambda: when)
    second = atomic_write(target, lambda t: t.write_text("new 2"), now=lambda: when)
    assert first.name == "QA_tracker (2026-11-22 1405).xlsx"
    assert second.name == "QA_tracker (2026-11-22 1405) (2).xlsx"
    assert ":" not in first.name
    assert target.read_text() == "old"
    assert (first.read_text(), second.read_text()) == ("new 1", "new 2")
    assert _leftovers(tmp_path) == []

    # Excel closed: the next write updates the main file again.
    monkeypatch.setattr("qaf_docs.safe_output.os.replace", real_replace)
    assert atomic_write(target, lambda t: t.write_text("new 3"), now=lambda: when) == target
    assert target.read_text() == "new 3"


def test_a_brief_lock_is_retried_not_dated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    real_replace = os.replace
    failures = iter([True, False])

    def replace(src: os.PathLike[str], dst: os.PathLike[str]) -> None:
        if next(failures, False):
            raise PermissionError(32, "antivirus is scanning it")
        real_replace(src, dst)

    monkeypatch.setattr("qaf_docs.safe_output.os.replace", replace)
    monkeypatch.setattr(safe_output, "_REPLACE_PAUSE_S", 0.0)
    assert atomic_write(target, lambda t: t.write_text("x")) == target


def test_atomic_write_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "outbox" / "reports" / "q3.docx"
    assert atomic_write(target, lambda t: t.write_bytes(b"doc")) == target
    assert target.read_bytes() == b"doc"
