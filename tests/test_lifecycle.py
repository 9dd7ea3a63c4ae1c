"""An audit's life after issue: statuses with their history, overdue flags, hand-offs, the manager's
sign-off, and refusals that protect what is already recorded."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx
from lifecycle_helpers import (
    complete_all,
    edit_tracker,
    note_beside,
    return_form,
    run,
    statuses,
)
from openpyxl import load_workbook

from qaf_docs.errors import QafError, RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


def test_every_status_change_is_recorded_with_when_and_why(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    audit = issued[0]
    bad = complete_form(pack_docx(workspace, audit), framework)
    bad.text("qaf_action_1_due", "ASAP").save(workspace.root / "bad.docx")
    drop(workspace.root / "bad.docx", workspace.inbox)
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert return_form(workspace, audit, framework).result == "accepted"
    edit_tracker(workspace, audit, complete_all)
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert statuses(workspace, audit.audit_ref) == [
        ("allocated", "allocated"),
        ("issued", "issued"),
        ("rejected", "rejected"),
        ("returned", "returned"),
        ("tracker", "closed"),
    ]
    with open_register(workspace) as register:
        events = register.events(audit.audit_ref)
        assert register.audit(audit.audit_ref).status == "closed"  # type: ignore[union-attr]
    assert (
        "ASAP" in events[2].reason and "2 of 2 actions completed, 2 signed off" in events[4].reason
    )
    assert all(e.at.startswith(TODAY.isoformat()) for e in events)


def test_a_tracker_with_actions_still_to_do_leaves_the_audit_with_actions_open(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    edit_tracker(
        workspace,
        issued[0],
        lambda s, r: s.cell(row=r, column=Column.STATUS, value="In progress"),
    )
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "actions open")


def test_a_rejected_resubmission_does_not_undo_an_accepted_return(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "ASAP"
    ).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "again.docx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    with open_register(workspace) as register:
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
    with open_register(workspace) as register:
        register.cancel_audit(issued[0].audit_ref, "child moved to another council")
    outcome = return_form(workspace, issued[0], framework)
    assert outcome.result == "rejected"
    assert "was cancelled" in note_beside(workspace, "form.docx")
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "cancelled"  # type: ignore[union-attr]
        assert register.submission_count() == 0


def test_a_pack_not_back_by_its_due_date_and_an_action_past_due_are_overdue(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    later = TODAY + timedelta(days=30)  # packs are due in 20 days, actions in 7 and 14
    with open_register(workspace) as register:
        now = {r.audit_ref: r for r in register.results(today=TODAY)}
        then = {r.audit_ref: r for r in register.results(today=later)}
    assert not now[issued[1].audit_ref].overdue and then[issued[1].audit_ref].overdue
    assert not then[issued[0].audit_ref].overdue, "a returned audit is not overdue"
    assert [a.overdue for a in now[issued[0].audit_ref].actions] == [False, False]
    assert [a.overdue for a in then[issued[0].audit_ref].actions] == [True, True]


def test_a_tracker_for_an_audit_never_returned_is_refused_with_a_note_to_the_manager(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    edit_tracker(
        workspace,
        issued[0],
        lambda s, r: (
            s.cell(row=r, column=Column.DESCRIPTION, value="Something"),
            s.cell(row=r, column=Column.STATUS, value="Completed"),
        ),
    )
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = note_beside(workspace, "tracker.xlsx")
    assert "no accepted audit form yet" in note
    assert "manager who keeps this case's action tracker" in note and "the auditor" not in note
    with open_register(workspace) as register:
        assert register.submission_count() == 0
        assert register.audit(issued[0].audit_ref).status == "issued"  # type: ignore[union-attr]


def test_a_tracker_for_a_cancelled_audit_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    with open_register(workspace) as register:
        register.cancel_audit(issued[0].audit_ref, "duplicate of another audit")
    edit_tracker(workspace, issued[0], complete_all)
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert "was cancelled" in note_beside(workspace, "tracker.xlsx")
    with open_register(workspace) as register:
        assert [a.status for a in register.current_actions(issued[0].audit_ref)] == [
            "Not started",
            "Not started",
        ]


def test_a_tracker_that_deletes_an_agreed_action_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    edit_tracker(workspace, issued[0], lambda s, r: s.delete_rows(r + 1))
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert "Action 2: this agreed action's row has been deleted" in note_beside(
        workspace, "tracker.xlsx"
    )
    with open_register(workspace) as register:
        assert len(register.current_actions(issued[0].audit_ref)) == 2


def test_a_completion_date_before_the_action_was_agreed_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    early = TODAY - timedelta(days=10)
    edit_tracker(
        workspace,
        issued[0],
        lambda s, r: (
            s.cell(row=r, column=Column.STATUS, value="Completed"),
            s.cell(row=r, column=Column.COMPLETED, value=early),
        ),
    )
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert f"{early:%d/%m/%Y} is before the action was agreed" in note_beside(
        workspace, "tracker.xlsx"
    )
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


def test_an_audit_dated_in_the_future_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    future = TODAY + timedelta(days=40)
    assert return_form(workspace, issued[0], framework, audit_day=future).result == "rejected"
    note = note_beside(workspace, "form.docx")
    # Said once: two lines on the one slip read as two things to put right.
    assert note.count(f"{future:%d/%m/%Y}") == 1
    assert f"Date of audit: {future:%d/%m/%Y} is after the day the form arrived" in note
    with open_register(workspace) as register:
        assert register.submission_count() == 0


def test_an_audit_dated_the_day_after_it_arrived_is_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Saved just after midnight, read where it is still the day before: not a slip (before,
    refused as 'in the future' although the check of dates after arrival allows the day)."""
    tomorrow = TODAY + timedelta(days=1)
    outcome = return_form(workspace, issued[0], framework, audit_day=tomorrow)
    assert outcome.result == "accepted", outcome.findings
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


def test_an_audit_dated_before_its_pack_was_issued_is_flagged_or_refused_as_set(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    early = TODAY - timedelta(days=3)
    first = return_form(workspace, issued[0], framework, audit_day=early)
    assert first.result == "accepted"
    assert any("before this audit tool was issued" in f.message for f in first.findings)
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings + '\n[lifecycle]\naudit_date_before_issue = "error"\n', encoding="utf-8"
    )
    second = return_form(workspace, issued[1], framework, name="f2.docx", audit_day=early)
    assert second.result == "rejected"
    assert "before this audit tool was issued" in note_beside(workspace, "f2.docx")


def test_an_accepted_audit_hands_its_tracker_to_the_managers_folder_and_says_so(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    outcome = return_form(workspace, issued[0], framework)
    folder = workspace.outbox / "for-managers" / issued[0].team
    handed = folder / pack_xlsx(workspace, issued[0]).name
    assert handed.read_bytes() == pack_xlsx(workspace, issued[0]).read_bytes()
    assert f"for-managers/{issued[0].team}/" in outcome.detail
    sheet = load_workbook(handed).worksheets[0]
    first = find_actions_header(sheet) + 1  # type: ignore[operator]
    assert sheet.cell(row=first, column=Column.DESCRIPTION).value == "Action number 1"


def test_a_hand_off_that_failed_is_written_by_the_next_catch_up(
    workspace: Workspace,
    register: Register,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The hand-off is part of issue 12's derived outputs: a copy that could not be written (a
    # full disk, a read-only outbox) is written by the next run, and is never reported as ready.
    from qaf_docs.inbox import derived
    from qaf_docs.inbox.derived import bring_up_to_date

    def full_disk(*args: object) -> Path:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(derived, "hand_to_manager", full_disk)
        with pytest.raises(QafError, match="could not be written yet: the action tracker"):
            return_form(workspace, issued[0], framework)
    assert (workspace.processed / "form.docx").exists()  # the form itself is accepted
    folder = workspace.outbox / "for-managers" / issued[0].team
    assert not folder.exists()
    caught_up = bring_up_to_date(workspace, register, workspace.load_settings())
    assert f"the action tracker of audit {issued[0].audit_ref}" in caught_up.written
    handed = folder / pack_xlsx(workspace, issued[0]).name
    assert handed.read_bytes() == pack_xlsx(workspace, issued[0]).read_bytes()


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


def test_completed_actions_close_the_audit_only_once_signed_off(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    edit_tracker(workspace, issued[0], lambda s, r: complete_all(s, r, sign=False))
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "actions open")
    # The re-issued tracker in the manager's folder carries the update; the manager signs off.
    edit_tracker(workspace, issued[0], complete_all)
    assert [o.result for o in run(workspace)] == ["accepted"]
    assert statuses(workspace, issued[0].audit_ref)[-1] == ("tracker", "closed")
    with open_register(workspace) as register:
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
    return_form(workspace, issued[0], framework)

    def edit(s: object, r: int) -> None:
        s.cell(row=r, column=Column.STATUS, value=status)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.COMPLETED, value=TODAY)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.SIGNED_OFF_BY, value=signer)  # type: ignore[attr-defined]
        s.cell(row=r, column=Column.SIGNED_OFF_ON, value=signed)  # type: ignore[attr-defined]

    edit_tracker(workspace, issued[0], edit)
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert words in note_beside(workspace, "tracker.xlsx")
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


def test_the_demo_shows_the_whole_life_and_the_export_carries_it(tmp_path: Path) -> None:
    from qaf_docs.demo.run import run_demo

    said: list[str] = []
    run_demo(tmp_path / "demo", echo=said.append)
    text = "\n".join(said)
    assert "with a reason" in text and "disputed: escalated to QA Head of Service" in text
    assert "who resolved it: upgraded to" in text
    notes = tmp_path / "demo" / "outbox" / "case-notes"
    assert list(notes.glob("*/* upgraded after escalation.txt"))
    assert "issued with its earlier grades and actions" in text
    assert "first rejected (IMMEDIATE SAFEGUARDING CONCERN recorded, for Team Manager" in text
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
    # The demo's frameworks (West Sussex, Brighton & Hove) have no immediate actions: no column.
    assert "has no immediate actions, so its form has no Immediate column" in text
    assert not any(x["immediate"] for x in actions)
    handed = list((tmp_path / "demo" / "outbox" / "for-managers").rglob("*.xlsx"))
    assert handed


def test_an_older_copy_of_a_tracker_after_a_newer_one_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    older = workspace.root / "older.xlsx"
    older.write_bytes(pack_xlsx(workspace, issued[0]).read_bytes())
    edit_tracker(workspace, issued[0], complete_all)
    assert [o.result for o in run(workspace)] == ["accepted"]
    wb = load_workbook(older)
    sheet = wb.worksheets[0]
    row = find_actions_header(sheet) + 1  # type: ignore[operator]
    sheet.cell(row=row, column=Column.STATUS, value="In progress")
    wb.save(older)
    drop(older, workspace.inbox, "older.xlsx")
    assert [o.result for o in run(workspace)] == ["rejected"]
    note = note_beside(workspace, "older.xlsx")
    assert "it looks like an older copy" in note and "manager who keeps" in note
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "closed"  # type: ignore[union-attr]
        assert {a.status for a in register.current_actions(issued[0].audit_ref)} == {"Completed"}


@pytest.mark.parametrize("name", ["QA form", "QA form.docx.", "QA form.doc"])
@pytest.mark.parametrize("one_at_a_time", [False, True])
def test_a_form_refused_whatever_its_name_leaves_the_audit_awaiting_resubmission(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    name: str,
    one_at_a_time: bool,
) -> None:
    """Whether a refused file was the audit's form is read from its content, as everything else
    is: a form saved with no extension (or a stray dot) is still the form, and the audit shows as
    refused, awaiting resubmission, as it would for 'QA form.docx'."""
    audit = issued[0]
    complete_form(pack_docx(workspace, audit), framework).text("qaf_action_1_due", "ASAP").save()
    dropped = drop(pack_docx(workspace, audit), workspace.inbox, name)
    if one_at_a_time:  # as `qaf watch` takes a single file
        with open_register(workspace) as register:
            outcome = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
    else:
        [outcome] = run(workspace)
    assert outcome.result == "rejected"
    assert statuses(workspace, audit.audit_ref)[-1] == ("rejected", "rejected")


def test_a_refused_tracker_named_like_a_word_file_is_not_taken_for_a_refused_form(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A manager's tracker saved as '….docx' by mistake is still a tracker: refusing it adds no
    'form rejected' line to the audit's history."""
    audit = issued[0]
    assert return_form(workspace, audit, framework).result == "accepted"
    before = statuses(workspace, audit.audit_ref)
    tracker = edit_tracker(
        workspace, audit, lambda s, r: s.cell(row=r, column=Column.STATUS, value="Nearly")
    )
    tracker.rename(tracker.with_name("actions update.docx"))
    assert [o.result for o in run(workspace)] == ["rejected"]
    assert "Status" in note_beside(workspace, "actions update.docx")
    assert statuses(workspace, audit.audit_ref) == before
