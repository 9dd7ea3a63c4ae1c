"""A safeguarding concern's case note and messages are called what they are.

The register keeps an immediate safeguarding concern as an escalation, and an Inadequate audit
that raises one is escalated on the Inadequate pathway the same day: admin staff and the QA team
must never take one for the other, in a file name, the day's batch or a line of ``qaf status``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, plan_audits
from test_case_notes import ROSTER, accept, audits, heading_of, notes, qaf

from qaf_docs.cli import cli
from qaf_docs.inbox import derived
from qaf_docs.outcomes.produce import Produced
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

BRUISE = "Bruise seen."


@pytest.fixture
def ws(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    """West Sussex's collaborative audit, the case notes tests' roster and one issued audit of
    case 100200 (Worker 0, Locality 1)."""
    ws = make_workspace(tmp_path / "ws", framework="collaborative-audit", council_name="Testshire")
    (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
    return ws


def concern_and_escalation(ws: Workspace) -> str:
    """Accept an Inadequate audit whose auditor ticks the concern box: a concern and the
    Inadequate pathway's escalation of one audit on one day. Its audit reference."""
    [audit] = audits(ws)
    accept(
        ws,
        audit,
        grade="Inadequate",
        moderated="Inadequate",
        more=lambda form: form.tick("qaf_concern").text("qaf_concern_text", BRUISE),
    )
    return audit.audit_ref


def test_a_concerns_case_note_is_named_as_one_and_the_days_batch_says_the_same(
    ws: Workspace,
) -> None:
    """West Sussex: "any immediate safeguarding concerns identified must be escalated
    immediately"; its note sat beside the Inadequate escalation's as "escalated (2).txt"."""
    ref = concern_and_escalation(ws)
    written = notes(ws)
    concern, escalation = f"100200 {ref} safeguarding concern.txt", f"100200 {ref} escalated.txt"
    assert concern in written and escalation in written
    assert not [n for n in written if "(2)" in n or "Childname" in n]
    assert heading_of(written[concern]) == "Case file audit - Safeguarding concern"
    assert BRUISE in written[concern] and "Re-audit at three months" in written[escalation]
    assert "recorded as 'safeguarding concern'" in written[concern]
    assert (
        BRUISE not in written[escalation] and "escalated" in heading_of(written[escalation]).lower()
    )
    # The day's batch: a row for each note, each under the heading its .txt has.
    folder = ws.outbox / "case-notes" / TODAY.isoformat()
    batch = (folder / f"case notes {TODAY.isoformat()}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(batch)))
    assert sorted(r["Heading"] for r in rows) == sorted(heading_of(t) for t in written.values())
    [row] = [r for r in rows if BRUISE in r["Text"]]
    assert row["Heading"] == "Case file audit - Safeguarding concern"
    assert "recorded as 'safeguarding concern'" in row["Text"]
    # A rerun writes no second copy and names nothing differently.
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "Wrote" not in qaf(ws, "case-notes")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_status_says_which_of_an_audits_messages_nobody_has_been_told_of(
    ws: Workspace,
) -> None:
    """With no Service Manager on the roster, nobody had been told of the concern nor of the
    escalation: qaf status said it once, "has been told yet", as if of one thing."""
    (ws.root / "roster.csv").write_text(
        ROSTER.replace("Sam Service,sam@council.example,Service Manager,,\n", ""),
        encoding="utf-8",
    )
    ref = concern_and_escalation(ws)
    status = " ".join(qaf(ws, "status").split())
    nobody = f"audit {ref} (case 100200): nobody in the role Service Manager"
    assert (
        f"{nobody} of team 'Locality 1 Team & Partners' has been told of its safeguarding concern yet"
        in status
    )
    assert (
        f"{nobody} of team 'Locality 1 Team & Partners' has been told of its escalation "
        "(Re-audit at three months) yet"
    ) in status


def test_a_concerns_message_that_cannot_be_written_is_called_a_safeguarding_concern(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What qaf case-notes (and ingest, and the watcher's log) says it could not write:
    "(escalated)" for a concern's message read as the Inadequate pathway's."""
    monkeypatch.setattr(derived, "produce", lambda *a, **k: Produced())  # ingest only
    ref = concern_and_escalation(ws)
    (ws.outbox / "notifications").write_text("a file where the folder should be", "utf-8")
    result = CliRunner().invoke(cli, ["case-notes", "--workspace", str(ws.root)])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"the message to Sam Service for audit {ref} (safeguarding concern)" in said
    assert f"the message to Sam Service for audit {ref} (escalated)" in said


def test_the_audits_history_says_a_concern_was_raised_without_quoting_it(ws: Workspace) -> None:
    """qaf history, the audit's log, printed the concern as the auditor wrote it, the child's
    name and all; qaf status and the ingest line (and the watcher's log) never quoted it. It is
    for the QA officer who acts on it, in qaf escalations, and on the child's record."""
    [audit] = audits(ws)
    named = "Childname0 has a bruise; Childname1 says an adult did it."
    accept(ws, audit, more=lambda form: form.tick("qaf_concern").text("qaf_concern_text", named))
    history = qaf(ws, "history", audit.audit_ref)
    [line] = [x for x in history.splitlines() if "safeguarding concern" in x.lower()]
    assert "Immediate safeguarding concern (number 1, to Team Manager, Service Manager" in line
    assert "what the auditor wrote is in qaf escalations and the case note" in line
    assert "childname" not in history.casefold()
    assert named in qaf(ws, "escalations"), "the QA officer still reads it where they act on it"
    assert named in notes(ws)[f"100200 {audit.audit_ref} safeguarding concern.txt"]


def test_a_concern_no_role_is_named_for_goes_to_the_qa_team_in_status_and_escalations(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    """The multi-agency audit names nobody for a concern: its ingest line said "for the QA
    team", and qaf status and qaf escalations then said "to " and "to )", to nobody."""
    ws = make_workspace(tmp_path / "ma", framework="multi-agency-audit", council_name="Testshire")
    (ws.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
    [audit] = audits(ws)
    accept(ws, audit, more=lambda form: form.tick("qaf_concern").text("qaf_concern_text", BRUISE))
    status = qaf(ws, "status")
    assert f"SAFEGUARDING CONCERN {audit.audit_ref} (case 100200) since " in status
    assert f"{TODAY:%d/%m/%Y}: to the QA team\n" in status
    assert "Immediate safeguarding concern (" in qaf(ws, "escalations")
    assert f"({TODAY:%d/%m/%Y}, to the QA team) - {BRUISE} - open" in qaf(ws, "escalations")
