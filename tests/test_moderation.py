"""Moderation: the queue and its deadlines, grades changed with reasons (overall and per practice
area), disputes that escalate, the setting for which audits wait, and the pre-filled moderation form."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import date, timedelta
from unittest import mock

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx
from lifecycle_helpers import (
    INADEQUATE,
    edit_tracker,
    last_reason,
    moderate,
    note_beside,
    return_form,
    run,
    statuses,
)
from openpyxl import load_workbook

from qaf_docs.cli import cli
from qaf_docs.dates import month_end, month_end_after
from qaf_docs.demo.filling import FormFiller
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.office.action_sheet import Column
from qaf_docs.records import AuditRecord
from qaf_docs.register.lifecycle import CONCERN_LEVEL
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends
RI = "Requires improvement to be good"


def test_the_moderation_queue_puts_inadequate_first_due_at_once_then_month_end(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    inadequate = return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    assert any("moderated at once" in f.message for f in inadequate.findings)
    moderated = complete_form(pack_docx(workspace, issued[2]), framework)
    moderated.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    moderated.pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(workspace, issued[2]), workspace.inbox, "c.docx")
    run(workspace)
    with open_register(workspace) as register:
        queue = register.moderation_queue(lambda _id: framework, TODAY)
    assert [(m.audit_ref, m.at_once, m.deadline) for m in queue] == [
        (issued[1].audit_ref, True, TODAY),
        (issued[0].audit_ref, False, month_end_after(TODAY)),
    ]


def test_month_end_is_the_last_day_of_the_month() -> None:
    assert month_end(date(2026, 2, 10)) == date(2026, 2, 28)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("came_back", "due"),
    [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 1, 30), date(2026, 1, 31)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # the month's last day: the next month's end
        (date(2026, 2, 28), date(2026, 3, 31)),
        (date(2028, 2, 28), date(2028, 2, 29)),  # a leap year's February ends on the 29th
        (date(2028, 2, 29), date(2028, 3, 31)),
        (date(2026, 4, 30), date(2026, 5, 31)),
        (date(2026, 12, 31), date(2027, 1, 31)),  # the year's last day: the next January's end
    ],
)
def test_a_moderation_is_due_by_the_first_month_end_after_the_audit_came_back(
    came_back: date, due: date
) -> None:
    """West Sussex: "Moderators will complete the moderation by the end of each calendar month"."""
    assert month_end_after(came_back) == due


@pytest.mark.parametrize(
    ("came_back", "due"),
    [(date(2026, 1, 31), "28/02/2026"), (date(2025, 12, 31), "31/01/2026")],
)
def test_an_audit_back_on_a_months_last_day_is_not_due_for_moderation_that_same_day(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    came_back: date,
    due: str,
) -> None:
    """It was due the day it came back, so the moderator's first reminder of it said OVERDUE."""
    return_form(workspace, issued[0], framework, grade=RI)
    with open_register(workspace) as register, register.transaction() as db:
        db.execute(
            "UPDATE submissions SET received_at = ? WHERE audit_ref = ?",
            (f"{came_back.isoformat()}T16:45:00+00:00", issued[0].audit_ref),
        )
    with mock.patch("qaf_docs.clock.today", return_value=came_back + timedelta(days=1)):
        out = CliRunner().invoke(cli, ["moderation", "queue", "--workspace", str(workspace.root)])
    assert out.exit_code == 0, out.output
    assert f"{issued[0].audit_ref}  case {issued[0].case_id}  {RI}  due by {due}" in out.output


def test_the_moderation_queue_says_overdue_once_the_deadline_has_passed_as_status_does(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework, grade=RI)
    with open_register(workspace) as register, register.transaction() as db:
        db.execute(
            "UPDATE submissions SET received_at = ? WHERE audit_ref = ?",
            ("2026-01-12T10:00:00+00:00", issued[0].audit_ref),
        )

    def queue_on(day: date) -> str:
        with mock.patch("qaf_docs.clock.today", return_value=day):
            out = CliRunner().invoke(cli, ["moderation", "queue", "-w", str(workspace.root)])
        assert out.exit_code == 0, out.output
        return out.output

    line = f"{issued[0].audit_ref}  case {issued[0].case_id}  {RI}  due by 31/01/2026"
    assert f"{line}\n" in queue_on(date(2026, 1, 31))  # due today: not yet overdue
    assert f"{line} OVERDUE" in queue_on(date(2026, 2, 1))


def test_a_changed_grade_and_its_reason_count_everywhere(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    moderate(workspace, issued[0], framework, "Good", "Recent work addressed the gaps.")
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == issued[0].audit_ref]
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
    assert result.final_grade == "Good" and result.status == "moderated"
    assert item["moderation"] == {
        "moderator": "M. Oderator",
        "moderated_on": TODAY.isoformat(),
        "kind": None,
        "agreed": False,
        "reason": "Recent work addressed the gaps.",
    }
    assert "changed to 'Good'" in last_reason(workspace, issued[0].audit_ref)


def test_a_dispute_needs_a_reason_and_a_moderated_grade_then_goes_to_the_qa_head_of_service(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    roles = framework.escalation.grade_disputes
    return_form(workspace, issued[1], framework)
    moderate(workspace, issued[0], framework, "Requires improvement to be good", "Well evidenced.")
    with open_register(workspace) as register:
        with pytest.raises(RegisterError, match="needs a reason"):
            register.record_dispute(issued[0].audit_ref, " ", roles=roles, on=TODAY)
        with pytest.raises(RegisterError, match="no moderated grade to dispute"):
            register.record_dispute(issued[1].audit_ref, "we disagree", roles=roles, on=TODAY)
        with pytest.raises(RegisterError, match="no moderated grade to dispute"):
            register.record_dispute(issued[2].audit_ref, "never returned", roles=roles, on=TODAY)
        assert register.escalations() == []
        raised = register.record_dispute(
            issued[0].audit_ref, "The service area sees evidence of impact.", roles=roles, on=TODAY
        )
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
        build_tracker(workspace, register, today=TODAY)
    assert raised.roles == ["QA Head of Service"] and raised.open
    # The moderation block is the moderator's decision (grade kept, and why); the dispute is an
    # escalation, so the export agrees with the tracker's moderation agreement.
    assert item["moderation"]["agreed"] is True
    assert item["moderation"]["reason"] == "Well evidenced."
    [dispute] = item["escalations"]
    assert "The service area sees evidence of impact." in dispute["reason"]
    summary = load_workbook(workspace.tracker_path)["Summary"]
    figures = {r[0].value: r[1].value for r in summary.iter_rows(min_row=4) if r[0].value}
    assert figures["Moderation agreement"] == 1


def test_two_colleagues_recording_the_same_dispute_at_once_get_one_escalation_and_are_told(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Two QA officers, on two computers, record the service area's dispute at the same moment:
    the one recorded second must not replace the first's words, nor be told it was escalated."""
    roles = framework.escalation.grade_disputes
    moderate(workspace, issued[0], framework, RI, "Well evidenced.")
    reasons = ["Officer A: evidence of impact missed.", "Officer B: the plan was not read."]
    start = threading.Barrier(len(reasons))
    said: dict[str, str] = {}

    def dispute(reason: str) -> None:
        with open_register(workspace) as register:
            start.wait(timeout=30)
            try:
                register.record_dispute(issued[0].audit_ref, reason, roles=roles, on=TODAY)
                said[reason] = "recorded"
            except RegisterError as e:
                said[reason] = str(e)

    threads = [threading.Thread(target=dispute, args=(r,)) for r in reasons]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    [first] = [r for r in reasons if said[r] == "recorded"]
    [second] = [r for r in reasons if r != first]
    with open_register(workspace) as register:
        [escalation] = register.escalations(audit_ref=issued[0].audit_ref)
        kept = register.moderation_extras()[issued[0].audit_ref][1]
        history = [e.reason for e in register.events(issued[0].audit_ref)]
    assert first in escalation.reason and kept == first
    assert not any(second in (r or "") for r in history)
    assert said[second].startswith(f"Audit {issued[0].audit_ref}'s moderated grade is already")
    assert f"escalation {escalation.id}" in said[second] and first in said[second]
    assert "Nothing was recorded" in said[second] and "\n" not in said[second]


def test_the_commands_show_the_queue_record_a_dispute_and_the_history(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from click.testing import CliRunner

    from qaf_docs.cli import cli

    def qaf(*args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "--workspace", str(workspace.root)])
        assert result.exit_code in (0, 1), result.output
        return result.output

    return_form(workspace, issued[1], framework, grade=INADEQUATE)
    assert f"{issued[1].audit_ref}  case {issued[1].case_id}  Inadequate  due at once" in qaf(
        "moderation", "queue"
    )
    no_reason = qaf("moderation", "dispute", issued[1].audit_ref)
    assert no_reason.startswith(f"Error: A dispute of audit {issued[1].audit_ref}")
    assert f'qaf moderation dispute {issued[1].audit_ref} --reason "' in no_reason
    # The pathway waits for the moderation that confirms the grade (West Sussex).
    assert "Re-audit at three months" not in qaf("escalations")
    assert f"moderation {issued[1].audit_ref}" in qaf("status")
    no_reason = qaf("cancel", issued[2].audit_ref)
    assert "Error: Give a reason" in no_reason
    # It named neither option, so the user could not tell how to give one.
    assert f'qaf cancel {issued[2].audit_ref} --by "Your Name" --reason "' in no_reason
    # Since the merge with round changes, qaf cancel is qaf round cancel --audit: it needs --by.
    assert "Error: Say who" in qaf("cancel", issued[2].audit_ref, "--reason", "case closed")
    cancelled = qaf("cancel", issued[2].audit_ref, "--reason", "case closed", "--by", "Sam Lead")
    assert f"{issued[2].audit_ref} cancelled" in cancelled
    assert "Packs withdrawn: 2 file(s)" in cancelled
    history = qaf("history", issued[2].audit_ref)
    assert "issued -> cancelled" in history
    assert "case closed (by Sam Lead" in history
    # Each change is dated as people read dates (day/month/year at hh:mm), not ISO 8601.
    assert re.search(rf"^{TODAY:%d/%m/%Y} at \d\d:\d\d  cancelled ", history, re.M), history
    assert TODAY.isoformat() not in history


def test_a_moderated_grade_off_the_scale_is_refused_naming_the_field(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, issued[0]), framework)
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Goodish").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "mod.docx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert "Moderated grade" in note_beside(workspace, "mod.docx")
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "rejected"  # type: ignore[union-attr]
        assert register.submission_count() == 0


def test_a_moderation_kind_for_an_audit_never_returned_is_refused(
    workspace: Workspace, register: Register, issued: list[AuditRecord]
) -> None:
    with pytest.raises(RegisterError, match="has no moderated grade yet"):
        register.set_moderation_kind(issued[0].audit_ref, "group")
    assert register.moderation_extras() == {}


@pytest.mark.parametrize(
    "rule, expected",
    [("framework", [1, 0]), ("inadequate", [1]), ("all", [1, 0])],
)
def test_which_audits_wait_for_moderation_is_a_setting(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    rule: str,
    expected: list[int],
) -> None:
    return_form(workspace, issued[0], framework)
    return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    with open_register(workspace) as register:
        queue = register.moderation_queue(lambda _id: framework, TODAY, rule)
    assert [m.audit_ref for m in queue] == [issued[i].audit_ref for i in expected]


def test_the_framework_rule_still_queues_every_inadequate_where_it_moderates_only_some(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    only_inadequate = framework.model_copy(
        update={"moderation": framework.moderation.model_copy(update={"audits": "inadequate"})}
    )
    return_form(workspace, issued[0], framework)
    return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    with open_register(workspace) as register:
        framework_rule = register.moderation_queue(lambda _id: only_inadequate, TODAY)
        everything = register.moderation_queue(lambda _id: only_inadequate, TODAY, "all")
    assert [m.audit_ref for m in framework_rule] == [issued[1].audit_ref]
    assert len(everything) == 2


def test_a_moderated_grade_per_practice_area_is_kept_beside_the_auditors(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    first, second = framework.domains[0], framework.domains[1]
    form = complete_form(pack_docx(workspace, issued[0]), framework, grade="Good")
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    form.choose(f"qaf_modgrade_{first.key}", "Requires improvement to be good")
    form.choose(f"qaf_modgrade_{second.key}", "Good")
    form.text("qaf_moderation_reason", "The assessment is out of date.").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "m.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
    grades = [(d["grade"], d["moderated_grade"]) for d in item["domains"]]
    assert grades[:3] == [
        ("Good", "Requires improvement to be good"),
        ("Good", "Good"),
        ("Good", None),
    ]


def test_a_changed_practice_area_grade_without_a_reason_or_moderator_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    key = framework.domains[0].key
    form = complete_form(pack_docx(workspace, issued[0]), framework, grade="Good")
    form.choose(f"qaf_modgrade_{key}", INADEQUATE).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "m.docx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = note_beside(workspace, "m.docx")
    assert "no moderator is named" in note
    assert f"{framework.domains[0].title} ('Good' to 'Inadequate')" in note
    with open_register(workspace) as register:
        assert register.submission_count() == 0


def test_a_moderation_form_is_prefilled_with_the_auditors_work_and_comes_back_as_moderated(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from click.testing import CliRunner

    from qaf_docs.cli import cli
    from qaf_docs.demo.filling import FormFiller
    from qaf_docs.returns.audit_form import read_audit_form

    return_form(workspace, issued[1], framework, grade=INADEQUATE)
    result = CliRunner().invoke(
        cli, ["generate", "--moderation", "--workspace", str(workspace.root)]
    )
    assert result.exit_code == 0, result.output
    path = workspace.outbox / "moderation" / f"{issued[1].audit_ref}.docx"
    assert f"{path.name}  due at once (Inadequate)" in result.output
    before = read_audit_form(path, framework)
    assert before.overall_grade == INADEQUATE and before.moderated_grade is None
    assert before.domains[0].rationale == f"Evidence for {framework.domains[0].title}."
    assert [a.description for a in before.actions] == ["Action number 1", "Action number 2"]
    assert before.identity.audit_ref == issued[1].audit_ref

    form = FormFiller(path).text("qaf_moderator", "M. Oderator")
    form.choose("qaf_moderated_grade", INADEQUATE).pick_date("qaf_moderation_date", TODAY).save()
    drop(path, workspace.inbox, "moderated.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        assert register.audit(issued[1].audit_ref).status == "moderated"  # type: ignore[union-attr]
        assert register.submission_count(issued[1].audit_ref) == 2, "the auditor's copy is kept"
        assert register.moderation_queue(lambda _id: framework, TODAY) == []


def test_the_moderators_copy_keeps_every_indicator_section_and_concern_the_auditor_recorded(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    # The moderation form left indicators unticked and sections empty; accepted as the audit's
    # latest form, it wiped them from the register and the tracker with no warning.
    from qaf_docs.office import field_names as names
    from qaf_docs.packs.moderation import write_moderation_forms

    audit = issued[0]
    form = complete_form(pack_docx(workspace, audit), framework, grade=INADEQUATE)
    for d in framework.domains[:2]:
        form.tick(names.indicator_field(d.key, 1)).tick(names.indicator_field(d.key, 3))
    sections = [s for s in framework.sections.enabled() if s not in ("moderation",)]
    for name in sections:
        form.text(names.section_field(name), f"What the auditor wrote under {name}.")
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising not followed up.").save()
    drop(pack_docx(workspace, audit), workspace.inbox, "auditor.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]

    def recorded() -> tuple[object, ...]:
        with open_register(workspace) as register:
            [r] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
            concerns = [
                e.reason
                for e in register.escalations(audit_ref=audit.audit_ref)
                if e.level == CONCERN_LEVEL  # the Inadequate pathway adds its own
            ]
        return [(d.domain, d.indicators) for d in r.domains], r.sections, concerns

    before = recorded()
    assert any(indicators for _, indicators in before[0]) and before[1] and before[2]
    with open_register(workspace) as register:
        [path] = write_moderation_forms(workspace, register, [audit.audit_ref])
    moderator = FormFiller(path).text("qaf_moderator", "M. Oderator")
    moderator.choose("qaf_moderated_grade", INADEQUATE).pick_date("qaf_moderation_date", TODAY)
    moderator.save()
    drop(path, workspace.inbox, "moderated.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert recorded() == before


def _queued(ws: Workspace, framework: Framework) -> list[str]:
    with open_register(ws) as register:
        return [m.audit_ref for m in register.moderation_queue(lambda _id: framework, TODAY)]


def test_the_inadequate_pathway_waits_for_the_moderation_that_confirms_the_grade(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    confirmed, changed = issued[0], issued[1]
    for audit in (confirmed, changed):
        return_form(workspace, audit, framework, name=f"{audit.audit_ref}.docx", grade=INADEQUATE)
    with open_register(workspace) as register:
        assert register.escalations() == []  # nobody is alerted before the moderator confirms
    assert _queued(workspace, framework) == [confirmed.audit_ref, changed.audit_ref]
    return_form(workspace, confirmed, framework, grade=INADEQUATE, moderated=INADEQUATE)
    return_form(workspace, changed, framework, grade=INADEQUATE, moderated=RI)
    with open_register(workspace) as register:
        assert [(e.audit_ref, e.level) for e in register.escalations()] == [
            (confirmed.audit_ref, "reaudit")
        ]
    assert _queued(workspace, framework) == []


def test_a_managers_tracker_does_not_take_an_audit_out_of_the_moderation_queue(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework, grade=INADEQUATE)
    edit_tracker(
        workspace, audit, lambda s, r: s.cell(row=r, column=Column.STATUS, value="In progress")
    )
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert statuses(workspace, audit.audit_ref)[-1] == ("tracker", "actions open")
    assert _queued(workspace, framework) == [audit.audit_ref]
    # The moderation that arrives later is recorded; the audit's progress does not go back.
    return_form(workspace, audit, framework, name="mod.docx", grade=INADEQUATE, moderated=RI)
    assert _queued(workspace, framework) == []
    assert statuses(workspace, audit.audit_ref)[-1] == ("moderated", "actions open")
    with open_register(workspace) as register:
        assert register.submission(audit.audit_ref).moderated_grade == RI  # type: ignore[union-attr]


def test_a_later_copy_from_the_auditor_keeps_the_moderation_unless_the_grade_changed(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    pristine = pack_docx(workspace, audit).read_bytes()  # the auditor's own copy, before moderation
    moderate(workspace, audit, framework, "Good", "Recent work addressed the gaps.")
    pack_docx(workspace, audit).write_bytes(pristine)
    late = return_form(workspace, audit, framework, name="late copy.docx", grade=RI)
    assert late.result == "accepted", late
    with open_register(workspace) as register:
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
        reason = register.events(audit.audit_ref)[-1].reason
    assert (result.status, result.overall_grade, result.moderated_grade) == (
        "moderated",
        RI,
        "Good",
    )
    assert result.moderation and result.moderation.moderator == "M. Oderator"
    assert "the moderation by M. Oderator recorded before stands" in reason
    assert _queued(workspace, framework) == []
    # A copy showing another grade is a new judgement: due for moderation again, and said so.
    return_form(workspace, audit, framework, name="regraded.docx", grade="Good")
    assert _queued(workspace, framework) == [audit.audit_ref]
    assert "due for moderation again" in last_reason(workspace, audit.audit_ref)


def test_a_framework_without_a_moderation_section_queues_nothing_and_escalates_at_once(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    sections = framework.sections.model_copy(update={"moderation": False})
    unmoderated = framework.model_copy(update={"sections": sections})
    return_form(workspace, issued[0], framework, grade=INADEQUATE)
    assert _queued(workspace, unmoderated) == []
    with open_register(workspace) as register:
        raised = register.apply_pathway(issued[0].audit_ref, unmoderated, TODAY)
    assert [e.level for e in raised] == ["reaudit"]


def test_a_corrected_copy_does_not_reset_the_moderation_deadline_or_the_return_date(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    return_form(workspace, audit, framework, grade=RI)
    came_back = TODAY - timedelta(days=40)
    with open_register(workspace) as register, register.transaction() as db:
        db.execute(
            "UPDATE submissions SET received_at = ? WHERE audit_ref = ?",
            (f"{came_back.isoformat()}T10:00:00+00:00", audit.audit_ref),
        )
    return_form(workspace, audit, framework, name="corrected.docx", grade=RI, actions=1)
    with open_register(workspace) as register:
        [due] = register.moderation_queue(lambda _id: framework, TODAY)
        [result] = [r for r in register.results() if r.audit_ref == audit.audit_ref]
    assert (due.returned_on, due.deadline) == (
        came_back,
        month_end_after(came_back),
    )  # still overdue
    assert result.returned_on == came_back


def test_a_moderation_filled_in_a_copy_from_before_the_correction_is_refused_not_recorded_over_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from qaf_docs.packs.moderation import write_moderation_forms

    audit = issued[0]
    pristine = pack_docx(workspace, audit).read_bytes()
    return_form(workspace, audit, framework, grade=RI)
    with open_register(workspace) as register:
        [early] = write_moderation_forms(workspace, register, [audit.audit_ref])
    early_copy = workspace.root / "moderation made early.docx"
    early_copy.write_bytes(early.read_bytes())
    time.sleep(1.1)  # the correction comes after that form was made (times are to the second)
    # The auditor corrects action 1 and the corrected form is accepted.
    pack_docx(workspace, audit).write_bytes(pristine)
    corrected = complete_form(pack_docx(workspace, audit), framework, grade=RI)
    corrected.text("qaf_action_1", "Visit the child at school within two weeks").save()
    drop(pack_docx(workspace, audit), workspace.inbox, "corrected.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    # The moderator fills the moderation form made before the correction.
    mod = FormFiller(early_copy).text("qaf_moderator", "M. Oderator")
    mod.choose("qaf_moderated_grade", "Good").text("qaf_moderation_reason", "Impact shown.")
    mod.pick_date("qaf_moderation_date", TODAY).save()
    drop(early_copy, workspace.inbox, "moderated.docx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = " ".join(note_beside(workspace, "moderated.docx").split())
    assert "made before the auditor's corrected form was accepted" in note
    assert "its actions differ" in note and "qaf generate --moderation" in note
    assert "Send the file back" not in note
    with open_register(workspace) as register:
        actions = [a.description for a in register.current_actions(audit.audit_ref)]
        assert register.submission(audit.audit_ref).moderated_grade is None  # type: ignore[union-attr]
    assert actions[0] == "Visit the child at school within two weeks"
    # A moderation form written after the correction is taken.
    with open_register(workspace) as register:
        [fresh] = write_moderation_forms(workspace, register, [audit.audit_ref])
    mod = FormFiller(fresh).text("qaf_moderator", "M. Oderator")
    mod.choose("qaf_moderated_grade", "Good").text("qaf_moderation_reason", "Impact shown.")
    mod.pick_date("qaf_moderation_date", TODAY).save()
    drop(fresh, workspace.inbox, "moderated again.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        assert register.submission(audit.audit_ref).moderated_grade == "Good"  # type: ignore[union-attr]
        actions = [a.description for a in register.current_actions(audit.audit_ref)]
    assert actions[0] == "Visit the child at school within two weeks"


def test_the_ingest_line_says_when_a_corrected_copy_sets_the_moderation_aside(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The moderator's decision no longer counts once the auditor's copy shows another grade: the
    line that says the copy replaces the earlier one says that too, not only the audit's history."""
    audit = issued[0]
    pristine = pack_docx(workspace, audit).read_bytes()  # the auditor's own copy, before moderation
    moderate(workspace, audit, framework, "Good", "Recent work addressed the gaps.")
    pack_docx(workspace, audit).write_bytes(pristine)
    same = return_form(workspace, audit, framework, name="same grade.docx", grade=RI, actions=1)
    assert same.result == "accepted" and "moderation" not in same.detail  # it stands: nothing new
    pack_docx(workspace, audit).write_bytes(pristine)
    regraded = return_form(workspace, audit, framework, name="regraded.docx", grade="Good")
    assert regraded.result == "accepted"
    assert "replaces the copy accepted on" in regraded.detail
    assert (
        "the moderation recorded before no longer counts: the overall grade changed from "
        f"'{RI}' to 'Good' since it was moderated, so it is due for moderation again"
    ) in regraded.detail


def test_an_inadequate_audit_tells_the_moderator_at_once_and_a_good_one_does_not(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """West Sussex: "When case work is deemed inadequate by the auditor, it will be moderated
    immediately by the allocated Moderator". The moderator is told when the form is accepted,
    not only at the next ``qaf remind``; an audit moderated at month end waits for the reminder."""
    (workspace.root / "roster.csv").write_text(
        "Name,Email,Role,Team,Monthly Capacity\nMo Derator,mo@council.example,Moderator,,\n",
        encoding="utf-8",
    )
    return_form(workspace, issued[0], framework, name="bad.docx", grade=INADEQUATE)
    return_form(workspace, issued[1], framework, name="good.docx", grade="Good")
    told = list((workspace.outbox / "notifications").rglob("* Mo Derator.eml"))
    assert [p.name for p in told] == [f"{issued[0].audit_ref} accepted Mo Derator.eml"]
    body = " ".join(told[0].read_text(encoding="utf-8").split())
    assert "Subject: Audit" in body and "graded Inadequate: to be moderated at once" in body
    assert (
        "This audit is graded Inadequate, so it is to be moderated at once (before the "
        "Inadequate process is followed)." in body
    )


def test_a_moderators_copy_keeps_an_immediate_tick_from_a_form_that_had_the_column(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    # West Sussex has no immediate actions, so its forms have no Immediate column; a form issued
    # from a template made before that still has it. Once a later round was issued from the new
    # template, the older audit's moderation form is made from it too: it must show the tick,
    # else the moderator's copy (the audit's latest form) would drop it from the register.
    import shutil

    from conftest import actions_header, plan_audits, with_immediate_column

    from qaf_docs.packs.generate import generate_packs
    from qaf_docs.packs.moderation import write_moderation_forms
    from qaf_docs.workspace import AUDIT_TEMPLATE, bundled_templates

    template = workspace.templates / AUDIT_TEMPLATE
    with_immediate_column(template)
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    shutil.copyfile(bundled_templates() / AUDIT_TEMPLATE, template)  # the council takes it up
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    ticked, plain = register.audits()
    assert ["Immediate" in actions_header(pack_docx(workspace, a)) for a in (ticked, plain)] == [
        True,
        False,
    ]
    complete_form(pack_docx(workspace, ticked), framework, grade=INADEQUATE).tick(
        "qaf_action_1_immediate"
    ).save()
    complete_form(pack_docx(workspace, plain), framework, grade=INADEQUATE).save()
    for audit in (ticked, plain):
        drop(pack_docx(workspace, audit), workspace.inbox, f"{audit.audit_ref}.docx")
    assert [o.result for o in run(workspace)] == ["accepted", "accepted"]

    with open_register(workspace) as reg:
        paths = write_moderation_forms(workspace, reg, [ticked.audit_ref, plain.audit_ref])
    assert ["Immediate" in actions_header(p) for p in paths] == [True, False]
    moderator = FormFiller(paths[0]).text("qaf_moderator", "M. Oderator")
    moderator.choose("qaf_moderated_grade", INADEQUATE).pick_date("qaf_moderation_date", TODAY)
    moderator.save()
    drop(paths[0], workspace.inbox, "moderated.docx")
    assert [o.result for o in run(workspace)] == ["accepted"]
    with open_register(workspace) as reg:
        [result] = [r for r in reg.results() if r.audit_ref == ticked.audit_ref]
        assert reg.audit(ticked.audit_ref).status == "moderated"  # type: ignore[union-attr]
    assert [a.immediate for a in result.actions] == [True, False]


def test_a_dispute_goes_where_the_audits_own_framework_says_not_the_workspaces_default(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A workspace running two frameworks: the collaborative audit's disputes go to the QA Head
    of Service (West Sussex). Before, once another framework was made the default, its dispute
    went where that one says (Bracknell's Quality Assurance Team)."""
    return_form(workspace, issued[0], framework, grade=INADEQUATE, moderated=INADEQUATE)
    settings = workspace.settings_path.read_text("utf-8")
    workspace.settings_path.write_text(
        settings.replace(
            'frameworks = ["collaborative-audit"]',
            'frameworks = ["live-case-audit", "collaborative-audit"]',
        ),
        "utf-8",
    )
    assert workspace.load_framework().escalation.grade_disputes == ["Quality Assurance Team"]
    result = CliRunner().invoke(
        cli,
        ["moderation", "dispute", issued[0].audit_ref, "--reason", "Impact was not weighed",
         "--workspace", str(workspace.root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "escalation 2 to QA Head of Service." in result.output
    # Its moderation is of the kinds its own framework names (the default names none).
    kind = CliRunner().invoke(
        cli,
        ["moderation", "kind", issued[0].audit_ref, "sideways", "--workspace",
         str(workspace.root)],
    )  # fmt: skip
    assert kind.exit_code != 0
    assert "'sideways' is not a kind of moderation here; use one of: reflective, group" in (
        kind.output
    )
