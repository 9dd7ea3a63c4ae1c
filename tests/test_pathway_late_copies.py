"""The Inadequate pathway when a copy of an earlier audit arrives after its re-audit came back
Inadequate: a corrected copy changing only a rationale, or the earlier audit's late moderation. The
case's audits keep the order they were planned in, whatever order their forms arrive in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits
from lifecycle_helpers import INADEQUATE, reaudit, return_form, run

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

AD = "Escalation to the Assistant Director"
REAUDIT = "Re-audit at three months"


def first_audit(ws: Workspace, register: Register) -> AuditRecord:
    plan_audits(register, ws, 1)
    generate_packs(ws, register)
    [first] = register.audits()
    return first


def steps(register: Register) -> list[tuple[str, str, bool, str | None]]:
    return [(e.audit_ref, e.title, e.open, e.resolution) for e in register.escalations()]


def listed(ws: Workspace, command: str) -> str:
    result = CliRunner().invoke(cli, [command, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_corrected_rationale_of_the_earlier_audit_leaves_the_reaudits_escalation_where_it_is(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """Both audits carry the same audit date (as in the demo): the earlier audit's corrected copy
    came in last, so it was taken for the later audit. It was escalated to the Assistant Director
    "for the second time in a row", and the re-audit's own escalation was resolved by it."""
    first = first_audit(workspace, register)
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    done = return_form(
        workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    assert f"escalated: {AD}" in done.detail
    form = complete_form(pack_docx(workspace, first), framework, grade=INADEQUATE)
    form.text("qaf_overall_rationale", "Overall, practice is sound; typing corrected.")
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", INADEQUATE)
    form.text("qaf_moderation_reason", "Moderated.").pick_date("qaf_moderation_date", TODAY)
    form.save()
    drop(pack_docx(workspace, first), workspace.inbox, "corrected.docx")
    [late] = run(workspace)
    assert late.result == "accepted", late.findings
    assert "escalated" not in late.detail
    assert steps(register) == [
        (first.audit_ref, REAUDIT, False, f"escalated further: {AD} ({second.audit_ref})"),
        (second.audit_ref, AD, True, None),
    ]
    escalations = listed(workspace, "escalations")
    assert f"{second.audit_ref} case {second.case_id}: {AD}" in escalations
    assert f"{first.audit_ref} case {first.case_id}: {AD}" not in escalations
    status = listed(workspace, "status")
    assert f"ESCALATION {second.audit_ref} (case {second.case_id}): {AD}" in status
    assert f"ESCALATION {first.audit_ref}" not in status


def test_the_earlier_audits_late_moderation_raises_its_step_resolved_by_the_reaudits_escalation(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """The re-audit came back Inadequate and moderated before the earlier audit's moderation.
    In order, the earlier audit's re-audit step would have been resolved when the re-audit went to
    the Assistant Director; before, the late moderation resolved the Assistant Director's
    escalation instead ("escalated further: Re-audit at three months") and left the re-audit step
    open, so qaf status chased a re-audit already done and dropped the Assistant Director."""
    first = first_audit(workspace, register)
    early = TODAY - timedelta(days=100)
    return_form(workspace, first, framework, grade=INADEQUATE, audit_day=early)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE)
    late = return_form(
        workspace, first, framework, name="m.docx", grade=INADEQUATE, moderated=INADEQUATE,
        audit_day=early,
    )  # fmt: skip
    assert late.result == "accepted", late.findings
    assert (
        f"escalated: {REAUDIT}, resolved at once: the case was audited again since (escalated "
        f"further: {AD} ({second.audit_ref}))"
    ) in late.detail
    assert steps(register) == [
        (second.audit_ref, AD, True, None),
        (first.audit_ref, REAUDIT, False, f"escalated further: {AD} ({second.audit_ref})"),
    ]
    status = listed(workspace, "status")
    assert f"ESCALATION {second.audit_ref} (case {second.case_id}): {AD}" in status
    assert f"ESCALATION {first.audit_ref}" not in status
