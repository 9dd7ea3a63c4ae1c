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
from qaf_docs.dates import add_months
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
    # The child is still due the re-audit the Assistant Director's escalation asks for.
    due = add_months(TODAY, framework.months_to_next_audit("assistant_director"))
    assert register.sampling_history(lambda _: framework)["reaudit_due"] == {second.case_id: due}


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


def corrected_copy(ws: Workspace, audit: AuditRecord, framework: Framework, name: str) -> str:
    """The auditor corrects a rationale in the audit's form (grades, actions and moderation as
    accepted: Inadequate, moderated Inadequate), and it is read in: the ingest line's words."""
    form = complete_form(pack_docx(ws, audit), framework, grade=INADEQUATE)
    form.text("qaf_overall_rationale", f"Overall, practice is sound ({name} corrected).")
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", INADEQUATE)
    form.text("qaf_moderation_reason", "Moderated.").pick_date("qaf_moderation_date", TODAY)
    form.save()
    drop(pack_docx(ws, audit), ws.inbox, name)
    [outcome] = run(ws)
    assert outcome.result == "accepted", outcome.findings
    return outcome.detail


@pytest.mark.parametrize("late", [0, 1], ids=["first audit", "first re-audit"])
def test_a_corrected_copy_in_a_chain_of_two_reaudits_raises_nothing(
    workspace: Workspace, register: Register, framework: Framework, late: int
) -> None:
    """Three audits of the case, all Inadequate: re-audit, Assistant Director, Executive Director.
    A corrected copy of the first audit, or of the first re-audit, came in last and was taken for
    the fourth audit in a row: the Executive Director's escalation was raised on it, and the
    latest re-audit's was resolved by it."""
    first = first_audit(workspace, register)
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(
        workspace, second, framework, name="r1.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    [third] = [a for a in reaudit(workspace, register) if a.audit_ref != second.audit_ref]
    return_form(workspace, third, framework, name="r2.docx", grade=INADEQUATE, moderated=INADEQUATE)
    before = steps(register)
    assert [(ref, is_open) for ref, _, is_open, _ in before] == [
        (first.audit_ref, False), (second.audit_ref, False), (third.audit_ref, True)
    ]  # fmt: skip
    said = corrected_copy(workspace, [first, second][late], framework, "late.docx")
    assert "escalated" not in said
    assert steps(register) == before
    assert f"ESCALATION {third.audit_ref} (case" in listed(workspace, "status")


def test_an_escalation_resolved_by_hand_stays_resolved_when_an_earlier_copy_comes_in_late(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """The Assistant Director's escalation of the re-audit was resolved by the QA team; a late
    corrected copy of the earlier audit raised a second one, on the earlier audit."""
    first = first_audit(workspace, register)
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE)
    [ad] = [e for e in register.escalations() if e.audit_ref == second.audit_ref]
    resolved = CliRunner().invoke(
        cli, ["escalations", "-w", str(workspace.root), "--resolve", str(ad.id), "--note",
              "Assistant Director agreed a practice plan", "--by", "Q. Lead"],
    )  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    before = steps(register)
    said = corrected_copy(workspace, first, framework, "late.docx")
    assert "escalated" not in said
    assert steps(register) == before
    assert "ESCALATION" not in listed(workspace, "status")
    said = corrected_copy(workspace, second, framework, "late2.docx")
    assert "escalated" not in said
    assert steps(register) == before


RI = "Requires improvement to be good"


@pytest.mark.parametrize(
    "moderated", [None, INADEQUATE], ids=["first moderation", "moderated again"]
)
def test_a_late_moderation_grading_the_earlier_audit_better_keeps_the_reaudits_escalation_open(
    workspace: Workspace, register: Register, framework: Framework, moderated: str | None
) -> None:
    """The earlier audit's moderation, late, grades it better than Inadequate after the re-audit
    went to the Assistant Director as "Inadequate for the second time in a row". Before, the late
    moderation resolved the Assistant Director's escalation of the latest audit, an Inadequate
    one, without a word. It stays open; the ingest line, qaf status and qaf escalations say it
    counted a grade that has changed, and a person decides. Moderated again: the moderator
    changes the moderation they gave (the demo's QA2611-0011, moderated Inadequate at once)."""
    first = first_audit(workspace, register)
    early = TODAY - timedelta(days=100)
    return_form(workspace, first, framework, grade=INADEQUATE, audit_day=early, moderated=moderated)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE)
    late = return_form(
        workspace, first, framework, name="m.docx", grade=INADEQUATE, moderated=RI,
        audit_day=early,
    )  # fmt: skip
    assert late.result == "accepted", late.findings
    [ad] = register.escalations(audit_ref=second.audit_ref)
    assert (ad.title, ad.open) == (AD, True)
    assert [e.open for e in register.escalations(audit_ref=first.audit_ref)] == (
        [False] if moderated else []
    )
    assert (
        f"{AD} of audit {second.audit_ref} was raised counting audit {first.audit_ref} as "
        "Inadequate, which it no longer is: it stays open until the QA team resolves it (qaf "
        f"escalations --resolve {ad.id})"
    ) in late.detail
    changed = (
        f"graded Inadequate for the second time in a row; audit {first.audit_ref}, counted as "
        f"Inadequate, is now graded '{RI}' ({TODAY:%d/%m/%Y}): resolve this step if it no "
        "longer applies"
    )
    assert ad.reason == changed
    assert changed in listed(workspace, "status")
    assert changed in listed(workspace, "escalations")
    # Read in again (an interrupted ingest finished), it is said once in the reason.
    register.apply_pathway(first.audit_ref, framework, TODAY)
    [ad] = register.escalations(audit_ref=second.audit_ref)
    assert ad.reason == changed
    # Moderated Inadequate once more (a Head of Service's review): the note goes, and it is said.
    form = complete_form(pack_docx(workspace, first), framework, grade=INADEQUATE, audit_day=early)
    form.text("qaf_moderator", "H. Service").choose("qaf_moderated_grade", INADEQUATE)
    form.text("qaf_moderation_reason", "Reviewed: Inadequate.").pick_date(
        "qaf_moderation_date", TODAY
    )
    drop(form.save(), workspace.inbox, "m2.docx")
    [back] = run(workspace)
    assert back.result == "accepted", back.findings
    assert (
        f"{AD} of audit {second.audit_ref} counts audit {first.audit_ref} as Inadequate again, "
        "as it was raised"
    ) in back.detail
    [ad] = register.escalations(audit_ref=second.audit_ref)
    assert (ad.open, ad.reason) == (True, "graded Inadequate for the second time in a row")
    assert "counted as" not in listed(workspace, "status")


def test_the_first_reaudits_late_moderation_after_the_second_reaudit_went_to_the_executive(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """Two re-audits in a chain, the first one's moderation arriving after the second re-audit
    came back Inadequate and went to the Executive Director. Before, the late moderation was taken
    for the fourth audit in a row: the Executive Director's escalation was raised on the first
    re-audit and the second re-audit's was resolved by it."""
    first = first_audit(workspace, register)
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r1.docx", grade=INADEQUATE)
    [third] = [a for a in reaudit(workspace, register) if a.audit_ref != second.audit_ref]
    done = return_form(
        workspace, third, framework, name="r2.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    ed = framework.escalation.levels[2].title
    assert f"escalated: {ed}" in done.detail
    late = return_form(
        workspace, second, framework, name="m.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    assert late.result == "accepted", late.findings
    assert (
        f"escalated: {AD}, resolved at once: the case was audited again since (escalated "
        f"further: {ed} ({third.audit_ref}))"
    ) in late.detail
    assert [(e.audit_ref, e.title, e.open) for e in register.escalations()] == [
        (first.audit_ref, REAUDIT, False),
        (third.audit_ref, ed, True),
        (second.audit_ref, AD, False),
    ]
    status = listed(workspace, "status")
    assert f"ESCALATION {third.audit_ref} (case {third.case_id}): {ed}" in status
    assert f"ESCALATION {second.audit_ref}" not in status


def test_a_cancelled_reaudit_is_not_counted_when_the_earlier_audits_copy_comes_in_late(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """The first re-audit was cancelled before it was done and a second one issued; it came back
    Inadequate (Assistant Director: the cancelled one does not count). Before, a late corrected
    copy of the earlier audit was taken for the later audit here too, and the Assistant
    Director's escalation moved onto the earlier audit."""
    first = first_audit(workspace, register)
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [cancelled] = reaudit(workspace, register)
    gone = CliRunner().invoke(
        cli, ["cancel", cancelled.audit_ref, "-w", str(workspace.root), "--by", "Q. Lead",
              "--reason", "Case closed before the re-audit"],
    )  # fmt: skip
    assert gone.exit_code == 0, gone.output
    [second] = [a for a in reaudit(workspace, register) if a.audit_ref != cancelled.audit_ref]
    done = return_form(
        workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    assert f"escalated: {AD}" in done.detail
    said = corrected_copy(workspace, first, framework, "late.docx")
    assert "escalated" not in said
    assert steps(register) == [
        (first.audit_ref, REAUDIT, False, f"escalated further: {AD} ({second.audit_ref})"),
        (second.audit_ref, AD, True, None),
    ]
    assert f"ESCALATION {second.audit_ref} (case {second.case_id}): {AD}" in listed(
        workspace, "status"
    )
