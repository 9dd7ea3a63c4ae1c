"""The Inadequate pathway and safeguarding: escalations from the framework's levels, the re-audit
pack, follow-ups, concerns routed even from a refused form, and thematic rounds' checkpoints."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits
from lifecycle_helpers import (
    INADEQUATE,
    edit_tracker,
    note_beside,
    reaudit,
    return_form,
    run,
)

from qaf_docs.cli import cli
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor
from qaf_docs.office.action_sheet import Column
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.reports.export import csv_tables, export_json
from qaf_docs.workspace import Workspace


def test_inadequate_again_escalates_to_the_assistant_director_then_the_executive_director(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    levels = [e.level for e in register.escalations()]
    assert levels == ["reaudit"]

    [second] = reaudit(workspace, register)
    outcome = return_form(
        workspace, second, framework, name="r1.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    assert "Escalation to the Assistant Director" in outcome.detail
    [third] = [a for a in reaudit(workspace, register) if a.audit_ref != second.audit_ref]
    return_form(workspace, third, framework, name="r2.docx", grade=INADEQUATE, moderated=INADEQUATE)

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
    # How it was resolved travels with it (the JSON and the CSV alike).
    assert escalations[1].resolution
    assert item["escalations"][0]["resolution"] == escalations[1].resolution
    header, [row, *_] = csv_tables([item])["escalations.csv"]
    assert row[header.index("resolution")] == escalations[1].resolution
    assert header[:6] == ["audit_ref", "level", "raised_on", "reason", "resolved_on", "resolution"]


def test_a_reaudit_that_is_no_longer_inadequate_resolves_the_open_escalation_once_moderated(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """West Sussex: "All audits will be moderated"; case files "remain on a re-audit cycle until we
    are assured that the practice is no longer inadequate"."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r1.docx", grade="Good")
    [escalation] = register.escalations()
    assert escalation.open, "the auditor's Good is not confirmed until it is moderated"
    assert [m.audit_ref for m in register.moderation_queue(lambda _: framework, TODAY)] == [
        second.audit_ref
    ]
    return_form(workspace, second, framework, name="r1m.docx", grade="Good", moderated="Good")
    [escalation] = register.escalations()
    assert escalation.resolved_on == TODAY
    assert escalation.resolution == f"audit {second.audit_ref} graded 'Good'"


def history_of(ws: Workspace, audit_ref: str) -> list[str]:
    result = CliRunner().invoke(cli, ["history", audit_ref, "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_history_shows_who_resolved_an_escalation_how_and_the_grade_it_decided(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """``qaf escalations --resolve N --note ... --by NAME --grade G``: the audit's history says,
    on the day, which escalation was resolved, the note, the grade it decided and who, as the
    line that raised it says what and why."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [escalation] = register.escalations()
    resolved = CliRunner().invoke(
        cli,
        ["escalations", "--resolve", str(escalation.id), "--note", "Head of Service review",
         "--by", "Hana Head", "--grade", "Requires improvement to be good",
         "-w", str(workspace.root)],
    )  # fmt: skip
    assert resolved.exit_code == 0, resolved.output

    [line] = [x for x in history_of(workspace, audit.audit_ref) if "escalation resolved" in x]
    assert line.startswith(f"{TODAY:%d/%m/%Y} at ")
    assert line.endswith(
        f"{escalation.title} (number {escalation.id}, raised {TODAY:%d/%m/%Y}): Head of Service "
        f"review - outcome: '{INADEQUATE}' changed to 'Requires improvement to be good' "
        "(by Hana Head)"
    )


def test_the_history_shows_an_escalation_the_pathway_resolved_on_the_audit_that_raised_it(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """A re-audit graded better closes the escalation the first audit raised: the first audit's
    history says so, on the day, after the line that raised it."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r1m.docx", grade="Good", moderated="Good")
    [escalation] = register.escalations()

    lines = history_of(workspace, first.audit_ref)
    assert "escalated" in lines[-2]
    assert lines[-1].startswith(f"{TODAY:%d/%m/%Y} ") and "escalation resolved" in lines[-1]
    assert lines[-1].endswith(
        f"{escalation.title} (number {escalation.id}, raised {TODAY:%d/%m/%Y}): audit "
        f"{second.audit_ref} graded 'Good'"
    )


def test_a_reaudit_moderated_down_to_inadequate_escalates_instead(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r1.docx", grade="Good")
    return_form(workspace, second, framework, name="r1m.docx", grade="Good", moderated=INADEQUATE)
    first_level, second_level = register.escalations()
    assert [(e.level, e.open) for e in (first_level, second_level)] == [
        ("reaudit", False),
        ("assistant_director", True),
    ]
    # Never "resolved" by the auditor's Good the moderator did not confirm.
    assert first_level.resolution == (
        f"escalated further: Escalation to the Assistant Director ({second.audit_ref})"
    )


def test_a_concern_is_recorded_and_routed_even_when_the_rest_of_the_form_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "ASAP"
    )
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising seen; TM told today.").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "concern.docx")
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    assert outcome.detail.startswith("IMMEDIATE SAFEGUARDING CONCERN recorded, for Team Manager")
    note = note_beside(workspace, "concern.docx")
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
            "resolved_on": None,  # open until someone resolves it
            "resolved_by": None,
            "resolution": None,
        }
    ]
    assert item["escalations"] == []


def test_a_concern_is_at_the_top_of_the_status_list_and_not_recorded_twice(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from qaf_docs.reports.lifecycle import lifecycle_lines

    return_form(workspace, issued[1], framework, grade=INADEQUATE)
    for name in ("a.docx", "b.docx"):
        form = complete_form(pack_docx(workspace, issued[0]), framework, actions=1)
        form.tick("qaf_concern").text("qaf_concern_text", f"Concern seen ({name})").save()
        drop(pack_docx(workspace, issued[0]), workspace.inbox, name)
        run(workspace)
    with Register.open(workspace.register_path) as register:
        lines = lifecycle_lines(workspace, register, TODAY)
        concerns = [e for e in register.escalations() if e.level == "safeguarding_concern"]
    assert lines[0].startswith(f"SAFEGUARDING CONCERN {issued[0].audit_ref}")
    assert "Concern seen" not in lines[0], "status lines never carry the concern's free text"
    assert len(concerns) == 1


def test_a_form_without_a_concern_raises_none(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    return_form(workspace, issued[0], framework)
    with Register.open(workspace.register_path) as register:
        assert register.escalations() == []


def test_a_reaudit_pack_shows_the_earlier_grades_rationales_and_actions_with_their_status(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.returns.audit_form import read_document_xml

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    edit_tracker(
        workspace, first, lambda s, r: s.cell(row=r, column=Column.STATUS, value="In progress")
    )
    run(workspace)
    [second] = reaudit(workspace, register)
    text = " ".join(read_document_xml(pack_docx(workspace, second)).itertext())
    assert "Three Month Review of Actions and Progress" in text
    assert f"re-audit of {first.audit_ref}" in text
    assert f"Evidence for {framework.domains[0].title}." in text
    assert "Action number 1" in text and "In progress" in text and "Not started" in text
    assert text.count(INADEQUATE) >= len(framework.domains)
    # The new audit's own actions table is still the one read back.
    outcome = return_form(workspace, second, framework, name="r.docx", actions=1)
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


def test_a_completed_thematic_round_gets_checkpoints_at_six_weeks_and_three_months(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import lifecycle_lines
    from qaf_docs.workspace import frameworks_of

    refs = plan_audits(register, workspace, 2, round_kind="thematic")
    generate_packs(workspace, register)
    audits = [register.audit(r) for r in refs]
    frameworks = frameworks_of(workspace)
    return_form(workspace, audits[0], framework)  # type: ignore[arg-type]
    assert register.checkpoints(frameworks) == [], "not complete until every form is back"
    return_form(workspace, audits[1], framework, name="b.docx")  # type: ignore[arg-type]
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
    from qaf_docs.workspace import frameworks_of

    with pytest.raises(RegisterError, match="has no close-the-loop checkpoints yet"):
        register.record_checkpoint(issued[0].round_id, "6-weeks", on=TODAY, note="x", known=[])
    assert register.checkpoints(frameworks_of(workspace)) == []


def test_the_follow_up_audit_falls_due_at_the_frameworks_intervals(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import follow_up_due, lifecycle_lines

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [first_step] = register.escalations()
    due = add_months(TODAY, framework.timescales.reaudit_after_months)
    assert follow_up_due(first_step, framework) == due
    assert not any(
        "follow-up audit" in line for line in lifecycle_lines(workspace, register, TODAY)
    )
    late = [line for line in lifecycle_lines(workspace, register, due + timedelta(days=1))]
    assert f"follow-up audit of case {first.case_id} due {due:%d/%m/%Y} OVERDUE" in "\n".join(late)
    [second] = reaudit(workspace, register)
    return_form(workspace, second, framework, name="r.docx", grade=INADEQUATE, moderated=INADEQUATE)
    director = next(e for e in register.escalations() if e.level == "assistant_director")
    assert follow_up_due(director, framework) == add_months(
        TODAY, framework.timescales.escalate_after_months
    )


def test_the_follow_up_is_counted_from_the_audit_not_from_the_later_moderation(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import lifecycle_lines

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    day = TODAY - timedelta(days=20)  # audited three weeks ago, moderated (and escalated) today
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE, audit_day=day)
    due = add_months(day, framework.timescales.reaudit_after_months)
    lines = "\n".join(lifecycle_lines(workspace, register, due + timedelta(days=1)))
    assert f"follow-up audit of case {audit.case_id} due {due:%d/%m/%Y} OVERDUE" in lines
    # Sampling counts the re-audit from the same day.
    history = register.sampling_history(lambda _: framework)
    assert history["reaudit_due"] == {audit.case_id: due}


def test_an_ingest_stopped_before_the_pathway_follows_it_when_the_move_is_finished(
    workspace: Workspace, register: Register, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The form and the pathway are two transactions: qaf stopping between them (here, the
    # pathway failing once) must not lose the escalation when the next run finishes the move.
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    form = complete_form(pack_docx(workspace, audit), framework, grade=INADEQUATE)
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", INADEQUATE).save()
    drop(pack_docx(workspace, audit), workspace.inbox, "a.docx")

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(Register, "apply_pathway", stopped)
        with pytest.raises(KeyboardInterrupt):
            run(workspace)
    assert (workspace.inbox / "a.docx").exists()
    assert register.escalations() == []
    [outcome] = run(workspace)
    # Bulk ingest records a form and its pathway in one savepoint, so the stop left nothing
    # recorded and the form is taken again; a per-file ingest finishes the move instead.
    assert outcome.result == "accepted"
    assert outcome.detail.startswith(
        ("finished an interrupted ingest", "escalated: Re-audit at three months")
    )
    assert register.submission_count() == 1
    assert [e.level for e in register.escalations()] == ["reaudit"]


def test_a_stop_before_the_pathway_of_a_form_saved_without_an_extension_is_made_good(
    workspace: Workspace, register: Register, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One file at a time (as `qaf watch` takes a few), a form and its pathway are recorded in
    one transaction: a stop in the pathway leaves neither, the file stays in the inbox, and the
    next run records both. A form saved with no extension is still the form."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    form = complete_form(pack_docx(workspace, audit), framework, grade=INADEQUATE)
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", INADEQUATE).save()
    dropped = drop(pack_docx(workspace, audit), workspace.inbox, "QA form")

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(Register, "apply_pathway", stopped)
        with pytest.raises(KeyboardInterrupt):
            Ingestor(workspace, register, workspace.load_settings()).process(dropped)
    assert register.submission_count() == 0 and register.escalations() == []
    assert dropped.exists()
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail
    assert register.submission_count() == 1
    assert [e.level for e in register.escalations()] == ["reaudit"]


def test_the_escalation_message_and_case_note_say_when_the_case_is_next_audited(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """West Sussex: the Inadequate process is a "re-audit at three months". Those it goes to are
    told by when, counted from the audit as sampling counts it, not left to work it out."""
    from qaf_docs.dates import add_months

    (workspace.root / "roster.csv").write_text(
        "Name,Email,Role,Team,Monthly Capacity\n"
        "Sam Service,sam@council.example,Service Manager,,\n"
        "Hana Head,hana@council.example,Head of Service,,\n",
        encoding="utf-8",
    )
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    day = TODAY - timedelta(days=20)  # audited three weeks ago, moderated (and escalated) today
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE, audit_day=day)
    due = add_months(day, framework.timescales.reaudit_after_months)
    said = f"{due:%d/%m/%Y}"
    [message] = (workspace.outbox / "notifications").rglob(f"{audit.audit_ref} escalated Sam*.eml")
    body = " ".join(message.read_text(encoding="utf-8").split())
    assert f"The case is due to be audited again by {said}." in body
    [note] = (workspace.outbox / "case-notes").rglob(f"* {audit.audit_ref} escalated.txt")
    assert f"Next audit due by: {said}" in " ".join(note.read_text(encoding="utf-8").split())


def test_qaf_escalations_says_when_the_case_is_due_again_as_status_does(
    workspace: Workspace, register: Register, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list the QA officer works from said the re-audit was open, not by when it is due."""
    from qaf_docs.dates import add_months

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    day = TODAY - timedelta(days=20)
    return_form(workspace, audit, framework, grade=INADEQUATE, moderated=INADEQUATE, audit_day=day)
    due = add_months(day, framework.timescales.reaudit_after_months)

    def listed() -> str:
        result = CliRunner().invoke(cli, ["escalations", "-w", str(workspace.root)])
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    said = f"open; the case is due to be audited again by {due:%d/%m/%Y}"
    assert said in listed() and f"{said} OVERDUE" not in listed()
    monkeypatch.setattr("qaf_docs.clock.today", lambda: due + timedelta(days=1))
    assert f"{said} OVERDUE" in listed()


def test_an_undated_form_corrected_later_is_due_again_from_when_it_first_came_back_everywhere(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """A form with no audit date, back 40 days ago, and a corrected copy (no date either) today:
    qaf status and sampling counted the re-audit from the copy, the tracker, the reports and the
    reminders from the first return, so they gave two different days."""
    from qaf_docs.dates import add_months
    from qaf_docs.reports.lifecycle import lifecycle_lines

    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()

    def send(name: str) -> None:
        form = complete_form(pack_docx(workspace, audit), framework, grade=INADEQUATE)
        form.text("qaf_audit_date", "").text("qaf_moderator", "M. Oderator")
        form.text("qaf_overall_rationale", f"Overall, as in {name}.")
        form.choose("qaf_moderated_grade", INADEQUATE).text("qaf_moderation_reason", "Agreed.")
        form.save()
        drop(pack_docx(workspace, audit), workspace.inbox, name)
        assert [o.result for o in run(workspace)] == ["accepted"]

    send("first.docx")
    came_back = TODAY - timedelta(days=40)
    with register.transaction() as db:
        db.execute(
            "UPDATE submissions SET received_at = ? WHERE audit_ref = ?",
            (f"{came_back.isoformat()}T10:00:00+00:00", audit.audit_ref),
        )
    send("corrected.docx")
    due = add_months(came_back, framework.timescales.reaudit_after_months)
    lines = "\n".join(lifecycle_lines(workspace, register, due + timedelta(days=1)))
    assert f"follow-up audit of case {audit.case_id} due {due:%d/%m/%Y} OVERDUE" in lines
    history = register.sampling_history(lambda _: framework)
    assert history["reaudit_due"] == {audit.case_id: due}
    result = CliRunner().invoke(cli, ["escalations", "-w", str(workspace.root)])
    assert f"due to be audited again by {due:%d/%m/%Y}" in " ".join(result.output.split())


def _closed_and_moderated(
    ws: Workspace, register: Register, framework: Framework, *, moderation_first: bool
) -> tuple[str, str]:
    """Return an Inadequate form, its managers' tracker signing every action off, and the
    moderation confirming Inadequate, in either order; return (audit ref, the moderation's line)."""
    from lifecycle_helpers import complete_all

    plan_audits(register, ws, 1)
    generate_packs(ws, register)
    [audit] = register.audits()

    def sign_off() -> None:
        edit_tracker(ws, audit, complete_all)
        assert [o.result for o in run(ws)] == ["accepted"]

    if not moderation_first:
        return_form(ws, audit, framework, grade=INADEQUATE)  # waits for its moderation
        sign_off()
        assert register.audit(audit.audit_ref).status == "closed"  # type: ignore[union-attr]
        assert register.escalations() == []
    moderation = return_form(
        ws, audit, framework, name="moderated.docx", grade=INADEQUATE, moderated=INADEQUATE
    )
    if moderation_first:
        sign_off()
    return audit.audit_ref, moderation.detail


def _life(ws: Workspace, register: Register, ref: str) -> tuple[object, ...]:
    """What the QA team sees of an audit's life: its status, its escalations, its case notes."""
    notes = sorted(p.stem.split(" ", 2)[2] for p in (ws.outbox / "case-notes").rglob("*.txt"))
    return (
        register.audit(ref).status,  # type: ignore[union-attr]
        [(e.level, e.open, e.reason) for e in register.escalations()],
        notes,
    )


@pytest.mark.parametrize("moderation_first", [True, False])
def test_an_audit_closed_before_its_moderation_confirms_inadequate_follows_the_pathway_as_if_in_order(
    workspace: Workspace, register: Register, framework: Framework, moderation_first: bool
) -> None:
    """West Sussex: "Where the moderation confirms the grade, the 'Inadequate' process should be
    followed". The managers may sign every action off before the moderator's copy comes back:
    the same events in either order end in the same life (the re-audit step raised, its case
    note written, the audit closed for its actions), and the QA team is told in so many words
    that the pathway starts although the audit was closed (before, only 'escalated')."""
    ref, said = _closed_and_moderated(
        workspace, register, framework, moderation_first=moderation_first
    )
    status, escalations, notes = _life(workspace, register, ref)
    assert status == "closed"
    assert escalations == [("reaudit", True, "graded Inadequate")]
    assert {"escalated", "moderated", "actions closed"} <= set(notes)
    roles = ", ".join(framework.escalation.levels[0].roles)
    plain = (
        f"audit {ref} was closed (every action signed off) before its Inadequate grade was "
        "confirmed: its actions stay closed, and the Inadequate pathway starts as it would have "
        f"had the grade been confirmed first (Re-audit at three months, to {roles})"
    )
    assert (plain in " ".join(said.split())) is not moderation_first
    status_out = CliRunner().invoke(cli, ["status", "-w", str(workspace.root)]).output
    assert f"ESCALATION {ref} (case" in status_out


def test_a_moderation_confirming_inadequate_after_the_case_was_re_audited_better_leaves_nothing_open(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """Out of order: the re-audit came back Good and moderated before the first audit's moderation
    confirmed Inadequate. In order, the re-audit would have resolved the step; before, the step
    was raised and stayed open, so qaf status and the reminders chased a re-audit already done."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    early = TODAY - timedelta(days=100)
    return_form(workspace, first, framework, grade=INADEQUATE, audit_day=early)
    [again] = reaudit(workspace, register)
    return_form(workspace, again, framework, name="r.docx", grade="Good", moderated="Good")
    late = return_form(
        workspace, first, framework, name="m.docx", grade=INADEQUATE, moderated=INADEQUATE,
        audit_day=early,
    )  # fmt: skip
    assert (
        "escalated: Re-audit at three months, resolved at once: the case was audited again "
        f"since (audit {again.audit_ref} graded 'Good')"
    ) in late.detail
    [step] = register.escalations()
    assert (step.level, step.open) == ("reaudit", False)
    status = CliRunner().invoke(cli, ["status", "-w", str(workspace.root)]).output
    assert "ESCALATION" not in status and "follow-up audit" not in status
    # Its case note says it was resolved, not that the case is due to be audited again.
    [note] = (workspace.outbox / "case-notes").rglob(f"* {first.audit_ref} escalated.txt")
    text = " ".join(note.read_text(encoding="utf-8").split())
    assert f"audit {again.audit_ref} graded 'Good'" in text and "Next audit due by" not in text


def test_a_later_audit_still_waiting_for_its_moderation_leaves_the_step_open_until_it_comes(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    # The re-audit's Good is not confirmed yet: the step stays open, and its moderation ends it.
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    early = TODAY - timedelta(days=100)
    return_form(workspace, first, framework, grade=INADEQUATE, audit_day=early)
    [again] = reaudit(workspace, register)
    return_form(workspace, again, framework, name="r.docx", grade="Good")
    return_form(
        workspace, first, framework, name="m.docx", grade=INADEQUATE, moderated=INADEQUATE,
        audit_day=early,
    )  # fmt: skip
    [step] = register.escalations()
    assert step.open
    return_form(workspace, again, framework, name="rm.docx", grade="Good", moderated="Good")
    [step] = register.escalations()
    assert not step.open and step.resolution == f"audit {again.audit_ref} graded 'Good'"


REQUIRES_IMPROVEMENT = "Requires improvement to be good"


def test_last_rounds_form_sent_again_after_its_reaudit_went_out_is_refused_saying_which_to_fill(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """The auditor re-auditing the case opens last round's form, changes it and sends it. It
    carries the earlier audit's reference, so it was accepted as a correction of that audit: the
    re-audit stayed waiting and the earlier grades changed under the re-audit written from them
    (in the demo, the earlier audit was escalated as "Inadequate for the second time in a row"
    and the re-audit's escalation went). Now it is refused, kept with a note naming the
    re-audit's form to fill in, and nothing is recorded."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    return_form(workspace, first, framework, grade=INADEQUATE, moderated=INADEQUATE)
    [second] = reaudit(workspace, register)
    old = complete_form(pack_docx(workspace, first), framework, grade=REQUIRES_IMPROVEMENT)
    old.text("qaf_overall_rationale", "Seen again this month: some improvement.").save()
    drop(pack_docx(workspace, first), workspace.inbox, "reaudit.docx")
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = " ".join(note_beside(workspace, "reaudit.docx").split())
    assert (
        f"this is the form of audit {first.audit_ref}, and the case has been re-audited since: "
        f"re-audit {second.audit_ref} (round {second.round_id}) was issued with this audit's "
        "grades and actions, so this form's change to the overall grade and practice-area "
        "grades would not reach it" in note
    )
    assert (
        f"copy its answers into re-audit {second.audit_ref}'s audit tool "
        f"(outbox/packs/{second.round_id}/{second.audit_ref}.docx)" in note
    )
    kept = register.returned_form(first.audit_ref)
    assert kept is not None and kept["overall_rationale"] == "Overall, practice is sound."
    assert [e.level for e in register.escalations()] == ["reaudit"]
    assert register.audit(second.audit_ref).status == "issued"  # type: ignore[union-attr]
    assert register.audit(first.audit_ref).status == "moderated"  # type: ignore[union-attr]
