"""An escalation's outcome: the grade it decides becomes the audit's, and goes on the child's record.

West Sussex: "The outcome of escalation will determine the direction of the case work, e.g., if
graded inadequate, the 'Inadequate' escalation process will be followed, and a case note placed on
file to reflect this. If the audit is upgraded, this will be recorded on the case file as a Mosaic
case note."
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import TODAY
from docx import Document
from lifecycle_helpers import INADEQUATE, moderate
from openpyxl import load_workbook

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditRecord, EscalationRecord
from qaf_docs.register.location import open_register
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.reports.export import audit_document
from qaf_docs.reports.figures import headline
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends
GRADES_APART = 1 + [name for name, _ in MIGRATIONS].index(
    "the grade an escalation decided, apart from the moderator's"
)

RI = "Requires improvement to be good"


def _qaf(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    return result.exit_code, result.output


def _disputed(ws: Workspace, audit: AuditRecord, framework: Framework) -> EscalationRecord:
    moderate(ws, audit, framework, RI, "Plans lack timescales.")
    with open_register(ws) as register:
        return register.record_dispute(
            audit.audit_ref,
            "The service area says the plan's timescales are in the minutes.",
            roles=framework.escalation.grade_disputes or ["QA Head of Service"],
            on=TODAY,
        )


def _resolve(ws: Workspace, dispute: EscalationRecord, *options: str) -> str:
    """``qaf escalations --resolve`` for ``dispute`` with ``options``; its output (it must succeed)."""
    code, out = _qaf(ws, "escalations", "--resolve", str(dispute.id), *options)
    assert code == 0, out
    return out


def _final(ws: Workspace, audit: AuditRecord) -> str | None:
    with open_register(ws) as register:
        return next(r for r in register.results() if r.audit_ref == audit.audit_ref).final_grade


def _notes(ws: Workspace, audit: AuditRecord) -> dict[str, str]:
    """The case notes written for ``audit``, by the event words their file names end with."""
    found = sorted((ws.outbox / "case-notes").glob(f"*/* {audit.audit_ref} *.txt"))
    return {p.stem.split(f"{audit.audit_ref} ", 1)[1]: p.read_text("utf-8") for p in found}


def test_an_upgrade_after_escalation_becomes_the_grade_and_a_mosaic_case_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    out = _resolve(
        workspace, dispute, "--note", "QA Head of Service review of the moderated audit",
        "--grade", "good",
    )  # fmt: skip
    assert f"Escalation {dispute.id} resolved" in out and f"'{RI}' changed to 'Good'" in out
    assert _final(workspace, audit) == "Good"
    with open_register(workspace) as register:
        [closed] = register.escalations(audit_ref=audit.audit_ref)
    assert not closed.open and "changed to 'Good'" in (closed.resolution or "")
    note = _notes(workspace, audit)["upgraded after escalation"]
    assert note.startswith("Mosaic case note")  # the collaborative audit's own words
    assert "upgraded after escalation on" in note and f"from {RI} to Good" in note
    # The moderator's grade and the escalation's are shown apart, not merged into one.
    assert "Grade after escalation: Good" in " ".join(note.split())
    assert f"Moderated grade: {RI}" in " ".join(note.split())
    assert "QA Head of Service review of the moderated audit" in note
    messages = list((workspace.outbox / "notifications").glob(f"*/{audit.audit_ref} upgraded*"))
    assert messages  # the practitioner, manager and auditor are told, as for a moderation


def test_an_outcome_that_keeps_the_grade_is_noted_as_resolved_not_upgraded(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    _resolve(workspace, dispute, "--note", "3-way meeting", "--grade", RI)
    assert _final(workspace, audit) == RI
    notes = _notes(workspace, audit)
    assert "upgraded after escalation" not in notes
    assert f"grade '{RI}' kept" in notes["escalation resolved"]


def test_an_outcome_of_inadequate_follows_the_inadequate_pathway(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    out = _resolve(workspace, dispute, "--note", "Head of Service", "--grade", INADEQUATE)
    assert _final(workspace, audit) == INADEQUATE
    with open_register(workspace) as register:
        raised = [e for e in register.escalations(audit_ref=audit.audit_ref) if e.open]
    assert raised, "the Inadequate pathway's first step is raised"
    assert f"{audit.audit_ref}: {raised[0].title} raised" in out
    assert "escalation resolved" in _notes(workspace, audit)


def test_a_grade_off_the_scale_changes_nothing_and_says_what_to_use(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    code, out = _qaf(
        workspace, "escalations", "--resolve", str(dispute.id), "--note", "x", "--grade", "Goodish"
    )
    assert code != 0
    assert "'Goodish' is not a grade" in out and "Outstanding, Good" in out
    assert f"Escalation {dispute.id} is still open" in out
    code, out = _qaf(workspace, "escalations", "--grade", "Good")
    assert code != 0 and "--grade goes with --resolve" in out
    code, out = _qaf(workspace, "escalations", "--resolve", str(dispute.id), "--grade", "Good")
    # It said "Say how the escalation was resolved." without naming the options.
    assert code != 0 and f"Say how escalation {dispute.id} was resolved" in out
    assert f'--resolve {dispute.id} --note "' in out and "--by" in out
    assert _final(workspace, audit) == RI
    with open_register(workspace) as register:
        assert register.escalations(audit_ref=audit.audit_ref)[0].open
    assert "escalation resolved" not in _notes(workspace, audit)


def test_an_escalation_number_mistyped_names_the_open_ones(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    dispute = _disputed(workspace, issued[0], framework)
    code, out = _qaf(workspace, "escalations", "--resolve", str(dispute.id + 7), "--note", "x")
    assert code != 0 and "Traceback" not in out
    assert f"There is no escalation number {dispute.id + 7}" in out
    assert f"the open ones are {dispute.id} ({issued[0].audit_ref})" in out
    _resolve(workspace, dispute, "--note", "agreed", "--by", "Sam Lead")
    code, out = _qaf(workspace, "escalations", "--resolve", str(dispute.id + 7), "--note", "x")
    assert code != 0 and "none is open" in out


def test_a_resolution_without_a_grade_is_noted_and_leaves_the_grade(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    _resolve(workspace, dispute, "--note", "Agreed at the meeting")
    assert _final(workspace, audit) == RI
    assert "Agreed at the meeting" in _notes(workspace, audit)["escalation resolved"]
    code, again = _qaf(workspace, "escalations", "--resolve", str(dispute.id), "--note", "again")
    # Said as every message gives a date (day/month/year), not as the register keeps it.
    assert code != 0 and f"was resolved on {TODAY:%d/%m/%Y}." in again
    assert TODAY.isoformat() not in again


def test_a_corrected_copy_sent_after_the_escalation_keeps_its_grade_a_new_judgement_does_not(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    _resolve(workspace, dispute, "--note", "Head of Service review", "--grade", "Good")
    # The auditor sends the form again with a typo put right: it still shows the moderator's grade.
    moderate(workspace, audit, framework, RI, "Plans lack timescales (corrected).")
    assert _final(workspace, audit) == "Good"
    with open_register(workspace) as register:
        assert "an escalation decided stands" in register.events(audit.audit_ref)[-1].reason
    # A later moderation that gives another grade is a new judgement, and it counts.
    moderate(workspace, audit, framework, "Outstanding", "New evidence of impact.")
    assert _final(workspace, audit) == "Outstanding"


def test_the_moderators_grade_stays_theirs_when_an_escalation_decides_another(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)  # the moderator kept the auditor's RI
    _resolve(workspace, dispute, "--note", "Head of Service review", "--grade", "Good")
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
        exported = audit_document(result)
    assert (result.overall_grade, result.moderated_grade) == (RI, RI)
    assert (result.escalation_grade, result.final_grade) == ("Good", "Good")
    # Moderation figures count what the moderator did: they changed nothing.
    figures = headline([result], framework, TODAY, 0.1)
    assert (figures.moderated, figures.changed, figures.good) == (1, 0, 1)
    assert exported["moderated_grade"] == RI
    assert (exported["escalation_grade"], exported["final_grade"]) == ("Good", "Good")


def test_a_register_that_wrote_the_escalation_over_the_moderators_grade_is_put_right(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)
    _resolve(workspace, dispute, "--note", "Head of Service review", "--grade", "Good")
    with open_register(workspace) as register:
        version = register.schema_version()
        with register.transaction() as db:  # as qaf wrote it before the grades were kept apart
            db.execute(
                "UPDATE submissions SET moderated_grade = escalation_grade, escalation_grade = NULL "
                "WHERE escalation_grade IS NOT NULL"
            )
            db.execute("DELETE FROM schema_migrations WHERE version >= ?", (GRADES_APART,))
    assert _final(workspace, audit) == "Good"  # reopening ran the migration again
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
        assert register.schema_version() == version
    assert (result.moderated_grade, result.escalation_grade) == (RI, "Good")


def test_reports_show_a_grade_an_escalation_changed_beside_the_moderators_changes(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    dispute = _disputed(workspace, audit, framework)  # the moderator kept the auditor's RI
    _resolve(workspace, dispute, "--note", "Head of Service review", "--grade", "Good")
    code, out = _qaf(workspace, "report", "round", audit.round_id)
    assert code == 0, out
    doc = Document(str(workspace.outbox / "reports" / f"round_{audit.round_id}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Grades the moderator changed: 0" in text  # the moderator did keep it …
    assert "Grades changed after an escalation (a disputed moderation, or the Inadequate " in text
    # … and the table of changed grades says where the final Good came from, and why.
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    [row] = [r for r in rows if r[0] == audit.audit_ref]
    assert row[2:4] == [RI, "Good (after escalation)"]
    assert "changed to 'Good'" in row[4]
    code, out = _qaf(workspace, "report")
    assert code == 0, out
    sheet = load_workbook(workspace.outbox / "QA_tracker.xlsx")["Moderation"]
    [outcome] = [r[9].value for r in sheet.iter_rows(min_row=2) if r[0].value == audit.audit_ref]
    assert outcome == "Kept; Good after escalation"
