"""`qaf demo` is a council's first look at qaf: its made-up roster is a clean, realistic setup, so
`qaf status` has nothing to warn of (warnings are for real mistakes), and what it prints is what
the README shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qaf_docs import clock
from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_teams

README = Path(__file__).resolve().parents[1] / "README.md"
DAY = date(2026, 11, 23)  # the README's block names this day's quarter and month


def test_the_readme_demo_leaves_every_team_its_manager_and_nothing_for_status_to_warn_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(clock, "today", lambda: DAY)
    demo = CliRunner().invoke(cli, ["demo", "--workspace", "qaf-demo"])
    assert demo.exit_code == 0, demo.output
    assert "(qaf remind); everyone they go to is on the roster" in demo.output, demo.output

    sheet = openpyxl.load_workbook(tmp_path / "qaf-demo" / "roster.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    managed = {row[3] for row in rows if row[2] == "Team Manager"}
    assert managed == {t.name for t in synthetic_teams(8, seed=2026)}

    status = CliRunner().invoke(cli, ["status", "--workspace", "qaf-demo"])
    assert status.exit_code == 0, status.output
    assert "Warning" not in status.output, status.output

    shown = README.read_text("utf-8").split("```\nDone. Open these:\n", 1)[1].split("```", 1)[0]
    assert "Done. Open these:\n" + shown in demo.output, "README's `qaf demo` block is not true"
