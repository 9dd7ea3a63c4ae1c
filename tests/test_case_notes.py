"""Audit outcomes on the child's record and to the people who must act (issue 15).

Each event the frameworks name leaves a case note under the framework's heading and ready-to-send
e-mails to the right people; bad input is a message in ``qaf status`` and the note is still made;
nothing is produced twice, and what a kill stopped is finished by the next run.
"""

from __future__ import annotations

import csv
import email
from collections.abc import Callable
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx, plan_audits
from docx import Document
from openpyxl import load_workbook

from qaf_docs.cli import cli
from qaf_docs.demo.filling import FormFiller
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office import field_names as names
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

# plan_audits gives case 1002<i> to "Worker <i>" of team "Locality <i % 2 + 1> Team & Partners".
ROSTER = """Name,Email,Role,Team,Monthly Capacity
Worker 0,worker0@council.example,Social Worker,Locality 1 Team & Partners,
Worker 1,,Social Worker,Locality 2 Team & Partners,
Tara Manager,tara@council.example,Team Manager,Locality 1 Team & Partners,
Lee Manager,lee@council.example,Team Manager,Locality 2 Team & Partners,
Auditor 1,auditor1.now@council.example,QA Auditor,Quality Assurance,2
Sam Service,sam@council.example,Service Manager,,
Hana Head,hana@council.example,Head of Service,,
"""


def qaf(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def team(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Callable[..., Workspace]:
    """A workspace on ``framework`` with the roster above and ``count`` issued audits."""

    def make(framework: str = "collaborative-audit", count: int = 3) -> Workspace:
        ws = make_workspace(tmp_path / framework, framework=framework, council_name="Testshire")
        (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
        with open_register(ws) as register:
            plan_audits(register, ws, count)
            generate_packs(ws, register)
        return ws

    return make


def audits(ws: Workspace) -> list[AuditRecord]:
    with open_register(ws) as register:
        return register.audits()


def accept(
    ws: Workspace,
    audit: AuditRecord,
    *,
    grade: str = "Good",
    moderated: str | None = None,
    audit_day: date = TODAY,
    name: str = "form",
    more: Callable[[FormFiller], object] = lambda form: None,
) -> None:
    """Fill the audit's pack as its auditor would (and its moderator, if ``moderated``), and what
    ``more`` adds; ingest it as ``<audit ref> <name>.docx``."""
    framework = ws.load_framework()
    form = complete_form(pack_docx(ws, audit), framework, grade=grade, audit_day=audit_day)
    form.text("qaf_overall_rationale", "Visits are regular; the plan lacks timescales.")
    more(form)
    if moderated:
        form.text("qaf_moderator", "Mo Derator").choose("qaf_moderated_grade", moderated)
        form.pick_date("qaf_moderation_date", audit_day)
        if moderated != grade:
            form.text("qaf_moderation_reason", "Supervision shows the gaps already addressed.")
    form.save()
    drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref} {name}.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", (outcome.detail, outcome.findings)


def notes(ws: Workspace) -> dict[str, str]:
    folder = ws.outbox / "case-notes" / TODAY.isoformat()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def messages(ws: Workspace) -> dict[str, EmailMessage]:
    folder = ws.outbox / "notifications" / TODAY.isoformat()
    return {
        p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(folder.glob("*.eml"))
    }


def to(message: EmailMessage) -> str:
    """The one recipient, as "Name <address>", or the name alone when the roster has no address."""
    [who] = message["To"].addresses
    return f"{who.display_name} <{who.addr_spec}>" if "@" in who.addr_spec else who.username


def heading_of(text: str) -> str:
    return text.splitlines()[0]


# -- each event ------------------------------------------------------------------------------------


def test_an_accepted_audit_goes_on_the_record_under_the_frameworks_heading_and_people_are_told(
    team: Callable[..., Workspace],
) -> None:
    ws = team("live-case-audit")  # Bracknell: "Audit Action Plan - 'Month'"
    first = audits(ws)[0]
    audit_day = TODAY - timedelta(days=2)
    accept(ws, first, audit_day=audit_day)
    written = notes(ws)
    name = f"100200 {first.audit_ref} accepted.txt"
    assert list(written) == [name]
    text = written[name]
    expected = ws.load_framework().case_notes.heading_for("accepted", audit_day)
    assert heading_of(text) == expected == f"Audit Action Plan - {audit_day:%B}"
    for said in (first.audit_ref, "100200", "Good", "plan lacks timescales", "Owner 1"):
        assert said in text
    assert f"Action number 1 - Owner 1, due {audit_day + timedelta(days=7):%d/%m/%Y}" in text
    assert "Childname" not in text, "names are off in this workspace"
    sent = messages(ws)
    assert {to(m) for m in sent.values()} == {
        "Worker 0 <worker0@council.example>",
        "Tara Manager <tara@council.example>",
    }
    for message in sent.values():
        assert first.audit_ref in message["Subject"] and "100200" in message["Subject"]
        body = message.get_content()
        assert "Action number 2 (Owner 2, due" in body and "Childname" not in body
        assert message["X-Unsent"] == "1"
    # The day's batch file holds the same note for a bulk import.
    [batch] = (ws.outbox / "case-notes" / TODAY.isoformat()).glob("*.csv")
    with batch.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Case ID", "Date", "Heading", "Text"]
    assert rows[1][:3] == ["100200", TODAY.isoformat(), expected]
    assert rows[1][3].replace("\r\n", "\n") in text.replace("\r\n", "\n")


def test_a_moderation_is_noted_as_agreed_or_as_a_changed_grade_and_three_people_are_told(
    team: Callable[..., Workspace],
) -> None:
    # West Sussex: a moderation is told "via a case audit alert", not in a Mosaic case note.
    ws = team()
    agreed, changed = audits(ws)[:2]
    accept(ws, agreed, grade="Requires improvement to be good")
    accept(
        ws,
        agreed,
        grade="Requires improvement to be good",
        moderated="Requires improvement to be good",
    )
    accept(ws, changed, grade="Good", moderated="Outstanding")
    written = notes(ws)
    assert set(written) == {
        f"100200 {agreed.audit_ref} accepted.txt",
        f"100200 {agreed.audit_ref} moderated.txt",
        f"100201 {changed.audit_ref} accepted.txt",  # it came back already moderated
        f"100201 {changed.audit_ref} grade changed.txt",
    }
    # Each outcome under its own heading: "Mosaic case note" is the upgrade's only (seed 003).
    assert heading_of(written[f"100200 {agreed.audit_ref} moderated.txt"]) == (
        "Case file audit - Moderated"
    )
    assert heading_of(written[f"100200 {agreed.audit_ref} accepted.txt"]) == (
        "Case file audit - Accepted"  # the framework names no heading for it: a plain one
    )
    assert heading_of(written[f"100201 {changed.audit_ref} grade changed.txt"]) == (
        "Case file audit - Grade changed"
    )
    regraded = written[f"100201 {changed.audit_ref} grade changed.txt"]
    assert "Outstanding (changed)" in regraded and "gaps already addressed" in regraded
    sent = messages(ws)
    told = {to(m) for n, m in sent.items() if n.startswith(f"{changed.audit_ref} grade changed")}
    assert told == {
        "Worker 1",  # on the roster without an e-mail: addressed by name, and a warning
        "Lee Manager <lee@council.example>",
        "Auditor 1 <auditor1.now@council.example>",  # the roster's address wins
    }
    subject = sent[f"{changed.audit_ref} grade changed Lee Manager.eml"]["Subject"]
    assert subject.endswith("moderation completed - grade changed")


def test_an_escalation_is_noted_and_goes_to_the_levels_roles(
    team: Callable[..., Workspace],
) -> None:
    ws = team()
    audit = audits(ws)[0]
    accept(ws, audit, grade="Inadequate", moderated="Inadequate")
    written = notes(ws)
    text = written[f"100200 {audit.audit_ref} escalated.txt"]
    # No moderation outcome, and not the upgrade West Sussex records as a Mosaic case note.
    assert heading_of(text) == "Case file audit - Escalated"
    assert "Re-audit at three months" in text and "Service Manager, Head of Service" in text
    told = {to(m) for n, m in messages(ws).items() if " escalated " in n}
    assert told == {"Sam Service <sam@council.example>", "Hana Head <hana@council.example>"}


def test_a_reaudit_is_noted_as_one_with_the_earlier_grade(
    team: Callable[..., Workspace],
) -> None:
    ws = team(count=1)
    [earlier] = audits(ws)
    accept(ws, earlier, grade="Inadequate", moderated="Inadequate")
    with open_register(ws) as register:
        [ref] = plan_audits(register, ws, 1, round_kind="reaudit")  # the same case, 100200
        generate_packs(ws, register)
        again = register.audit(ref)
    assert again is not None
    accept(ws, again, grade="Good", moderated="Good")
    text = notes(ws)[f"100200 {ref} re-audited.txt"]
    assert heading_of(text) == "Case file audit - Re-audited"
    assert f"Re-audit of:     {earlier.audit_ref}, graded Inadequate" in text
    assert any(n.startswith(f"{ref} re-audited Worker 0") for n in messages(ws))


def test_a_second_inadequate_tells_the_cases_head_of_service_and_service_manager_to_resolve_it(
    team: Callable[..., Workspace],
) -> None:
    """West Sussex: the Assistant Director escalates; "It will be the responsibility of the Head of
    Service and Service Manager to resolve the matter to a satisfactory standard"."""
    ws = team(count=1)  # case 100200: Locality 1
    sam = "Sam Service,sam@council.example,Service Manager,"
    (ws.root / "roster.csv").write_text(
        ROSTER.replace(f"{sam},", f"{sam}Locality 1 Team & Partners,")
        + "Sid Service,sid@council.example,Service Manager,Locality 2 Team & Partners,\n"
        + "Ada Director,ada@council.example,Assistant Director,,\n",
        encoding="utf-8",
    )
    [earlier] = audits(ws)
    accept(ws, earlier, grade="Inadequate", moderated="Inadequate")
    with open_register(ws) as register:
        [ref] = plan_audits(register, ws, 1, round_kind="reaudit")
        generate_packs(ws, register)
        again = register.audit(ref)
    assert again is not None
    accept(ws, again, grade="Inadequate", moderated="Inadequate")
    sent = {n: m for n, m in messages(ws).items() if n.startswith(f"{ref} escalated ")}
    assert {to(m) for m in sent.values()} == {
        "Ada Director <ada@council.example>",
        "Sam Service <sam@council.example>",  # the case's team's, not Sid
        "Hana Head <hana@council.example>",
    }
    for message in sent.values():
        body = " ".join(message.get_content().split())
        assert "Escalation to the Assistant Director" in body
        assert (
            "It will be the responsibility of the Head of Service and Service Manager to resolve "
            "the matter to a satisfactory standard and improve outcomes for the child." in body
        )
        assert "Childname" not in body
    note = notes(ws)[f"100200 {ref} escalated.txt"]
    assert "To resolve it:" in note and "Head of Service, Service Manager" in note


def test_missing_historical_information_is_reported_once_to_the_sub_committee(
    team: Callable[..., Workspace],
) -> None:
    """Brighton & Hove, 4.2: "The Monitoring & Evaluation Sub Committee should be informed of any
    cases where there are issues related to accessing historical information"."""
    ws = team("multi-agency-audit", count=3)
    (ws.root / "roster.csv").write_text(
        ROSTER + "Mo Committee,mec@lscb.example,Monitoring & Evaluation Sub Committee,,\n",
        encoding="utf-8",
    )
    flagged, plain, _ = audits(ws)
    missing = "The previous authority's chronology was not available to the assessing worker."

    def tick(text: str) -> Callable[[FormFiller], object]:
        box = names.section_field("missing_historical_information")
        return lambda form: form.tick(names.MISSING_HISTORY).text(box, text)

    accept(ws, flagged, more=tick(missing))
    accept(ws, plain)
    accept(ws, flagged, name="corrected", more=tick(f"{missing} Now found."))  # not told twice
    sent = {n: m for n, m in messages(ws).items() if "missing historical information" in n}
    assert list(sent) == [f"{flagged.audit_ref} missing historical information Mo Committee.eml"]
    [message] = sent.values()
    assert to(message) == "Mo Committee <mec@lscb.example>"
    assert message["Subject"] == (
        f"Audit {flagged.audit_ref} (case 100200): historical information missing"
    )
    body = " ".join(message.get_content().split())
    assert missing in body and "Childname" not in body
    assert "issues related to accessing historical information" in body


def test_missing_historical_information_nobody_holds_is_a_status_warning(
    team: Callable[..., Workspace],
) -> None:
    ws = team("multi-agency-audit", count=1)
    [audit] = audits(ws)
    accept(ws, audit, more=lambda form: form.tick(names.MISSING_HISTORY))
    assert not any("missing historical information" in n for n in messages(ws))
    status = " ".join(qaf(ws, "status").split())
    assert (
        f"audit {audit.audit_ref} (case 100200): nobody in the role Monitoring & Evaluation Sub "
        "Committee has been told of its missing historical information yet (no one on the roster "
        "is the Monitoring & Evaluation Sub Committee): add them to the roster, and the next"
    ) in status
    # A body of the whole area: it was "of team 'Locality 1 …'", to be added "(Team column)".
    assert "Sub Committee of team" not in status


def test_missing_historical_information_goes_to_every_member_without_the_cases_team(
    team: Callable[..., Workspace],
) -> None:
    """The sub committee's members come from several agencies, each on the roster with their own
    agency as team: each was sent the case's team ("the roster names no Monitoring & Evaluation
    Sub Committee of team 'Locality 1 …'", which narrows a case id down to a few children in a
    small team) and asked to pass the message on, and qaf status asked for the team's member."""
    ws = team("multi-agency-audit", count=1)
    committee = "Monitoring & Evaluation Sub Committee"
    (ws.root / "roster.csv").write_text(
        ROSTER
        + f"Pat Police,pat@police.example,{committee},Police,\n"
        + f"Hana Health,hana@nhs.example,{committee},Health,\n",
        encoding="utf-8",
    )
    [audit] = audits(ws)
    box = names.section_field("missing_historical_information")
    accept(ws, audit, more=lambda f: f.tick(names.MISSING_HISTORY).text(box, "No chronology."))
    sent = {n: m for n, m in messages(ws).items() if "missing historical information" in n}
    assert sorted(to(m) for m in sent.values()) == [
        "Hana Health <hana@nhs.example>",
        "Pat Police <pat@police.example>",
    ]
    for message in sent.values():
        body = " ".join(message.get_content().split())
        assert "No chronology." in body
        assert "Locality" not in body and "pass it to the right person" not in body
    assert "Sub Committee" not in qaf(ws, "status")


def test_closed_actions_are_noted_with_their_sign_off(team: Callable[..., Workspace]) -> None:
    ws = team("live-case-audit", count=1)
    [audit] = audits(ws)
    accept(ws, audit)
    tracker = pack_xlsx(ws, audit)
    wb = load_workbook(tracker)
    sheet = wb.worksheets[0]
    header = find_actions_header(sheet)
    assert header is not None
    row = header + 1
    while sheet.cell(row=row, column=Column.DESCRIPTION).value:
        sheet.cell(row=row, column=Column.STATUS, value="Completed")
        sheet.cell(row=row, column=Column.COMPLETED, value=TODAY)
        sheet.cell(row=row, column=Column.EVIDENCE, value="Seen on the case file.")
        sheet.cell(row=row, column=Column.SIGNED_OFF_BY, value="Tara Manager")
        sheet.cell(row=row, column=Column.SIGNED_OFF_ON, value=TODAY)
        row += 1
    wb.save(tracker)
    drop(tracker, ws.inbox, "tracker.xlsx")
    assert [o.result for o in ingest_inbox(ws, settle_s=0.05)] == ["accepted"]
    text = notes(ws)[f"100200 {audit.audit_ref} actions closed.txt"]
    assert heading_of(text).startswith(
        "Audit Action Plan - "
    )  # the actions taken, as Bracknell asks
    assert text.count("signed off by Tara Manager") == 2


def test_a_tier_one_audit_is_an_observation_with_a_one_page_docx(
    team: Callable[..., Workspace],
) -> None:
    ws = team("tier-one-manager-audit", count=1)  # B&NES: CareFirst observation, Documentum
    [audit] = audits(ws)
    accept(ws, audit)
    name = f"100200 {audit.audit_ref} accepted"
    text = notes(ws)[f"{name}.txt"]
    # "recorded on CareFirst under observations: audit quality case file", in those words and case.
    assert heading_of(text) == "observations: audit quality case file"
    doc = Document(str(ws.outbox / "case-notes" / TODAY.isoformat() / f"{name}.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "observations: audit quality case file"
    assert any(audit.audit_ref in p for p in paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Action number 1" in cells and "Owner 1" in cells
    assert "Childname" not in " ".join(paragraphs + cells)
    assert doc.core_properties.title == "observations: audit quality case file"


def test_a_safeguarding_concern_is_named_urgent_and_listed_before_the_escalation_of_its_audit(
    team: Callable[..., Workspace],
) -> None:
    """West Sussex: "any immediate safeguarding concerns identified must be escalated immediately
    to the allocated social worker's Team Manager, relevant Service Manager and Head of Service".
    Admin staff sort the folder by name: only the subject said URGENT, and the concern and the
    Inadequate escalation of one audit to the same person were "escalated" and "escalated (2)"."""
    ws = team(count=2)
    first, second = audits(ws)
    accept(ws, second, grade="Inadequate", moderated="Inadequate")  # an escalation, no concern
    accept(
        ws,
        first,
        grade="Inadequate",
        moderated="Inadequate",
        more=lambda form: form.tick("qaf_concern").text("qaf_concern_text", "Bruise seen."),
    )
    sent = messages(ws)  # by name, as File Explorer lists them
    urgent = f"! URGENT {first.audit_ref} safeguarding concern"
    assert list(sent)[:3] == [f"{urgent} {who}.eml" for who in ("Hana Head", "Sam Service",
                                                                 "Tara Manager")]  # fmt: skip
    assert all(
        sent[n]["Subject"].startswith("URGENT: safeguarding concern") for n in list(sent)[:3]
    )
    assert f"{first.audit_ref} escalated Sam Service.eml" in sent  # its own name, no "(2)"
    assert not [n for n in sent if "(2)" in n or "Childname" in n]
    assert not [n for n in sent if "URGENT" in n and second.audit_ref in n]
    # Once: a rerun, and a corrected copy that ticks the concern again, write no second copy.
    qaf(ws, "case-notes")
    accept(
        ws,
        first,
        grade="Inadequate",
        moderated="Inadequate",
        name="corrected",
        more=lambda form: form.tick("qaf_concern").text("qaf_concern_text", "Bruise on arm."),
    )
    assert (
        sorted(p.name for p in (ws.outbox / "notifications").rglob(f"*{urgent}*")) == list(sent)[:3]
    )


def test_an_escalation_goes_to_the_cases_own_service_manager_not_every_one(
    team: Callable[..., Workspace],
) -> None:
    """West Sussex: "the allocated social worker's Team Manager, relevant Service Manager and Head
    of Service". A roster's Team column says which Service Manager is relevant."""
    ws = team(count=2)  # audit 0: Locality 1; audit 1: Locality 2 (no Service Manager of its own)
    (ws.root / "roster.csv").write_text(
        ROSTER.replace("Sam Service,sam@council.example,Service Manager,,", "")
        + "Sam Service,sam@council.example,Service Manager,Locality 1 Team & Partners,\n"
        + "Sid Service,sid@council.example,Service Manager,Locality 3 Team & Partners,\n"
        + "Hal Head,hal@council.example,Head of Service,Locality 3 Team & Partners,\n",
        encoding="utf-8",
    )
    first, second = audits(ws)
    accept(ws, first, grade="Inadequate", moderated="Inadequate")
    told = {to(m) for n, m in messages(ws).items() if f"{first.audit_ref} escalated" in n}
    # Locality 1's Service Manager; the Head of Service with no team serves every team.
    assert told == {"Sam Service <sam@council.example>", "Hana Head <hana@council.example>"}
    assert "roster names no" not in messages(ws)[f"{first.audit_ref} escalated Sam Service.eml"]
    accept(ws, second, grade="Inadequate", moderated="Inadequate")
    sent = {n: m for n, m in messages(ws).items() if f"{second.audit_ref} escalated" in n}
    # Nobody is Locality 2's Service Manager: every one is told, and each message says why.
    assert {to(m) for m in sent.values()} == {
        "Sam Service <sam@council.example>",
        "Sid Service <sid@council.example>",
        "Hana Head <hana@council.example>",
    }
    body = sent[f"{second.audit_ref} escalated Sid Service.eml"].get_content()
    assert "the roster names no Service Manager of team 'Locality 2 Team & Partners'" in body
    assert (
        "the roster names no"
        not in sent[f"{second.audit_ref} escalated Hana Head.eml"].get_content()
    )
    status = qaf(ws, "status")
    assert (
        f"audit {second.audit_ref} (case 100201): no one on the roster is the Service Manager of "
        "team 'Locality 2 Team & Partners', "
        "so every Service Manager (2) was told" in " ".join(status.split())
    )
