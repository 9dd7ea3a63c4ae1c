"""`qaf demo` is a council's first look at qaf: its made-up roster is a clean, realistic setup, so
`qaf status` has nothing to warn of (warnings are for real mistakes), the two forms it fills with
mistakes are refused for just those, and what it prints is what the README shows (one run of the
README's command for all of it: the demo is the slowest thing the tests do)."""

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


def test_the_readme_demo_is_clean_refuses_its_planted_mistakes_only_and_prints_the_readme(
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

    # The moderator's date was filled as three days after the audit, so a form audited this week
    # was also refused for a moderation dated after the day it arrived.
    rejected = tmp_path / "qaf-demo" / "outbox" / "rejected"
    planted = {
        "QA2611-0001 completed.docx": ["'Goodish' is not a grade", "'ASAP' is not a concrete date"],
        "QA2611-0002 completed.docx": ["has no rationale", "no owner named"],
    }
    for form, mistakes in planted.items():
        note = (rejected / f"{form}.rejected.txt").read_text(encoding="utf-8")
        wrong = note.split("What is wrong", 1)[1].split("What to do", 1)[0]
        problems = [line for line in wrong.splitlines() if line[:1].isdigit()]
        assert len(problems) == len(mistakes), problems
        for problem, mistake in zip(problems, mistakes, strict=True):
            assert mistake in problem, problems

    shown = README.read_text("utf-8").split("```\nDone. Open these:\n", 1)[1].split("```", 1)[0]
    assert "Done. Open these:\n" + shown in demo.output, "README's `qaf demo` block is not true"
