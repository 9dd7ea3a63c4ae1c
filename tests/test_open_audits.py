"""When a child counts as "in an open audit" for sampling: from allocation until moderated.

An audit back from its auditor is open while it waits for moderation (``qaf moderation queue``);
under a framework that does not moderate, it is done once returned, so its own Inadequate grade
brings the child back for the re-audit three months on, whether or not a manager ever returned the
tracker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from lifecycle_helpers import return_form

from qaf_docs.cases import rounds
from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file
from qaf_docs.errors import QafError
from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace, init_workspace

INADEQUATE = "Inadequate"
LATER = TODAY + timedelta(days=100)  # past the three months a re-audit waits


def _workspace(root: Path, framework: str) -> Workspace:
    return init_workspace(root, framework=framework)


def _case_list(path: Path) -> Path:
    rows = ["Child ID,Case Type,Start Date,Allocated Team,Allocated Worker"]
    rows += [f"C{500 + i},CP,2026-01-0{i + 1},Team {'AB'[i % 2]},Worker {i}" for i in range(4)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _draw(ws: Workspace, tmp_path: Path, kind: str, today: object, **kw: object) -> object:
    roster = write_roster_file(tmp_path / "roster.csv", synthetic_roster(4, seed=1))
    return rounds.draw(
        ws, _case_list(tmp_path / "cases.csv"), roster, kind=kind, seed=7, today=today, **kw
    )  # type: ignore[arg-type]


def _inadequate_returned(ws: Workspace, tmp_path: Path) -> tuple[AuditRecord, Framework]:
    _draw(ws, tmp_path, "simple", TODAY, n=1)
    framework = ws.load_framework()
    with open_register(ws) as register:
        generate_packs(ws, register)
        [audit] = register.audits()
    outcome = return_form(ws, audit, framework, grade=INADEQUATE)
    assert outcome.result == "accepted", outcome.findings
    return audit, framework


def test_without_moderation_a_returned_inadequate_audit_brings_its_child_back_for_reaudit(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path / "ws", "live-case-audit")
    audit, _ = _inadequate_returned(ws, tmp_path)
    # No manager has returned the tracker: the audit is still 'returned'.
    report = _draw(ws, tmp_path, "reaudit", LATER)
    assert [case for case, _, _ in report.audits] == [audit.case_id]  # type: ignore[attr-defined]
    # The round lists it as due, not as drawn at random.
    shown = CliRunner().invoke(cli, ["round", "show", report.round_id, "-w", str(ws.root)])  # type: ignore[attr-defined]
    assert f"case {audit.case_id}" in shown.output and "(re-audit due)" in shown.output
    assert "at random" not in shown.output
    # The manifest says so too, also once it is rewritten after a change, and the round still
    # verifies as drawn by its own rule.
    manifest = report.manifest  # type: ignore[attr-defined]
    assert _how_chosen(manifest) == {audit.case_id: "re-audit due"}
    refreshed = CliRunner().invoke(
        cli,
        ["round", "show", report.round_id, "--update-manifest", "-w", str(ws.root)],  # type: ignore[attr-defined]
    )
    assert refreshed.exit_code == 0, refreshed.output
    assert _how_chosen(manifest) == {audit.case_id: "re-audit due"}
    checked = rounds.verify(ws, manifest, tmp_path / "cases.csv", tmp_path / "roster.csv")
    assert checked.ok, checked.explanation


def _how_chosen(manifest: Path) -> dict[str, str]:
    """Each case's "How chosen" on the manifest's Audits sheet."""
    from openpyxl import load_workbook

    rows = list(load_workbook(manifest)["Audits"].iter_rows(values_only=True))
    header = list(rows[0])
    case, how = header.index("Case ID"), header.index("How chosen")
    return {str(r[case]): str(r[how]) for r in rows[1:]}


def test_an_audit_waiting_for_moderation_keeps_its_child_out_of_a_new_round(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path / "ws", "collaborative-audit")
    audit, framework = _inadequate_returned(ws, tmp_path)
    report = _draw(ws, tmp_path, "simple", TODAY, n=3, dry_run=True)
    assert audit.case_id not in [case for case, _, _ in report.audits]  # type: ignore[attr-defined]
    with open_register(ws) as register:
        plan = rounds.history(register, ws, TODAY)
    assert plan.open_audits == {audit.case_id: audit.round_id}
    # Moderated, the audit is done: the child is no longer held by it.
    return_form(ws, audit, framework, name="moderated.docx", grade=INADEQUATE, moderated=INADEQUATE)
    with open_register(ws) as register:
        assert rounds.history(register, ws, TODAY).open_audits == {}


def test_a_monthly_reaudit_list_takes_the_reaudits_falling_due_within_the_setting(
    tmp_path: Path,
) -> None:
    # A list drawn on the 1st took only re-audits due by that day; those due later in the month
    # waited for next month's list, a month late.
    ws = _workspace(tmp_path / "ws", "live-case-audit")
    audit, _ = _inadequate_returned(ws, tmp_path)
    early = TODAY + timedelta(days=75)  # about two weeks before the three months are up
    with pytest.raises(QafError, match="Nothing to audit"):
        _draw(ws, tmp_path, "reaudit", early)
    text = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(
        text.replace("reaudits_due_within_days = 0", "reaudits_due_within_days = 30"),
        encoding="utf-8",
    )
    report = _draw(ws, tmp_path, "reaudit", early)
    assert [case for case, _, _ in report.audits] == [audit.case_id]  # type: ignore[attr-defined]
