"""``qaf remind``: one ready-to-send e-mail per person, concerns first, and nobody skipped in silence."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits, record_test_round

from qaf_docs.cases.people import read_people
from qaf_docs.cases.roster import read_roster
from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


ROSTER = """Name,Email,Role,Team,Monthly Capacity
Auditor 0,auditor0@council.example,Service Manager,Locality 9,2
Mo Derator,mo@council.example,Moderator,,
Tara Manager,tara@council.example,Team Manager,Locality 1 Team & Partners,
Sam Service,sam@council.example,Service Manager,,
Hana Head,hana@council.example,Head of Service,,
Quinn QA,,QA Head of Service,,
"""


def qaf(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


def _inadequate_with_concern(ws: Workspace, audit: AuditRecord, framework: Framework) -> None:
    form = complete_form(pack_docx(ws, audit), framework, grade="Inadequate")
    form.tick("qaf_concern").text("qaf_concern_text", "Unexplained bruise on Childname0.").save()
    drop(pack_docx(ws, audit), ws.inbox, "inadequate.docx")
    ingest_inbox(ws, settle_s=0.05)


def _messages(ws: Workspace) -> dict[str, email.message.EmailMessage]:
    folder = ws.outbox / "reminders" / TODAY.isoformat()
    return {
        p.stem: email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in folder.glob("*.eml")
    }


def test_the_roster_lists_contacts_who_are_never_given_audits(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    assert [a.name for a in read_roster(path)] == ["Auditor 0"]
    people = {p.name: p for p in read_people(path)}
    assert people["Tara Manager"].team == "Locality 1 Team & Partners"
    assert people["Quinn QA"].email == "" and people["Mo Derator"].role == "Moderator"


def test_reminders_go_to_each_person_with_the_concern_first_and_no_child_name(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    _inadequate_with_concern(workspace, issued[0], framework)
    # Another Inadequate, confirmed by its moderator: the pathway's re-audit escalation follows.
    confirmed = complete_form(pack_docx(workspace, issued[1]), framework, grade="Inadequate")
    confirmed.text("qaf_moderator", "Mo Derator").choose("qaf_moderated_grade", "Inadequate")
    confirmed.save()
    drop(pack_docx(workspace, issued[1]), workspace.inbox, "confirmed.docx")
    ingest_inbox(workspace, settle_s=0.05)
    out = qaf(workspace, "remind")
    assert "reminder(s) written to" in out
    messages = _messages(workspace)
    assert {"Mo Derator", "Tara Manager", "Sam Service", "Hana Head"} <= set(messages)
    assert "Quinn QA" not in messages, "no dispute is open, so the QA Head of Service has nothing"
    tara = messages["Tara Manager"]
    assert tara["To"] == "Tara Manager <tara@council.example>" and tara["X-Unsent"] == "1"
    assert tara["Subject"].startswith("URGENT: safeguarding concern")
    body = tara.get_content()
    assert body.index("Immediate safeguarding concern") < body.index("Actions and trackers")
    sam = messages["Sam Service"].get_content()
    assert body.count(issued[0].audit_ref) >= 1 and "Re-audit at three months" in sam
    mo = messages["Mo Derator"].get_content()
    assert f"{issued[0].audit_ref} (case {issued[0].case_id}, Inadequate): at once" in mo
    for path in (workspace.outbox / "reminders").rglob("*.eml"):
        assert "Childname" not in path.name
    assert "Childname0 Surname" not in "".join(m.get_content() for m in messages.values())
    # The concern's own words go only to those it is escalated to.
    assert "Unexplained bruise" in sam and "Unexplained bruise" not in mo
    assert "Warning: no one on the roster has the role 'Assistant Director for Safeguarding" in out


def test_everyone_the_tool_cannot_address_is_a_warning_in_status_and_remind(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    (workspace.root / "roster.csv").write_text(
        "Name,Email,Role,Team,Monthly Capacity\nHana Head,,Head of Service,,\n", encoding="utf-8"
    )
    _inadequate_with_concern(workspace, issued[0], framework)
    status = qaf(workspace, "status")
    assert "Warning: 1 audit(s) wait for moderation but the roster lists no Moderator" in status
    assert "Warning: no one on the roster has the role 'Team Manager'" in status
    assert "Warning: Hana Head (Head of Service) has no e-mail address on the roster" in status
    assert "Warning: no Team Manager for team 'Locality 1 Team & Partners'" in status
    remind = qaf(workspace, "remind")
    assert "Warning: no one on the roster has the role 'Service Manager'" in remind
    (workspace.root / "roster.csv").unlink()
    assert "Warning: no roster.xlsx or roster.csv in the workspace" in qaf(workspace, "status")


def test_an_auditor_is_reminded_of_a_pack_due_within_a_week(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.reminders import plan_reminders, write_reminders
    from qaf_docs.workspace import frameworks_of

    people = []
    with open_register(workspace) as register:
        early = plan_reminders(register, people, frameworks_of(workspace), TODAY)
        later = TODAY + (issued[0].due_on - TODAY) - __import__("datetime").timedelta(days=3)
        plan = plan_reminders(register, people, frameworks_of(workspace), later)
    assert early.reminders == []
    [path, *_] = write_reminders(plan, workspace.outbox / "r", later)
    assert {r.to.name for r in plan.reminders} == {a.auditor for a in issued}
    text = path.read_text(encoding="utf-8")
    assert "Audit tools to return" in text and "due" in text


def test_a_concern_is_a_reminder_for_the_cases_own_service_manager_only(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    roster = ROSTER.replace(
        "Sam Service,sam@council.example,Service Manager,,",
        "Sam Service,sam@council.example,Service Manager,Locality 1 Team & Partners,\n"
        "Sid Service,sid@council.example,Service Manager,Locality 2 Team & Partners,",
    )
    (workspace.root / "roster.csv").write_text(roster, encoding="utf-8")
    _inadequate_with_concern(workspace, issued[0], framework)  # a case of Locality 1
    out = qaf(workspace, "remind")
    messages = _messages(workspace)
    assert "Unexplained bruise" in messages["Sam Service"].get_content()
    assert "Sid Service" not in messages and "Auditor 0" not in messages
    assert "every Service Manager" not in out
    # Nobody is Locality 1's Service Manager: every one is reminded, and the warning says so.
    (workspace.root / "roster.csv").write_text(
        roster.replace("Service Manager,Locality 1 Team & Partners", "Service Manager,Locality 3"),
        encoding="utf-8",
    )
    out = qaf(workspace, "remind")
    assert {"Sam Service", "Sid Service", "Auditor 0"} <= set(_messages(workspace))
    assert (
        "Warning: no Service Manager of team 'Locality 1 Team & Partners' on the roster: every "
        f"Service Manager was reminded of audit {issued[0].audit_ref}" in out
    )


def test_a_moderation_past_its_deadline_is_overdue_in_the_moderators_reminder(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    from datetime import timedelta

    from qaf_docs.register.location import open_register

    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    complete_form(pack_docx(workspace, issued[0]), framework, grade="Inadequate").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "inadequate.docx")
    ingest_inbox(workspace, settle_s=0.05)
    came_back = TODAY - timedelta(days=3)
    with open_register(workspace) as register, register.transaction() as db:
        db.execute(
            "UPDATE submissions SET received_at = ? WHERE audit_ref = ?",
            (f"{came_back.isoformat()}T10:00:00+00:00", issued[0].audit_ref),
        )
    qaf(workspace, "remind")
    mo = _messages(workspace)["Mo Derator"].get_content()
    assert f"at once (Inadequate) OVERDUE (back since {came_back:%d/%m/%Y})" in mo


def test_an_open_escalation_reminds_the_roles_responsible_for_resolving_it_once(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """West Sussex: a re-audit graded inadequate for a second time goes to the Assistant
    Director; "It will be the responsibility of the Head of Service and Service Manager to
    resolve the matter". While it is open, they are reminded of it too, once each."""
    from qaf_docs.packs.generate import generate_packs
    from qaf_docs.register.location import open_register

    (workspace.root / "roster.csv").write_text(
        ROSTER
        + "Ada Director,ada@council.example,Assistant Director,,\n"
        # Holds both a role the escalation goes to and one responsible for resolving it.
        + 'Rosa Both,rosa@council.example,"Assistant Director for Safeguarding, Quality and '
        'Practice",,\nRosa Both,rosa@council.example,Head of Service,,\n',
        encoding="utf-8",
    )

    def inadequate(audit: AuditRecord, name: str) -> None:
        form = complete_form(pack_docx(workspace, audit), framework, grade="Inadequate")
        form.text("qaf_moderator", "Mo Derator").choose("qaf_moderated_grade", "Inadequate")
        form.save()
        drop(pack_docx(workspace, audit), workspace.inbox, f"{name}.docx")
        ingest_inbox(workspace, settle_s=0.05)

    inadequate(issued[0], "first")
    with open_register(workspace) as register:
        [ref] = plan_audits(register, workspace, 1, round_kind="reaudit")
        generate_packs(workspace, register)
        again = register.audit(ref)
    assert again is not None
    inadequate(again, "second")
    qaf(workspace, "remind")
    messages = {n: " ".join(m.get_content().split()) for n, m in _messages(workspace).items()}
    said = (
        "It will be the responsibility of the Head of Service and Service Manager to resolve "
        "the matter to a satisfactory standard and improve outcomes for the child."
    )
    for name in ("Sam Service", "Hana Head", "Ada Director", "Rosa Both"):
        body = messages[name]
        assert body.count(f"Escalation to the Assistant Director: audit {ref}") == 1, name
        assert body.count(f"in a row. {said}") == 1, name


def test_a_case_with_no_team_reminds_no_other_teams_manager_of_its_actions(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    # With no team, every Team Manager on the roster was sent this child's audit and actions.
    [ref] = record_test_round(
        register, framework.id,
        audits=[NewAudit(case_id="100900", team="", worker="Worker 9", case_type="CP",
                         auditor="Auditor 0", auditor_email="a0@council.example",
                         due_on=TODAY + timedelta(days=20))],
    )  # fmt: skip
    generate_packs(workspace, register)
    [audit] = [a for a in register.audits() if a.audit_ref == ref]
    complete_form(pack_docx(workspace, audit), framework, grade="Good").save()
    drop(pack_docx(workspace, audit), workspace.inbox, "no team.docx")
    ingest_inbox(workspace, settle_s=0.05)
    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = qaf(workspace, "remind")
    assert "Tara Manager" not in _messages(workspace)
    assert (
        f"Warning: audit {ref}: no team is recorded for case 100900, so no Team Manager was "
        "reminded of its actions; give the case its team on the case list"
    ) in out


def test_a_concern_is_never_a_reminder_for_another_teams_manager(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """West Sussex: a concern goes to "the allocated social worker's Team Manager". With no Team
    Manager of the case's team on the roster, no other team's manager is sent the concern (its
    notification tells nobody in that role either); the warning says whom to add."""
    roster = ROSTER.replace("Team Manager,Locality 1 Team & Partners", "Team Manager,Locality 3")
    (workspace.root / "roster.csv").write_text(roster, encoding="utf-8")
    _inadequate_with_concern(workspace, issued[0], framework)  # a case of Locality 1
    out = qaf(workspace, "remind")
    messages = _messages(workspace)
    assert "Unexplained bruise" in messages["Sam Service"].get_content()
    assert "Tara Manager" not in messages
    assert (
        "Warning: no Team Manager of team 'Locality 1 Team & Partners' on the roster, so no "
        f"Team Manager was reminded of audit {issued[0].audit_ref}'s immediate safeguarding "
        "concern; add the team's Team Manager (Team column)" in " ".join(out.split())
    )


def test_an_auditor_no_longer_on_the_roster_is_named_with_what_to_do(
    workspace: Workspace, issued: list[AuditRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Auditor 0 has left: the roster no longer lists them, but their pack is overdue. The QA
    lead is told, in qaf remind and qaf status, so the audit can be given to someone else."""
    (workspace.root / "roster.csv").write_text(
        "Name,Email,Role,Team,Monthly Capacity\n"
        "Auditor 1,auditor1@council.example,Service Manager,Locality 9,2\n"
        "Auditor 2,auditor2@council.example,Service Manager,Locality 9,2\n",
        encoding="utf-8",
    )
    late = issued[0].due_on + timedelta(days=3)  # type: ignore[operator]
    monkeypatch.setattr("qaf_docs.clock.today", lambda: late)
    gone = issued[0]
    said = (
        f"Warning: {gone.auditor} is not on the roster, but audit {gone.audit_ref} (case "
        f"{gone.case_id}) is theirs: OVERDUE, was due {gone.due_on:%d/%m/%Y}. Their reminder "
        f"is addressed to the e-mail kept when the round was drawn ({gone.auditor_email}); if "
        f"they have left, give the audit to another auditor: qaf round reassign {gone.audit_ref}"
    )
    for command in ("remind", "status"):
        out = " ".join(qaf(workspace, command).split())
        assert said in out, command
        assert "Warning: Auditor 1 is not on the roster" not in out


def test_a_reminder_no_longer_due_when_remind_runs_again_that_day_is_taken_out(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The admin officer sends every e-mail in today's folder: Auditor 0's, written this morning
    for a pack overdue, must not still be there once the pack came back and qaf remind ran again."""
    from lifecycle_helpers import return_form

    late = issued[0].due_on + timedelta(days=1)  # type: ignore[operator]
    monkeypatch.setattr("qaf_docs.clock.today", lambda: late)
    folder = workspace.outbox / "reminders" / late.isoformat()
    qaf(workspace, "remind")
    assert sorted(p.stem for p in folder.glob("*.eml")) == ["Auditor 0", "Auditor 1", "Auditor 2"]
    return_form(workspace, issued[0], framework)
    out = " ".join(qaf(workspace, "remind").split())
    assert sorted(p.stem for p in folder.glob("*.eml")) == ["Auditor 1", "Auditor 2"]
    assert (
        "1 reminder written earlier today is no longer due and was taken out: Auditor 0.eml" in out
    )
    for a in issued[1:]:  # the others' reminders from this morning are left as they were
        assert f"{a.audit_ref} (case {a.case_id})" in (folder / f"{a.auditor}.eml").read_text(
            "utf-8"
        )
    # Nothing due at all: the folder is emptied of what an earlier run wrote, and says so.
    for a in issued[1:]:
        return_form(workspace, a, framework, name=f"{a.audit_ref}.docx")
    out = " ".join(qaf(workspace, "remind").split())
    assert "No reminders due today." in out and "2 reminders written earlier today" in out
    assert list(folder.glob("*.eml")) == []


def test_an_open_reaudit_escalation_reminds_when_the_case_is_due_again_and_when_overdue(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The escalation's message said when the case is to be audited again; the reminders that
    follow it each day said only that it was open, even once that day had passed."""
    from qaf_docs.dates import add_months

    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    audit = issued[1]
    confirmed = complete_form(pack_docx(workspace, audit), framework, grade="Inadequate")
    confirmed.text("qaf_moderator", "Mo Derator").choose("qaf_moderated_grade", "Inadequate")
    confirmed.save()
    drop(pack_docx(workspace, audit), workspace.inbox, "confirmed.docx")
    ingest_inbox(workspace, settle_s=0.05)
    due = add_months(TODAY, framework.timescales.reaudit_after_months)
    said = f"audit {audit.audit_ref} (case {audit.case_id})"
    again = f"The case is due to be audited again by {due:%d/%m/%Y}."
    qaf(workspace, "remind")
    sam = " ".join(_messages(workspace)["Sam Service"].get_content().split())
    assert said in sam and again in sam and f"{again} OVERDUE" not in sam
    later = due + timedelta(days=1)
    monkeypatch.setattr("qaf_docs.clock.today", lambda: later)
    qaf(workspace, "remind")
    path = workspace.outbox / "reminders" / later.isoformat() / "Sam Service.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert f"{again} OVERDUE" in " ".join(message.get_content().split())  # type: ignore[attr-defined]


def test_an_auditor_without_a_pack_is_not_asked_to_return_it_and_the_qa_lead_is_told(
    workspace: Workspace, register: Register
) -> None:
    """An audit allocated (drawn, or given to another auditor by qaf round reassign) whose pack
    qaf generate has not written yet: the auditor has nothing to return, so they are not asked
    to; the QA lead is told to write the pack."""
    from qaf_docs.reports.reminders import plan_reminders
    from qaf_docs.workspace import frameworks_of

    plan_audits(register, workspace, 2)
    audits = register.audits()
    assert {a.status for a in audits} == {"allocated"}
    soon = audits[0].due_on - timedelta(days=3)  # type: ignore[operator]
    plan = plan_reminders(register, [], frameworks_of(workspace), soon)
    assert plan.reminders == []
    for a in audits:
        assert (
            f"audit {a.audit_ref} (case {a.case_id}) is due {a.due_on:%d/%m/%Y} from {a.auditor}, "
            f"but its pack has not been written, so {a.auditor} has nothing to return: write it "
            f"with qaf generate --round {a.round_id}"
        ) in plan.warnings


def test_an_auditor_whose_form_was_refused_is_told_so_not_only_that_it_is_overdue(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Auditor 0 sent the form; it was refused for a missing rationale. 'OVERDUE' alone reads as
    if it never arrived: the reminder says it was refused and what to do."""
    form = complete_form(pack_docx(workspace, issued[0]), framework)
    form.text(f"qaf_rationale_{framework.domains[0].key}", "").save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "refused.docx")
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["rejected"]
    late = issued[0].due_on + timedelta(days=2)  # type: ignore[operator]
    monkeypatch.setattr("qaf_docs.clock.today", lambda: late)
    qaf(workspace, "remind")
    folder = workspace.outbox / "reminders" / late.isoformat()
    text = " ".join((folder / "Auditor 0.eml").read_text("utf-8").split())
    assert (
        f"{issued[0].audit_ref} (case {issued[0].case_id}): OVERDUE, was due "
        f"{issued[0].due_on:%d/%m/%Y} - the form you sent could not be accepted: put right what "
        "its note says (the QA team's admin officer sends it back to you with the note) and send "
        "it again"
    ) in text
    other = " ".join((folder / "Auditor 1.eml").read_text("utf-8").split())
    assert "could not be accepted" not in other


def test_a_thing_reminded_on_one_day_is_not_sent_again_the_next_unless_it_changes(
    workspace: Workspace, issued: list[AuditRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DESIGN contract 5: reminders are produced once per event. Before, every day's folder held
    the same e-mail again ("due 14/12/2026"), and the admin officer, who sends every e-mail in it,
    sent each auditor the same reminder every day of the week before the pack was due."""
    due = issued[0].due_on
    assert due is not None

    def remind_on(day: object) -> tuple[str, list[str]]:
        monkeypatch.setattr("qaf_docs.clock.today", lambda: day)
        out = " ".join(qaf(workspace, "remind").split())
        folder = workspace.outbox / "reminders" / day.isoformat()  # type: ignore[attr-defined]
        return out, sorted(p.stem for p in folder.glob("*.eml"))

    first = due - timedelta(days=3)
    out, names = remind_on(first)
    assert names == ["Auditor 0", "Auditor 1", "Auditor 2"]
    body = (workspace.outbox / "reminders" / first.isoformat() / "Auditor 0.eml").read_text("utf-8")
    assert f"{issued[0].audit_ref} (case {issued[0].case_id}): due {due:%d/%m/%Y}" in body
    # Run again the same day: the day's reminders are the same files, left as they were.
    assert remind_on(first)[1] == names
    # The next day: nothing new to say, so nothing to send.
    out, names = remind_on(first + timedelta(days=1))
    assert names == []
    assert "No reminders due today." in out
    assert (
        "3 things people were reminded of on an earlier day are left out: each is reminded once, "
        "and again only when it changes"
    ) in out
    # Overdue is news: each auditor is reminded of it, once.
    late = due + timedelta(days=1)
    out, names = remind_on(late)
    assert names == ["Auditor 0", "Auditor 1", "Auditor 2"]
    body = (workspace.outbox / "reminders" / late.isoformat() / "Auditor 0.eml").read_text("utf-8")
    assert f"OVERDUE, was due {due:%d/%m/%Y}" in body
    assert remind_on(late + timedelta(days=1))[1] == []


def test_a_reminder_that_could_not_be_sent_for_want_of_an_e_mail_is_written_again_once_it_has_one(
    workspace: Workspace, issued: list[AuditRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person on the roster without an e-mail gets a reminder written without an address: it
    cannot be sent, so it does not count as reminded, and the day the roster gives the address,
    their reminder says it (reminded once per event, it would never have been said)."""
    audit = issued[0]
    row = f"{audit.auditor},{{}},Service Manager,Locality 9,2\n"
    roster = "Name,Email,Role,Team,Monthly Capacity\n" + row
    (workspace.root / "roster.csv").write_text(roster.format(""), encoding="utf-8")
    day = audit.due_on - timedelta(days=3)  # type: ignore[operator]
    monkeypatch.setattr("qaf_docs.clock.today", lambda: day)
    out = " ".join(qaf(workspace, "remind").split())
    assert f"{audit.auditor} (Service Manager) has no e-mail address on the roster" in out
    address = "auditor0@council.example"
    (workspace.root / "roster.csv").write_text(roster.format(address), encoding="utf-8")
    day += timedelta(days=1)
    qaf(workspace, "remind")
    sent = workspace.outbox / "reminders" / day.isoformat() / f"{audit.auditor}.eml"
    text = sent.read_text("utf-8")
    assert address in text and f"{audit.audit_ref} (case {audit.case_id}): due" in text
    day += timedelta(days=1)  # sent now: not again
    qaf(workspace, "remind")
    assert not (workspace.outbox / "reminders" / day.isoformat() / sent.name).exists()
