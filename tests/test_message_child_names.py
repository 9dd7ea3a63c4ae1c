"""E-mails quote what auditors wrote with the child's own names said as "the child".

Notifications and reminders promise never to name the child (an e-mail is forwarded and kept in
mailboxes); the auditor's summary, actions and concern are quoted in them, and an auditor writes
the child's name as a matter of course. The case note, for the child's own record, keeps the words.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

ROSTER = """Name,Email,Role,Team,Monthly Capacity
Worker 0,w0@council.example,Social Worker,Locality 1 Team & Partners,
Tara Manager,tara@council.example,Team Manager,Locality 1 Team & Partners,
Sam Service,sam@council.example,Service Manager,,
Mo Derator,mo@council.example,Moderator,,
"""


@pytest.fixture
def names_shown(workspace: Workspace) -> Workspace:
    """A workspace whose register holds children's names (plan_audits: "Childname0 Surname")."""
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        text.replace("show_child_names = false", "show_child_names = true"), encoding="utf-8"
    )
    (workspace.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return workspace


def test_notifications_and_reminders_quote_the_auditor_with_the_child_unnamed(
    names_shown: Workspace, register: Register, framework: Framework
) -> None:
    ws = names_shown
    plan_audits(register, ws, 1)
    generate_packs(ws, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(ws, audit), framework, grade="Inadequate")
    form.text("qaf_overall_rationale", "Childname0 has not been seen alone since March.")
    form.text("qaf_action_1", "See Childname0 Surname alone and record their wishes")
    form.pick_date("qaf_action_1_due", TODAY + timedelta(days=3))
    form.tick("qaf_concern").text("qaf_concern_text", "Unexplained bruise on childname0.")
    drop(form.save(), ws.inbox, "form.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", outcome.findings
    result = CliRunner().invoke(cli, ["remind", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output

    notifications = list((ws.outbox / "notifications").rglob("*.eml"))
    reminders = list((ws.outbox / "reminders").rglob("*.eml"))
    assert notifications and reminders
    bodies = {p.name: p.read_text(encoding="utf-8") for p in [*notifications, *reminders]}
    assert {n: b for n, b in bodies.items() if "childname0" in b.casefold()} == {}
    quoted = "\n".join(bodies.values())
    assert "The child has not been seen alone since March." in quoted
    assert "See the child alone and record their wishes" in quoted
    assert "Unexplained bruise on the child." in quoted

    notes = "\n".join(
        p.read_text(encoding="utf-8") for p in (ws.outbox / "case-notes").rglob("*.txt")
    )
    assert "Childname0 has not been seen alone since March." in notes, "the record keeps the words"
