"""Figures that appear in more than one output agree: the QA tracker, the reports, ``qaf
escalations`` and the case notes say the same thing about the same register."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

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
from qaf_docs.register.store import Register
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


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_export_shows_each_concern_open_or_resolved_as_the_tracker_and_escalations_do(
    workspace: Workspace, framework: Framework, issued: list[AuditRecord]
) -> None:
    """An open and a resolved safeguarding concern: the export's JSON and CSV and the tracker's
    Concerns sheet carry when each was raised and resolved, by whom and how, and count the one
    still open as the tracker's Summary "Open escalations" and ``qaf escalations`` do."""
    for audit, text in (
        (issued[0], "Bruising not followed up."),
        (issued[1], "No visit in 8 weeks."),
    ):
        form = complete_form(pack_docx(workspace, audit), framework)
        form.tick("qaf_concern").text("qaf_concern_text", text).save()
        drop(pack_docx(workspace, audit), workspace.inbox, f"{audit.audit_ref}.docx")
    assert [o.result for o in run(workspace)] == ["accepted", "accepted"]
    listed = qaf(workspace, "escalations")
    [number] = [line.split(".")[0] for line in listed.splitlines() if issued[1].audit_ref in line]
    qaf(workspace, "escalations", "--resolve", number, "--note", "Visit made", "--by", "Sam Lead")

    # qaf escalations: one open; --all also shows who resolved the other, when and how.
    assert qaf(workspace, "escalations").count("- open") == 1
    everything = qaf(workspace, "escalations", "--all")
    assert f"resolved {TODAY:%d/%m/%Y} by Sam Lead: Visit made" in everything
    qaf(workspace, "report")
    assert summary_row(workspace, "Open escalations")[1:3] == (
        1,
        "1 of them a safeguarding concern",
    )

    audits = json.loads(qaf(workspace, "export", "--format", "json"))["audits"]
    concerns = {a["audit_ref"]: c for a in audits for c in a["concerns"]}
    still_open, resolved = concerns[issued[0].audit_ref], concerns[issued[1].audit_ref]
    assert still_open["raised_on"] == TODAY.isoformat() and still_open["resolved_on"] is None
    assert still_open["resolved_by"] is None and still_open["resolution"] is None
    assert resolved["raised_on"] == TODAY.isoformat()
    assert (resolved["resolved_on"], resolved["resolved_by"], resolved["resolution"]) == (
        TODAY.isoformat(),
        "Sam Lead",
        "Visit made",
    )
    open_in_json = [
        e for a in audits for e in [*a["escalations"], *a["concerns"]] if e["resolved_on"] is None
    ]
    assert len(open_in_json) == summary_row(workspace, "Open escalations")[1]

    # The tracker's Concerns sheet shows the QA team which is still open, and how the other closed.
    sheet = load_workbook(workspace.tracker_path)["Concerns"]
    header = [c.value for c in sheet[1]]
    listed = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert listed[issued[0].audit_ref]["Status"] == "Open"
    assert listed[issued[0].audit_ref]["Resolved on"] is None
    shut = listed[issued[1].audit_ref]
    assert shut["Status"] == "Resolved" and shut["Resolved on"].date() == TODAY  # type: ignore[union-attr]
    assert (shut["Resolved by"], shut["Resolution"]) == ("Sam Lead", "Visit made")

    qaf(workspace, "export", "--format", "csv", "--output", str(workspace.root / "csv"))
    escalations = csv_rows(workspace.root / "csv" / "escalations.csv")
    assert [r["kind"] for r in escalations] == ["safeguarding concern"] * 2
    assert [r["audit_ref"] for r in escalations if not r["resolved_on"]] == [issued[0].audit_ref]
    [closed] = [r for r in escalations if r["resolved_on"]]
    assert (closed["resolved_by"], closed["resolution"]) == ("Sam Lead", "Visit made")
    assert closed["reason"] == "No visit in 8 weeks." and closed["escalated_to"]
    rows = {r["audit_ref"]: r for r in csv_rows(workspace.root / "csv" / "concerns.csv")}
    assert rows[issued[1].audit_ref]["resolved_on"] == TODAY.isoformat()
    assert rows[issued[1].audit_ref]["resolved_by"] == "Sam Lead"
    assert rows[issued[0].audit_ref]["resolved_on"] == ""


def test_an_overdue_audit_with_no_auditor_counts_everywhere_and_is_given_to_the_qa_lead(
    workspace: Workspace, register: Register, issued: list[AuditRecord]
) -> None:
    """Overdue is "a pack not back by its due date" (DESIGN), and completion is against the plan:
    an audit still planned with nobody given it, past its due date, is overdue in the tracker, the
    export, ``qaf status`` and ``qaf remind`` alike. Nobody can be reminded of it, so status and
    remind say so and name who acts: the QA lead, giving it an auditor."""
    nobody = issued[0]
    with register.transaction() as db:
        db.execute(
            "UPDATE audits SET status = 'planned', auditor = '', auditor_email = '', due_on = ? "
            "WHERE audit_ref = ?",
            ((TODAY - timedelta(days=3)).isoformat(), nobody.audit_ref),
        )
    qaf(workspace, "report")
    counted = summary_row(workspace, "Returns overdue")
    assert counted[1] == 1 and "one with no auditor counts" in str(counted[2])
    audits = json.loads(qaf(workspace, "export", "--format", "json"))["audits"]
    assert [a["audit_ref"] for a in audits if a["return_overdue"]] == [nobody.audit_ref]

    status = qaf(workspace, "status")
    listed = [line for line in status.splitlines() if line.strip().startswith("overdue pack")]
    assert len(listed) == counted[1]
    assert nobody.audit_ref in listed[0] and "no auditor is allocated" in listed[0]
    said = f'the QA lead gives it one with qaf round reassign {nobody.audit_ref} --to "NAME"'
    assert said in listed[0]
    reminded = qaf(workspace, "remind")
    [warning] = [line for line in reminded.splitlines() if nobody.audit_ref in line]
    due = TODAY - timedelta(days=3)
    assert f"case {nobody.case_id}) is OVERDUE, was due {due:%d/%m/%Y}" in warning
    assert "nobody can be reminded" in warning and "qaf round reassign" in warning


def test_the_export_counts_returns_grades_and_actions_as_the_tracker_does(
    workspace: Workspace, framework: Framework, register: Register, issued: list[AuditRecord]
) -> None:
    """One audit came back late and moderated, with actions past due; one is overdue; one is not
    due yet. The export's late and overdue flags add up to the tracker's Summary figures, and
    each audit's grades and each action's status and overdue flag are the tracker's."""
    late, overdue, _ = issued
    with register.transaction() as db:
        for audit in (late, overdue):
            db.execute(
                "UPDATE audits SET due_on = ? WHERE audit_ref = ?",
                ((TODAY - timedelta(days=3)).isoformat(), audit.audit_ref),
            )
    form = complete_form(
        pack_docx(workspace, late), framework, audit_day=TODAY - timedelta(days=30)
    )
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Outstanding")
    form.text("qaf_moderation_reason", "The child's plan is working.").save()
    drop(pack_docx(workspace, late), workspace.inbox, "late.docx")
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail
    qaf(workspace, "report")
    audits = {
        a["audit_ref"]: a
        for a in json.loads(qaf(workspace, "export", "--format", "json"))["audits"]
    }

    assert summary_row(workspace, "Audits returned")[1] == 1
    assert sum(a["returned_on"] is not None for a in audits.values()) == 1
    assert summary_row(workspace, "Returned late")[1] == 1
    assert [r for r, a in audits.items() if a["returned_late"]] == [late.audit_ref]
    assert summary_row(workspace, "Returns overdue")[1] == 1
    assert [r for r, a in audits.items() if a["return_overdue"]] == [overdue.audit_ref]

    book = load_workbook(workspace.tracker_path)
    sheet = book["Audits"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        tracked = dict(zip(header, row, strict=True))
        exported = audits[str(tracked["Audit ref"])]
        assert exported["overall_grade"] == tracked["Auditor's grade"]
        assert exported["moderated_grade"] == tracked["Moderated grade"]
        assert exported["final_grade"] == tracked["Final grade"]
    assert audits[late.audit_ref]["final_grade"] == "Outstanding"
    actions = [dict(zip([c.value for c in book["Actions"][1]], r, strict=True))
               for r in book["Actions"].iter_rows(min_row=2, values_only=True)]  # fmt: skip
    exported_actions = audits[late.audit_ref]["actions"]
    assert [x["status"] for x in exported_actions] == [x["Status"] for x in actions]
    assert [x["overdue"] for x in exported_actions] == [x["RAG"] == "Overdue" for x in actions]
    assert all(x["overdue"] for x in exported_actions)  # both were due within 30 days of the audit


@pytest.mark.parametrize(
    ("open_", "concerns", "said"),
    [
        (3, 0, "3"),
        (1, 1, "1 (a safeguarding concern)"),
        (2, 2, "2 (all safeguarding concerns)"),
        (
            3,
            1,
            "3, 1 of them a safeguarding concern",
        ),  # it read "3, of which a safeguarding concern"
        (4, 2, "4, 2 of them safeguarding concerns"),
    ],
)
def test_the_reports_open_escalations_say_how_many_are_concerns_in_plain_words(
    open_: int, concerns: int, said: str
) -> None:
    from qaf_docs.reports.figures import Headline
    from qaf_docs.reports.report_content import open_escalations

    figures = Headline(*(0,) * 7, 0.1, 0, 0, None, 0, 0, 0, open_, concerns, None, concerns)
    assert open_escalations(figures) == said
