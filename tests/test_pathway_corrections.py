"""The Inadequate pathway when the auditor's corrected copies change the grade back and forth."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import TODAY, drop, pack_docx, plan_audits
from lifecycle_helpers import INADEQUATE, return_form, run

from qaf_docs.cli import cli
from qaf_docs.dates import uk
from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


def test_inadequate_again_in_a_corrected_copy_starts_the_stood_down_step_again(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """Inadequate, then a corrected copy graded Good (the step stands down), then another
    corrected copy graded Inadequate: the re-audit step starts again and the QA team is told."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    blank = pack_docx(workspace, audit).read_bytes()  # the auditor's own copy, as issued
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE)
    good = return_form(workspace, audit, framework, name="c1.docx", grade="Good", moderated="Good")
    assert (
        "Inadequate pathway stood down: Re-audit at three months (audit "
        f"{audit.audit_ref} graded 'Good'); a later copy graded Inadequate again starts it again"
    ) in good.detail
    [stood_down] = register.escalations()
    assert stood_down.resolution == f"audit {audit.audit_ref} graded 'Good'"

    pack_docx(workspace, audit).write_bytes(blank)
    corrected = return_form(
        workspace, audit, framework, name="c2.docx", grade=INADEQUATE, actions=3
    )
    assert "escalated" not in corrected.detail, "the pathway waits for the moderation"
    again = moderate_latest(workspace, audit, INADEQUATE)
    said = (
        f"escalated: Re-audit at three months (graded {INADEQUATE} again: the step stood down on "
        f"{uk(TODAY)}, when a copy of this audit graded 'Good' was accepted, starts again)"
    )
    assert said in again.detail
    [restarted] = register.escalations()
    assert (restarted.open, restarted.level, restarted.raised_on) == (True, "reaudit", TODAY)
    listed = CliRunner().invoke(cli, ["escalations", "-w", str(workspace.root)])
    assert listed.exit_code == 0, listed.output
    assert "Re-audit at three months" in listed.output
    # The child comes back for the re-audit, and the step goes on the record once more.
    history = register.sampling_history(lambda _: framework)
    assert audit.case_id in history["reaudit_due"]
    notes = sorted(p.name for p in (workspace.outbox / "case-notes").rglob("*escalated*.txt"))
    assert len(notes) == 2, notes
    # Sent again as it is (redo after an interruption), nothing is raised a third time.
    register.apply_pathway(audit.audit_ref, framework, TODAY)
    assert [e.open for e in register.escalations()] == [True]
    assert len(list((workspace.outbox / "case-notes").rglob("*escalated*.txt"))) == 2


def moderate_latest(ws: Workspace, audit: AuditRecord, grade: str) -> Outcome:
    """The moderator fills the moderation form ``qaf generate --moderation`` writes from the
    latest copy, and it is read in."""
    made = CliRunner().invoke(cli, ["generate", "--moderation", "-w", str(ws.root)])
    assert made.exit_code == 0, made.output
    path = ws.outbox / "moderation" / f"{audit.audit_ref}.docx"
    form = (
        FormFiller(path).text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", grade)
    )
    form.text("qaf_moderation_reason", "Moderated.").pick_date("qaf_moderation_date", TODAY).save()
    drop(path, ws.inbox, "moderated.docx")
    [outcome] = run(ws)
    assert outcome.result == "accepted", outcome.findings
    return outcome


def test_a_step_a_person_resolved_is_not_raised_again_by_a_corrected_copy(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    blank = pack_docx(workspace, audit).read_bytes()
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [step] = register.escalations()
    pack_docx(workspace, audit).write_bytes(blank)
    register.resolve_escalation(step.id, on=TODAY, resolution="Head of Service review", by="H")
    again = return_form(workspace, audit, framework, name="c2.docx", grade=INADEQUATE, actions=3)
    assert "escalated" not in again.detail
    assert [e.open for e in register.escalations()] == [False]
