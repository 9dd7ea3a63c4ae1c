"""Figures that appear in more than one output agree: the QA tracker, the reports, ``qaf
escalations`` and the case notes say the same thing about the same register."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx
from lifecycle_helpers import run
from openpyxl import load_workbook
from test_reports import document_text

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.outcomes.produce import NOTES
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


def qaf(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


def summary_row(ws: Workspace, label: str) -> tuple[object, ...]:
    sheet = load_workbook(ws.tracker_path)["Summary"]
    return next(r for r in sheet.iter_rows(values_only=True) if r[0] == label)


def test_an_open_safeguarding_concern_counts_as_an_open_escalation_everywhere(
    workspace: Workspace, framework: Framework, issued: list[AuditRecord]
) -> None:
    # West Sussex: "any immediate safeguarding concerns identified must be escalated immediately".
    form = complete_form(pack_docx(workspace, issued[0]), framework)
    form.tick("qaf_concern").text("qaf_concern_text", "New injury not followed up.").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "concern.docx")
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail

    listed = qaf(workspace, "escalations")
    assert "Immediate safeguarding concern" in listed and "open" in listed
    qaf(workspace, "report")
    assert summary_row(workspace, "Open escalations")[1:3] == (
        1,
        "1 of them a safeguarding concern",
    )
    quarter = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"
    qaf(workspace, "report", "quarter", quarter)
    text = document_text(workspace.outbox / "reports" / f"QA_report_{quarter}.docx")
    assert "Open escalations: 1 (a safeguarding concern)." in text

    [number] = [line.split(".")[0] for line in listed.splitlines() if "safeguarding" in line]
    qaf(workspace, "escalations", "--resolve", number, "--note", "Strategy discussion held")
    qaf(workspace, "report")
    assert summary_row(workspace, "Open escalations")[1] == 0
    assert summary_row(workspace, "Safeguarding concerns raised")[1] == 1  # raised, whatever since


def test_the_moderation_case_note_gives_the_day_the_tracker_and_export_give(
    workspace: Workspace, framework: Framework, issued: list[AuditRecord]
) -> None:
    """A moderated form that reaches the inbox days after the moderation: the case note says the
    audit was moderated on the moderator's date, as the tracker's Moderation sheet and the export
    do, not on the day the file was read."""
    moderated_on = TODAY - timedelta(days=3)
    form = complete_form(
        pack_docx(workspace, issued[0]), framework, grade="Requires improvement to be good"
    )
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    form.text("qaf_moderation_reason", "Supervision shows the plan is on track.")
    form.pick_date("qaf_moderation_date", moderated_on).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "moderated.docx")
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail

    qaf(workspace, "report")
    sheet = load_workbook(workspace.tracker_path)["Moderation"]
    [row] = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert row[6].date() == moderated_on  # type: ignore[union-attr]
    [note] = (workspace.outbox / NOTES).glob(f"*/* {issued[0].audit_ref} grade changed.txt")
    text = note.read_text(encoding="utf-8")
    assert f"moderated on {moderated_on:%d/%m/%Y}: the grade was changed" in text
