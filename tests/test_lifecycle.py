"""An audit's life after issue: statuses with their history, refusals that protect what is recorded,
overdue flags, moderation's queue and disputes, and the Inadequate pathway's escalations."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx, plan_audits
from openpyxl import load_workbook

from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.lifecycle import month_end
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace

INADEQUATE = "Inadequate"


def _run(ws: Workspace) -> list[Outcome]:
    return ingest_inbox(ws, settle_s=0.05)


def _note(ws: Workspace, name: str) -> str:
    return (ws.rejected / f"{name}.rejected.txt").read_text(encoding="utf-8")


def _return_form(
    ws: Workspace, audit: AuditRecord, framework: Framework, name: str = "form.docx", **kw: object
) -> Outcome:
    complete_form(pack_docx(ws, audit), framework, **kw).save()  # type: ignore[arg-type]
    drop(pack_docx(ws, audit), ws.inbox, name)
    [outcome] = _run(ws)
    return outcome


def _edit_tracker(ws: Workspace, audit: AuditRecord, edit: object) -> Path:
    """Open the audit's re-issued tracker, let ``edit(sheet, first_row)`` change it, drop it."""
    path = pack_xlsx(ws, audit)
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    edit(sheet, find_actions_header(sheet) + 1)  # type: ignore[operator]
    wb.save(path)
    return drop(path, ws.inbox, "tracker.xlsx")


def _complete_all(sheet: object, first: int, sign: bool = True) -> None:
    row = first
    while sheet.cell(row=row, column=Column.DESCRIPTION).value:  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.STATUS, value="Completed")  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.COMPLETED, value=TODAY)  # type: ignore[attr-defined]
        if sign:
            sheet.cell(row=row, column=Column.SIGNED_OFF_BY, value="T. Manager")  # type: ignore[attr-defined]
            sheet.cell(row=row, column=Column.SIGNED_OFF_ON, value=TODAY)  # type: ignore[attr-defined]
        row += 1


def _statuses(ws: Workspace, ref: str) -> list[tuple[str, str | None]]:
    with Register.open(ws.register_path) as register:
        return [(e.event, e.to_status) for e in register.events(ref)]


# -- statuses and their history ------------------------------------------------------------------


def test_every_status_change_is_recorded_with_when_and_why(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    bad = complete_form(pack_docx(workspace, audit), framework)
    bad.text("qaf_action_1_due", "ASAP").save(workspace.root / "bad.docx")
    drop(workspace.root / "bad.docx", workspace.inbox)
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert _return_form(workspace, audit, framework).result == "accepted"
    _edit_tracker(workspace, audit, _complete_all)
    assert [o.result for o in _run(workspace)] == ["accepted"]
    assert _statuses(workspace, audit.audit_ref) == [
        ("allocated", "allocated"),
        ("issued", "issued"),
        ("rejected", "rejected"),
        ("returned", "returned"),
        ("tracker", "closed"),
    ]
    with Register.open(workspace.register_path) as register:
        events = register.events(audit.audit_ref)
        assert register.audit(audit.audit_ref).status == "closed"  # type: ignore[union-attr]
    assert (
        "ASAP" in events[2].reason and "2 of 2 actions completed, 2 signed off" in events[4].reason
    )
    assert all(e.at.startswith(TODAY.isoformat()) for e in events)


def test_a_tracker_with_actions_still_to_do_leaves_the_audit_with_actions_open(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    _edit_tracker(
        workspace,
        issued[0],
        lambda s, r: s.cell(row=r, column=Column.STATUS, value="In progress"),
    )
    assert [o.result for o in _run(workspace)] == ["accepted"]
    assert _statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "actions open")


def test_a_rejected_resubmission_does_not_undo_an_accepted_return(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "ASAP"
    ).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "again.docx")
    assert [o.result for o in _run(workspace)] == ["rejected"]
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


def test_cancelling_needs_a_reason_and_is_kept_in_the_history(
    workspace: Workspace, register: Register, issued: list[AuditRecord]
) -> None:
    ref = issued[0].audit_ref
    with pytest.raises(RegisterError, match="Give a reason"):
        register.cancel_audit(ref, "  ")
    assert register.audit(ref).status == "issued"  # type: ignore[union-attr]
    register.cancel_audit(ref, "case closed before the audit")
    assert register.audit(ref).status == "cancelled"  # type: ignore[union-attr]
    assert register.events(ref)[-1].reason == "case closed before the audit"
    with pytest.raises(RegisterError, match="already cancelled"):
        register.cancel_audit(ref, "again")


def test_a_form_for_a_cancelled_audit_is_refused_and_nothing_changes(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    with Register.open(workspace.register_path) as register:
        register.cancel_audit(issued[0].audit_ref, "child moved to another council")
    outcome = _return_form(workspace, issued[0], framework)
    assert outcome.result == "rejected"
    assert "was cancelled" in _note(workspace, "form.docx")
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "cancelled"  # type: ignore[union-attr]
        assert register.submission_count() == 0


# -- overdue flags ---------------------------------------------------------------------------------


def test_a_pack_not_back_by_its_due_date_and_an_action_past_due_are_overdue(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    later = TODAY + timedelta(days=30)  # packs are due in 20 days, actions in 7 and 14
    with Register.open(workspace.register_path) as register:
        now = {r.audit_ref: r for r in register.results(today=TODAY)}
        then = {r.audit_ref: r for r in register.results(today=later)}
    assert not now[issued[1].audit_ref].overdue and then[issued[1].audit_ref].overdue
    assert not then[issued[0].audit_ref].overdue, "a returned audit is not overdue"
    assert [a.overdue for a in now[issued[0].audit_ref].actions] == [False, False]
    assert [a.overdue for a in then[issued[0].audit_ref].actions] == [True, True]


# -- bad trackers ------------------------------------------------------------------------------------


def test_a_tracker_for_an_audit_never_returned_is_refused_with_a_note_to_the_manager(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    _edit_tracker(
        workspace,
        issued[0],
        lambda s, r: (
            s.cell(row=r, column=Column.DESCRIPTION, value="Something"),
            s.cell(row=r, column=Column.STATUS, value="Completed"),
        ),
    )
    [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    note = _note(workspace, "tracker.xlsx")
    assert "no accepted audit form yet" in note
    assert "manager who keeps this case's action tracker" in note and "the auditor" not in note
    with Register.open(workspace.register_path) as register:
        assert register.submission_count() == 0
        assert register.audit(issued[0].audit_ref).status == "issued"  # type: ignore[union-attr]


def test_a_tracker_for_a_cancelled_audit_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    with Register.open(workspace.register_path) as register:
        register.cancel_audit(issued[0].audit_ref, "duplicate of another audit")
    _edit_tracker(workspace, issued[0], _complete_all)
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert "was cancelled" in _note(workspace, "tracker.xlsx")
    with Register.open(workspace.register_path) as register:
        assert [a.status for a in register.current_actions(issued[0].audit_ref)] == [
            "Not started",
            "Not started",
        ]


def test_a_tracker_that_deletes_an_agreed_action_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    _edit_tracker(workspace, issued[0], lambda s, r: s.delete_rows(r + 1))
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert "Action 2: this agreed action's row has been deleted" in _note(workspace, "tracker.xlsx")
    with Register.open(workspace.register_path) as register:
        assert len(register.current_actions(issued[0].audit_ref)) == 2


def test_a_completion_date_before_the_action_was_agreed_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    early = TODAY - timedelta(days=10)
    _edit_tracker(
        workspace,
        issued[0],
        lambda s, r: (
            s.cell(row=r, column=Column.STATUS, value="Completed"),
            s.cell(row=r, column=Column.COMPLETED, value=early),
        ),
    )
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert f"{early:%d/%m/%Y} is before the action was agreed" in _note(workspace, "tracker.xlsx")
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


# -- audit dates -----------------------------------------------------------------------------------


def test_an_audit_dated_in_the_future_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    future = TODAY + timedelta(days=40)
    assert _return_form(workspace, issued[0], framework, audit_day=future).result == "rejected"
    assert f"{future:%d/%m/%Y} is in the future" in _note(workspace, "form.docx")
    with Register.open(workspace.register_path) as register:
        assert register.submission_count() == 0


def test_an_audit_dated_before_its_pack_was_issued_is_flagged_or_refused_as_set(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    early = TODAY - timedelta(days=3)
    first = _return_form(workspace, issued[0], framework, audit_day=early)
    assert first.result == "accepted"
    assert any("before this audit tool was issued" in f.message for f in first.findings)
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings + '\n[lifecycle]\naudit_date_before_issue = "error"\n', encoding="utf-8"
    )
    second = _return_form(workspace, issued[1], framework, name="f2.docx", audit_day=early)
    assert second.result == "rejected"
    assert "before this audit tool was issued" in _note(workspace, "f2.docx")


# -- moderation ------------------------------------------------------------------------------------


def test_the_moderation_queue_puts_inadequate_first_due_at_once_then_month_end(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    inadequate = _return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    assert any("moderated at once" in f.message for f in inadequate.findings)
    moderated = complete_form(pack_docx(workspace, issued[2]), framework)
    moderated.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    moderated.pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(workspace, issued[2]), workspace.inbox, "c.docx")
    _run(workspace)
    with Register.open(workspace.register_path) as register:
        queue = register.moderation_queue(lambda _id: framework, TODAY)
    assert [(m.audit_ref, m.at_once, m.deadline) for m in queue] == [
        (issued[1].audit_ref, True, TODAY),
        (issued[0].audit_ref, False, month_end(TODAY)),
    ]


def test_month_end_is_the_last_day_of_the_month() -> None:
    assert month_end(date(2026, 2, 10)) == date(2026, 2, 28)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)


def _moderate(ws: Workspace, audit: AuditRecord, framework: Framework, to: str, why: str) -> None:
    form = complete_form(pack_docx(ws, audit), framework, grade="Requires improvement to be good")
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", to)
    form.text("qaf_moderation_reason", why).pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref}.docx")
    assert [o.result for o in _run(ws)] == ["accepted"]


def test_a_changed_grade_and_its_reason_count_everywhere(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _moderate(workspace, issued[0], framework, "Good", "Recent work addressed the gaps.")
    with Register.open(workspace.register_path) as register:
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
    assert "changed to 'Good'" in _statuses_reason(workspace, issued[0].audit_ref)


def _statuses_reason(ws: Workspace, ref: str) -> str:
    with Register.open(ws.register_path) as register:
        return register.events(ref)[-1].reason


def test_a_dispute_needs_a_reason_and_a_moderated_grade_then_goes_to_the_qa_head_of_service(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    roles = framework.escalation.grade_disputes
    _return_form(workspace, issued[1], framework)
    _moderate(workspace, issued[0], framework, "Requires improvement to be good", "")
    with Register.open(workspace.register_path) as register:
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
        moderation = next(
            r for r in register.results() if r.audit_ref == issued[0].audit_ref
        ).moderation
    assert raised.roles == ["QA Head of Service"] and raised.open
    assert moderation is not None and moderation.agreed is False
    assert moderation.reason == "The service area sees evidence of impact."


# -- the Inadequate pathway ------------------------------------------------------------------------


def _reaudit(ws: Workspace, register: Register) -> list[AuditRecord]:
    plan_audits(register, ws, 1, round_kind="reaudit")
    generate_packs(ws, register)
    return [a for a in register.audits() if "reaudit" in a.round_id and a.status == "issued"]


def test_inadequate_again_escalates_to_the_assistant_director_then_the_executive_director(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    _return_form(workspace, first, framework, grade=INADEQUATE)
    levels = [e.level for e in register.escalations()]
    assert levels == ["reaudit"]

    [second] = _reaudit(workspace, register)
    outcome = _return_form(workspace, second, framework, name="r1.docx", grade=INADEQUATE)
    assert "Escalation to the Assistant Director" in outcome.detail
    [third] = [a for a in _reaudit(workspace, register) if a.audit_ref != second.audit_ref]
    _return_form(workspace, third, framework, name="r2.docx", grade=INADEQUATE)

    escalations = register.escalations()
    assert [(e.level, e.open) for e in escalations] == [
        ("reaudit", False),
        ("assistant_director", False),
        ("executive_director", True),
    ]
    assert escalations[1].reason == "graded Inadequate for the second time in a row"
    assert escalations[2].roles == framework.escalation.levels[2].roles
    item = next(
        a for a in json.loads(export_json(register))["audits"] if a["audit_ref"] == second.audit_ref
    )
    assert item["reaudit_of"] == first.audit_ref
    assert item["escalations"][0]["level"] == "assistant_director"


def test_a_reaudit_that_is_no_longer_inadequate_resolves_the_open_escalation(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    _return_form(workspace, first, framework, grade=INADEQUATE)
    [second] = _reaudit(workspace, register)
    _return_form(workspace, second, framework, name="r1.docx", grade="Good")
    [escalation] = register.escalations()
    assert escalation.resolved_on == TODAY
    assert escalation.resolution == f"audit {second.audit_ref} graded 'Good'"


# -- the command line ------------------------------------------------------------------------------


def test_the_commands_show_the_queue_record_a_dispute_and_the_history(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from click.testing import CliRunner

    from qaf_docs.cli import cli

    def qaf(*args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "--workspace", str(workspace.root)])
        assert result.exit_code in (0, 1), result.output
        return result.output

    _return_form(workspace, issued[1], framework, grade=INADEQUATE)
    assert f"{issued[1].audit_ref}  case {issued[1].case_id}  Inadequate  due at once" in qaf(
        "moderation", "queue"
    )
    assert qaf("moderation", "dispute", issued[1].audit_ref).startswith(
        f"Error: A dispute of audit {issued[1].audit_ref}"
    )
    assert "Re-audit at three months" in qaf("escalations")
    status = qaf("status")
    assert status.index("ESCALATION") < status.index("moderation QA")
    assert "Error: Give a reason" in qaf("cancel", issued[2].audit_ref)
    assert "cancelled" in qaf("cancel", issued[2].audit_ref, "--reason", "case closed")
    assert "issued -> cancelled" in qaf("history", issued[2].audit_ref)


# -- hand-offs -------------------------------------------------------------------------------------


def test_an_accepted_audit_hands_its_tracker_to_the_managers_folder_and_says_so(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    outcome = _return_form(workspace, issued[0], framework)
    folder = workspace.outbox / "for-managers" / issued[0].team
    handed = folder / pack_xlsx(workspace, issued[0]).name
    assert handed.read_bytes() == pack_xlsx(workspace, issued[0]).read_bytes()
    assert f"for-managers/{issued[0].team}/" in outcome.detail
    sheet = load_workbook(handed).worksheets[0]
    first = find_actions_header(sheet) + 1  # type: ignore[operator]
    assert sheet.cell(row=first, column=Column.DESCRIPTION).value == "Action number 1"


@pytest.mark.parametrize(
    "team, folder",
    [
        ("Locality 1 Team & Partners", "Locality 1 Team & Partners"),
        ("CIN/CP: North", "CIN-CP- North"),
        ("CON", "_CON"),
        ("  ", "No team recorded"),
        ("Team. ", "Team"),
    ],
)
def test_a_managers_folder_name_is_valid_on_windows(team: str, folder: str) -> None:
    from qaf_docs.packs.handoff import folder_name

    assert folder_name(team) == folder


# -- safeguarding concerns -------------------------------------------------------------------------


def test_a_concern_is_recorded_and_routed_even_when_the_rest_of_the_form_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "ASAP"
    )
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising seen; TM told today.").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "concern.docx")
    [outcome] = _run(workspace)
    assert outcome.result == "rejected" and outcome.detail == "safeguarding concern recorded"
    note = _note(workspace, "concern.docx")
    assert note.index("SAFEGUARDING") < note.index("What is wrong")
    assert "Nothing else from this file has been recorded" in note
    with Register.open(workspace.register_path) as register:
        [concern] = register.escalations(open_only=True)
        assert register.submission_count() == 0
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
    assert concern.roles == [
        *framework.escalation.immediate_concerns,
        *framework.escalation.immediate_concerns_notify,
    ]
    assert item["concerns"] == [
        {
            "raised_on": TODAY.isoformat(),
            "text": "Bruising seen; TM told today.",
            "escalated_to": concern.roles,
        }
    ]
    assert item["escalations"] == []


def test_a_concern_is_at_the_top_of_the_status_list_and_not_recorded_twice(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from qaf_docs.reports.lifecycle import lifecycle_lines

    _return_form(workspace, issued[1], framework, grade=INADEQUATE)
    for name in ("a.docx", "b.docx"):
        form = complete_form(pack_docx(workspace, issued[0]), framework, actions=1)
        form.tick("qaf_concern").text("qaf_concern_text", f"Concern seen ({name})").save()
        drop(pack_docx(workspace, issued[0]), workspace.inbox, name)
        _run(workspace)
    with Register.open(workspace.register_path) as register:
        lines = lifecycle_lines(workspace, register, TODAY)
        concerns = [e for e in register.escalations() if e.level == "safeguarding_concern"]
    assert lines[0].startswith(f"SAFEGUARDING CONCERN {issued[0].audit_ref}")
    assert "Concern seen" not in lines[0], "status lines never carry the concern's free text"
    assert len(concerns) == 1


def test_a_form_without_a_concern_raises_none(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    with Register.open(workspace.register_path) as register:
        assert register.escalations() == []


# -- the re-audit pack -----------------------------------------------------------------------------


def test_a_reaudit_pack_shows_the_earlier_grades_rationales_and_actions_with_their_status(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.returns.audit_form import read_document_xml

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    _return_form(workspace, first, framework, grade=INADEQUATE)
    _edit_tracker(
        workspace, first, lambda s, r: s.cell(row=r, column=Column.STATUS, value="In progress")
    )
    _run(workspace)
    [second] = _reaudit(workspace, register)
    text = " ".join(read_document_xml(pack_docx(workspace, second)).itertext())
    assert "Three Month Review of Actions and Progress" in text
    assert f"re-audit of {first.audit_ref}" in text
    assert f"Evidence for {framework.domains[0].title}." in text
    assert "Action number 1" in text and "In progress" in text and "Not started" in text
    assert text.count(INADEQUATE) >= len(framework.domains)
    # The new audit's own actions table is still the one read back.
    outcome = _return_form(workspace, second, framework, name="r.docx", actions=1)
    assert outcome.result == "accepted"
    assert [a.description for a in register.current_actions(second.audit_ref)] == [
        "Action number 1"
    ]


def test_an_ordinary_pack_has_no_earlier_audit_block(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    from qaf_docs.returns.audit_form import read_document_xml

    text = " ".join(read_document_xml(pack_docx(workspace, issued[0])).itertext())
    assert "Three Month Review" not in text and "Immediate safeguarding concern" in text


# -- the manager's sign-off ------------------------------------------------------------------------


def test_completed_actions_close_the_audit_only_once_signed_off(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    _edit_tracker(workspace, issued[0], lambda s, r: _complete_all(s, r, sign=False))
    assert [o.result for o in _run(workspace)] == ["accepted"]
    assert _statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "actions open")
    # The re-issued tracker in the manager's folder carries the update; the manager signs off.
    _edit_tracker(workspace, issued[0], _complete_all)
    assert [o.result for o in _run(workspace)] == ["accepted"]
    assert _statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "closed")
    with Register.open(workspace.register_path) as register:
        [result] = [r for r in register.results() if r.audit_ref == issued[0].audit_ref]
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
    assert [(a.signed_off_by, a.signed_off_on) for a in result.actions] == [
        ("T. Manager", TODAY),
        ("T. Manager", TODAY),
    ]
    assert item["actions"][0]["signed_off_by"] == "T. Manager"
    assert item["actions"][0]["signed_off_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "status, signer, signed, words",
    [
        ("In progress", "T. Manager", TODAY, "signed off but its status is In progress"),
        ("Completed", "", TODAY, "without the manager's name"),
        ("Completed", "T. Manager", TODAY - timedelta(days=1), "before the action was completed"),
    ],
)
def test_a_sign_off_that_cannot_be_right_is_refused(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    status: str,
    signer: str,
    signed: date,
    words: str,
) -> None:
    _return_form(workspace, issued[0], framework)

    def edit(s: object, r: int) -> None:
        s.cell(row=r, column=Column.STATUS, value=status)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.COMPLETED, value=TODAY)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.SIGNED_OFF_BY, value=signer)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.SIGNED_OFF_ON, value=signed)  # type: ignore[attr-defined]

    _edit_tracker(workspace, issued[0], edit)
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert words in _note(workspace, "tracker.xlsx")
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


# -- the demo --------------------------------------------------------------------------------------


def test_the_demo_shows_the_whole_life_and_the_export_carries_it(tmp_path: Path) -> None:
    from qaf_docs.demo.run import run_demo

    said: list[str] = []
    run_demo(tmp_path / "demo", echo=said.append)
    text = "\n".join(said)
    assert "with a reason" in text and "disputed: escalated to QA Head of Service" in text
    assert "issued with its earlier grades and actions" in text
    assert "first rejected (safeguarding concern recorded), then accepted" in text
    assert "Escalation to the Assistant Director" in text
    assert "Bank Holiday" in text or "bank holiday" in text.lower()
    document = json.loads(
        (tmp_path / "demo" / "outbox" / "export" / "register.json").read_text("utf-8")
    )
    audits = document["audits"]
    assert any(a["moderation"] and a["moderation"]["agreed"] is False for a in audits)
    assert any(a["concerns"] for a in audits)
    assert any(e["level"] == "assistant_director" for a in audits for e in a["escalations"])
    assert any(a["reaudit_of"] for a in audits)
    actions = [x for a in audits for x in a["actions"]]
    assert any(x["signed_off_by"] for x in actions) and any(x["overdue"] for x in actions)
    assert any(x["immediate"] for x in actions)
    handed = list((tmp_path / "demo" / "outbox" / "for-managers").rglob("*.xlsx"))
    assert handed


# -- more bad input --------------------------------------------------------------------------------


def test_an_older_copy_of_a_tracker_after_a_newer_one_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_form(workspace, issued[0], framework)
    older = workspace.root / "older.xlsx"
    older.write_bytes(pack_xlsx(workspace, issued[0]).read_bytes())
    _edit_tracker(workspace, issued[0], _complete_all)
    assert [o.result for o in _run(workspace)] == ["accepted"]
    wb = load_workbook(older)
    sheet = wb.worksheets[0]
    row = find_actions_header(sheet) + 1  # type: ignore[operator]
    sheet.cell(row=row, column=Column.STATUS, value="In progress")
    wb.save(older)
    drop(older, workspace.inbox, "older.xlsx")
    assert [o.result for o in _run(workspace)] == ["rejected"]
    note = _note(workspace, "older.xlsx")
    assert "it looks like an older copy" in note and "manager who keeps" in note
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "closed"  # type: ignore[union-attr]
        assert {a.status for a in register.current_actions(issued[0].audit_ref)} == {"Completed"}


def test_a_moderated_grade_off_the_scale_is_refused_naming_the_field(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, issued[0]), framework)
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Goodish").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "mod.docx")
    assert [o.result for o in _run(workspace)] == ["rejected"]
    assert "Moderated grade" in _note(workspace, "mod.docx")
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[0].audit_ref).status == "rejected"  # type: ignore[union-attr]
        assert register.submission_count() == 0


def test_a_moderation_kind_for_an_audit_never_returned_is_refused(
    workspace: Workspace, register: Register, issued: list[AuditRecord]
) -> None:
    with pytest.raises(RegisterError, match="has no moderated grade yet"):
        register.set_moderation_kind(issued[0].audit_ref, "group")
    assert register.moderation_extras() == {}


# -- close the loop ----------------------------------------------------------------------------------


def test_a_completed_thematic_round_gets_checkpoints_at_six_weeks_and_three_months(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import frameworks_of, lifecycle_lines

    refs = plan_audits(register, workspace, 2, round_kind="thematic")
    generate_packs(workspace, register)
    audits = [register.audit(r) for r in refs]
    frameworks = frameworks_of(workspace)
    _return_form(workspace, audits[0], framework)  # type: ignore[arg-type]
    assert register.checkpoints(frameworks) == [], "not complete until every form is back"
    _return_form(workspace, audits[1], framework, name="b.docx")  # type: ignore[arg-type]
    six, three = register.checkpoints(frameworks)
    assert (six.key, six.due_on) == ("6-weeks", TODAY + timedelta(weeks=6))
    assert (three.key, three.due_on) == ("3-months", add_months(TODAY, 3))
    later = TODAY + timedelta(weeks=6, days=1)
    assert any(
        line.startswith(f"close the loop {six.round_id} (6-weeks)") and "OVERDUE" in line
        for line in lifecycle_lines(workspace, register, later)
    )
    with pytest.raises(RegisterError, match="Say what the checkpoint found"):
        register.record_checkpoint(six.round_id, "6-weeks", on=later, note="", known=[six, three])
    with pytest.raises(RegisterError, match="not '6-months'"):
        register.record_checkpoint(six.round_id, "6-months", on=later, note="x", known=[six, three])
    register.record_checkpoint(
        six.round_id, "6-weeks", on=later, note="4 of 5 in place", known=[six, three]
    )
    assert register.checkpoints(frameworks)[0].done_on == later
    assert not any("(6-weeks)" in line for line in lifecycle_lines(workspace, register, later))


def test_an_ordinary_round_has_no_checkpoints(
    workspace: Workspace, register: Register, issued: list[AuditRecord]
) -> None:
    from qaf_docs.reports.lifecycle import frameworks_of

    with pytest.raises(RegisterError, match="has no close-the-loop checkpoints yet"):
        register.record_checkpoint(issued[0].round_id, "6-weeks", on=TODAY, note="x", known=[])
    assert register.checkpoints(frameworks_of(workspace)) == []


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
    _return_form(workspace, issued[0], framework)
    _return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    with Register.open(workspace.register_path) as register:
        queue = register.moderation_queue(lambda _id: framework, TODAY, rule)
    assert [m.audit_ref for m in queue] == [issued[i].audit_ref for i in expected]


def test_the_framework_rule_still_queues_every_inadequate_where_it_moderates_only_some(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    only_inadequate = framework.model_copy(
        update={"moderation": framework.moderation.model_copy(update={"audits": "inadequate"})}
    )
    _return_form(workspace, issued[0], framework)
    _return_form(workspace, issued[1], framework, name="b.docx", grade=INADEQUATE)
    with Register.open(workspace.register_path) as register:
        framework_rule = register.moderation_queue(lambda _id: only_inadequate, TODAY)
        everything = register.moderation_queue(lambda _id: only_inadequate, TODAY, "all")
    assert [m.audit_ref for m in framework_rule] == [issued[1].audit_ref]
    assert len(everything) == 2


def test_the_follow_up_audit_falls_due_at_the_frameworks_intervals(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import follow_up_due, lifecycle_lines

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    _return_form(workspace, first, framework, grade=INADEQUATE)
    [reaudit] = register.escalations()
    due = add_months(TODAY, framework.timescales.reaudit_after_months)
    assert follow_up_due(reaudit, framework) == due
    assert not any(
        "follow-up audit" in line for line in lifecycle_lines(workspace, register, TODAY)
    )
    late = [line for line in lifecycle_lines(workspace, register, due + timedelta(days=1))]
    assert f"follow-up audit of case {first.case_id} due {due:%d/%m/%Y} OVERDUE" in "\n".join(late)
    [second] = _reaudit(workspace, register)
    _return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE)
    director = next(e for e in register.escalations() if e.level == "assistant_director")
    assert follow_up_due(director, framework) == add_months(
        TODAY, framework.timescales.escalate_after_months
    )


# -- moderated grades per practice area ------------------------------------------------------------


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
    assert [o.result for o in _run(workspace)] == ["accepted"]
    with Register.open(workspace.register_path) as register:
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
    assert [o.result for o in _run(workspace)] == ["rejected"]
    note = _note(workspace, "m.docx")
    assert "no moderator is named" in note
    assert f"{framework.domains[0].title} ('Good' to 'Inadequate')" in note
    with Register.open(workspace.register_path) as register:
        assert register.submission_count() == 0


# -- the moderation form ---------------------------------------------------------------------------


def test_a_moderation_form_is_prefilled_with_the_auditors_work_and_comes_back_as_moderated(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from click.testing import CliRunner

    from qaf_docs.cli import cli
    from qaf_docs.demo.filling import FormFiller
    from qaf_docs.returns.audit_form import read_audit_form

    _return_form(workspace, issued[1], framework, grade=INADEQUATE)
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
    assert [o.result for o in _run(workspace)] == ["accepted"]
    with Register.open(workspace.register_path) as register:
        assert register.audit(issued[1].audit_ref).status == "moderated"  # type: ignore[union-attr]
        assert register.submission_count(issued[1].audit_ref) == 2, "the auditor's copy is kept"
        assert register.moderation_queue(lambda _id: framework, TODAY) == []
