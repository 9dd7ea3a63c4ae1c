"""The roster ``qaf init`` writes as an example is complete for the teams it names: a newcomer
who saves it as roster.xlsx and walks the README's monthly workflow on the public Annex A sample
reads no warning about the roster in ``qaf status``, ``qaf remind`` or ``qaf case-notes``. A
roster that lacks a Moderator or a team's manager is still warned about."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import complete_form, drop

from qaf_docs.cli import cli
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace, init_workspace

ANNEX_A = Path(__file__).resolve().parent / "data" / "annex_a_sample.xlsx"
# What only the case list can put right: the sample has cases with no team and no worker.
CASE_LIST_ONLY = re.compile(r"no team is recorded|no allocated worker is recorded")


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def qaf(ws: Workspace, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, [*map(str, args), "--workspace", str(ws.root)])


def warnings_in(*results: Result) -> list[str]:
    return [x for r in results for x in r.output.splitlines() if x.startswith("Warning")]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The README's month: the example saved as roster.xlsx, a round sampled by team, its packs
    written, every form filled in and ingested (the first graded Inadequate)."""
    ws = init_workspace(tmp_path_factory.mktemp("walk") / "ws", council_name="West Sussex")
    (ws.root / "roster_example.xlsx").rename(ws.root / "roster.xlsx")
    drawn = qaf(ws, "sample", ANNEX_A, "--n", "16", "--stratify", "team", "--seed", "7")
    assert drawn.exit_code == 0, drawn.output
    assert qaf(ws, "generate").exit_code == 0
    framework = ws.load_framework()
    with open_register(ws) as register:
        audits = register.audits()
    for i, audit in enumerate(audits):
        pack = ws.root / "outbox" / "packs" / audit.round_id / f"{audit.audit_ref}.docx"
        grade = "Inadequate" if i == 0 else "Good"
        drop(complete_form(pack, framework, grade=grade).save(), ws.inbox, pack.name)
    assert qaf(ws, "ingest").exit_code == 0
    return ws


def test_the_walk_through_with_the_example_roster_warns_of_nothing_on_the_roster(
    walked: Workspace,
) -> None:
    # Before: 56 warnings, no Moderator and no Team Manager for most teams, practitioners unknown.
    said = [qaf(walked, "status"), qaf(walked, "remind"), qaf(walked, "case-notes")]
    assert all(r.exit_code == 0 for r in said), [r.output for r in said]
    about_roster = [w for w in warnings_in(*said) if not CASE_LIST_ONLY.search(w)]
    assert about_roster == [], about_roster


def test_a_roster_without_moderators_or_a_teams_manager_is_still_warned_about(
    walked: Workspace,
) -> None:
    path = walked.root / "roster.xlsx"
    kept = path.read_bytes()
    with open_register(walked) as register:
        team = next(a.team for a in register.audits() if a.team)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row in range(sheet.max_row, 1, -1):  # bottom up, so deleting keeps the rows to come
        role, row_team = sheet.cell(row, 3).value, sheet.cell(row, 4).value
        if role == "Moderator" or (role == "Team Manager" and row_team == team):
            sheet.delete_rows(row)
    book.save(path)
    try:
        warned = warnings_in(qaf(walked, "status"))
    finally:
        path.write_bytes(kept)
    assert any("roster lists no Moderator" in w for w in warned), warned
    assert any(f"no Team Manager for team '{team}' on the roster" in w for w in warned), warned
