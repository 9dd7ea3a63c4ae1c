"""The roster's contacts (team managers, service managers, heads of service) with an e-mail cell
that is no address: checked as the auditors' are, named by file, row and column, and never a reason
to stop an escalation: the person who will not be told, and why, is said where the QA team looks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from lifecycle_helpers import moderate, return_form

from qaf_docs.cases.people import read_people
from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace

HEADER = "Name,Work Email,Role,Team,Monthly Capacity\n"
CONTACTS = (
    "Tara Manager,tara@council.example,Team Manager,Locality 1 Team & Partners,\n"
    "Quinn QA,quinn@council,QA Head of Service,,\n"
    "Sam Service,Sam Service <sam@council.example>,Service Manager,,\n"
    "Hana Head,hana@council.example; hh@council.example,Head of Service,,\n"
    'Ada Director,"=HYPERLINK(""mailto:ada@council.example"")",Assistant Director,,\n'
)


def qaf(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("name", "row", "reason"),
    [
        ("Quinn QA", 3, "'quinn@council' is not an email address"),
        ("Sam Service", 4, "holds more than the address (keep only sam@council.example)"),
        ("Hana Head", 5, "holds more than one address (give one address per person)"),
        ("Ada Director", 6, "holds a formula, not an address (type the address instead)"),
    ],
)
def test_a_contacts_bad_address_is_left_out_and_named_by_file_row_and_column(
    tmp_path: Path, name: str, row: int, reason: str
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + CONTACTS, encoding="utf-8")
    people = {p.name: p for p in read_people(path)}
    assert people["Tara Manager"].email == "tara@council.example"
    assert people["Tara Manager"].email_problem == ""
    assert people[name].email == "", "never guessed: a wrong address is worse than none"
    assert people[name].email_problem.startswith(f"roster.csv row {row}, column 'Work Email': ")
    assert reason in people[name].email_problem


def test_an_escalation_to_a_contact_with_a_bad_address_says_who_will_not_be_told_and_why(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    (workspace.root / "roster.csv").write_text(HEADER + CONTACTS, encoding="utf-8")
    audit = issued[0]
    moderate(workspace, audit, framework, "Requires improvement to be good", "No timescales.")
    out = qaf(workspace, "moderation", "dispute", audit.audit_ref, "--reason", "The plan has them.")
    assert "Dispute recorded; escalation" in out and "QA Head of Service" in out
    said = (
        f"audit {audit.audit_ref} (case {audit.case_id}): Quinn QA (qa head of service) will not "
        "be told until their e-mail on the roster is put right (roster.csv row 3, column 'Work "
        "Email': 'quinn@council' is not an email address)"
    )
    assert f"Warning: {said}" in out, out
    assert said in qaf(workspace, "status"), "still said until the message is dealt with"
    # Their message is written all the same, addressed by name for an admin to complete.
    [path] = (workspace.outbox / "notifications").rglob(f"{audit.audit_ref} *Quinn QA.eml")
    assert "To: Quinn QA\n" in path.read_text(encoding="utf-8")


def test_a_reminder_for_a_contact_with_a_bad_address_says_why_it_has_none(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    (workspace.root / "roster.csv").write_text(
        HEADER + "Mo Derator,mo@council,Moderator,,\n", encoding="utf-8"
    )
    assert return_form(workspace, issued[0], framework, grade="Inadequate").result == "accepted"
    out = qaf(workspace, "remind")
    assert (
        "Warning: Mo Derator (Moderator) will not be reminded until their e-mail on the roster is "
        "put right (roster.csv row 2, column 'Work Email': 'mo@council' is not an email address)"
    ) in out, out
    [path] = (workspace.outbox / "reminders" / TODAY.isoformat()).glob("Mo Derator*.eml")
    assert "To: Mo Derator\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        (
            "auditor0@council",
            "cannot be used (roster.csv row 2, column 'Work Email': 'auditor0@council' is not an "
            "email address)",
        ),
        ("", "is blank"),
    ],
    ids=["bad", "blank"],
)
def test_an_auditor_with_a_bad_roster_address_is_written_to_at_the_address_the_register_holds(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, cell: str, why: str
) -> None:
    # The register holds the address the roster gave when the audit was allocated: the message
    # went out with no address at all once the roster row was spoilt.
    audit = issued[0]
    assert (audit.auditor, audit.auditor_email) == ("Auditor 0", "auditor0@council.example")
    (workspace.root / "roster.csv").write_text(
        HEADER + f"Auditor 0,{cell},Auditor,,\n", encoding="utf-8"
    )
    moderate(workspace, audit, framework, "Good", "The plan is better than graded.")
    out = qaf(workspace, "status")
    [path] = (workspace.outbox / "notifications").rglob(f"{audit.audit_ref} *Auditor 0.eml")
    assert "To: Auditor 0 <auditor0@council.example>\n" in path.read_text(encoding="utf-8")
    said = (
        f"audit {audit.audit_ref} (case {audit.case_id}): the roster's e-mail for Auditor 0 "
        f"(auditor) {why}: their message is addressed to auditor0@council.example, the address "
        "recorded when the audit was allocated; correct the roster"
    )
    assert said in out, out
