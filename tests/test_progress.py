"""Progress bars draw on a terminal and stay silent when output goes to a file or a pipe."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cli import progress as progress_module
from qaf_docs.cli.progress import progress
from qaf_docs.demo.synthetic import write_synthetic_case_list
from qaf_docs.reports import qa_tracker
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(total: int) -> None:
    with progress("Writing packs") as (start, step):
        start(total)
        for _ in range(total):
            step()


def test_a_long_job_draws_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    _run(50)
    assert "Writing packs" in terminal.getvalue()


def test_nothing_is_drawn_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(progress_module.sys, "stderr", piped)
    _run(50)
    assert piped.getvalue() == ""


def test_a_short_job_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    _run(progress_module.SHOW_FROM - 1)
    assert terminal.getvalue() == ""


class _Recorder:
    """Stands in for a bar: what it was told to expect, and how far it got."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def step(self, n: int = 1) -> None:
        self.done += n


def test_reading_a_big_case_list_reports_its_rows(tmp_path: Path) -> None:
    path = write_synthetic_case_list(tmp_path / "annex_a.xlsx", children=6000, messy=True)
    bar = _Recorder()
    cases = read_case_list(path, on_start=bar.start, on_rows=bar.step)
    assert bar.total is not None and bar.total >= cases.rows_read >= 5000
    assert bar.done == bar.total  # reported in thousands as rows go by, and the rest at the end


def test_a_csv_case_list_reports_its_rows_too(tmp_path: Path) -> None:
    lines = ["Child ID,Gender,Case type"] + [f"C{i:05d},F,CIN" for i in range(2500)]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bar = _Recorder()
    read_case_list(path, on_start=bar.start, on_rows=bar.step)
    assert bar.total == bar.done == 2501


def test_a_big_tracker_reports_every_step_and_a_small_one_none(workspace: Workspace) -> None:
    from test_reports import FakeRegister, audit  # the report tests' own stand-ins

    big = _Recorder()
    fake: Any = FakeRegister([audit(i, "Good") for i in range(qa_tracker.BAR_FROM_AUDITS)])
    build_tracker(workspace, fake, progress=(big.start, big.step))
    assert big.total == qa_tracker.STEPS and big.done == qa_tracker.STEPS
    small = _Recorder()
    build_tracker(workspace, FakeRegister([audit(1, "Good")]), progress=(small.start, small.step))  # type: ignore[arg-type]
    assert small.total is None and small.done == 0
